"""What needs doing as of a day: the follow-up rules of informational interviewing. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import PurePosixPath
from typing import Any

from tool.body import DEFAULT_HEADINGS
from tool.kb import KnowledgeBase
from tool.model import Interview, Person, group_key

KINDS = (
    "thank-you",
    "no-reply",
    "follow-up",
    "upcoming",
    "gone-quiet",
    "referral",
    "insights",
    "action",
)
URGENCIES = ("overdue", "today", "soon", "open")
# A request that got no answer: after this many business days, try someone else at the
# same company; after the second number, follow up with the same person (the "3B7" rule).
TRY_ANOTHER_AFTER = 3
FOLLOW_UP_AFTER = 7
# Statuses that mean a conversation is still in the works, so its person is not "quiet".
PENDING = ("requested", "scheduled")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MEETINGS = {
    "coffee": "Coffee",
    "video": "Video call",
    "phone": "Phone call",
    "in-person": "Meeting",
    "email": "Email exchange",
}


@dataclass(frozen=True)
class Due:
    """One thing to do: what, how urgent, when, and where in the KB it comes from."""

    kind: str
    urgency: str
    date: date  # when it is or was due; for open items, the interview's date
    path: PurePosixPath
    line: int
    reason: str
    person: str | None = None

    @property
    def sort_key(self) -> tuple[int, int, date, int, str, int]:
        # Dated items go by date; open items (no deadline) are kept together by kind.
        kind = KINDS.index(self.kind)
        first = kind if self.urgency == "open" else 0
        return (URGENCIES.index(self.urgency), first, self.date, kind, str(self.path), self.line)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "urgency": self.urgency,
            "date": self.date.isoformat(),
            "path": str(self.path),
            "line": self.line,
            "reason": self.reason,
            "person": self.person,
        }


def add_business_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The day `days` business days after `start`, skipping weekends and holidays."""
    closed = set(holidays)
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            days -= 1
    return current


def urgency(when: date, on: date) -> str:
    """overdue before `on`, today on it, soon after it."""
    if when < on:
        return "overdue"
    return "today" if when == on else "soon"


def relative(when: date, on: date) -> str:
    """`today`, `tomorrow`, `in 3 days`, `yesterday`, `5 days ago`."""
    days = (when - on).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def due(kb: KnowledgeBase, on: date, within: int = 7) -> list[Due]:
    """Everything that needs doing as of `on`, looking `within` days ahead, most urgent first."""
    horizon = on + timedelta(days=within)
    items: list[Due] = []
    for iv in sorted(kb.interviews.values(), key=lambda i: i.id):
        items += _thank_you(kb, iv, on)
        items += _no_reply(kb, iv, on)
        items += _follow_up(kb, iv, on)
        items += _upcoming(kb, iv, on, horizon)
        items += _referrals(kb, iv)
        items += _actions(kb, iv)
        items += _insights(kb, iv, on)
    for person in kb.people.values():
        items += _gone_quiet(kb, person, on)
    # Dated items beyond the horizon are not due yet; open items have no deadline.
    kept = [d for d in items if d.urgency == "open" or d.date <= horizon]
    return sorted(kept, key=lambda d: d.sort_key)


def _name(kb: KnowledgeBase, person_id: str) -> str:
    person = kb.people.get(person_id)
    return person.name if person else person_id


def _dated(kind: str, when: date, on: date, iv: Interview, key: str, reason: str) -> Due:
    return Due(kind, urgency(when, on), when, iv.path, iv.line_of(key), reason, iv.person)


def _thank_you(kb: KnowledgeBase, iv: Interview, on: date) -> list[Due]:
    if iv.status != "done" or iv.thanked is not None:
        return []
    deadline = iv.date + timedelta(days=kb.config.thank_you_within)
    reason = (
        f"Thank {_name(kb, iv.person)} for the conversation on {iv.date} "
        f"(due {deadline}, {relative(deadline, on)})"
    )
    return [_dated("thank-you", deadline, on, iv, "status", reason)]


def _no_reply(kb: KnowledgeBase, iv: Interview, on: date) -> list[Due]:
    if iv.status != "requested" or iv.requested is None or iv.requested > on:
        return []
    holidays = kb.config.holidays
    try_another = add_business_days(iv.requested, TRY_ANOTHER_AFTER, holidays)
    follow_up = add_business_days(iv.requested, FOLLOW_UP_AFTER, holidays)
    name = _name(kb, iv.person)
    if on >= follow_up:
        reason = (
            f"Nudge {name}: no reply in {FOLLOW_UP_AFTER} business days since your request of "
            f"{iv.requested} (due {follow_up}, {relative(follow_up, on)})"
        )
        return [_dated("no-reply", follow_up, on, iv, "requested", reason)]
    reason = (
        f"{_someone_else(kb, iv)}: no reply from {name} in {TRY_ANOTHER_AFTER} business days "
        f"since {iv.requested}; nudge them on {follow_up}"
    )
    return [_dated("no-reply", try_another, on, iv, "requested", reason)]


def _someone_else(kb: KnowledgeBase, iv: Interview) -> str:
    """Suggest a second person at the interview's company, naming the ones already known."""
    company = kb.company_of(iv)
    if not company:
        return "Try a second person in the same line of work"
    key = group_key(company)
    known = sorted(
        p.name
        for p in kb.people.values()
        if p.id != iv.person and p.company and group_key(p.company) == key
    )
    if not known:
        return f"Try a second person at {company} (nobody else there in your notes yet)"
    return f"Try a second person at {company} (you know {_and(known)})"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def contacted_since(kb: KnowledgeBase, person_id: str, since: date) -> bool:
    """Whether a conversation with the person was done on or after `since`."""
    return any(i.status == "done" and i.date >= since for i in kb.interviews_with(person_id))


def _follow_up(kb: KnowledgeBase, iv: Interview, on: date) -> list[Due]:
    # A later conversation with the same person settles a follow-up.
    if iv.follow_up is None or contacted_since(kb, iv.person, iv.follow_up):
        return []
    when = iv.follow_up
    reason = f"Follow up with {_name(kb, iv.person)} (planned for {when}, {relative(when, on)})"
    return [_dated("follow-up", iv.follow_up, on, iv, "follow_up", reason)]


def _upcoming(kb: KnowledgeBase, iv: Interview, on: date, horizon: date) -> list[Due]:
    if iv.status != "scheduled" or iv.date > horizon:
        return []
    name = _name(kb, iv.person)
    if iv.date < on:
        reason = (
            f"Conversation with {name} was scheduled for {iv.date}: "
            "set its status to done (or cancelled), or move the date"
        )
        return [_dated("upcoming", iv.date, on, iv, "status", reason)]
    what = MEETINGS.get(iv.format or "", "Conversation")
    minutes = f", {iv.duration} min" if iv.duration else ""
    day = f"{WEEKDAYS[iv.date.weekday()]} {iv.date}"
    reason = f"{what} with {name} {relative(iv.date, on)} ({day}{minutes})"
    questions = iv.section(kb.config.headings.get("questions", DEFAULT_HEADINGS["questions"]))
    if questions is None or not questions.text.strip():
        reason += f"; no questions yet: run `tool questions {iv.person}`"
    return [_dated("upcoming", iv.date, on, iv, "date", reason)]


def _referrals(kb: KnowledgeBase, iv: Interview) -> list[Due]:
    out: list[Due] = []
    source = _name(kb, iv.person)
    for ref in iv.referrals:
        person = kb.people.get(ref)
        if person is None:
            reason = f'Add "{ref}", a referral from {source}, to your notes: tool new person "NAME"'
        elif any(i.status != "idea" for i in kb.interviews_with(ref)):
            continue
        else:
            reason = (
                f"Contact {person.name}, a referral from {source}: "
                f"tool new interview {person.id} --status requested"
            )
        out.append(
            Due("referral", "open", iv.date, iv.path, iv.line_of("referrals"), reason, iv.person)
        )
    return out


def _actions(kb: KnowledgeBase, iv: Interview) -> list[Due]:
    name = _name(kb, iv.person)
    return [
        Due("action", "open", iv.date, iv.path, a.line, f"{name}: {a.text}", iv.person)
        for a in iv.actions
        if not a.done
    ]


def _insights(kb: KnowledgeBase, iv: Interview, on: date) -> list[Due]:
    if iv.status != "done" or iv.date > on or iv.insights:
        return []
    title = kb.config.headings.get("insights", DEFAULT_HEADINGS["insights"])
    section = iv.section(title)
    line = section.line if section else iv.body_line
    reason = f"Write down what you learned from {_name(kb, iv.person)} under ## {title}"
    return [Due("insights", "open", iv.date, iv.path, line, reason, iv.person)]


def last_contact(kb: KnowledgeBase, person_id: str, on: date) -> date | None:
    """The latest done conversation, thank-you or reached follow-up date, up to `on`."""
    days: list[date] = []
    for iv in kb.interviews_with(person_id):
        if iv.status == "done":
            days.append(iv.date)
        days += [d for d in (iv.thanked, iv.follow_up) if d is not None]
    reached = [d for d in days if d <= on]
    return max(reached) if reached else None


def _gone_quiet(kb: KnowledgeBase, person: Person, on: date) -> list[Due]:
    # Nobody is quiet while a conversation with them is still being arranged.
    if any(i.status in PENDING for i in kb.interviews_with(person.id)):
        return []
    last = last_contact(kb, person.id, on)
    if last is None:
        return []
    own = person.stay_in_touch
    cadence = kb.config.stay_in_touch if own is None else own
    when = last + timedelta(days=cadence)
    reason = (
        f"Get in touch with {person.name}: last contact {last}, "
        f"every {cadence} days (due {when}, {relative(when, on)})"
    )
    line = person.line_of("name" if own is None else "stay_in_touch")
    return [Due("gone-quiet", urgency(when, on), when, person.path, line, reason, person.id)]
