"""The parse cache: reused only for unchanged files and unchanged code, never trusted blindly."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write

import tool
from tool.store import cache, files, loading
from tool.store.cache import cache_dir

SOURCE = Path(tool.__file__).resolve().parent
WHEN = 1_700_000_000 * 1_000_000_000  # a fixed file time, in nanoseconds
SECOND = 1_000_000_000


def reads(monkeypatch) -> list[str]:
    """Record which KB files get opened and read (instead of trusted on their stamp)."""
    seen: list[str] = []
    real = files.read_file

    def spy(root, path):
        if path.suffix == ".md":  # tool.toml is read on every run
            seen.append(path.name)
        return real(root, path)

    monkeypatch.setattr(loading, "read_file", spy)
    return seen


def parses(monkeypatch) -> list[str]:
    """Record which files get parsed (instead of coming from the cache)."""
    seen: list[str] = []
    real = loading.parse_record

    def spy(data, rel, headings):
        seen.append(rel.split("/")[-1])
        return real(data, rel, headings)

    monkeypatch.setattr(loading, "parse_record", spy)
    return seen


def settle(root: Path, when: int = WHEN) -> None:
    """Give every file of the KB one old modification time: none was edited just now."""
    for path in root.rglob("*.md"):
        os.utime(path, ns=(when, when))


def cache_file() -> Path:
    (found,) = cache_dir().glob("*.pickle")
    return found


def test_unchanged_files_are_not_read_again(kb_root, monkeypatch):
    settle(kb_root)
    first = loading.load(kb_root)
    seen = reads(monkeypatch)
    second = loading.load(kb_root)
    assert seen == []
    assert second.people == first.people and second.interviews == first.interviews
    assert second.problems == first.problems


def test_changed_added_and_deleted_files_are_noticed(kb_root, monkeypatch):
    loading.load(kb_root)
    seen = parses(monkeypatch)
    path = kb_root / "people/ann-lee.md"
    path.write_text(path.read_text().replace("Ann Lee", "Ann Leigh"))
    os.utime(path, ns=(1, 1))  # even an old mtime counts: the stamp differs
    write(kb_root / "people/new-one.md", "---\nname: New One\n---\n")
    (kb_root / "people/cy-diaz.md").unlink()
    kb = loading.load(kb_root)
    assert sorted(seen) == ["ann-lee.md", "new-one.md"]
    assert kb.people["ann-lee"].name == "Ann Leigh"
    assert "cy-diaz" not in kb.people


def test_problems_come_back_from_the_cache(kb_root):
    write(kb_root / "people/bad.md", "---\nname: [\n---\n")
    assert loading.load(kb_root).problems == loading.load(kb_root).problems != []


def fat_like(monkeypatch) -> None:
    """Stamps as a file system with no change time gives them (FAT, some network shares)."""
    monkeypatch.setattr(cache, "stamp", lambda s: (s.st_size, s.st_mtime_ns, s.st_ino, 0))


def edit_in_place(path: Path, old: str, new: str) -> None:
    """Same inode, same size, and the modification time put back as it was."""
    assert len(old) == len(new)
    before = path.stat()
    with path.open("r+b") as handle:
        text = handle.read()
        handle.seek(0)
        handle.write(text.replace(old.encode(), new.encode()))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.stamp(path.stat()) == cache.stamp(before)


def test_an_edit_in_the_same_clock_tick_as_the_last_read_is_seen(kb_root, monkeypatch):
    fat_like(monkeypatch)
    path = kb_root / "people/ann-lee.md"
    os.utime(path, ns=(WHEN, WHEN))
    monkeypatch.setattr(cache, "time_ns", lambda: WHEN + SECOND // 2)  # the same tick
    assert loading.load(kb_root).people["ann-lee"].name == "Ann Lee"
    edit_in_place(path, "Ann Lee", "Ann Lex")
    assert loading.load(kb_root).people["ann-lee"].name == "Ann Lex"


def test_a_file_older_than_its_last_read_is_trusted_on_its_stamp(kb_root, monkeypatch):
    settle(kb_root)
    monkeypatch.setattr(cache, "time_ns", lambda: WHEN + 10 * SECOND)
    loading.load(kb_root)
    seen = reads(monkeypatch)
    loading.load(kb_root)
    assert seen == []


def test_a_recent_file_is_read_again_but_not_parsed_again(kb_root, monkeypatch):
    settle(kb_root, WHEN - 3600 * SECOND)
    os.utime(kb_root / "people/ann-lee.md", ns=(WHEN, WHEN))
    monkeypatch.setattr(cache, "time_ns", lambda: WHEN + SECOND // 2)
    loading.load(kb_root)
    read, parsed = reads(monkeypatch), parses(monkeypatch)
    loading.load(kb_root)
    assert (read, parsed) == (["ann-lee.md"], [])


def test_a_touched_file_is_read_but_not_parsed_again(kb_root, monkeypatch):
    settle(kb_root)
    loading.load(kb_root)
    os.utime(
        kb_root / "people/bo-chen.md", ns=(WHEN + SECOND, WHEN + SECOND)
    )  # git checkout, touch, a sync
    read, parsed = reads(monkeypatch), parses(monkeypatch)
    assert loading.load(kb_root).people["bo-chen"].name == "Bo Chen"
    assert (read, parsed) == (["bo-chen.md"], [])


def test_a_file_dated_in_the_future_does_not_make_every_run_save(kb_root, monkeypatch):
    settle(kb_root)
    future = WHEN + 3650 * 86400 * SECOND
    os.utime(kb_root / "people/ann-lee.md", ns=(future, future))  # a clock that was wrong
    monkeypatch.setattr(cache, "time_ns", lambda: WHEN + 10 * SECOND)
    loading.load(kb_root)
    saved = cache_file().stat().st_ino  # each save replaces the file: a new inode
    read, parsed = reads(monkeypatch), parses(monkeypatch)
    loading.load(kb_root)
    assert (read, parsed) == (["ann-lee.md"], [])  # never trusted on its stamp alone
    assert cache_file().stat().st_ino == saved


def test_changed_settings_make_a_new_cache(kb_root, monkeypatch):
    loading.load(kb_root)
    with (kb_root / "tool.toml").open("a") as handle:
        handle.write('\n[headings]\ninsights = "Learnings"\n')
    seen = parses(monkeypatch)
    loading.load(kb_root)
    assert len(seen) == 6


# A script run with a copy of the package: what a user runs after an upgrade or an edit.
SHOW = """
import sys
from dataclasses import fields
from pathlib import Path
from tool.store import loading
person = loading.load(Path(sys.argv[1])).people["ann-lee"]
last = fields(person)[-1].name
print(person.name, last, len(getattr(person, last)))
"""


def run_copy(package: Path, root: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(package.parent)}
    result = subprocess.run(
        [sys.executable, "-c", SHOW, str(root)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def package(tmp_path) -> Path:
    """A copy of the `tool` package to edit."""
    copy = tmp_path / "code" / "tool"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_changed_reader_does_not_get_old_results(package, kb_root):
    assert run_copy(package, kb_root) == "Ann Lee lines 9\n"
    edit(package / "parse/records.py", 'name=v["name"].strip(),', 'name=v["name"].strip().upper(),')
    assert run_copy(package, kb_root) == "ANN LEE lines 9\n"


def test_a_record_that_gained_a_field_is_not_taken_from_an_old_cache(package, kb_root):
    assert run_copy(package, kb_root) == "Ann Lee lines 9\n"
    edit(
        package / "model.py",
        "    lines: dict[str, int] = field(default_factory=dict)  # key -> line in the file\n",
        "    lines: dict[str, int] = field(default_factory=dict)  # key -> line in the file\n"
        "    aliases: list[str] = field(default_factory=list)\n",
    )
    assert run_copy(package, kb_root) == "Ann Lee aliases 0\n"


def test_the_code_fingerprint_covers_the_package_source(package, monkeypatch):
    monkeypatch.setattr(cache, "__file__", str(package / "store/cache.py"))
    cache.code_fingerprint.cache_clear()
    before = cache.code_fingerprint()
    edit(package / "parse/frontmatter.py", "MAX_DEPTH = 32", "MAX_DEPTH = 31")
    cache.code_fingerprint.cache_clear()
    assert cache.code_fingerprint() != before
    cache.code_fingerprint.cache_clear()


def split_key(data: bytes) -> tuple[bytes, bytes]:
    """The cache file's key pickle and the rest."""
    import io

    handle = io.BytesIO(data)
    pickle.load(handle)
    return data[: handle.tell()], data[handle.tell() :]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not a pickle",
        lambda data: data[: len(data) // 2],
        lambda data: b"",
        lambda data: pickle.dumps({"people/ann-lee.md": 5}),
        lambda data: pickle.dumps("another key") + split_key(data)[1],
        lambda data: split_key(data)[0] + b"garbage",
        lambda data: split_key(data)[0] + b"cno_such_module\nThing\n.",
        lambda data: split_key(data)[0] + b"ctool.model\nNoSuchRecord\n.",
        lambda data: split_key(data)[0] + pickle.dumps(["a list"]),
    ],
    ids=[
        "garbage",
        "truncated",
        "empty",
        "foreign",
        "other-key",
        "bad-entries",
        "missing-module",
        "missing-class",
        "wrong-shape",
    ],
)
def test_a_damaged_cache_is_silently_rebuilt(kb_root, monkeypatch, damage):
    expected = loading.load(kb_root)
    path = cache_file()
    path.write_bytes(damage(path.read_bytes()))
    seen = parses(monkeypatch)
    again = loading.load(kb_root)
    assert (again.people, again.interviews, again.problems) == (
        expected.people,
        expected.interviews,
        expected.problems,
    )
    assert len(seen) == 6
    seen.clear()
    loading.load(kb_root)
    assert seen == []  # and rewritten whole


def test_a_cache_that_is_a_folder_is_ignored(kb_root, monkeypatch):
    loading.load(kb_root)
    path = cache_file()
    path.unlink()
    path.mkdir()
    seen = parses(monkeypatch)
    assert loading.load(kb_root).people["ann-lee"].name == "Ann Lee"
    assert len(seen) == 6 and path.is_dir()


def test_a_cache_folder_that_cannot_be_made_is_no_error(kb_root, tmp_path, monkeypatch):
    write(tmp_path / "file", "")
    monkeypatch.setenv("TOOL_CACHE_DIR", str(tmp_path / "file" / "cache"))
    assert loading.load(kb_root).people["ann-lee"].name == "Ann Lee"


# Each process writes its own person file and reads the KB back, again and again.
RACE = """
import sys
from pathlib import Path
from tool.store import loading
root, name = Path(sys.argv[1]), sys.argv[2]
for i in range(15):
    (root / f"{name}.tmp").write_text(f"---\\nname: {name}\\ntags: [t{i}]\\n---\\n")
    (root / f"{name}.tmp").replace(root / "people" / f"{name}.md")  # never seen half-written
    found = loading.load(root)
    assert found.people[name].tags == (f"t{i}",), found.people[name]
    assert not found.errors, found.errors
print("ok")
"""


def test_two_processes_at_once_both_finish_and_leave_a_valid_cache(kb_root, monkeypatch):
    env = {**os.environ, "PYTHONPATH": str(SOURCE.parent)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(kb_root), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("one", "two")
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [(run.returncode, out) for run, (out, _) in zip(runs, outputs, strict=True)] == [
        (0, "ok\n")
    ] * 2
    seen = parses(monkeypatch)
    kb = loading.load(kb_root)
    # Every other file came from a valid cache; the last writer may not have seen the other's.
    assert set(seen) <= {"one.md", "two.md"}
    assert kb.people["one"].tags == ("t14",) and kb.people["two"].tags == ("t14",)


def test_leftovers_of_a_killed_save_are_removed(kb_root):
    folder = cache_dir()
    old, recent = folder / ".abc123.tmp", folder / ".def456.tmp"
    write(old, b"half a pickle")
    write(recent, b"being written")
    os.utime(old, ns=(WHEN, WHEN))
    loading.load(kb_root)
    assert not old.exists() and recent.exists()


@pytest.mark.parametrize("value", ["1", "yes"])
def test_cache_can_be_turned_off(kb_root, monkeypatch, value):
    monkeypatch.setenv("TOOL_NO_CACHE", value)
    loading.load(kb_root)
    assert cache_dir() is None
    assert not (kb_root.parent / ".cache").exists()  # the folder TOOL_CACHE_DIR names
