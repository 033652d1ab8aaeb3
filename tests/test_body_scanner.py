"""The fast body scanner gives exactly what a full markdown-it parse gives, on any body."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tool.model import ActionItem, Insight, Section, heading_matches
from tool.parse.body import DEFAULT_HEADINGS, _Scanner, extract, task_box
from tool.parse.frontmatter import decode, split

ROOT = Path(__file__).resolve().parents[1]
HEADINGS = {"insights": "Key insights"}


@lru_cache(maxsize=1)
def _reference_md() -> MarkdownIt:
    return MarkdownIt("commonmark").disable("text_join")


def reference_extract(
    body: str, body_line: int, headings: dict[str, str] | None = None
) -> tuple[tuple[Insight, ...], tuple[ActionItem, ...], tuple[Section, ...]]:
    """The extraction as it was before the scanner: every body through markdown-it, whole."""
    names = {**DEFAULT_HEADINGS, **{k: v for k, v in (headings or {}).items() if v.strip()}}
    tokens = _reference_md().parse(body)
    insights: list[Insight] = []
    actions: list[ActionItem] = []
    sections: list[Section] = []
    in_insights_level: int | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.level == 0 and tok.map:
            level = int(tok.tag[1:])
            title = _plain(tokens[i + 1])
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
                if task[1]:
                    actions.append(ActionItem(task[1], task[0], line))
            elif in_insights_level is not None:
                insights.append(Insight(text, _topics(inline), line))
    lines = body.split("\n")
    filled = []
    for n, s in enumerate(sections):
        start = s.line - body_line + 1
        end = sections[n + 1].line - body_line if n + 1 < len(sections) else len(lines)
        filled.append(Section(s.title, "\n".join(lines[start:end]).strip(), s.line))
    return tuple(insights), tuple(actions), tuple(filled)


def _plain(inline: Token) -> str:
    shown = ("text", "text_special", "code_inline")
    return "".join(c.content for c in inline.children or () if c.type in shown).strip()


def _topics(inline: Token) -> tuple[str, ...]:
    topic = re.compile(r"(?<![\w&#/])#([^\W\d_](?:[\w-]*\w)?)")
    parts, depth = [], 0
    for child in inline.children or ():
        depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        parts.append(child.content if child.type == "text" and depth == 0 else "\x00")
    return tuple(dict.fromkeys(m.group(1) for m in topic.finditer("".join(parts))))


def assert_same(body: str) -> None:
    for headings in (None, HEADINGS):
        assert extract(body, 7, headings) == reference_extract(body, 7, headings), body


# Lines that notes are made of, and the constructs where a line scanner goes wrong.
FRAGMENTS = [
    "",
    "   ",
    "## Insights",
    "## Key insights",
    "# Insights",
    "### Insights ###",
    "## Notes",
    "## Questions #",
    "#### Deep",
    "####### seven",
    "#no space",
    "  ## indented heading",
    "    ## code, not a heading",
    "Insights",
    "========",
    "--------",
    "---",
    "***",
    "* * *",
    "_ _ _",
    "- - -",
    "-",
    "- ",
    "*",
    "+ plus item",
    "- plain item #topic",
    "- item with `#code` and #real",
    "- [ ] open task",
    "- [x] done task",
    "- [X] Done task #not",
    "- [ ]",
    "- [ ] ",
    "-  two spaces",
    "-      six spaces, code inside",
    "* star item",
    "1. first",
    "2. second",
    "1) paren",
    "3) three",
    "10. ten",
    "1234567890. too long",
    "0. zero",
    "1.",
    "1.no space",
    "  - nested",
    "    - deeper",
    "      - deepest #deep",
    "   - three in",
    "     - five in",
    "  continuation",
    "    indented four",
    "        indented eight",
    "lazy continuation line",
    "Text with \\#escaped and &#35;entity",
    "A [link #in](http://x/#y) #after",
    "See <http://a/#b> and *em #emph* __strong__",
    "trailing spaces  ",
    "  1. indented ordered",
    "- # heading in item",
    "- ## Insights",
    "- ---",
    "  ---",
    "  ===",
    "\u00a0- nbsp start",
    "- item\u2003with em space\u2003",
    "   \u2003",
    "text ending with \\",
    "`code` at start",
    "- **bold** item",
    "- a | b | c",
    "| a | b |",
    "|---|---|",
    "- [a link][ref] #x",
    "[a link](x) at the start",
]
# Constructs the scanner leaves to markdown-it: a body with one of them is read by it.
FALLBACK = [
    "> quote",
    "- > quoted in item",
    "```",
    "~~~",
    "```python",
    "<div>",
    "<!-- comment -->",
    "[ref]: http://example.com",
    "- tab\there",
]


def _random_body(rng: random.Random) -> str:
    lines = [rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 12))]
    if rng.random() < 0.2:
        lines.insert(rng.randint(0, len(lines)), rng.choice(FALLBACK))
    body = "\n".join(lines)
    return body + rng.choice(["", "\n", "\n\n", "\n  "])


def test_random_flush_left_bodies_match_markdown_it():
    # Bodies without indented lines, as most notes are, take the one-pass path.
    rng = random.Random(12)
    left = [f for f in FRAGMENTS if not f.startswith(" ")] + ["01. zero-padded", "2. two"]
    one_pass = 0
    for _ in range(3000):
        body = "\n".join(rng.choice(left) for _ in range(rng.randint(1, 12)))
        assert_same(body)
        one_pass += _Scanner(body).flat() is not None
    assert one_pass > 500


def test_random_bodies_match_markdown_it():
    rng = random.Random(11)
    scanned = 0
    for _ in range(4000):
        body = _random_body(rng)
        assert_same(body)
        scanned += _Scanner.blocks(body) is not None
    assert scanned > 3000  # most of them took the fast path, which is what is being tested


@pytest.mark.parametrize(
    "body",
    [
        "",
        "\n",
        "## Insights\n- one #a\n- two\n",
        "## Insights\n```\n## Not a heading\n- not an item\n```\n- item #x\n",
        "## Insights\n~~~\n## Not a heading\n~~~\n- item\n",
        "## Insights\n\tindented by a tab\n-\tinsight after a tab #t\n",
        "## Insights\r\n- crlf item #c\r\n## Notes\r\ntext\r\n",
        "## Insights\n- outer\n  - inner #i\n    1. ordered\n       deeper text\n- last\n",
        "## Insights\n- \\#escaped, not a topic #real\n",
        "## Insights\n- [text](https://x.example/#frag) #after\n",
        "## Insights\n- [text][r] #after\n\n[r]: https://x.example/#frag\n",
        "Title\n=====\n- setext h1\n\nSub\n---\n- setext h2\n",
        "## Insights\n- a\n    indented code after item?\n",
        "## Insights\n\n    code block\n- item\n",
        "## Insights\n<div>\n- inside html\n</div>\n- item\n",
        "## Insights\n> - quoted #q\n> more\n- after\n",
        "## Insights\n-\n  text on the next line\n-\n\n  after a blank\n",
        "## Insights\n- a\n- b\n\n\n- c after two blanks\n",
        "## Insights\n1. a\n2. b\n3) c\n- d\n* e\n+ f\n",
        "para\n- interrupts\n\npara\n2. does not interrupt\n\npara\n1. does\n",
        "- a\n - b\n  - c\n   - d\n    - e is a continuation\n",
        "## Insights ##\n- a\n## Insights #not-closing\n- b\n",
        "# H\n## Notes\nsome\n\nnotes\n## Next steps\n- [ ] do it\n- [x] done\n",
        "  # Insights\n   - item #x\n    - code?\n",
        "- item\n---\n- item after hr\n",
        "- item\n  ---\n- item after setext?\n",
        "## Insights\n- **#bold** _#em_ `#code` <b>#html</b>\n",
        "## Insights\n- a\u00a0#nbsp\n- \u2003 em-spaced\u2003\n",
    ],
)
def test_tricky_bodies_match_markdown_it(body):
    assert_same(body)


def _bodies(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.md")):
        text, _ = decode(path.read_bytes())
        if text is not None:
            found.append(split(text).body)
    return found


def test_example_kb_bodies_match_markdown_it():
    bodies = _bodies(ROOT / "interviews") + _bodies(ROOT / "people")
    assert len(bodies) > 10
    for body in bodies:
        assert_same(body)


def test_generated_bodies_match_markdown_it_and_are_scanned(tmp_path):
    generate = [sys.executable, str(ROOT / "bench" / "generate.py"), str(tmp_path), "--size", "60"]
    subprocess.run(generate, check=True, capture_output=True)
    bodies = _bodies(tmp_path)
    assert len(bodies) == 240
    for body in bodies:
        assert_same(body)
    # Bodies shaped like real notes never need the slow path.
    assert [b for b in bodies if _Scanner.blocks(b) is None] == []


def test_note_shaped_bodies_are_read_without_a_markdown_it_block_parse(monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a full markdown-it parse")

    monkeypatch.setattr(MarkdownIt, "parse", refuse)
    body = (
        "## Questions\n1. How did you start?\n2. Who else?\n\n"
        "## Notes\nThey hire for curiosity.\nSee [the post](https://x.example/#a).\n\n"
        "## Insights\n- Shipping beats certificates. #skills\n"
        "  - nested, with `code` #tools\n- Wrapped over\n  two lines #hiring\n\n"
        "## Next steps\n- [ ] Send thanks\n- [x] Book the call\n"
    )
    insights, actions, sections = extract(body, 10)
    assert [(i.line, i.text, i.topics) for i in insights] == [
        (19, "Shipping beats certificates. #skills", ("skills",)),
        (20, "nested, with `code` #tools", ("tools",)),
        (21, "Wrapped over two lines #hiring", ("hiring",)),
    ]
    assert [(a.line, a.text, a.done) for a in actions] == [
        (25, "Send thanks", False),
        (26, "Book the call", True),
    ]
    assert [(s.line, s.title) for s in sections] == [
        (10, "Questions"),
        (14, "Notes"),
        (18, "Insights"),
        (24, "Next steps"),
    ]
