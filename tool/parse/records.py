"""Front matter -> typed Person and Interview records, with a problem for every bad field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from tool.model import Interview, NoSuchDay, NotADate, Person, parse_date, parse_time
from tool.parse.body import extract
from tool.parse.frontmatter import Document, Issue, Map, Node, Scalar, Seq, to_python
from tool.parse.hints import without_hints
from tool.printable import controls, is_bidi
from tool.text import see_format

_NULLS = {"", "~", "null", "Null", "NULL"}

TEXT, DATE, TIME, INT, BOOL, LIST = "text", "date", "time", "int", "bool", "list"
WHOLE = re.compile(r"\d{1,6}")  # a whole number field, as written: 0 to 999999

PERSON_FIELDS: dict[str, str] = {
    "name": TEXT,
    "company": TEXT,
    "role": TEXT,
    "career": TEXT,
    "location": TEXT,
    "email": TEXT,
    "phone": TEXT,
    "linkedin": TEXT,
    "introduced_by": TEXT,
    "relationship": TEXT,
    "tags": LIST,
    "stay_in_touch": INT,
    "private": BOOL,
    "connected": DATE,
}
INTERVIEW_FIELDS: dict[str, str] = {
    "person": TEXT,
    "date": DATE,
    "time": TIME,
    "status": TEXT,
    "requested": DATE,
    "format": TEXT,
    "duration": INT,
    "purpose": TEXT,
    "company": TEXT,
    "career": TEXT,
    "thanked": DATE,
    "follow_up": DATE,
    "referrals": LIST,
    "tags": LIST,
    "private": BOOL,
    "uid": TEXT,
}
REQUIRED = {"person": ("name",), "interview": ("person", "date")}
# What each field means, in a line (docs/format.md says more): for `tool schema`.
FIELD_HELP: dict[str, str] = {
    "name": "The person's name as you want to see it, accents and all.",
    "company": "The organisation the person works for; in an interview, the company the "
    "conversation was about (default: the person's).",
    "role": "The person's job title.",
    "career": "The field of work, used for grouping; in an interview, default: the person's.",
    "location": "Where the person works.",
    "email": "Email address (private: left out of lists and of a shared digest).",
    "phone": "Phone number, quoted (private: left out of lists and of a shared digest).",
    "linkedin": "LinkedIn profile URL (private: left out of lists and of a shared digest).",
    "introduced_by": "The id of the person who introduced you (a file name in people/).",
    "relationship": "How you know the person.",
    "tags": "Your own labels.",
    "stay_in_touch": "Days without contact before the person shows up as gone quiet.",
    "private": "true keeps the whole record out of a shared digest.",
    "connected": "When you connected with the person.",
    "person": "The id of the person you talk to (a file name in people/, without .md).",
    "date": "The day it happens or happened.",
    "time": 'When it starts, 24-hour "HH:MM", quoted.',
    "status": "Where the conversation stands.",
    "requested": "The day you asked for the conversation.",
    "format": "How you meet.",
    "duration": "Length in minutes, planned or actual.",
    "purpose": "What the conversation is for; picks the question set.",
    "thanked": "The day the thank-you went out.",
    "follow_up": "The day to get back in touch.",
    "referrals": "People the person suggested you talk to: ids, or names not yet added.",
    "uid": "A calendar identity written by `tool new interview`; leave it as it is.",
}


class _Reader:
    """Reads typed values out of a front-matter mapping, collecting issues."""

    def __init__(self, meta: Map, schema: dict[str, str], controls: bool = True):
        self.issues: list[Issue] = []
        self.values: dict[str, Any] = {}
        self.extra: dict[str, Any] = {}
        self.lines: dict[str, int] = {}
        for key, node in meta.items:
            self.lines.setdefault(key.text, key.line)
            if controls:  # else no key or value has one (see `Document.controls`)
                self.issues += _control_issues(key, node)
            kind = schema.get(key.text)
            if kind is None:
                self.extra[key.text] = to_python(node)
                # The user's own fields may hold numbers and booleans as they like; a clock
                # time that other YAML tools read as a number (14:30 -> 870) is never meant.
                if isinstance(node, Scalar) and ":" in node.text:
                    self._warn_yaml11(key.text, node)
                continue
            if _is_null(node):
                continue
            value = _READERS[kind](self, key.text, node)
            if key.text == "private" and self.values.get("private"):
                continue  # `private: true` twice, once false: the record stays private
            if value is not None:
                self.values[key.text] = value

    def problem(self, node: Node, message: str, rule: str = "type") -> None:
        self.issues.append(Issue(node.line, node.col, message, rule))

    def _warn_yaml11(self, key: str, node: Scalar) -> None:
        meaning = node.yaml11_meaning()
        if meaning == "a number" and ":" in node.text:
            meaning = _sexagesimal(node.text) or meaning
        if meaning:
            message = (
                f"{key!r} is read as the text {node.text!r}, but other YAML tools "
                f"would read {meaning}; quote it"
            )
            self.issues.append(Issue(node.line, node.col, message, "yaml-1.1", "warning"))

    def text(self, key: str, node: Node) -> str | None:
        if isinstance(node, Scalar):
            self._warn_yaml11(key, node)
            return node.text
        self.problem(
            node, f"{key!r} must be text, not a {'list' if isinstance(node, Seq) else 'mapping'}"
        )
        return None

    def date(self, key: str, node: Node) -> date | None:
        if not isinstance(node, Scalar):
            self.problem(node, f"{key!r} must be a date (YYYY-MM-DD)")
            return None
        raw = node.text.strip()
        try:
            return parse_date(raw)
        except NotADate:
            self.problem(node, f"{key!r} must be a date written YYYY-MM-DD, not {raw!r}", "date")
        except NoSuchDay:
            self.problem(node, f"{key!r} is not a real date: {raw}", "date")
        return None

    def time(self, key: str, node: Node) -> str | None:
        if isinstance(node, Scalar):
            self._warn_yaml11(key, node)  # an unquoted 14:30 is a number to YAML 1.1 readers
            try:
                return parse_time(node.text)
            except ValueError:
                pass
        shown = node.text.strip() if isinstance(node, Scalar) else "a collection"
        self.problem(
            node, f'{key!r} must be a 24-hour time of day like "14:30", not {shown!r}', "time"
        )
        return None

    def int(self, key: str, node: Node) -> int | None:
        if isinstance(node, Scalar) and WHOLE.fullmatch(node.text.strip()):
            return int(node.text.strip())
        shown = node.text if isinstance(node, Scalar) else "a collection"
        self.problem(node, f"{key!r} must be a whole number, not {shown!r}")
        return None

    def bool(self, key: str, node: Node) -> bool | None:
        if isinstance(node, Scalar) and node.text.strip().lower() in ("true", "false"):
            return node.text.strip().lower() == "true"
        shown = node.text if isinstance(node, Scalar) else "a collection"
        self.problem(node, f"{key!r} must be true or false, not {shown!r}")
        # A privacy flag that cannot be read keeps the record private: fail closed.
        return True if key == "private" else None

    def list(self, key: str, node: Node) -> tuple[str, ...] | None:
        items: tuple[Node, ...] = (
            (node,) if isinstance(node, Scalar) else getattr(node, "items", ())
        )
        if isinstance(node, Map):
            self.problem(node, f"{key!r} must be a list, like [a, b]")
            return None
        out: list[str] = []
        for item in items:
            if not isinstance(item, Scalar):
                self.problem(item, f"items of {key!r} must be text")
            elif not _is_null(item):
                self._warn_yaml11(key, item)
                out.append(item.text)
        return tuple(out)


def _sexagesimal(text: str) -> str | None:
    """What YAML 1.1 makes of `14:30`: a number in base 60, in words for a message."""
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.lstrip("+"))
    parts = digits.replace("_", "").split(":")
    if not all(p.isdigit() for p in parts):
        return None
    value = 0
    for part in parts:
        value = value * 60 + int(part)
    return f"the number {sign * value} (base 60)"


_READERS: dict[str, Callable[[_Reader, str, Node], Any]] = {
    TEXT: _Reader.text,
    DATE: _Reader.date,
    TIME: _Reader.time,
    INT: _Reader.int,
    BOOL: _Reader.bool,
    LIST: _Reader.list,
}


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.plain and node.text in _NULLS


def _control_issues(key: Scalar, node: Node) -> list[Issue]:
    """A problem for each key or value holding a control character, as YAML escapes allow."""
    out = []
    for item in (key, *_scalars(node)):
        found = controls(item.text)
        if not found:
            continue
        what = f"key {key.text!r}" if item is key else repr(key.text)
        codes = ", ".join(f"U+{ord(c):04X}" for c in found)
        if all(is_bidi(c) for c in found):
            message = f"{what} contains a bidirectional control ({codes}) that can disguise text"
            out.append(Issue(item.line, item.col, message, "control-char", "warning"))
        else:
            kind = "a control character" if len(found) == 1 else "control characters"
            message = f"{what} contains {kind} ({codes})"
            out.append(Issue(item.line, item.col, message, "control-char"))
    return out


def _scalars(node: Node) -> Iterator[Scalar]:
    """Every scalar in a node, keys of nested mappings included (nesting is bounded)."""
    if isinstance(node, Scalar):
        yield node
    elif isinstance(node, Seq):
        for item in node.items:
            yield from _scalars(item)
    else:
        for key, value in node.items:
            yield key
            yield from _scalars(value)


def _missing(meta: Map, reader: _Reader, kind: str) -> list[Issue]:
    """Required fields that are absent, or present with nothing in them."""
    out = []
    for key in REQUIRED[kind]:
        value = reader.values.get(key)
        if key not in reader.lines:
            message = f"missing required field {key!r}{see_format(key)}"
            out.append(Issue(meta.line, 1, message, "required"))
        else:
            # A value that failed to parse already has its own issue; only report emptiness.
            reported = any(i.line == reader.lines[key] for i in reader.issues)
            blank = value is None or (isinstance(value, str) and not value.strip())
            if blank and not (value is None and reported):
                message = f"{key!r} must not be empty{see_format(key)}"
                out.append(Issue(reader.lines[key], 1, message, "required"))
    return out


def read_fields(meta: Map, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The typed values of a "person" or "interview" front matter, and the user's own keys."""
    reader = _Reader(meta, PERSON_FIELDS if kind == "person" else INTERVIEW_FIELDS)
    return reader.values, reader.extra


def person_from(doc: Document, path: PurePosixPath) -> tuple[Person | None, list[Issue]]:
    """Build a Person from a parsed file; None when the name is unusable."""
    issues = list(doc.issues)
    if doc.meta is None:
        return None, issues
    reader = _Reader(doc.meta, PERSON_FIELDS, doc.controls)
    issues += reader.issues + _missing(doc.meta, reader, "person")
    v = reader.values
    if not str(v.get("name", "")).strip():
        return None, issues
    person = Person(
        id=path.stem,
        path=path,
        name=v["name"].strip(),
        body=doc.body,
        body_line=doc.body_line,
        extra=reader.extra,
        lines=reader.lines,
        **{k: v[k] for k in PERSON_FIELDS if k in v and k != "name"},
    )
    return person, issues


def interview_from(
    doc: Document, path: PurePosixPath, headings: dict[str, str] | None = None
) -> tuple[Interview | None, list[Issue]]:
    """Build an Interview from a parsed file; None when person or date is unusable."""
    issues = list(doc.issues)
    if doc.meta is None:
        return None, issues
    reader = _Reader(doc.meta, INTERVIEW_FIELDS, doc.controls)
    issues += reader.issues + _missing(doc.meta, reader, "interview")
    v = reader.values
    if not str(v.get("person", "")).strip() or "date" not in v:
        return None, issues
    # The scaffold's hints are prompts, not notes: never an insight, never a section's text.
    insights, actions, sections = extract(without_hints(doc.body), doc.body_line, headings)
    interview = Interview(
        id=path.stem,
        path=path,
        person=v["person"].strip(),
        date=v["date"],
        body=doc.body,
        body_line=doc.body_line,
        extra=reader.extra,
        lines=reader.lines,
        insights=insights,
        actions=actions,
        sections=sections,
        **{k: v[k] for k in INTERVIEW_FIELDS if k in v and k not in ("person", "date")},
    )
    return interview, issues
