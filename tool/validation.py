"""`tool validate` after some files changed: each file's own problems kept, the rest redone.

A file's own problems (reading it, allowed values, its name, unknown fields and headings,
the order of its dates) depend on its bytes and the settings alone: they are kept per file
with the facts of its record that the rules over several files read (ids, names,
references, topics, uids). A run reads and parses only the files whose stamp changed. The
rules over several files (references, duplicate ids, namesakes, topic spellings, calendar
uids) run again on the facts of every file, unless no file came, went or changed its
facts since the last run: then their problems are the last run's, only the columns of
misspelt topics in the files read again looked up anew (an edit may move them along the
line). The result is the same as `tool.check.check`'s on the whole KB, always: what is kept
is keyed on the code, the settings and each file's stamp, trusted as the cache trusts it
(see `tool.store.cache`).
"""

from __future__ import annotations

import array
import functools
import hashlib
import os
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from tool.formats.ics import problems as calendar_problems
from tool.model import Insight, Interview, KnowledgeBase, Person, Problem
from tool.rules.insights import misspelt, topic_problem
from tool.rules.records import cross_problems, file_problems
from tool.store import cache
from tool.store.loading import Partial
from tool.store.perfile import Kept, kept_path, open_kept, write_kept
from tool.template_checks import check_templates

# What the rules over several files found last time: the day they were run for, their
# problems but the topics', and each misspelt topic (file, line, topic as spelled, message,
# column).
Cross = tuple[date | None, list[Problem], list[tuple[str, int, str, str, int]]]
# The lines of these fields are what those rules point at.
PERSON_LINES = ("name", "introduced_by")
INTERVIEW_LINES = ("person", "referrals", "status", "uid")
# Numbers kept per file: its stamp (size, modification time, inode, change time), kept only
# when it can be trusted (the file was last changed well before it was read, see
# `cache.racy`). All -1: a stamp never to trust; all -2: a file with no stamp this run.
NUMBERS = 4
UNKNOWN = (-1,) * NUMBERS
NONE = (-2,) * NUMBERS
CHUNK = 16  # files whose stamps are compared at once, before looking at each one
DIGEST = 16  # bytes of each hash kept per file: of its bytes, and of what others see of it


class _Columns:
    """What is kept of every file, a column per kind: quick to read and write for many files.

    Per file, in the order of the scan: its stamp, the hash of its bytes, a hash of what the
    rules over several files see of it (its facts, see `_facts`), and its reading and own
    problems (only for files that have some).
    """

    def __init__(self, found: dict[str, Any] | None = None):
        found = found or {}
        self.rels: list[str] = found.get("rels", [])
        self.numbers: array.array[int] = found.get("numbers", array.array("q"))
        self.hashes: bytes = found.get("hashes", b"")
        self.shown: bytes = found.get("shown", b"")
        self.problems: dict[str, tuple[tuple[Problem, ...], tuple[Problem, ...]]]
        self.problems = found.get("problems", {})
        self.facts: bytes = found.get("facts", b"")  # names the file of facts that goes with it
        self.cross: Cross | None = found.get("cross")
        complete = len(self.numbers) == NUMBERS * len(self.rels) and len(self.hashes) == len(
            self.shown
        ) == DIGEST * len(self.rels)
        if not complete:
            self.rels, self.numbers, self.hashes, self.shown = [], array.array("q"), b"", b""
        self.index = {rel: n for n, rel in enumerate(self.rels)}

    def stamp_of(self, n: int) -> array.array[int]:
        return self.numbers[NUMBERS * n : NUMBERS * n + NUMBERS]

    def hash_of(self, n: int) -> bytes:
        return self.hashes[DIGEST * n : DIGEST * n + DIGEST]

    def shown_of(self, n: int) -> bytes:
        return self.shown[DIGEST * n : DIGEST * n + DIGEST]

    def value(self) -> dict[str, Any]:
        return {
            "rels": self.rels,
            "numbers": self.numbers,
            "hashes": self.hashes,
            "shown": self.shown,
            "problems": self.problems,
            "facts": self.facts,
            "cross": self.cross,
        }


def update(part: Partial, today: date | None) -> list[Problem]:
    """Every problem of the KB, as `check` finds them, reading only the files that changed."""
    root, config, found = part.root, part.config, part.found
    where, facts_where = kept_path(root, "validate"), kept_path(root, "validate-facts")
    salt = repr((str(root), cache.code_fingerprint(), config, part.problems))
    key = hashlib.blake2b(salt.encode(errors="surrogateescape"), digest_size=16).digest()
    kept = open_kept(where, key)
    old = _Columns(kept.first if kept is not None else None)
    if kept is not None:
        kept.close()
    facts_file = open_kept(facts_where, key)  # its facts are read only if they are needed
    facts_ok = facts_file is not None and facts_file.first == old.facts
    files = [rel for rel, _, _ in found.files]
    current = array.array("q")
    for _, _, info in found.files:
        try:
            current.extend(info if info is not None else NONE)
        except OverflowError:  # a time far ahead: never trusted
            current.extend(NONE)
    if not facts_ok:
        changed = set(range(len(files)))
    elif old.rels == files:
        changed = set(_differing(current, old.numbers))
    else:
        changed = set()
        for n, rel in enumerate(files):
            at = old.index.get(rel)
            if at is None or current[NUMBERS * n : NUMBERS * n + NUMBERS] != old.stamp_of(at):
                changed.add(n)
    clean = {rel: old.index[rel] for n, rel in enumerate(files) if n not in changed}
    listed = {files[n]: found.files[n][2] for n in sorted(changed)}
    try:
        store = (where, facts_where, key)
        return _update(part, today, old, clean, listed, current, facts_file, store)
    finally:
        if facts_file is not None:
            facts_file.close()


# What a file read this run gives: its stamp and when it was taken, the hash of its bytes,
# the hash of what other files' rules see of it, its facts, its reading and own problems.
Read = tuple[tuple[int, ...], bytes, bytes, Any, tuple[Problem, ...], tuple[Problem, ...]]


def _update(
    part: Partial,
    today: date | None,
    old: _Columns,
    clean: dict[str, int],
    listed: dict[str, cache.Stamp | None],
    current: array.array[int],
    facts_file: Kept | None,
    store: tuple[Any, Any, bytes],
) -> list[Problem]:
    read: dict[str, Read] = {}
    same_facts = True  # so far, every file read shows the others what it showed them
    derive = functools.partial(_derive, part.config.headings)
    for rel, reading, content, made in part.derived(listed, derive):
        read[rel] = _read(part, rel, reading, content, made, listed[rel])
        n = old.index.get(rel)
        same_facts = same_facts and n is not None and old.shown_of(n) == read[rel][2]
    files = [rel for rel, _, _ in part.found.files]
    new = _columns(files, old, clean, read, current)
    where, facts_where, key = store
    last = old.cross
    if same_facts and last is not None and last[0] == today and old.rels == files:
        cross, topics = last[1], [_moved(part, t, read) for t in last[2]]
        new.facts = old.facts
    else:
        kept = (facts_file.next() if facts_file and clean else None) or {}
        if not isinstance(kept, dict) or not kept.keys() >= clean.keys():
            raise Stale  # the file of facts could not be read whole
        facts = {rel: kept[rel] for rel in clean}
        facts.update((rel, found[3]) for rel, found in read.items())
        kb = _kb(part, files, facts, new)
        cross = cross_problems(kb, today) + calendar_problems(kb)
        topics = [
            (str(iv.path), line, topic, message, topic_problem(iv, line, topic, message).col)
            for iv, line, topic, message in misspelt(kb)
        ]
        new.facts = os.urandom(16)
        write_kept(facts_where, key, new.facts, facts)
    new.cross = (today, cross, topics)
    write_kept(where, key, new.value())
    problems = list(part.problems)
    for of_file in new.problems.values():
        problems += [*of_file[0], *of_file[1]]
    problems += cross
    problems += [Problem(r, n, col, "warning", m, "topic-spelling") for r, n, _, m, col in topics]
    problems += check_templates(KnowledgeBase(part.root, part.config, {}, {}, list(part.problems)))
    return ordered(problems)


# What is worked out of each file read, where it is parsed (see `Partial.derived`): its
# facts, the hash of what the rules over several files see of it, its own problems.
Derived = tuple[tuple[Any, ...] | None, bytes, tuple[Problem, ...]]


def _derive(
    headings: dict[str, str], rel: str, record: Person | Interview | None, reading: list[Problem]
) -> Derived:
    """What is kept of a file besides its stamp and reading problems, from its record."""
    facts = _facts(record)
    # The reading problems of a file without a record are quoted where it is referred to.
    shown = _digest(repr(facts if facts is not None else (None, reading)))
    return facts, shown, tuple(file_problems(rel, record, headings))


def _read(
    part: Partial,
    rel: str,
    reading: list[Problem],
    content: bytes | None,
    made: Derived,
    info: cache.Stamp | None,
) -> Read:
    """What is kept of a file read this run."""
    facts, shown, own = made
    numbers = UNKNOWN
    if info is not None and content is not None:
        found = info
        if not cache.racy(found, part.cache.started):
            numbers = found
    return numbers, content or bytes(DIGEST), shown, facts, tuple(reading), own


def _columns(
    files: list[str],
    old: _Columns,
    clean: dict[str, int],
    read: dict[str, Read],
    current: array.array[int],
) -> _Columns:
    """What is kept of every file after this run: the old columns' for the files not read."""
    new = _Columns()
    new.rels = files
    if old.rels == files:  # the same files: the old columns, with those of the files read
        new.numbers = array.array("q", current)
        hashes, shown = bytearray(old.hashes), bytearray(old.shown)
        new.problems = dict(old.problems)
        for rel, (numbers, content, seen, _, reading, own) in read.items():
            n = old.index[rel]
            _put(new.numbers, n, numbers)
            hashes[DIGEST * n : DIGEST * n + DIGEST] = content
            shown[DIGEST * n : DIGEST * n + DIGEST] = seen
            new.problems.pop(rel, None)
            if reading or own:
                new.problems[rel] = (reading, own)
        new.hashes, new.shown = bytes(hashes), bytes(shown)
        return new
    hashes, shown = bytearray(), bytearray()
    for rel in files:
        if rel in clean:
            n = clean[rel]
            new.numbers.extend(old.stamp_of(n))
            hashes += old.hash_of(n)
            shown += old.shown_of(n)
            problems = old.problems.get(rel)
        else:
            numbers, content, seen, _, reading, own = read[rel]
            _put(new.numbers, len(new.numbers) // NUMBERS, numbers)
            hashes += content
            shown += seen
            problems = (reading, own) if reading or own else None
        if problems:
            new.problems[rel] = problems
    new.hashes, new.shown = bytes(hashes), bytes(shown)
    return new


def _put(numbers: array.array[int], n: int, stamp: tuple[int, ...]) -> None:
    """Set (or add, at the end) the stamp of the `n`th file; one too large is never trusted."""
    try:
        found = array.array("q", stamp)
    except OverflowError:
        found = array.array("q", UNKNOWN)
    numbers[NUMBERS * n : NUMBERS * n + NUMBERS] = found


def _differing(current: array.array[int], kept: array.array[int]) -> list[int]:
    """The files whose stamps differ, of two columns of stamps for the same files."""
    now, then = current.tobytes(), kept.tobytes()
    size = NUMBERS * current.itemsize
    step = CHUNK * size
    out = []
    for start in range(0, len(now), step):
        if now[start : start + step] != then[start : start + step]:
            for at in range(start, min(start + step, len(now)), size):
                if now[at : at + size] != then[at : at + size]:
                    out.append(at // size)
    return out


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(errors="surrogateescape"), digest_size=DIGEST).digest()


def _moved(
    part: Partial, use: tuple[str, int, str, str, int], read: dict[str, Read]
) -> tuple[str, int, str, str, int]:
    """A misspelt topic of the last run, at its column in the file as read again this run."""
    rel, line, topic, message, _ = use
    if rel not in read or read[rel][3] is None:
        return use
    record = _record(part, rel, read[rel][1], read[rel][3])
    assert isinstance(record, Interview)  # its facts are those of the interview it was
    return (rel, line, topic, message, topic_problem(record, line, topic, message).col)


def _kb(part: Partial, files: list[str], facts: dict[str, Any], columns: _Columns) -> KnowledgeBase:
    """The KB as the rules over several files read it: records of their facts alone."""
    people: dict[str, Person] = {}
    interviews: dict[str, Interview] = {}
    problems = list(part.problems)
    for n, rel in enumerate(files):
        found = facts[rel]
        record = _record(part, rel, columns.hash_of(n), found) if found else None
        problems += columns.problems.get(rel, ((), ()))[0]
        if isinstance(record, Person):
            people[record.id] = record
        elif isinstance(record, Interview):
            interviews[record.id] = record
    paths = [PurePosixPath(rel) for rel in files if rel.startswith("people/")]
    return KnowledgeBase(part.root, part.config, people, interviews, problems, paths, files)


def _facts(record: Person | Interview | None) -> tuple[Any, ...] | None:
    """What the rules over several files read of a record (`cross_problems`, `topic_problems`,
    `uid_problems`): see `_record`."""
    if isinstance(record, Person):
        lines = tuple(record.lines.get(key) for key in PERSON_LINES)
        return (record.id, record.name, record.company, record.introduced_by, lines)
    if isinstance(record, Interview):
        lines = tuple(record.lines.get(key) for key in INTERVIEW_LINES)
        topics = tuple((i.line, i.topics) for i in record.insights if i.topics)
        return (
            record.id,
            record.person,
            record.date.toordinal(),
            record.status,
            record.referrals,
            record.uid,
            topics,
            record.body_line,
            lines,
        )
    return None


def _record(part: Partial, rel: str, content: bytes, facts: tuple[Any, ...]) -> Person | Interview:
    """A record with the fields of its kept facts (the others unset), as those rules read it."""
    if rel.startswith("people/"):
        ident, name, company, introducer, lines = facts
        fields = {"id": ident, "name": name, "company": company, "introduced_by": introducer}
        fields["lines"] = {k: n for k, n in zip(PERSON_LINES, lines, strict=True) if n is not None}
    else:
        ident, person, day, status, referrals, uid, topics, body_line, lines = facts
        fields = {"id": ident, "person": person, "date": date.fromordinal(day), "status": status}
        fields |= {"referrals": referrals, "uid": uid, "body_line": body_line}
        fields["insights"] = tuple(Insight("", found, line) for line, found in topics)
        fields["lines"] = {
            k: n for k, n in zip(INTERVIEW_LINES, lines, strict=True) if n is not None
        }
    return part.sketch(rel, content, fields)


class Stale(Exception):
    """What was kept cannot be read whole: the caller works everything out again."""


def ordered(problems: list[Problem]) -> list[Problem]:
    """Each problem once, sorted as validate lists them."""
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.rule, p.message))
