"""The pre-commit hooks, the plain git hook and the CI example name real commands and work."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import GIT_ENV, run, write

from tool.cli import COMMANDS, cli

REPO = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
GIT_DOC = (REPO / "docs/git.md").read_text(encoding="utf-8")
NEEDS_FMT = pytest.mark.skipif("fmt" not in COMMANDS, reason="`tool fmt` is not in this build")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", GIT_DOC, re.M | re.S)


PLAIN_HOOK = next(b for b in blocks("sh") if b.startswith("#!/bin/sh"))


def options_of(command: str) -> set[str]:
    found = cli.commands[command]
    return {o for p in found.params for o in (*p.opts, *p.secondary_opts)}


def check_command_line(words: list[str]) -> None:
    """`tool COMMAND --option...`: the command exists and takes each option given."""
    assert words[0] == "tool", words
    assert words[1] in COMMANDS, f"no command {words[1]!r}"
    options = [w.split("=")[0] for w in words[2:] if w.startswith("-")]
    assert set(options) <= options_of(words[1]), (words, options_of(words[1]))


def test_the_hooks_file_lists_validate_and_fmt():
    assert [h["id"] for h in HOOKS] == ["tool-validate", "tool-fmt"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= hook.keys()
        assert hook["language"] == "python"  # pre-commit installs this repository's package
    assert HOOKS[0]["pass_filenames"] is False  # cross-file rules need the whole KB


@pytest.mark.parametrize(
    ("hook", "path", "runs"),
    [
        ("tool-validate", "people/jane-doe.md", True),
        ("tool-validate", "interviews/2026-03-14-jane-doe.md", True),
        ("tool-validate", "templates/questions/career.md", True),
        ("tool-validate", "tool.toml", True),
        ("tool-validate", "README.md", False),
        ("tool-fmt", "people/jane-doe.md", True),
        ("tool-fmt", "tool.toml", False),
        ("tool-fmt", "notes/people/x.md", False),
    ],
)
def test_each_hook_runs_for_its_files(hook, path, runs):
    pattern = next(h["files"] for h in HOOKS if h["id"] == hook)
    assert bool(re.search(pattern, path)) is runs


def test_validate_hook_names_a_real_command():
    check_command_line(shlex.split(HOOKS[0]["entry"]))


@NEEDS_FMT
def test_fmt_hook_names_a_real_command():
    check_command_line(shlex.split(HOOKS[1]["entry"]))


def test_the_documented_hook_and_ci_use_real_commands():
    ci = yaml.safe_load(blocks("yaml")[1])
    steps = [s["run"] for s in ci["jobs"]["validate"]["steps"] if "run" in s]
    lines = [
        line.split("||")[0].strip()
        for line in PLAIN_HOOK.splitlines() + steps
        if line.strip().startswith("tool ")
    ]
    assert lines == ["tool validate", "tool fmt --check", *steps[1:]]
    assert steps[1:] == ["tool validate --format github", "tool fmt --check"]
    for line in lines:
        words = shlex.split(line)
        if words[1] in COMMANDS:
            check_command_line(words)
        else:
            assert words[1] == "fmt", line  # the one command of the same issue built apart
    formats = next(p for p in cli.commands["validate"].params if "--format" in p.opts)
    assert "github" in formats.type.choices


def test_github_format_prints_annotations(kb_root):
    write(kb_root / "people/bad.md", "---\nname: Bad\nrelationship: enemy\n---\n")
    result = run("validate", "--format", "github", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=people/bad.md,line=3,col=1::relationship ")


@pytest.fixture
def hooked(tmp_path, monkeypatch) -> Path:
    """A committed knowledge base with docs/git.md's hook, and `tool` from this checkout."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    shims = tmp_path / "bin"
    write(shims / "tool", f'#!/bin/sh\nexec "{sys.executable}" -m tool "$@"\n').chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    root = tmp_path / "kb"
    write(root / "people/ann-lee.md", "---\nname: Ann Lee\n---\n")
    write(root / "tool.toml", '[me]\nname = "Alex Example"\n')
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    write(root / ".git/hooks/pre-commit", PLAIN_HOOK).chmod(0o755)
    return root


def commit(root: Path) -> subprocess.CompletedProcess[str]:
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return subprocess.run(
        ["git", "commit", "-q", "-m", "Add"], cwd=root, capture_output=True, text=True
    )


def test_the_plain_hook_refuses_a_commit_with_an_error(hooked):
    write(hooked / "people/bo-chen.md", "---\ncompany: Acme\n---\n")
    done = commit(hooked)
    assert (done.returncode, done.stdout + done.stderr) == (
        1,
        "people/bo-chen.md:2:1: error: missing required field 'name'; see docs/format.md#name "
        "[required]\n1 error, 0 warnings in 2 files\n",
    )
    head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=hooked)
    assert head.returncode != 0  # nothing was committed


@NEEDS_FMT
def test_the_plain_hook_lets_a_clean_commit_through(hooked):
    done = commit(hooked)
    assert (done.returncode, done.stdout + done.stderr) == (0, "No problems in 1 file\n")


@NEEDS_FMT
def test_the_plain_hook_refuses_a_file_fmt_would_change(hooked):
    write(hooked / "people/bo-chen.md", "---\ncompany: Acme\nname: Bo Chen\n---\n")
    done = commit(hooked)
    assert done.returncode == 1
    assert (done.stdout + done.stderr).endswith(
        "people/bo-chen.md\npre-commit: run `tool fmt` and add the files again\n"
    )
