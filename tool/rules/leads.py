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

import bisect
import functools
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from tool.model import Interview, Person
from tool.rules.referrals import Referrals, readings
from tool.text import comparable, fold_case_and_accents

# Legal forms left out of a company's key when they end its name ("Globex Corp.", "Hooli,
# Inc.", "Initech GmbH"): users write them or not, LinkedIn mostly does.
LEGAL_FORMS = frozenset(
    ("ag", "bv", "co", "corp", "corporation", "gmbh", "inc", "incorporated", "limited", "llc",
     "llp", "ltd", "nv", "plc", "pty", "sa", "sas", "srl")
)  # fmt: skip
_WORD = re.compile(r"\w+")

Kind = Literal["introduced", "met-through", "referred", "talked-about", "notes"]


@functools.lru_cache(maxsize=65536)  # a few hundred companies, spelled on thousands of files
def company_key(name: str) -> str:
    """A company's name for matching: folded, its words only, without a trailing legal form."""
    return " ".join(_words(comparable(name)))


def _words(folded: str) -> list[str]:
    words = _WORD.findall(folded)
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return words


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
    ) -> None:
        self.people = people
        self.order = sorted(people.values(), key=lambda p: (p.name.casefold(), p.id))
        self.talks: dict[str, list[Interview]] = {}
        for talk in sorted(interviews, key=lambda i: (i.date, i.id)):
            if talk.person in people:
                self.talks.setdefault(talk.person, []).append(talk)
        self.named = Referrals(people)
        self.at: dict[str, list[str]] = {}  # company key -> who works there
        self.introduced: dict[str, list[str]] = {}  # id -> whom they introduced you to
        self.introduced_by: dict[str, str] = {}  # the introductions to someone in people/
        for person in self.order:
            if person.company and company_key(person.company):
                self.at.setdefault(company_key(person.company), []).append(person.id)
            by = person.introduced_by
            if by is not None and by in people and by != person.id:
                self.introduced.setdefault(by, []).append(person.id)
                self.introduced_by[person.id] = by
        # Links written in interviews: by the person referred to, and by the company named.
        self.referred: dict[str, list[tuple[str, Reason]]] = {}
        self.about: dict[str, list[tuple[str, Reason]]] = {}
        for pid, talks in self.talks.items():
            for talk in talks:
                self._read_talk(pid, talk)
        self.paths = self._paths()
        self.mentions: dict[str, dict[str, int]] = {}  # company key -> who, the line

    def _read_talk(self, pid: str, talk: Interview) -> None:
        path, day = str(talk.path), talk.date.isoformat()
        if talk.company and company_key(talk.company):
            reason = Reason("talked-about", path, talk.line_of("company"), date=day)
            self.about.setdefault(company_key(talk.company), []).append((pid, reason))
        for ref in talk.referrals:
            line = talk.line_of("referrals")
            them = self.named.find(ref)
            if them is not None:
                if them.id != pid:
                    reason = Reason("referred", path, line, them.id, date=day)
                    self.referred.setdefault(them.id, []).append((pid, reason))
                continue
            named = {company_key(c) for _, c in readings(ref) if c and company_key(c)}
            for key in sorted(named):
                reason = Reason("referred", path, line, name=ref, date=day)
                self.about.setdefault(key, []).append((pid, reason))

    def _edges(self) -> dict[str, list[str]]:
        """Who each person led you to: the people they introduced or referred you to."""
        found = {by: dict.fromkeys(them) for by, them in self.introduced.items()}
        for them, sources in self.referred.items():
            for pid, _ in sources:
                found.setdefault(pid, {})[them] = None
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

    @cached_property
    def _notes(self) -> tuple[str, list[int], list[Person]]:
        """Everyone's notes folded, in one text (a NUL between two); where each starts, whose."""
        texts, starts, owners, at = [], [], [], 0
        for person in self.order:
            if person.body.strip():
                text = fold_case_and_accents(person.body.replace("\0", " "))
                texts.append(text)
                starts.append(at)
                owners.append(person)
                at += len(text) + 1
        return "\0".join(texts), starts, owners

    def _mentioned(self, key: str, names: Iterable[str]) -> dict[str, int]:
        """Whose notes name the company (as `names` or its key spell it), at which line."""
        if key not in self.mentions:
            spelled = {tuple(key.split())} | {
                tuple(_words(fold_case_and_accents(n))) for n in names
            }
            words = sorted(w for w in spelled if w)
            pattern = "|".join(r"[^\w\0]+".join(map(re.escape, w)) for w in words)
            text, starts, owners = self._notes
            found: dict[str, int] = {}
            for match in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text):
                n = bisect.bisect_right(starts, match.start()) - 1
                person = owners[n]
                if person.id not in found:
                    line = person.body_line + text.count("\n", starts[n], match.start())
                    found[person.id] = line
            self.mentions[key] = found
        return self.mentions[key]

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
            if pid in self.introduced_by:
                by = self.introduced_by[pid]
                line = person.line_of("introduced_by")
                add(by, Reason("introduced", str(person.path), line, pid))
            for them in self.introduced.get(pid, ()):
                met = self.people[them]
                line = met.line_of("introduced_by")
                add(them, Reason("met-through", str(met.path), line, pid))
            for source, reason in self.referred.get(pid, ()):
                add(source, reason)
        for source, reason in self.about.get(key, ()) if key else ():
            add(source, reason)
        for pid, line in self._mentioned(key, [name]).items() if key else ():
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

    def _sorted(self, leads: Iterable[Lead]) -> list[Lead]:
        rank = {p.id: n for n, p in enumerate(self.order)}
        return sorted(leads, key=lambda lead: (len(lead.path), rank[lead.id]))


def _plain(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    """The reasons, without a referral to someone they also introduced you to."""
    introduced = {r.person for r in reasons if r.kind == "introduced"}
    return tuple(r for r in reasons if not (r.kind == "referred" and r.person in introduced))
