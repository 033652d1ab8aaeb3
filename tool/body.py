"""Markdown body -> sections, insights (with #topics) and action items, with file lines."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from tool.model import ActionItem, Insight, Section

DEFAULT_HEADINGS = {"insights": "Insights", "questions": "Questions", "notes": "Notes"}
_TASK = re.compile(r"\[([ xX])\][ \t]+")
_TOPIC = re.compile(r"(?<![\w&#/])#([^\W_][\w-]*)")
_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]?")


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark")


def topics_in(inline: Token) -> tuple[str, ...]:
    """`#words` in an inline token's plain text: not in code, links or autolinks."""
    found: list[str] = []
    depth = 0
    for child in inline.children or ():
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        elif child.type == "text" and depth == 0:
            found += [m.group(1).lower() for m in _TOPIC.finditer(child.content)]
    return tuple(dict.fromkeys(found))


def extract(
    body: str, body_line: int, headings: dict[str, str] | None = None
) -> tuple[tuple[Insight, ...], tuple[ActionItem, ...], tuple[Section, ...]]:
    """Parse a body once and return its insights, action items and `##` sections."""
    names = {**DEFAULT_HEADINGS, **(headings or {})}
    insights_title = names["insights"].casefold()
    tokens = _md().parse(body)
    lines = body.split("\n")
    insights: list[Insight] = []
    actions: list[ActionItem] = []
    sections: list[Section] = []
    in_insights_level: int | None = None
    open_items: list[bool] = []  # for each open list item: is its first paragraph seen?
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level = int(tok.tag[1:])
            title = tokens[i + 1].content.strip()
            if in_insights_level is not None and level <= in_insights_level:
                in_insights_level = None
            if title.casefold().startswith(insights_title) and in_insights_level is None:
                in_insights_level = level
            if level == 2 and tok.map:
                sections.append(Section(title, "", body_line + tok.map[0]))
        elif tok.type == "list_item_open":
            open_items.append(False)
        elif tok.type == "list_item_close":
            open_items.pop()
        elif tok.type == "inline" and open_items and not open_items[-1] and tok.map:
            open_items[-1] = True
            line = body_line + tok.map[0]
            text = _item_text(lines, tok)
            task = _TASK.match(text)
            if task:
                actions.append(ActionItem(text[task.end() :].strip(), task.group(1) != " ", line))
            elif in_insights_level is not None:
                insights.append(Insight(text, topics_in(tok), line))
    return tuple(insights), tuple(actions), _fill_sections(sections, lines, body_line)


def _item_text(lines: list[str], inline: Token) -> str:
    """The Markdown source of a list item's first paragraph, joined onto one line."""
    start, end = inline.map  # type: ignore[misc]
    first = _MARKER.sub("", lines[start], count=1)
    rest = [ln.strip() for ln in lines[start + 1 : end]]
    return " ".join([first.strip(), *rest]).strip() if rest else first.strip()


def _fill_sections(
    sections: list[Section], lines: list[str], body_line: int
) -> tuple[Section, ...]:
    out: list[Section] = []
    for n, s in enumerate(sections):
        start = s.line - body_line + 1
        end = sections[n + 1].line - body_line if n + 1 < len(sections) else len(lines)
        out.append(Section(s.title, "\n".join(lines[start:end]).strip(), s.line))
    return tuple(out)
