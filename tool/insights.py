"""Insights in context, grouped by career, company, topic or person. Pure functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tool.kb import KnowledgeBase
from tool.model import Insight, Interview, Person, display_names, group_key

KINDS = ("career", "company", "topic", "person")


@dataclass(frozen=True)
class Entry:
    """One insight with the interview, person, company and career it belongs to."""

    insight: Insight
    interview: Interview
    person: Person | None
    company: str | None
    career: str | None

    @property
    def sort_key(self) -> tuple[str, str, int]:
        return (self.interview.date.isoformat(), self.interview.id, self.insight.line)


@dataclass
class Group:
    """The insights filed under one name: a company, a career, a topic or a person."""

    kind: str
    key: str
    name: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def interview_ids(self) -> list[str]:
        return sorted({e.interview.id for e in self.entries})

    @property
    def person_ids(self) -> list[str]:
        return sorted({e.interview.person for e in self.entries})


def entries(kb: KnowledgeBase, interviews: Iterable[Interview] | None = None) -> list[Entry]:
    """Every insight of the given interviews (default: all), oldest first."""
    out = [
        Entry(insight, iv, kb.person_of(iv), kb.company_of(iv), kb.career_of(iv))
        for iv in (kb.interviews.values() if interviews is None else interviews)
        for insight in iv.insights
    ]
    return sorted(out, key=lambda e: e.sort_key)


def _names(kind: str, entry: Entry) -> list[str]:
    if kind == "company":
        return [entry.company] if entry.company and entry.company.strip() else []
    if kind == "career":
        return [entry.career] if entry.career and entry.career.strip() else []
    if kind == "topic":
        return list(entry.insight.topics)
    if kind == "person":
        return [entry.interview.person]
    raise ValueError(f"unknown grouping {kind!r}")


def group_by(kind: str, items: list[Entry], spellings: Iterable[str] = ()) -> list[Group]:
    """Group entries by a kind; names that differ by case or spacing are one group.

    `spellings` are extra occurrences of names (e.g. every person's company) that count
    when choosing the most common spelling for display.
    """
    keyed: Callable[[str], str] = (lambda s: s) if kind == "person" else group_key
    all_names = [n for e in items for n in _names(kind, e)] + list(spellings)
    shown = display_names(all_names) if kind != "person" else {}
    groups: dict[str, Group] = {}
    for entry in items:
        for name in _names(kind, entry):
            key = keyed(name)
            if kind == "person":
                label = entry.person.name if entry.person else name
            else:
                label = shown.get(key, name)
            groups.setdefault(key, Group(kind, key, label)).entries.append(entry)
    return sorted(groups.values(), key=lambda g: (g.name.casefold(), g.key))
