"""Ids from names: readable, unique, safe as file names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from text_unidecode import unidecode

MAX_ID_BYTES = 100
_NOT_ID = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")
_TRANSLITERABLE = re.compile(r"(LATIN|CYRILLIC|GREEK) ")


def slugify(name: str) -> str:
    """A file-name-safe id: ASCII where the name transliterates, its own letters otherwise."""
    name = unicodedata.normalize("NFC", name)
    ascii_slug = _slug(unidecode(name))
    # Names in scripts without a faithful transliteration keep their own letters.
    native = _slug(name)
    slug = ascii_slug if ascii_slug and _mostly_latin(name) else native or ascii_slug
    slug = _truncate(slug)
    return slug or "person"


def _mostly_latin(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    latin = [c for c in letters if c.isascii() or _TRANSLITERABLE.match(unicodedata.name(c, ""))]
    return len(latin) * 2 >= len(letters)


def _slug(text: str) -> str:
    text = _APOSTROPHES.sub("", text)
    return _NOT_ID.sub("-", text.lower()).replace("_", "-").strip("-.")


def _truncate(slug: str, limit: int = MAX_ID_BYTES) -> str:
    while len(slug.encode("utf-8")) > limit:
        slug = slug[:-1]
    return slug.strip("-.")


def id_key(ident: str) -> str:
    """The key under which two ids count as the same (case and Unicode form ignored)."""
    return unicodedata.normalize("NFC", ident).casefold()


def unique_id(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken (case-insensitively)."""
    used = {id_key(t) for t in taken}
    candidate, n = base, 1
    while id_key(candidate) in used:
        n += 1
        suffix = f"-{n}"
        candidate = _truncate(base, MAX_ID_BYTES - len(suffix)) + suffix
    return candidate


def id_problem(ident: str) -> str | None:
    """Why an id breaks the id rules, or None."""
    if not ident:
        return "the file name is empty"
    if ident[0] in ".-":
        return "the file name must not start with '.' or '-'"
    if len(ident.encode("utf-8")) > MAX_ID_BYTES:
        return f"the file name is longer than {MAX_ID_BYTES} bytes"
    if re.search(r"[\s/\\]", ident):
        return "the file name must not contain spaces or slashes; use hyphens"
    return None
