"""Markdown body -> sections, insights (with #topics) and action items, with file lines."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from tool.model import ActionItem, Insight, Section, heading_matches

try:  # what markdown-it trims from block text; before 4.x it used `str.strip()`
    from markdown_it.common.utils import MD_TRIM_CHARS as _TRIM
except ImportError:  # pragma: no cover - older markdown-it-py
    _TRIM = None  # type: ignore[assignment]

DEFAULT_HEADINGS = {"insights": "Insights", "questions": "Questions", "notes": "Notes"}
# A task-list item's text starts with a box, `[ ]` or `[x]`, then blanks or the end of it.
TASK_BOX = re.compile(r"\[([ xX])\](?:[ \t]+|$)")
# A topic starts with a letter, so "#1" or "#2026" in prose are not topics; it ends on a
# letter or digit, so "#skills-" at a sentence break is "skills".
_TOPIC = re.compile(r"(?<![\w&#/])#([^\W\d_](?:[\w-]*\w)?)")
# Anything that is not plain text (code, escapes like `\#`, entities, HTML) breaks a topic.
_BREAK = "\x00"


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    # Without text_join, escapes (`\#`) and entities (`&#35;`) stay separate tokens, so an
    # escaped `#` never starts a topic. Inline parsing is left out here and done by
    # `_inline` only for the headings and insights that need it: a third of the time.
    return MarkdownIt("commonmark").disable(["text_join", "inline"])


def _inline(tok: Token, env: dict[str, object]) -> Token:
    """Give an inline token from `_md().parse(body, env)` its children (links, code, text)."""
    if not tok.children:
        md = _md()
        tok.children = []
        md.inline.parse(tok.content, md, env, tok.children)
    return tok


def plain_text(inline: Token) -> str:
    """The visible text of an inline token, without Markdown markup."""
    shown = ("text", "text_special", "code_inline")
    return "".join(c.content for c in inline.children or () if c.type in shown).strip()


def topics_in(inline: Token) -> tuple[str, ...]:
    """`#words` in an inline token's plain text, as written: not in code, links or HTML."""
    parts: list[str] = []
    depth = 0
    for child in inline.children or ():
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        parts.append(child.content if child.type == "text" and depth == 0 else _BREAK)
    found = [m.group(1) for m in _TOPIC.finditer("".join(parts))]
    return tuple(dict.fromkeys(found))


def task_box(text: str) -> tuple[bool, str] | None:
    """(ticked, the text after the box) if a list item's text, as written, is a task; else None.

    The one rule for action items and for the ticked boxes of the digest; a box alone has
    no text after it.
    """
    joined = " ".join(line.strip() for line in text.split("\n")).strip()
    found = TASK_BOX.match(joined)
    return (found.group(1) != " ", joined[found.end() :].strip()) if found else None


def extract(
    body: str, body_line: int, headings: dict[str, str] | None = None
) -> tuple[tuple[Insight, ...], tuple[ActionItem, ...], tuple[Section, ...]]:
    """Parse a body once and return its insights, action items and `##` sections.

    Insights are the list items, nested ones included, under the insights heading (see
    `DEFAULT_HEADINGS`, overridden by `[headings]` in tool.toml) up to the next heading of
    the same or a higher level. Action items are task-list items anywhere.
    """
    names = {**DEFAULT_HEADINGS, **{k: v for k, v in (headings or {}).items() if v.strip()}}
    env: dict[str, object] = {}  # link reference definitions, for `[text][ref]` links
    blocks = _Scanner.blocks(body)
    if blocks is None:  # a construct the scanner leaves to markdown-it
        blocks = _blocks_of(_md().parse(body, env))
    insights: list[Insight] = []
    actions: list[ActionItem] = []
    sections: list[Section] = []
    in_insights_level: int | None = None
    for level, line, content in blocks:
        if level:
            title = _plain_text_of(content, env)
            if in_insights_level is not None and level <= in_insights_level:
                in_insights_level = None
            if in_insights_level is None and heading_matches(title, names["insights"]):
                in_insights_level = level
            if level == 2:
                sections.append(Section(title, "", body_line + line))
            continue
        if "\n" in content:
            text = " ".join(ln.strip() for ln in content.split("\n")).strip()
        else:
            text = content.strip()
        box = TASK_BOX.match(text)  # `task_box`, on text already joined
        if box:
            rest = text[box.end() :].strip()
            if rest:  # a box alone is no action, nor an insight
                actions.append(ActionItem(rest, box.group(1) != " ", body_line + line))
        elif in_insights_level is not None:
            insights.append(Insight(text, _topics_of(content, env), body_line + line))
    lines = body.split("\n")
    return tuple(insights), tuple(actions), _fill_sections(sections, lines, body_line)


# What `extract` needs of a body, in document order: (heading level, line, text) for each
# heading at the top of the document, (0, line, text) for each list item whose first block
# is a paragraph. Lines are 0-based in the body; text is the inline source, not yet parsed.
Block = tuple[int, int, str]


def _blocks_of(tokens: list[Token]) -> list[Block]:
    """The blocks `extract` reads, from markdown-it's tokens."""
    found: list[Block] = []
    for i, tok in enumerate(tokens):
        # Only headings at the top of the document delimit sections: a heading inside a
        # list item or a block quote is part of that item.
        if tok.type == "heading_open" and tok.level == 0 and tok.map:
            found.append((int(tok.tag[1:]), tok.map[0], tokens[i + 1].content))
        elif (
            tok.type == "list_item_open"
            and tokens[i + 1].type == "paragraph_open"
            and (inline := tokens[i + 2]).map
        ):
            found.append((0, inline.map[0], inline.content))
    return found


# Inline source without these characters is one run of text to markdown-it (no emphasis,
# code, links, escapes, entities, HTML or line breaks), so it needs no parse.
_INLINE_MARKUP = re.compile(r"[\n\\`*_\[\]!<&~]")


def _plain_text_of(content: str, env: dict[str, object]) -> str:
    """`plain_text` of inline source; text without markup is its own plain text."""
    if _INLINE_MARKUP.search(content) is None:
        return content.strip()
    return plain_text(_inline(Token("inline", "", 0, content=content), env))


def _topics_of(content: str, env: dict[str, object]) -> tuple[str, ...]:
    """`topics_in` of inline source; text without markup is one text token."""
    if _INLINE_MARKUP.search(content) is None:
        return tuple(dict.fromkeys(_TOPIC.findall(content)))
    return topics_in(_inline(Token("inline", "", 0, content=content), env))


def _is_break(text: str) -> bool:
    """Whether a line's text from its first non-blank is a thematic break (`***`, `- - -`)."""
    if not text or text[0] not in "*-_":
        return False
    return not text.strip(text[0] + " \t") and text.count(text[0]) >= 3


def _atx_heading(text: str) -> tuple[int, str] | None:
    """(level, text) if a line's text from its first non-blank is a `#` heading."""
    hashes = len(text) - len(text.lstrip("#"))
    if not hashes or hashes > 6 or (len(text) > hashes and text[hashes] not in " \t"):
        return None
    rest = text[hashes:].rstrip(" \t")
    closed = rest.rstrip("#")  # a closing sequence counts only after a blank
    if len(closed) < len(rest) and closed and closed[-1] in " \t":
        rest = closed
    return hashes, rest.strip(_TRIM)


def _list_marker(text: str, first: int) -> tuple[int, bool]:
    """Where the text after a list marker at `first` starts (-1 if none), and if ordered."""
    pos = first
    while pos < len(text) and text[pos] in "0123456789":
        pos += 1
    if pos > first:
        if pos - first > 9 or pos >= len(text) or text[pos] not in ".)":
            return -1, True
        pos += 1
        ordered = True
    elif pos < len(text) and text[pos] in "*-+":
        pos += 1
        ordered = False
    else:
        return -1, False
    if pos < len(text) and text[pos] not in " \t":
        return -1, ordered
    return pos, ordered


def _left_to_markdown_it(text: str, references: bool) -> bool:
    """Whether a line's text may start a fence, quote, HTML block or reference definition."""
    return text.startswith((">", "<", "```", "~~~")) or (references and text.startswith("["))


def _starts_block(text: str, scanner: _Scanner) -> bool:
    """Whether text at the start of a list item begins a block other than a paragraph."""
    if text[0] not in _BLOCK_START:
        return False
    if _left_to_markdown_it(text, scanner.references):
        return True
    return _is_break(text) or _list_marker(text, 0)[0] >= 0 or _atx_heading(text) is not None


class _Fallback(Exception):
    """The body has a construct the scanner does not read: markdown-it reads it instead."""


# Characters that the markdown-it line tracking treats as blanks at a line's start; the
# scanner leaves tabs (column arithmetic), CR and NUL (normalised by markdown-it) to it.
_NOT_SCANNED = re.compile(r"[\t\r\0]")
# The first characters of every block but a paragraph or indented code, among the rules the
# scanner reads or leaves to markdown-it: a line starting otherwise is paragraph text.
_BLOCK_START = frozenset("*-_+#0123456789>`~<[")
_MAX_NESTING = 20  # markdown-it's commonmark preset: deeper bodies go to markdown-it
# A list item's first line whose text starts with none of `_BLOCK_START` and no blank: in
# `flat`, it can only be an item (or, `2.` after a paragraph, that paragraph's text).
_ITEM_START = frozenset("*+-0123456789")
_SIMPLE_ITEM = re.compile(r"(?:[*+-]|(\d{1,9})[.)]) {1,4}(?=[^ *\-_+#0-9>`~<\[])")
# The same, where `[` starts no reference definition (the body has no `]:`): a task's box.
_SIMPLE_ITEM_OR_TASK = re.compile(r"(?:[*+-]|(\d{1,9})[.)]) {1,4}(?=[^ *\-_+#0-9>`~<])")


class _Scanner:
    """markdown-it's block tokenizer (commonmark preset), cut down to what `extract` needs.

    It follows markdown-it's rules line for line (paragraphs, ATX and setext headings,
    thematic breaks, indented code and lists, with markdown-it's own quirks), on an array
    of line indents, and emits `Block`s instead of tokens. Fences, block quotes, HTML
    blocks, link reference definitions, tabs and very deep nesting raise `_Fallback`.
    tests/test_body_scanner.py holds it to markdown-it's answer on many bodies.
    """

    def __init__(self, body: str) -> None:
        lines = body.split("\n")
        if not lines[-1].strip(" "):  # markdown-it gives a last blank line no marker
            lines.pop()
        self.max = len(lines)
        self.lines = [*lines, ""]  # markdown-it's fake last line, always empty
        # The column where a line's content starts; markdown-it's tShift and sCount, which
        # are equal without tabs. A list item moves it past its marker while it is read.
        # Filled only for the full rules: `flat` has no use for it.
        self.ind: list[int] = []
        self.references = "]:" in body
        self.blk = 0  # blkIndent
        self.list_indent = -1
        self.parent = "root"
        self.line = 0
        self.level = 0
        self.item_open = False  # a list item was opened and nothing is in it yet
        self.found: list[Block] = []

    @classmethod
    def blocks(cls, body: str) -> list[Block] | None:
        """The blocks of `body`, or None when markdown-it must read it."""
        if _NOT_SCANNED.search(body):
            return None
        scanner = cls(body)
        try:
            flat = scanner.flat()
            if flat is not None:
                return flat
            scanner.ind = [len(ln) - len(ln.lstrip(" ")) for ln in scanner.lines]
            scanner.tokenize(0, scanner.max)
        except _Fallback:
            return None
        return scanner.found

    def flat(self) -> list[Block] | None:
        """The blocks of a body whose every line starts in column 0, as most notes do.

        Without indented lines, a list item is one paragraph, ended by a blank line, a
        heading or another item, and lazily continued by any other line; the rules reduce
        to one pass over the lines. None, for the full rules, on an indented line, a
        thematic break, a setext underline, an empty list item, an item that starts with
        another block, or one whose marker is followed by code.
        """
        found: list[Block] = []
        item: list[str] = []  # the lines of the open list item's paragraph
        item_line = 0
        paragraph = False  # a paragraph outside lists is open
        simple_item = (_SIMPLE_ITEM if self.references else _SIMPLE_ITEM_OR_TASK).match
        for n in range(self.max):
            text = self.lines[n]
            if not text or text[0] == " ":
                if text.strip(" "):
                    return None
                if item:
                    found.append((0, item_line, "\n".join(item).strip(_TRIM)))
                    item = []
                paragraph = False
                continue
            first = text[0]
            if first in _ITEM_START and (simple := simple_item(text)) is not None:
                # A list item whose text starts with a letter, as most do: none of the
                # checks below can match it but the marker's.
                ordered = first not in "*+-"
                if not (paragraph and ordered and int(simple.group(1)) != 1):
                    if item:
                        found.append((0, item_line, "\n".join(item).strip(_TRIM)))
                    item, item_line, paragraph = [text[simple.end() :]], n, False
                    continue
            elif first == "#":  # a heading, or paragraph text: nothing else starts so
                heading = _atx_heading(text)
                if heading is not None:
                    if item:
                        found.append((0, item_line, "\n".join(item).strip(_TRIM)))
                        item = []
                    found.append((heading[0], n, heading[1]))
                    paragraph = False
                    continue
            elif first in _BLOCK_START or first == "=":
                if text[0] in "-=" and not text.rstrip(" ").strip(text[0]):
                    return None  # a setext underline, or a thematic break
                if _left_to_markdown_it(text, self.references):
                    raise _Fallback
                if _is_break(text):
                    return None
                after, ordered = _list_marker(text, 0)
                # After a paragraph outside lists, only `1.` starts an ordered list.
                if after >= 0 and not (paragraph and ordered and int(text[: after - 1]) != 1):
                    rest = text[after:]
                    start = rest.lstrip(" ")
                    if not start or len(rest) - len(start) > 4 or _starts_block(start, self):
                        return None
                    if item:
                        found.append((0, item_line, "\n".join(item).strip(_TRIM)))
                    item, item_line, paragraph = [start], n, False
                    continue
                heading = _atx_heading(text)
                if heading is not None:
                    if item:
                        found.append((0, item_line, "\n".join(item).strip(_TRIM)))
                        item = []
                    found.append((heading[0], n, heading[1]))
                    paragraph = False
                    continue
            if item:
                item.append(text)
            else:
                paragraph = True
        if item:
            found.append((0, item_line, "\n".join(item).strip(_TRIM)))
        return found

    def empty(self, line: int) -> bool:
        return self.ind[line] >= len(self.lines[line])

    def content(self, line: int) -> str:
        return self.lines[line][self.ind[line] :]

    def get_lines(self, begin: int, end: int, indent: int) -> str:
        return "\n".join(self.lines[n][min(indent, self.ind[n]) :] for n in range(begin, end))

    def tokenize(self, start: int, end: int) -> None:
        line = start
        while line < end:
            while line < self.max and self.empty(line):
                line += 1
            self.line = line
            if line >= end or self.ind[line] < self.blk:
                break
            if self.level >= _MAX_NESTING:
                raise _Fallback
            if self.ind[line] - self.blk >= 4:
                self.code(line, end)
            elif self.lines[line][self.ind[line]] not in _BLOCK_START:
                self.paragraph(line, end)
            else:
                # markdown-it's rules in its order; the first that matches reads the block.
                self.unsupported(line, silent=False)
                matched = (
                    self.hr(line, silent=False)
                    or self.list(line, end, silent=False)
                    or self.heading(line, silent=False)
                )
                if not matched:
                    self.paragraph(line, end)
            line = self.line
            if line < end and self.empty(line):
                line += 1
                self.line = line

    def unsupported(self, line: int, silent: bool) -> bool:
        """Raise `_Fallback` where fence, blockquote, reference or html_block might match."""
        if self.ind[line] - self.blk >= 4:
            return False
        if _left_to_markdown_it(self.content(line), self.references and not silent):
            raise _Fallback
        return False

    def leaf(self) -> None:
        self.item_open = False

    def code(self, start: int, end: int) -> None:
        last = nxt = start + 1
        while nxt < end:
            if self.empty(nxt):
                nxt += 1
            elif self.ind[nxt] - self.blk >= 4:
                nxt += 1
                last = nxt
            else:
                break
        self.line = last
        self.leaf()

    def hr(self, line: int, silent: bool) -> bool:
        if self.ind[line] - self.blk >= 4 or not _is_break(self.content(line)):
            return False
        if not silent:
            self.line = line + 1
            self.leaf()
        return True

    def heading(self, line: int, silent: bool) -> bool:
        if self.ind[line] - self.blk >= 4:
            return False
        found = _atx_heading(self.content(line))
        if found is None:
            return False
        if not silent:
            self.line = line + 1
            self.emit_heading(*found, line)
        return True

    def emit_heading(self, level: int, content: str, line: int) -> None:
        self.item_open = False
        if self.level == 0:
            self.found.append((level, line, content))

    def terminates_paragraph(self, line: int) -> bool:
        return self.lines[line][self.ind[line]] in _BLOCK_START and (
            self.unsupported(line, silent=True)
            or self.hr(line, silent=True)
            or self.list(line, self.max, silent=True)
            or self.heading(line, silent=True)
        )

    def paragraph(self, start: int, end: int) -> None:
        """markdown-it's lheading rule, then its paragraph rule, which stops where it fails."""
        old_parent, self.parent = self.parent, "paragraph"
        nxt = start + 1
        level = 0
        while nxt < end and not self.empty(nxt):
            if self.ind[nxt] - self.blk > 3:
                nxt += 1
                continue
            if self.ind[nxt] >= self.blk:
                text = self.content(nxt)
                if text[0] in "-=" and not text.lstrip(text[0]).lstrip(" \t"):
                    level = 1 if text[0] == "=" else 2
                    break
            if self.terminates_paragraph(nxt):
                break
            nxt += 1
        self.parent = old_parent
        content = self.get_lines(start, nxt, self.blk).strip(_TRIM)
        if level:
            self.line = nxt + 1
            self.emit_heading(level, content, start)
            return
        self.line = nxt
        if self.item_open:
            self.found.append((0, start, content))
        self.item_open = False

    def list_marker(self, line: int) -> tuple[int, bool]:
        return _list_marker(self.lines[line], self.ind[line])

    def list(self, start: int, end: int, silent: bool) -> bool:
        ind = self.ind
        if ind[start] - self.blk >= 4:
            return False
        if self.list_indent >= 0 and ind[start] - self.list_indent >= 4 and ind[start] < self.blk:
            return False
        interrupting = silent and self.parent == "paragraph" and ind[start] >= self.blk
        after, ordered = self.list_marker(start)
        if after < 0:
            return False
        text = self.lines[start]
        if interrupting:
            if ordered and int(text[ind[start] : after - 1]) != 1:
                return False
            if not text[after:].strip(" \t"):
                return False
        if silent:
            return True
        marker = text[after - 1]
        old_parent, self.parent = self.parent, "list"
        self.level += 1  # the list
        self.item_open = False
        nxt = start
        while nxt < end:
            text = self.lines[start]
            initial = after  # the column after the marker, as it is the index without tabs
            content_start = len(text) - len(text[after:].lstrip(" "))
            spaces = content_start - initial
            indent = initial + (1 if content_start >= len(text) or spaces > 4 else spaces)
            self.level += 1  # the item
            self.item_open = True
            old_ind, old_list_indent = ind[start], self.list_indent
            self.list_indent, self.blk = self.blk, indent
            ind[start] = content_start
            if content_start >= len(text) and self.empty(start + 1):
                self.line = min(self.line + 2, end)
            else:
                self.tokenize(start, end)
            self.blk, self.list_indent = self.list_indent, old_list_indent
            ind[start] = old_ind
            self.level -= 1
            self.item_open = False
            nxt = start = self.line
            if nxt >= end or ind[nxt] < self.blk or ind[nxt] - self.blk >= 4:
                break
            if self.unsupported(nxt, silent=True) or self.hr(nxt, silent=True):
                break
            after, is_ordered = self.list_marker(nxt)
            if after < 0 or is_ordered != ordered or self.lines[nxt][after - 1] != marker:
                break
        self.level -= 1
        self.line = nxt
        self.parent = old_parent
        return True


def _fill_sections(
    sections: list[Section], lines: list[str], body_line: int
) -> tuple[Section, ...]:
    out: list[Section] = []
    for n, s in enumerate(sections):
        start = s.line - body_line + 1
        end = sections[n + 1].line - body_line if n + 1 < len(sections) else len(lines)
        out.append(Section(s.title, "\n".join(lines[start:end]).strip(), s.line))
    return tuple(out)
