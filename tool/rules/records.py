"""Rules over people and interviews -> problems: fields, values, references, ids."""

from __future__ import annotations

from collections.abc import Container
from datetime import date
from functools import lru_cache
from pathlib import PurePosixPath

from tool.ids import id_key, id_problem, portability_problem, slugify
from tool.model import (
    ALLOWED,
    Interview,
    KnowledgeBase,
    Person,
    Problem,
    Severity,
    heading_matches,
)
from tool.parse.body import DEFAULT_HEADINGS
from tool.parse.records import INTERVIEW_FIELDS, PERSON_FIELDS
from tool.rules.referrals import Referrals, fold
from tool.text import see_format, suggest


def _problem(
    record: Person | Interview, key: str, message: str, rule: str, severity: Severity = "error"
) -> Problem:
    return Problem(str(record.path), record.line_of(key), 1, severity, message, rule)


def _allowed(record: Person | Interview, key: str, allowed: tuple[str, ...]) -> list[Problem]:
    value = getattr(record, key)
    if value is None or value in allowed:
        return []
    return [
        _problem(
            record,
            key,
            f"{key} must be one of {', '.join(allowed)}, not {value!r}"
            + suggest(value, allowed)
            + see_format(key),
            "value",
        )
    ]


def _person_rules(person: Person) -> list[Problem]:
    """The person's problems that depend on their file alone."""
    out = _allowed(person, "relationship", ALLOWED["relationship"])
    out += _id_rules(person.path, slugify(person.name), f"the name {person.name!r}")
    if person.introduced_by is not None and person.introduced_by == person.id:
        out.append(
            _problem(person, "introduced_by", "a person cannot introduce themselves", "reference")
        )
    return out


def _introducer_rules(person: Person, kb: KnowledgeBase) -> list[Problem]:
    """Whether the person who introduced them is a person of the KB."""
    introducer = person.introduced_by
    if introducer is None or introducer == person.id:
        return []
    if introducer in kb.unreadable_people:
        return [_unusable(person, "introduced_by", introducer, kb, "error")]
    if introducer not in kb.people:
        return [
            _problem(
                person,
                "introduced_by",
                f"introduced_by {introducer!r} is not a person in people/"
                + suggest(introducer, kb.people),
                "reference",
            )
        ]
    return []


def _unusable(
    record: Person | Interview, key: str, ident: str, kb: KnowledgeBase, severity: Severity
) -> Problem:
    """A reference to a person file that exists but gave no record: say so, and where it fails."""
    path = f"people/{ident}.md"
    first = min((p for p in kb.errors if p.path == path), key=lambda p: p.line, default=None)
    why = f": {path}:{first.line}: {first.message}" if first else ""
    what = "referral" if key == "referrals" else key
    message = f"{what} {ident!r}: {path} exists but cannot be used{why}"
    return _problem(record, key, message, "reference", severity)


def _interview_rules(interview: Interview) -> list[Problem]:
    """The interview's problems that depend on its file alone."""
    out = [
        p for key in ("status", "format", "purpose") for p in _allowed(interview, key, ALLOWED[key])
    ]
    for key in ("thanked", "requested"):
        when = getattr(interview, key)
        if when is None:
            continue
        if key == "thanked" and when < interview.date:
            out.append(
                _problem(
                    interview, key, "thanked is before the interview date", "date-order", "warning"
                )
            )
        if key == "requested" and when > interview.date:
            out.append(
                _problem(
                    interview, key, "requested is after the interview date", "date-order", "warning"
                )
            )
    expected = f"{interview.date.isoformat()}-{interview.person}"
    out += _id_rules(interview.path, expected, "its date and person", allow_suffix=True)
    return out


def _reference_rules(interview: Interview, kb: KnowledgeBase) -> list[Problem]:
    """Whether the interview's person and referrals are people of the KB."""
    out = []
    if interview.person in kb.unreadable_people:
        out.append(
            _problem(
                interview,
                "person",
                f"person {interview.person!r}: people/{interview.person}.md could not be read "
                "(see its errors)",
                "reference",
            )
        )
    elif interview.person not in kb.people:
        out.append(
            _problem(
                interview,
                "person",
                f"person {interview.person!r} is not in people/"
                + suggest(interview.person, kb.people),
                "reference",
            )
        )
    for name in interview.referrals:
        # A free-text name ("Lena from the data team") is a lead `tool due` reminds about;
        # an id-like value that matches nobody is more likely a typo.
        if name in kb.unreadable_people:
            out.append(_unusable(interview, "referrals", name, kb, "warning"))
        elif name not in kb.people and not id_problem(name):
            out.append(
                _problem(
                    interview,
                    "referrals",
                    f"referral {name!r} is not a person in people/"
                    + (suggest(name, kb.people) or " (a lead not yet added? `tool new person`)"),
                    "unknown-referral",
                    "warning",
                )
            )
    return out


def _id_rules(
    path: PurePosixPath, expected: str, source: str, allow_suffix: bool = False
) -> list[Problem]:
    ident = path.stem
    why = id_problem(ident)
    if why:
        return [Problem(str(path), 1, 1, "error", why, "file-name")]
    matches = ident == expected or (
        allow_suffix and ident.startswith(expected + "-") and ident[len(expected) + 1 :].isdigit()
    )
    if matches or (
        not allow_suffix
        and ident.rsplit("-", 1)[0] == expected
        and ident.rsplit("-", 1)[-1].isdigit()
    ):
        return []
    return [
        Problem(
            str(path),
            1,
            1,
            "warning",
            f"file name does not follow {source}: expected {expected}.md",
            "file-name",
        )
    ]


def _duplicate_ids(paths: list[PurePosixPath]) -> list[Problem]:
    seen: dict[str, PurePosixPath] = {}
    out: list[Problem] = []
    for path in paths:
        key = id_key(path.stem)
        if key in seen:
            out.append(
                Problem(
                    str(path),
                    1,
                    1,
                    "error",
                    f"id {path.stem!r} differs from {seen[key]} only by case or Unicode form",
                    "duplicate-id",
                )
            )
        else:
            seen[key] = path
    return out


def _duplicate_interview_ids(files: list[str]) -> list[Problem]:
    """`_duplicate_ids` of interviews/, from the file names alone (no path objects: fast)."""
    talks = sorted(f for f in files if f.startswith("interviews/"))
    keys = [id_key(f[11:].removesuffix(".md")) for f in talks]
    if len(set(keys)) == len(keys):
        return []
    return _duplicate_ids([PurePosixPath(f) for f in talks])


def _namesake_base(ident: str) -> str:
    """`jane-doe` for `jane-doe-2` (and `Jane-Doe`): the id `tool new person --namesake` numbers."""
    base, _, number = ident.rpartition("-")
    return id_key(base if base and number.isdigit() else ident)


@lru_cache(maxsize=1 << 16)  # an editor checks again at each keystroke: names recur
def _folded_name(name: str) -> str:
    return fold(name)


def namesake_problems(people: list[Person]) -> list[Problem]:
    """A warning for each person who shares a name with another not numbered as a namesake.

    `tool new` refuses a name already taken, but two branches can each add it (or rename
    someone to it), and their merge has both files: one person twice, or a namesake unsaid.
    """
    by_name: dict[str, list[Person]] = {}
    for person in sorted(people, key=lambda p: p.id):
        by_name.setdefault(_folded_name(person.name), []).append(person)
    out = []
    for group in by_name.values():
        bases = [_namesake_base(p.id) for p in group] if len(group) > 1 else []
        if len(set(bases)) < 2:
            continue  # alone, or numbered as namesakes
        for person, base in zip(group, bases, strict=True):
            others = [p for p, b in zip(group, bases, strict=True) if b != base]
            if not others:
                continue
            message = (
                f"{person.name} is also the name of {', '.join(str(p.path) for p in others)}: "
                "if this is one person, keep one file; if two, name the second "
                f"{slugify(person.name)}-2.md, as `tool new person --namesake` does"
            )
            out.append(_problem(person, "name", message, "namesake", "warning"))
    return out


def _unportable_names(files: list[str]) -> list[Problem]:
    """A warning for each file that works here but cannot be checked out on Windows."""
    out = []
    for rel in files:
        why = portability_problem(rel.rpartition("/")[2])  # its name: no path object per file
        if why:
            out.append(Problem(rel, 1, 1, "warning", why, "file-name"))
    return out


def _field_typos(record: Person | Interview, fields: dict[str, str]) -> list[Problem]:
    """A warning for each unknown key close to a known one: its value is silently unused.

    Keys of the user's own, not close to any field, stay allowed and unremarked.
    """
    out = []
    for key in record.extra:
        close = suggest(key, fields)
        if close:
            message = f"unknown field {key!r} is ignored{close}"
            out.append(_problem(record, key, message, "unknown-field", "warning"))
    return out


def _heading_typos(interview: Interview, headings: dict[str, str]) -> list[Problem]:
    """A warning for each `##` heading close to one the tool reads (`## Insight`), but not it."""
    names = tuple({**DEFAULT_HEADINGS, **{k: v for k, v in headings.items() if v.strip()}}.values())
    out = []
    for title, line in interview.headings():  # not the sections: their text is not needed
        close = _heading_typo(title, names)
        if close:
            message = f"heading {title!r} is read as plain notes{close}"
            out.append(Problem(str(interview.path), line, 1, "warning", message, "heading"))
    return out


@lru_cache(maxsize=1 << 14)  # a KB has few distinct headings, written in every interview
def _heading_typo(title: str, names: tuple[str, ...]) -> str:
    """` (did you mean ...?)` for a heading close to one the tool reads but not it, else ''."""
    if any(heading_matches(title, name) for name in names):
        return ""
    return suggest(title, names)


def _done_in_future(interview: Interview, today: date) -> list[Problem]:
    """A warning for a conversation marked done on a date still to come."""
    if interview.status != "done" or interview.date <= today:
        return []
    message = (
        f"status is done, but the date {interview.date.isoformat()} is after today "
        f"({today.isoformat()}): set the status to scheduled, or correct the date"
    )
    return [_problem(interview, "status", message, "done-in-future", "warning")]


def referral_name_problems(kb: KnowledgeBase, only: Container[str] | None = None) -> list[Problem]:
    """A warning for each free-text referral that names a person: their id says it for sure."""
    matcher: Referrals | None = None  # built once a referral is not an id: most are
    out = []
    for interview in kb.interviews.values():
        if only is not None and str(interview.path) not in only:
            continue
        for ref in interview.referrals:
            if ref in kb.people:
                continue
            matcher = matcher or Referrals(kb.people)
            person = matcher.find(ref)
            if person is not None:
                message = (
                    f"referral {ref!r} is {person.name} ({person.path}): "
                    f"write their id {person.id} instead"
                )
                out.append(_problem(interview, "referrals", message, "referral-name", "warning"))
    return out


def file_problems(
    rel: str, record: Person | Interview | None, headings: dict[str, str]
) -> list[Problem]:
    """The problems of one file that depend on it alone and the settings, not on other files.

    Reading problems and the rules about the calendar aside: what a store can keep for as
    long as the file's bytes and the settings stay the same.
    """
    return _unportable_names([rel]) + _own_rules(record, headings)


def _own_rules(record: Person | Interview | None, headings: dict[str, str]) -> list[Problem]:
    if isinstance(record, Person):
        return _person_rules(record) + _field_typos(record, PERSON_FIELDS)
    if isinstance(record, Interview):
        problems = _interview_rules(record) + _field_typos(record, INTERVIEW_FIELDS)
        return problems + _heading_typos(record, headings)
    return []


def cross_problems(
    kb: KnowledgeBase, today: date | None = None, only: Container[str] | None = None
) -> list[Problem]:
    """The record problems that depend on other files (references, duplicate ids, namesakes).

    With `today`, also the rules about the calendar. Fields they read, and no others: `id`,
    `path`, `name`, `company`, `introduced_by` of people; `id`, `path`, `person`, `date`,
    `status`, `referrals` of interviews; the lines of those fields.
    """
    problems = _duplicate_ids(kb.people_paths)
    problems += _duplicate_interview_ids(kb.files)
    problems += namesake_problems(list(kb.people.values()))
    for person in kb.people.values():
        if only is not None and str(person.path) not in only:
            continue
        problems += _introducer_rules(person, kb)
    for interview in kb.interviews.values():
        if only is not None and str(interview.path) not in only:
            continue
        problems += _reference_rules(interview, kb)
        if today is not None:
            problems += _done_in_future(interview, today)
    problems += referral_name_problems(kb, only)
    if only is not None:
        problems = [p for p in problems if p.path in only]
    return problems


def record_problems(
    kb: KnowledgeBase, today: date | None = None, only: Container[str] | None = None
) -> list[Problem]:
    """Problems of the records and their references to each other, unsorted.

    Rules about the calendar (a conversation done in the future) need `today`. With `only`
    (root-relative paths), just the problems of those files, the whole KB still consulted:
    what an editor re-checks after one file changed.
    """
    problems = cross_problems(kb, today, only)
    problems += _unportable_names(kb.files if only is None else [f for f in kb.files if f in only])
    records: list[Person | Interview] = [*kb.people.values(), *kb.interviews.values()]
    for record in records:
        if only is None or str(record.path) in only:
            problems += _own_rules(record, kb.config.headings)
    return problems
