"""The incremental core: a warm run reads nothing, and no change ever leaves a stale result."""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from changes import (
    LATER,
    SECOND,
    WHEN,
    delete,
    rename,
    replace_text,
    same_size,
    settings,
    settle,
    template,
)
from conftest import edit_in_place, fat_like, run, write

from tool import listing
from tool.check import check, check_root
from tool.model import Problem
from tool.rules import due
from tool.store import cache, loading


def cache_file() -> Path:
    (found,) = cache.cache_dir().glob("*.sqlite3")
    return found


@contextlib.contextmanager
def database() -> Iterator[sqlite3.Connection]:
    """A connection of our own to the cache, in which each statement commits."""
    db = sqlite3.connect(cache_file(), isolation_level=None)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def later(monkeypatch):
    """Runs take place long after every file of the KB was written: stamps can be trusted."""
    monkeypatch.setattr(cache, "time_ns", lambda: LATER)


def fresh(root: Path, monkeypatch) -> list[Problem]:
    """What validate finds with no cache at all: the answer a cached run must give."""
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        return check(loading.load(root))


def spy_reads(monkeypatch) -> list[str]:
    """Every record file read or parsed from now on, by name."""
    seen: list[str] = []
    real_read, real_parse = loading.read_file, loading.parse_record

    def read(root, path, *args):
        seen.append(f"read {os.path.basename(path)}")
        return real_read(root, path, *args)

    def parse(data, rel, headings):
        seen.append(f"parse {rel}")
        return real_parse(data, rel, headings)

    monkeypatch.setattr(loading, "read_file", read)
    monkeypatch.setattr(loading, "parse_record", parse)
    return seen


def log_every_write() -> None:
    """Have the database record every row written to or deleted from any of its tables."""
    with database() as db:
        db.execute("CREATE TABLE log (op TEXT, tbl TEXT)")
        for table in ("files", "memo", "meta"):
            for op in ("insert", "update", "delete"):
                db.execute(
                    f"CREATE TRIGGER log_{table}_{op} AFTER {op} ON {table} "
                    f"BEGIN INSERT INTO log VALUES ('{op}', '{table}'); END"
                )


def logged() -> list[tuple[str, str]]:
    with database() as db:
        return db.execute("SELECT op, tbl FROM log ORDER BY rowid").fetchall()


def test_a_warm_validate_reads_no_file_and_writes_no_row(kb_root, monkeypatch, later):
    settle(kb_root)
    first = check_root(kb_root)
    check_root(kb_root)  # the first run after the memo was written
    log_every_write()
    seen = spy_reads(monkeypatch)
    again = check_root(kb_root)
    assert (seen, logged()) == ([], [])
    assert again.value == first.value == fresh(kb_root, monkeypatch)
    assert again.files == first.files and len(again.files) == 6


def test_a_warm_load_writes_no_row_and_reads_no_body(kb_root, monkeypatch, later):
    settle(kb_root)
    loading.load(kb_root)
    log_every_write()
    bodies: list[str] = []
    real = loading.read_body
    monkeypatch.setattr(loading, "read_body", lambda *a: bodies.append(a[1]) or real(*a))
    seen = spy_reads(monkeypatch)
    kb = loading.load(kb_root)
    names = sorted(p.name for p in kb.people.values())  # what `list people` needs
    assert (seen, logged(), bodies) == ([], [], [])
    assert names == ["Ann Lee", "Bo Chen", "Cy Diaz"]
    # A body is read from the store when a command uses it, and only that one.
    assert "Send the notebook" in kb.interviews["2026-03-20-bo-chen"].body
    assert bodies == ["interviews/2026-03-20-bo-chen.md"] and seen == []


def older_time(root: Path) -> None:
    """An edit whose file then gets an older modification time than before (a restore)."""
    path = root / "people/ann-lee.md"
    path.write_text(path.read_text().replace("relationship: alumni", "relationship: almuni"))
    os.utime(path, ns=(WHEN - 3600 * SECOND, WHEN - 3600 * SECOND))


def duplicate_id(root: Path) -> None:
    """A new file whose id differs from an unchanged one's only by case."""
    write(root / "people/Ann-Lee.md", "---\nname: Ann Lee\n---\n")
    os.utime(root / "people/Ann-Lee.md", ns=(WHEN, WHEN))


@pytest.mark.parametrize(
    "change",
    [
        replace_text("Ann Lee", "Ann Leigh"),
        replace_text("relationship: alumni", "relationship: almuni"),
        rename,
        delete,
        older_time,
        same_size,
        duplicate_id,
        settings,
        template,
    ],
    ids=[
        "edit",
        "edit-to-a-problem",
        "rename",
        "delete-a-person-referred-to",
        "older-time",
        "same-size",
        "duplicate-id",
        "settings",
        "template",
    ],
)
def test_validate_is_never_stale(kb_root, monkeypatch, later, change):
    settle(kb_root)
    before = check_root(kb_root).value
    assert check_root(kb_root).value == before  # now from the memo
    change(kb_root)
    after = check_root(kb_root).value
    assert after == fresh(kb_root, monkeypatch) != before


def test_a_person_deleted_under_an_unchanged_interview_is_reported(kb_root, later):
    settle(kb_root)
    check_root(kb_root)
    delete(kb_root)
    problems = [p.format() for p in check_root(kb_root).value if p.rule == "reference"]
    assert problems == [
        "interviews/2026-03-20-bo-chen.md:2:1: error: "
        "person 'bo-chen' is not in people/ [reference]"
    ]


def test_a_new_duplicate_id_against_an_unchanged_file_is_reported(kb_root, later):
    settle(kb_root)
    check_root(kb_root)
    duplicate_id(kb_root)
    found = [p.format() for p in check_root(kb_root).value if p.rule == "duplicate-id"]
    assert found == [
        "people/ann-lee.md:1:1: error: id 'ann-lee' differs from people/Ann-Lee.md "
        "only by case or Unicode form [duplicate-id]"
    ]


def test_an_edit_in_the_clock_tick_of_the_last_run_is_never_hidden(kb_root, monkeypatch):
    """Where stamps cannot tell (no change time), a result is not kept while a file is new."""
    fat_like(monkeypatch)
    settle(kb_root)
    monkeypatch.setattr(cache, "time_ns", lambda: WHEN + SECOND // 2)  # the same tick
    before = check_root(kb_root).value
    edit_in_place(kb_root / "people/ann-lee.md", "relationship: alumni", "relationship: almuni")
    assert check_root(kb_root).value == fresh(kb_root, monkeypatch) != before


def test_new_code_gets_a_new_result(kb_root, monkeypatch, later):
    settle(kb_root)
    check_root(kb_root)
    check_root(kb_root)
    seen = spy_reads(monkeypatch)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the code")
    check_root(kb_root)
    assert len([s for s in seen if s.startswith("parse")]) == 6


def test_a_kept_result_from_other_code_is_never_used(kb_root, monkeypatch, later):
    settle(kb_root)
    check_root(kb_root)
    with database() as db:  # a result another version wrote, under the same fingerprint
        db.execute("UPDATE memo SET value = ?", (loading.pickle.dumps(([], ["x"])),))
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the code")
    assert check_root(kb_root).files != ["x"]


def test_a_damaged_body_row_is_read_from_the_file_again(kb_root, later):
    settle(kb_root)
    loading.load(kb_root)
    with database() as db:
        db.execute("UPDATE files SET body = x'00'")
    kb = loading.load(kb_root)
    assert "Send the notebook" in kb.interviews["2026-03-20-bo-chen"].body
    assert kb.people["ann-lee"].body == loading.load(kb_root).people["ann-lee"].body


def test_a_body_changed_since_the_load_is_the_one_the_user_has(kb_root, later):
    settle(kb_root)
    loading.load(kb_root)
    kb = loading.load(kb_root)
    path = kb_root / "interviews/2026-03-20-bo-chen.md"
    path.write_text(path.read_text().replace("Send the notebook", "Send the slides"))
    loading.load(kb_root)  # another run replaces the row
    assert "Send the slides" in kb.interviews["2026-03-20-bo-chen"].body


def test_records_from_the_store_equal_records_parsed(kb_root, monkeypatch):
    stored = loading.load(kb_root)
    stored = loading.load(kb_root)
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        parsed = loading.load(kb_root)
    assert stored.people == parsed.people and stored.interviews == parsed.interviews
    assert [str(p) for p in stored.people_paths] == [str(p) for p in parsed.people_paths]
    assert stored.problems == parsed.problems


def test_parsing_on_several_cores_gives_the_same_kb(kb_root, monkeypatch):
    write(kb_root / "people/bad.md", "---\nname: [\n---\n")
    write(kb_root / "interviews/not-utf8.md", b"---\nperson: \xff\n---\n")
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        alone = loading.load(kb_root)
    monkeypatch.setattr(loading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(loading, "BATCH", 1)
    together = loading.load(kb_root)
    assert together.people == alone.people and together.interviews == alone.interviews
    assert together.problems == alone.problems != []
    assert "Send the notebook" in together.interviews["2026-03-20-bo-chen"].body


def test_validate_in_the_cli_gives_the_same_answer_warm(kb_root, later):
    settle(kb_root)
    cold = run("--root", kb_root, "validate")
    warm = run("--root", kb_root, "validate")
    assert (warm.exit_code, warm.output) == (cold.exit_code, cold.output)
    assert warm.output.endswith("in 6 files\n") or "No problems in 6 files" in warm.output


def test_a_cache_that_cannot_be_written_still_gives_results(kb_root, monkeypatch, later):
    settle(kb_root)
    check_root(kb_root)
    path = cache_file()
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM memo")
    path.chmod(0o400)
    try:
        assert check_root(kb_root).value == fresh(kb_root, monkeypatch)
    finally:
        path.chmod(0o600)


def test_a_stored_record_copies_and_pickles_as_the_record_it_stands_for(kb_root, later):
    import copy
    import pickle

    settle(kb_root)
    loading.load(kb_root)
    person = loading.load(kb_root).people["ann-lee"]
    assert type(person).__name__ == "Person" and repr(person).startswith("Person(")
    again = pickle.loads(pickle.dumps(person))
    assert again == copy.deepcopy(person) == person
    assert again.body == "Met at the alumni meetup.\n"


def test_rows_read_in_one_query_give_the_same_records(kb_root, monkeypatch, later):
    settle(kb_root)
    expected = loading.load(kb_root)
    monkeypatch.setattr(cache, "PREFETCH_FROM", 1)
    with database() as db:
        db.execute("UPDATE files SET value = x'00' WHERE rel = 'people/bo-chen.md'")
    seen = spy_reads(monkeypatch)
    again = loading.load(kb_root)
    assert again.people == expected.people and again.interviews == expected.interviews
    assert seen == ["read bo-chen.md", "parse people/bo-chen.md"]  # only the damaged row


def test_a_warm_index_reads_no_file_and_an_edit_shows_at_once(kb_root, monkeypatch, later):
    settle(kb_root)
    write(kb_root / "people/bad.md", "---\nname: [\n---\n")
    settle(kb_root)
    first = run("--root", kb_root, "index")
    seen = spy_reads(monkeypatch)
    again = run("--root", kb_root, "index")
    assert seen == []
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
    assert "people/bad.md" in again.stderr  # the warning about broken files is kept too
    by_topic = run("--root", kb_root, "index", "--by", "topic")
    assert by_topic.stdout != first.stdout  # other options: another result
    path = kb_root / "interviews/2026-03-20-bo-chen.md"
    text = path.read_text()
    assert "- " in text.split("## Insights")[1]
    path.write_text(text.replace("## Insights\n", "## Insights\n\n- Brand new insight #fresh\n"))
    edited = run("--root", kb_root, "index")
    assert "Brand new insight" in edited.stdout and "Brand new insight" not in first.stdout


class DyingPool:
    """Worker processes that give back the first batch, then die."""

    def __init__(self, *args):
        self.given = 0

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def submit(self, fn, *args):
        future = concurrent.futures.Future()
        self.given += 1
        if self.given == 1:
            future.set_result(fn(*args))
        else:
            future.set_exception(concurrent.futures.process.BrokenProcessPool("killed"))
        return future


def test_workers_that_die_leave_the_parsing_to_the_run(kb_root, monkeypatch):
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        alone = loading.load(kb_root)
    monkeypatch.setattr(loading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(loading, "BATCH", 2)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", DyingPool)
    monkeypatch.setattr(loading.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    together = loading.load(kb_root)
    assert together.people == alone.people and together.interviews == alone.interviews
    assert together.files == alone.files and together.problems == alone.problems


def test_a_stored_record_copied_with_new_values_is_whole(kb_root, later):
    import dataclasses
    import pickle

    settle(kb_root)
    loading.load(kb_root)
    person = loading.load(kb_root).people["ann-lee"]
    shared = dataclasses.replace(person, email=None)
    again = pickle.loads(pickle.dumps(shared))
    assert (again.email, again.body, str(again.path)) == (
        None,
        "Met at the alumni meetup.\n",
        "people/ann-lee.md",
    )


def test_rows_written_as_they_come_are_all_kept(kb_root, monkeypatch, later):
    settle(kb_root)
    monkeypatch.setattr(cache, "FLUSH_ROWS", 2)
    expected = loading.load(kb_root)
    seen = spy_reads(monkeypatch)
    again = loading.load(kb_root)
    assert seen == []
    assert again.people == expected.people and again.interviews == expected.interviews
    with database() as db:
        assert db.execute("SELECT count(*) FROM files").fetchone() == (6,)


def test_a_cache_locked_by_another_run_still_gives_results(kb_root, monkeypatch, later):
    settle(kb_root)
    loading.load(kb_root)
    monkeypatch.setattr(cache, "FLUSH_ROWS", 2)
    monkeypatch.setattr(cache, "BUSY_SECONDS", 0.01)
    for path in (kb_root / "people").glob("*.md"):
        path.write_text(path.read_text() + "More.\n")
    with database() as db:
        db.execute("BEGIN IMMEDIATE")  # another run writing, for longer than we wait
        kb = loading.load(kb_root)
        db.execute("ROLLBACK")
    assert kb.people["ann-lee"].body == "Met at the alumni meetup.\nMore.\n"
    seen = spy_reads(monkeypatch)
    loading.load(kb_root)
    assert sorted(s for s in seen if s.startswith("parse")) == [
        "parse people/ann-lee.md",
        "parse people/bo-chen.md",
        "parse people/cy-diaz.md",
    ]


def test_validate_on_another_day_is_checked_for_that_day(kb_root, monkeypatch, later):
    from datetime import date

    settle(kb_root)
    before, after = date(2026, 3, 1), date(2026, 12, 31)
    early = check_root(kb_root, before).value
    late = check_root(kb_root, after).value
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        expected = check(loading.load(kb_root), after)
    assert late == expected != early
    assert [p.path for p in early if p.message.startswith("status is done, but")] == [
        "interviews/2026-03-10-ann-lee.md",
        "interviews/2026-03-20-bo-chen.md",
    ]


def test_a_warm_due_reads_no_file_and_an_edit_shows_at_once(kb_root, monkeypatch, later):
    settle(kb_root)
    first = run("--root", kb_root, "due", "--on", "2026-04-01")
    with monkeypatch.context() as m:
        seen = spy_reads(m)
        m.setattr(due, "due", lambda *a: pytest.fail("due worked out again"))
        again = run("--root", kb_root, "due", "--on", "2026-04-01")
    assert seen == []
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
    assert "Thank Bo Chen" in first.stdout
    other_day = run("--root", kb_root, "due", "--on", "2026-03-22")
    assert "due Sat 2026-03-21, yesterday" in other_day.stdout  # another day: another answer
    path = kb_root / "interviews/2026-03-20-bo-chen.md"
    thanked = "status: done\nthanked: 2026-03-21\n"
    path.write_text(path.read_text().replace("status: done\n", thanked))
    edited = run("--root", kb_root, "due", "--on", "2026-04-01")
    assert "Thank Bo Chen" not in edited.stdout


def test_a_warm_list_reads_no_file_and_an_edit_shows_at_once(kb_root, monkeypatch, later):
    settle(kb_root)
    first = run("--root", kb_root, "list", "people", "--format", "json")
    with monkeypatch.context() as m:
        seen = spy_reads(m)
        m.setattr(listing, "rows", lambda *a: pytest.fail("rows worked out again"))
        again = run("--root", kb_root, "list", "people", "--format", "json")
    assert seen == []
    assert again.stdout == first.stdout
    only = run("--root", kb_root, "list", "people", "--company", "globex", "--format", "json")
    assert only.stdout != first.stdout  # other filters: another result
    path = kb_root / "people/ann-lee.md"
    path.write_text(path.read_text().replace("name: Ann Lee", "name: Ann Leigh", 1))
    edited = run("--root", kb_root, "list", "people", "--format", "json")
    assert "Ann Leigh" in edited.stdout and "Ann Leigh" not in first.stdout
