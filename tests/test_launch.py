"""A command line started again prints its kept output before Click parses it (tool.launch).

Each run here is started as from a shell: `tool.launch.main` with `sys.argv`, the output
read from the process's own file descriptors. What it prints must be, byte for byte and
with the same exit status, what a run without any cache prints; and a command line is
looked up only while everything that gave it its meaning is the same.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

import pytest
from changes import CHANGES, COMMANDS, LATER, settle
from conftest import write

import tool.cli
from tool import launch
from tool.store import cache, kept, loading, scanning


@pytest.fixture
def later(monkeypatch):
    """Runs take place long after every file of the KB was written: stamps can be trusted."""
    monkeypatch.setattr(cache, "time_ns", lambda: LATER)


@pytest.fixture
def start(monkeypatch, capfdbinary):
    """`start(*args)`: run `tool ARGS` as a shell would; its status, output, and if parsed."""
    real = tool.cli.main

    def started(*args: str | Path) -> tuple[int, bytes, bytes, bool]:
        parsed = []

        def command_line() -> None:
            parsed.append(True)
            real()

        with monkeypatch.context() as m:
            m.setattr(launch, "argv", None)
            m.setattr(sys, "argv", ["tool", *map(str, args)])
            m.setattr(tool.cli, "main", command_line)
            with pytest.raises(SystemExit) as exit:
                launch.main()
        out, err = capfdbinary.readouterr()
        return exit.value.code or 0, out, err, bool(parsed)

    return started


def fresh(start, monkeypatch, *args: str | Path) -> tuple[int, bytes, bytes, bool]:
    """What the command prints with no cache at all: what a kept output must be."""
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        return start(*args)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_command_line_started_again_prints_the_same_bytes_unparsed(
    kb_root, monkeypatch, later, start, args
):
    settle(kb_root)
    status, out, err, parsed = start("--root", kb_root, *args)
    assert parsed and (out or err)
    with monkeypatch.context() as m:
        m.setattr(loading, "load", lambda *a, **k: pytest.fail("the knowledge base was read"))
        assert start("--root", kb_root, *args) == (status, out, err, False)
    assert fresh(start, monkeypatch, "--root", kb_root, *args) == (status, out, err, True)


def test_colour_written_for_a_terminal_is_printed_again_unparsed(kb_root, later, start):
    settle(kb_root)
    args = ("--root", kb_root, "--color", "always", "due", "--on", "2026-04-01")
    first = start(*args)
    assert b"\x1b[" in first[1]
    assert start(*args) == (*first[:3], False)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
@pytest.mark.parametrize(
    "args", [["validate"], ["list", "people", "--format", "json"]], ids=" ".join
)
def test_a_command_line_started_again_never_prints_a_stale_output(
    kb_root, monkeypatch, later, start, change, args
):
    settle(kb_root)
    before = start("--root", kb_root, *args)
    assert start("--root", kb_root, *args) == (*before[:3], False)
    change(kb_root)
    after = start("--root", kb_root, *args)
    assert after == fresh(start, monkeypatch, "--root", kb_root, *args)
    if args == ["validate"] or change.__name__ not in ("settings", "template"):
        assert after[:3] != before[:3]


def test_a_changed_knowledge_base_is_scanned_once(kb_root, monkeypatch, later, start):
    """The launcher's scan, which found a change, is the one the command line goes on from."""
    settle(kb_root)
    start("--root", kb_root, "validate")
    CHANGES["edit"](kb_root)
    scans = []
    real = scanning.scan
    monkeypatch.setattr(scanning, "scan", lambda *a: scans.append(a) or real(*a))
    monkeypatch.setattr(kept, "scan", scanning.scan)
    after = start("--root", kb_root, "validate")
    assert after[3] and len(scans) == 1
    assert after == fresh(start, monkeypatch, "--root", kb_root, "validate")


def test_a_nearer_knowledge_base_is_never_served_the_farther_one_s_output(
    kb_root, monkeypatch, later, start
):
    """Without --root, the KB is the nearest marked folder: one made since is the one used."""
    settle(kb_root)
    inner = kb_root / "notes"
    inner.mkdir()
    monkeypatch.chdir(inner)
    outer = start("list", "people")
    assert b"Ann Lee" in outer[1]
    assert start("list", "people") == (*outer[:3], False)
    write(inner / "people/zed-zhou.md", "---\nname: Zed Zhou\n---\n")
    settle(inner)
    nearer = start("list", "people")
    assert nearer[3] and b"Zed Zhou" in nearer[1] and b"Ann Lee" not in nearer[1]


class _Tomorrow:
    @staticmethod
    def today() -> datetime.date:
        return datetime.date.today() + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "surroundings",
    [
        lambda m: m.setenv("COLUMNS", "33"),
        lambda m: m.setenv("NO_COLOR", "1"),
        lambda m: m.setattr(launch, "date", _Tomorrow),
        lambda m: m.setattr(sys, "path", [*sys.path, "/elsewhere"]),
        lambda m: m.chdir(m.tmp),
    ],
    ids=["terminal-width", "no-color", "another-day", "import-path", "working-folder"],
)
def test_a_command_line_in_other_surroundings_is_parsed_again(
    kb_root, tmp_path, monkeypatch, later, start, surroundings
):
    settle(kb_root)
    args = ("--root", kb_root, "due", "--on", "2026-04-01")
    first = start(*args)
    assert start(*args)[3] is False
    with monkeypatch.context() as m:
        m.tmp = tmp_path / "elsewhere"  # type: ignore[attr-defined]
        m.tmp.mkdir()  # type: ignore[attr-defined]
        surroundings(m)
        assert start(*args)[3] is True
    assert start(*args) == (*first[:3], False)


def test_another_click_is_never_served_an_output_it_did_not_print(
    kb_root, monkeypatch, later, start
):
    settle(kb_root)
    args = ("--root", kb_root, "validate")
    start(*args)
    real = kept.stamp_of
    monkeypatch.setattr(kept, "stamp_of", lambda path: (*real(path)[:2], 1))  # upgraded
    assert start(*args)[3] is True


@pytest.mark.parametrize(
    "environment",
    [
        {"_TOOL_COMPLETE": "bash_complete", "COMP_WORDS": "tool val", "COMP_CWORD": "1"},
        {"TOOL_NO_CACHE": "1"},
    ],
    ids=["completion", "no-cache"],
)
def test_completion_and_a_run_without_cache_are_always_parsed(
    kb_root, monkeypatch, later, start, environment
):
    settle(kb_root)
    args = ("--root", kb_root, "validate")
    start(*args)
    assert start(*args)[3] is False
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert start(*args)[3] is True


def test_only_a_run_started_as_a_command_line_is_remembered(kb_root, later):
    """A run through Click alone (as tests and other programs call it) never is."""
    from conftest import run

    settle(kb_root)
    run("--root", kb_root, "validate")
    run("--root", kb_root, "validate")
    assert not (cache.cache_dir() / "calls.sqlite3").exists()
    assert list(cache.cache_dir().glob("*.kept.sqlite3"))


def test_a_damaged_memory_of_command_lines_is_parsed_and_made_again(kb_root, later, start):
    settle(kb_root)
    args = ("--root", kb_root, "validate")
    first = start(*args)
    calls = cache.cache_dir() / "calls.sqlite3"
    calls.write_bytes(b"not a database" * 100)
    for leftover in calls.parent.glob("calls.sqlite3-*"):
        leftover.unlink()
    assert start(*args) == (*first[:3], True)
    assert start(*args) == (*first[:3], False)


def test_the_command_line_memory_keeps_only_the_latest(kb_root, monkeypatch, later, start):
    settle(kb_root)
    monkeypatch.setattr(kept, "CALLS", 2)
    for term in ("alpha", "beta", "gamma"):
        start("--root", kb_root, "search", term)
    assert start("--root", kb_root, "search", "gamma")[3] is False
    assert start("--root", kb_root, "search", "alpha")[3] is True
    assert os.path.getsize(cache.cache_dir() / "calls.sqlite3") > 0
