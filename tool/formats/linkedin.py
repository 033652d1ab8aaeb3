"""LinkedIn's Connections.csv ("Get a copy of your data") as contacts, row by row."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date

from tool.formats.contacts import BadValue, Contact, NotReadable, Rejected, one_line

# The columns used, by their header (any case, any order; others are ignored).
FIRST, LAST, URL, EMAIL = "first name", "last name", "url", "email address"
COMPANY, POSITION, CONNECTED = "company", "position", "connected on"
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_LINKEDIN_DATE = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4}|\d{2})")


def read(text: str) -> tuple[list[Contact], list[Rejected]]:
    """The contacts of an export, and the rows that cannot be read (with their line).

    Lines before the header row (LinkedIn's notes) are skipped. NotReadable when there is
    no header row naming the First Name and Last Name columns.
    """
    contacts: list[Contact] = []
    rejected: list[Rejected] = []
    columns: dict[str, int] | None = None
    width = 0
    for line, end, row in _rows(text.removeprefix("\ufeff")):
        if columns is None:
            names = [field.strip().casefold() for field in row or ()]
            if FIRST in names and LAST in names:
                columns = {name: names.index(name) for name in names if name}
                width = len(names)
            continue
        if row is None:
            rejected.append(
                Rejected(line, f"a quoted field runs from here to line {end}; is a quote missing?")
            )
        elif any(field.strip() for field in row):
            try:
                contacts.append(_contact(line, row, columns, width))
            except BadValue as exc:
                rejected.append(Rejected(line, str(exc)))
    if columns is None:
        raise NotReadable(
            "no header row with First Name and Last Name columns; "
            "is this LinkedIn's Connections.csv?"
        )
    return contacts, rejected


def _rows(text: str) -> Iterator[tuple[int, int, list[str] | None]]:
    """(first line, last line, fields) of each CSV row; None for a row over several lines.

    Reading starts again on the line after such a row: a quote left open swallows one
    line, not the rest of the file. (LinkedIn's own fields are on one line each.)
    """
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines):
        reader = csv.reader(lines[start:])
        done = 0
        for row in reader:
            first, done = start + done + 1, reader.line_num
            last = start + done
            if last > first and any("\n" in field or "\r" in field for field in row):
                yield first, last, None
                start = first
                break
            yield first, last, row
        else:
            return


def _contact(line: int, row: list[str], columns: dict[str, int], width: int) -> Contact:
    if len(row) > width and any(field.strip() for field in row[width:]):
        raise BadValue(f"{len(row)} fields where the header has {width}; is a comma not quoted?")

    def field(name: str) -> str | None:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    first, last = one_line(field(FIRST), "first name"), one_line(field(LAST), "last name")
    name = " ".join(part for part in (first, last) if part)
    if not name:
        raise BadValue("the row has no name (First Name and Last Name are empty)")
    connected = one_line(field(CONNECTED), "Connected On date")
    return Contact(
        line=line,
        name=name,
        company=one_line(field(COMPANY), "company"),
        role=one_line(field(POSITION), "position"),
        email=one_line(field(EMAIL), "email address"),
        linkedin=one_line(field(URL), "URL"),
        connected=parse_connected(connected) if connected else None,
    )


def parse_connected(text: str) -> date:
    """A date as LinkedIn writes it (`15 Mar 2024`, also `15-Mar-24`), or ISO; else BadValue."""
    match = _LINKEDIN_DATE.fullmatch(text.strip())
    try:
        if match:
            word = match[2].casefold()
            month = next((n for n, m in enumerate(MONTHS, 1) if m.startswith(word)), None)
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            if month is not None:
                return date(year, month, int(match[1]))
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise BadValue(f"Connected On is not a date like 15 Mar 2024: {text!r}")
