"""Build the digest: gather the site, then specify, fingerprint and render one page at a time.

A page is first a `Page`: its template and a context whose Markdown is still source text
(`Fragment`). Its fingerprint hashes that context with everything else that shapes its
bytes (templates, code, the private values hidden), so writing.py renders only the pages
whose fingerprint changed and keeps the files of the others.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

from jinja2 import Environment
from markupsafe import Markup

from tool.digest import charts, markdown
from tool.digest.inputs import MARKER, MARKER_TEXT, THEME, Options, inputs_key, shape_key
from tool.digest.privacy import Secret, is_private, phone_digits, secret_names, secrets
from tool.ids import id_key, slugify, unique_id
from tool.leads import YOU, describe
from tool.model import Interview, KnowledgeBase, Person, display_names, group_key
from tool.parse.hints import without_hints
from tool.rules import insights
from tool.rules import stats as statsmod
from tool.rules.leads import Network
from tool.rules.referrals import Referrals
from tool.templating import engine as render

ASSETS = ("style.css", "search.js")
# The groupings with pages of their own, and the folder of those pages.
GROUP_FOLDERS = {"company": "companies", "career": "careers", "topic": "topics"}
# Front-matter text shown on pages; contact details and private names are hidden from it.
SHOWN_FIELDS = ("name", "company", "role", "career", "location", "relationship", "purpose", "tags")
RECENT = 6
# Topics at the end of an insight are shown as links to their pages instead.
TRAILING_TOPICS = re.compile(r"(?:\s+#[^\W_][\w-]*)+\s*$")
TOP_TOPICS = 12
# A page lists up to every record of the KB: far above the limits of a question or draft.
PAGE_OUTPUT = 50_000_000  # characters
PAGE_STEPS = 5_000_000  # loop turns and calls: the largest page of 40,000 files takes ~40,000
# Items of each list on one page of a company, career, topic or of a list of everything:
# no page grows with the knowledge base.
PAGE_SIZE = 100
# Text that may link to another note (`x.md`, possibly escaped): its HTML depends on the URLs.
_MAY_LINK = re.compile(r"\.md|%|&", re.IGNORECASE)

T = TypeVar("T")


@dataclass(frozen=True)
class Link:
    """A page of the site: its name and URL relative to the site root."""

    name: str
    url: str


@dataclass(frozen=True)
class Fragment:
    """Markdown from a note, rendered only when a page showing it is rendered.

    `links` identifies the page URLs its note links resolve against ("" if it has none),
    so that a fingerprint holding the fragment changes when they do.
    """

    text: str
    root: str
    inline: bool = False
    links: str = ""


@dataclass(frozen=True)
class Page:
    """One output file: a template and its context, or an asset's bytes."""

    url: str
    template: str = ""
    context: dict[str, Any] | None = None
    data: bytes | None = None


# Values of a page's context that hold no Fragment.
_LEAVES = frozenset({str, int, float, bool, type(None), date, Markup, Link, Person, Interview})


def make_env(root: Path) -> Environment:
    """The theme: the user's `templates/digest/` first, then the packaged defaults.

    Templates of the user's run sandboxed, with limits; where there are none (nothing
    at `templates/digest`), the packaged theme runs as the code it is, at half the cost.
    """
    user = root / "templates" / "digest"
    if os.path.lexists(user):
        env: Environment = render.make_env(user, THEME, autoescape=True)
    else:
        env = render.make_trusted_env(THEME, autoescape=True)
    env.filters["json_script"] = json_script
    return env


def json_script(data: Any) -> Markup:
    """JSON that is safe inside `<script type="application/json">` (cannot close it)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return Markup(text)


def _page_urls(names: dict[str, str], folder: str) -> dict[str, str]:
    """Safe, unique file names (from hostile ids or names), stable for a given set of names."""
    taken: set[str] = set()
    urls = {}
    for key in sorted(names, key=lambda k: (names[k].casefold(), k)):
        slug = slugify(names[key])
        if id_key(slug) in taken:  # rare: only then pay for the search of a free suffix
            slug = unique_id(slug, [t for t in taken if t.startswith(id_key(slug))])
        taken.add(id_key(slug))
        urls[key] = f"{folder}/{quote(slug)}.html"
    return urls


def _paged(url: str, total: int) -> list[str]:
    """The URLs of a list's pages: the first is `url`, page n is `p<n>/` beside it.

    A folder cannot clash with a page: every page's name ends in `.html`.
    """
    head, _, name = url.rpartition("/")
    folder = f"{head}/" if head else ""
    count = max(1, math.ceil(total / PAGE_SIZE))
    return [url] + [f"{folder}p{n}/{name}" for n in range(2, count + 1)]


def _pager(urls: list[str], number: int) -> dict[str, Any] | None:
    """Page `number` (from 1) of `urls`, and its neighbours; None for a list of one page."""
    if len(urls) == 1:
        return None
    return {
        "number": number,
        "count": len(urls),
        "previous": urls[number - 2] if number > 1 else None,
        "next": urls[number] if number < len(urls) else None,
    }


def _root_of(url: str) -> str:
    """The relative path from a page back to the site root."""
    return "../" * url.count("/")


class Gatherer:
    """The public view of one KB: which records show, their pages, and how they link."""

    def __init__(self, kb: KnowledgeBase, options: Options):
        self.options = options
        show_all = options.include_private
        self.people = {k: p for k, p in kb.people.items() if show_all or not p.private}
        self.interviews = {
            k: i for k, i in kb.interviews.items() if show_all or not is_private(kb, i)
        }
        person_urls = _page_urls({k: k for k in kb.people}, "people")
        interview_urls = _page_urls({k: k for k in kb.interviews}, "interviews")
        self.urls = {k: person_urls[k] for k in self.people}
        self.urls |= {k: interview_urls[k] for k in self.interviews}
        hidden = {**person_urls, **interview_urls}
        self.hidden_urls = {k: u for k, u in hidden.items() if k not in self.urls}
        self.policy = markdown.Policy(
            include_private=show_all,
            pages=dict(self.urls),
            private_names=() if show_all else secret_names(kb),
            private_phones=tuple(
                sorted({d for p in kb.people.values() if (d := phone_digits(p.phone))})
            ),
        )
        if not show_all:
            kb = _redacted(kb, self.policy.redact)
            self.people = {k: kb.people[k] for k in self.people}
            self.interviews = {k: kb.interviews[k] for k in self.interviews}
        self.kb = kb
        self._members: dict[str, dict[str, tuple[list[Person], list[Interview]]]] = {}
        # Links that many pages show, each made once: they are frozen, so pages may share them.
        self._group_links: dict[tuple[str, str], Link | None] = {}
        self._interview_links: dict[str, Link] = {}
        # Who each shown person introduced, by name.
        self.children: dict[str, list[str]] = {}
        for person in sorted(self.people.values(), key=lambda p: (p.name.casefold(), p.id)):
            if person.introduced_by in self.people and person.introduced_by != person.id:
                self.children.setdefault(person.introduced_by, []).append(person.id)
        self.talks: dict[str, list[Interview]] = {}
        for talk in sorted(self.interviews.values(), key=lambda i: (i.date, i.id)):
            self.talks.setdefault(talk.person, []).append(talk)
        self.entries = insights.entries(kb, self.interviews.values())
        self.by_person = {g.key: g.entries for g in insights.group_by("person", self.entries)}
        self.names: dict[str, dict[str, str]] = {}
        self.group_urls: dict[str, dict[str, str]] = {}
        for kind, folder in GROUP_FOLDERS.items():
            self.names[kind] = display_names(self._names(kind))
            self.group_urls[kind] = _page_urls(self.names[kind], folder)

        # What the HTML of a note's links depends on: the pages of all shown records.
        shown = repr(sorted(self.urls.items())).encode("utf-8", "surrogatepass")
        self.links_key = hashlib.blake2b(shown, digest_size=16).hexdigest()

    def _names(self, kind: str) -> list[str]:
        if kind == "topic":
            return [t for e in self.entries for t in e.insight.topics]
        records: list[Person | Interview] = [*self.people.values(), *self.interviews.values()]
        found = [self.name_of(kind, r) for r in records]
        return [n for n in found if n and n.strip()]

    def name_of(self, kind: str, record: Person | Interview) -> str | None:
        """A record's company or career (an interview falls back to its person's)."""
        if isinstance(record, Person):
            name: str | None = getattr(record, kind)
            return name
        return self.kb.company_of(record) if kind == "company" else self.kb.career_of(record)

    def members(self, kind: str, key: str) -> tuple[list[Person], list[Interview]]:
        """The people and interviews shown under one company or career, sorted."""
        if kind not in self._members:
            index: dict[str, tuple[list[Person], list[Interview]]] = {}
            for person in sorted(self.people.values(), key=lambda p: (p.name.casefold(), p.id)):
                index.setdefault(group_key(self.name_of(kind, person) or ""), ([], []))[0].append(
                    person
                )
            for talk in sorted(self.interviews.values(), key=lambda i: (i.date, i.id)):
                index.setdefault(group_key(self.name_of(kind, talk) or ""), ([], []))[1].append(
                    talk
                )
            self._members[kind] = index
        return self._members[kind].get(key, ([], []))

    def group_link(self, kind: str, name: str | None) -> Link | None:
        if not name:
            return None
        if (kind, name) not in self._group_links:
            key = group_key(name) if name.strip() else ""
            url = self.group_urls[kind].get(key) if key else None
            self._group_links[(kind, name)] = Link(self.names[kind][key], url) if url else None
        return self._group_links[(kind, name)]

    def person_link(self, person_id: str) -> Link | None:
        person = self.people.get(person_id)
        return Link(person.name, self.urls[person_id]) if person else None

    def person_name(self, interview: Interview) -> str:
        person = self.people.get(interview.person)
        return person.name if person else interview.person

    def interview_link(self, interview: Interview) -> Link:
        found = self._interview_links.get(interview.id)
        if found is None:
            name = f"{self.person_name(interview)}, {interview.date.isoformat()}"
            found = self._interview_links[interview.id] = Link(name, self.urls[interview.id])
        return found

    @cached_property
    def named(self) -> Referrals:
        return Referrals(self.kb.people)

    @cached_property
    def figures(self) -> statsmod.Stats:
        """The figures of `tool stats` over the shown records, as of no particular day."""
        shown = replace(self.kb, people=self.people, interviews=self.interviews)
        return statsmod.stats(shown)

    def activity(self, talks: Iterable[Interview], ident: str) -> dict[str, Any]:
        """A strip of conversations along time, and the same in words."""
        events = []
        for talk in talks:
            kind = {"done": "done", "idea": "planned", "requested": "planned"}
            kind["scheduled"] = "planned"
            events.append(charts.Event(talk.date, kind.get(talk.status, "off"), talk.status))
            if talk.follow_up:
                events.append(charts.Event(talk.follow_up, "follow-up", "follow-up"))
        marks = sorted(events, key=lambda e: (e.day, e.kind, e.label))
        return {"svg": Markup(charts.activity(marks, ident)), "text": charts.activity_text(marks)}

    def referral(self, ref: str) -> Link | str | None:
        """A referral: a link to a shown person, a name not yet added, or None if private."""
        person = self.named.find(ref)  # an id, or the name of someone in people/
        if person is not None:
            return self.person_link(person.id)
        if ref in self.kb.unreadable_people and not self.options.include_private:
            return None  # the unreadable file may say private: true
        return self.policy.redact(ref)


class Pages:
    """Renders every page of the site from a Gatherer."""

    def __init__(self, gather: Gatherer, env: Environment, root: Path):
        self.g = gather
        self.env = env
        self.root = root
        title = gather.options.title or gather.kb.config.digest_title
        self.site: dict[str, Any] = {  # the templates' `site`
            "title": title,
            "include_private": gather.options.include_private,
            "timestamp": gather.options.timestamp,
        }
        self._by_key: dict[str, dict[str, insights.Group]] = {}
        # What many pages show, made once for each (contexts are read, never changed):
        # an insight by its entry's place in the gatherer's list and the path to the root.
        self._insights: dict[tuple[int, str], dict[str, Any]] = {}
        self._summaries: dict[str, dict[str, Any]] = {}
        self._entry_index = {id(e): n for n, e in enumerate(gather.entries)}

    def page(self, template: str, url: str, title: str, **context: Any) -> Page:
        context |= {"site": self.site, "root": _root_of(url), "title": title, "url": url}
        return Page(url, template, context)

    def md(self, text: str, url: str, inline: bool = False) -> Fragment:
        links = self.g.links_key if _MAY_LINK.search(text) else ""
        return Fragment(text, _root_of(url), inline, links)

    def insight(self, entry: insights.Entry, url: str) -> dict[str, Any]:
        key = (self._entry_index[id(entry)], _root_of(url))
        found = self._insights.get(key)
        if found is None:
            found = self._insights[key] = {
                "html": self.md(TRAILING_TOPICS.sub("", entry.insight.text), url, inline=True),
                "topics": [self.g.group_link("topic", t) for t in entry.insight.topics],
                "interview": self.g.interview_link(entry.interview),
                "date": entry.interview.date.isoformat(),
            }
        return found

    def summary(self, interview: Interview) -> dict[str, Any]:
        found = self._summaries.get(interview.id)
        if found is None:
            found = self._summaries[interview.id] = self._summary(interview)
        return found

    def _summary(self, interview: Interview) -> dict[str, Any]:
        return {
            "link": self.g.interview_link(interview),
            "person_name": self.g.person_name(interview),
            "date": interview.date.isoformat(),
            "time": interview.time,
            "status": interview.status,
            "company": self.g.group_link("company", self.g.kb.company_of(interview)),
            "insights": len(interview.insights),
        }

    def count(self) -> int:
        """How many pages `all()` yields, for a progress bar."""
        g = self.g
        groups = sum(
            len(_paged("x", self._group_size(kind, key)))
            for kind, urls in g.group_urls.items()
            for key in urls
        )
        lists = len(_paged("x", len(g.people))) + len(_paged("x", len(g.interviews)))
        lists += sum(len(_paged("x", len(urls))) for urls in g.group_urls.values())
        # Plus home, network, search and you.
        return len(g.people) + len(g.interviews) + groups + lists + 4

    def all(self) -> Iterator[Page]:
        return (build() for build in self.builders())

    def builders(self) -> Iterator[Callable[[], Page]]:
        """Every page in order, each made when called: a worker makes only its share."""
        g = self.g
        yield self.home
        for person in g.people.values():
            yield partial(self.person, person)
        for interview in g.interviews.values():
            yield partial(self.interview, interview)
        for kind in GROUP_FOLDERS:
            for key, first in g.group_urls[kind].items():
                for number in range(1, len(_paged(first, self._group_size(kind, key))) + 1):
                    yield partial(self.group, kind, key, number)
        yield self.network
        yield self.search
        yield self.you
        yield from self.listing(
            "people.html",
            "People",
            sorted(
                (link for p in g.people if (link := g.person_link(p))),
                key=lambda link: link.name.casefold(),
            ),
        )
        interviews = sorted(g.interviews.values(), key=lambda i: (i.date, i.id), reverse=True)
        urls = _paged("interviews.html", len(interviews))
        for number, url in enumerate(urls, 1):
            yield partial(
                self.conversations,
                url,
                interviews[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
                _pager(urls, number),
            )
        for kind, folder in GROUP_FOLDERS.items():
            links = [Link(g.names[kind][k], u) for k, u in g.group_urls[kind].items()]
            yield from self.listing(f"{folder}.html", folder.capitalize(), links)

    def listing(self, url: str, title: str, links: list[Link]) -> Iterator[Callable[[], Page]]:
        urls = _paged(url, len(links))
        for number, page_url in enumerate(urls, 1):
            shown = links[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
            pager = _pager(urls, number)
            yield partial(self.page, "list.html", page_url, title, links=shown, pager=pager)

    def conversations(self, url: str, shown: list[Interview], pager: dict[str, Any] | None) -> Page:
        summaries = [self.summary(i) for i in shown]
        return self.page(
            "conversations.html", url, "Conversations", interviews=summaries, pager=pager
        )

    def home(self) -> Page:
        g, url = self.g, "index.html"
        done = sorted(
            (i for i in g.interviews.values() if i.status == "done"),
            key=lambda i: (i.date, i.id),
            reverse=True,
        )
        topics = insights.group_by("topic", g.entries)
        top = sorted(topics, key=lambda t: (-len(t.entries), t.name.casefold()))[:TOP_TOPICS]
        counts = [
            ("people", len(g.people), "people.html"),
            ("conversations", len(done), "interviews.html"),
            ("companies", len(g.group_urls["company"]), "companies.html"),
            ("careers", len(g.group_urls["career"]), "careers.html"),
            ("insights", len(g.entries), "topics.html"),
        ]
        return self.page(
            "home.html",
            url,
            self.site["title"],
            counts=counts,
            recent=[self.summary(i) for i in done[:RECENT]],
            highlights=[self.insight(e, url) for e in reversed(g.entries[-RECENT:])],
            topics=[(g.group_link("topic", t.name), len(t.entries)) for t in top],
            coverage=[
                self.coverage("career", g.kb.config.target_careers),
                self.coverage("company", g.kb.config.target_companies),
            ],
            due=self.due() if g.options.include_private else None,
            figures=g.figures.as_dict(),
            charts=self.pictures(),
        )

    def pictures(self) -> dict[str, Markup]:
        """The home and "you" pages' pictures of the figures."""
        found = self.g.figures
        return {
            "timeline": Markup(charts.timeline(found.months)),
            "funnel": Markup(charts.funnel(found.funnel)),
            "coverage": Markup(charts.coverage(found.coverage)),
        }

    def you(self) -> Page:
        """How the search is going: the figures of `tool stats`, drawn and in tables."""
        return self.page(
            "you.html", "you.html", "You", figures=self.g.figures.as_dict(), charts=self.pictures()
        )

    def coverage(self, kind: str, targets: Iterable[str]) -> dict[str, Any]:
        rows = []
        for name in targets:
            people, talks = self.g.members(kind, group_key(name))
            rows.append(
                {
                    "name": name,
                    "link": self.g.group_link(kind, name),
                    "people": len(people),
                    "conversations": sum(i.status == "done" for i in talks),
                }
            )
        return {"kind": "Careers" if kind == "career" else "Companies", "rows": rows}

    def due(self) -> dict[str, Any]:
        g = self.g
        ordered = sorted(g.interviews.values(), key=lambda i: (i.date, i.id))
        return {
            "thanks": [self.summary(i) for i in ordered if i.status == "done" and not i.thanked],
            "actions": [
                {
                    "interview": g.interview_link(i),
                    "items": [self.md(a.text, "index.html", inline=True) for a in open_items],
                }
                for i in ordered
                if (open_items := [a for a in i.actions if not a.done])
            ],
        }

    def person(self, person: Person) -> Page:
        g, url = self.g, self.g.urls[person.id]
        introduced = [g.person_link(k) for k in g.children.get(person.id, [])]
        talks = g.talks.get(person.id, [])
        referred = [
            r
            for i in talks
            for r in map(g.referral, i.referrals)
            if r is not None and r not in introduced
        ]
        contact = []  # (label, text, link or None); empty unless --include-private
        if person.email:
            valid = markdown.EMAIL.fullmatch(person.email)
            mailto = "mailto:" + quote(person.email, safe="@") if valid else None
            contact.append(("Email", person.email, mailto))
        if person.phone:
            contact.append(("Phone", person.phone, None))
        if person.linkedin:
            href = markdown.safe_href(person.linkedin, g.policy)
            shown = re.sub(r"^(?:https?://)?(?:www\.)?", "", person.linkedin) if href else None
            contact.append(("LinkedIn", shown or person.linkedin, href))
        return self.page(
            "person.html",
            url,
            person.name,
            person=person,
            company=g.group_link("company", person.company),
            career=g.group_link("career", person.career),
            introduced_by=g.person_link(person.introduced_by) if person.introduced_by else None,
            introduced=introduced,
            referred=list(dict.fromkeys(referred)),
            interviews=[self.summary(i) for i in talks],
            notes=self.md(without_hints(person.body), url),
            insights=[self.insight(e, url) for e in g.by_person.get(person.id, [])],
            contact=contact,
            activity=g.activity(talks, "activity") if talks else None,
        )

    def interview(self, interview: Interview) -> Page:
        g, url = self.g, self.g.urls[interview.id]
        referrals = [r for r in map(g.referral, interview.referrals) if r is not None]
        topics = {t: None for i in interview.insights for t in i.topics}
        return self.page(
            "interview.html",
            url,
            g.interview_link(interview).name,
            interview=interview,
            person=g.person_link(interview.person),
            person_name=g.person_name(interview),
            company=g.group_link("company", g.kb.company_of(interview)),
            career=g.group_link("career", g.kb.career_of(interview)),
            referrals=referrals,
            topics=[g.group_link("topic", t) for t in topics],
            body=self.md(without_hints(interview.body), url),
        )

    def _group(self, kind: str, key: str) -> tuple[list[Person], list[Interview], list[Any]]:
        """The people, interviews and insights shown on a company, career or topic's pages."""
        g = self.g
        if kind not in self._by_key:
            self._by_key[kind] = {grp.key: grp for grp in insights.group_by(kind, g.entries)}
        group = self._by_key[kind].get(key)
        entries = group.entries if group else []
        if kind == "topic":
            talks = {e.interview.id: e.interview for e in entries}
            return [], sorted(talks.values(), key=lambda i: (i.date, i.id)), entries
        members, interviews = g.members(kind, key)
        return members, interviews, entries

    def _group_size(self, kind: str, key: str) -> int:
        return max(len(part) for part in self._group(kind, key))

    def group(self, kind: str, key: str, number: int) -> Page:
        """Page `number` (from 1) of a company, career or topic."""
        g = self.g
        members, interviews, entries = self._group(kind, key)
        urls = _paged(g.group_urls[kind][key], max(len(members), len(interviews), len(entries)))
        url = urls[number - 1]
        part = slice((number - 1) * PAGE_SIZE, number * PAGE_SIZE)
        people = [
            {"link": g.person_link(p.id), "detail": self.role(p, kind)} for p in members[part]
        ]
        return self.page(
            "group.html",
            url,
            g.names[kind][key],
            kind=kind,
            people=people,
            leads=self.leads(g.names[kind][key]) if kind == "company" and number == 1 else [],
            interviews=[self.summary(i) for i in interviews[part]],
            insights=[self.insight(e, url) for e in entries[part]],
            insight_count=len(entries),
            pager=_pager(urls, number),
            activity=g.activity(interviews, "activity")
            if kind == "company" and number == 1 and interviews
            else None,
        )

    @cached_property
    def introductions(self) -> Network | None:
        """Who can introduce you where: only in the private edition, as it names everyone."""
        g = self.g
        if not g.options.include_private:
            return None
        return Network(g.kb.people, g.interviews.values())

    def leads(self, company: str) -> list[dict[str, Any]]:
        """The people who could introduce you at `company`: why, and the path to them."""
        network, g = self.introductions, self.g
        if network is None:
            return []
        return [
            {
                "person": g.person_link(lead.id),
                "detail": self.works(g.kb.people[lead.id]),
                "reasons": [describe(g.kb.people, company, r) for r in lead.reasons],
                "path": [YOU, *(g.person_link(pid) for pid in lead.path)],
            }
            for lead in network.company(company).introducers
        ]

    def works(self, person: Person) -> str:
        """What a person does and where, the company as its page spells it."""
        company = self.g.group_link("company", person.company)
        if company is None:
            return person.role or ""
        return f"{person.role} at {company.name}" if person.role else company.name

    def role(self, person: Person, kind: str) -> str:
        """What a person does, leaving out what the page is about (its company or career)."""
        if kind == "company" or not person.company:
            return person.role or ""
        return f"{person.role} at {person.company}" if person.role else person.company

    def network(self) -> Page:
        g = self.g
        children = g.children
        introduced = {k for kids in children.values() for k in kids}
        order = sorted(children, key=lambda k: (g.people[k].name.casefold(), k))
        # Roots first; people in an introduction cycle have no root, so a cycle starts anywhere.
        starts = [p for p in order if p not in introduced] + [p for p in order if p in introduced]
        steps: list[tuple[str, Link | None]] = []
        placed: set[str] = set()
        for start in starts:
            if start not in placed:
                steps += _walk(start, children, placed, g.person_link)
        alone = [link for p in g.people if p not in placed if (link := g.person_link(p))]
        nodes, edges = self.graph()
        return self.page(
            "network.html",
            "network.html",
            "Referral network",
            steps=steps,
            alone=sorted(alone, key=lambda link: link.name.casefold()),
            graph=Markup(charts.network(nodes, edges, _root_of("network.html")))
            if 0 < len(nodes) <= charts.MAX_DRAWN
            else None,
            graph_counts={
                "people": len(nodes),
                "introductions": sum(e.kind == "introduction" for e in edges),
                "referrals": sum(e.kind == "referral" for e in edges),
            },
        )

    def graph(self) -> tuple[list[charts.Node], list[charts.Edge]]:
        """Shown people and who led to whom among them: introductions, then referrals."""
        g = self.g
        nodes = [
            charts.Node(
                p.id, p.name, g.urls[p.id], sum(t.status == "done" for t in g.talks.get(p.id, []))
            )
            for p in sorted(g.people.values(), key=lambda p: p.id)
        ]
        edges: dict[tuple[str, str], str] = {}
        for p in g.people.values():
            if p.introduced_by in g.people and p.introduced_by != p.id:
                edges[(p.introduced_by, p.id)] = "introduction"
        for talk in sorted(g.interviews.values(), key=lambda i: (i.date, i.id)):
            for ref in talk.referrals:
                found = g.named.find(ref)
                if (
                    found is not None
                    and found.id in g.people
                    and talk.person in g.people
                    and found.id != talk.person
                ):
                    edges.setdefault((talk.person, found.id), "referral")
        return nodes, [charts.Edge(a, b, kind) for (a, b), kind in sorted(edges.items())]

    def search(self) -> Page:
        g = self.g
        items = [
            {
                "kind": "person",
                "title": p.name,
                "url": g.urls[p.id],
                "text": " · ".join(
                    link.name if isinstance(link, Link) else link
                    for link in (
                        p.role,
                        g.group_link("company", p.company),
                        g.group_link("career", p.career),
                        p.location,
                    )
                    if link
                ),
            }
            for p in g.people.values()
        ]
        for kind in GROUP_FOLDERS:
            items += [
                {"kind": kind, "title": g.names[kind][k], "url": u, "text": ""}
                for k, u in g.group_urls[kind].items()
            ]
        items += [
            {
                "kind": "insight",
                "title": markdown.plain(TRAILING_TOPICS.sub("", e.insight.text), g.policy),
                "url": g.urls[e.interview.id],
                "text": " · ".join(
                    [g.interview_link(e.interview).name, *(f"#{t}" for t in e.insight.topics)]
                ),
            }
            for e in g.entries
        ]
        return self.page("search.html", "search.html", "Search", index=items)


def _redacted(kb: KnowledgeBase, redact: Callable[[str], str]) -> KnowledgeBase:
    """The KB with contact details dropped and hidden from the front-matter text shown."""

    def clean(record: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in SHOWN_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                out[name] = redact(value)
            elif isinstance(value, tuple):
                out[name] = tuple(redact(v) for v in value)
        return out

    people = {
        k: replace(p, email=None, phone=None, linkedin=None, **clean(p))
        for k, p in kb.people.items()
    }
    interviews = {k: replace(i, **clean(i)) for k, i in kb.interviews.items()}
    return replace(kb, people=people, interviews=interviews)


def _walk(
    root: str,
    children: dict[str, list[str]],
    placed: set[str],
    link: Callable[[str], Link | None],
) -> list[tuple[str, Link | None]]:
    """One introduction tree as steps (item, down, up, close) for a nested list.

    Iterative, because a long chain of introductions would overflow Python's stack.
    """
    steps: list[tuple[str, Link | None]] = []
    todo: list[tuple[str, str]] = [("node", root)]
    while todo:
        action, pid = todo.pop()
        if action != "node":
            steps.append((action, None))
            continue
        placed.add(pid)
        steps.append(("item", link(pid)))
        kids = [k for k in children.get(pid, []) if k not in placed]
        if kids:
            steps.append(("down", None))
            todo += [("close", ""), ("up", "")] + [("node", k) for k in reversed(kids)]
        else:
            steps.append(("close", None))
    return steps


class Plan:
    """The digest to build: its pages one at a time, and how to fingerprint and render each.

    Its parts are made when first asked for: a build where nothing changed needs none.
    """

    def __init__(self, kb: KnowledgeBase, options: Options, shape: str | None = None):
        self.kb = kb
        self.options = options
        self.root = kb.root
        self.shape = shape or shape_key(kb.root)
        self._inline: dict[tuple[str, str], Markup] = {}  # an insight's HTML, rendered once

    @cached_property
    def inputs(self) -> str:
        """A hash of everything the site is made of (see inputs.inputs_key)."""
        return inputs_key(self.kb, self.options, self.shape)

    @cached_property
    def gather(self) -> Gatherer:
        return Gatherer(self.kb, self.options)

    @cached_property
    def env(self) -> Environment:
        return make_env(self.root)

    @cached_property
    def pages(self) -> Pages:
        return Pages(self.gather, self.env, self.root)

    @property
    def policy(self) -> markdown.Policy:
        return self.gather.policy

    @cached_property
    def secrets(self) -> list[Secret] | None:
        """What the scan looks for; None for a private edition (nothing is scanned)."""
        if self.options.include_private:
            return None
        return secrets(self.kb, self.gather.hidden_urls)

    @cached_property
    def key(self) -> str:
        """What shapes every page: the code, the templates, and the private values hidden."""
        policy = self.policy
        hidden = (policy.include_private, policy.private_names, policy.private_phones)
        found = hashlib.blake2b(self.shape.encode(), digest_size=16)
        found.update(repr(hidden).encode("utf-8", "surrogatepass"))
        return found.hexdigest()

    def count(self) -> int:
        """How many files `all()` yields."""
        return self.pages.count() + len(ASSETS) + 1

    def all(self) -> Iterator[Page]:
        """Every page and asset, one at a time."""
        return (build() for build in self.builders())

    def builders(self) -> list[Callable[[], Page]]:
        """Every page and asset in the order of all(), each made when called."""
        found = list(self.pages.builders())
        found += [partial(self.asset, name) for name in ASSETS]
        # What pages share, made once here rather than by each worker that needs it.
        self.gather.named, self.gather.figures, self.pages.introductions, self.key  # noqa: B018
        found.append(partial(Page, MARKER, data=MARKER_TEXT))
        return found

    def asset(self, name: str) -> Page:
        # jinja2 types an environment's loader as optional; make_env always gives one.
        source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        return Page(name, data=source.encode("utf-8"))

    def fingerprint(self, page: Page) -> str:
        """A hash of everything that shapes the page's bytes: same hash, same bytes."""
        found = hashlib.blake2b(self.key.encode(), digest_size=16)
        found.update(page.url.encode("utf-8", "surrogatepass") + b"\0")
        if page.data is not None:
            found.update(page.data)
        else:
            # Contexts hold strings, numbers, dates, lists, dicts and frozen records, in a
            # fixed order: their repr is the same text for the same values.
            shown = repr((page.template, page.context))
            found.update(shown.encode("utf-8", "surrogatepass"))
        return found.hexdigest()

    def render(self, page: Page) -> bytes:
        """The page's bytes."""
        if page.data is not None:
            return page.data
        context = self._resolved(page.context or {})
        html = render.render(
            self.env,
            page.template,
            context,
            self.root,
            max_output=PAGE_OUTPUT,
            max_steps=PAGE_STEPS,
        )
        return html.encode("utf-8")

    def _resolved(self, value: Any) -> Any:
        """The context with each Fragment as its HTML."""
        if type(value) in _LEAVES:  # most values: a quick answer
            return value
        if isinstance(value, Fragment):
            return self._html(value)
        if isinstance(value, dict):
            return {k: self._resolved(v) for k, v in value.items()}
        if type(value) is list:
            return [self._resolved(v) for v in value]
        if type(value) is tuple:
            return tuple([self._resolved(v) for v in value])
        return value

    def _html(self, fragment: Fragment) -> Markup:
        policy = self.policy.with_root(fragment.root)
        if not fragment.inline:
            return markdown.render(fragment.text, policy)
        key = (fragment.text, fragment.root)
        if key not in self._inline:
            self._inline[key] = markdown.render_inline(fragment.text, policy)
        return self._inline[key]


class Progress(Protocol):
    """Shows how far a build is: passes on each page done, given how many there are."""

    def __call__(self, done: Iterable[T], count: int, /) -> Iterable[T]: ...
