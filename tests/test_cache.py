"""The parse cache: reused only for unchanged files and unchanged code, never trusted blindly."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import pickle
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import edit_in_place, fat_like, write

import tool
from tool.model import ActionItem, Insight, Section
from tool.store import cache, files, loading
from tool.store.cache import cache_dir

SOURCE = Path(tool.__file__).resolve().parent
WHEN = 1_700_000_000 * 1_000_000_000  # a fixed file time, in nanoseconds
SECOND = 1_000_000_000


def reads(monkeypatch) -> list[str]:
    """Record which KB files get opened and read (instead of trusted on their stamp)."""
    seen: list[str] = []
    real = files.read_file

    def spy(root, path, *args):
        if os.fspath(path).endswith(".md"):  # tool.toml is read on every run
            seen.append(os.path.basename(path))
        return real(root, path, *args)

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
    (found,) = cache_dir().glob("*.sqlite3")
    return found


@contextlib.contextmanager
def database():
    """A connection of our own to the cache, in which each statement commits."""
    db = sqlite3.connect(cache_file(), isolation_level=None)
    try:
        yield db
    finally:
        db.close()


def log_writes() -> None:
    """Have the database itself record every row written to or deleted from it."""
    with database() as db:
        db.execute("CREATE TABLE log (op TEXT, rel TEXT)")
        for op, row in (("insert", "new"), ("update", "new"), ("delete", "old")):
            db.execute(
                f"CREATE TRIGGER log_{op} AFTER {op} ON files "
                f"BEGIN INSERT INTO log VALUES ('{op}', {row}.rel); END"
            )


def writes() -> list[tuple[str, str]]:
    with database() as db:
        return db.execute("SELECT op, rel FROM log ORDER BY rowid").fetchall()


def rows() -> list[str]:
    with database() as db:
        return [rel for (rel,) in db.execute("SELECT rel FROM files ORDER BY rel")]


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


def test_one_changed_file_rewrites_only_its_row(kb_root):
    settle(kb_root)
    loading.load(kb_root)
    log_writes()
    path = kb_root / "interviews/2026-03-20-bo-chen.md"
    path.write_text(path.read_text().replace("Send the notebook", "Send the slides"))
    kb = loading.load(kb_root)
    assert writes() == [("update", "interviews/2026-03-20-bo-chen.md")]
    assert kb.interviews["2026-03-20-bo-chen"].actions[0].text == "Send the slides"


def test_a_removed_file_loses_its_row_and_a_new_one_gains_one(kb_root):
    settle(kb_root)
    loading.load(kb_root)
    log_writes()
    (kb_root / "people/cy-diaz.md").unlink()
    added = write(kb_root / "people/dee-eng.md", "---\nname: Dee Eng\n---\n")
    os.utime(added, ns=(WHEN, WHEN))
    loading.load(kb_root)
    assert writes() == [("delete", "people/cy-diaz.md"), ("insert", "people/dee-eng.md")]
    assert "people/cy-diaz.md" not in rows() and "people/dee-eng.md" in rows()


def test_a_run_where_nothing_changed_writes_nothing(kb_root):
    settle(kb_root)
    loading.load(kb_root)
    log_writes()
    loading.load(kb_root)
    assert writes() == []
    assert len(rows()) == 6


def test_an_unreadable_file_loses_its_row(kb_root):
    settle(kb_root)
    loading.load(kb_root)
    log_writes()
    path = kb_root / "people/bo-chen.md"
    path.unlink()
    path.symlink_to("/nonexistent/bo-chen.md")
    kb = loading.load(kb_root)
    assert writes() == [("delete", "people/bo-chen.md")]
    assert [p.rule for p in kb.problems if p.path == "people/bo-chen.md"] == ["symlink"]


def test_a_file_name_that_is_not_utf8_is_cached_and_deleted_like_any(kb_root, monkeypatch):
    path = write(kb_root / "people" / os.fsdecode(b"caf\xe9.md"), "---\nname: Caf\n---\n")
    settle(kb_root)
    first = loading.load(kb_root)
    seen = parses(monkeypatch)
    again = loading.load(kb_root)
    assert seen == []
    assert again.people == first.people and again.problems == first.problems
    assert len(rows()) == 7
    path.unlink()
    loading.load(kb_root)
    assert len(rows()) == 6


def test_loaded_records_are_not_walked_by_later_collections(kb_root):
    for _ in range(2):  # cold, then from the cache
        kb = loading.load(kb_root)
        tracked = {id(o) for o in gc.get_objects()}  # what a collection would walk
        loaded = [*kb.people.values(), *kb.interviews.values()]
        assert len(loaded) == 6 and not any(id(record) in tracked for record in loaded)


def test_problems_come_back_from_the_cache(kb_root):
    write(kb_root / "people/bad.md", "---\nname: [\n---\n")
    assert loading.load(kb_root).problems == loading.load(kb_root).problems != []


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
    log_writes()
    read, parsed = reads(monkeypatch), parses(monkeypatch)
    loading.load(kb_root)
    assert (read, parsed) == (["ann-lee.md"], [])  # never trusted on its stamp alone
    assert writes() == []


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


def rewrite(change):
    """Damage the cache file's bytes."""
    return lambda path: path.write_bytes(change(path.read_bytes()))


def execute(*statements: str):
    """Damage the cache through SQL, as another program could."""

    def damage(path: Path) -> None:
        with database() as db:
            for statement in statements:
                db.execute(statement)

    return damage


def set_values(data: bytes):
    return execute(f"UPDATE files SET value = x'{data.hex()}'")


def foreign(path: Path) -> None:
    """Someone else's database where the cache should be."""
    path.unlink()
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('not a cache')")
        db.commit()


@pytest.mark.parametrize(
    "damage",
    [
        rewrite(lambda data: random.Random(0).randbytes(len(data))),
        rewrite(lambda data: data[: len(data) // 2]),
        rewrite(lambda data: b""),
        foreign,
        execute("PRAGMA user_version = 1"),
        execute("UPDATE meta SET value = 'another key'"),
        execute("DROP TABLE files"),
        set_values(b"garbage"),
        set_values(b"cno_such_module\nThing\n."),
        set_values(b"ctool.model\nNoSuchRecord\n."),
        set_values(pickle.dumps(["a list"])),
        set_values(pickle.dumps(("a tuple", "of the wrong kinds"))),
    ],
    ids=[
        "random-bytes",
        "truncated",
        "empty",
        "foreign",
        "other-format",
        "other-key",
        "no-table",
        "bad-entries",
        "missing-module",
        "missing-class",
        "wrong-shape",
        "wrong-types",
    ],
)
def test_a_damaged_cache_is_silently_rebuilt(kb_root, monkeypatch, damage):
    expected = loading.load(kb_root)
    damage(cache_file())
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
    assert len(rows()) == 6


def test_one_damaged_row_costs_one_file(kb_root, monkeypatch):
    settle(kb_root)
    loading.load(kb_root)
    log_writes()
    execute("UPDATE files SET value = x'00' WHERE rel = 'people/bo-chen.md'")(cache_file())
    with database() as db:
        db.execute("DELETE FROM log")
    seen = parses(monkeypatch)
    assert loading.load(kb_root).people["bo-chen"].name == "Bo Chen"
    assert (seen, writes()) == (["bo-chen.md"], [("update", "people/bo-chen.md")])


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


@pytest.fixture
def held(kb_root, monkeypatch):
    """A warm cache, a short wait for locks, and another connection to hold them."""
    monkeypatch.setattr(cache, "BUSY_SECONDS", 0.1)
    settle(kb_root)
    loading.load(kb_root)
    log_writes()
    other = sqlite3.connect(cache_file(), isolation_level=None)
    yield other
    other.close()


def test_a_run_during_another_runs_write_finishes_without_saving(kb_root, held, monkeypatch):
    held.execute("BEGIN IMMEDIATE")
    held.execute("INSERT INTO log VALUES ('held', '')")
    path = kb_root / "people/ann-lee.md"
    path.write_text(path.read_text().replace("Ann Lee", "Ann Leigh"))
    seen = parses(monkeypatch)
    kb = loading.load(kb_root)  # reads the cache as it was, waits 0.1 s to save, gives up
    held.execute("ROLLBACK")
    assert (seen, kb.people["ann-lee"].name, len(kb.people)) == (["ann-lee.md"], "Ann Leigh", 3)
    assert writes() == []
    loading.load(kb_root)
    assert writes() == [("update", "people/ann-lee.md")]  # saved by the next run


def test_a_database_locked_against_readers_means_a_run_without_it(kb_root, held, monkeypatch):
    held.execute("PRAGMA locking_mode = EXCLUSIVE")
    held.execute("BEGIN EXCLUSIVE")
    held.execute("INSERT INTO log VALUES ('held', '')")
    seen = parses(monkeypatch)
    kb = loading.load(kb_root)
    held.execute("ROLLBACK")
    held.close()
    assert len(seen) == 6 and kb.people["ann-lee"].name == "Ann Lee"
    seen.clear()
    loading.load(kb_root)
    assert (seen, writes()) == ([], [])  # the cache was left as it was, and still serves


@contextlib.contextmanager
def read_only(folder: Path):
    """Make a folder read-only, even for root (immutable), or skip if this system cannot."""
    folder.chmod(0o555)
    immutable = False
    try:
        if _writable(folder) and shutil.which("chattr"):
            immutable = (
                subprocess.run(["chattr", "+i", folder], capture_output=True).returncode == 0
            )
        if _writable(folder):
            pytest.skip("cannot make a folder read-only here")
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", folder], check=True)
        folder.chmod(0o755)


def _writable(folder: Path) -> bool:
    try:
        (folder / "probe").touch()
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


@pytest.mark.parametrize("warm", [False, True], ids=["empty", "warm"])
def test_a_read_only_cache_folder_is_no_error(kb_root, monkeypatch, warm):
    folder = cache_dir()
    folder.mkdir()
    if warm:
        settle(kb_root)
        loading.load(kb_root)
    before = sorted(p.name for p in folder.iterdir())
    path = kb_root / "people/ann-lee.md"
    path.write_text(path.read_text().replace("Ann Lee", "Ann Leigh"))
    with read_only(folder):
        kb = loading.load(kb_root)
        assert kb.people["ann-lee"].name == "Ann Leigh" and len(kb.interviews) == 3
        assert kb.problems == []
        assert sorted(p.name for p in folder.iterdir()) == before


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


def test_the_previous_formats_cache_of_this_kb_is_removed(kb_root, tmp_path):
    other = write(tmp_path / "other" / "tool.toml", "")
    name = cache._name(kb_root.resolve(), 2)
    ours, theirs = cache_dir() / f"{name}.pickle", cache_dir() / f"{cache._name(other, 2)}.pickle"
    write(ours, b"a whole knowledge base, pickled")
    write(theirs, b"another one")
    loading.load(kb_root)
    assert not ours.exists() and theirs.exists()  # that one goes when its own KB is next read


@pytest.mark.parametrize("value", ["1", "yes"])
def test_cache_can_be_turned_off(kb_root, monkeypatch, value):
    monkeypatch.setenv("TOOL_NO_CACHE", value)
    loading.load(kb_root)
    assert cache_dir() is None
    assert not (kb_root.parent / ".cache").exists()  # the folder TOOL_CACHE_DIR names


def test_the_rules_read_no_body_from_the_store_and_see_an_edited_heading(kb_root, monkeypatch):
    from datetime import date

    from tool.check import check

    talk = sorted((kb_root / "interviews").glob("*.md"))[0]
    talk.write_text(talk.read_text() + "\n## Insight\n- Hiring is slow.\n")
    settle(kb_root)
    expected = check(loading.load(kb_root), date(2026, 3, 1))  # parsed: bodies at hand
    assert [p.rule for p in expected].count("heading") == 1
    bodies: list[str] = []
    real = loading.read_body
    monkeypatch.setattr(loading, "read_body", lambda *a: bodies.append(a[1]) or real(*a))
    assert check(loading.load(kb_root), date(2026, 3, 1)) == expected  # from the store
    assert bodies == []  # every interview's body and sections stay in the store
    talk.write_text(talk.read_text().replace("## Insight\n", "## Insights\n"))
    assert [p.rule for p in check(loading.load(kb_root), date(2026, 3, 1))].count("heading") == 0


def test_a_record_from_the_store_is_the_record_parsed_from_its_file(kb_root):
    write(kb_root / "people/bad.md", "---\nname: [\n---\n")  # one bad file, the rest still read
    loading.load(kb_root)
    kb = loading.load(kb_root)  # every record from the store
    records = [*kb.people.values(), *kb.interviews.values()]
    assert len(records) == 6 and "people/bad.md" in kb.files
    for record in records:
        assert "body" not in vars(record)  # read from the store only when used
        rel = f"{record.path.parts[0]}/{record.path.name}"
        parsed, _ = loading.parse_record((kb_root / rel).read_bytes(), rel, {})
        assert record == parsed
        assert [getattr(record, f) for f in vars(parsed)] == list(vars(parsed).values())


def test_records_from_the_store_share_the_strings_they_repeat(kb_root):
    for _ in range(2):  # parsed this run, then from the store
        kb = loading.load(kb_root)
        first, second, *_ = (iv for iv in kb.interviews.values() if iv.status == "done")
        assert first.status is second.status
        assert next(k for k in first.lines if k == "person") is next(
            k for k in second.lines if k == "person"
        )


@pytest.mark.parametrize(
    "item",
    [
        Insight("Hiring managers read the portfolio first", ("hiring", "portfolio"), 12),
        ActionItem("Send the thank-you note", True, 20),
        Section("Notes", "Talked about the team.\n", 7),
    ],
    ids=["insight", "action item", "section"],
)
def test_a_body_item_comes_back_from_the_cache_whole(item):
    """Pickled as a call of its class on every field, in order: none is dropped or swapped."""
    again = pickle.loads(pickle.dumps(item, pickle.HIGHEST_PROTOCOL))
    assert type(again) is type(item)
    assert again == item
    assert [getattr(again, f.name) for f in dataclasses.fields(item)] == [
        getattr(item, f.name) for f in dataclasses.fields(item)
    ]
