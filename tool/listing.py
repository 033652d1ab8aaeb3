"""Filtered, sorted rows of people or interviews, and a table that fits a width. Pure."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from tool.model import CONTACT_FIELDS, STATUSES, Interview, KnowledgeBase, Person
from tool.text import comparable, fold_case_and_accents

PEOPLE_SORTS = ("name", "company", "career", "interviews", "conversations", "last_conversation")
INTERVIEW_SORTS = ("date", "name", "status", "company", "career", "purpose")
SORTS = {"people": PEOPLE_SORTS, "interviews": INTERVIEW_SORTS}  # the default first
# Columns of the default tables: (row key, heading, shrinks first when space is short).
Column = tuple[str, str, bool]
PEOPLE_COLUMNS: tuple[Column, ...] = (
    ("name", "Name", False),
    ("company", "Company", True),
    ("role", "Role", True),
    ("career", "Career", True),
    ("conversations", "Talks", False),
    ("last_conversation", "Last talk", False),
)
# People's contact details (model.CONTACT_FIELDS), shown only when asked for (--include-private).
_CONTACT_HEADINGS = {
    "email": ("Email", True),
    "phone": ("Phone", False),
    "linkedin": ("LinkedIn", True),
}
PRIVATE_COLUMNS: tuple[Column, ...] = tuple((k, *_CONTACT_HEADINGS[k]) for k in CONTACT_FIELDS)
INTERVIEW_COLUMNS: tuple[Column, ...] = (
    ("date", "Date", False),
    ("time", "Time", False),
    ("name", "Person", False),
    ("status", "Status", False),
    ("company", "Company", True),
    ("career", "Career", True),
    ("purpose", "Purpose", True),
    ("format", "Format", True),
)
# Below this many characters a shrinking column is too short to be useful.
FLEX_FLOOR = 8
# Narrower than this, a table is unreadable: each record gets lines of its own instead.
MIN_TABLE_WIDTH = 40
# The fields of the rows, in order, as docs/json.md lists them (CSV headers need them even
# when no row matches).
PEOPLE_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "company",
    "role",
    "career",
    "location",
    "relationship",
    "tags",
    "stay_in_touch",
    "private",
    "interviews",
    "conversations",
    "last_conversation",
    "path",
)
INTERVIEW_FIELDS: tuple[str, ...] = (
    "id",
    "date",
    "time",
    "person",
    "name",
    "status",
    "format",
    "duration",
    "purpose",
    "company",
    "career",
    "requested",
    "thanked",
    "follow_up",
    "referrals",
    "tags",
    "private",
    "insights",
    "open_actions",
    "path",
)
ELLIPSIS = "…"
# A spreadsheet runs a cell starting with one of these as a formula; numbers and phone
# numbers (+49 30 1234567, -5) are safe and stay as they are.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s().-]*")


@dataclass(frozen=True)
class ListFilters:
    """What to keep. Text filters match part of a value, ignoring case and accents.

    For people, `status`, `purpose`, `since` and `until` keep those with at least one
    interview that matches all of them.
    """

    company: str | None = None
    career: str | None = None
    status: str | None = None
    tags: tuple[str, ...] = ()
    purpose: str | None = None
    since: date | None = None
    until: date | None = None

    @property
    def about_interviews(self) -> bool:
        return any(v is not None for v in (self.status, self.purpose, self.since, self.until))


def columns(
    what: str, private: bool = False, rows: list[dict[str, Any]] | None = None
) -> list[Column]:
    """The table columns of people or interviews: people's contact details only if `private`.

    Given the `rows`, the Time column is left out when none of them has a time.
    """
    if what == "people":
        return [*PEOPLE_COLUMNS, *(PRIVATE_COLUMNS if private else ())]
    timed = rows is None or any(r.get("time") for r in rows)
    return [c for c in INTERVIEW_COLUMNS if timed or c[0] != "time"]


def fields(what: str, private: bool = False) -> list[str]:
    """The fields of the rows of people or interviews, in order: the CSV header."""
    if what == "people":
        return [*PEOPLE_FIELDS, *(CONTACT_FIELDS if private else ())]
    return list(INTERVIEW_FIELDS)


def rows(
    kb: KnowledgeBase,
    what: str,
    filters: ListFilters | None = None,
    sort: str | None = None,
    reverse: bool = False,
    private: bool = False,
) -> list[dict[str, Any]]:
    """The rows of people or interviews (see `people` and `interviews`), by the default sort."""
    if what == "people":
        return people(kb, filters, sort or SORTS[what][0], reverse, private)
    return interviews(kb, filters, sort or SORTS[what][0], reverse)


def _contains(value: str | None, wanted: str | None) -> bool:
    return wanted is None or (value is not None and comparable(wanted) in comparable(value))


def _has_tags(tags: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    have = {fold_case_and_accents(t) for t in tags}
    return all(fold_case_and_accents(w) in have for w in wanted)


def _interview_matches(iv: Interview, f: ListFilters) -> bool:
    return (
        (f.status is None or iv.status == f.status)
        and (f.purpose is None or iv.purpose == f.purpose)
        and (f.since is None or iv.date >= f.since)
        and (f.until is None or iv.date <= f.until)
    )


def people(
    kb: KnowledgeBase,
    filters: ListFilters | None = None,
    sort: str = "name",
    reverse: bool = False,
    private: bool = False,
) -> list[dict[str, Any]]:
    """One row per person who passes the filters; contact details only when `private`."""
    filters = filters or ListFilters()
    talks_of = kb.interviews_by_person
    rows = []
    for person in kb.people.values():
        talks = talks_of.get(person.id, [])
        if not (
            _contains(person.company, filters.company)
            and _contains(person.career, filters.career)
            and _has_tags(person.tags, filters.tags)
            and (
                not filters.about_interviews or any(_interview_matches(iv, filters) for iv in talks)
            )
        ):
            continue
        rows.append(_person_row(person, talks, private))
    return _sorted(rows, sort, reverse)


def _person_row(person: Person, talks: list[Interview], private: bool) -> dict[str, Any]:
    done = [iv.date for iv in talks if iv.status == "done"]
    row: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "company": person.company,
        "role": person.role,
        "career": person.career,
        "location": person.location,
        "relationship": person.relationship,
        "tags": list(person.tags),
        "stay_in_touch": person.stay_in_touch,
        "private": person.private,
        "interviews": len(talks),
        "conversations": len(done),
        "last_conversation": max(done).isoformat() if done else None,
        "path": str(person.path),
    }
    if private:
        row.update({key: getattr(person, key) for key in CONTACT_FIELDS})
    return row


def interviews(
    kb: KnowledgeBase, filters: ListFilters | None = None, sort: str = "date", reverse: bool = False
) -> list[dict[str, Any]]:
    """One row per interview that passes the filters, with its effective company and career."""
    filters = filters or ListFilters()
    rows = []
    for iv in kb.interviews.values():
        company, career = kb.company_of(iv), kb.career_of(iv)
        if (
            _interview_matches(iv, filters)
            and _contains(company, filters.company)
            and _contains(career, filters.career)
            and _has_tags(iv.tags, filters.tags)
        ):
            rows.append(_interview_row(kb, iv, company, career))
    return _sorted(rows, sort, reverse)


def _interview_row(
    kb: KnowledgeBase, iv: Interview, company: str | None, career: str | None
) -> dict[str, Any]:
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": iv.id,
        "date": iv.date.isoformat(),
        "time": iv.time,
        "person": iv.person,
        "name": kb.name_of(iv.person),
        "status": iv.status,
        "format": iv.format,
        "duration": iv.duration,
        "purpose": iv.purpose,
        "company": company,
        "career": career,
        "requested": day(iv.requested),
        "thanked": day(iv.thanked),
        "follow_up": day(iv.follow_up),
        "referrals": list(iv.referrals),
        "tags": list(iv.tags),
        "private": iv.private,
        "insights": len(iv.insights),
        "open_actions": sum(not a.done for a in iv.actions),
        "path": str(iv.path),
    }


def _sorted(rows: list[dict[str, Any]], key: str, reverse: bool) -> list[dict[str, Any]]:
    # Missing values sort last either way; ties keep a stable order by id.
    rows = sorted(rows, key=lambda r: r["id"])
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]

    def value(row: dict[str, Any]) -> Any:
        v = row[key]
        if key == "status" and v in STATUSES:
            return STATUSES.index(v)  # the order a conversation goes through
        if key == "date" and "time" in row:
            return (v, row["time"] or "")  # the same day: untimed first, then by time
        return fold_case_and_accents(v) if isinstance(v, str) else v

    return sorted(present, key=value, reverse=reverse) + missing


def cell(value: Any) -> str:
    """A value as table or CSV text: lists joined with commas, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def csv_text(rows: list[dict[str, Any]], fields: list[str], line_end: str = "\n") -> str:
    """CSV with a header of `fields`, even with no rows: lists joined with `; `, booleans
    true/false."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator=line_end)
    writer.writeheader()
    writer.writerows({k: _csv_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "; ".join(map(str, value)) if isinstance(value, list) else cell(value)
    if text.startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(text):
        return "'" + text
    return text


def table(rows: list[dict[str, Any]], columns: list[Column], width: int) -> tuple[str, list[str]]:
    """A plain-text table no wider than `width`, and the headings of the columns left out.

    Long cells end with an ellipsis. Flexible columns (free text) give up space first,
    widest first, down to a few characters; when that is not enough, the last flexible
    column is left out. Below MIN_TABLE_WIDTH, each record is a block of `Heading: value`
    lines instead.
    """
    if width < MIN_TABLE_WIDTH:
        return records(rows, columns), []
    hidden: list[str] = []
    columns = list(columns)
    while True:
        grid = [[heading for _, heading, _ in columns]]
        grid += [[" ".join(cell(row.get(k)).split()) for k, _, _ in columns] for row in rows]
        natural = [max(width_of(r[i]) for r in grid) for i in range(len(columns))]
        flexible = [i for i, c in enumerate(columns) if c[2]]
        floors = [min(w, FLEX_FLOOR) if columns[i][2] else w for i, w in enumerate(natural)]
        widths = _shrink(natural, floors, width - 2 * (len(columns) - 1))
        if widths is not None:
            break
        if len(columns) == 1 or not flexible:
            widths = _shrink(natural, [1] * len(columns), width - 2 * (len(columns) - 1))
            widths = widths or [1] * len(columns)
            break
        hidden.insert(0, columns.pop(flexible[-1])[1])
    lines = ["  ".join(_fit(text, widths[i]) for i, text in enumerate(r)).rstrip() for r in grid]
    return "\n".join(lines), hidden


def records(rows: list[dict[str, Any]], columns: list[Column]) -> str:
    """One block of `Heading: value` lines per row (empty values left out), blank-separated."""
    blocks = []
    for row in rows:
        cells = [(heading, " ".join(cell(row.get(key)).split())) for key, heading, _ in columns]
        blocks.append("\n".join(f"{heading}: {text}" for heading, text in cells if text))
    return "\n\n".join(blocks)


def _shrink(widths: list[int], floors: list[int], room: int) -> list[int] | None:
    """Take characters from the widest columns, above their floors, until they fit."""
    widths = list(widths)
    excess = sum(widths) - room
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            return None
        widest = max(shrinkable, key=lambda i: (widths[i], -i))
        widths[widest] -= 1
        excess -= 1
    return widths


def width_of(text: str) -> int:
    """Columns a text takes on a terminal: wide East Asian letters take two, accents none."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _fit(text: str, width: int) -> str:
    """Pad or cut to exactly `width` terminal columns, ending a cut with an ellipsis."""
    if width_of(text) > width > 0:
        kept = ""
        for char in text:
            if width_of(kept + char) > width - 1:
                break
            kept += char
        text = kept.rstrip() + ELLIPSIS
    return text + " " * (width - width_of(text))
