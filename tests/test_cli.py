"""The command line as a whole: root discovery, help, version, error handling, init."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import run, write

from tool import __version__
from tool.cli import cli


def all_commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path
        if hasattr(command, "commands"):
            yield from all_commands(command, path)


@pytest.mark.parametrize("path", list(all_commands()), ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"tool {' '.join(path)}" in result.stdout


def test_version():
    result = run("--version")
    assert result.stdout == f"tool, version {__version__}\n"


def test_python_dash_m_runs(kb_root):
    proc = subprocess.run(
        [sys.executable, "-m", "tool", "validate", "--root", str(kb_root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (0, "No problems in 6 files\n")


def test_root_from_an_ancestor_folder(kb_root, monkeypatch):
    monkeypatch.chdir(kb_root / "people")
    assert run("validate").stdout == "No problems in 6 files\n"


def test_root_from_environment(kb_root, monkeypatch):
    monkeypatch.setenv("TOOL_ROOT", str(kb_root))
    assert run("validate").stdout == "No problems in 6 files\n"


def test_root_option_wins_over_environment(kb_root, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOL_ROOT", str(tmp_path / "missing"))
    assert run("validate", "--root", kb_root).exit_code == 0
    assert run("--root", kb_root, "validate").exit_code == 0


def test_no_root_is_a_clear_error(tmp_path):
    result = run("validate")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no knowledge base found in {tmp_path} or any parent folder (looked for "
        "tool.toml, people/ or interviews/); run `tool init` to create one, or pass --root DIR\n"
    )


def test_missing_root_folder(tmp_path):
    result = run("validate", "--root", tmp_path / "nope")
    assert result.exit_code == 1
    assert result.stderr == f"Error: knowledge base folder not found: {tmp_path / 'nope'}\n"


def test_internal_error_is_one_line_and_debug_shows_traceback(kb_root, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("tool.check.check_root", boom)  # imported when validate runs
    result = run("validate", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: internal error (RuntimeError: kaboom). This is a bug")
    assert len(result.stderr.splitlines()) == 1
    debug = run("--debug", "validate", "--root", kb_root)
    assert "Traceback (most recent call last)" in debug.stderr
    monkeypatch.setenv("TOOL_DEBUG", "1")
    assert "Traceback" in run("validate", "--root", kb_root).stderr


def test_init_creates_a_working_kb(tmp_path):
    result = run("init", tmp_path / "kb")
    assert result.exit_code == 0
    root = tmp_path / "kb"
    assert sorted(p.name for p in root.iterdir()) == [
        ".gitignore",
        "interviews",
        "people",
        "templates",
        "tool.toml",
    ]
    assert "[defaults]" in (root / "tool.toml").read_text()
    assert run("new", "person", "Jane Doe", "--root", root).exit_code == 0
    assert run("validate", "--root", root).stdout == (
        'tool.toml:5:1: warning: [me] name is still "Your Name"; set it to sign drafts [config]\n'
        "0 errors, 1 warning in 1 file\n"
    )


@pytest.mark.parametrize("existing", ["tool.toml", "people/", "interviews/", "templates/"])
def test_init_refuses_an_existing_kb(tmp_path, existing):
    target = tmp_path / "kb"
    if existing.endswith("/"):
        (target / existing).mkdir(parents=True)
    else:
        write(target / existing, "# mine\n")
    before = sorted(str(p) for p in target.rglob("*"))
    result = run("init", target)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {target} already holds a knowledge base "
        f"(found {existing.rstrip('/')}); nothing was changed\n"
    )
    assert sorted(str(p) for p in target.rglob("*")) == before


def test_example_kb_of_this_repository_is_clean(monkeypatch):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    result = run("validate", "--root", root, "--strict")
    assert (result.exit_code, result.stdout.startswith("No problems in")) == (0, True)


@pytest.mark.parametrize("from_env", [False, True])
def test_a_folder_that_is_not_a_kb_is_refused(tmp_path, monkeypatch, from_env):
    plain = tmp_path / "plain"
    plain.mkdir()
    if from_env:
        monkeypatch.setenv("TOOL_ROOT", str(plain))
        result = run("validate")
        source = " (from TOOL_ROOT)"
    else:
        result = run("validate", "--root", plain)
        source = ""
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {plain}{source} is not a knowledge base (it has no tool.toml, people/ or "
        f"interviews/); run `tool init {plain}` to start one there\n"
    )


def test_init_inside_a_kb_is_refused(kb_root, monkeypatch):
    monkeypatch.chdir(kb_root / "people")
    result = run("init")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: . is inside the knowledge base at {kb_root}; nothing was changed "
        "(start a new one in a folder outside it)\n"
    )
    assert sorted(p.name for p in (kb_root / "people").iterdir()) == [
        "ann-lee.md",
        "bo-chen.md",
        "cy-diaz.md",
    ]


def test_init_says_where_to_go_next(tmp_path):
    result = run("init", "kb")
    assert result.stdout == (
        "Created a knowledge base in kb\n"
        'Next: cd kb, set your name in tool.toml, then `tool new person "Jane Doe"`.\n'
    )
