"""`tool validate` after some files changed: each file's own problems kept, the rest redone.

A file's own problems (reading it, allowed values, its name, unknown fields and headings,
the order of its dates) depend on its bytes and the settings alone: they are kept per file
with a sketch of its record, the few fields that rules over several files read (ids, names,
references, topics, uids). A run reads and parses only the files whose stamp changed, and
computes every rule over several files again from the sketches: references, duplicate ids,
namesakes, topic spellings, calendar uids. The result is the same as `tool.check.check`'s
on the whole KB, always: the kept part is keyed on the code, the settings and each file's
stamp, trusted as the cache trusts it (see `tool.store.cache`).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from tool.formats.ics import problems as calendar_problems
from tool.model import Insight, Interview, KnowledgeBase, Person, Problem
from tool.rules.insights import topic_problems
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
# The lines of these fields are what those rules point at.
PERSON_LINES = ("name", "introduced_by")
INTERVIEW_LINES = ("person", "referrals", "status", "uid")


def update(part: Partial, today: date | None) -> list[Problem]:
    """Every problem of the KB, as `check` finds them, reading only the files that changed."""
    root, config, found = part.root, part.config, part.found
    where = kept_path(root, "validate")
    salt = repr((str(root), cache.code_fingerprint(), config, part.problems))
    key = hashlib.blake2b(salt.encode(errors="surrogateescape"), digest_size=16).digest()
    old: dict[str, Entry] = read_kept(where, key)
    started = part.cache.started
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
    for rel, record, reading in part.records(listed):
        info = listed[rel]
        content = content_hash(record) if record is not None else None
        entry = old.get(rel)
        if entry is not None and content is not None and entry[2] == content:
            own = entry[5]  # touched, not changed: the same bytes have the same problems
        else:
            own = tuple(file_problems(rel, record, config.headings))
        stamped = cache.stamp(info) if info is not None else None
        entries[rel] = (stamped, started, content, _facts(record), tuple(reading), own)
        records[rel] = record
    write_kept(where, key, {r: e for r, e in entries.items() if e[0] is not None and e[2]})
    people: dict[str, Person] = {}
    interviews: dict[str, Interview] = {}
    problems = list(part.problems)
    own_problems: list[Problem] = []
    files = [rel for rel, _, _ in found.files]
    for rel in files:
        _, _, content, facts, read_problems, file_own = entries[rel]
        if rel in records:  # read this run: the whole record
            record = records[rel]
        else:
            record = _record(part, rel, content, facts) if facts and content else None
        problems += read_problems
        own_problems += file_own
        if isinstance(record, Person):
            people[record.id] = record
        elif isinstance(record, Interview):
            interviews[record.id] = record
    paths = [PurePosixPath(rel) for rel in files if rel.startswith("people/")]
    kb = KnowledgeBase(root, config, people, interviews, problems, paths, files)
    found_all = [*problems, *own_problems, *cross_problems(kb, today)]
    found_all += check_templates(kb)
    found_all += topic_problems(kb)
    found_all += calendar_problems(kb)
    return ordered(found_all)


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
