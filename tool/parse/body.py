"""Markdown body -> sections, insights (with #topics) and action items, with file lines."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from tool.model import ActionItem, Insight, Section, heading_matches

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
    tokens = _md().parse(body, env)
    insights: list[Insight] = []
    actions: list[ActionItem] = []
    sections: list[Section] = []
    in_insights_level: int | None = None
    for i, tok in enumerate(tokens):
        # Only headings at the top of the document delimit sections: a heading inside a
        # list item or a block quote is part of that item.
        if tok.type == "heading_open" and tok.level == 0 and tok.map:
            level = int(tok.tag[1:])
            title = plain_text(_inline(tokens[i + 1], env))
            if in_insights_level is not None and level <= in_insights_level:
                in_insights_level = None
            if in_insights_level is None and heading_matches(title, names["insights"]):
                in_insights_level = level
            if level == 2:
                sections.append(Section(title, "", body_line + tok.map[0]))
        elif (
            tok.type == "list_item_open"
            and tokens[i + 1].type == "paragraph_open"
            and (inline := tokens[i + 2]).map
        ):
            line = body_line + inline.map[0]
            text = " ".join(ln.strip() for ln in inline.content.split("\n")).strip()
            task = task_box(text)
            if task:
                done, rest = task
                if rest:  # a box alone is no action, nor an insight
                    actions.append(ActionItem(rest, done, line))
            elif in_insights_level is not None:
                insights.append(Insight(text, topics_in(_inline(inline, env)), line))
    lines = body.split("\n")
    return tuple(insights), tuple(actions), _fill_sections(sections, lines, body_line)


def _fill_sections(
    sections: list[Section], lines: list[str], body_line: int
) -> tuple[Section, ...]:
    out: list[Section] = []
    for n, s in enumerate(sections):
        start = s.line - body_line + 1
        end = sections[n + 1].line - body_line if n + 1 < len(sections) else len(lines)
        out.append(Section(s.title, "\n".join(lines[start:end]).strip(), s.line))
    return tuple(out)
