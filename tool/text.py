"""Text helpers with one definition each: folding for matching, and suggestions for typos."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Punctuation inside a word is ignored when matching: obrien finds O'Brien (with either
# apostrophe), email finds e-mail.
_INNER = re.compile(r"(?<=\w)[^\w\s]+(?=\w)")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    return stripped.casefold()


def fold_case_and_accents(text: str) -> str:
    """Text for comparing: no case, no accents (Zoë, ZOE and zoe are the same)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def comparable(text: str) -> str:
    """Text for matching: case and accents folded, without punctuation inside words."""
    return fold_case_and_accents(_INNER.sub("", text))


def comparable_with_origin(text: str) -> tuple[str, list[int]]:
    """`comparable(text)`, and for each of its characters the index in `text` it came from."""
    dropped = {i for m in _INNER.finditer(text) for i in range(m.start(), m.end())}
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if i in dropped:
            continue
        piece = _fold_char(char)
        out.append(piece)
        origin += [i] * len(piece)
    return "".join(out), origin


def suggest(name: str, choices: Iterable[str]) -> str:
    """` (did you mean a, b?)` for close matches, or an empty string."""
    options = sorted(choices)
    wanted = name.casefold().strip()
    # A typo ("ann-le") or a part of the name ("acme" for "Acme Robotics") both count.
    partial = [c for c in options if len(wanted) >= 3 and wanted in c.casefold()]
    close = list(dict.fromkeys(partial + difflib.get_close_matches(name, options, 3, 0.75)))[:3]
    return f" (did you mean {', '.join(close)}?)" if close else ""
