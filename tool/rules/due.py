"""What needs doing as of a day: the follow-up rules of informational interviewing. Pure."""

from __future__ import annotations

import datetime as dt  # in Due, `date` is the field, not the type
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import PurePosixPath
from typing import Any

from tool.model import Interview, KnowledgeBase, Person, group_key
from tool.parse.body import DEFAULT_HEADINGS
from tool.rules.referrals import Referrals

# What an item is due for, in the order items of the same day are listed.
DUE_KINDS = (
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
    date: dt.date  # when it is or was due; for open items, the interview's date
    path: PurePosixPath
    line: int
    reason: str
    person: str | None = None

    @property
    def sort_key(self) -> tuple[int, int, dt.date, int, str, int]:
        # Dated items go by date; open items (no deadline) are kept together by kind.
        kind = DUE_KINDS.index(self.kind)
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


def day(when: date) -> str:
    """`Wed 2026-11-25`: a date as items say it."""
    return f"{WEEKDAYS[when.weekday()]} {when}"


def starts(iv: Interview) -> str:
    """`Wed 2026-11-25 at 14:30`, or the day alone when the interview has no time."""
    return f"{day(iv.date)} at {iv.time}" if iv.time else day(iv.date)


def due(kb: KnowledgeBase, on: date, within: int = 7) -> list[Due]:
    """Everything that needs doing as of `on`, looking `within` days ahead, most urgent first."""
    c = _Context(kb, on, on + timedelta(days=within), kb.interviews_by_person)
    items: list[Due] = []
    for iv in sorted(kb.interviews.values(), key=lambda i: i.id):
        for rule in (_thank_you, _no_reply, _follow_up, _upcoming, _referrals, _actions, _insights):
            items += rule(c, iv)
    for person in kb.people.values():
        items += _gone_quiet(c, person)
    # Dated items beyond the horizon are not due yet; open items have no deadline.
    kept = [d for d in items if d.urgency == "open" or d.date <= c.horizon]
    return sorted(kept, key=lambda d: d.sort_key)


@dataclass
class _Context:
    kb: KnowledgeBase
    on: date
    horizon: date
    talks: dict[str, list[Interview]]
    _companies: dict[str, list[Person]] | None = None
    _referrals: Referrals | None = None

    @property
    def referrals(self) -> Referrals:
        if self._referrals is None:
            self._referrals = Referrals(self.kb.people)
        return self._referrals

    def name(self, person_id: str) -> str:
        return self.kb.name_of(person_id)

    def at_company(self, company: str) -> list[Person]:
        if self._companies is None:
            self._companies = {}
            for p in self.kb.people.values():
                if p.company:
                    self._companies.setdefault(group_key(p.company), []).append(p)
        return self._companies.get(group_key(company), [])

    def dated(self, kind: str, when: date, iv: Interview, key: str, reason: str) -> Due:
        return Due(kind, urgency(when, self.on), when, iv.path, iv.line_of(key), reason, iv.person)


def held_by(iv: Interview, on: date) -> bool:
    """Whether the conversation had taken place by `on`: what came of it exists from then."""
    return iv.status == "done" and iv.date <= on


def arranged_by(iv: Interview, on: date) -> bool:
    """Whether the interview had been asked for by `on`: its `requested` date, if any, says.

    Without one, only a done conversation's own date tells; other statuses count.
    """
    if iv.requested is not None:
        return iv.requested <= on
    return iv.status != "done" or iv.date <= on


def _known_by(iv: Interview, on: date) -> bool:
    """Whether the interview's record, as written, existed by `on`."""
    return held_by(iv, on) if iv.status == "done" else arranged_by(iv, on)


def _thank_you(c: _Context, iv: Interview) -> list[Due]:
    thanked = iv.thanked is not None and iv.thanked <= c.on
    if not held_by(iv, c.on) or thanked:
        return []
    deadline = iv.date + timedelta(days=c.kb.config.thank_you_within)
    reason = (
        f"Thank {c.name(iv.person)} for the conversation on {day(iv.date)} "
        f"(due {day(deadline)}, {relative(deadline, c.on)})"
    )
    return [c.dated("thank-you", deadline, iv, "status", reason)]


def _no_reply(c: _Context, iv: Interview) -> list[Due]:
    if iv.status != "requested" or iv.requested is None or iv.requested > c.on:
        return []
    holidays = c.kb.config.holidays
    try_another = add_business_days(iv.requested, TRY_ANOTHER_AFTER, holidays)
    follow_up = add_business_days(iv.requested, FOLLOW_UP_AFTER, holidays)
    name = c.name(iv.person)
    asked = day(iv.requested)
    if c.on >= follow_up:
        reason = (
            f"Nudge {name}: no reply in {FOLLOW_UP_AFTER} business days since your request of "
            f"{asked} (due {day(follow_up)}, {relative(follow_up, c.on)})"
        )
        return [c.dated("no-reply", follow_up, iv, "requested", reason)]
    someone = _someone_else(c, iv)
    if try_another > c.on:
        # Not happened yet: say when, and that it holds only if the silence lasts.
        reason = (
            f"On {day(try_another)} ({relative(try_another, c.on)}), if {name} has still not "
            f"replied to your request of {asked}: {someone[0].lower()}{someone[1:]}; "
            f"nudge them on {day(follow_up)}"
        )
    else:
        reason = (
            f"{someone}: no reply from {name} in {TRY_ANOTHER_AFTER} business days since your "
            f"request of {asked} (due {day(try_another)}, {relative(try_another, c.on)}); "
            f"nudge them on {day(follow_up)}"
        )
    return [c.dated("no-reply", try_another, iv, "requested", reason)]


def _someone_else(c: _Context, iv: Interview) -> str:
    """Suggest a second person at the interview's company, naming the ones already known."""
    company = c.kb.company_of(iv)
    if not company:
        return "Try a second person in the same line of work"
    known = sorted(p.name for p in c.at_company(company) if p.id != iv.person)
    if not known:
        return f"Try a second person at {company} (nobody else there in your notes yet)"
    return f"Try a second person at {company} (you know {_and(known)})"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def contacted_since(talks: list[Interview], since: date, until: date | None = None) -> bool:
    """Whether one of these conversations was done on or after `since` (and by `until`)."""
    return any(
        i.status == "done" and since <= i.date and (until is None or i.date <= until) for i in talks
    )


def _follow_up(c: _Context, iv: Interview) -> list[Due]:
    # A later conversation with the same person, held by `on`, settles a follow-up.
    when = iv.follow_up
    if (
        when is None
        or not _known_by(iv, c.on)
        or contacted_since(c.talks.get(iv.person, []), when, c.on)
    ):
        return []
    name = c.name(iv.person)
    reason = f"Follow up with {name} (planned for {day(when)}, {relative(when, c.on)})"
    return [c.dated("follow-up", when, iv, "follow_up", reason)]


def _upcoming(c: _Context, iv: Interview) -> list[Due]:
    if iv.status != "scheduled" or iv.date > c.horizon or not arranged_by(iv, c.on):
        return []
    name = c.name(iv.person)
    if iv.date < c.on:
        reason = (
            f"Conversation with {name} was scheduled for {starts(iv)} "
            f"({relative(iv.date, c.on)}): set its status to done (or cancelled), or move the date"
        )
        return [c.dated("upcoming", iv.date, iv, "status", reason)]
    what = MEETINGS.get(iv.format or "", "Conversation")
    minutes = f", {iv.duration} min" if iv.duration else ""
    reason = f"{what} with {name} {relative(iv.date, c.on)} ({starts(iv)}{minutes})"
    questions = iv.section(c.kb.config.headings.get("questions", DEFAULT_HEADINGS["questions"]))
    if questions is None or not questions.text.strip():
        reason += f"; no questions yet: run `tool questions {iv.person}`"
    return [c.dated("upcoming", iv.date, iv, "date", reason)]


def _referrals(c: _Context, iv: Interview) -> list[Due]:
    if not held_by(iv, c.on):
        return []
    out: list[Due] = []
    source = f"{c.name(iv.person)} on {day(iv.date)}"
    for ref in iv.referrals:
        person = c.referrals.find(ref)  # an id, or the name of someone added since
        if person is None:
            reason = (
                f'Add "{ref}", a referral from {source}, to your notes: '
                f'tool new person "NAME" --referred-by {iv.id}'
            )
        elif any(i.status != "idea" and arranged_by(i, c.on) for i in c.talks.get(person.id, [])):
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


def _actions(c: _Context, iv: Interview) -> list[Due]:
    if iv.date > c.on:
        return []
    name = f"{c.name(iv.person)} ({day(iv.date)})"
    return [
        Due("action", "open", iv.date, iv.path, a.line, f"{name}: {a.text}", iv.person)
        for a in iv.actions
        if not a.done
    ]


def _insights(c: _Context, iv: Interview) -> list[Due]:
    if not held_by(iv, c.on) or iv.insights:
        return []
    title = c.kb.config.headings.get("insights", DEFAULT_HEADINGS["insights"])
    section = iv.section(title)
    line = section.line if section else iv.body_line
    talk = f"{c.name(iv.person)} on {day(iv.date)}"
    reason = f"Write down what you learned from {talk} under ## {title}"
    return [Due("insights", "open", iv.date, iv.path, line, reason, iv.person)]


def last_contact(talks: list[Interview], on: date) -> date | None:
    """The latest done conversation or sent thank-you, up to `on`.

    A `follow_up` date is a plan, not contact: a conversation settles it, and that
    conversation is the later contact.
    """
    days = [d for iv in talks if iv.status == "done" for d in (iv.date, iv.thanked) if d]
    reached = [d for d in days if d <= on]
    return max(reached) if reached else None


def _gone_quiet(c: _Context, person: Person) -> list[Due]:
    talks = c.talks.get(person.id, [])
    # Nobody is quiet while a conversation with them is still being arranged.
    if any(i.status in PENDING and arranged_by(i, c.on) for i in talks):
        return []
    last = last_contact(talks, c.on)
    if last is None:
        return []
    own = person.stay_in_touch
    cadence = c.kb.config.stay_in_touch if own is None else own
    when = last + timedelta(days=cadence)
    reason = (
        f"Get in touch with {person.name}: last contact {day(last)}, "
        f"every {cadence} days (due {day(when)}, {relative(when, c.on)})"
    )
    line = person.line_of("name" if own is None else "stay_in_touch")
    return [Due("gone-quiet", urgency(when, c.on), when, person.path, line, reason, person.id)]
