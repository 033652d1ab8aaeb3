"""A command line started again prints its kept output before Click parses it (tool.launch).

Each run here is started as from a shell: `tool.launch.main` with `sys.argv`, the output
read from the process's own file descriptors. What it prints must be, byte for byte and
with the same exit status, what a run without any cache prints; and a command line is
looked up only while everything that gave it its meaning is the same.
"""

from __future__ import annotations

import datetime
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from changes import CHANGES, COMMANDS, LATER, settle
from conftest import write

import tool.cli
from tool import invocation, launch
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
            m.setattr(sys, "argv", ["tool", *map(str, args)])
            m.setattr(tool.cli, "main", command_line)
            with pytest.raises(SystemExit) as exit:
                launch.main()
        out, err = capfdbinary.readouterr()
        # Nothing of this run is left for a later one in the same process.
        assert (invocation.argv, invocation.begun) == (None, None)
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
        lambda m: m.setattr(invocation, "date", _Tomorrow),
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
    real = cache._installed
    monkeypatch.setattr(  # upgraded
        cache, "_installed", lambda name: real(name) + (b"new" if name == "click" else b"")
    )
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
    assert not (cache.cache_dir() / "command-lines.sqlite3").exists()
    assert list(cache.cache_dir().glob("*.kept.sqlite3"))


def test_a_damaged_memory_of_command_lines_is_parsed_and_made_again(kb_root, later, start):
    settle(kb_root)
    args = ("--root", kb_root, "validate")
    first = start(*args)
    calls = cache.cache_dir() / "command-lines.sqlite3"
    calls.write_bytes(b"not a database" * 100)
    for leftover in calls.parent.glob("command-lines.sqlite3-*"):
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


def test_a_root_given_to_the_group_is_checked_again(kb_root, tmp_path, later, start):
    """`tool --root X validate --root KB`: Click refuses X once it is a file, unused or not."""
    settle(kb_root)
    (tmp_path / "x").mkdir()
    args = ("--root", "x", "validate", "--root", kb_root)
    first = start(*args)
    assert first[0] == 0 and start(*args) == (*first[:3], False)
    (tmp_path / "x").rmdir()
    (tmp_path / "x").write_text("")
    status, out, err, parsed = start(*args)
    assert (status, out, parsed) == (2, b"", True)
    assert b"Directory 'x' is a file" in err


def test_an_interrupted_lookup_ends_as_an_interrupted_command(kb_root, monkeypatch, later, start):
    """Ctrl-C while the launcher scans is what Click makes of it: "Aborted!", status 1."""
    settle(kb_root)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        m.setattr(kept, "begin", interrupted)
        by_click = start("--root", kb_root, "validate")
    start("--root", kb_root, "validate")
    monkeypatch.setattr(kept, "recall", interrupted)
    assert start("--root", kb_root, "validate") == (*by_click[:3], False)
    assert by_click[:3] == (1, b"", b"\nAborted!\n")


def test_a_lookup_that_fails_leaves_the_run_to_the_command_line(
    kb_root, tmp_path, monkeypatch, later, start
):
    """A working folder gone, a cache folder refused: Click's run, and Click's message."""
    settle(kb_root)
    args = ("--root", kb_root, "validate")
    first = start(*args)
    real = os.getcwd

    def gone() -> str:
        if sys._getframe(1).f_globals.get("__name__") == "tool.invocation":
            raise FileNotFoundError(2, "No such file or directory")
        return real()

    with monkeypatch.context() as m:
        m.setattr(os, "getcwd", gone)
        assert start(*args) == fresh(start, monkeypatch, *args)
        assert start(*args)[:3] == (1, b"", b"Error: No such file or directory\n")
    assert start(*args) == (*first[:3], False)
    monkeypatch.setenv("TOOL_CACHE_DIR", str(tmp_path / ("c" * 300)))  # too long a name
    by_click = start(*args)
    assert by_click[3] and start(*args) == by_click


def test_an_output_that_cannot_be_written_is_reported_as_the_command_line_does(kb_root, tmp_path):
    """Kept, then printed to a full disk: Click's "Error: ...", never a traceback."""
    settle(kb_root)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    argv = [sys.executable, "-m", "tool", "--root", str(kb_root), "validate"]
    for _ in range(2):
        with open(tmp_path / "out", "wb") as out:
            subprocess.run(argv, stdout=out, env=env, check=True)
    with open("/dev/full", "wb") as full:
        kept_run = subprocess.run(argv, stdout=full, stderr=subprocess.PIPE, env=env)
        fresh_run = subprocess.run(
            argv, stdout=full, stderr=subprocess.PIPE, env={**env, "TOOL_NO_CACHE": "1"}
        )
    assert (kept_run.returncode, kept_run.stderr) == (fresh_run.returncode, fresh_run.stderr)
    assert kept_run.returncode == 1 and kept_run.stderr.startswith(b"Error: ")


def test_an_output_kept_for_a_pipe_is_not_printed_to_a_terminal(kb_root, tmp_path):
    """Colour is for a terminal only: kept through a pipe, then run on a terminal."""
    settle(kb_root)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    argv = [sys.executable, "-m", "tool", "--root", str(kb_root), "due", "--on", "2026-04-01"]
    for _ in range(2):
        piped = subprocess.run(argv, capture_output=True, env=env, check=True).stdout
    assert b"\x1b[" not in piped

    def on_a_terminal(environment: dict[str, str]) -> bytes:
        main, side = pty.openpty()
        try:
            subprocess.run(argv, stdout=side, stderr=side, env=environment, check=True)
            os.close(side)
            return _read_all(main)
        finally:
            os.close(main)

    shown = on_a_terminal(env)
    assert b"\x1b[" in shown
    assert shown == on_a_terminal({**env, "TOOL_NO_CACHE": "1"})


def _read_all(fd: int) -> bytes:
    """What a terminal's other end was given (EIO once the last writer has gone)."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_an_output_interrupted_while_it_is_printed_ends_as_click_ends_it(monkeypatch, capfdbinary):
    """Ctrl-C while a slow pager takes the kept output: "Aborted!", status 1, no traceback."""

    class Interrupted:
        def write(self, data: bytes) -> int:
            raise KeyboardInterrupt

        def flush(self) -> None:
            pass

    class Stream:
        buffer = Interrupted()

        def flush(self) -> None:
            pass

    found = kept.Recalled((0, [(False, b"kept\n")]), None)
    monkeypatch.setattr(kept, "recall", lambda *args: found)
    monkeypatch.setattr(sys, "argv", ["tool", "validate"])
    monkeypatch.setattr(sys, "stdout", Stream())
    with pytest.raises(SystemExit) as exit:
        launch.main()
    assert exit.value.code == 1
    assert capfdbinary.readouterr().err == b"\nAborted!\n"


def test_a_cache_folder_another_user_owns_is_never_used(kb_root, monkeypatch, later, start):
    """Kept there with that user's rights: their outputs and pickles are not this user's."""
    settle(kb_root)
    args = ("--root", kb_root, "validate")
    first = start(*args)
    assert start(*args) == (*first[:3], False)
    folder = cache.cache_dir()
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.rglob("*"))
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(folder).st_uid + 1)
    assert cache.cache_dir() is None
    assert start(*args) == fresh(start, monkeypatch, *args)
    assert start(*args)[3] is True
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.rglob("*")) == before


def test_a_failed_lookup_is_shown_under_debug(kb_root, monkeypatch, later, start):
    settle(kb_root)
    args = ("--root", kb_root, "validate")
    start(*args)
    monkeypatch.setenv("TOOL_DEBUG", "1")
    monkeypatch.setattr(kept, "recall", lambda *a: 1 / 0)
    status, out, err, parsed = start(*args)
    assert parsed and (status, out) == (0, b"No problems in 6 files\n")
    assert b"ZeroDivisionError" in err


def test_a_command_kept_without_the_entry_point_knowing_is_refused():
    """The entry point looks up only the commands it names: a new kept one is added there."""
    from tool.cli.kept import kept_output

    with pytest.raises(ValueError) as refused:
        kept_output("fmt")
    assert str(refused.value) == "fmt is kept: add it to tool.launch.KEPT"
