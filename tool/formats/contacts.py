"""What an address book or a network export says about one person, before it is a file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tool.printable import controls, is_bidi


@dataclass(frozen=True)
class Contact:
    """One person read from an export, with the line (of the file read) it starts on."""

    line: int
    name: str
    company: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    connected: date | None = None
    note: str | None = None  # free text for the body: a card's NOTE, its other URLs


@dataclass(frozen=True)
class Rejected:
    """A row or card that cannot be read, and why."""

    line: int
    message: str


class NotReadable(ValueError):
    """The whole file is not in the format asked for (no header row, no card)."""


class BadValue(ValueError):
    """A value that cannot go into a person's file as it is."""


def one_line(value: str | None, what: str) -> str | None:
    """A value on one line with single spaces, or None when empty; BadValue for controls."""
    if value is None:
        return None
    text = " ".join(value.split())
    if text.isprintable():  # every control character is unprintable: the common case, in C
        return text or None
    found = [c for c in controls(text) if not is_bidi(c)]
    if found:
        codes = ", ".join(f"U+{ord(c):04X}" for c in found)
        raise BadValue(f"the {what} contains a control character ({codes})")
    return text or None


def note_text(value: str | None) -> str | None:
    """Free text kept as lines, without control characters or trailing spaces."""
    if value is None:
        return None
    lines = [
        "".join(c for c in line if c == "\t" or not controls(c)).rstrip()
        for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    text = "\n".join(lines).strip("\n")
    return text or None
