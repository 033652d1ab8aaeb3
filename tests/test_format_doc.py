"""docs/format.md describes every field, and validate points to it where a field is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run, write

from tool.model import FORMATS, PURPOSES, RELATIONSHIPS, STATUSES
from tool.parse.records import INTERVIEW_FIELDS, PERSON_FIELDS, REQUIRED

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
HEADINGS = set(re.findall(r"^#{2,3} (\S+)$", DOC, re.MULTILINE))


@pytest.mark.parametrize("field", sorted({*PERSON_FIELDS, *INTERVIEW_FIELDS}))
def test_every_field_has_a_section(field: str):
    assert field in HEADINGS
    assert f"[`{field}`](#{field})" in DOC  # and a row in its record's table


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("status", STATUSES),
        ("format", FORMATS),
        ("purpose", PURPOSES),
        ("relationship", RELATIONSHIPS),
    ],
)
def test_every_allowed_value_is_listed_in_its_row(field: str, values: tuple[str, ...]):
    (row,) = [line for line in DOC.splitlines() if line.startswith(f"| [`{field}`]")]
    assert row.split(" | ")[2].strip(" |") == ", ".join(f"`{v}`" for v in values)


def test_required_fields_are_marked_required():
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| \[`(\w+)`\]\(#\w+\) \| ([^|]+) \|", DOC, re.MULTILINE)
    }
    required = {f for fields in REQUIRED.values() for f in fields}
    assert {f for f, r in rows.items() if r.strip() == "**yes**"} == required


def test_the_readme_links_the_reference():
    assert "[docs/format.md](docs/format.md)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_validate_links_the_field_it_rejects(tmp_path: Path):
    root = tmp_path / "kb"
    write(root / "people" / "ann.md", "---\nname: Ann\nrelationship: buddy\n---\n")
    write(root / "people" / "bo.md", "---\nrole: PM\n---\n")
    write(
        root / "interviews" / "2026-01-05-ann.md",
        "---\nperson: ann\ndate: 2026-01-05\nstatus: don\n---\n",
    )
    result = run("validate", "--root", root)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "interviews/2026-01-05-ann.md:4:1: error: status must be one of idea, requested, "
        "scheduled, done, declined, cancelled, not 'don' (did you mean done?); "
        "see docs/format.md#status [value]",
        "people/ann.md:3:1: error: relationship must be one of alumni, colleague, friend, "
        "referral, cold, other, not 'buddy'; see docs/format.md#relationship [value]",
        "people/bo.md:2:1: error: missing required field 'name'; see docs/format.md#name "
        "[required]",
    ]
    for anchor in re.findall(r"docs/format\.md#(\w+)", result.stdout):
        assert anchor in HEADINGS
