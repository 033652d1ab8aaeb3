"""Rules over a loaded knowledge base -> problems. Prints nothing."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import PurePosixPath

from tool.ids import id_key, id_problem, portability_problem, slugify
from tool.kb import KnowledgeBase
from tool.model import FORMATS, PURPOSES, RELATIONSHIPS, STATUSES, Interview, Person, Problem


def suggest(name: str, choices: Iterable[str]) -> str:
    """` (did you mean a, b?)` for close matches, or an empty string."""
    options = sorted(choices)
    wanted = name.casefold().strip()
    # A typo ("ann-le") or a part of the name ("acme" for "Acme Robotics") both count.
    partial = [c for c in options if len(wanted) >= 3 and wanted in c.casefold()]
    close = list(dict.fromkeys(partial + difflib.get_close_matches(name, options, 3, 0.75)))[:3]
    return f" (did you mean {', '.join(close)}?)" if close else ""


def validate(kb: KnowledgeBase) -> list[Problem]:
    """Every problem in the KB: reading problems plus cross-file rules, sorted."""
    problems = list(kb.problems)
    problems += _duplicate_ids(kb.people_paths)
    problems += _unportable_names(kb.files)
    for person in kb.people.values():
        problems += _person_rules(person, kb)
    for interview in kb.interviews.values():
        problems += _interview_rules(interview, kb)
    # Imported here: they pull in the renderer and the grouping, needed only by validate.
    from tool.ics import problems as calendar_problems
    from tool.insights import topic_problems
    from tool.template_checks import check_templates

    problems += check_templates(kb)
    problems += topic_problems(kb)
    problems += calendar_problems(kb)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.rule, p.message))


def within(path: str, selection: Iterable[str]) -> bool:
    """Whether a root-relative path is one of, or inside one of, the selected paths."""
    return any(
        w in ("", ".") or path == w or path.startswith(w.rstrip("/") + "/") for w in selection
    )


def select(problems: list[Problem], paths: Iterable[str]) -> list[Problem]:
    """Only the problems in the given files or folders (relative to the root)."""
    wanted = list(paths)
    return [p for p in problems if within(p.path, wanted)]


def _problem(
    record: Person | Interview, key: str, message: str, rule: str, severity: str = "error"
) -> Problem:
    return Problem(str(record.path), record.line_of(key), 1, severity, message, rule)  # type: ignore[arg-type]


def _allowed(record: Person | Interview, key: str, allowed: tuple[str, ...]) -> list[Problem]:
    value = getattr(record, key)
    if value is None or value in allowed:
        return []
    return [
        _problem(
            record,
            key,
            f"{key} must be one of {', '.join(allowed)}, not {value!r}" + suggest(value, allowed),
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
