"""Extraction of insights, #topics, action items and sections from interview bodies."""

from __future__ import annotations

import pytest
from kb_builder import kb_of

from tool.model import ActionItem, Insight, Section
from tool.parse.body import extract, heading_matches


def insights(body: str, headings: dict[str, str] | None = None) -> list[tuple[int, str]]:
    """(line, text) of each insight, with the body starting on line 1."""
    return [(i.line, i.text) for i in extract(body, 1, headings)[0]]


def topics(item: str) -> tuple[str, ...]:
    found = extract(f"## Insights\n- {item}\n", 1)[0]
    assert len(found) == 1
    return found[0].topics


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("## Insights\n- one\n- two\n", [(2, "one"), (3, "two")]),
        ("## Insights (raw)\n- a\n", [(2, "a")]),
        ("## INSIGHTS\n* a\n", [(2, "a")]),
        ("## Insights:\n1. a\n2) b\n", [(2, "a"), (3, "b")]),  # `2)` starts a new list
        ("## Insightsful notes\n- a\n", []),
        ("# Insights\n- a\n## Sub\n- b\n# Next\n- c\n", [(2, "a"), (4, "b")]),
        ("## Notes\n- a\n### Insights\n- b\n## Next\n- c\n", [(4, "b")]),
        ("## Insights\n- a\n### Hiring\n- b\n## Next steps\n- c\n", [(2, "a"), (4, "b")]),
        (
            "## Insights\n- outer\n  - inner\n    - deepest\n- last\n",
            [(2, "outer"), (3, "inner"), (4, "deepest"), (5, "last")],
        ),
        # A paragraph after a nested list belongs to the outer item but is not its text.
        ("## Insights\n- outer\n  - inner\n\n  more\n", [(2, "outer"), (3, "inner")]),
        (
            "## Insights\n- written\n  over\n  three lines\n- next\n",
            [(2, "written over three lines"), (5, "next")],
        ),
        ("## Insights\n- a\n  # heading inside an item\n- b\n", [(2, "a"), (4, "b")]),
        ("## Insights\n> - quoted\n", [(2, "quoted")]),
        ("## Insights\n```\n- not an item\n```\n- item\n", [(5, "item")]),
        ("## Insights\n-\n- after an empty item\n", [(3, "after an empty item")]),
        ("## Insights\n- [ ] a task, not an insight\n- insight\n", [(3, "insight")]),
        ("Insights\n--------\n- setext heading\n", [(3, "setext heading")]),
        ("- before any heading\n## Insights\n", []),
    ],
)
def test_insight_items_and_lines(body, expected):
    assert insights(body) == expected


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "Shipping beats certificates. #skills #Skills #portfolio",
            ("skills", "Skills", "portfolio"),
        ),
        ("#day-to-day at the start, twice #day-to-day", ("day-to-day",)),
        ("ends a sentence #skills-. and #hiring.", ("skills", "hiring")),
        ("in code `#not-a-topic` #tools", ("tools",)),
        ("``#a `#b` c`` #tools", ("tools",)),
        ("[the #guide](https://example.com/#frag) #learning", ("learning",)),
        ("<https://example.com/#frag> autolink", ()),
        ("a bare URL https://example.com/#frag and C# and issue#12", ()),
        ("escaped \\#not and entity &#35;not", ()),
        ("ranked #1 of #2026 but #q3-planning", ("q3-planning",)),
        ("html <a href='#x'>text</a>", ()),
        ("Unicode #café and #日本", ("café", "日本")),
        ("**bold #strong** and _#em_", ("strong", "em")),
    ],
)
def test_topics(item, expected):
    assert topics(item) == expected


def test_reference_links_are_links():
    links = "[g]: https://x.test\n[#faq]: /\n"
    body = f"## Insights\n- See [the #guide][g] and [#faq]. #tools\n\n{links}"
    assert extract(body, 1)[0][0].topics == ("tools",)


def test_insight_text_keeps_markdown_as_written():
    body = (
        "## Insights\n- See [the guide](https://example.com/#x) and `#code`, **really**. #tools\n"
    )
    (insight,) = extract(body, 10)[0]
    assert insight == Insight(
        "See [the guide](https://example.com/#x) and `#code`, **really**. #tools", ("tools",), 11
    )


def test_actions_anywhere_with_state_and_line():
    body = (
        "## Questions\n- [ ] ask about salary\n\n## Insights\n- [x] done in insights\n"
        "- an insight\n\n## Next steps\n- [ ] read\n  - [X] nested done\n- [ ]\n- [ ]   spaced\n"
    )
    found, actions, _ = extract(body, 5)
    assert [i.text for i in found] == ["an insight"]
    assert actions == (
        ActionItem("ask about salary", False, 6),
        ActionItem("done in insights", True, 9),
        ActionItem("read", False, 13),
        ActionItem("nested done", True, 14),
        ActionItem("spaced", False, 16),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("- [ ] read\n", [(1, "read", False)]),
        ("- [x] done\n* [X] also\n", [(1, "done", True), (2, "also", True)]),
        ("1. [ ] numbered\n", [(1, "numbered", False)]),
        ("- item\n  - [ ] nested\n", [(2, "nested", False)]),
        ("> - [ ] quoted\n", [(1, "quoted", False)]),
        ("- [ ] written\n  over two lines\n", [(1, "written over two lines", False)]),
        ("## Insights\n- [ ] a task\n- an insight\n", [(2, "a task", False)]),
        ("- [ ]\n- [ ]   \n", []),  # nothing to do
        ("- [] not a task\n- [y] nor this\n- [ ]glued\n", []),
        ("```\n- [ ] in code\n```\n", []),
        ("[ ] not in a list\n", []),
    ],
)
def test_action_items(body, expected):
    assert [(a.line, a.text, a.done) for a in extract(body, 1)[1]] == expected


def test_sections_are_top_level_h2_with_text_and_line():
    body = "intro\n## Questions\n1. Q?\n\n## **Notes** (raw)\nText.\n> ## quoted\n### Sub\nmore\n"
    assert extract(body, 7)[2] == (
        Section("Questions", "1. Q?", 8),
        Section("Notes (raw)", "Text.\n> ## quoted\n### Sub\nmore", 11),
    )


@pytest.mark.parametrize(
    ("headings", "expected"),
    [
        ({"insights": "Learnings"}, [(4, "learned")]),
        ({"insights": "learnings"}, [(4, "learned")]),
        ({}, [(2, "default")]),
        ({"insights": " "}, [(2, "default")]),
    ],
)
def test_configured_insights_heading(headings, expected):
    body = "## Insights\n- default\n## Learnings (call 1)\n- learned\n"
    assert insights(body, headings) == expected


@pytest.mark.parametrize(
    ("title", "name", "expected"),
    [
        ("Insights", "Insights", True),
        ("insights (raw)", "Insights", True),
        ("Insights — call 2", "insights", True),
        ("Insightsful", "Insights", False),
        ("My insights", "Insights", False),
    ],
)
def test_heading_matches(title, name, expected):
    assert heading_matches(title, name) is expected


ANN = "interviews/2026-03-10-ann-lee.md"
INTERVIEW = (
    "---\nperson: ann-lee\ndate: 2026-03-10\nstatus: done\n---\n"
    "## Notes\nText.\n\n## Learnings\n- first #a\n  - nested #b\n\n## Next steps\n- [ ] act\n"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode(),
        lambda t: t.replace("\n", "\r\n").encode(),
        lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode(),
        lambda t: b"\xef\xbb\xbf" + t.encode(),
    ],
    ids=["lf", "crlf", "bom-crlf", "bom-lf"],
)
def test_file_lines_with_crlf_and_bom(encode):
    data = encode(INTERVIEW)
    kb = kb_of({"tool.toml": '[headings]\ninsights = "Learnings"\n', ANN: data})
    interview = kb.interviews["2026-03-10-ann-lee"]
    assert [(i.line, i.text, i.topics) for i in interview.insights] == [
        (10, "first #a", ("a",)),
        (11, "nested #b", ("b",)),
    ]
    assert interview.actions == (ActionItem("act", False, 14),)
    assert data.decode("utf-8-sig").splitlines()[9] == "- first #a"
