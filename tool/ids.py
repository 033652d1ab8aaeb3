"""Ids from names: readable, unique, safe as file names on every system."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from text_unidecode import unidecode

MAX_ID_BYTES = 100
_NOT_ID = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")
_TRANSLITERABLE = re.compile(r"(LATIN|CYRILLIC|GREEK) ")
# Windows reserves these device names in every folder, with any extension: a KB shared
# through git with a `people/con.md` cannot be checked out there.
_RESERVED = re.compile(r"con|prn|aux|nul|(com|lpt)[0-9\u00b9\u00b2\u00b3]", re.IGNORECASE)
_NOT_ON_WINDOWS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


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
    """`base`, or `base-2`, `base-3`... whichever is not taken (case-insensitively).

    A name Windows reserves counts as taken: "Con" gets `con-2`.
    """
    used = {id_key(t) for t in taken}
    candidate, n = base, 1
    while id_key(candidate) in used or is_reserved(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = _truncate(base, MAX_ID_BYTES - len(suffix)) + suffix
    return candidate


# The rules of `id_problem` as one expression (length aside), for other tools: JSON Schema.
ID_PATTERN = r"[^.\-\s/\\][^\s/\\]*"


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


def is_reserved(name: str) -> bool:
    """Whether Windows reserves a file name for a device (`con`, `NUL.md`, `com1.txt`...)."""
    return bool(_RESERVED.fullmatch(name.split(".", 1)[0].rstrip(" ")))


def portability_problem(file_name: str) -> str | None:
    """Why a file cannot be checked out on Windows under this name, or None."""
    if is_reserved(file_name):
        stem, dot, extension = file_name.partition(".")
        return (
            f"Windows reserves the name {stem!r}, so this file cannot be checked out there; "
            f"rename it (e.g. {stem.rstrip()}-2{dot}{extension}) and the references to it"
        )
    bad = _NOT_ON_WINDOWS.search(file_name)
    if bad:
        return f"the file name contains {bad.group()!r}, which Windows does not allow; rename it"
    if file_name.endswith((".", " ")):
        return "the file name ends with a dot or a space, which Windows drops; rename it"
    return None
