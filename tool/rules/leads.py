"""Who can introduce you at a company, and the path to them through your network. Pure.

The network is read from the records: someone whose file names no introducer (or one not in
people/) is known to you directly; `introduced_by: X` means you met them through X; an
interview with X whose `referrals` name someone in people/ means X referred you to them.
The path to a person is the shortest chain of those links from you (you → Priya → Hana).
People whose introductions go round in a circle (A introduced by B, B by A) are reached from
the first of them by name, as if you knew that one directly.

For one company (folded: case, accents, punctuation and a trailing legal form like "Inc." or
"Corp." aside, so "Globex Corp." is "globex" but not "Globex Health"), the people who work
there now are those whose `company` is it. Someone elsewhere could introduce you when they
introduced you to someone there, you met them through someone there, they referred you to
someone there (in people/ or not: "Sam Okoro at Globex"), a conversation with them was about
it (the interview's `company`), or their notes mention it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from tool.model import Interview, Person
from tool.rules.referrals import Referrals, readings
from tool.text import comparable

# Legal forms left out of a company's key when they end its name ("Globex Corp.", "Hooli,
# Inc.", "Initech GmbH"): users write them or not, LinkedIn mostly does.
LEGAL_FORMS = frozenset(
    ("ag", "bv", "co", "corp", "corporation", "gmbh", "inc", "incorporated", "limited", "llc",
     "llp", "ltd", "nv", "plc", "pty", "sa", "sas", "srl")
)  # fmt: skip
_WORD = re.compile(r"\w+")

Kind = Literal["introduced", "met-through", "referred", "talked-about", "notes"]


def company_key(name: str) -> str:
    """A company's name for matching: folded, its words only, without a trailing legal form."""
    words = _WORD.findall(comparable(name))
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class Reason:
    """Why someone could introduce you: one link to the company, and where it is written."""

    kind: Kind
    path: str  # the file that records it, and the line
    line: int
    person: str | None = None  # the id of the person there it goes through, if any
    name: str | None = None  # a referral naming someone not in people/ ("Sam at Globex")
    date: str | None = None  # the conversation's date, for `referred` and `talked-about`


@dataclass(frozen=True)
class Lead:
    """A person on a company's list, with the path to them from you (ids, them last)."""

    id: str
    path: tuple[str, ...]
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class CompanyLeads:
    """One company: who works there now and who could introduce you, shortest path first."""

    name: str
    key: str
    people: tuple[Lead, ...]
    introducers: tuple[Lead, ...]


class Network:
    """Paths from you to everyone in people/, and each company's links, read once."""

    def __init__(
        self,
        people: Mapping[str, Person],
        interviews: Iterable[Interview],
        companies: Iterable[str] = (),
    ) -> None:
        self.people = people
        self.order = sorted(people.values(), key=lambda p: (p.name.casefold(), p.id))
        self.talks: dict[str, list[Interview]] = {}
        for talk in sorted(interviews, key=lambda i: (i.date, i.id)):
            if talk.person in people:
                self.talks.setdefault(talk.person, []).append(talk)
        self.named = Referrals(people)
        self.key_of = {p.id: company_key(p.company) if p.company else "" for p in self.order}
        self.at: dict[str, list[str]] = {}
        for person in self.order:
            if self.key_of[person.id]:
                self.at.setdefault(self.key_of[person.id], []).append(person.id)
        self.paths = self._paths()
        keys = {*self.at, *(company_key(c) for c in companies)}
        keys |= {company_key(t.company) for ts in self.talks.values() for t in ts if t.company}
        self.mentions = self._mentions({k for k in keys if k})

    def _edges(self) -> dict[str, list[str]]:
        """Who each person led you to: the people they introduced or referred you to."""
        found: dict[str, dict[str, None]] = {}
        for person in self.order:
            by = person.introduced_by
            if by in self.people and by != person.id:
                found.setdefault(by, {})[person.id] = None
        for pid, talks in self.talks.items():
            for talk in talks:
                for ref in talk.referrals:
                    them = self.named.find(ref)
                    if them is not None and them.id != pid:
                        found.setdefault(pid, {})[them.id] = None
        rank = {p.id: n for n, p in enumerate(self.order)}
        return {k: sorted(v, key=rank.__getitem__) for k, v in found.items()}

    def _paths(self) -> dict[str, tuple[str, ...]]:
        """The shortest path from you to each person (breadth first, ties by name)."""
        edges = self._edges()
        led_to = {them for many in edges.values() for them in many}
        paths: dict[str, tuple[str, ...]] = {}
        # Your direct contacts first; then, one at a time, whoever only a circle reaches.
        starts = [[p.id for p in self.order if p.id not in led_to]]
        starts += [[p.id] for p in self.order if p.id in led_to]
        for roots in starts:
            queue = deque(r for r in roots if r not in paths)
            paths |= {r: (r,) for r in queue}
            while queue:
                here = queue.popleft()
                for there in edges.get(here, ()):
                    if there not in paths:
                        paths[there] = (*paths[here], there)
                        queue.append(there)
        return paths

    def _mentions(self, keys: set[str]) -> dict[str, dict[str, int]]:
        """For each company key, the people whose notes name it, and the first line that does."""
        firsts: dict[str, list[tuple[str, ...]]] = {}
        for key in keys:
            words = tuple(key.split())
            firsts.setdefault(words[0], []).append(words)
        found: dict[str, dict[str, int]] = {}
        for person in self.order:
            for n, text in enumerate(person.body.split("\n")):
                words = _WORD.findall(comparable(text))
                for at, word in enumerate(words):
                    for name in firsts.get(word, ()):
                        if tuple(words[at : at + len(name)]) == name:
                            key = " ".join(name)
                            found.setdefault(key, {}).setdefault(person.id, person.body_line + n)
        return found

    def company(self, name: str) -> CompanyLeads:
        """Who works at `name` now, and who could introduce you there."""
        key = company_key(name)
        there = self.at.get(key, []) if key else []
        inside = set(there)
        reasons: dict[str, dict[Reason, None]] = {}

        def add(pid: str, reason: Reason) -> None:
            if pid not in inside:
                reasons.setdefault(pid, {})[reason] = None

        for pid in there:
            person = self.people[pid]
            by = person.introduced_by
            if by in self.people and by != pid:
                add(
                    by, Reason("introduced", str(person.path), person.line_of("introduced_by"), pid)
                )
        for person in self.order:
            if person.introduced_by in inside and person.introduced_by != person.id:
                line = person.line_of("introduced_by")
                add(person.id, Reason("met-through", str(person.path), line, person.introduced_by))
        for pid, talks in self.talks.items():
            if pid in inside or not key:
                continue
            for talk in talks:
                for reason in self._from_talk(pid, talk, key, inside):
                    add(pid, reason)
        for pid, line in self.mentions.get(key, {}).items():
            add(pid, Reason("notes", str(self.people[pid].path), line))
        return CompanyLeads(
            name=name,
            key=key,
            people=tuple(self._sorted(Lead(p, self.paths[p]) for p in there)),
            introducers=tuple(
                self._sorted(
                    Lead(pid, self.paths[pid], _plain(tuple(found)))
                    for pid, found in reasons.items()
                )
            ),
        )

    def _from_talk(self, pid: str, talk: Interview, key: str, inside: set[str]) -> Iterator[Reason]:
        path, day = str(talk.path), talk.date.isoformat()
        if talk.company and company_key(talk.company) == key:
            yield Reason("talked-about", path, talk.line_of("company"), date=day)
        for ref in talk.referrals:
            them = self.named.find(ref)
            if them is not None:
                if them.id in inside:
                    yield Reason("referred", path, talk.line_of("referrals"), them.id, date=day)
                continue
            if any(c and company_key(c) == key for _, c in readings(ref)):
                yield Reason("referred", path, talk.line_of("referrals"), name=ref, date=day)

    def _sorted(self, leads: Iterable[Lead]) -> list[Lead]:
        rank = {p.id: n for n, p in enumerate(self.order)}
        return sorted(leads, key=lambda lead: (len(lead.path), rank[lead.id]))


def _plain(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    """The reasons, without a referral to someone they also introduced you to."""
    introduced = {r.person for r in reasons if r.kind == "introduced"}
    return tuple(r for r in reasons if not (r.kind == "referred" and r.person in introduced))
