"""The scan of a warm run: every record file's stamp, and a fingerprint nothing stale matches."""

from __future__ import annotations

import array
import marshal
import os
from pathlib import Path

import pytest
from conftest import fat_like, run

from tool.store import cache, scanning

WHEN = 1_700_000_000 * 1_000_000_000  # every file's time, in nanoseconds
LATER = WHEN + 100 * 1_000_000_000  # a run long after


@pytest.fixture
def later(monkeypatch):
    """Runs take place long after every file of the KB was written: stamps can be trusted."""
    monkeypatch.setattr(cache, "time_ns", lambda: LATER)


def settle(root: Path) -> None:
    for path in root.rglob("*.md"):
        os.utime(path, ns=(WHEN, WHEN))


def printed(root: Path, args: list[str]) -> tuple[int, str, str]:
    found = run("--root", root, *args)
    return found.exit_code, found.stdout, found.stderr


def fresh(root: Path, args: list[str], monkeypatch) -> tuple[int, str, str]:
    """What the command prints with no cache at all."""
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        return printed(root, args)


RECORDS = [
    "people/ann-lee.md",
    "people/bo-chen.md",
    "people/cy-diaz.md",
    "interviews/2026-03-10-ann-lee.md",
    "interviews/2026-03-20-bo-chen.md",
    "interviews/2026-04-02-cy-diaz.md",
]


def test_a_scan_gives_each_file_its_stamp_in_sorted_order(kb_root):
    """Four numbers a file, as the cache compares them: no status object is kept."""
    settle(kb_root)
    found = scanning.scan(kb_root, LATER)
    assert [rel for rel, _, _ in found.files] == sorted(RECORDS[:3]) + sorted(RECORDS[3:])
    for rel, entry, info in found.files:
        assert (entry.name, entry.path) == (rel.split("/")[1], str(kb_root / rel))
        assert type(info) is tuple
        assert info == cache.stamp(os.lstat(kb_root / rel))
    assert found.settled


def test_a_file_gone_in_the_middle_of_a_scan_is_never_trusted(kb_root, monkeypatch):
    """Listed, then deleted before its stat: no stamp, so no kept result, and the rest right."""
    settle(kb_root)
    real = os.lstat

    def lstat(path, *, dir_fd=None):
        if path == "bo-chen.md":  # another program deletes it between the listing and the stat
            os.unlink(kb_root / "people/bo-chen.md")
        return real(path, dir_fd=dir_fd)

    monkeypatch.setattr(os, "lstat", lstat)
    found = scanning.scan(kb_root, LATER)
    monkeypatch.setattr(os, "lstat", real)
    stamps = {rel: info for rel, _, info in found.files}
    assert stamps.pop("people/bo-chen.md") is None
    assert stamps == {rel: cache.stamp(os.lstat(kb_root / rel)) for rel in stamps}
    assert not found.settled


def test_a_link_among_the_files_is_never_trusted_on_its_stamp(kb_root):
    settle(kb_root)
    (kb_root / "people/bo-chen.md").rename(kb_root / "bo-chen.md")
    (kb_root / "people/bo-chen.md").symlink_to(kb_root / "bo-chen.md")
    found = scanning.scan(kb_root, LATER)
    assert {rel: info for rel, _, info in found.files}["people/bo-chen.md"] is None
    assert not found.settled


def test_a_file_changed_within_a_stamp_tick_of_the_scan_is_not_settled(kb_root):
    settle(kb_root)
    assert scanning.scan(kb_root, LATER).settled
    newest = os.lstat(kb_root / "people/ann-lee.md").st_mtime_ns
    assert not scanning.scan(kb_root, newest + cache.RACY_NS).settled


def test_files_listed_in_another_order_never_get_another_order_s_output(
    kb_root, monkeypatch, later
):
    """Two files swap names (and so stamps) and the folder lists them the other way round.

    The stamps, in listing order, are then the same as before: only the names, taken in
    the same order as the stamps, tell the two states apart.
    """
    fat_like(monkeypatch)  # no change time: a rename keeps every number of a stamp
    settle(kb_root)
    people = kb_root / "people"
    real = os.listdir
    order = ["ann-lee.md", "bo-chen.md", "cy-diaz.md"]

    def listdir(path):
        names = real(path)
        return sorted(names, key=order.index) if Path(path) == people else names

    monkeypatch.setattr(os, "listdir", listdir)
    before = printed(kb_root, ["validate"])
    assert printed(kb_root, ["validate"]) == before  # kept
    (people / "ann-lee.md").rename(people / "swap.md")
    (people / "bo-chen.md").rename(people / "ann-lee.md")
    (people / "swap.md").rename(people / "bo-chen.md")
    order[:2] = ["bo-chen.md", "ann-lee.md"]
    after = printed(kb_root, ["validate"])
    assert after == fresh(kb_root, ["validate"], monkeypatch) != before


def test_a_run_after_a_file_vanished_in_the_scan_is_right(kb_root, monkeypatch, later):
    settle(kb_root)
    real = os.lstat

    def lstat(path, *, dir_fd=None):
        if path == "cy-diaz.md" and dir_fd is not None:
            os.unlink(kb_root / "people/cy-diaz.md")
        return real(path, dir_fd=dir_fd)

    with monkeypatch.context() as m:
        m.setattr(os, "lstat", lstat)
        during = run("--root", kb_root, "validate")
    assert during.exit_code == 1
    assert "people/cy-diaz.md" in during.stdout
    assert printed(kb_root, ["validate"]) == fresh(kb_root, ["validate"], monkeypatch)


def _scans(root: Path, monkeypatch) -> tuple[scanning.Scan, scanning.Scan, int, int]:
    """The scan done in one process, the scan done in two, the forks, and this process's
    calls to stamp files (one when the forked process's stamps are used, two when not)."""
    one = scanning.scan(root, LATER)
    forks, calls, parent = [], [], os.getpid()
    real_fork, real_stamped = os.fork, scanning._stamped

    def fork():
        forks.append(1)
        return real_fork()

    def stamped(parts):
        if os.getpid() == parent:
            calls.append(parts)
        return real_stamped(parts)

    with monkeypatch.context() as m:
        m.setattr(scanning, "PARALLEL", 2)
        m.setattr(scanning, "_may_fork", lambda: True)
        m.setattr(os, "fork", fork)
        m.setattr(scanning, "_stamped", stamped)
        two = scanning.scan(root, LATER)
    return one, two, len(forks), len(calls)


def same(one: scanning.Scan, two: scanning.Scan) -> None:
    assert (two.folders, two.numbers, two.odd) == (one.folders, one.numbers, one.odd)
    assert (two.fingerprint, two.settled, two.files) == (one.fingerprint, one.settled, one.files)


def test_a_scan_in_two_processes_is_the_scan_in_one(kb_root, monkeypatch):
    """The later half of the files, stat'ed by a forked process, odd files and all."""
    settle(kb_root)
    interviews = kb_root / "interviews"
    (interviews / "2026-04-02-cy-diaz.md").rename(kb_root / "outside.md")
    (interviews / "2026-04-02-cy-diaz.md").symlink_to(kb_root / "outside.md")
    (interviews / "gone.md").symlink_to(kb_root / "nowhere.md")
    one, two, forks, calls = _scans(kb_root, monkeypatch)
    assert (forks, calls) == (1, 1)
    same(one, two)
    stamps = {rel: info for rel, _, info in two.files}
    assert stamps["interviews/2026-04-02-cy-diaz.md"] is stamps["interviews/gone.md"] is None
    assert stamps["interviews/2026-03-10-ann-lee.md"] == cache.stamp(
        os.lstat(interviews / "2026-03-10-ann-lee.md")
    )
    assert not two.settled


def test_a_scan_in_two_processes_is_settled_as_in_one(kb_root, monkeypatch):
    settle(kb_root)
    one, two, forks, calls = _scans(kb_root, monkeypatch)
    assert (forks, calls) == (1, 1) and two.settled
    same(one, two)


def test_a_second_process_that_fails_leaves_its_files_to_this_one(kb_root, monkeypatch):
    settle(kb_root)
    parent, real = os.getpid(), scanning._stamped

    def stamped(parts):
        if os.getpid() != parent:
            raise RuntimeError("the forked process dies")
        return real(parts)

    monkeypatch.setattr(scanning, "_stamped", stamped)
    one, two, forks, calls = _scans(kb_root, monkeypatch)
    assert (forks, calls) == (1, 2)  # its half done here after all
    same(one, two)
    assert len(two.files) == len(RECORDS)


@pytest.mark.parametrize(
    "sent",
    [b"", b"\x00garbage", None, "short"],
    ids=["nothing", "garbage", "not-a-pair", "a-stamp-short"],
)
def test_stamps_a_second_process_sent_are_used_only_whole(sent):
    numbers = array.array("q", range(8))
    good = marshal.dumps((numbers.tobytes(), {1: None}))
    assert scanning._received(good, 0, 2) == (numbers, {1: None})
    assert scanning._received(good, 256, 2) is None  # it exited with status 1
    if sent is None:
        sent = marshal.dumps(numbers.tobytes())
    elif sent == "short":
        sent = marshal.dumps((numbers.tobytes()[:-8], {}))
    assert scanning._received(sent, 0, 2) is None


def test_no_process_is_forked_beside_another_thread(monkeypatch):
    """A fork copies only the thread that made it, and any lock another one held."""
    import threading

    monkeypatch.setattr(scanning.sys, "platform", "linux")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    with monkeypatch.context() as m:  # other tests' threads may still be ending
        m.setattr(threading, "active_count", lambda: 1)
        assert scanning._may_fork()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not scanning._may_fork()
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not scanning._may_fork()
