"""Find a person by id or name, with hints when there is none or more than one."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from tool.errors import ToolError
from tool.ids import slugify
from tool.model import KnowledgeBase, Person
from tool.text import comparable, suggest


def resolve_person(
    people: dict[str, Person], wanted: str, unreadable: Collection[str] = ()
) -> Person:
    """A person by id, or by name (case, accents and punctuation ignored); else an error."""
    if wanted in people:
        return people[wanted]
    key = name_key(wanted)
    by_name = sorted(
        (p for p in people.values() if name_key(p.name) == key),
        key=lambda p: p.id,
    )
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        ids = ", ".join(p.id for p in by_name)
        raise ToolError(f"{wanted!r} is the name of {len(by_name)} people ({ids}); give the id")
    slug = slugify(wanted)
    if slug in people:
        return people[slug]
    for ident in (wanted, slug):
        if ident in unreadable:
            why = unreadable.get(ident) if isinstance(unreadable, Mapping) else None
            if why:
                raise ToolError(f"{why} (the file exists, but cannot be used until this is fixed)")
            raise ToolError(
                f"people/{ident}.md could not be read; `tool validate` shows what to fix"
            )
    hint = suggest(wanted, people) or suggest(slug, people)
    raise ToolError(f"no person {wanted!r} in people/{hint}")


def unusable_people(kb: KnowledgeBase) -> dict[str, str]:
    """Person files that exist but gave no record: id -> their first error, `path:line: ...`."""
    found = {ident: "" for ident in kb.unreadable_people}
    for problem in sorted(kb.errors, key=lambda p: (p.path, p.line, p.col)):
        ident = problem.path.removeprefix("people/").removesuffix(".md")
        if found.get(ident) == "" and problem.path == f"people/{ident}.md":
            found[ident] = f"{problem.path}:{problem.line}: {problem.message}"
    return found


def find_person(kb: KnowledgeBase, wanted: str) -> Person:
    """A person of the KB by id or name; a file that exists but cannot be used says why."""
    return resolve_person(kb.people, wanted, unusable_people(kb))


def name_key(name: str) -> str:
    """The key two spellings of one name share: "Zoe Muller Lukasz" is "Zoë Müller-Łukasz"."""
    return "".join(c for c in comparable(name) if c.isalnum())
