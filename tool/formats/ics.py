"""An iCalendar (RFC 5545) file of conversations, follow-ups and thank-yous. Pure.

Written by hand: the format needs only escaping, CRLF line ends and folding at 75 octets,
and doing it here keeps the output byte-stable across library versions. The one outside
source is the time zone database, read through `zoneinfo` for a `timezone` setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tool.model import CONTACT_FIELDS, Interview, KnowledgeBase, Problem
from tool.parse.body import DEFAULT_HEADINGS
from tool.rules.due import MEETINGS, contacted_since

PRODID = "-//tool//informational interviews//EN"
DEFAULT_MINUTES = 30
UID_DOMAIN = "tool.invalid"
# Safe in a UID line without escaping, and room left for the kind and the domain.
_UID = re.compile(r"[^\W_][\w.-]{0,199}")


@dataclass(frozen=True)
class Event:
    """One calendar entry: timed when `start` is a datetime, all-day when it is a date."""

    uid: str
    stamp: date
    start: date | datetime
    minutes: int | None  # length of a timed event
    summary: str
    description: str
    categories: str


def events(kb: KnowledgeBase, include_private: bool = False) -> list[Event]:
    """Scheduled conversations, planned follow-ups and owed thank-yous, sorted by start."""
    out: list[Event] = []
    talks = kb.interviews_by_person
    for iv in sorted(kb.interviews.values(), key=lambda i: i.id):
        key = calendar_key(iv)
        name = kb.name_of(iv.person)
        about = _about(kb, iv, include_private)
        # DTSTAMP must not be the time of the export (the file would change on every run);
        # the latest date in the record moves whenever the record's dates do.
        stamp = max(d for d in (iv.date, iv.requested, iv.thanked, iv.follow_up) if d)
        if iv.status == "scheduled":
            start, minutes = _start(iv)
            what = MEETINGS.get(iv.format or "", "Conversation")
            details = [about, f"Length: {iv.duration or DEFAULT_MINUTES} min"]
            if include_private or not iv.private:
                details.append(_questions(kb, iv))
            out.append(
                Event(
                    f"{key}@{UID_DOMAIN}",
                    stamp,
                    start,
                    minutes,
                    f"{what} with {name}",
                    "\n".join(filter(None, details)),
                    "Conversation",
                )
            )
        if iv.status == "done" and iv.thanked is None:
            out.append(
                Event(
                    f"{key}-thank-you@{UID_DOMAIN}",
                    stamp,
                    _later(iv.date, kb.config.thank_you_within),
                    None,
                    f"Thank {name} for the conversation on {iv.date}",
                    about,
                    "Thank-you",
                )
            )
        if iv.follow_up is not None and not contacted_since(talks[iv.person], iv.follow_up):
            out.append(
                Event(
                    f"{key}-follow-up@{UID_DOMAIN}",
                    stamp,
                    iv.follow_up,
                    None,
                    f"Follow up with {name}",
                    about,
                    "Follow-up",
                )
            )
    return sorted(out, key=lambda e: (e.start.isoformat(), e.uid))


def calendar_key(iv: Interview) -> str:
    """What an interview's event UIDs are made of: its `uid` when well formed, else its id."""
    return iv.uid if iv.uid is not None and _UID.fullmatch(iv.uid) else iv.id


def _start(iv: Interview) -> tuple[date | datetime, int | None]:
    """A timed start when the interview has a valid `time: HH:MM` field, else the whole day."""
    if iv.time is None:
        return iv.date, None
    hour, minute = map(int, iv.time.split(":"))
    start = datetime(iv.date.year, iv.date.month, iv.date.day, hour, minute)
    return start, iv.duration or DEFAULT_MINUTES


def uid_problems(kb: KnowledgeBase) -> list[Problem]:
    """Malformed uids, and interviews whose calendar events would share a UID."""
    problems = []
    owners: dict[str, list[Interview]] = {}
    for iv in sorted(kb.interviews.values(), key=lambda i: i.id):
        owners.setdefault(calendar_key(iv), []).append(iv)
        if iv.uid is not None and not _UID.fullmatch(iv.uid):
            message = (
                "'uid' must be up to 200 letters, digits, '-', '.' and '_', starting with a "
                f"letter or digit, not {iv.uid!r} (its calendar events use the file name "
                "until then)"
            )
            problems.append(Problem(str(iv.path), iv.line_of("uid"), 1, "error", message, "uid"))
    for key, group in owners.items():
        for iv in group:
            others = [o for o in group if o is not iv]
            if not others or iv.uid != key:
                continue  # an interview known by its file name cannot be told to change it
            where = ", ".join(
                str(o.path) if o.uid == key else f"{o.path} (its file name)" for o in others
            )
            message = (
                f"uid {key!r} is also used by {where}: a calendar would merge their events; "
                "give the copy a new uid, such as its file name"
            )
            problems.append(
                Problem(str(iv.path), iv.line_of("uid"), 1, "error", message, "duplicate-uid")
            )
    return problems


def problems(kb: KnowledgeBase) -> list[Problem]:
    """What makes the calendar differ from the notes: bad or shared uids.

    A bad `time` is an error of its record (an all-day event here), reported with the rest.
    """
    return sorted(uid_problems(kb), key=lambda p: (p.path, p.line))


def _questions(kb: KnowledgeBase, iv: Interview) -> str:
    """The questions prepared for the conversation, to have them at hand during it."""
    title = kb.config.headings.get("questions", DEFAULT_HEADINGS["questions"])
    section = iv.section(title)
    lines = [line.strip() for line in section.text.splitlines()] if section else []
    lines = [line for line in lines if line]
    return "\n".join([f"{title}:", *lines]) if lines else ""


def _about(kb: KnowledgeBase, iv: Interview, include_private: bool) -> str:
    person = kb.person_of(iv)
    role = person.role if person else None
    company = kb.company_of(iv)
    lines = [", ".join(filter(None, [role, company]))]
    if iv.purpose:
        lines.append(f"Purpose: {iv.purpose}")
    if include_private and person:
        lines += [
            f"{k.capitalize()}: {getattr(person, k)}" for k in CONTACT_FIELDS if getattr(person, k)
        ]
    return "\n".join(line for line in lines if line)


def is_generated(text: str) -> bool:
    """True if a file holds a calendar written by this module (safe to replace)."""
    return text.startswith("BEGIN:VCALENDAR\r\n") and f"\r\nPRODID:{PRODID}\r\n" in text


def calendar(items: list[Event], name: str, zone: str | None = None) -> str:
    """The whole VCALENDAR as text with CRLF line ends, folded at 75 octets.

    `zone` (an IANA name) places timed events in that time zone; without it their times are
    floating: the same clock time wherever the calendar is opened.
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    years = {e.start.year for e in items if isinstance(e.start, datetime)}
    if zone and years:
        lines += vtimezone(zone, years)
    for e in items:
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{_day(e.stamp)}T000000Z"]
        if isinstance(e.start, datetime):
            where = f";TZID={zone}" if zone else ""
            lines.append(f"DTSTART{where}:{_moment(e.start)}")
            lines.append(f"DURATION:PT{e.minutes or DEFAULT_MINUTES}M")
        else:
            lines.append(f"DTSTART;VALUE=DATE:{_day(e.start)}")
            if e.start < date.max:  # without DTEND an all-day event lasts the day (RFC 5545)
                lines.append(f"DTEND;VALUE=DATE:{_day(e.start + timedelta(days=1))}")
        lines += [
            f"SUMMARY:{escape(e.summary)}",
            f"DESCRIPTION:{escape(e.description)}",
            f"CATEGORIES:{escape(e.categories)}",
            # A conversation takes your time even when the notes do not say when; reminders
            # (thank-yous, follow-ups) leave the day free.
            "TRANSP:OPAQUE" if e.categories == "Conversation" else "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def vtimezone(zone: str, years: Iterable[int]) -> list[str]:
    """A VTIMEZONE for an IANA zone: the offset on 1 January and every change, for each year."""
    tz = ZoneInfo(zone)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    for year in sorted(set(years)):
        for onset, before, after in _observances(tz, year):
            kind = "DAYLIGHT" if after[1] else "STANDARD"
            lines += [
                f"BEGIN:{kind}",
                f"DTSTART:{_moment(onset)}",
                f"TZOFFSETFROM:{_offset(before[0])}",
                f"TZOFFSETTO:{_offset(after[0])}",
                *([f"TZNAME:{escape(after[2])}"] if after[2] else []),
                f"END:{kind}",
            ]
    lines.append("END:VTIMEZONE")
    return lines


# What a zone observes at an instant: offset from UTC, whether it is summer time, its name.
_State = tuple[timedelta, bool, str]
_DAY, _SECOND = timedelta(days=1), timedelta(seconds=1)
# Instants (naive UTC) far enough from datetime's limits that any offset stays in range.
_FIRST, _LAST = datetime(1, 1, 3), datetime(9999, 12, 29)


def _state(tz: ZoneInfo, utc: datetime) -> _State:
    local = utc.replace(tzinfo=UTC).astimezone(tz)
    return local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or ""


def _observances(tz: ZoneInfo, year: int) -> Iterator[tuple[datetime, _State, _State]]:
    """(local onset, state before, state after): 1 January, then each change in the year."""
    start = datetime(year, 1, 1)
    aware = start.replace(tzinfo=tz)
    first = (aware.utcoffset() or timedelta(0), bool(aware.dst()), aware.tzname() or "")
    yield start, first, first
    # Walk the year in UTC a day at a time; where the state differs, bisect to the second.
    cursor = max(start, _FIRST + _DAY) - _DAY
    end = min(datetime(year, 12, 31) + 2 * _DAY, _LAST) if year < 9999 else _LAST
    before = _state(tz, cursor)
    while cursor < end:
        step = min(cursor + _DAY, end)
        if _state(tz, step) == before:
            cursor = step
            continue
        low, high = cursor, step
        while high - low > _SECOND:
            middle = low + timedelta(seconds=(high - low) // _SECOND // 2)
            low, high = (middle, high) if _state(tz, middle) == before else (low, middle)
        after = _state(tz, high)
        onset = high + before[0]  # RFC 5545: the onset in the local time before the change
        if onset.year == year and onset > start:
            yield onset, before, after
        cursor, before = high, after


def _day(day: date) -> str:
    """YYYYMMDD with four digits of year (strftime drops the zeros of years before 1000)."""
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _moment(when: datetime) -> str:
    """YYYYMMDDTHHMMSS, a local time without a zone."""
    return f"{_day(when)}T{when.hour:02}{when.minute:02}{when.second:02}"


def _later(day: date, days: int) -> date:
    """The date `days` after `day`, or the last one there is."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def _offset(delta: timedelta) -> str:
    """+HHMM, or +HHMMSS for the odd historical offset with seconds."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02}{minutes:02}" + (f"{seconds:02}" if seconds else "")


def escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line into chunks of at most `limit` octets, never inside a character."""
    if len(line) <= limit // 4 or len(line.encode("utf-8")) <= limit:
        return line
    if line.isascii():
        # Continuation lines start with a space, which counts toward their 75 octets.
        step = limit - 1
        rest = [line[i : i + step] for i in range(limit, len(line), step)]
        return "\r\n ".join([line[:limit], *rest])
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        room = limit if not parts else limit - 1
        if size + width > room:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)
