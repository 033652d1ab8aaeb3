"""Text -> front matter nodes and body, with file line numbers. Never opens files.

YAML is composed, not constructed: every scalar stays the text the user typed, with its
position, so that `no`, `01234`, `1:30` or `2024-02-30` are never silently turned into a
boolean, an octal number, a sexagesimal or a crash. Anchors, aliases and tags are refused
before anything is expanded, and nesting depth is bounded, because notes are untrusted.
Only the parser's events are used, never a composer: libyaml's recursive composer crashes on
deep nesting, so nodes are assembled here, iteratively. Front matter of simple `key: value`
lines is read without the parser, to the same nodes (see `_simple`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, Union

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from tool.model import Severity
from tool.printable import has_controls

# libyaml's event parser is fast and iterative (its *composer* is what crashes on deep
# nesting, and it is not used). The pure-Python parser is the reference: libyaml's limits and
# wording change between releases (0.2.6 refuses 1,000 nested brackets while scanning ahead,
# before the depth check below sees an event), so a file libyaml refuses is read again by the
# reference, and every machine reports the same problem at the same place.
_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_REFERENCE: Any = yaml.BaseLoader
MAX_DEPTH = 32
BOM = "\ufeff"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CR = re.compile("\r")
_FENCE = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)  # `_CLOSE` as a whole line of a text
_BLANK_LINE = re.compile(r"^\s*$", re.M)  # a line `str.strip` leaves empty
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = frozenset({None, "!", _STR_TAG})  # `!` is a quoted or non-specific scalar
# Signs that a front matter runs on into the notes because its closing '---' is missing.
_HEADING = re.compile(r"#{1,6}[ \t]+\S")
_FIELD_OFF = re.compile(r"#+[ \t]*[\w-]+:(?:[ \t]|$)")  # `# private: true`: a field turned off
_FIELD = re.compile(r"[\w-]+:(?:[ \t]|$)")
_LABEL = re.compile(r"([^\s#:\[\]{}'\"&*!|>%@`-][^:#]*):(?:[ \t]|$)")  # "Next steps: ..."
# git's markers of a merge conflict left in the file: `<<<<<<< HEAD`, `>>>>>>> branch`.
_CONFLICT = re.compile(r"^(?:<{7,}|>{7,})(?: |$)", re.M)
_HASH_VALUE = re.compile(r"[ \t]*(#[^\s#].*)")  # `company: #1 Robotics`: YAML sees a comment


_MEANINGS = {
    "bool": "true/false",
    "int": "a number",
    "float": "a number",
    "timestamp": "a date",
    "null": "an empty value",
}
_YAML11 = Resolver()  # only used to tell what a YAML 1.1 reader would have made of a value
# The first characters of the values the resolver tries a pattern on; any other value is text
# (None: a pattern for any first character, which none of PyYAML's releases has).
_RESOLVED_FROM: frozenset[str] | None = (
    None
    if None in _YAML11.yaml_implicit_resolvers
    else frozenset(c for c in _YAML11.yaml_implicit_resolvers if c)
)


@dataclass(frozen=True, slots=True)
class Scalar:
    """A YAML scalar as typed, with its position in the file."""

    text: str
    line: int
    col: int
    plain: bool  # unquoted: YAML 1.1 readers may turn it into a non-string

    def yaml11_meaning(self) -> str | None:
        """The same, in words for a message: 'a number', 'true/false', 'a date'..."""
        if not self.plain:
            return None
        text = self.text  # as in `yaml11_type`, in one call: asked of most keys and values
        if text and _RESOLVED_FROM is not None and text[0] not in _RESOLVED_FROM:
            return None
        return _yaml11_meaning(text)

    def yaml11_type(self) -> str | None:
        """What another YAML 1.1 reader would make of this plain scalar, if not text."""
        if not self.plain:
            return None
        if self.text and _RESOLVED_FROM is not None and self.text[0] not in _RESOLVED_FROM:
            return None  # the resolver tries no pattern on it: text
        return _yaml11_type(self.text)


@lru_cache(maxsize=4096)  # keys and common values recur in every file
def _yaml11_meaning(text: str) -> str | None:
    kind = _yaml11_type(text)
    return None if kind is None else _MEANINGS.get(kind, f"a {kind}")


@lru_cache(maxsize=4096)
def _yaml11_type(text: str) -> str | None:
    # types-PyYAML leaves Resolver.resolve untyped; it returns the tag, a str.
    tag: str = _YAML11.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return None if tag == _STR_TAG else tag.rsplit(":", 1)[-1]


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[Node, ...]
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Map:
    items: tuple[tuple[Scalar, Node], ...]
    line: int
    col: int


Node = Union[Scalar, Seq, Map]  # noqa: UP007 - a runtime alias used in annotations above


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while reading a file: line/col are 1-based file positions."""

    line: int
    col: int
    message: str
    rule: str
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class Document:
    """A file split into front matter (None when unreadable) and body."""

    meta: Map | None
    body: str
    body_line: int  # file line on which the body starts
    issues: tuple[Issue, ...]
    # Whether a key or value may hold a control character: False when the front matter has
    # none and no backslash (an escape could write one), so no value needs looking at.
    controls: bool = True


class _Refused(Exception):
    def __init__(
        self, message: str, mark: _Mark | None, rule: str, at: tuple[int, int] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.at = at or _position(mark)


def decode(data: bytes) -> tuple[str | None, list[Issue]]:
    """Bytes -> text with `\\n` line ends, or None with the reason (invalid UTF-8, NUL...)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        valid = data[: exc.start]
        line = valid.count(b"\n") + 1
        col = exc.start - (valid.rfind(b"\n") + 1) + 1
        return None, [Issue(line, col, "file is not valid UTF-8 text", "encoding")]
    if text.startswith(BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    bad = _CONTROL.search(text) or ("\r" in text and _CR.search(text))
    if bad:
        before = text[: bad.start()]
        line = before.count("\n") + 1
        col = bad.start() - (before.rfind("\n") + 1) + 1
        what = "NUL byte" if bad.group() == "\0" else f"control character U+{ord(bad.group()):04X}"
        return None, [Issue(line, col, f"file contains a {what}", "encoding")]
    return text, []


def split(text: str) -> Document:
    """Split decoded text into front matter and body, and compose the front matter."""
    end = text.find("\n")
    if not _FENCE.fullmatch(text if end < 0 else text[:end]):
        return _no_front_matter(text)
    closing = _CLOSING.search(text, end + 1) if end >= 0 else None
    if closing is None:
        return Document(
            None,
            "",
            text.count("\n") + 2,
            (Issue(1, 1, "front matter is not closed: add a '---' line after it", "front-matter"),),
        )
    close = text.count("\n", 0, closing.start())  # the closing line's index
    body = text[closing.end() + 1 :]  # the lines after it
    body_line = close + 2
    source = text[end + 1 : max(end + 1, closing.start() - 1)]
    # A front matter that the shortcut reads has a `key:` line: it is not empty.
    simple = _simple(source) if SIMPLE else None
    if simple is None and _is_empty(source):
        return Document(
            None, body, body_line, (Issue(1, 1, "front matter is empty", "front-matter"),)
        )
    # Notes inside the front matter start after a gap: without a blank line, none.
    unclosed = _unclosed(text.split("\n"), close) if _BLANK_LINE.search(source) else []
    try:
        root = simple if simple is not None else _compose(source)
    except _Refused as exc:
        return Document(None, body, body_line, (*unclosed, Issue(*exc.at, exc.message, exc.rule)))
    except yaml.MarkedYAMLError as exc:
        message, mark = _syntax_message(exc, source)
        issue = _issue_at(mark, f"YAML syntax: {message}", "yaml-syntax")
        return Document(None, body, body_line, (*unclosed, issue))
    except yaml.YAMLError as exc:
        issue = Issue(2, 1, f"YAML syntax: {exc}", "yaml-syntax")
        return Document(None, body, body_line, (*unclosed, issue))
    if not isinstance(root, Map):
        return Document(
            None,
            body,
            body_line,
            (
                *unclosed,
                Issue(
                    root.line if root else 2,
                    root.col if root else 1,
                    "front matter must be a mapping of `key: value` lines",
                    "front-matter",
                ),
            ),
        )
    # No '#', no comment. YAML counts a line break more than '\n' (U+2028...): every line.
    hashes = _hash_values(root, text.split("\n")) if "#" in source else []
    issues = [*unclosed, *_check_keys(root), *hashes]
    controls = "\\" in source or has_controls(source)
    return Document(root, body, body_line, tuple(issues), controls)


def _no_front_matter(text: str) -> Document:
    """A file that does not start with '---': where its front matter seems to be, if anywhere."""
    for number, line in enumerate(text.split("\n"), start=1):
        if _FENCE.fullmatch(line) and number > 1:
            return Document(
                None,
                text,
                1,
                (
                    Issue(
                        number,
                        1,
                        "front matter must start on the first line of the file",
                        "front-matter",
                    ),
                ),
            )
    return Document(
        None,
        text,
        1,
        (
            Issue(
                1,
                1,
                "missing front matter (the file must start with a '---' line)",
                "front-matter",
            ),
        ),
    )


def _is_empty(source: str) -> bool:
    """Whether a front matter holds nothing but blank lines and comments."""
    return not source.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in source.split("\n")
    )


def _unclosed(lines: list[str], close: int) -> list[Issue]:
    """Warn where notes seem to start inside the front matter: its closing '---' is missing.

    Only after a blank line, where notes begin, and only lines that YAML would quietly take:
    a heading (a comment to YAML) or a `Label with spaces: text` line (a key to YAML).
    """
    after_gap = False
    for index in range(1, close):
        line = lines[index]
        if not line.strip():
            after_gap = True
        elif after_gap and line[0] not in " \t":
            following = lines[index + 1] if index + 1 < close else ""
            if _looks_like_notes(line, following):
                message = (
                    f"{line.strip()!r} looks like notes, yet it is read as front matter, which "
                    f"ends at the '---' on line {close + 1}; is the closing '---' missing above it?"
                )
                return [Issue(index + 1, 1, message, "front-matter-end", "warning")]
    return []


def _looks_like_notes(line: str, following: str) -> bool:
    if _HEADING.match(line) and not _FIELD_OFF.match(line):
        # A comment naming the fields below it is YAML; a heading is followed by text or a gap.
        return not (_FIELD.match(following) or following.startswith(("#", " ", "\t")))
    label = _LABEL.match(line)
    return label is not None and len(label.group(1).split()) > 1


def _hash_values(node: Node, lines: list[str], key: str = "", in_list: bool = False) -> list[Issue]:
    """Warn where a value starting with '#' was read as a comment, leaving the field empty."""
    if isinstance(node, Map):
        return [i for k, v in node.items for i in _hash_values(v, lines, k.text)]
    if isinstance(node, Seq):
        return [i for item in node.items for i in _hash_values(item, lines, key, True)]
    if node.text or not node.plain:
        return []
    if node.line > len(lines):  # YAML counts a lone CR or U+2028 as a line end; `lines` not
        return []
    found = _HASH_VALUE.match(lines[node.line - 1], node.col - 1)
    if found is None:
        return []
    comment = found.group(1).rstrip()
    quoted = "'" + comment.replace("'", "''") + "'"
    what, fixed = (
        (f"an item of {key!r}", f"- {quoted}") if in_list else (repr(key), f"{key}: {quoted}")
    )
    message = (
        f"{what} is empty because YAML reads {comment!r} as a comment; "
        f"if it is the value, write {fixed}"
    )
    return [Issue(node.line, found.start(1) + 1, message, "yaml-comment", "warning")]


def _syntax_message(exc: yaml.MarkedYAMLError, source: str) -> tuple[str, yaml.Mark | None]:
    """A short message, placed where the user has to look (an unclosed bracket's opening)."""
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    conflict = _CONFLICT.search(source)
    if conflict is not None:
        line = source.count("\n", 0, conflict.start())
        return (
            "an unresolved merge conflict: keep the lines you want and remove git's markers "
            "(<<<<<<<, =======, >>>>>>>)",
            yaml.Mark("", conflict.start(), line, 0, None, 0),
        )
    if "tab" in problem or "'\\t'" in problem:
        return "tab characters are not allowed for indentation in YAML", mark
    if mark is not None and mark.index >= len(source.rstrip()) and exc.context_mark is not None:
        opened = {
            "flow sequence": "'['",
            "flow mapping": "'{'",
            "flow node": "a '[' or '{'",
            "quoted scalar": "a quote",
        }
        what = next((v for k, v in opened.items() if k in (exc.context or "")), None)
        if what == "a '[' or '{'":
            # libyaml marks where the missing value was due; the user must look at the bracket.
            index = max(source.rfind("[", 0, mark.index), source.rfind("{", 0, mark.index))
            if index >= 0:
                line = source.count("\n", 0, index)
                column = index - (source.rfind("\n", 0, index) + 1)
                return f"'{source[index]}' is never closed", yaml.Mark(
                    "", index, line, column, None, 0
                )
        if what:
            return f"{what} is never closed", exc.context_mark
    if exc.context:
        return f"{problem} ({exc.context})", mark
    return problem, mark


def _issue_at(mark: yaml.Mark | None, message: str, rule: str) -> Issue:
    return Issue(*_position(mark), message, rule)


def _compose(source: str) -> Node | None:
    """Compose with the fast parser; a file it refuses, with the reference, for its answer."""
    try:
        return _compose_with(_LOADER, source)
    except yaml.YAMLError:
        if _LOADER is _REFERENCE:
            raise
    return _compose_with(_REFERENCE, source)


# Most front matter is `key: value` lines, each value plain words, a quoted string without
# escapes or a `[list, of, words]`: `split` reads those line by line, as the parser would, at a
# fraction of the cost of starting the parser and making a Python object of each of its events.
# Anything else (nesting, tabs, escapes, a comment after a value, a character YAML treats
# specially) goes to the parser; tests/test_parse_fast_path.py holds the two to the same
# nodes. `SIMPLE = False` turns the shortcut off, for those tests.
SIMPLE = True
# Characters that may stand in a plain scalar: printable to YAML (no C0 or C1 control, no
# line or paragraph separator, BOM or noncharacter), and not a space, `:` or `#`.
_SAFE = r"[^\x00-\x20\x7f-\x9f:#\u2028\u2029\ufeff\ufffe\uffff]"
# The first character of a plain scalar is none of YAML's indicators.
_START = r"[^\x00-\x20\x7f-\x9f:#\u2028\u2029\ufeff\ufffe\uffff\-?,\[\]{}&*!|>'\"%@`]"
# Inside a list, `,[]{}` end a plain scalar too, and `?` for the pure-Python parser.
_FLOW_SAFE = r"[^\x00-\x20\x7f-\x9f:#\u2028\u2029\ufeff\ufffe\uffff,?\[\]{}]"
_QUOTED_CHAR = r'[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\\"]'
_SINGLE_CHAR = r"[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff']"
_SIMPLE_LINE = re.compile(
    r"([A-Za-z_][A-Za-z0-9_-]{0,127}):"  # a key, short: YAML bounds a key's length
    r"(?: +(?:"
    rf"({_START}{_SAFE}*(?:(?::| +){_SAFE}+)*)"  # a plain value: no `: ` or ` #` in it
    rf"|\"({_QUOTED_CHAR}*)\""  # a double-quoted one without escapes
    rf"|'({_SINGLE_CHAR}*)'"  # a single-quoted one without ''
    r"|\[([^\[\]{}\n]*)\]"  # a list, read by _simple_items
    r"))? *"
)
_SIMPLE_ITEM = re.compile(
    rf" *(?:({_START}{_FLOW_SAFE}*(?: +{_FLOW_SAFE}+)*)"
    rf'|"((?:(?!,){_QUOTED_CHAR})*)"|\'((?:(?!,){_SINGLE_CHAR})*)\') *'
)
_COMMENT_LINE = re.compile(r"#[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]*| *")


def _simple(source: str) -> Map | None:
    """The nodes of a front matter of simple `key: value` lines; None: leave it to the parser."""
    items: list[tuple[Scalar, Node]] = []
    fullmatch = _SIMPLE_LINE.fullmatch
    for index, line in enumerate(source.split("\n"), start=2):
        found = fullmatch(line)
        if found is None:
            if _COMMENT_LINE.fullmatch(line):
                continue
            return None
        key, kind = found.group(1), found.lastindex or 1
        value: Node
        if kind == 1:  # `key:` alone: an empty plain value, placed right after the colon
            value = Scalar("", index, len(key) + 2, True)
        elif kind == 5:
            listed = _simple_items(found.group(5), index, found.start(5) + 1)
            if listed is None:
                return None
            value = Seq(listed, index, found.start(5))
        else:  # plain text from its first character, quoted text from its quote
            plain = kind == 2
            value = Scalar(found.group(kind), index, found.start(kind) + plain, plain)
        items.append((_key(key, index), value))
    if not items:
        return None
    return Map(tuple(items), items[0][0].line, 1)


@lru_cache(maxsize=1024)
def _key(text: str, line: int) -> Scalar:
    """A key at the start of a line: the same few recur on the same lines in every file."""
    return Scalar(text, line, 1, True)


def _simple_items(inside: str, line: int, col: int) -> tuple[Scalar, ...] | None:
    """The items of a one-line `[a, "b", c]` list: plain or quoted words, no empty item."""
    if not inside.strip(" "):
        return ()
    out = []
    for piece in inside.split(","):
        found = _SIMPLE_ITEM.fullmatch(piece)
        if found is None:
            return None
        if found.group(1) is not None:
            out.append(Scalar(found.group(1), line, col + found.start(1), True))
        elif found.group(2) is not None:
            out.append(Scalar(found.group(2), line, col + found.start(2) - 1, False))
        elif found.group(3) is not None:
            out.append(Scalar(found.group(3), line, col + found.start(3) - 1, False))
        else:
            return None
        col += len(piece) + 1
    return tuple(out)


def _compose_with(loader_class: Any, source: str) -> Node | None:
    """Build nodes from the parser's events, iteratively, refusing what notes must not use."""
    loader = loader_class(source)
    get_event = loader.get_event  # None after the last event, in both parsers
    stack: list[tuple[Any, list[Node]]] = []  # (start event, children) of open collections
    children: list[Node] = []  # those of the innermost open collection
    root: Node | None = None
    documents = 0
    try:
        while (event := get_event()) is not None:
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag not in _PLAIN_TAGS:
                    _refuse_anchor_and_tag(event)
                mark = event.start_mark
                node: Node = Scalar(event.value, mark.line + 2, mark.column + 1, not event.style)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                start, done = stack.pop()
                node = _collection(start, done)
                children = stack[-1][1] if stack else []
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag not in _PLAIN_TAGS:
                    _refuse_anchor_and_tag(event)
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(
                        f"front matter is nested more than {MAX_DEPTH} levels deep",
                        event.start_mark,
                        "yaml-depth",
                    )
                children = []
                stack.append((event, children))
                continue
            elif kind is AliasEvent:
                raise _Refused(
                    "YAML aliases (*name) are not allowed", event.start_mark, "yaml-alias"
                )
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused(
                        "front matter must be a single YAML document",
                        event.start_mark,
                        "yaml-syntax",
                    )
                continue
            else:
                continue
            if stack:
                children.append(node)
            else:
                root = node
    finally:
        loader.dispose()
    return root


def _refuse_anchor_and_tag(event: Any) -> None:
    if event.anchor:
        raise _Refused("YAML anchors (&name) are not allowed", event.start_mark, "yaml-alias")
    if event.tag not in _PLAIN_TAGS:
        shown = event.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(f"YAML tag {shown} is not allowed", event.start_mark, "yaml-tag")


class _Mark(Protocol):
    """Where an event or error starts: PyYAML and libyaml each have their own Mark class."""

    line: int
    column: int


def _position(mark: _Mark | None) -> tuple[int, int]:
    if mark is None:  # parser events always have one; the first line of the front matter
        return 2, 1
    return mark.line + 2, mark.column + 1  # +2: the opening '---' is line 1 of the file


def _collection(start: Any, children: list[Node]) -> Node:
    mark = start.start_mark
    line, col = mark.line + 2, mark.column + 1
    if type(start) is SequenceStartEvent:
        return Seq(tuple(children), line, col)
    keys = children[::2]
    for key in keys:
        if type(key) is not Scalar:
            raise _Refused(
                "keys must be plain text, not lists or mappings",
                None,
                "yaml-key",
                (key.line, key.col),
            )
    return Map(tuple(zip(keys, children[1::2], strict=True)), line, col)  # type: ignore[arg-type]


def _check_keys(root: Map) -> list[Issue]:
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for key, _ in root.items:
        kind = key.yaml11_meaning()
        if kind is not None:
            issues.append(
                Issue(
                    key.line,
                    key.col,
                    f"key {key.text!r} would be read as {kind} by other YAML tools; quote it",
                    "yaml-key",
                )
            )
        if key.text in seen:
            first = seen[key.text]
            issues.append(
                Issue(
                    first,
                    1,
                    f"duplicate key {key.text!r} (also on line {key.line})",
                    "duplicate-key",
                )
            )
            issues.append(
                Issue(
                    key.line,
                    key.col,
                    f"duplicate key {key.text!r} (first on line {first})",
                    "duplicate-key",
                )
            )
        else:
            seen[key.text] = key.line
    return issues


def to_python(node: Node) -> object:
    """Plain Python value of a node: text stays text."""
    if isinstance(node, Scalar):
        return node.text
    if isinstance(node, Seq):
        return [to_python(n) for n in node.items]
    return {k.text: to_python(v) for k, v in node.items}
