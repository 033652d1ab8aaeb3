"""How the search is going, in numbers: pace, funnel, reply rates, thank-yous, coverage. Pure.

Every figure comes from fields the files already have (`status`, `date`, `requested`,
`thanked`, `referrals`, the person's `relationship`, the insights). The files record no
reply date, so "time to reply" is measured from `requested` to the conversation's `date`.
"""

from __future__ import annotations

import calendar
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tool.model import Interview, KnowledgeBase, group_key
from tool.rules.referrals import Referrals

# Statuses meaning the request got an answer, yes or no.
ANSWERED = ("scheduled", "done", "declined", "cancelled")
FUNNEL = ("requested", "replied", "held", "thanked", "followed up")
NONE_GIVEN = "(not set)"
WEEKS_PER_MONTH = 52 / 12
NOTES = (
    "Every conversation past `idea` counts as requested; days between steps count only "
    "where both dates are written.",
    "No field records when a reply came: reply times are days from `requested` to the "
    "conversation's `date`.",
    "Followed up: a later conversation with the same person was held.",
)


@dataclass(frozen=True)
class Period:
    """One week (from its Monday) or month (from its 1st): what happened in it."""

    start: date
    label: str
    held: int
    requested: int
    declined: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "label": self.label,
            "held": self.held,
            "requested": self.requested,
            "declined": self.declined,
        }


@dataclass(frozen=True)
class Step:
    """One step of the funnel: how many got there, the share of the step before, the wait."""

    name: str
    count: int
    conversion: float | None  # count / the previous step's count; None for the first or 0/0
    median_days: float | None  # from the previous step; None when no pair of dates is known

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.name,
            "count": self.count,
            "conversion": _rounded(self.conversion),
            "median_days": self.median_days,
        }


@dataclass(frozen=True)
class Replies:
    """Requests of one kind (a relationship or a format) and how many were answered."""

    name: str
    requests: int
    replied: int
    median_days: float | None  # request to conversation

    @property
    def rate(self) -> float | None:
        return self.replied / self.requests if self.requests else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requests": self.requests,
            "replied": self.replied,
            "rate": _rounded(self.rate),
            "median_days": self.median_days,
        }


@dataclass(frozen=True)
class ThankYous:
    """Thank-yous for held conversations: sent, sent within the window, typical delay."""

    window: int  # days (tool.toml thank_you_within)
    held: int
    sent: int
    within: int
    median_days: float | None

    @property
    def share(self) -> float | None:
        return self.within / self.held if self.held else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "window_days": self.window,
            "held": self.held,
            "sent": self.sent,
            "within_window": self.within,
            "share": _rounded(self.share),
            "median_days": self.median_days,
        }


@dataclass(frozen=True)
class ReferralCount:
    """Names suggested in held conversations, and what came of them."""

    conversations: int
    referrals: int
    in_people: int  # named someone in people/
    became_conversations: int  # that person was then met in a held conversation

    @property
    def per_conversation(self) -> float | None:
        return self.referrals / self.conversations if self.conversations else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "referrals": self.referrals,
            "per_conversation": _rounded(self.per_conversation),
            "in_people": self.in_people,
            "became_conversations": self.became_conversations,
        }


@dataclass(frozen=True)
class Coverage:
    """One target career or company: people known there and conversations held."""

    kind: str  # "career" or "company"
    name: str
    people: int
    conversations: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "people": self.people,
            "conversations": self.conversations,
        }


@dataclass(frozen=True)
class Goal:
    """One pace goal against the current week or month."""

    name: str  # "conversations_per_month" or "requests_per_week"
    target: int
    done: int
    expected: int  # what the pace asks for by `on`, counting the days gone
    period: str  # "week" or "month"

    @property
    def state(self) -> str:
        if self.done >= self.target:
            return "met"
        return "on pace" if self.done >= self.expected else "behind"

    def as_dict(self) -> dict[str, Any]:
        return {
            "goal": self.name,
            "target": self.target,
            "done": self.done,
            "expected_by_now": self.expected,
            "period": self.period,
            "state": self.state,
        }


@dataclass(frozen=True)
class Pace:
    """The goals of tool.toml against the current week and month, and the streak."""

    goals: tuple[Goal, ...]
    streak: int  # weeks in a row on pace, up to this week

    def as_dict(self) -> dict[str, Any]:
        return {"goals": [g.as_dict() for g in self.goals], "streak_weeks": self.streak}


@dataclass(frozen=True)
class Stats:
    """Every figure of `tool stats`."""

    since: date | None
    on: date | None
    weeks: tuple[Period, ...]
    months: tuple[Period, ...]
    funnel: tuple[Step, ...]
    by_relationship: tuple[Replies, ...]
    by_format: tuple[Replies, ...]
    thanks: ThankYous
    referrals: ReferralCount
    coverage: tuple[Coverage, ...]
    held: int
    with_insights: int
    pace: Pace | None

    @property
    def insight_share(self) -> float | None:
        return self.with_insights / self.held if self.held else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "on": self.on.isoformat() if self.on else None,
            "weeks": [p.as_dict() for p in self.weeks],
            "months": [p.as_dict() for p in self.months],
            "funnel": [s.as_dict() for s in self.funnel],
            "replies_by_relationship": [r.as_dict() for r in self.by_relationship],
            "replies_by_format": [r.as_dict() for r in self.by_format],
            "thank_yous": self.thanks.as_dict(),
            "referrals": self.referrals.as_dict(),
            "coverage": [c.as_dict() for c in self.coverage],
            "insights": {
                "held": self.held,
                "with_insights": self.with_insights,
                "share": _rounded(self.insight_share),
            },
            "pace": self.pace.as_dict() if self.pace else None,
            "notes": list(NOTES),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def median(values: Iterable[int]) -> float | None:
    """The median of whole days, None for none."""
    found = sorted(values)
    return float(statistics.median(found)) if found else None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def is_request(iv: Interview) -> bool:
    """Whether the conversation was at least asked for (everything but an idea)."""
    return iv.status != "idea"


def request_day(iv: Interview) -> date | None:
    """When the request went out: `requested`, else the date of a still-open request."""
    if iv.requested:
        return iv.requested
    return iv.date if iv.status == "requested" else None


def stats(kb: KnowledgeBase, on: date | None = None, since: date | None = None) -> Stats:
    """Every figure for the KB's interviews dated `since` or later, as of `on`.

    `on` (today, for the command) ends the weekly and monthly series and sets the current
    week and month of the pace goals; without it (the digest) the series end at the last
    record and there is no pace.
    """
    talks = sorted(
        (i for i in kb.interviews.values() if since is None or i.date >= since),
        key=lambda i: (i.date, i.id),
    )
    requests = [i for i in talks if is_request(i)]
    held = [i for i in talks if i.status == "done"]
    later = _next_conversation(held)
    weeks, months = _series(talks, on, since)
    config = kb.config
    pace_now = pace(kb, on) if on else None
    return Stats(
        since=since,
        on=on,
        weeks=weeks,
        months=months,
        funnel=_funnel(requests, later),
        by_relationship=_replies(requests, lambda i: _relationship(kb, i)),
        by_format=_replies(requests, lambda i: i.format or NONE_GIVEN),
        thanks=_thanks(held, config.thank_you_within),
        referrals=_referrals(kb, held),
        coverage=coverage(kb, talks),
        held=len(held),
        with_insights=sum(bool(i.insights) for i in held),
        pace=pace_now,
    )


def _relationship(kb: KnowledgeBase, iv: Interview) -> str:
    person = kb.people.get(iv.person)
    return (person.relationship if person else None) or NONE_GIVEN


def _next_conversation(held: Sequence[Interview]) -> dict[str, Interview]:
    """Each held conversation's next held conversation with the same person, by id."""
    last: dict[str, Interview] = {}
    found: dict[str, Interview] = {}
    for iv in held:  # oldest first
        before = last.get(iv.person)
        if before is not None and iv.date > before.date:
            found[before.id] = iv
        last[iv.person] = iv
    return found


def _funnel(requests: Sequence[Interview], later: dict[str, Interview]) -> tuple[Step, ...]:
    replied = [i for i in requests if i.status in ANSWERED]
    held = [i for i in replied if i.status == "done"]
    thanked = [i for i in held if i.thanked]
    followed = [i for i in thanked if i.id in later]
    days: list[list[int] | None] = [
        None,
        None,  # no reply dates in the files
        [(i.date - i.requested).days for i in held if i.requested],
        [(i.thanked - i.date).days for i in thanked if i.thanked],
        [(later[i.id].date - i.thanked).days for i in followed if i.thanked],
    ]
    counts = [len(requests), len(replied), len(held), len(thanked), len(followed)]
    steps = []
    for n, (name, count) in enumerate(zip(FUNNEL, counts, strict=True)):
        before = counts[n - 1] if n else 0
        waits = days[n]
        steps.append(
            Step(
                name,
                count,
                count / before if before else None,
                median(waits) if waits is not None else None,
            )
        )
    return tuple(steps)


def _replies(
    requests: Sequence[Interview], kind: Callable[[Interview], str]
) -> tuple[Replies, ...]:
    groups: dict[str, list[Interview]] = {}
    for iv in requests:
        groups.setdefault(kind(iv), []).append(iv)
    rows = []
    for name, group in groups.items():
        answered = [i for i in group if i.status in ANSWERED]
        days = [(i.date - i.requested).days for i in answered if i.requested]
        rows.append(Replies(name, len(group), len(answered), median(days)))
    # Most requests first; the unset group last.
    return tuple(sorted(rows, key=lambda r: (r.name == NONE_GIVEN, -r.requests, r.name)))


def _thanks(held: Sequence[Interview], window: int) -> ThankYous:
    delays = [(i.thanked - i.date).days for i in held if i.thanked]
    return ThankYous(
        window=window,
        held=len(held),
        sent=len(delays),
        within=sum(d <= window for d in delays),
        median_days=median(delays),
    )


def _referrals(kb: KnowledgeBase, held: Sequence[Interview]) -> ReferralCount:
    named = Referrals(kb.people)
    total = known = became = 0
    for iv in held:
        for ref in iv.referrals:
            total += 1
            person = named.find(ref)
            if person is None:
                continue
            known += 1
            met = kb.interviews_by_person.get(person.id, [])
            became += any(m.status == "done" and m.date >= iv.date and m is not iv for m in met)
    return ReferralCount(len(held), total, known, became)


def coverage(kb: KnowledgeBase, talks: Iterable[Interview] | None = None) -> tuple[Coverage, ...]:
    """People and held conversations for each target career and company of tool.toml."""
    talks = list(kb.interviews.values() if talks is None else talks)
    rows = []
    for kind, targets in (
        ("career", kb.config.target_careers),
        ("company", kb.config.target_companies),
    ):
        of = kb.career_of if kind == "career" else kb.company_of
        for name in targets:
            key = group_key(name)
            people = sum(group_key(getattr(p, kind) or "") == key for p in kb.people.values())
            held = sum(i.status == "done" and group_key(of(i) or "") == key for i in talks)
            rows.append(Coverage(kind, name, people, held))
    return tuple(rows)


def _series(
    talks: Sequence[Interview], on: date | None, since: date | None
) -> tuple[tuple[Period, ...], tuple[Period, ...]]:
    """Weeks and months from `since` (or the first record) to `on` (or the last)."""
    events = [d for i in talks for d in (i.date, request_day(i)) if d]
    if not events and not (since and on):
        return (), ()
    first = since or min(events)
    last = on or max(events)
    if last < first:
        return (), ()
    weeks = _periods(talks, week_start(first), last, lambda d: d + timedelta(days=7), week_start)
    months = _periods(talks, month_start(first), last, _next_month, month_start)
    return weeks, months


def _periods(
    talks: Sequence[Interview],
    start: date,
    last: date,
    step: Callable[[date], date],
    key: Callable[[date], date],
) -> tuple[Period, ...]:
    held: dict[date, int] = {}
    asked: dict[date, int] = {}
    declined: dict[date, int] = {}
    for iv in talks:
        if iv.status == "done":
            held[key(iv.date)] = held.get(key(iv.date), 0) + 1
        if iv.status == "declined":
            declined[key(iv.date)] = declined.get(key(iv.date), 0) + 1
        day = request_day(iv)
        if day:
            asked[key(day)] = asked.get(key(day), 0) + 1
    periods = []
    current = start
    weekly = step(start) - start == timedelta(days=7)
    while current <= last:
        label = _week_label(current) if weekly else current.strftime("%Y-%m")
        periods.append(
            Period(
                current,
                label,
                held.get(current, 0),
                asked.get(current, 0),
                declined.get(current, 0),
            )
        )
        current = step(current)
    return tuple(periods)


def _week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def pace(kb: KnowledgeBase, on: date) -> Pace | None:
    """The goals of tool.toml as of `on`; None when none is set."""
    config = kb.config
    per_month, per_week = config.conversations_per_month, config.requests_per_week
    if per_month is None and per_week is None:
        return None
    talks = list(kb.interviews.values())
    held_days = [i.date for i in talks if i.status == "done" and i.date <= on]
    asked_days = [d for i in talks if (d := request_day(i)) and d <= on]
    goals = []
    if per_month is not None:
        first = month_start(on)
        length = calendar.monthrange(on.year, on.month)[1]
        done = sum(first <= d for d in held_days)
        goals.append(
            Goal("conversations_per_month", per_month, done, per_month * on.day // length, "month")
        )
    if per_week is not None:
        monday = week_start(on)
        done = sum(monday <= d for d in asked_days)
        expected = per_week * (on.weekday() + 1) // 7
        goals.append(Goal("requests_per_week", per_week, done, expected, "week"))

    def on_pace(monday: date) -> bool:
        sunday = monday + timedelta(days=6)
        ok = True
        if per_week is not None:
            ok &= sum(monday <= d <= sunday for d in asked_days) >= per_week
        if per_month is not None:
            # A month's goal spread over its weeks: 4 a month asks for about 1 a week.
            weekly = per_month / WEEKS_PER_MONTH
            ok &= sum(monday <= d <= sunday for d in held_days) >= weekly
        return ok

    # The week under way counts once it is on pace; until then the streak runs to last week.
    monday = week_start(on)
    if not on_pace(monday):
        monday -= timedelta(days=7)
    streak = 0
    earliest = min([*held_days, *asked_days], default=on)
    while monday >= week_start(earliest) and on_pace(monday):
        streak += 1
        monday -= timedelta(days=7)
    return Pace(tuple(goals), streak)


def pace_summary(found: Pace) -> str:
    """The pace in one line, as `tool due` ends with it."""
    parts = []
    for goal in found.goals:
        what = "conversations this month" if goal.period == "month" else "requests this week"
        parts.append(f"{goal.done} of {goal.target} {what} ({goal.state})")
    weeks = "week" if found.streak == 1 else "weeks"
    return f"Pace: {'; '.join(parts)}; {found.streak} {weeks} in a row on pace"
