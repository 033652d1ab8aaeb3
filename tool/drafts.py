"""Message drafts (outreach, intro request, thank-you, follow-up): rendered, never sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment

from tool.errors import ToolError
from tool.model import Interview, KnowledgeBase, Person
from tool.people import resolve_person
from tool.rules.referrals import names
from tool.store import files
from tool.store.outputs import KB_ITSELF, protected_place
from tool.templating.context import template_context, template_env
from tool.templating.engine import render_body
from tool.text import suggest

DRAFT_KINDS = ("outreach", "intro-request", "thank-you", "follow-up")
FOLDER = "messages"
# The interview statuses each kind can be about; a follow-up on a request is a nudge.
FOR_CONVERSATIONS = {"thank-you": ("done",), "follow-up": ("done", "requested")}
NUDGE = "nudge"  # templates/messages/nudge.md: the follow-up on an unanswered request


def resolve_target(kb: KnowledgeBase, target: str, kind: str) -> tuple[Person, Interview | None]:
    """An interview id gives that interview; a person gives their latest conversation.

    For outreach and intro requests a person target has no interview: they come before one.
    A thank-you needs a conversation that took place; a follow-up too, or an unanswered
    request (it becomes a nudge).
    """
    if target in kb.interviews:
        interview = kb.interviews[target]
        person = kb.person_of(interview)
        if person is None:
            raise ToolError(f"{interview.path}: person {interview.person!r} is not in people/")
        if kind in FOR_CONVERSATIONS and interview.status not in FOR_CONVERSATIONS[kind]:
            raise ToolError(
                f"its status is {interview.status}; {_needs(kind)}. "
                + _instead(interview.status, person, interview),
                interview.path,
            )
        return person, interview
    try:
        person = resolve_person(kb.people, target)
    except ToolError:
        hint = suggest(target, [*kb.people, *kb.interviews])
        raise ToolError(f"no person or interview {target!r} in the knowledge base{hint}") from None
    if kind not in FOR_CONVERSATIONS:
        return person, None
    interviews = kb.interviews_with(person.id)
    usable = [i for i in interviews if i.status in FOR_CONVERSATIONS[kind]]
    if not usable:
        latest = interviews[-1] if interviews else None
        raise ToolError(
            f"nothing to base a {kind} on: no conversation with {person.name} has taken place "
            f"yet; {_needs(kind)}. " + _instead(latest.status if latest else None, person, latest)
        )
    return person, usable[-1]


def _needs(kind: str) -> str:
    if kind == "thank-you":
        return "a thank-you is for a conversation that took place (status: done)"
    return (
        "a follow-up is for a conversation that took place (status: done) "
        "or an unanswered request (status: requested)"
    )


def _instead(status: str | None, person: Person, interview: Interview | None) -> str:
    """What to do instead of a thank-you or follow-up for a conversation not (yet) held."""
    if status == "requested" and interview is not None:
        return f"To nudge about the request: tool draft follow-up {interview.id}"
    if status == "scheduled" and interview is not None:
        return f"Once it has taken place, set status: done in {interview.path}"
    return f"To ask for a conversation: tool draft outreach {person.id}"


def find_introducer(
    kb: KnowledgeBase, person: Person, via: str | None
) -> tuple[Person, Interview | None]:
    """Who can introduce you: --via, else introduced_by, else whoever referred them."""
    referred_in = _referred_in(kb, person)
    if via is not None:
        introducer = resolve_person(kb.people, via)
    elif person.introduced_by in kb.people:
        introducer = kb.people[person.introduced_by]
    elif referred_in and referred_in[-1].person in kb.people:
        introducer = kb.people[referred_in[-1].person]
    else:
        raise ToolError(
            f"who could introduce you to {person.name}? Pass --via PERSON "
            f"(or set introduced_by in {person.path})"
        )
    if introducer.id == person.id:
        raise ToolError(f"{person.name} cannot introduce you to themselves")
    by_them = [iv for iv in referred_in if iv.person == introducer.id]
    return introducer, by_them[-1] if by_them else None


def _referred_in(kb: KnowledgeBase, person: Person) -> list[Interview]:
    """The conversations whose referrals name `person`, by id or by name, oldest first."""
    return [
        iv
        for iv in sorted(kb.interviews.values(), key=lambda i: (i.date, i.id))
        if any(names(ref, person) for ref in iv.referrals)
    ]


def _referrer(kb: KnowledgeBase, person: Person) -> tuple[Person | None, Interview | None]:
    """Who suggested `person` in a conversation (the latest), for an outreach to say so."""
    if person.introduced_by in kb.people:
        return None, None  # introduced_by says who, and template_context uses it
    found = [iv for iv in _referred_in(kb, person) if iv.person in kb.people]
    if not found or found[-1].person == person.id:
        return None, None
    return kb.people[found[-1].person], found[-1]


def draft(kb: KnowledgeBase, kind: str, target: str, today: date, via: str | None = None) -> str:
    """The text of a draft of `kind` for a person or interview."""
    if kind not in DRAFT_KINDS:
        raise ToolError(f"unknown draft {kind!r}; choose one of {', '.join(DRAFT_KINDS)}")
    if via is not None and kind != "intro-request":
        raise ToolError("--via is only for intro-request drafts")
    person, interview = resolve_target(kb, target, kind)
    introducer, referred_in = None, None
    if kind == "intro-request":
        introducer, referred_in = find_introducer(kb, person, via)
    elif kind == "outreach":
        introducer, referred_in = _referrer(kb, person)
    context = draft_context(kb, kind, person, today, interview, introducer, referred_in)
    requested = kind == "follow-up" and interview is not None and interview.status == "requested"
    return render_draft(template_env(kb.root), kb.root, NUDGE if requested else kind, context)


def draft_context(
    kb: KnowledgeBase,
    kind: str,
    person: Person,
    today: date,
    interview: Interview | None,
    introducer: Person | None = None,
    referred_in: Interview | None = None,
) -> dict[str, Any]:
    """The template context of a draft: the common variables plus the draft's own."""
    context = template_context(kb, person, today, interview, introducer=introducer)
    referrals = interview.referrals if interview else ()
    return context | {
        "kind": kind,
        "referred_in": referred_in,
        "referral_names": [kb.people[r].name if r in kb.people else r for r in referrals],
    }


def render_draft(env: Environment, root: Path, name: str, context: dict[str, Any]) -> str:
    """Render `templates/messages/<name>.md`, without its front matter."""
    text = render_body(env, f"{FOLDER}/{name}.md", context, root)
    return text.strip("\n") + "\n"


def write_draft(root: Path, path: Path, text: str) -> Path:
    """Write a draft to a new file: never over a file, never among the records or templates."""
    target = path.absolute()
    place = protected_place(root, target)
    if place is not None:
        where = "over" if place == KB_ITSELF else "into"
        raise ToolError(f"refusing to write a draft {where} {place}: {path}")
    try:
        files.create_exclusive(target, text)
    except FileExistsError:
        raise ToolError(f"{path} already exists; nothing was written") from None
    except OSError as exc:
        raise ToolError(f"cannot write {path}: {exc.strerror or exc}") from None
    return target
