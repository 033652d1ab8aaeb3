"""`tool leads`: for each target company (or one named), who works there and who can introduce you.

The network and the matching of companies are tool.rules.leads; this module picks the
companies, names them as the user writes them, and renders the result as text or JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tool.errors import ToolError
from tool.model import KnowledgeBase, Person
from tool.rules.leads import CompanyLeads, Lead, Network, Reason, company_key

YOU = "you"
ARROW = " \N{RIGHTWARDS ARROW} "


@dataclass(frozen=True)
class Leads:
    """The companies looked at, in order, and the targets where you know nobody yet."""

    companies: list[CompanyLeads]
    targets: frozenset[str]  # keys of the companies in tool.toml's [targets]
    nobody_yet: list[str]
    people: dict[str, Person]


def build(kb: KnowledgeBase, company: str | None = None) -> Leads:
    """The leads of every target company, or of `company` (matched folded) alone."""
    targets = list(kb.config.target_companies)
    if company is None and not targets:
        raise ToolError(
            "no target companies: list them in tool.toml under [targets] as "
            'companies = ["Acme Robotics", "Globex"], or name one: tool leads COMPANY'
        )
    network = Network(kb.people, kb.interviews.values())
    # One block a company, however many spellings of it tool.toml lists.
    once: dict[str, str] = {}
    for target in targets:
        if company_key(target):
            once.setdefault(company_key(target), target)
    names = [resolve(kb, company)] if company is not None else list(once.values())
    found = [network.company(name) for name in names]
    target_keys = frozenset(company_key(t) for t in targets)
    return Leads(
        companies=found,
        targets=target_keys,
        nobody_yet=[c.name for c in found if not c.people],
        people=dict(kb.people),
    )


def spellings(kb: KnowledgeBase) -> dict[str, str]:
    """Each company key: its spelling in tool.toml's targets, else its most common one."""
    counts: dict[str, Counter[str]] = {}
    written = [p.company for p in kb.people.values()]
    written += [i.company for i in kb.interviews.values()]
    for name in written:
        if name and company_key(name):
            counts.setdefault(company_key(name), Counter())[" ".join(name.split())] += 1
    found = {k: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for k, c in counts.items()}
    for target in reversed(kb.config.target_companies):
        if company_key(target):
            found[company_key(target)] = target
    return found


def resolve(kb: KnowledgeBase, company: str) -> str:
    """The company meant by what the user typed: same key, else the one whose name it begins."""
    key = company_key(company)
    if not key:
        raise ToolError(f"{company!r} has no letters or digits: name a company")
    known = spellings(kb)
    if key in known:
        return known[key]
    starting = sorted((n for k, n in known.items() if k.startswith(key + " ")), key=str.casefold)
    if len(starting) > 1:
        raise ToolError(f"{company!r} could be any of {', '.join(starting)}: say which")
    return starting[0] if starting else " ".join(company.split())


def _name(leads: Leads, pid: str) -> str:
    person = leads.people.get(pid)
    return person.name if person else pid


def describe(people: Mapping[str, Person], company: str, reason: Reason) -> str:
    """One line for a human: why someone could introduce you at `company`."""
    them = None
    if reason.person is not None:
        them = people[reason.person].name if reason.person in people else reason.person
    if reason.kind == "introduced":
        return f"introduced you to {them}"
    if reason.kind == "met-through":
        return f"you met them through {them}"
    if reason.kind == "referred":
        if them is not None:
            return f"referred you to {them} on {reason.date}"
        return f"referred you to {reason.name} on {reason.date} (not in people/ yet)"
    if reason.kind == "talked-about":
        return f"your conversation on {reason.date} was about {company}"
    return f"their notes mention {company}"


def path_text(leads: Leads, lead: Lead) -> str:
    return ARROW.join([YOU, *(_name(leads, pid) for pid in lead.path)])


def _who(leads: Leads, lead: Lead, company: CompanyLeads) -> str:
    """A person's name and what they do, leaving out the company the block is about."""
    person = leads.people[lead.id]
    here = person.company and company_key(person.company) == company.key
    does = person.role if here or not person.company else None
    if not here and person.company:
        does = f"{person.role} at {person.company}" if person.role else person.company
    text = f"{person.name} ({does})" if does else person.name
    return text + (" [private]" if person.private else "")


def to_text(leads: Leads) -> str:
    """The report as the terminal shows it: one block per company, then where you know nobody."""
    out: list[str] = []
    for company in leads.companies:
        if out:
            out.append("")
        out.append(company.name)
        if company.people:
            out.append("  Works there:")
            for lead in company.people:
                out += [f"    {_who(leads, lead, company)}", f"      {path_text(leads, lead)}"]
        else:
            out.append("  Works there: nobody yet")
        if company.introducers:
            out.append("  Could introduce you:")
            for lead in company.introducers:
                out.append(f"    {_who(leads, lead, company)}")
                out += [
                    f"      {r.path}:{r.line}: {describe(leads.people, company.name, r)}"
                    for r in lead.reasons
                ]
                out.append(f"      {path_text(leads, lead)}")
        else:
            out.append("  Could introduce you: nobody yet")
    if len(leads.companies) > 1 and leads.nobody_yet:
        out += ["", f"You know nobody yet at: {', '.join(leads.nobody_yet)}"]
    return "\n".join(out) + "\n"


def _person_json(
    leads: Leads, lead: Lead, company: CompanyLeads, introducer: bool = False
) -> dict[str, Any]:
    person = leads.people[lead.id]
    found: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "company": person.company,
        "role": person.role,
        "private": person.private,
        "path": str(person.path),
        "network_path": [{"id": pid, "name": _name(leads, pid)} for pid in lead.path],
    }
    if introducer:
        found["reasons"] = [
            {
                "kind": r.kind,
                "text": describe(leads.people, company.name, r),
                "path": r.path,
                "line": r.line,
                "person": r.person,
                "name": r.name,
                "date": r.date,
            }
            for r in lead.reasons
        ]
    return found


def to_json(leads: Leads) -> dict[str, Any]:
    """The report as `tool leads --format json` prints it (docs/json.md)."""
    return {
        "companies": [
            {
                "name": c.name,
                "target": c.key in leads.targets,
                "people": [_person_json(leads, lead, c) for lead in c.people],
                "introducers": [_person_json(leads, lead, c, True) for lead in c.introducers],
            }
            for c in leads.companies
        ],
        "nobody_yet": leads.nobody_yet,
    }
