"""Markdown from notes -> safe HTML: no raw HTML, allowlisted links, private values hidden."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# The look-behinds make a match start only where a word starts: linear time on long text.
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
LINKEDIN = re.compile(r"(?<![\w.-])(?:https?://)?(?:[\w-]+\.)*linkedin\.com\S*", re.IGNORECASE)
PHONE = re.compile(r"\+\d[\d\s().-]{5,}\d")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s\u200b-\u200f\u2028-\u202e\u2060\ufeff]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_TASK = re.compile(r"\[([ xX])\][ \t]+")
_MD_LINK = re.compile(r"(?:^|/)([^/#?]+)\.md(?:#[\w-]*)?$")


@dataclass(frozen=True)
class Policy:
    """What a rendered note may contain.

    `pages` maps a record id (person or interview) to its page URL relative to the site
    root, for links between notes such as `[Ann](../people/ann-lee.md)`; `root` is the
    relative path from the page being rendered to the site root.
    """

    include_private: bool = False
    pages: dict[str, str] = field(default_factory=dict)
    private_names: tuple[str, ...] = ()
    private_phones: tuple[str, ...] = ()
    root: str = ""

    def with_root(self, root: str) -> Policy:
        return dataclasses.replace(self, root=root)

    @property
    def redact(self) -> Callable[[str], str]:
        return _redactor(self.include_private, self.private_names, self.private_phones)


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.validateLink = lambda url: True  # our own allowlist runs on the tokens instead
    return md


@lru_cache(maxsize=8)
def _redactor(
    include_private: bool, names: tuple[str, ...], phones: tuple[str, ...]
) -> Callable[[str], str]:
    if include_private:
        return lambda text: text
    rules: list[tuple[re.Pattern[str], str]] = [
        (LINKEDIN, "[LinkedIn hidden]"),
        (EMAIL, "[email hidden]"),
        (PHONE, "[phone hidden]"),
    ]
    for digits in phones:
        pattern = r"[\s().-]*".join(re.escape(d) for d in digits)
        rules.append((re.compile(rf"(?<!\d){pattern}(?!\d)"), "[phone hidden]"))
    for name in names:
        words = r"\s+".join(re.escape(w) for w in name.split())
        rules.append((re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE), "a private contact"))

    def redact(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    return redact


def safe_href(url: str, policy: Policy) -> str | None:
    """The link target to emit for `url`, or None to drop the link and keep its text."""
    written = html.unescape(unquote(url))
    # Browsers ignore whitespace and control characters inside a scheme and decode entities.
    decoded = _INVISIBLE.sub("", written).lower()
    if decoded.startswith("#"):
        return url
    scheme = _SCHEME.match(decoded)
    if scheme is None:
        return _note_link(written, policy)  # ids are file names: keep their case
    allowed = {"http", "https"} | ({"mailto"} if policy.include_private else set())
    if scheme.group(1) not in allowed:
        return None
    if not policy.include_private and (
        scheme.group(1) == "mailto" or EMAIL.search(decoded) or LINKEDIN.search(decoded)
    ):
        return None
    return url


def _note_link(written: str, policy: Policy) -> str | None:
    """A relative link between notes goes to that record's page; anything else is dropped."""
    match = _MD_LINK.search(written.strip())
    if match is None:
        return None
    page = policy.pages.get(match.group(1))
    return policy.root + page if page else None


def _clean(tokens: Iterable[Token], policy: Policy) -> list[Token]:
    redact = policy.redact
    out: list[Token] = []
    dropping = False
    for tok in tokens:
        if tok.children:
            tok.children = _clean(tok.children, policy)
            # Empty when the only child was a dropped link without text: `[](javascript:x)`.
            first = tok.children[0] if tok.children else None
            task = _TASK.match(first.content) if first and first.type == "text" else None
            item = next((t for t in reversed(out[-2:]) if t.type == "list_item_open"), None)
            if task and item is not None:
                box = "\u2610 " if task.group(1) == " " else "\u2611 "
                first.content = box + first.content[task.end() :]
                item.attrs = {"class": "task"}
        if tok.type == "link_open":
            href = safe_href(str(tok.attrGet("href") or ""), policy)
            if href is None:
                dropping = True
                continue
            tok.attrs = {"href": href}
            if _SCHEME.match(href.lower()):
                tok.attrs["rel"] = "nofollow noopener noreferrer"
        elif tok.type == "link_close" and dropping:
            dropping = False
            continue
        elif tok.type == "image":
            # No <img>: a note must not make the reader's browser fetch anything.
            alt = Token("text", "", 0, content=redact(tok.content))
            out.append(alt)
            continue
        elif tok.type in ("text", "code_inline", "code_block", "fence"):
            tok.content = redact(tok.content)
            if tok.type == "fence":
                tok.info = ""
        out.append(tok)
    return out


def render(text: str, policy: Policy) -> Markup:
    """A Markdown body as safe HTML."""
    md = _md()
    tokens = _clean(md.parse(_COMMENT.sub("", text)), policy)
    return Markup(md.renderer.render(tokens, md.options, {}))


def render_inline(text: str, policy: Policy) -> Markup:
    """One line of Markdown (an insight, an action item) as safe inline HTML."""
    md = _md()
    tokens = _clean(md.parseInline(_COMMENT.sub("", text)), policy)
    return Markup(md.renderer.render(tokens, md.options, {}))


def plain(text: str, policy: Policy) -> str:
    """One line of Markdown as plain text, for the search index and page titles."""
    parsed = _md().parseInline(_COMMENT.sub("", text))
    children = parsed[0].children or [] if parsed else []
    words = [
        t.content if t.type in ("text", "code_inline") else " " if t.type.endswith("break") else ""
        for t in children
    ]
    return policy.redact(" ".join("".join(words).split()))
