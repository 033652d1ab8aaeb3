"""The hints the scaffolds write for the user to replace: prompts, not notes. Pure functions.

One definition of "still the scaffold's hint", for every reader of a body (the brief, the
digest, the rules): a paragraph that is exactly one of `HINTS`, whitespace aside, is not
content. A hint the user has edited, even by a word, is their text.
"""

from __future__ import annotations

import re

PERSON_HINT = "How we met, what they work on, what to ask next time."
INSIGHTS_HINT = (
    "One insight per list item, its topics tagged with #words: "
    "`- Most PMs here started in support. #career-paths`"
)
HINTS = (PERSON_HINT, INSIGHTS_HINT)
# A heading line ends a paragraph, as in Markdown: "## Insights" then a hint on the next line.
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")


def _words(text: str) -> str:
    return " ".join(text.split())


_HINT_WORDS = frozenset(_words(h) for h in HINTS)
# Every word of a hint is in a body that holds it; a body without the longest one of either
# hint holds neither, and is returned as it is without being split into lines.
_MARKS = tuple(max(h.split(), key=len) for h in HINTS)


def is_hint(paragraph: str) -> bool:
    """True if a paragraph is one of the scaffolds' hints, untouched (line breaks aside)."""
    return _words(paragraph) in _HINT_WORDS


def without_hints(body: str) -> str:
    """The body with each untouched hint blanked; line numbers stay the same.

    A hint is blanked as a whole paragraph, and also as a line of its own glued to the
    user's text: an insight typed right above the hint would otherwise take it in as the
    continuation of its paragraph.
    """
    if not any(mark in body for mark in _MARKS):
        return body
    lines = [
        "" if _words(line) in _HINT_WORDS and not _HEADING.match(line) else line
        for line in body.split("\n")
    ]
    start = 0
    for end in range(len(lines) + 1):
        if end < len(lines) and lines[end].strip() and not _HEADING.match(lines[end]):
            continue
        if end > start and is_hint("\n".join(lines[start:end])):
            lines[start:end] = [""] * (end - start)
        start = end + 1
    return "\n".join(lines)
