"""A document's lines, and positions in them as the client counts (UTF-16 units by default)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

# An id as files and references spell them: letters, digits, '.', '_' and '-'.
_ID_CHARS = re.compile(r"[\w.-]")


@dataclass
class Text:
    """The text of one document, split on "\\n" as the parsers count lines."""

    source: str
    utf16: bool = True

    def __post_init__(self) -> None:
        self.lines = self.source.split("\n")

    def line(self, number: int) -> str:
        """The line at a 0-based number, without its end ('' past the end)."""
        return self.lines[number].rstrip("\r") if 0 <= number < len(self.lines) else ""

    def position(self, line: int, char: int) -> types.Position:
        """A client position from a 0-based line and a code-point column."""
        text = self.line(line)[:char]
        units = len(text.encode("utf-16-le")) // 2 if self.utf16 else len(text)
        return types.Position(line=line, character=units)

    def range(self, line: int, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(line, start), end=self.position(line, end))

    def column(self, position: types.Position) -> int:
        """The code-point column of a client position on its line."""
        text = self.line(position.line)
        if not self.utf16:
            return min(position.character, len(text))
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return index
            units += 2 if ord(char) > 0xFFFF else 1
        return len(text)

    def word_at(self, position: types.Position) -> tuple[str, int, int]:
        """The id-like word under a position, with its start and end columns."""
        text = self.line(position.line)
        col = self.column(position)
        start = col
        while start > 0 and _ID_CHARS.match(text[start - 1]):
            start -= 1
        end = col
        while end < len(text) and _ID_CHARS.match(text[end]):
            end += 1
        return text[start:end].strip(".-"), start, end

    def front_matter_end(self) -> int | None:
        """The 0-based line of the closing `---`, or None when there is no front matter."""
        if not self.lines or self.line(0).rstrip() != "---":
            return None
        for number in range(1, len(self.lines)):
            if self.line(number).rstrip() in ("---", "..."):
                return number
        return None
