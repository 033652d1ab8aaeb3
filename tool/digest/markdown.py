"""Markdown from notes -> safe HTML: no raw HTML, allowlisted links, private values hidden."""

from __future__ import annotations

import dataclasses
import html
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from urllib.parse import unquote

import markdown_it.rules_block
from markdown_it.token import Token
from markupsafe import Markup

from tool import links
from tool.digest import contacts, redaction
from tool.parse.body import TASK_BOX, task_box

# The look-behinds make a match start only where a word starts: linear time on long text.
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
LINKEDIN = re.compile(r"(?<![\w.-])(?:https?://)?(?:[\w-]+\.)*linkedin\.com\S*", re.IGNORECASE)
# In every match of LINKEDIN, and found much faster: text without it has no LinkedIn URL.
# Only "l" and "L" match an "l" when case is ignored: a first letter without the flag
# lets the search skip to each candidate, as it cannot with the flag on.
LINKEDIN_HINT = re.compile(r"[lL](?i:inkedin\.com)")
PHONE = re.compile(r"\+\d[\d\s().-]{5,}\d")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# The redactions a redactor keeps: of short texts (the lines that repeat), so many at most.
_KEPT_LENGTH = 200
_KEPT_TEXTS = 10_000


class _Quiet:
    """A logger that drops debug messages without a Python call of its own."""

    debug = "".format  # takes any arguments, does nothing with them


def _quiet_markdown_it() -> None:
    """Silence markdown-it's block rules: a debug call on every rule tried for every line.

    They log through their modules' LOGGER; a Logger filters below its level only after
    two Python calls, about a million of them for a digest of 4,000 notes.
    """
    for name, module in list(sys.modules.items()):
        if name.startswith(markdown_it.rules_block.__name__ + ".") and hasattr(module, "LOGGER"):
            setattr(module, "LOGGER", _Quiet())  # noqa: B010  # not every module declares it


_quiet_markdown_it()


@dataclass(frozen=True)
class Policy:
    """What a rendered note may contain.

    `pages` maps a record id (person or interview) to its page URL relative to the site
    root, for links between notes such as `[Ann](../people/ann-lee.md)`; `root` is the
    relative path from the page being rendered to the site root. `private_phones` holds
    the digits of each number to hide however it is written (`privacy.phone_digits`),
    `private_names` the names to hide whatever their case (see `tool.digest.redaction`).
    """

    include_private: bool = False
    pages: dict[str, str] = field(default_factory=dict)
    private_names: tuple[str, ...] = ()
    private_phones: tuple[str, ...] = ()
    root: str = ""

    def with_root(self, root: str) -> Policy:
        moved = dataclasses.replace(self, root=root)
        # The same private values, the same redactor: finding it again by them would hash
        # every name and number once for each note rendered.
        if "redact" in self.__dict__:
            moved.__dict__["redact"] = self.__dict__["redact"]
        return moved

    @cached_property
    def redact(self) -> Callable[[str], str]:
        return _redactor(self.include_private, self.private_names, self.private_phones)


@lru_cache(maxsize=8)
def _redactor(
    include_private: bool, names: tuple[str, ...], phones: tuple[str, ...]
) -> Callable[[str], str]:
    if include_private:
        return lambda text: text
    # Each pattern with a quick test that text without it passes (most text).
    rules: list[tuple[Callable[[str], object], re.Pattern[str], str]] = [
        (LINKEDIN_HINT.search, LINKEDIN, "[LinkedIn hidden]"),
        (lambda text: "@" in text, EMAIL, "[email hidden]"),
        (lambda text: "+" in text, PHONE, "[phone hidden]"),
    ]
    hide_phones = redaction.Phones(phones)
    hide_names = redaction.Names(names)
    # Notes repeat their template's lines: most texts were redacted before.
    done: dict[str, str] = {}

    def redact(text: str) -> str:
        found = done.get(text)
        if found is None:
            found = _redact_text(text)
            if len(text) <= _KEPT_LENGTH:
                if len(done) >= _KEPT_TEXTS:
                    done.clear()
                done[text] = found
        return found

    def _redact_text(text: str) -> str:
        for hint, pattern, replacement in rules:
            if hint(text):
                text = pattern.sub(replacement, text)
        text = hide_names(hide_phones(text))
        # What the leak scan would find, however it is written, is hidden rather than
        # failing the build: `030 1234567`, `jane [at] example [dot] com`.
        for written, _ in contacts.spelled_emails(text):
            text = text.replace(written, "[email hidden]")
        for run in sorted(set(contacts.phones(text)), key=len, reverse=True):
            text = text.replace(run, "[phone hidden]")
        return text

    return redact


def safe_href(url: str, policy: Policy) -> str | None:
    """The link target to emit for `url`, or None to drop the link and keep its text."""
    found = links.target(url, mailto=policy.include_private)
    if found is None or found.kind == "anchor":
        return url if found else None
    if found.kind == "note":
        page = policy.pages.get(found.note)
        return policy.root + page if page else None
    read = links.as_read(url)
    if not policy.include_private and (EMAIL.search(read) or LINKEDIN.search(read)):
        return None
    # A private value percent-encoded into a link (`?q=%2B1%20555%200100`) is a leak too.
    decoded = html.unescape(unquote(url))
    if policy.redact(decoded) != decoded:
        return None
    return url


def _clean(tokens: Iterable[Token], policy: Policy) -> list[Token]:
    """Links and HTML by the one policy (`tool.links`), then private values hidden."""
    return _redact(links.clean(tokens, lambda url: safe_href(url, policy)), policy.redact)


def _redact(tokens: list[Token], redact: Callable[[str], str]) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        if tok.children:
            tok.children = _redact(tok.children, redact)
            # Empty when the only child was a dropped link without text: `[](javascript:x)`.
            first = tok.children[0] if tok.children else None
            item = next((t for t in reversed(out[-2:]) if t.type == "list_item_open"), None)
            # A task by the rule that makes its action items (tool.parse.body), on the
            # text as written; the box is then taken off the text as shown.
            task = task_box(tok.content) if item is not None else None
            box = TASK_BOX.match(first.content) if first and first.type == "text" else None
            if first is not None and item is not None and task and task[1] and box:
                first.content = ("\u2611 " if task[0] else "\u2610 ") + first.content[box.end() :]
                item.attrs = {"class": "task"}
        if tok.type == "link_open" and links.scheme(str(tok.attrGet("href"))):
            tok.attrs["rel"] = "nofollow noopener noreferrer"
        elif tok.type in ("text", "code_inline", "code_block", "fence"):
            tok.content = redact(tok.content)
            if tok.type == "fence":
                tok.info = ""
        out.append(tok)
    return out


def render(text: str, policy: Policy) -> Markup:
    """A Markdown body as safe HTML."""
    md = links.parser()
    tokens = _clean(md.parse(_COMMENT.sub("", text)), policy)
    return Markup(md.renderer.render(tokens, md.options, {}))


def render_inline(text: str, policy: Policy) -> Markup:
    """One line of Markdown (an insight, an action item) as safe inline HTML."""
    md = links.parser()
    tokens = _clean(md.parseInline(_COMMENT.sub("", text)), policy)
    return Markup(md.renderer.render(tokens, md.options, {}))


def plain(text: str, policy: Policy) -> str:
    """One line of Markdown as plain text, for the search index and page titles."""
    parsed = links.parser().parseInline(_COMMENT.sub("", text))
    children = parsed[0].children or [] if parsed else []
    words = [
        t.content if t.type in ("text", "code_inline") else " " if t.type.endswith("break") else ""
        for t in children
    ]
    return policy.redact(" ".join("".join(words).split()))
