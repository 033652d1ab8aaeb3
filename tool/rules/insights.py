"""Insights in context, grouped by career, company, topic or person. Pure functions."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tool.model import Insight, Interview, KnowledgeBase, Person, Problem, display_names, group_key

# What insights can be grouped by: `tool index --by`, and the digest's group pages.
GROUPINGS = ("career", "company", "topic", "person")


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
    """The insights filed under one name: a company, a career, a topic or a person.

    `key` is empty for the insights that have no name of this kind (no company given,
    no topic); `children` holds the next level when groupings are nested.
    """

    kind: str
    key: str
    name: str
    entries: list[Entry] = field(default_factory=list)
    children: list[Group] = field(default_factory=list)

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


def group_by(
    kind: str, items: list[Entry], spellings: Iterable[str] = (), *, unnamed: bool = False
) -> list[Group]:
    """Group entries by a kind; names that differ by case or spacing are one group.

    A group shows the most common spelling among `spellings` (e.g. `spellings(kb)[kind]`,
    so that a group is spelled the same whichever entries it holds), else among the
    entries. With `unnamed`, entries without a name of this kind go to a last group whose
    key and name are empty.
    """
    keyed: Callable[[str], str] = (lambda s: s) if kind == "person" else group_key
    shown: dict[str, str] = {}
    if kind != "person":
        shown = display_names(n for e in items for n in _names(kind, e))
        shown |= display_names(spellings)
    groups: dict[str, Group] = {}
    rest = Group(kind, "", "")
    for entry in items:
        names = _names(kind, entry)
        if not names:
            rest.entries.append(entry)
        # Once per group, even when one insight spells a topic two ways.
        for key, name in {keyed(n): n for n in names}.items():
            if kind == "person":
                label = entry.person.name if entry.person else name
            else:
                label = shown.get(key, name)
            groups.setdefault(key, Group(kind, key, label)).entries.append(entry)
    found = sorted(groups.values(), key=lambda g: (g.name.casefold(), g.key))
    return [*found, rest] if unnamed and rest.entries else found


def nest(
    kinds: Iterable[str], items: list[Entry], spellings: dict[str, list[str]] | None = None
) -> list[Group]:
    """Group by the first kind, each group by the next kind, and so on."""
    # One display spelling per name stands for all of them: nested levels need not recount.
    shown = {kind: list(display_names(names).values()) for kind, names in (spellings or {}).items()}
    first, *others = kinds
    groups = group_by(first, items, shown.get(first, ()), unnamed=True)
    if others:
        for group in groups:
            group.children = nest(others, group.entries, shown)
    return groups


def spellings(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Every spelling of each company, career and topic in the KB, to pick display names."""
    records: list[Person | Interview] = [*kb.people.values(), *kb.interviews.values()]
    return {
        "company": [r.company for r in records if r.company],
        "career": [r.career for r in records if r.career],
        "topic": [t for iv in kb.interviews.values() for i in iv.insights for t in i.topics],
    }


@functools.lru_cache(maxsize=4096)  # a KB has few topics, used many times: an editor asks often
def _topic_stem(topic: str) -> str:
    """What near-duplicate spellings of a topic share: no case, separators or plural."""
    stem = group_key(topic).replace("-", "").replace("_", "")
    if stem.endswith("ies") and len(stem) > 4:
        return stem[:-3] + "y"
    if stem.endswith("s") and not stem.endswith("ss") and len(stem) > 3:
        return stem[:-1]
    return stem


def topic_problems(kb: KnowledgeBase) -> list[Problem]:
    """Warn at every use of a topic spelled differently from its most common spelling."""
    return [topic_problem(iv, line, topic, message) for iv, line, topic, message in misspelt(kb)]


def misspelt(kb: KnowledgeBase) -> list[tuple[Interview, int, str, str]]:
    """Each use of a topic spelled differently from its most common spelling: the interview,
    the line, the topic as spelled there and what to say about it."""
    uses: dict[str, list[tuple[str, Interview, Insight]]] = {}
    for iv in kb.interviews.values():
        for insight in iv.insights:
            for topic in insight.topics:
                uses.setdefault(_topic_stem(topic), []).append((topic, iv, insight))
    found = []
    for spelled in uses.values():
        counts = Counter(topic for topic, _, _ in spelled)
        if len(counts) < 2:
            continue
        best, best_count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        times = f"{best_count} time{'s' * (best_count != 1)}"
        message = f"looks like #{best} (used {times}); use one spelling for one topic"
        found += [
            (iv, insight.line, topic, f"topic #{topic} {message}")
            for topic, iv, insight in spelled
            if topic != best
        ]
    return found


def topic_problem(iv: Interview, line: int, topic: str, message: str) -> Problem:
    """The warning at a misspelt topic, at its column on the line (which needs the body)."""
    column = _column(iv, line, f"#{topic}")
    return Problem(str(iv.path), line, column, "warning", message, "topic-spelling")


def _column(iv: Interview, line: int, needle: str) -> int:
    """1-based column of `needle` on a file line of the interview body (1 if not there)."""
    lines = iv.body.split("\n")
    index = line - iv.body_line
    text = lines[index] if 0 <= index < len(lines) else ""
    return text.find(needle) + 1 if needle in text else 1
