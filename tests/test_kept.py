"""Kept outputs: a run where nothing changed prints the kept bytes, and never stale ones."""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from changes import CHANGES, COMMANDS, LATER, SECOND, WHEN, folder_linked_out, settle
from click.testing import CliRunner
from conftest import edit_in_place, run, write

from tool.cli import cli
from tool.store import cache, kept, loading


@pytest.fixture
def later(monkeypatch):
    """Runs take place long after every file of the KB was written: stamps can be trusted."""
    monkeypatch.setattr(cache, "time_ns", lambda: LATER)


def fresh(root: Path, args: list[str], monkeypatch) -> tuple[int, str, str]:
    """What the command prints with no cache at all: the answer a kept output must give."""
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        found = run("--root", root, *args)
    return found.exit_code, found.stdout, found.stderr


def printed(root: Path, args: list[str]) -> tuple[int, str, str]:
    found = run("--root", root, *args)
    return found.exit_code, found.stdout, found.stderr


def no_load(monkeypatch) -> None:
    """From now on, any reading of the knowledge base fails the test."""
    fail = lambda *a, **k: pytest.fail("the knowledge base was read")  # noqa: E731
    monkeypatch.setattr(loading, "computed", fail)
    monkeypatch.setattr(loading, "load", fail)


def kept_rows() -> list[str]:
    (path,) = cache.cache_dir().glob("*.kept.sqlite3")
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT command FROM kept ORDER BY rowid")]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_kept_output_equals_a_fresh_one_byte_for_byte(kb_root, monkeypatch, later, args):
    settle(kb_root)
    first = printed(kb_root, args)
    with monkeypatch.context() as m:
        no_load(m)
        again = printed(kb_root, args)
    assert again == first == fresh(kb_root, args, monkeypatch)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
@pytest.mark.parametrize(
    "args", [["validate"], ["list", "people", "--format", "json"]], ids=" ".join
)
def test_a_kept_output_is_never_served_after_a_change(kb_root, monkeypatch, later, change, args):
    settle(kb_root)
    before = printed(kb_root, args)
    assert printed(kb_root, args) == before  # now kept
    change(kb_root)
    after = printed(kb_root, args)
    assert after == fresh(kb_root, args, monkeypatch)
    if args == ["validate"] or change.__name__ not in ("settings", "template"):
        assert after != before  # (a list of people shows no template nor the [me] name)


def test_nothing_is_kept_while_a_folder_is_a_link(kb_root, monkeypatch, later):
    """A link for a folder is judged by the reading on each run: put back, the files count."""
    settle(kb_root)
    folder_linked_out(kb_root)
    linked = printed(kb_root, ["validate"])
    assert linked[0] == 1 and "outside the knowledge base" in linked[1]
    assert printed(kb_root, ["validate"]) == linked
    (kb_root / "people").unlink()
    (kb_root.parent / "people-elsewhere").rename(kb_root / "people")  # the same files again
    back = printed(kb_root, ["validate"])
    assert back == fresh(kb_root, ["validate"], monkeypatch)
    assert back[0] == 0


def test_a_file_changed_just_before_the_run_is_not_kept(kb_root, monkeypatch):
    """Within the clock tick of its stamp, a file may change again unseen: nothing is kept."""
    settle(kb_root)
    monkeypatch.setattr(cache, "time_ns", lambda: WHEN + 10**9)  # a second after the files
    printed(kb_root, ["validate"])
    assert not list(cache.cache_dir().glob("*.kept.sqlite3"))


def test_the_day_is_part_of_the_key(kb_root, monkeypatch, later):
    """`due` without --on is about today: tomorrow's run works it out again."""

    class Day(datetime.date):
        today_is = datetime.date(2026, 3, 22)

        @classmethod
        def today(cls):
            return cls.today_is

    settle(kb_root)
    monkeypatch.setattr("tool.invocation.date", Day)
    monkeypatch.setattr("tool.cli.due_commands.date", Day)
    first = printed(kb_root, ["due"])
    Day.today_is = datetime.date(2026, 4, 1)
    second = printed(kb_root, ["due"])
    assert first[1].splitlines()[0] == "As of Sun 2026-03-22: 1 overdue, 3 open"
    assert second[1].splitlines()[0] == "As of Wed 2026-04-01: 1 overdue, 1 due today, 3 open"


def test_colour_and_terminal_width_are_part_of_the_key(kb_root, monkeypatch, later):
    settle(kb_root)
    plain = printed(kb_root, ["due", "--on", "2026-04-01"])
    coloured = run("--root", kb_root, "--color", "always", "due", "--on", "2026-04-01")
    assert "\x1b[" not in plain[1] and "\x1b[" in coloured.stdout
    monkeypatch.setenv("COLUMNS", "200")
    wide = printed(kb_root, ["list", "people"])
    monkeypatch.setenv("COLUMNS", "40")
    narrow = printed(kb_root, ["list", "people"])
    assert narrow == fresh(kb_root, ["list", "people"], monkeypatch) != wide


def test_new_code_gets_new_output(kb_root, monkeypatch, later):
    settle(kb_root)
    printed(kb_root, ["validate"])
    with sqlite3.connect(next(cache.cache_dir().glob("*.kept.sqlite3"))) as db:
        db.execute("UPDATE kept SET value = ?", (kept.pickle.dumps((0, [(False, "stale\n")])),))
    assert printed(kb_root, ["validate"])[1] == "stale\n"  # the row is what a hit prints
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the code")
    assert printed(kb_root, ["validate"])[1] == "No problems in 6 files\n"


def test_only_a_few_outputs_are_kept_per_command(kb_root, later):
    settle(kb_root)
    for word in ("ann", "bo", "cy", "notebook", "acme", "python"):
        printed(kb_root, ["search", word])
    printed(kb_root, ["validate"])
    assert kept_rows() == ["search"] * kept.KEEP + ["validate"]


def test_an_output_that_ends_in_an_error_is_not_kept(kb_root, later):
    settle(kb_root)
    found = run("--root", kb_root, "list", "people", "--sort", "nonsense")
    assert found.exit_code == 2
    assert not list(cache.cache_dir().glob("*.kept.sqlite3"))


def test_validate_of_some_paths_and_index_to_a_file_are_not_kept(kb_root, later):
    settle(kb_root)
    printed(kb_root, ["validate", str(kb_root / "people")])
    printed(kb_root, ["index", "--output", str(kb_root / "INDEX.md")])
    assert not list(cache.cache_dir().glob("*.kept.sqlite3"))


def test_a_kept_run_imports_no_parser_and_no_click(kb_root, tmp_path):
    """The second run of `python -m tool validate` stats the files and prints: no YAML.

    Nor Click, nor the model: the command line the first run remembered is looked up, in
    the same surroundings, before anything parses it (tool.launch).
    """
    for path in kb_root.rglob("*"):
        os.utime(path, ns=(WHEN, WHEN))
    probe = (
        "import json, runpy, sys\n"
        "sys.argv = ['tool', *json.loads(sys.argv[1])]\n"
        "try:\n"
        "    runpy.run_module('tool', run_name='__main__', alter_sys=True)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tool', 'yaml', 'jinja2', 'markdown_it', 'click'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    args = [sys.executable, "-c", probe, json.dumps(["--root", str(kb_root), "validate"])]
    runs = [subprocess.run(args, capture_output=True, text=True, env=env) for _ in range(2)]
    assert runs[0].stdout.splitlines()[0] == runs[1].stdout.splitlines()[0]
    assert "click" in json.loads(runs[0].stdout.splitlines()[-1])
    assert json.loads(runs[1].stdout.splitlines()[-1]) == [
        "tool",
        "tool.errors",
        "tool.invocation",
        "tool.launch",
        "tool.store",
        "tool.store.cache",
        "tool.store.kept",
        "tool.store.root",
        "tool.store.scanning",
    ]


def zoe(root: Path) -> None:
    """A person whose name is not ASCII."""
    write(root / "people/zoe-odegaard.md", "---\nname: Zoë Ødegaard\ncompany: Globex\n---\n")


def test_a_kept_output_is_the_bytes_the_stream_was_given(kb_root, monkeypatch, later):
    """Kept as written, and written again as it is: no text is encoded again on a kept run."""
    zoe(kb_root)
    settle(kb_root)
    first = run("--root", kb_root, "list", "people")
    assert "Zoë Ødegaard" in first.stdout
    (path,) = cache.cache_dir().glob("*.kept.sqlite3")
    with sqlite3.connect(path) as db:
        (value,) = db.execute("SELECT value FROM kept").fetchone()
    assert kept.pickle.loads(value) == (0, [(False, first.stdout_bytes)])
    with monkeypatch.context() as m:
        no_load(m)
        again = run("--root", kb_root, "list", "people")
    assert (again.exit_code, again.stdout_bytes, again.stderr_bytes) == (0, first.stdout_bytes, b"")


@pytest.mark.parametrize("charset", ["ascii", "latin-1"])
def test_a_kept_output_on_a_stream_in_another_encoding_is_what_a_fresh_run_prints(
    kb_root, monkeypatch, later, charset
):
    """Click writes UTF-8 to a stream that says ASCII; Latin-1 to one in Latin-1."""
    zoe(kb_root)
    settle(kb_root)
    monkeypatch.setenv("COLUMNS", "200")  # no "…" in a column, which Latin-1 has not

    def go() -> tuple[int, bytes, bytes]:
        found = CliRunner(charset=charset).invoke(
            cli, ["--root", str(kb_root), "list", "people"], catch_exceptions=False
        )
        return found.exit_code, found.stdout_bytes, found.stderr_bytes

    first = go()
    with monkeypatch.context() as m:
        no_load(m)
        again = go()
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        alone = go()
    assert first == again == alone
    assert "Zoë".encode("utf-8" if charset == "ascii" else charset) in first[1]


def kept_files() -> list[str]:
    (folder,) = cache.cache_dir().glob("*.kept")
    return sorted(path.name for path in folder.iterdir())


def test_a_large_output_is_kept_in_a_file_of_its_own(kb_root, monkeypatch, later):
    """Its bytes read whole, not a page at a time; gone or cut short, it is computed again."""
    monkeypatch.setattr(kept, "INLINE", 10)
    settle(kb_root)
    first = run("--root", kb_root, "list", "people")
    (path,) = cache.cache_dir().glob("*.kept.sqlite3")
    with sqlite3.connect(path) as db:
        ((key, value),) = db.execute("SELECT key, value FROM kept").fetchall()
    assert kept.pickle.loads(value) == (0, [(False, len(first.stdout_bytes))])
    assert kept_files() == [key.hex()]
    stored = cache.cache_dir() / f"{path.name.split('.')[0]}.kept" / key.hex()
    assert stored.read_bytes() == first.stdout_bytes
    with monkeypatch.context() as m:
        no_load(m)
        again = run("--root", kb_root, "list", "people")
    assert (again.exit_code, again.stdout_bytes, again.stderr_bytes) == (0, first.stdout_bytes, b"")
    stored.write_bytes(first.stdout_bytes[:-1])  # cut short
    assert printed(kb_root, ["list", "people"]) == fresh(kb_root, ["list", "people"], monkeypatch)
    assert stored.read_bytes() == first.stdout_bytes  # kept again
    stored.unlink()
    assert printed(kb_root, ["list", "people"]) == fresh(kb_root, ["list", "people"], monkeypatch)
    assert stored.read_bytes() == first.stdout_bytes


def test_the_files_of_outputs_no_longer_kept_are_deleted(kb_root, monkeypatch, later):
    monkeypatch.setattr(kept, "INLINE", 0)
    settle(kb_root)
    for word in ("ann", "bo", "cy", "notebook", "acme", "python"):
        printed(kb_root, ["search", word])
    (path,) = cache.cache_dir().glob("*.kept.sqlite3")
    with sqlite3.connect(path) as db:
        keys = sorted(row[0].hex() for row in db.execute("SELECT key FROM kept"))
    assert len(keys) == kept.KEEP
    assert kept_files() == keys


def stale(root: Path) -> str:
    """Make every kept output print "stale", and say what the next run printed."""
    with sqlite3.connect(next(cache.cache_dir().glob("*.kept.sqlite3"))) as db:
        db.execute("UPDATE kept SET value = ?", (kept.pickle.dumps((0, [(False, "stale\n")])),))
    return printed(root, ["validate"])[1]


def test_the_code_is_known_by_its_files_stamps_and_an_edit_of_one_gets_new_output(
    kb_root, tmp_path, monkeypatch
):
    """Same size and time, only the change time tells: still another key."""
    now = time.time_ns() + 100 * SECOND  # long after every change, the code's included
    monkeypatch.setattr(cache, "time_ns", lambda: now)
    code = tmp_path / "code/tool"
    write(code / "a.py", "x = 1\n")
    write(code / "cli/b.py", "y = 1\n")
    for path in (code / "a.py", code / "cli/b.py"):
        os.utime(path, ns=(WHEN, WHEN))
    monkeypatch.setattr(kept, "PACKAGE", code)
    settle(kb_root)
    printed(kb_root, ["validate"])
    with monkeypatch.context() as m:  # a kept run reads no code
        m.setattr(cache, "code_fingerprint", lambda: pytest.fail("the code was read"))
        assert stale(kb_root) == "stale\n"  # the key is the same while the code is
    edit_in_place(code / "cli/b.py", "1", "2")
    assert printed(kb_root, ["validate"])[1] == "No problems in 6 files\n"
    (code / "c.py").write_text("")
    os.utime(code / "c.py", ns=(WHEN, WHEN))
    assert stale(kb_root) == "No problems in 6 files\n"  # a new file: another key


def test_code_changed_just_before_the_run_is_known_by_its_bytes(
    kb_root, tmp_path, monkeypatch, later
):
    code = tmp_path / "code/tool"
    write(code / "a.py", "x = 1\n")  # written now: after the run's (earlier) start
    monkeypatch.setattr(kept, "PACKAGE", code)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "one version")
    settle(kb_root)
    printed(kb_root, ["validate"])
    assert stale(kb_root) == "stale\n"
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version")
    assert printed(kb_root, ["validate"])[1] == "No problems in 6 files\n"


def test_another_jinja_is_new_output(kb_root, monkeypatch):
    """`validate` prints Jinja's own words about a broken template: another release, another key."""
    real = cache._installed
    before = kept.code(LATER)
    monkeypatch.setattr(
        cache, "_installed", lambda name: real(name) + (b"upgraded" if name == "jinja2" else b"")
    )
    assert kept.code(LATER) != before
