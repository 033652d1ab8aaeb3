"""Front matter is composed the same from libyaml's events as from the reference parser's."""

from __future__ import annotations

import pytest
import yaml

from tool.parse.frontmatter import Map, Scalar, Seq, _compose_with, _Refused, split

SOURCES = [
    "name: Zoe Brandt\ncompany: Initech",
    "phone: \"+1 512 555 0188\"\nnote: 'it''s'",
    "tags: [a, b c,  d ]\nempty: []\nmap: {x: 1, y: [2, 3]}",
    "list:\n  - one\n  - two: 2\n    three: 3\n  -\n  - [nested, [deeper]]",
    "text: |\n  kept\n  lines\nfolded: >\n  one\n  two",
    "key:\nother: ~\nno: no\nwhen: 2024-02-30\ntime: 1:30",
    "a: 1\na: 2",
    "anchor: &x 1",
    "alias: *x",
    "tagged: !!int 3",
    "custom: !thing x",
    "str: !!str yes",
    "? [complex]\n: key",
    "nested: " + "[" * 33 + "]" * 33,
    "nested: " + "[" * 32 + "]" * 32,
    "deep:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 35)),
    "- a\n- b",
    "just text",
    "first: 1\n---\nsecond: 2",
    "multi: line\n  plain scalar\n  continued",
    "unicode: café 日本 \u00a0x",
]


def _compose(loader: type, source: str) -> object:
    try:
        return _compose_with(loader, source)
    except _Refused as exc:
        return ("refused", exc.message, exc.rule, exc.at)
    except yaml.YAMLError:
        return "syntax error"


@pytest.mark.parametrize("source", SOURCES)
def test_libyaml_events_compose_like_the_reference_parser(source):
    fast = getattr(yaml, "CBaseLoader", None)
    if fast is None:
        pytest.skip("PyYAML without libyaml")
    assert _compose(fast, source) == _compose(yaml.BaseLoader, source)


def test_nodes_keep_text_as_typed_with_positions():
    source = 'name: Zoe\ntags: [a, "b"]\nno: no'
    assert _compose_with(yaml.BaseLoader, source) == Map(
        (
            (Scalar("name", 2, 1, True), Scalar("Zoe", 2, 7, True)),
            (
                Scalar("tags", 3, 1, True),
                Seq((Scalar("a", 3, 8, True), Scalar("b", 3, 11, False)), 3, 7),
            ),
            (Scalar("no", 4, 1, True), Scalar("no", 4, 5, True)),
        ),
        2,
        1,
    )


def test_a_lone_carriage_return_in_front_matter_is_no_crash():
    """YAML counts CR and U+2028 as line ends, str.split("\\n") does not: no line past the end."""
    found = split('---\n\r\u2028 \r-#: #"\n---\n')
    assert found.body == ""
    assert found.body_line == 4
