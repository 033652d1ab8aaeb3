"""Odd files: FIFOs, sockets, folders and bad links are reported, leftovers of killed runs go."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run

import tool
from tool.store import files, loading

# The checkout whose `tool` these tests import: subprocesses must run the same code.
SOURCE = Path(tool.__file__).resolve().parents[1]
FIFO = "a named pipe, not a regular file; not read [file-type]"
LOOP = "symbolic link loops back on itself; not read [symlink]"


def run_apart(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in its own process: a run that waits on a FIFO fails instead of hanging."""
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    return subprocess.run(
        [sys.executable, "-m", "tool", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def make_socket(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)  # a relative name: socket paths have a short length limit
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(path.name)


def test_a_fifo_among_people_is_reported_and_the_rest_is_read(kb_root):
    os.mkfifo(kb_root / "people/x.md")
    result = run_apart("--root", kb_root, "validate")
    assert result.stdout == f"people/x.md:1:1: error: {FIFO}\n1 error, 0 warnings in 7 files\n"
    assert result.returncode == 1
    listed = run_apart("--root", kb_root, "list", "people")
    assert [line.split("  ")[0] for line in listed.stdout.splitlines()[1:]] == [
        "Ann Lee",
        "Bo Chen",
        "Cy Diaz",
    ]
    assert listed.stderr.startswith(f"people/x.md:1:1: error: {FIFO}\n")
    assert listed.returncode == 0


def test_a_fifo_named_on_the_command_line_is_reported(kb_root):
    os.mkfifo(kb_root / "interviews/2026-05-01-ann-lee.md")
    result = run_apart("--root", kb_root, "validate", kb_root / "interviews/2026-05-01-ann-lee.md")
    assert result.stdout == (
        f"interviews/2026-05-01-ann-lee.md:1:1: error: {FIFO}\n1 error, 0 warnings in 1 file\n"
    )
    assert result.returncode == 1


def loop_of_two(path: Path, _: object) -> None:
    path.symlink_to("../elsewhere")
    (path.parent.parent / "elsewhere").symlink_to(f"people/{path.name}")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p, _: p.symlink_to(p.name), LOOP),
        (loop_of_two, LOOP),
        (
            lambda p, _: p.symlink_to("nobody.md"),
            "symbolic link points to nothing (its target does not exist); not read [symlink]",
        ),
        (lambda p, _: p.mkdir(), "a folder, not a regular file; not read [file-type]"),
        (make_socket, "a socket, not a regular file; not read [file-type]"),
    ],
    ids=["self-loop", "loop-of-two", "dangling", "folder", "socket"],
)
def test_odd_entries_are_reported_and_skipped(kb_root, monkeypatch, make, message):
    make(kb_root / "people/odd.md", monkeypatch)
    result = run("--root", kb_root, "validate")
    assert result.stdout == f"people/odd.md:1:1: error: {message}\n1 error, 0 warnings in 7 files\n"
    assert result.exit_code == 1
    assert sorted(loading.load(kb_root).people) == ["ann-lee", "bo-chen", "cy-diaz"]


def test_a_looping_link_named_on_the_command_line_is_reported(kb_root):
    (kb_root / "people/odd.md").symlink_to("odd.md")
    result = run("--root", kb_root, "validate", kb_root / "people/odd.md")
    assert result.stdout == f"people/odd.md:1:1: error: {LOOP}\n1 error, 0 warnings in 1 file\n"
    assert result.exit_code == 1


def test_a_missing_path_is_still_a_usage_error(kb_root):
    result = run("--root", kb_root, "validate", kb_root / "people/nobody.md")
    assert "Path " in result.stderr and "nobody.md' does not exist." in result.stderr
    assert result.exit_code == 2


def test_a_fifo_for_tool_toml_is_reported(kb_root):
    (kb_root / "tool.toml").unlink()
    os.mkfifo(kb_root / "tool.toml")
    result = run_apart("--root", kb_root, "validate")
    lines = result.stdout.splitlines()
    assert f"tool.toml:1:1: error: {FIFO}" in lines
    assert lines[-1] == "1 error, 0 warnings in 6 files"  # not also "[me] name is not set"
    assert result.returncode == 1


def test_a_fifo_among_question_sets_is_reported(kb_root):
    (kb_root / "templates/questions").mkdir(parents=True)
    os.mkfifo(kb_root / "templates/questions/extra.md")
    result = run_apart("--root", kb_root, "validate")
    lines = result.stdout.splitlines()
    assert (
        "templates/questions/extra.md:1:1: error: "
        "a named pipe, not a regular file; not read [template]"
    ) in lines
    assert result.returncode == 1


def test_a_looping_template_is_reported_not_a_crash(kb_root):
    (kb_root / "templates").mkdir()
    (kb_root / "templates/person.md").symlink_to("person.md")
    result = run("--root", kb_root, "new", "person", "Dee Ray")
    assert result.stderr == f"Error: templates/person.md:1: {LOOP.split(' [')[0]}\n"
    assert result.exit_code == 1
    assert not (kb_root / "people/dee-ray.md").exists()


def test_output_to_a_fifo_is_refused_not_awaited(kb_root, tmp_path):
    os.mkfifo(tmp_path / "index.md")
    result = run_apart("--root", kb_root, "index", "--output", tmp_path / "index.md")
    assert "refusing to overwrite a file that `tool index` did not write" in result.stderr
    assert result.returncode == 1
    assert (tmp_path / "index.md").is_fifo()


@pytest.mark.parametrize(
    "args",
    [
        ("index", "--output", "loop.md"),
        ("draft", "thank-you", "ann-lee", "--output", "loop.md"),
        ("digest", "--output", "loop.md"),
    ],
    ids=["index", "draft", "digest"],
)
def test_output_to_a_looping_link_is_an_error_not_a_crash(kb_root, tmp_path, args):
    (tmp_path / "loop.md").symlink_to("loop.md")
    result = run("--root", kb_root, *args)
    assert result.stderr.endswith("loop.md: symbolic link loops back on itself\n")
    assert result.exit_code == 1


def test_init_in_a_looping_link_is_an_error_not_a_crash(tmp_path):
    (tmp_path / "loop").symlink_to("loop")
    result = run("init", "loop")
    assert result.stderr == "Error: loop: symbolic link loops back on itself\n"
    assert result.exit_code == 1


def test_read_regular_refuses_a_fifo_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(files.NotRegularFile, match="a named pipe, not a regular file"):
        files.read_regular(tmp_path / "pipe")


def test_write_atomic_never_replaces_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "out.md")
    with pytest.raises(files.NotRegularFile):
        files.write_atomic(tmp_path / "out.md", "text\n")
    assert (tmp_path / "out.md").is_fifo()


# A `tool new` killed between writing its temporary file and linking it into place.
KILLED_NEW = """
import os, sys
from tool.store import files
files.os.link = lambda *args: os._exit(9)
files._rename_noreplace = lambda *args: os._exit(9)  # where the file would go in place
from tool.cli import cli
cli(sys.argv[1:])
"""


def test_a_killed_new_leaves_a_temporary_file_that_the_next_run_removes(kb_root):
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_NEW, "--root", str(kb_root), "new", "person", "Dee Ray"],
        env=env,
        timeout=120,
    )
    assert killed.returncode == 9
    (left,) = (kb_root / "people").glob(".dee-ray.md.*.tmp")
    result = run("--root", kb_root, "new", "person", "Dee Ray")
    assert result.exit_code == 0
    assert not left.exists()
    assert sorted(p.name for p in (kb_root / "people").iterdir()) == [
        "ann-lee.md",
        "bo-chen.md",
        "cy-diaz.md",
        "dee-ray.md",
    ]


def leftover(folder: Path, host: str, pid: int, age_days: float = 0, tag: str = "k2j4x9q_") -> Path:
    """A temporary file named as `tool` names them, last written `age_days` ago."""
    path = folder / f".eve.md.{host}-{pid}.{tag}.tmp"
    path.write_text("---\nname: Eve\n")
    when = time.time_ns() - int(age_days * 86400) * 1_000_000_000
    os.utime(path, ns=(when, when))
    return path


def finished_pid() -> int:
    """The pid of a process that has ended (and been waited for)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_leftovers_of_gone_processes_are_removed(kb_root):
    people = kb_root / "people"
    dead, elsewhere = finished_pid(), "0badc0de"  # elsewhere: another machine sharing the KB
    removed = [
        leftover(people, files.HOST, dead),
        leftover(people, elsewhere, dead, age_days=2, tag="old_one_"),
    ]
    kept = [
        leftover(people, files.HOST, os.getpid()),  # being written right now
        leftover(people, elsewhere, dead, age_days=0.5),  # may be being written over there
    ]
    for name in (".notes.md.tmp", f".eve.md.{files.HOST}-{dead}.tmp", "eve.md.tmp"):
        kept.append(people / name)
        (people / name).write_text("a file of the user's\n")
        os.utime(people / name, ns=(0, 0))
    kept.append(people / f".link.md.{files.HOST}-{dead}.abcdefgh.tmp")
    kept[-1].symlink_to("ann-lee.md")
    result = run("--root", kb_root, "new", "person", "Dee Ray")
    assert result.exit_code == 0
    assert [p.name for p in removed if os.path.lexists(p)] == []
    assert [p.name for p in kept if not os.path.lexists(p)] == []
