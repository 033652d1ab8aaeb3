"""`tool validate` as a command: exit codes, formats, --strict, paths and the summary.

Which problems each rule finds is in test_rules.py, as tables over the rules themselves.
"""

from __future__ import annotations

import json

from conftest import run, write

PERSON = "---\nname: {name}\n---\n"


def test_clean_kb(kb_root):
    result = run("validate", "--root", kb_root)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "No problems in 6 files\n", "")


def test_output_is_sorted_by_path_and_line_with_summary(kb_root):
    write(kb_root / "people/zz.md", "---\nname: Zz\nrelationship: x\nprivate: maybe\n---\n")
    write(kb_root / "people/aa.md", "---\nname: Aa\nstay_in_touch: often\n---\n")
    result = run("validate", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "people/aa.md:3:16: error: 'stay_in_touch' must be a whole number, not 'often' [type]",
        "people/zz.md:3:1: error: relationship must be one of alumni, colleague, friend, "
        "referral, cold, other, not 'x'; see docs/format.md#relationship [value]",
        "people/zz.md:4:10: error: 'private' must be true or false, not 'maybe' [type]",
        "3 errors, 0 warnings in 8 files",
    ]


def test_json_format(kb_root):
    write(kb_root / "people/aa.md", "---\nname: Aa\nstay_in_touch: often\n---\n")
    result = run("validate", "--root", kb_root, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": "people/aa.md",
            "line": 3,
            "col": 16,
            "severity": "error",
            "message": "'stay_in_touch' must be a whole number, not 'often'",
            "rule": "type",
        }
    ]


def test_github_format(kb_root):
    write(kb_root / "people/a,b.md", "---\nname: 'A, B'\nrelationship: x\n---\n")
    result = run("validate", "--root", kb_root, "--format", "github")
    assert result.stdout.splitlines()[-1] == (
        "::error file=people/a%2Cb.md,line=3,col=1::relationship must be one of alumni, colleague,"
        " friend, referral, cold, other, not 'x'; see docs/format.md#relationship [value]"
    )


def test_strict_turns_warnings_into_failure(kb_root):
    write(kb_root / "people/dan.md", PERSON.format(name="Dan Eno"))
    assert run("validate", "--root", kb_root).exit_code == 0
    assert run("validate", "--root", kb_root, "--strict").exit_code == 1


def test_paths_limit_the_report(kb_root, monkeypatch):
    write(kb_root / "people/aa.md", "---\nname: Aa\nstay_in_touch: often\n---\n")
    write(kb_root / "interviews/x.md", "---\nperson: nobody\ndate: 2026-01-01\n---\n")
    monkeypatch.chdir(kb_root)
    result = run("validate", "people/aa.md")
    assert result.stdout.splitlines()[:-1] == [
        "people/aa.md:3:16: error: 'stay_in_touch' must be a whole number, not 'often' [type]"
    ]
    result = run("validate", "interviews")
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == [
        "interviews/x.md",
        "interviews/x.md",
    ]


def test_path_outside_the_kb_is_a_usage_error(kb_root, tmp_path):
    result = run("validate", "--root", kb_root, tmp_path)
    assert result.exit_code == 2
    assert "is not inside the knowledge base" in result.stderr


def test_a_path_that_does_not_exist_is_a_usage_error(kb_root, monkeypatch):
    monkeypatch.chdir(kb_root)
    result = run("validate", "people/nobody.md")
    assert result.exit_code == 2
    assert "Path 'people/nobody.md' does not exist" in result.stderr


def test_paths_with_dot_dot_and_the_file_count(kb_root, monkeypatch):
    write(kb_root / "people/aa.md", "---\nname: Aa\nstay_in_touch: often\n---\n")
    monkeypatch.chdir(kb_root / "people")
    result = run("validate", "../people/aa.md")
    assert result.stdout.splitlines() == [
        "people/aa.md:3:16: error: 'stay_in_touch' must be a whole number, not 'often' [type]",
        "1 error, 0 warnings in 1 file",
    ]
    assert run("validate", "ann-lee.md").stdout == "No problems in 1 file\n"
