"""Faults: `tool` killed at any step of a write, a full disk, a read-only KB, files that change.

Each writer of robustness.WRITERS runs in a subprocess killed (SIGKILL) at the Nth event
that changes the disk (tests/fault_wrapper.py), for several N spread over all its events
(every N with HYPOTHESIS_PROFILE=long). After each kill every user file is fully old or
fully new, and a normal run afterwards leaves no temporary file or folder and gives what
an uninterrupted run gives.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run
from robustness import (
    KILLED,
    PROFILE,
    REPO,
    WRITERS,
    env,
    make_kb,
    snapshot,
    tool,
    tool_process,
)

from tool.store import files

KILLS_PER_WRITER = 3
BO = "interviews/2026-04-02-cy-diaz.md"
MOVED = "interviews/2026-04-09-cy-diaz.md"
# What the tool may leave for a moment and must clean up on its next run.
TEMPORARY = re.compile(r"(^|/)\.[^/]+\.(tmp|part)$|(^|/)\.site\.[a-z]+-\d+-[^/]+(/|$)")


class Scenario:
    """A KB with an old digest and cache and one edited note, restored before each run."""

    def __init__(self, base: Path):
        self.base = base
        self.kb = base / "kb"
        self.cache = base / "cache"
        self.kept = base / "kept"
        make_kb(self.kb)
        assert tool(self.kb, ("digest",), self.cache)[0] == 0
        note = self.kb / "people/ann-lee.md"
        note.write_text(note.read_text(encoding="utf-8") + "\nMoved to the Berlin office.\n")
        shutil.copytree(self.kb, self.kept / "kb", symlinks=True)
        shutil.copytree(self.cache, self.kept / "cache", symlinks=True)

    def restore(self) -> None:
        for name in ("kb", "cache"):
            shutil.rmtree(self.base / name, ignore_errors=True)
            shutil.copytree(self.kept / name, self.base / name, symlinks=True)

    def args(self, name: str) -> tuple[str, ...]:
        return tuple(a.replace("{out}", str(self.kb / "site")) for a in WRITERS[name])

    def reference(self, name: str) -> tuple[int, str, str, int]:
        """An uninterrupted run of `name`: exit status, stdout, stderr, disk-changing events."""
        self.restore()
        counted = self.base / "events"
        process = tool_process(self.kb, self.args(name), self.cache, ("count", str(counted)))
        out, err = process.communicate(timeout=60)
        events = int(counted.read_text())
        counted.unlink()
        return process.returncode, out.decode(), err.decode(), events


def kill_points(name: str, events: int) -> list[int]:
    """Which events to kill at: all of them in the long profile, else a spread of a few."""
    if PROFILE == "long" or events <= KILLS_PER_WRITER:
        return list(range(1, events + 1))
    inner = random.Random(name).sample(range(2, events), KILLS_PER_WRITER - 2)
    return sorted({1, events, *inner})


def leftovers(root: Path) -> list[str]:
    return [rel for rel in _all_names(root) if TEMPORARY.search(rel)]


def _all_names(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def user_files(found: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in found.items() if not k.startswith("site") and not TEMPORARY.search(k)}


def site(found: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in found.items() if k.startswith("site/")}


def assert_old_or_new(
    name: str, now: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]
) -> None:
    """Every user file as it was or as the finished run left it; the site one or the other."""
    for rel, data in user_files(now).items():
        choices = [old.get(rel), new.get(rel)]
        if name == "schedule" and rel in (BO, MOVED):  # the file and its new name
            choices += [new.get(MOVED), old.get(BO)]
        assert data in choices, f"{rel} is neither old nor new after a kill:\n{data!r}"
    assert site(now) in (site(old), site(new)), "the site is a mix of two builds"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    """One KB for the module: the cache stays warm for its path across the tests."""
    return Scenario(tmp_path_factory.mktemp("faults"))


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_killed_at_any_write_loses_nothing_and_the_next_run_recovers(scenario, name):
    args = scenario.args(name)
    scenario.restore()
    old = snapshot(scenario.kb)
    *reference, events = scenario.reference(name)
    new = snapshot(scenario.kb)
    assert user_files(new) != user_files(old) or name in ("digest", "validate (cache)")
    points = kill_points(name, events)
    killed = 0
    for at in points:
        scenario.restore()
        process = tool_process(scenario.kb, args, scenario.cache, ("kill", str(at)))
        process.communicate(timeout=60)
        killed += process.returncode == KILLED
        assert_old_or_new(name, snapshot(scenario.kb), old, new)

        again = tool(scenario.kb, args, scenario.cache)
        assert "Traceback" not in again[2], again[2]
        assert leftovers(scenario.kb) == [], f"killed at event {at} of {name}"
        after = snapshot(scenario.kb)
        if name == "schedule" and MOVED not in after:
            # Killed after the date was written and before the file took its new name: the
            # next run finds a file whose name is not its date's, a name of the user's own.
            after = {MOVED if k == BO else k: v for k, v in after.items()}
        assert user_files(after) == user_files(new), f"killed at event {at} of {name}"
        assert site(after) == site(new), f"killed at event {at} of {name}"
        if name == "validate (cache)":
            assert again[:2] == tuple(reference[:2])
    assert killed >= len(points) - 1, f"only {killed} of {len(points)} runs were killed"


@pytest.mark.parametrize("name", ["digest"])
def test_killed_after_a_random_delay_loses_nothing(scenario, name):
    """Kills where no hook can reach: inside SQLite, the renderer, the CSV reader."""
    args = scenario.args(name)
    scenario.restore()
    old = snapshot(scenario.kb)
    reference = tool(scenario.kb, args, scenario.cache)
    new = snapshot(scenario.kb)
    delays = random.Random(name)
    for _ in range(2):
        scenario.restore()
        process = tool_process(scenario.kb, args, scenario.cache)
        time.sleep(delays.uniform(0.05, 0.5))  # start-up takes about 0.2 s: before and after
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert_old_or_new(name, snapshot(scenario.kb), old, new)
        again = tool(scenario.kb, args, scenario.cache)
        assert leftovers(scenario.kb) == []
        assert user_files(snapshot(scenario.kb)) == user_files(new)
        assert site(snapshot(scenario.kb)) == site(new)
        if name == "validate (cache)":
            assert again[:2] == tuple(reference[:2])


def test_schedule_killed_between_the_link_and_the_unlink_keeps_one_file(scenario):
    """The rename is a link, then an unlink: killed between them, two names for one file."""
    args = scenario.args("schedule")
    events = scenario.reference("schedule")[3]
    new = user_files(snapshot(scenario.kb))
    scenario.restore()
    process = tool_process(scenario.kb, args, scenario.cache, ("kill", str(events)))
    process.communicate(timeout=60)
    assert process.returncode == KILLED
    assert (scenario.kb / MOVED).exists() and (scenario.kb / BO).exists()  # the window

    code, out, err = tool(scenario.kb, args, scenario.cache)

    assert (code, err) == (0, "")
    assert out.endswith(f"renamed {BO} -> {MOVED}\n")
    assert user_files(snapshot(scenario.kb)) == new


# --- Full disk ----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KiB tmpfs: writes into it run out of space for real."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); "
            "test_disk_full_at_any_write covers a full disk by simulation"
        )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    """Fill the disk but for a few bytes."""
    with contextlib.suppress(OSError), (disk / "filler").open("wb", buffering=0) as handle:
        while True:
            handle.write(b"\0" * 4096)
    with contextlib.suppress(OSError):
        os.truncate(disk / "filler", (disk / "filler").stat().st_size - 64)


@pytest.mark.parametrize(
    "args",
    [
        ("new", "person", "Dana Kowalski"),
        ("done", BO),
        ("digest",),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_full_disk_is_a_clear_error_and_loses_nothing(small_disk, args):
    kb = make_kb(small_disk / "kb")
    before = snapshot(kb)
    fill(small_disk)

    code, out, err = tool(kb, args, small_disk.parent / "cache")

    assert code == 1, (out, err)
    assert "Traceback" not in err
    assert "No space left on device" in err, err
    assert err.startswith("Error: ") or re.search(r"^\S+:\d+: ", err, re.MULTILINE), err
    after = snapshot(kb, skip=("people/.", "interviews/."))
    assert {k: after.get(k) for k in before} == before  # nothing lost or half-written
    assert leftovers(kb) == []
    (small_disk / "filler").unlink()
    assert tool(kb, args, small_disk.parent / "cache")[0] == 0


@pytest.mark.parametrize("name", ["import vcf", "digest"])
def test_disk_full_at_any_write(scenario, name):
    """The disk fills up at each write in turn (simulated): a clear error, nothing lost."""
    args = scenario.args(name)
    scenario.restore()
    old = snapshot(scenario.kb)
    *reference, events = scenario.reference(name)
    new = snapshot(scenario.kb)
    for at in kill_points(name, events):
        scenario.restore()
        process = tool_process(scenario.kb, args, scenario.cache, ("enospc", str(at)))
        out, err = (s.decode() for s in process.communicate(timeout=60))
        assert "Traceback" not in err, f"disk full at event {at} of {name}:\n{err}"
        assert process.returncode in (0, 1), err
        if [process.returncode, out, err] != reference:  # the cache gives up without a word
            assert "No space left on device" in err, f"event {at}: {err}"
        assert_old_or_new(name, snapshot(scenario.kb), old, new)
        assert leftovers(scenario.kb) == [], f"disk full at event {at} of {name}"


# --- Read-only and unreadable files -------------------------------------------------------


def unprivileged(root: Path, args: tuple[str, ...], cache: Path) -> tuple[int, str, str]:
    """Run the tool so that permission bits apply: as root, without the capabilities that
    override them; as any other user, as it is."""
    command = [sys.executable, "-m", "tool", "--root", str(root), *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root ignores permission bits, and setpriv is not here to drop that")
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, env=env(cache), capture_output=True, cwd="/", check=False)
    if b"setpriv:" in done.stderr:
        pytest.skip(done.stderr.decode())
    return done.returncode, done.stdout.decode(), done.stderr.decode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "person", "Dana Kowalski"), "Permission denied"),
        (("done", BO), "Permission denied"),
        (("import", "vcf", str(REPO / "tests/imports/contacts.vcf")), "Permission denied"),
        (("digest",), "Permission denied"),
    ],
    ids=lambda a: " ".join(a[:2]) if isinstance(a, tuple) else "",
)
def test_a_read_only_kb_is_a_clear_error_and_loses_nothing(tmp_path, args, message):
    kb = make_kb(tmp_path / "kb")
    for path in [kb, *kb.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    before, names = snapshot(kb), _all_names(kb)

    code, out, err = unprivileged(kb, args, tmp_path / "cache")

    assert code == 1, (out, err)
    assert "Traceback" not in err
    assert message in err, err
    assert snapshot(kb) == before
    assert _all_names(kb) == names


def test_an_unreadable_note_is_reported_and_the_rest_is_read(tmp_path):
    kb = make_kb(tmp_path / "kb")
    (kb / "people/bo-chen.md").chmod(0o000)

    code, out, err = unprivileged(kb, ("validate",), tmp_path / "cache")

    assert code == 1
    assert "people/bo-chen.md:1:1: error: cannot read file: Permission denied [io]" in out
    assert "Traceback" not in err
    code, out, err = unprivileged(kb, ("list", "people"), tmp_path / "cache")
    assert "Ann Lee" in out and "Cy D" in out


# --- Files that change while they are read ------------------------------------------------


def test_a_note_deleted_while_the_kb_is_read(kb_root, monkeypatch):
    """Listed, then gone before it is opened: no crash; the rest of the KB is read."""
    read = files.read_regular

    def vanishing(path, *args, **kwargs):
        if Path(path).name == "bo-chen.md":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        return read(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_regular", vanishing)
    result = run("--root", kb_root, "list", "people")
    assert result.exit_code in (0, 1)
    assert "Ann Lee" in result.stdout and "Cy D" in result.stdout
    monkeypatch.undo()
    result = run("--root", kb_root, "list", "people")
    assert "Bo Chen" not in result.stdout and "Ann Lee" in result.stdout


def test_a_note_changed_while_it_is_read_is_read_again_next_time(kb_root, monkeypatch):
    """Changed right after its bytes were read: the cache must not keep the old text."""
    read = files.read_regular
    note = kb_root / "people/bo-chen.md"

    def changing(path, *args, **kwargs):
        found = read(path, *args, **kwargs)
        if Path(path).name == "bo-chen.md" and b"Bo Chen" in note.read_bytes():
            note.write_text(note.read_text(encoding="utf-8").replace("Bo Chen", "Bo Chen-Wu"))
        return found

    monkeypatch.setattr(files, "read_regular", changing)
    first = run("--root", kb_root, "list", "people", "--format", "json")
    monkeypatch.undo()
    assert '"Bo Chen"' in first.stdout
    second = run("--root", kb_root, "list", "people", "--format", "json")
    assert '"Bo Chen-Wu"' in second.stdout


def test_a_note_swapped_for_a_fifo_after_listing_is_not_waited_for(kb_root, monkeypatch):
    read = files.read_regular

    def swapped(path, *args, **kwargs):
        if Path(path).name == "bo-chen.md" and not stat.S_ISFIFO(os.lstat(path).st_mode):
            os.unlink(path)
            os.mkfifo(path)
        return read(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_regular", swapped)
    result = run("--root", kb_root, "validate")
    assert result.exit_code == 1
    assert "people/bo-chen.md:1:1: error: a named pipe, not a regular file; not read" in (
        result.stdout
    )
