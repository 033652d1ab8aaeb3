"""One way to find a setting's line in tool.toml, for its own problems and validate's warning."""

from __future__ import annotations

import pytest

from tool.parse.settings import config_line, parse_settings

TEXT = """\
timezone = "Mars/Base"

[me]
name = ""
# name = "not this"

[ defaults ]  # spaced
stay_in_touch = -1
  thank_you_within="x"

[[extra]]
name = "an array of tables, not [me]"
holidays = []

[digest.more]
title = 1
"""


@pytest.mark.parametrize(
    ("table", "key", "line"),
    [
        ("", "timezone", 1),
        ("me", "name", 4),
        ("me", "email", 3),  # not there: the table's header
        ("defaults", "stay_in_touch", 8),
        ("defaults", "thank_you_within", 9),
        ("defaults", "holidays", 7),  # only in the array of tables after it
        ("defaults", None, 7),
        ("digest", "title", 1),  # [digest.more] is another table
        ("digest.more", "title", 16),
        ("targets", "careers", 1),
        ("extra", "name", 1),
    ],
)
def test_config_line(table, key, line):
    assert config_line(TEXT, table, key) == line


def test_crlf_line_ends_give_the_same_lines():
    assert config_line(TEXT.replace("\n", "\r\n"), "defaults", "thank_you_within") == 9


def test_settings_problems_point_at_their_lines():
    _, problems = parse_settings(TEXT)
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [
        (8, "stay_in_touch"),
        (9, "thank_you_within"),
        (1, "unknown"),
    ]
