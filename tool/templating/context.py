"""The variables that question sets and message drafts see (docs/templates.md lists them)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from tool.model import Config, Insight, Interview, KnowledgeBase, Person
from tool.templating.loader import templates_env

PLACEHOLDER_NAME = "Your Name"  # what `tool init` writes as [me] name in tool.toml
UNSIGNED = "[your name]"  # drafts are signed with this until [me] name is set
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
# Titles that come before a name: "Dr. Ann Lee" is greeted "Hi Ann".
_TITLE = re.compile(
    r"(dr|prof|professor|mr|mrs|ms|mx|miss|sir|dame|rev|revd|fr|lady|lord|mme|mlle)\.?", re.I
)


def first_name(name: str) -> str:
    """The first word of a name that is not a title (the filter `first_name`).

    A name of titles only ("Dr.") is used whole rather than greeting nobody.
    """
    words = [w.strip(",:;") for w in str(name).split()]
    words = [w for w in words if w]
    given = [w for w in words if not _TITLE.fullmatch(w)]
    return given[0] if given else " ".join(words) or str(name)


def my_name(config: Config) -> str | None:
    """`[me] name` from tool.toml, or None while it is missing or still init's placeholder."""
    name = config.me.get("name")
    if not isinstance(name, str) or name.strip() in ("", PLACEHOLDER_NAME):
        return None
    return name.strip()


def untag(insight: Insight | str) -> str:
    """An insight's text without its `#topic` words, on one line (the filter `untag`)."""
    if not isinstance(insight, Insight):
        return " ".join(str(insight).split())
    text = insight.text
    for topic in insight.topics:
        text = re.sub(rf"(?<!\S)#{re.escape(topic)}(?![\w-])", "", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def template_env(root: Path) -> SandboxedEnvironment:
    """The KB's templates (with packaged defaults) and the filters question sets and drafts use."""
    env = templates_env(root)
    env.filters["untag"] = untag
    env.filters["first_name"] = first_name
    return env


def past_interviews(
    kb: KnowledgeBase, person_id: str, before: Interview | None = None
) -> list[Interview]:
    """Conversations that took place (status done) with a person, before `before` if given."""
    done = [i for i in kb.interviews_with(person_id) if i.status == "done"]
    if before is None:
        return done
    return [i for i in done if i.id != before.id and (i.date, i.id) < (before.date, before.id)]


def highlight(interview: Interview | None, notes_heading: str = "Notes") -> str | None:
    """Something specific from a conversation: its first insight, else its notes' first sentence."""
    if interview is None:
        return None
    if interview.insights:
        return untag(interview.insights[0]) or None
    notes = interview.section(notes_heading)
    text = " ".join(notes.text.split()) if notes else ""
    return _SENTENCE_END.split(text, maxsplit=1)[0] or None


def template_context(
    kb: KnowledgeBase,
    person: Person,
    today: date,
    interview: Interview | None = None,
    purpose: str | None = None,
    introducer: Person | None = None,
) -> dict[str, Any]:
    """The documented variables for rendering a question set or draft about `person`."""
    past = past_interviews(kb, person.id, interview)
    if introducer is None and person.introduced_by:
        introducer = kb.people.get(person.introduced_by)
    company = kb.company_of(interview) if interview else person.company
    career = kb.career_of(interview) if interview else person.career
    return {
        "person": person,
        "first_name": first_name(person.name),
        "introducer": introducer,
        "interview": interview,
        "purpose": purpose or (interview.purpose if interview else None) or "other",
        "company": company,
        "career": career,
        "past_interviews": past,
        "past_insights": [insight for iv in past for insight in iv.insights],
        "highlight": highlight(interview, kb.config.headings.get("notes", "Notes")),
        "me": kb.config.me | {"name": my_name(kb.config) or UNSIGNED},
        "today": today,
    }
