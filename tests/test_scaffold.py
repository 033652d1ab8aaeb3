"""What `tool new` decides, asked of the core directly: status, questions, introducer."""

from __future__ import annotations

from datetime import date

import pytest

from tool import scaffold
from tool.parse.frontmatter import split, to_python
from tool.questions import suggest_questions
from tool.store.loading import load

TODAY = date(2026, 3, 15)


def meta_of(path) -> dict:
    return to_python(split(path.read_text(encoding="utf-8")).meta)


@pytest.mark.parametrize(
    ("when", "expected"),
    [(date(2026, 3, 14), "done"), (TODAY, "scheduled"), (date(2026, 3, 16), "scheduled")],
)
def test_default_status(when, expected):
    assert scaffold.default_status(when, TODAY) == expected


@pytest.mark.parametrize(
    ("when", "status", "expected"),
    [
        (None, None, "scheduled"),  # today
        (date(2026, 1, 5), None, "done"),
        (date(2026, 4, 1), None, "scheduled"),
        (date(2026, 1, 5), "cancelled", "cancelled"),
        (date(2026, 4, 1), "requested", "requested"),
    ],
)
def test_add_interview_status(kb_root, when, status, expected):
    kb = load(kb_root)
    created, _ = scaffold.add_interview(kb, kb.people["bo-chen"], {"status": status}, TODAY, when)
    meta = meta_of(created.path)
    assert (meta["date"], meta["status"]) == ((when or TODAY).isoformat(), expected)


@pytest.mark.parametrize(
    ("fields", "requested"),
    [
        ({"status": "requested"}, TODAY.isoformat()),  # going out as it is recorded
        ({"status": "requested", "requested": date(2026, 3, 9)}, "2026-03-09"),
        ({"status": "scheduled"}, None),
        ({"status": None}, None),
    ],
)
def test_a_request_gets_its_day_so_due_can_follow_it_up(kb_root, fields, requested):
    kb = load(kb_root)
    created, _ = scaffold.add_interview(kb, kb.people["bo-chen"], fields, TODAY, date(2026, 4, 1))
    assert (meta_of(created.path).get("requested") or None) == requested


def test_add_interview_fills_the_questions_of_its_purpose(kb_root):
    kb = load(kb_root)
    person = kb.people["bo-chen"]
    expected = suggest_questions(kb, person, TODAY, "company")
    created, found = scaffold.add_interview(kb, person, {"purpose": "company"}, TODAY)
    assert (found.set.name, found.questions) == (expected.set.name, expected.questions)
    assert found.questions
    text = created.path.read_text(encoding="utf-8")
    assert all(question in text for question in found.questions)


@pytest.mark.parametrize("introducer", ["ann-lee", "Ann Lee", "ann lee"])
def test_add_person_writes_the_introducer_as_an_id(kb_root, introducer):
    kb = load(kb_root)
    created = scaffold.add_person(kb, "Di Eng", {"introduced_by": introducer}, TODAY)
    assert meta_of(created.path)["introduced_by"] == "ann-lee"
