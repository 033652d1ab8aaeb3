"""Honest messages about files that exist but cannot be used, and about what validate checked."""

from __future__ import annotations

import pytest
from conftest import run, write

WHY = "people/bo-chen.md:2: missing required field 'name'; see docs/format.md#name"


@pytest.fixture
def root(kb_root):
    path = kb_root / "people/bo-chen.md"
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("name: Bo Chen\n", "", 1))
    return kb_root


@pytest.mark.parametrize(
    "args",
    [
        ["brief", "bo-chen"],
        ["brief", "Bo Chen"],
        ["questions", "bo-chen"],
        ["new", "interview", "bo-chen"],
        ["new", "person", "Di Eng", "--introduced-by", "bo-chen"],
        ["index", "--person", "bo-chen"],
    ],
)
def test_a_person_file_without_a_name_is_said_to_exist(root, args):
    result = run(*args, "--root", root)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: {WHY} (the file exists, but cannot be used until this is fixed)\n"
    )
    assert "no person" not in result.stderr


def test_validate_says_references_point_at_an_unusable_file(root):
    lines = run("validate", "--on", "2026-05-01", "--root", root).stdout.splitlines()
    assert (
        "interviews/2026-03-10-ann-lee.md:11:1: warning: referral 'bo-chen': people/bo-chen.md "
        f"exists but cannot be used: {WHY} [reference]"
    ) in lines
    assert not [line for line in lines if "tool new person" in line]


def test_validate_of_one_file_counts_it(kb_root):
    result = run("validate", kb_root / "tool.toml", "--root", kb_root)
    assert (result.exit_code, result.stdout) == (0, "No problems in 1 file\n")


def test_validate_of_a_file_it_does_not_read_says_so(kb_root):
    write(kb_root / "site/index.html", "<p>hi</p>\n")
    result = run("validate", kb_root / "site/index.html", "--root", kb_root)
    assert result.exit_code == 0
    assert result.stdout == (
        f"Nothing checked in {kb_root / 'site/index.html'}: validate reads tool.toml, "
        "people/*.md, interviews/*.md and templates/\n"
    )
    mixed = run("validate", kb_root / "site", kb_root / "people", "--root", kb_root)
    assert mixed.stdout == "No problems in 3 files\n"
    assert mixed.stderr == (
        f"note: nothing checked in {kb_root / 'site'}: validate reads tool.toml, "
        "people/*.md, interviews/*.md and templates/\n"
    )


def test_a_toml_syntax_error_is_not_also_a_missing_name(kb_root):
    write(kb_root / "tool.toml", '[me]\nname = "Test User"\n[defaults\n')
    result = run("validate", kb_root / "tool.toml", "--root", kb_root)
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if "[config]" in line] == [
        line for line in result.stdout.splitlines() if "TOML syntax" in line
    ]
    assert "[me] name" not in result.stdout
