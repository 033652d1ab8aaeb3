"""Text -> the same record, normalised: key order, quoting, dates, list style, line ends. Pure.

A line and token rewriter over the front matter, not a dump of parsed data: comments, blank
lines, the user's own keys and anything it does not understand are kept as written, and the
body is left byte for byte (only its trailing blank lines become one line end). Every result
is read back and compared with the original before it is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)

from tool.model import NoSuchDay, NotADate, parse_date, parse_time
from tool.parse.frontmatter import BOM, Document, Scalar, decode, split
from tool.parse.records import (
    BOOL,
    DATE,
    INT,
    INTERVIEW_FIELDS,
    LIST,
    PERSON_FIELDS,
    TEXT,
    TIME,
    WHOLE,
    read_fields,
)

# The documented order of each kind's keys: the order of its field definitions.
ORDER: dict[str, tuple[str, ...]] = {
    "person": tuple(PERSON_FIELDS),
    "interview": tuple(INTERVIEW_FIELDS),
}
_KINDS = {"person": PERSON_FIELDS, "interview": INTERVIEW_FIELDS}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
# Booleans of YAML 1.1 readers that PyYAML's resolver leaves out (Go's yaml.v2 has them),
# and YAML 1.2's octal numbers.
_ALSO_MISREAD = re.compile(r"[yYnN]|[-+]?0o[0-7_]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
_NEEDS_ESCAPE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]"
)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}:]")


class Unformattable(ValueError):
    """A file that cannot be formatted safely, and the line to look at."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def misread(text: str) -> bool:
    """Whether a YAML reader other than ours would take this unquoted text for a non-string."""
    plain = Scalar(text, 0, 0, plain=True)
    return plain.yaml11_type() is not None or bool(_ALSO_MISREAD.fullmatch(text))


def _plain_ok(text: str, flow: bool) -> bool:
    """Whether `text` unquoted is one plain scalar of this text, in a block or a flow list."""
    if not text or text != text.strip() or _NEEDS_ESCAPE.search(text) or "\t" in text:
        return False
    if text[0] in _INDICATORS and not (text[0] == "-" and len(text) > 1 and text[1] != " "):
        return False
    if ": " in text or text.endswith(":") or " #" in text:
        return False
    return not (flow and _FLOW_UNSAFE.search(text))


def quote(text: str) -> str:
    """`text` quoted for YAML: double quotes, single when it holds `"` or `\\`, else escaped."""
    if not _NEEDS_ESCAPE.search(text):
        if '"' not in text and "\\" not in text:
            return f'"{text}"'
        if "'" not in text:
            return f"'{text}'"
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _NEEDS_ESCAPE.match(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def scalar(text: str, flow: bool = False) -> str:
    """`text` as a YAML scalar every reader reads back as that text: plain when it can be."""
    return text if _plain_ok(text, flow) and not misread(text) else quote(text)


@dataclass(frozen=True)
class _Tok:
    """A scalar as the parser saw it: text, quoting ('' when plain), where it lies (0-based)."""

    value: str
    style: str
    line: int
    col: int
    end_line: int
    end_col: int


def _tok(event: ScalarEvent) -> _Tok:
    start, end = event.start_mark, event.end_mark
    assert start is not None and end is not None  # both parsers mark every event
    return _Tok(event.value, event.style or "", start.line, start.column, end.line, end.column)


@dataclass
class _Entry:
    """One top-level `key: value` of the front matter, and the lines it spans (0-based)."""

    key: _Tok
    value: _Tok | None  # None for a list or mapping
    flow: bool | None  # for a list: written [a, b]; None when the value is not a list
    items: list[_Tok] | None  # a list's items, when all are scalars
    first: int
    last: int  # with the indented comments below it
    index: int
    end: int = -1  # the last line of the value itself

    def __post_init__(self) -> None:
        self.end = self.last


def format_text(text: str, kind: str) -> str:
    """The file `text` of a `kind` record ("person" or "interview"), formatted.

    Raises Unformattable when the file cannot be read, or when the result would not read
    back as the same data.
    """
    bom = BOM if text.startswith(BOM) else ""
    raw = text[len(bom) :]
    normal, issues = decode(raw.encode("utf-8"))
    if normal is None:
        raise Unformattable(issues[0].line, issues[0].message)
    doc = split(normal)
    if doc.meta is None:
        first = min(doc.issues, key=lambda i: (i.severity != "error", i.line))
        raise Unformattable(first.line, first.message)
    raw_lines = raw.split("\n")
    close = doc.body_line - 2  # the line of the closing fence
    eol = "\r\n" if raw_lines[0].endswith("\r") else "\n"
    front = _front_matter(normal.split("\n")[1:close], kind)
    body = _body(raw_lines[close + 1 :], eol)
    formatted = bom + eol.join(["---", *front, "---"]) + eol + body
    if formatted != text:
        _same_data(doc, formatted, kind)
    return formatted


def _body(lines: list[str], eol: str) -> str:
    """The body's lines as they are, with its trailing blank lines made one line end."""
    count = len(lines)
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if not lines:
        return ""
    ending = "\n" if len(lines) < count else eol  # a last line without a line end gets one
    return "\n".join(lines) + ending


def _same_data(before: Document, formatted: str, kind: str) -> None:
    """Refuse a result that reads back differently from the original."""
    normal, _ = decode(formatted.removeprefix(BOM).encode("utf-8"))
    after = split(normal or "")
    if after.meta is None or before.meta is None:
        raise Unformattable(1, "formatting would make the front matter unreadable; left as it is")
    if read_fields(after.meta, kind) != read_fields(before.meta, kind):
        old, new = read_fields(before.meta, kind), read_fields(after.meta, kind)
        changed = sorted(k for k in {*old[0], *new[0]} if old[0].get(k) != new[0].get(k))
        changed += sorted(k for k in {*old[1], *new[1]} if old[1].get(k) != new[1].get(k))
        key = changed[0] if changed else ""
        line = next((k.line for k, _ in before.meta.items if k.text == key), 1)
        raise Unformattable(
            line, f"formatting would change the value of {key!r}; left as it is, fix it by hand"
        )
    if after.body.rstrip() != before.body.rstrip():
        raise Unformattable(before.body_line, "formatting would change the notes; left as it is")


def _front_matter(lines: list[str], kind: str) -> list[str]:
    """The front matter's lines (without fences), keys in order and values normalised."""
    entries = _entries("\n".join(lines))
    if entries is None:
        return lines  # a flow mapping or an indented one: kept as written
    entries = _trimmed(entries, lines)
    fields = _KINDS[kind]
    trivia: list[list[str]] = []
    start = 0
    for entry in entries:
        trivia.append([line.strip() for line in lines[start : entry.first]])  # at column 1
        start = entry.last + 1
    footer = [line.strip() for line in lines[start:]]
    if any(line and not line.startswith("#") for t in [*trivia, footer] for line in t):
        return lines  # something between entries that is neither a comment nor blank
    header: list[str] = []
    if entries and "" in trivia[0]:
        cut = len(trivia[0]) - trivia[0][::-1].index("")
        header, trivia[0] = trivia[0][:cut], trivia[0][cut:]
    placed = sorted(
        zip(entries, trivia, strict=True),
        key=lambda pair: (rank(pair[0].key.value, kind), pair[0].index),
    )
    out = [(line, True) for line in header]
    for entry, lead in placed:
        out += [(line, True) for line in lead]
        out += [(line, False) for line in _render(entry, lines, fields.get(entry.key.value))]
    out += [(line, True) for line in footer]
    result = _blank_lines(out)
    last = placed[-1][0]
    if last is not entries[-1] and _is_block(last) and not any(footer) and result[-1]:
        # The front matter is read without its final line end: a block moved to the end
        # keeps its own with a blank line after it.
        result.append("")
    return result


def _is_block(entry: _Entry) -> bool:
    return entry.value is not None and entry.value.style in ("|", ">")


def rank(key: str, kind: str) -> int:
    """Where `key` comes in the documented order of a `kind` record: the user's own keys last."""
    order = ORDER[kind]
    return order.index(key) if key in order else len(order)


def _blank_lines(lines: list[tuple[str, bool]]) -> list[str]:
    """No blank line between comments and keys at the start or end, nor two in a row.

    Blank lines inside a value (a `|` block) are the value's, and stay.
    """
    out: list[tuple[str, bool]] = []
    for line, trivia in lines:
        if trivia and not line and (not out or not out[-1][0].strip()):
            continue
        out.append((line, trivia))
    while out and out[-1] == ("", True):
        out.pop()
    return [line for line, _ in out]


def _entries(source: str) -> list[_Entry] | None:
    """The top-level entries of a block mapping; None for any other shape."""
    events: list[Any]
    try:
        events = list(yaml.parse(source, Loader=_LOADER))
    except yaml.YAMLError:
        events = list(yaml.parse(source, Loader=yaml.BaseLoader))
    first = next(
        i for i, e in enumerate(events) if isinstance(e, (ScalarEvent, CollectionStartEvent))
    )
    if not isinstance(events[first], MappingStartEvent) or events[first].flow_style:
        return None
    entries: list[_Entry] = []
    i = first + 1
    while isinstance(events[i], ScalarEvent):
        key, start = _tok(events[i]), events[i + 1]
        if key.col != 0:
            return None
        i += 2
        if isinstance(start, ScalarEvent):
            value = _tok(start)
            entries.append(_Entry(key, value, None, None, key.line, _last(value), len(entries)))
            continue
        # A block collection's end event is marked where the next token starts: the value
        # ends where its last scalar or flow collection does.
        open_, children, end = [start], [], (key.end_line, key.end_col)
        while open_:
            event = events[i]
            i += 1
            if len(open_) == 1 and not isinstance(event, CollectionEndEvent):
                children.append(event)
            if isinstance(event, CollectionStartEvent):
                open_.append(event)
            elif isinstance(event, CollectionEndEvent):
                if open_.pop().flow_style and event.end_mark is not None:
                    end = (event.end_mark.line, event.end_mark.column)
            elif isinstance(event, ScalarEvent):
                item = _tok(event)
                end = (item.end_line, item.end_col)
        seq = isinstance(start, SequenceStartEvent)
        items = (
            [_tok(c) for c in children]
            if seq and all(isinstance(c, ScalarEvent) for c in children)
            else None
        )
        last = end[0] if end[1] > 0 else end[0] - 1
        entries.append(
            _Entry(
                key,
                None,
                bool(start.flow_style) if seq else None,
                items,
                key.line,
                max(last, key.line),
                len(entries),
            )
        )
    return entries


def _last(tok: _Tok) -> int:
    """The last line holding a scalar's text (a `|` block's end is marked on the next line)."""
    return max(tok.line, tok.end_line if tok.end_col > 0 else tok.end_line - 1)


def _trimmed(entries: list[_Entry], lines: list[str]) -> list[_Entry]:
    """Each entry's lines: with the indented comments after it (`  # - an item`), and without
    the blank lines that end a `|` block (those go with what follows).

    A block that keeps its final blank lines (`|+`) then reads differently, and is refused.
    """
    for entry, after in zip(entries, [*(e.first for e in entries[1:]), len(lines)], strict=True):
        if _is_block(entry) and after == len(lines):
            # The last block's blank lines are its own: the front matter ends on them.
            while entry.last + 1 < after and not lines[entry.last + 1].strip():
                entry.last += 1
        while entry.last > entry.first and not lines[entry.last].strip() and after < len(lines):
            entry.last -= 1
        entry.end = entry.last
        while (
            entry.last + 1 < after
            and lines[entry.last + 1][:1] in (" ", "\t")
            and lines[entry.last + 1].lstrip().startswith("#")
        ):
            entry.last += 1
    return entries


def _render(entry: _Entry, lines: list[str], kind: str | None) -> list[str]:
    """The entry's lines, normalised where it is one of the shapes understood; else as is."""
    verbatim = lines[entry.first : entry.last + 1]
    key = entry.key
    if key.end_line != key.line:
        return verbatim
    key_text = lines[key.line][key.col : key.end_col]
    if not key.style and misread(key.value):
        key_text = quote(key.value)
    rendered: tuple[str, str] | None = None
    after: list[str] = []  # indented comments below a scalar, kept below it
    if entry.value is not None:
        rendered = _scalar_entry(entry.key, entry.value, lines, kind)
        after = [line.rstrip() for line in lines[_last(entry.value) + 1 : entry.last + 1]]
    elif entry.items is not None and not any(
        (not i.style and i.value == "") or i.line != i.end_line for i in entry.items
    ):
        rendered = _list_entry(entry, lines, kind)
    if rendered is None:
        return verbatim
    token, comment = rendered
    line = f"{key_text}:" + (f" {token}" if token else "")
    return [line + comment, *after]


def _comment(rest: str) -> str | None:
    """The comment after a value, with the space before it ('' if none); None if not one."""
    rest = rest.rstrip()
    if not rest:
        return ""
    gap = rest[: len(rest) - len(rest.lstrip())] or " "
    return gap + rest.lstrip() if rest.lstrip().startswith("#") else None


def _scalar_entry(
    key: _Tok, value: _Tok, lines: list[str], kind: str | None
) -> tuple[str, str] | None:
    """The normalised value and the comment after it; None to keep the entry as written."""
    if value.style in ("|", ">"):
        return None
    if not value.style and value.value == "":
        after = lines[key.end_line][key.end_col :].lstrip()
        comment = _comment(after[1:] if after.startswith(":") else after)
        return None if comment is None else ("", comment)
    before = [lines[key.end_line][key.end_col :], *lines[key.end_line + 1 : value.line]]
    if value.line != key.end_line and any("#" in line for line in before):
        return None  # a comment between the key and its value: kept where it is
    comment = _comment(lines[value.end_line][value.end_col :])
    if comment is None:
        return None
    one_line = value.line == value.end_line
    raw = lines[value.line][value.col : value.end_col] if one_line else None
    if kind == LIST and not (not value.style and value.value in _NULLS):
        return None if raw is None else (f"[{_item(value, raw, known=True)}]", comment)
    return _value(kind, value, raw), comment


def _value(kind: str | None, tok: _Tok, raw: str | None) -> str:
    """The normalised token for a scalar of a field of `kind` (None: the user's own key)."""
    text, plain = tok.value, not tok.style
    if plain and text in _NULLS:
        return raw if raw is not None else text
    if kind == DATE:
        try:
            return parse_date(text).isoformat()
        except (NotADate, NoSuchDay):
            pass
    elif kind == TIME:
        try:
            return f'"{parse_time(text)}"'
        except ValueError:
            pass
    elif kind == INT and WHOLE.fullmatch(text.strip()):
        return str(int(text.strip()))
    elif kind == BOOL and text.strip().lower() in ("true", "false"):
        return text.strip().lower()
    elif plain and misread(text) and (kind == TEXT or ":" in text):
        return quote(text)  # validate's yaml-1.1 warning, for fields and the user's own keys
    if raw is not None:
        return raw
    return scalar(text) if plain else quote(text)


def _item(tok: _Tok, raw: str, known: bool) -> str:
    """A list item's token in a flow list: quoted where a flow list or a reader needs it."""
    if tok.style or tok.value in _NULLS:
        return raw
    if (known and misread(tok.value)) or not _plain_ok(tok.value, flow=True):
        return quote(tok.value)
    return raw


def _list_entry(entry: _Entry, lines: list[str], kind: str | None) -> tuple[str, str] | None:
    """A list of one-line scalars as `[a, b]`, unless comments sit inside it."""
    items = entry.items or []
    # Blank out the key and every item; what is left must be punctuation, and one comment
    # at most: after the key of a block list, or after the `]` of a flow list.
    left = [list(line) for line in lines[entry.first : entry.last + 1]]
    for tok in (entry.key, *items):
        row = left[tok.line - entry.first]
        row[tok.col : tok.end_col] = " " * (tok.end_col - tok.col)
    comments: list[tuple[int, str]] = []
    for number, row in enumerate(left):
        text = "".join(row)
        at = text.find("#")
        if at >= 0:
            gap = text[:at]
            comments.append(
                (number, " " * max(1, len(gap) - len(gap.rstrip())) + text[at:].rstrip())
            )
            text = text[:at]
        if text.strip(" \t-[],:"):
            return None
    if len(comments) > 1:
        return None
    comment = ""
    if comments:
        number, comment = comments[0]
        where = entry.end - entry.first if entry.flow else 0
        if number != where:
            return None
    tokens = []
    for item in items:
        raw = lines[item.line][item.col : item.end_col]
        tokens.append(_item(item, raw, known=kind == LIST))
    return "[" + ", ".join(tokens) + "]", comment


def insert_field(text: str, key: str, token: str, kind: str) -> tuple[str, int]:
    """`text` with a `key: token` line where the documented order puts it, and that line.

    Above the first key that comes after it in the order (and above that key's comments),
    else last; with the line end of the line it goes above. Every other byte is kept.
    """
    normal, _ = decode(text.removeprefix(BOM).encode("utf-8"))
    doc = split(normal) if normal is not None else None
    if doc is None or doc.meta is None:
        raise Unformattable(1, "the front matter cannot be read")
    found = normal.split("\n") if normal is not None else []
    index = doc.body_line - 2  # the closing fence
    if key in ORDER[kind]:
        later = [
            k.line - 1
            for k, _ in doc.meta.items
            if k.col == 1 and rank(k.text, kind) > rank(key, kind)
        ]
        if later:
            index = later[0]
            while index > 1 and found[index - 1].lstrip().startswith("#"):
                index -= 1
    lines = text.split("\n")
    eol = "\r" if lines[index].endswith("\r") else ""
    lines.insert(index, f"{key}:{' ' + token if token else ''}{eol}")
    return "\n".join(lines), index + 1


def kind_of(rel: str) -> str | None:
    """ "person" or "interview" for a KB-relative path of a record file, else None."""
    parts = rel.split("/")
    if len(parts) != 2 or not parts[1].endswith(".md"):
        return None
    return {"people": "person", "interviews": "interview"}.get(parts[0])
