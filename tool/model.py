"""Plain typed records of the knowledge base. No I/O here."""

from __future__ import annotations

import datetime as dt  # in a record with a `date` field, that name is the field, not the type
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeVar

from tool import CONFIG_NAME as CONFIG_NAME  # where it always was for the rest of the code

Severity = Literal["error", "warning"]

STATUSES = ("idea", "requested", "scheduled", "done", "declined", "cancelled")
FORMATS = ("coffee", "video", "phone", "in-person", "email")
PURPOSES = ("career", "company", "job", "industry", "certification", "other")
RELATIONSHIPS = ("alumni", "colleague", "friend", "referral", "cold", "other")
# The fields that take one of a list of values, and those values.
ALLOWED: dict[str, tuple[str, ...]] = {
    "relationship": RELATIONSHIPS,
    "status": STATUSES,
    "format": FORMATS,
    "purpose": PURPOSES,
}
# A person's contact details: in lists and calendars only with --include-private, and never
# in a shared digest.
CONTACT_FIELDS = ("email", "phone", "linkedin")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at a line and column (1-based; 0 when unknown)."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    rule: str

    def format(self) -> str:
        """Render as `path:line:col: severity: message [rule]`."""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
            "rule": self.rule,
        }


def _by_init(item: Any) -> tuple[Any, ...]:
    """Pickle a slotted dataclass as a call of its class on its fields, in order.

    Unpickled by `__init__`: quicker than the `__setstate__` dataclasses give slots.
    """
    return type(item), tuple(map(item.__getattribute__, item.__slots__))


@dataclass(frozen=True, slots=True)  # many per KB: no dict each
class Insight:
    """A list item under the Insights heading of an interview."""

    text: str  # Markdown, as written, without the list marker
    topics: tuple[str, ...]
    line: int  # line in the file

    __reduce__ = _by_init


@dataclass(frozen=True, slots=True)  # many per KB: no dict each
class ActionItem:
    """A task-list item (`- [ ]` / `- [x]`) anywhere in a body."""

    text: str
    done: bool
    line: int

    __reduce__ = _by_init


@dataclass(frozen=True, slots=True)  # many per KB: no dict each
class Section:
    """The text under one `##` heading of a body."""

    title: str
    text: str
    line: int  # line of the heading in the file

    __reduce__ = _by_init


@dataclass
class Person:
    """A contact, read from `people/<id>.md`."""

    id: str
    path: PurePosixPath  # relative to the KB root, with forward slashes
    name: str
    company: str | None = None
    role: str | None = None
    career: str | None = None
    location: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    introduced_by: str | None = None
    relationship: str | None = None
    tags: tuple[str, ...] = ()
    stay_in_touch: int | None = None
    private: bool = False
    connected: date | None = None  # when you connected (LinkedIn's "Connected On")
    body: str = ""
    body_line: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # key -> line in the file

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass
class Interview:
    """A conversation, read from `interviews/<date>-<person>.md`."""

    id: str
    path: PurePosixPath
    person: str
    date: dt.date
    time: str | None = None  # when it starts, 24-hour "HH:MM"
    status: str = "idea"
    requested: dt.date | None = None
    format: str | None = None
    duration: int | None = None
    purpose: str | None = None
    company: str | None = None
    career: str | None = None
    thanked: dt.date | None = None
    follow_up: dt.date | None = None
    referrals: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    private: bool = False
    uid: str | None = None  # calendar identity: survives a new date and a new file name
    body: str = ""
    body_line: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    insights: tuple[Insight, ...] = ()
    actions: tuple[ActionItem, ...] = ()
    sections: tuple[Section, ...] = ()

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    def section(self, title: str) -> Section | None:
        """The first section headed `title` (any case, maybe followed by other words)."""
        return next((s for s in self.sections if heading_matches(s.title, title)), None)

    def headings(self) -> tuple[tuple[str, int], ...]:
        """Each section's title and the line of its heading (a store keeps these apart)."""
        return tuple((s.title, s.line) for s in self.sections)


def heading_matches(title: str, name: str) -> bool:
    """True if a heading title is `name`, case-insensitively, maybe with trailing text."""
    title, name = title.strip().casefold(), name.strip().casefold()
    if not title.startswith(name):
        return False
    rest = title[len(name) :]
    return not rest or not rest[0].isalnum()


DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"  # how a date is written; `parse_date` also checks the calendar
_ISO_DATE = re.compile(DATE_PATTERN)


class NotADate(ValueError):
    """Text that is not a date written YYYY-MM-DD."""


class NoSuchDay(ValueError):
    """A date written YYYY-MM-DD that the calendar does not have, like 2026-02-30."""


def parse_date(text: str) -> date:
    """A strict YYYY-MM-DD date (Python also takes 20260105 and 2026W471; users must not).

    The one reading of a date the user wrote: front matter, tool.toml and options alike.
    """
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        raise NotADate(f"{text!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NoSuchDay(f"{text!r} is not a real date") from None


# A time of day as the `time` field and `--time` take it: 24-hour, the hour maybe one digit.
TIME_PATTERN = r"([01]?\d|2[0-3]):([0-5]\d)"
_TIME_OF_DAY = re.compile(TIME_PATTERN)


def parse_time(text: str) -> str:
    """A 24-hour time of day written H:MM or HH:MM, as `HH:MM`; ValueError if it is not one."""
    match = _TIME_OF_DAY.fullmatch(text.strip())
    if not match:
        raise ValueError(f'{text.strip()!r} is not a 24-hour time of day like "14:30"')
    return f"{int(match[1]):02d}:{match[2]}"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def group_key(name: str) -> str:
    """The key under which spellings of one company, career or topic are grouped."""
    return " ".join(nfc(name).split()).casefold()


def display_names(names: Iterable[str]) -> dict[str, str]:
    """Map each group key to its most common spelling (ties: the first in sort order)."""
    counts: dict[str, Counter[str]] = {}
    for name in names:
        spelled = " ".join(nfc(name).split())
        if spelled:
            counts.setdefault(group_key(spelled), Counter())[spelled] += 1
    return {
        key: min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        for key, counter in counts.items()
    }


@dataclass
class Config:
    """Settings from `tool.toml`, with defaults for everything."""

    me: dict[str, Any] = field(default_factory=dict)
    stay_in_touch: int = 90
    thank_you_within: int = 1
    target_careers: tuple[str, ...] = ()
    target_companies: tuple[str, ...] = ()
    digest_title: str = "Informational interviews"
    holidays: tuple[date, ...] = ()
    timezone: str | None = None  # IANA name for calendar exports; None: floating times
    headings: dict[str, str] = field(default_factory=dict)
    conversations_per_month: int | None = None  # [goals]: pace goals, unset when None
    requests_per_week: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class KnowledgeBase:
    """Everything read from one root: records sorted by id, and the problems met."""

    root: Path
    config: Config
    people: dict[str, Person]
    interviews: dict[str, Interview]
    problems: list[Problem]
    people_paths: list[PurePosixPath] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every people/ and interviews/ file read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @cached_property
    def unreadable_people(self) -> set[str]:
        """Ids of person files that exist but could not be read into a record."""
        return {p.stem for p in self.people_paths} - self.people.keys()

    def person_of(self, interview: Interview) -> Person | None:
        return self.people.get(interview.person)

    def company_of(self, interview: Interview) -> str | None:
        """The interview's company, falling back to the person's."""
        person = self.people.get(interview.person)
        return interview.company or (person.company if person else None)

    def career_of(self, interview: Interview) -> str | None:
        """The interview's career, falling back to the person's."""
        person = self.people.get(interview.person)
        return interview.career or (person.career if person else None)

    @cached_property
    def interviews_by_person(self) -> dict[str, list[Interview]]:
        """Each person id's interviews, oldest first: one pass, not one scan per person."""
        found: dict[str, list[Interview]] = {}
        for iv in sorted(self.interviews.values(), key=lambda i: (i.date, i.id)):
            found.setdefault(iv.person, []).append(iv)
        return found

    def interviews_with(self, person_id: str) -> list[Interview]:
        """A person's interviews, oldest first."""
        return list(self.interviews_by_person.get(person_id, ()))

    def name_of(self, person_id: str) -> str:
        """The person's name, or the id itself when there is no such person."""
        person = self.people.get(person_id)
        return person.name if person else person_id

    def release(self) -> None:
        """Let go of the records; the problems and the files read stay.

        For a command done with the records: their memory is free before it keeps and
        prints its result, which may be as large.
        """
        self.people, self.interviews = {}, {}
        self.__dict__.pop("interviews_by_person", None)
        self.__dict__.pop("unreadable_people", None)


T = TypeVar("T")


def released(compute: Callable[[KnowledgeBase], T]) -> Callable[[KnowledgeBase], T]:
    """`compute`, which lets go of the KB's records once it is done (see `release`)."""

    def run(kb: KnowledgeBase) -> T:
        try:
            return compute(kb)
        finally:
            kb.release()

    return run
