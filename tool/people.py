"""Find a person by id or name, with hints when there is none or more than one."""

from __future__ import annotations

from collections.abc import Collection

from tool.errors import ToolError
from tool.ids import slugify
from tool.model import Person
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
            raise ToolError(
                f"people/{ident}.md could not be read; `tool validate` shows what to fix"
            )
    hint = suggest(wanted, people) or suggest(slug, people)
    raise ToolError(f"no person {wanted!r} in people/{hint}")


def name_key(name: str) -> str:
    """The key two spellings of one name share: "Zoe Muller Lukasz" is "Zoë Müller-Łukasz"."""
    return "".join(c for c in comparable(name) if c.isalnum())
