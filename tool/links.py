"""The one policy for links and markup from notes, for every output that shows note text.

Notes never add HTML or scripts: raw HTML is text, an image is its description, and a
link is kept only to a place on the same page, to the web (http and https, mailto where
addresses may be shown) or to another note. A link target is judged as a browser reads
it, after entities, percent-escapes, whitespace and control characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

WEB = ("http", "https")
MAIL = "mailto"

# Browsers drop these anywhere in a scheme: `java\tscript:`, `\x01javascript:`.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s\u200b-\u200f\u2028-\u202e\u2060\ufeff]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_NOTE = re.compile(r"(?:^|/)([^/#?]+)\.md(?:#[\w-]*)?$")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY_LIKE = re.compile(r"#?[A-Za-z0-9]+;")
_TAG_START = re.compile(r"[A-Za-z/!?]")
# What would open a block (heading, list, quote, rule, fence) at the start of a line.
_BLOCK_START = re.compile(r"#{1,6}(?=[ \t]|$)|[-+](?=[ \t]|$)|-(?=[- \t]*$)|>|~~~")
_ORDERED = re.compile(r"\d{1,9}(?=[.)](?:[ \t]|$))")
_DESTINATION_ESCAPE = re.compile(r"[\\()<>]")
_DESTINATION_ENCODE = re.compile(r"[\x00-\x20\x7f]")

Href = Callable[[str], str | None]


@dataclass(frozen=True)
class Target:
    """What a kept link leads to; `note` is the record id (file name) of a link to a note."""

    kind: Literal["anchor", "web", "note"]
    note: str = ""


class _EveryLink(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return True  # `target` decides, on the tokens


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark with raw HTML as text; every link is a token, for `clean` to judge."""
    return _EveryLink("commonmark", {"html": False, "typographer": False})


def as_read(url: str) -> str:
    """A link target as a browser reads its scheme: decoded, without blanks, lower case."""
    return _INVISIBLE.sub("", html.unescape(unquote(url))).lower()


def scheme(url: str) -> str | None:
    """The scheme a browser would follow `url` with, or None for a relative link."""
    found = _SCHEME.match(as_read(url))
    return found.group(1) if found else None


def target(url: str, *, mailto: bool = False) -> Target | None:
    """Where a link from a note leads, or None: the link must not be kept."""
    if as_read(url).startswith("#"):
        return Target("anchor")
    found = scheme(url)
    if found is None:
        note = _NOTE.search(html.unescape(unquote(url)).strip())
        return Target("note", note.group(1)) if note else None  # ids are file names: keep case
    if found in WEB or (mailto and found == MAIL):
        return Target("web")
    return None


def clean(tokens: Iterable[Token], href: Href) -> list[Token]:
    """Tokens with raw HTML as text, images as their description, and links judged.

    `href` gives a kept link's target, or None to drop the link and keep its text.
    """
    out: list[Token] = []
    kept: list[bool] = []  # one per open link, innermost last
    for tok in tokens:
        if tok.children:
            tok.children = clean(tok.children, href)
        if tok.type == "link_open":
            new = href(str(tok.attrGet("href") or ""))
            kept.append(new is not None)
            if new is None:
                continue
            tok.attrs = {"href": new}  # no title: nothing from a note in attributes but this
        elif tok.type == "link_close" and kept and not kept.pop():
            continue
        elif tok.type == "image":
            tok = Token("text", "", 0, content=tok.content)  # no request to anywhere
        elif tok.type in ("html_inline", "html_block"):
            tok = Token("text", "", 0, content=tok.content)
        out.append(tok)
    return out


def markdown_inline(text: str, href: Href) -> str:
    """One line of Markdown from a note, rewritten for a Markdown file.

    Any CommonMark renderer shows the result as the note's text, emphasis and code, with
    only the links `href` keeps: nothing in it can open HTML, an image or another link.
    """
    tokens = clean(parser().parseInline(text), href)
    children = tokens[0].children or [] if tokens else []
    written = _write(_join_text(children)).strip()
    if ordered := _ORDERED.match(written):
        return f"{written[: ordered.end()]}\\{written[ordered.end() :]}"
    return f"\\{written}" if _BLOCK_START.match(written) else written


def escape(text: str) -> str:
    """Plain text as inline Markdown that any CommonMark renderer shows as that text."""
    out: list[str] = []
    for i, char in enumerate(text):
        after = text[i + 1 : i + 2]
        if char == "\\":
            # Before punctuation (or at the end, before the next token) it would escape.
            out.append("\\\\" if not after or after in _ASCII_PUNCTUATION else char)
        elif char in "`*[]":
            out.append("\\" + char)
        elif char == "_":
            intraword = i > 0 and text[i - 1].isalnum() and after.isalnum()
            out.append(char if intraword else "\\_")
        elif char == "<":
            out.append("&lt;" if not after or _TAG_START.match(after) else char)
        elif char == "&":
            out.append("&amp;" if not after or _ENTITY_LIKE.match(text, i + 1) else char)
        elif char == "!" and not after:
            out.append("\\!")  # before a kept link, `!` would make it an image
        else:
            out.append(char)
    return "".join(out)


def _join_text(tokens: list[Token]) -> list[Token]:
    """Adjacent text as one token, so that escaping sees across a dropped link or image."""
    out: list[Token] = []
    for tok in tokens:
        if tok.type in ("text", "text_special") and out and out[-1].type == "text":
            out[-1] = Token("text", "", 0, content=out[-1].content + tok.content)
        elif tok.type == "text_special":
            out.append(Token("text", "", 0, content=tok.content))
        else:
            out.append(tok)
    return out


def _write(tokens: list[Token]) -> str:
    out: list[str] = []
    links: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "code_inline":
            out.append(_code(tok.content, tok.markup))
        elif tok.type in ("em_open", "em_close", "strong_open", "strong_close"):
            out.append(tok.markup)
        elif tok.type == "link_open":
            links.append(str(tok.attrGet("href")))
            out.append("[")
        elif tok.type == "link_close":
            out.append(f"]({_destination(links.pop())})")
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
        else:
            text = escape(tok.content)
            if text.startswith("{") and i and tokens[i - 1].type == "code_inline":
                text = "\\" + text  # `x`{=html} is raw HTML to Pandoc and its kin
            out.append(text)
    return "".join(out)


def _code(content: str, fence: str = "`") -> str:
    """A code span that reads back as `content`: the note's fence unless content has it."""
    runs = {len(r) for r in re.findall(r"`+", content)}
    if not fence or fence.strip("`") or len(fence) in runs:
        fence = "`" * (max(runs, default=0) + 1)
    pad = content[:1] == "`" or content[-1:] == "`"
    pad |= content[:1] == content[-1:] == " " and content.strip(" ") != ""
    space = " " if pad else ""
    return f"{fence}{space}{content}{space}{fence}"


def _destination(url: str) -> str:
    """A link target written so that a renderer decodes it back to exactly `url`."""
    url = _DESTINATION_ENCODE.sub(lambda m: quote(m.group()), url)
    url = _DESTINATION_ESCAPE.sub(r"\\\g<0>", url)
    return re.sub(r"&(?=#?[A-Za-z0-9]+;)", "&amp;", url)
