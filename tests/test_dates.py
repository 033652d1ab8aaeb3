"""One reading of a date the user wrote: front matter, tool.toml and command options agree."""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath

import pytest
from conftest import run

from tool.model import NoSuchDay, NotADate, parse_date
from tool.parse.frontmatter import split
from tool.parse.records import interview_from
from tool.parse.settings import parse_settings

# (as written, the date it means, or the error it is)
DATES = [
    ("2026-03-14", date(2026, 3, 14), None),
    ("2024-02-29", date(2024, 2, 29), None),
    ("2026-02-29", None, NoSuchDay),
    ("2026-13-01", None, NoSuchDay),
    ("20260314", None, NotADate),
    ("2026W111", None, NotADate),
    ("2026-3-14", None, NotADate),
    ("14/03/2026", None, NotADate),
    ("2026-03-14T10:00", None, NotADate),
    ("soon", None, NotADate),
]


@pytest.mark.parametrize(("text", "expected", "error"), DATES)
def test_parse_date(text, expected, error):
    if error is None:
        assert parse_date(text) == expected
    else:
        with pytest.raises(error):
            parse_date(text)


@pytest.mark.parametrize(("text", "expected", "error"), DATES)
def test_front_matter_reads_a_date_as_parse_date_does(text, expected, error):
    doc = split(f"---\nperson: ann\ndate: 2026-01-01\nthanked: '{text}'\n---\n")
    interview, issues = interview_from(doc, PurePosixPath("interviews/2026-01-01-ann.md"))
    assert interview is not None
    assert interview.thanked == expected
    messages = [i.message for i in issues]
    if error is NoSuchDay:
        assert messages == [f"'thanked' is not a real date: {text}"]
    elif error is NotADate:
        assert messages == [f"'thanked' must be a date written YYYY-MM-DD, not {text!r}"]
    else:
        assert messages == []


@pytest.mark.parametrize(("text", "expected", "error"), DATES)
def test_tool_toml_reads_a_date_as_parse_date_does(text, expected, error):
    config, problems = parse_settings(f'[defaults]\nholidays = ["{text}"]\n')
    assert config.holidays == ((expected,) if expected else ())
    assert len(problems) == (error is not None)


@pytest.mark.parametrize(("text", "expected", "error"), DATES)
def test_an_option_reads_a_date_as_parse_date_does(kb_root, text, expected, error):
    result = run("due", "--root", kb_root, "--format", "json", "--on", text)
    if error is None:
        assert result.exit_code == 0, result.stderr
        assert f'"on": "{expected.isoformat()}"' in result.stdout
    else:
        assert result.exit_code == 2
        with pytest.raises(error) as raised:
            parse_date(text)
        assert str(raised.value) in result.stderr
