"""Rules over people and interviews -> problems: fields, values, references, ids."""

from __future__ import annotations

from pathlib import PurePosixPath

from tool.ids import id_key, id_problem, portability_problem, slugify
from tool.model import (
    FORMATS,
    PURPOSES,
    RELATIONSHIPS,
    STATUSES,
    Interview,
    KnowledgeBase,
    Person,
    Problem,
    Severity,
)
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


def _person_rules(person: Person, kb: KnowledgeBase) -> list[Problem]:
    out = _allowed(person, "relationship", RELATIONSHIPS)
    out += _id_rules(person.path, slugify(person.name), f"the name {person.name!r}")
    if person.introduced_by is not None:
        if person.introduced_by == person.id:
            out.append(
                _problem(
                    person, "introduced_by", "a person cannot introduce themselves", "reference"
                )
            )
        elif person.introduced_by not in kb.people:
            out.append(
                _problem(
                    person,
                    "introduced_by",
                    f"introduced_by {person.introduced_by!r} is not a person in people/"
                    + suggest(person.introduced_by, kb.people),
                    "reference",
                )
            )
    return out


def _interview_rules(interview: Interview, kb: KnowledgeBase) -> list[Problem]:
    out = _allowed(interview, "status", STATUSES)
    out += _allowed(interview, "format", FORMATS)
    out += _allowed(interview, "purpose", PURPOSES)
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
        if name not in kb.people and not id_problem(name):
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


def _unportable_names(files: list[str]) -> list[Problem]:
    """A warning for each file that works here but cannot be checked out on Windows."""
    out = []
    for rel in files:
        why = portability_problem(PurePosixPath(rel).name)
        if why:
            out.append(Problem(rel, 1, 1, "warning", why, "file-name"))
    return out


def record_problems(kb: KnowledgeBase) -> list[Problem]:
    """Problems of the records and their references to each other, unsorted."""
    problems = _duplicate_ids(kb.people_paths)
    problems += _unportable_names(kb.files)
    for person in kb.people.values():
        problems += _person_rules(person, kb)
    for interview in kb.interviews.values():
        problems += _interview_rules(interview, kb)
    return problems
