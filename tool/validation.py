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

import hashlib
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from tool.formats.ics import problems as calendar_problems
from tool.model import Insight, Interview, KnowledgeBase, Person, Problem
from tool.rules.insights import misspelt, topic_problem
from tool.rules.records import cross_problems, file_problems
from tool.store import cache
from tool.store.cache import Stamp
from tool.store.kept import kept_path, read_kept, write_kept
from tool.store.loading import Partial, content_hash
from tool.template_checks import check_templates

# What is kept of a file: its stamp, when that was taken, the hash of its bytes, the facts
# of its record that rules over several files read (None: it gives no record; see `_facts`),
# its reading problems and its own problems. Plain values: quick to read back for every file.
Entry = tuple[
    Stamp | None,
    int,
    bytes | None,
    tuple[Any, ...] | None,
    tuple[Problem, ...],
    tuple[Problem, ...],
]
# What the rules over several files found last time: the day they were run for, the files
# of the KB, their problems but the topics' and each misspelt topic (file, line, topic as
# spelled, message, column).
Cross = tuple[date | None, list[str], list[Problem], list[tuple[str, int, str, str, int]]]
# The lines of these fields are what those rules point at.
PERSON_LINES = ("name", "introduced_by")
INTERVIEW_LINES = ("person", "referrals", "status", "uid")


def update(part: Partial, today: date | None) -> list[Problem]:
    """Every problem of the KB, as `check` finds them, reading only the files that changed."""
    root, config, found = part.root, part.config, part.found
    where = kept_path(root, "validate")
    salt = repr((str(root), cache.code_fingerprint(), config, part.problems))
    key = hashlib.blake2b(salt.encode(errors="surrogateescape"), digest_size=16).digest()
    kept = read_kept(where, key)
    old: dict[str, Entry] = kept.get("entries", {})
    entries: dict[str, Entry] = {}
    listed = {}
    for rel, _, info in found.files:
        entry = old.get(rel)
        if entry is not None and info is not None:
            now = cache.stamp(info)
            if entry[0] == now and not cache.racy(now, entry[1]):
                entries[rel] = entry
                continue
        listed[rel] = info
    records: dict[str, Person | Interview | None] = {}
    same_facts = True  # so far, every file read has the facts it had
    for rel, record, reading in part.records(listed):
        info = listed[rel]
        content = content_hash(record) if record is not None else None
        entry = old.get(rel)
        if entry is not None and content is not None and entry[2] == content:
            own = entry[5]  # touched, not changed: the same bytes have the same problems
        else:
            own = tuple(file_problems(rel, record, config.headings))
        stamped = cache.stamp(info) if info is not None and content is not None else None
        facts = _facts(record)
        new = entries[rel] = (stamped, part.cache.started, content, facts, tuple(reading), own)
        records[rel] = record
        # The reading problems of a file without a record are quoted where it is referred to.
        same_facts = same_facts and entry is not None and _shown(entry) == _shown(new)
    files = [rel for rel, _, _ in found.files]
    last: Cross | None = kept.get("cross")
    if same_facts and last is not None and last[0] == today and last[1] == files:
        cross, topics = last[2], [_moved(t, records) for t in last[3]]
    else:
        kb = _kb(part, files, entries, records)
        cross = cross_problems(kb, today) + calendar_problems(kb)
        topics = [
            (str(iv.path), line, topic, message, topic_problem(iv, line, topic, message).col)
            for iv, line, topic, message in misspelt(kb)
        ]
    write_kept(where, key, {"entries": entries, "cross": (today, files, cross, topics)})
    problems = list(part.problems)
    for rel in files:
        problems += entries[rel][4]
        problems += entries[rel][5]
    problems += cross
    problems += [Problem(r, n, col, "warning", m, "topic-spelling") for r, n, _, m, col in topics]
    problems += check_templates(KnowledgeBase(root, config, {}, {}, list(part.problems)))
    return ordered(problems)


def _shown(entry: Entry) -> tuple[Any, ...]:
    """What the rules over several files see of a file: its facts, else its reading problems."""
    return (entry[3],) if entry[3] is not None else (None, entry[4])


def _moved(
    use: tuple[str, int, str, str, int], records: dict[str, Person | Interview | None]
) -> tuple[str, int, str, str, int]:
    """A misspelt topic of the last run, at its column in the file as read again this run."""
    rel, line, topic, message, _ = use
    record = records.get(rel)
    if not isinstance(record, Interview):
        return use
    return (rel, line, topic, message, topic_problem(record, line, topic, message).col)


def _kb(
    part: Partial,
    files: list[str],
    entries: dict[str, Entry],
    records: dict[str, Person | Interview | None],
) -> KnowledgeBase:
    """The KB as the rules over several files read it: records of the kept facts, and the
    whole records of the files read this run."""
    people: dict[str, Person] = {}
    interviews: dict[str, Interview] = {}
    problems = list(part.problems)
    for rel in files:
        _, _, content, facts, reading, _ = entries[rel]
        if rel in records:
            record = records[rel]
        else:
            record = _record(part, rel, content, facts) if facts and content else None
        problems += reading
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


def ordered(problems: list[Problem]) -> list[Problem]:
    """Each problem once, sorted as validate lists them."""
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.rule, p.message))
