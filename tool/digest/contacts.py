"""Phone numbers and email addresses in free text, however a note happens to write them.

Pure functions over text, for the leak scan of a shared digest. A phone number is a run of
7 to 15 digits in groups joined by spaces, dots, dashes, slashes or brackets, that also
looks like one: it starts with `+` or `0`, has a group in brackets, or has three groups or
more. Dates, years, IP addresses, versions, lists and grouped thousands are not phone
numbers. An email address may hide behind "at" and "dot" spelled out, in brackets or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

MIN_DIGITS = 7  # a local number without its area code
MAX_DIGITS = 15  # the longest international number (ITU E.164)

_SPACE = r"[ \t\n\u00a0\u2009\u202f]"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)\d\d"
# 2026-03-14, 2026/3/14, 14.03.2026, 03/14/2026: the same separator twice.
_DATE = re.compile(
    rf"(?<!\d)(?:{_YEAR}([-./]){_MONTH}\1{_DAY}"
    rf"|{_DAY}([-./]){_DAY}\2{_YEAR})(?!\d)"
)
_GROUP = r"(?:\(\d+\)|\d+)"
_SEPARATOR = rf"(?:{_SPACE}?[-./]{_SPACE}?|{_SPACE}{{1,3}}|(?<=\))|(?=\())"
# Starts where a number starts: not inside a word, a number, a URL path or an amount.
_PHONE_RUN = re.compile(
    rf"(?<![\w.,/+\-=#$%&@\u00a3\u20ac\u00a5])(?:\+{_SPACE}?)?{_GROUP}(?:{_SEPARATOR}{_GROUP})*"
)
_DIGITS = re.compile(r"\d+")
# A quick first pass: seven or more characters of digits and what may join them.
_CANDIDATE = re.compile(r"[+(]?\d[\d\s().+/-]{5,}\d\)?")
_CANDIDATE_CORE = re.compile(r"\d[\d\s().+/-]{5,}\d")

_TLDS = "com|org|net|edu|gov|io|co|uk|de|fr|nl|ch|at|ca|au|eu|info|biz|dev"
_LABEL = r"[^\W_][\w-]*"
_SPELLED_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)"
_SPELLED_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_LOCAL = r"(?<![\w.%+-])[\w.%+-]*\w"
# jane [at] example [dot] com, jane(at)example.com, jane@example(dot)com ...
_HIDDEN_EMAIL = re.compile(
    rf"{_LOCAL}(?P<at>{_SPELLED_AT}|\s*@\s*)"
    rf"{_LABEL}(?:(?:{_SPELLED_DOT}|\.){_LABEL})+",
    re.IGNORECASE,
)
_BRACKETED_AT = re.compile(r"at\s*[\])}>]")  # starts with a letter: a fast search
_PLAIN_AT = re.compile(r"\s+at\s+", re.IGNORECASE)
_ANY_DOT = re.compile(_SPELLED_DOT, re.IGNORECASE)
_TLD = re.compile(_TLDS, re.IGNORECASE)
_SPELLED_PART = re.compile(rf"{_SPELLED_AT}|{_SPELLED_DOT}|\s+", re.IGNORECASE)
# "looked at the dot com bubble" is no address: a domain starts with a name, not a word.
# fmt: off
_NOT_A_NAME = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "my", "our", "your", "his", "her",
    "their", "its", "one", "some", "any", "every", "no", "another", "each",
})
# fmt: on
_THOUSANDS_SEPARATORS = frozenset(".\u00a0\u2009\u202f ")


def phones(text: str) -> Iterator[str]:
    """Every run of `text` that looks like a phone number, as written."""
    for candidate in _candidates(text):
        # With the character before it, which decides where a number may start.
        start = max(candidate.start() - 1, 0)
        yield from _phones_in(text[start : candidate.end()], candidate.start() - start)


def _candidates(text: str) -> Iterator[re.Match[str]]:
    """The matches of _CANDIDATE.finditer(text), found faster.

    A candidate is a core (_CANDIDATE_CORE), with the `+` or `(` before it if any: the
    core is searched (a search that starts with a digit is quick), then the candidate
    matched where it starts.
    """
    pos = 0
    while (core := _CANDIDATE_CORE.search(text, pos)) is not None:
        start = core.start()
        if start > pos and text[start - 1] in "+(":
            start -= 1
        candidate = _CANDIDATE.match(text, start)
        assert candidate is not None  # it matches wherever its core does
        yield candidate
        pos = candidate.end()


@lru_cache(maxsize=4096)
def _phones_in(run: str, start: int) -> tuple[str, ...]:
    """The phone numbers in a candidate that starts at `start` of `run`.

    A site repeats its candidates (dates, mostly) from page to page: each is read once.
    """
    # Dates are no phone numbers, but may sit beside one: look at the rest.
    undated = _DATE.sub("\x00", run)
    found = (match.group() for match in _PHONE_RUN.finditer(undated, start))
    return tuple(number for number in found if is_phone(number))


def is_phone(run: str) -> bool:
    """Whether a run of digit groups is shaped like a phone number (see the module doc)."""
    groups = _DIGITS.findall(run)
    digits = "".join(groups)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return False
    bracketed = "(" in run
    leading = run.startswith("+") or digits.startswith("0")
    if not (leading or bracketed or len(groups) >= 3):
        return False  # 2015-2019, 80000-95000, a page range
    # A lone digit may start a number (+1, 1-800) or be a bracketed trunk 0: +49 (0)30 ...
    if any(len(g) == 1 and f"({g})" not in run for g in groups[1:]):
        return False  # ISBNs, versions, IP addresses, decimals
    if all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
        return False  # years
    if leading or bracketed:
        return True
    separators = set(_DIGITS.sub("", run))
    if len({len(g) for g in groups}) == 1:
        return False  # 88 92 75 64, 1000 2000 3000: a list of numbers
    if separators == {"."} and len(groups) == 4 and all(int(g) <= 255 for g in groups):
        return False  # an IP address
    thousands = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    return not (thousands and separators <= _THOUSANDS_SEPARATORS)  # 1 000 000, 12.345.678


def emails(text: str) -> Iterator[str]:
    """Email addresses hidden behind a spelled-out "at" or "dot", as plain addresses."""
    for _, address in spelled_emails(text):
        yield address


def spelled_emails(text: str) -> Iterator[tuple[str, str]]:
    """Each address spelled out with "at" or "dot": as written, and as a plain address."""
    folded = text.lower()
    if "@" not in folded and "dot" not in folded and not _BRACKETED_AT.search(folded):
        return  # most pages: no need to try the long pattern at every word
    for match in _HIDDEN_EMAIL.finditer(text):
        written = match.group()
        if "@" in match.group("at") and not _SPELLED_PART.search(written.split("@", 1)[1]):
            continue  # a plain address (spaces aside) is the ordinary pattern's to find
        address = _SPELLED_PART.sub(lambda m: _spelled(m.group()), written)
        local, _, domain = address.partition("@")
        labels = domain.split(".")
        if labels[0].casefold() in _NOT_A_NAME or local.casefold() in _NOT_A_NAME:
            continue
        if _PLAIN_AT.fullmatch(match.group("at")) and not (
            _ANY_DOT.search(written) and _TLD.fullmatch(labels[-1])
        ):
            continue  # "works at example.com", "met at noon dot tv": plain words say little
        yield written, address


def _spelled(part: str) -> str:
    word = part.strip().strip("[](){}<>").strip().casefold()
    return {"at": "@", "dot": "."}.get(word, "")
