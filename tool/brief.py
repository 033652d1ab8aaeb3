"""`tool brief`: everything known about one person, on one screen. Pure functions."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import date
from typing import Any

from tool.model import ActionItem, Interview, KnowledgeBase, Person
from tool.parse.hints import without_hints
from tool.questions import Suggestion, suggest_questions
from tool.rules.referrals import Referrals
from tool.templating.context import untag

INSIGHTS_SHOWN = 3  # per conversation in the text brief; JSON has them all
NOTES_LINES = 6  # of notes about the person, so the brief stays one screen


@dataclass(frozen=True)
class Referral:
    """A name someone gave you in a conversation, and whether you have talked to them since."""

    name: str
    id: str | None  # set when the referral is a person in people/
    interview: Interview
    talked: bool


@dataclass(frozen=True)
class Brief:
    person: Person
    introducer: Person | None
    introduced: list[Person]  # people this person introduced you to
    conversations: list[Interview]  # every interview with them, oldest first
    open_actions: list[tuple[Interview, ActionItem]]
    referrals: list[Referral]
    questions: Suggestion
    on: date  # the day the brief was made for (--on, else today)


def paragraphs(body: str) -> list[str]:
    """The paragraphs of a person's notes, each on one line, without the scaffold's hint."""
    found = (" ".join(x.split()) for x in re.split(r"\n\s*\n", without_hints(body)))
    return [x for x in found if x]


def notes_lines(person: Person, width: int) -> list[str]:
    """The first paragraph of the notes, wrapped, cut after NOTES_LINES lines."""
    found = paragraphs(person.body)
    if not found:
        return []
    more = f"(more in {person.path})"
    return textwrap.wrap(
        found[0] + (f" {more}" if len(found) > 1 else ""),
        width,
        initial_indent="Notes: ",
        subsequent_indent=" " * len("Notes: "),
        break_long_words=False,  # links stay whole
        max_lines=NOTES_LINES,
        placeholder=f" … {more}",
    )


def build(kb: KnowledgeBase, person: Person, today: date) -> Brief:
    """Gather the brief for a person."""
    conversations = kb.interviews_with(person.id)
    matcher = Referrals(kb.people)
    referrals = []
    for interview in conversations:
        for name in interview.referrals:
            found = matcher.find(name)
            ident = found.id if found else None
            talked = ident is not None and any(
                i.status == "done" for i in kb.interviews_with(ident)
            )
            shown = kb.people[ident].name if ident else name
            referrals.append(Referral(shown, ident, interview, talked))
    return Brief(
        person=person,
        introducer=kb.people.get(person.introduced_by or ""),
        introduced=[p for p in kb.people.values() if p.introduced_by == person.id],
        conversations=conversations,
        open_actions=[(i, a) for i in conversations for a in i.actions if not a.done],
        referrals=referrals,
        questions=suggest_questions(kb, person, today),
        on=today,
    )


def _headline(person: Person) -> str:
    work = " at ".join(x for x in (person.role, person.company) if x)
    return f"{person.name} — {work}" if work else person.name


def to_text(brief: Brief, width: int = 80) -> str:
    """The brief as plain text for a terminal `width` columns wide."""
    p = brief.person
    lines = [_headline(p)]
    facts = [x for x in (p.career, p.location, p.relationship) if x]
    lines.append(" · ".join([*facts, str(p.path)]))
    contact = [x for x in (p.email, p.phone, p.linkedin) if x]
    if contact:
        lines.append("Contact: " + " · ".join(contact))
    if brief.introducer:
        lines.append(f"Introduced by: {brief.introducer.name} ({brief.introducer.id})")
    if brief.introduced:
        lines.append("Introduced you to: " + ", ".join(x.name for x in brief.introduced))
    lines += notes_lines(p, width)
    count = len(brief.conversations)
    lines += ["", f"Conversations ({count})" if count else "Conversations: none yet"]
    # A time column only when some conversation has a time, blank for the others.
    timed = any(iv.time for iv in brief.conversations)
    for iv in brief.conversations:
        how = ", ".join(x for x in (iv.format, f"{iv.duration} min" if iv.duration else "") if x)
        when = f"{iv.date.isoformat()} {iv.time or '':<5}" if timed else iv.date.isoformat()
        lines.append(f"  {when}  {iv.status:<9}  {iv.purpose or '-':<13}  {how or '-'}")
        for insight in iv.insights[:INSIGHTS_SHOWN]:
            lines.append(f"    - {untag(insight)}")
        if len(iv.insights) > INSIGHTS_SHOWN:
            lines.append(f"    ({len(iv.insights) - INSIGHTS_SHOWN} more in {iv.path})")
    if brief.open_actions:
        lines += ["", f"Open action items ({len(brief.open_actions)})"]
        lines += [f"  - [ ] {a.text}  ({iv.path}:{a.line})" for iv, a in brief.open_actions]
    if brief.referrals:
        lines += ["", f"Referrals ({len(brief.referrals)})"]
        for r in brief.referrals:
            state = "talked" if r.talked else ("not talked yet" if r.id else "not in people/ yet")
            lines.append(f"  - {r.name}: {state} (from {r.interview.date.isoformat()})")
    q = brief.questions
    lines += ["", f"Suggested questions ({q.set.name} set)"]
    lines += [f"  {n}. {text}" for n, text in enumerate(q.questions, start=1)]
    if q.used_up:
        lines.append(f"  none left: all were asked before (tool questions {p.id} --all shows them)")
    elif not q.questions:
        lines.append("  none")
    return "\n".join(lines) + "\n"


def _interview(iv: Interview) -> dict[str, Any]:
    return {
        "id": iv.id,
        "path": str(iv.path),
        "date": iv.date.isoformat(),
        "time": iv.time,
        "status": iv.status,
        "purpose": iv.purpose,
        "format": iv.format,
        "duration": iv.duration,
        "insights": [
            {"text": i.text, "topics": list(i.topics), "line": i.line} for i in iv.insights
        ],
    }


def to_json(brief: Brief) -> dict[str, Any]:
    """The brief as plain data for `--format json`."""
    p = brief.person
    fields = ("company", "role", "career", "location", "email", "phone", "linkedin")
    return {
        "on": brief.on.isoformat(),
        "person": {
            "id": p.id,
            "path": str(p.path),
            "name": p.name,
            **{key: getattr(p, key) for key in fields},
            "relationship": p.relationship,
            "tags": list(p.tags),
            "notes": next(iter(paragraphs(p.body)), ""),
        },
        "introduced_by": (
            {"id": brief.introducer.id, "name": brief.introducer.name} if brief.introducer else None
        ),
        "introduced": [{"id": x.id, "name": x.name} for x in brief.introduced],
        "conversations": [_interview(iv) for iv in brief.conversations],
        "open_actions": [
            {"text": a.text, "path": str(iv.path), "line": a.line} for iv, a in brief.open_actions
        ],
        "referrals": [
            {"name": r.name, "id": r.id, "from": r.interview.id, "talked": r.talked}
            for r in brief.referrals
        ],
        "questions": {
            "set": brief.questions.set.name,
            "purpose": brief.questions.purpose,
            "items": brief.questions.questions,
        },
    }
