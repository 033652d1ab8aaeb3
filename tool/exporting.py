"""`tool export csv|json`: every record, as a spreadsheet or one JSON document.

Above the digest layer: a shareable export leaves out what the shared digest leaves out
and runs the digest's leak scan over its own text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import cached_property
from typing import Any

from tool.digest import markdown, privacy
from tool.errors import ToolError
from tool.listing import csv_text
from tool.model import CONTACT_FIELDS, Interview, KnowledgeBase, Person
from tool.printable import json_escaped
from tool.rules import stats as statsmod
from tool.rules.referrals import Referrals

FORMAT = "tool-export"  # the JSON document's `format`: how a file this command wrote is known
VERSION = 1
BOM = "\ufeff"  # Excel reads a CSV without one in the computer's legacy code page
PEOPLE_FIELDS = (
    "id",
    "name",
    "company",
    "role",
    "career",
    "location",
    "email",
    "phone",
    "linkedin",
    "introduced_by",
    "relationship",
    "tags",
    "stay_in_touch",
    "connected",
    "private",
    "path",
)
INTERVIEW_FIELDS = (
    "id",
    "date",
    "time",
    "person",
    "name",
    "status",
    "requested",
    "format",
    "duration",
    "purpose",
    "company",
    "career",
    "thanked",
    "follow_up",
    "referrals",
    "tags",
    "private",
    "uid",
    "insights",
    "open_actions",
    "path",
)
SHOWN_LEAKS = 10
# Values a shareable export keeps as they are: ids, paths and dates, never free text.
_STRUCTURAL = frozenset(
    {"id", "path", "person", "introduced_by_id", "uid", "date", "time", "requested"}
    | {"thanked", "follow_up", "connected", "format", "status", "shareable"}
)


# An HTML comment in notes is an aside for the writer (`<!-- salary band: ... -->`).
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


class Export:
    """What an export holds: every record, or for sharing the public ones without contacts."""

    def __init__(self, kb: KnowledgeBase, shareable: bool = False):
        self.kb = kb
        self.shareable = shareable
        self.referrals = Referrals(kb.people)

    @cached_property
    def redact(self) -> Callable[[str], str]:
        """The shared digest's hiding of contact details and private names in text."""
        people = self.kb.people.values()
        return markdown.Policy(
            # A link to a private person's file names them by id: `people/dee-secretson.md`.
            private_names=privacy.secret_names(self.kb)
            + tuple(sorted(p.id for p in people if privacy.secret_name(p))),
            private_phones=tuple(
                sorted({d for p in people if (d := privacy.phone_digits(p.phone))})
            ),
        ).redact

    def people(self) -> list[Person]:
        """The people exported, sorted by id."""
        people = sorted(self.kb.people.values(), key=lambda p: p.id)
        return [p for p in people if not (self.shareable and p.private)]

    def interviews(self) -> list[Interview]:
        """The interviews exported, sorted by id (so by date, then person)."""
        interviews = sorted(self.kb.interviews.values(), key=lambda i: i.id)
        if self.shareable:
            return [i for i in interviews if not privacy.is_private(self.kb, i)]
        return interviews

    def resolved(self, ref: str | None) -> str | None:
        """The id of the person a referral or introducer names, if the export may say it."""
        person = self.referrals.find(ref) if ref else None
        if person is None or (self.shareable and person.private):
            return None
        return person.id

    def hidden(self, ref: str) -> bool:
        """True if `ref` names a private person that a shareable export leaves out."""
        person = self.referrals.find(ref)
        return self.shareable and person is not None and person.private

    def shown(self, value: Any, key: str = "") -> Any:
        """A record as exported: in a shareable export, its text as the shared digest shows it."""
        if not self.shareable or key in _STRUCTURAL:
            return value
        if isinstance(value, str):
            if key == "notes":  # the digest never shows raw HTML, asides in comments included
                value = _HTML_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), value)
            return self.redact(value)
        if isinstance(value, list):
            return [self.shown(v, key) for v in value]
        if isinstance(value, dict):
            return {k: self.shown(v, k) for k, v in value.items()}
        return value

    def fields(self, names: tuple[str, ...]) -> list[str]:
        return [f for f in names if not (self.shareable and f in CONTACT_FIELDS)]

    def checked(self, text: str, name: str) -> str:
        """`text`, after a shareable export's leak scan found nothing in it (else ToolError)."""
        if not self.shareable:
            return text
        scanner = privacy.Scanner(privacy.secrets(self.kb, {}))
        leaks = list(dict.fromkeys(scanner.file(name, text)))
        if leaks:
            listed = "\n  ".join(leak.format() for leak in leaks[:SHOWN_LEAKS])
            more = len(leaks) - SHOWN_LEAKS
            listed += f"\n  ... and {more} more" if more > 0 else ""
            raise ToolError(f"private values found in the export; nothing was written:\n  {listed}")
        return text


def csv_document(kb: KnowledgeBase, what: str, shareable: bool = False) -> str:
    """People or interviews as CSV for a spreadsheet: a BOM, a header row, one row each."""
    export = Export(kb, shareable)
    if what == "people":
        fields = export.fields(PEOPLE_FIELDS)
        rows = [export.shown(_person(export, p)) for p in export.people()]
    else:
        fields = export.fields(INTERVIEW_FIELDS)
        rows = [export.shown(_interview_row(export, i)) for i in export.interviews()]
    # CRLF as RFC 4180 and Excel write it; it also makes the csv module quote a cell with a
    # carriage return in it, which it leaves bare with "\n" line ends.
    text = BOM + csv_text([{k: row[k] for k in fields} for row in rows], fields, "\r\n")
    return export.checked(text, f"the {what} CSV")


def _interview_row(export: Export, iv: Interview) -> dict[str, Any]:
    row = {k: v for k, v in _interview(export, iv).items() if k in INTERVIEW_FIELDS}
    row["name"] = export.kb.name_of(iv.person)
    row["referrals"] = [r for r in iv.referrals if not export.hidden(r)]
    row["insights"] = len(iv.insights)
    row["open_actions"] = sum(not a.done for a in iv.actions)
    return row


def json_document(kb: KnowledgeBase, shareable: bool = False) -> str:
    """Every field of every exported record as one JSON document (docs/json.md)."""
    export = Export(kb, shareable)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "shareable": shareable,
        "people": [export.shown(_person(export, p)) for p in export.people()],
        "interviews": [export.shown(_interview(export, i)) for i in export.interviews()],
        "stats": _figures(export),
    }
    text = json_escaped(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    return export.checked(text, "the JSON export")


def _figures(export: Export) -> dict[str, Any]:
    """`tool stats` over the exported records, as of no day (so without pace)."""
    people = {p.id: p for p in export.people()}
    interviews = {i.id: i for i in export.interviews()}
    kb = replace(export.kb, people=people, interviews=interviews)
    return statsmod.stats(kb).as_dict()


def is_json_export(text: str) -> bool:
    """True if a file holds a JSON export (safe to replace), or nothing."""
    if text == "":
        return True
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT


def is_csv_export(text: str) -> bool:
    """True if a file holds a CSV export (safe to replace), or nothing."""
    header = text.partition("\r\n")[0]
    return text == "" or header in {
        BOM + ",".join(fields)
        for names in (PEOPLE_FIELDS, INTERVIEW_FIELDS)
        for fields in (names, tuple(f for f in names if f not in CONTACT_FIELDS))
    }


def _person(export: Export, person: Person) -> dict[str, Any]:
    found = {
        "id": person.id,
        "path": person.path.as_posix(),
        "name": person.name,
        "company": person.company,
        "role": person.role,
        "career": person.career,
        "location": person.location,
        "email": person.email,
        "phone": person.phone,
        "linkedin": person.linkedin,
        "introduced_by": person.introduced_by,
        "introduced_by_id": export.resolved(person.introduced_by),
        "relationship": person.relationship,
        "tags": list(person.tags),
        "stay_in_touch": person.stay_in_touch,
        "connected": _day(person.connected),
        "private": person.private,
        "extra": _plain(person.extra),
        "notes": person.body,
        "notes_line": person.body_line,
    }
    if export.shareable:
        if export.hidden(person.introduced_by or ""):
            found["introduced_by"] = None
        for key in CONTACT_FIELDS:
            del found[key]
    return found


def _interview(export: Export, iv: Interview) -> dict[str, Any]:
    line = iv.line_of("referrals")
    return {
        "id": iv.id,
        "path": iv.path.as_posix(),
        "person": iv.person,
        "date": _day(iv.date),
        "time": iv.time,
        "status": iv.status,
        "requested": _day(iv.requested),
        "format": iv.format,
        "duration": iv.duration,
        "purpose": iv.purpose,
        "company": iv.company,
        "career": iv.career,
        "thanked": _day(iv.thanked),
        "follow_up": _day(iv.follow_up),
        "referrals": [
            {"text": ref, "person": export.resolved(ref), "line": line}
            for ref in iv.referrals
            if not export.hidden(ref)
        ],
        "tags": list(iv.tags),
        "private": iv.private,
        "uid": iv.uid,
        "insights": [
            {"text": i.text, "topics": list(i.topics), "line": i.line} for i in iv.insights
        ],
        "actions": [{"text": a.text, "done": a.done, "line": a.line} for a in iv.actions],
        "extra": _plain(iv.extra),
        "notes": iv.body,
        "notes_line": iv.body_line,
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _plain(value: Any) -> Any:
    """A front matter value as JSON: dates as YYYY-MM-DD, keys sorted, anything else as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
