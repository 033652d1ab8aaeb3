"""Text helpers with one definition each: folding for matching, and suggestions for typos."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Punctuation inside a word is ignored when matching: obrien finds O'Brien (with either
# apostrophe), email finds e-mail. Between two digits it stays: "2\u20133" is not "23" or 2023.
_INNER = re.compile(r"(?<=\w)[^\w\s]+(?=\w)")
# Letters of these scripts fold to their ASCII transliteration, as ids do: Ł is l, ø is o,
# ß is ss, Ж is zh. Other scripts (Chinese, Arabic...) keep their own letters.
_TRANSLITERATED = re.compile(r"(LATIN|GREEK|CYRILLIC) ")


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character folded: no case, no accent, Latin, Greek and Cyrillic letters in ASCII.

    In three steps the digest's search (theme/search.js) repeats: NFKD, drop the marks
    (category Mn), lower the case; then each character through `fold_lowered`.
    """
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", char) if unicodedata.category(c) != "Mn"
    )
    return "".join(fold_lowered(c) for c in bare.lower())


@lru_cache(maxsize=4096)
def fold_lowered(char: str) -> str:
    """A lower-case character without marks, folded (the browser's table holds these)."""
    if char.isascii():
        return char
    if unicodedata.category(char) == "Pd":
        return "-"  # every dash is the same dash: 2\u20133 finds 2-3
    if char.isalpha() and _TRANSLITERATED.match(unicodedata.name(char, "")):
        from text_unidecode import unidecode  # only for text that is not ASCII: help stays light

        ascii_: str = unidecode(char).lower()
        if ascii_.isascii() and ascii_.isalnum():
            return ascii_
    return char.casefold()


class _Folded(dict[int, str]):
    """`fold_char` as a table for str.translate: each character is worked out once."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = fold_char(chr(code))
        return folded


_FOLDED = _Folded()


def fold_case_and_accents(text: str) -> str:
    """Text for comparing: no case, no accents (Zoë, ZOE and zoe are the same; Łódź is lodz)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDED)  # the same as folding each character, at C speed


def inner_punctuation(text: str) -> Iterable[re.Match[str]]:
    """Runs of punctuation inside a word, except between two digits."""
    for m in _INNER.finditer(text):
        if not (text[m.start() - 1].isdecimal() and text[m.end()].isdecimal()):
            yield m


def _drop_inner(text: str) -> str:
    # A loop over the matches: one expression with the digit rule in look-behinds was half
    # as fast on notes, as the engine tries a look-behind at every position.
    pieces, pos = [], 0
    for m in inner_punctuation(text):
        pieces.append(text[pos : m.start()])
        pos = m.end()
    pieces.append(text[pos:])
    return "".join(pieces)


def comparable(text: str) -> str:
    """Text for matching: case and accents folded, without punctuation inside words."""
    return fold_case_and_accents(_drop_inner(text))


def comparable_with_origin(text: str) -> tuple[str, list[int]]:
    """`comparable(text)`, and for each of its characters the index in `text` it came from."""
    if text.isascii():  # each character folds to one: only the dropped runs move the rest
        parts: list[str] = []
        kept: list[int] = []
        at = 0
        for m in inner_punctuation(text):
            parts.append(text[at : m.start()])
            kept += range(at, m.start())
            at = m.end()
        parts.append(text[at:])
        kept += range(at, len(text))
        return "".join(parts).lower(), kept
    dropped = {i for m in inner_punctuation(text) for i in range(m.start(), m.end())}
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if i in dropped:
            continue
        piece = fold_char(char)
        out.append(piece)
        origin += [i] * len(piece)
    return "".join(out), origin


def browser_fold_table() -> dict[str, str]:
    """Every character `fold_lowered` changes, for the digest's search to fold as we do."""
    table: dict[str, str] = {}
    for code in range(0x80, 0x30000):
        char = chr(code)
        if unicodedata.category(char) in ("Cn", "Co", "Cs"):
            continue
        for c in unicodedata.normalize("NFKD", char).lower():
            if fold_lowered(c) != c:
                table[c] = fold_lowered(c)
    return dict(sorted(table.items()))


def see_format(field: str) -> str:
    """`; see docs/format.md#FIELD`: where a message about a field written wrong points."""
    return f"; see docs/format.md#{field}"


def suggest(name: str, choices: Iterable[str]) -> str:
    """` (did you mean a, b?)` for close matches, or an empty string."""
    options = sorted(choices)
    wanted = name.casefold().strip()
    # A typo ("ann-le") or a part of the name ("acme" for "Acme Robotics") both count.
    partial = [c for c in options if len(wanted) >= 3 and wanted in c.casefold()]
    close = list(dict.fromkeys(partial + difflib.get_close_matches(name, options, 3, 0.75)))[:3]
    return f" (did you mean {', '.join(close)}?)" if close else ""
