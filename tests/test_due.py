"""`tool due`: every rule at its edges, always with a fixed day."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import run, write

from tool.cli import due_commands
from tool.rules.due import add_business_days, due, relative
from tool.store import loading

GOLDEN = Path(__file__).parent / "golden" / "due"

FRONT = "---\nperson: {person}\ndate: {date}\n{fields}---\n{body}"


def interview(root: Path, name: str, person: str, day: str, fields: str, body: str = "") -> str:
    """Write interviews/<name>.md and return its relative path."""
    rel = f"interviews/{name}.md"
    write(root / rel, FRONT.format(person=person, date=day, fields=fields, body=body))
    return rel


def items(root: Path, on: str, within: int = 7, path: str | None = None) -> list[tuple]:
    """(kind, urgency, date, line) of the items as of `on`, for one file when given."""
    found = due(loading.load(root), date.fromisoformat(on), within)
    return [
        (d.kind, d.urgency, d.date.isoformat(), d.line)
        for d in found
        if path is None or str(d.path) == path
    ]


@pytest.mark.parametrize(
    ("start", "days", "holidays", "expected"),
    [
        ("2026-11-16", 3, (), "2026-11-19"),  # Monday + 3 = Thursday
        ("2026-11-20", 1, (), "2026-11-23"),  # Friday + 1 = Monday
        ("2026-11-20", 3, (), "2026-11-25"),  # Friday + 3 crosses the weekend
        ("2026-11-21", 1, (), "2026-11-23"),  # sent on a Saturday
        ("2026-11-20", 7, (), "2026-12-01"),
        ("2026-11-20", 7, ("2026-11-26",), "2026-12-02"),  # a holiday is skipped
        ("2026-11-25", 1, ("2026-11-26", "2026-11-27"), "2026-11-30"),
        ("2026-11-20", 0, (), "2026-11-20"),
    ],
)
def test_add_business_days(start: str, days: int, holidays: tuple[str, ...], expected: str):
    closed = [date.fromisoformat(h) for h in holidays]
    assert add_business_days(date.fromisoformat(start), days, closed).isoformat() == expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [(-3, "3 days ago"), (-1, "yesterday"), (0, "today"), (1, "tomorrow"), (5, "in 5 days")],
)
def test_relative(when: int, expected: str):
    on = date(2026, 11, 22)
    assert relative(date.fromordinal(on.toordinal() + when), on) == expected


THANK_FIELDS = "status: done\n"


@pytest.mark.parametrize(
    ("on", "within", "fields", "expected"),
    [
        # Conversation on Tuesday 2026-03-10; thank_you_within = 1 day.
        ("2026-03-10", 7, THANK_FIELDS, [("thank-you", "soon", "2026-03-11", 4)]),
        ("2026-03-10", 0, THANK_FIELDS, []),  # inside the window, not looking ahead
        ("2026-03-11", 0, THANK_FIELDS, [("thank-you", "today", "2026-03-11", 4)]),  # 24 hours
        ("2026-03-12", 0, THANK_FIELDS, [("thank-you", "overdue", "2026-03-11", 4)]),
        ("2026-03-12", 0, THANK_FIELDS + "thanked: 2026-03-12\n", []),
        ("2026-03-12", 0, "status: scheduled\n", [("upcoming", "overdue", "2026-03-10", 4)]),
        ("2026-03-12", 0, "status: declined\n", []),
    ],
)
def test_thank_you(make_kb, on: str, within: int, fields: str, expected: list[tuple]):
    root = make_kb("due")
    rel = interview(
        root, "2026-03-10-eva-lind", "eva-lind", "2026-03-10", fields, "## Insights\n- x\n"
    )
    assert items(root, on, within, rel) == expected


def test_thank_you_window_comes_from_the_config(make_kb):
    root = make_kb("due")
    toml = (root / "tool.toml").read_text().replace("thank_you_within = 1", "thank_you_within = 2")
    write(root / "tool.toml", toml)
    rel = interview(
        root, "2026-03-10-eva-lind", "eva-lind", "2026-03-10", THANK_FIELDS, "## Insights\n- x\n"
    )
    assert items(root, "2026-03-12", 0, rel) == [("thank-you", "today", "2026-03-12", 4)]


REQUEST = "status: requested\nrequested: 2026-11-20\n"  # a Friday; 2026-11-26 is a holiday


@pytest.mark.parametrize(
    ("on", "within", "expected"),
    [
        ("2026-11-20", 0, []),
        ("2026-11-24", 0, []),  # Mon and Tue: 2 business days
        ("2026-11-24", 1, [("no-reply", "soon", "2026-11-25", 5)]),
        ("2026-11-25", 0, [("no-reply", "today", "2026-11-25", 5)]),  # 3rd business day
        ("2026-12-01", 0, [("no-reply", "overdue", "2026-11-25", 5)]),  # holiday: 6 so far
        ("2026-12-02", 0, [("no-reply", "today", "2026-12-02", 5)]),  # 7th business day
        ("2026-12-20", 0, [("no-reply", "overdue", "2026-12-02", 5)]),
    ],
)
def test_unanswered_request_3b7(make_kb, on: str, within: int, expected: list[tuple]):
    root = make_kb("due")
    rel = interview(root, "2026-12-10-ben-ode", "ben-ode", "2026-12-10", REQUEST)
    assert items(root, on, within, rel) == expected


def test_unanswered_request_reasons_name_people_at_the_same_company(make_kb):
    root = make_kb("due")
    rel = interview(root, "2026-12-10-ben-ode", "ben-ode", "2026-12-10", REQUEST)
    kb = loading.load(root)
    (early,) = [d for d in due(kb, date(2026, 11, 25), 0) if str(d.path) == rel]
    assert early.reason == (
        "Try a second person at acme robotics (you know Ada Park): no reply from Ben Odé "
        "in 3 business days since your request of 2026-11-20; nudge them on 2026-12-02"
    )
    (late,) = [d for d in due(kb, date(2026, 12, 2), 0) if str(d.path) == rel]
    assert late.reason == (
        "Nudge Ben Odé: no reply in 7 business days since your request of 2026-11-20 "
        "(due 2026-12-02, today)"
    )


def test_unanswered_request_with_nobody_else_at_the_company(make_kb):
    root = make_kb("due")
    rel = interview(root, "2026-12-10-eva-lind", "eva-lind", "2026-12-10", REQUEST)
    (item,) = [d for d in due(loading.load(root), date(2026, 11, 25), 0) if str(d.path) == rel]
    assert item.reason.startswith(
        "Try a second person at Initech (nobody else there in your notes yet): "
    )


@pytest.mark.parametrize(
    ("on", "within", "extra", "expected"),
    [
        ("2026-11-22", 0, "", []),
        ("2026-11-22", 1, "", [("follow-up", "soon", "2026-11-23", 8)]),
        ("2026-11-23", 0, "", [("follow-up", "today", "2026-11-23", 8)]),
        ("2026-11-30", 0, "", [("follow-up", "overdue", "2026-11-23", 8)]),
        # A conversation on or after the follow-up date settles it.
        ("2026-11-30", 0, "done", []),
    ],
)
def test_follow_up(make_kb, on: str, within: int, extra: str, expected: list[tuple]):
    root = make_kb("due")
    if extra:
        interview(
            root,
            "2026-11-24-cleo-ruiz",
            "cleo-ruiz",
            "2026-11-24",
            "status: done\nthanked: 2026-11-24\n",
            "## Insights\n- x\n",
        )
    assert items(root, on, within, "interviews/2026-10-01-cleo-ruiz.md") == expected


@pytest.mark.parametrize(
    ("on", "within", "expected"),
    [
        ("2026-11-17", 7, []),  # eight days ahead
        ("2026-11-18", 7, [("upcoming", "soon", "2026-11-25", 3)]),
        ("2026-11-23", 1, []),
        ("2026-11-25", 0, [("upcoming", "today", "2026-11-25", 3)]),
        # Still `scheduled` after the day: a reminder to update the file.
        ("2026-11-26", 0, [("upcoming", "overdue", "2026-11-25", 4)]),
    ],
)
def test_upcoming(make_kb, on: str, within: int, expected: list[tuple]):
    root = make_kb("due")
    assert items(root, on, within, "interviews/2026-11-25-eva-lind.md") == expected


@pytest.mark.parametrize(
    ("questions", "reminder"),
    [("## Questions\n", True), ("## Questions\n1. Why?\n", False), ("## Notes\n", True)],
)
def test_upcoming_reminds_to_prepare_questions(make_kb, questions: str, reminder: bool):
    root = make_kb("due")
    rel = interview(
        root, "2026-11-25-eva-lind", "eva-lind", "2026-11-25", "status: scheduled\n", questions
    )
    (item,) = [d for d in due(loading.load(root), date(2026, 11, 24), 7) if str(d.path) == rel]
    assert item.reason.startswith("Conversation with Eva Lind tomorrow (Wed 2026-11-25)")
    assert item.reason.endswith("; no questions yet: run `tool questions eva-lind`") is reminder


@pytest.mark.parametrize(
    ("person", "on", "expected"),
    [
        # Ada's own cadence is 30 days; last contact 2026-09-01.
        ("ada-park", "2026-09-30", []),
        ("ada-park", "2026-10-01", [("gone-quiet", "today", "2026-10-01", 9)]),
        ("ada-park", "2026-10-02", [("gone-quiet", "overdue", "2026-10-01", 9)]),
        # Ben has no cadence of his own: tool.toml says 60 days after 2026-11-20.
        ("ben-ode", "2027-01-18", []),
        ("ben-ode", "2027-01-19", [("gone-quiet", "today", "2027-01-19", 2)]),
        # Cléo has a request out, so she is not quiet however long ago.
        ("cleo-ruiz", "2027-06-01", []),
        # Dan and Eva were never spoken to: nothing to keep up.
        ("dan-wu", "2027-06-01", []),
    ],
)
def test_gone_quiet(make_kb, person: str, on: str, expected: list[tuple]):
    root = make_kb("due")
    found = [
        (d.kind, d.urgency, d.date.isoformat(), d.line)
        for d in due(loading.load(root), date.fromisoformat(on), 0)
        if d.kind == "gone-quiet" and d.person == person
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("fields", "later", "expected"),
    [
        # A thank-you is contact; a follow-up date is a plan, not contact, while it is open:
        # it is reported as a follow-up, and the quiet clock runs from the thank-you.
        (
            "thanked: 2026-09-03\nfollow_up: 2026-09-20\n",
            None,
            [("follow-up", "2026-09-20"), ("gone-quiet", "2026-10-03")],
        ),
        (
            "follow_up: 2026-09-20\n",
            None,
            [("follow-up", "2026-09-20"), ("gone-quiet", "2026-10-01")],
        ),
        # The conversation that settles the follow-up is the latest contact.
        ("follow_up: 2026-09-20\n", "2026-09-22", [("gone-quiet", "2026-10-22")]),
    ],
)
def test_gone_quiet_counts_conversations_and_thank_yous(
    make_kb, fields: str, later: str | None, expected: list[tuple]
):
    root = make_kb("due")
    interview(
        root,
        "2026-09-01-ada-park",
        "ada-park",
        "2026-09-01",
        "status: done\n" + fields,
        "## Insights\n- x\n",
    )
    if later:
        interview(
            root,
            f"{later}-ada-park",
            "ada-park",
            later,
            "status: done\nthanked: " + later + "\n",
            "## Insights\n- y\n",
        )
    found = [
        (d.kind, d.date.isoformat())
        for d in due(loading.load(root), date(2026, 10, 25), 0)
        if d.person == "ada-park" and d.kind in ("follow-up", "gone-quiet")
    ]
    assert found == expected


def _thanked_late(root: Path) -> None:
    path = root / "interviews" / "2026-11-20-ben-ode.md"
    path.write_text(
        path.read_text().replace("status: done\n", "status: done\nthanked: 2026-11-22\n")
    )


def _requested_late(root: Path) -> None:
    path = root / "interviews" / "2026-11-25-eva-lind.md"
    path.write_text(
        path.read_text().replace(
            "status: scheduled\n", "status: scheduled\nrequested: 2026-11-24\n"
        )
    )


def _settled_later(root: Path) -> None:
    interview(
        root,
        "2026-12-01-cleo-ruiz",
        "cleo-ruiz",
        "2026-12-01",
        "status: done\nthanked: 2026-12-01\n",
        "## Insights\n- z\n",
    )


ADA = "interviews/2026-09-01-ada-park.md"
BEN = "interviews/2026-11-20-ben-ode.md"
EVA = "interviews/2026-11-25-eva-lind.md"
CLEO = "interviews/2026-10-01-cleo-ruiz.md"


@pytest.mark.parametrize(
    ("change", "on", "within", "path", "expected"),
    [
        # Requested 2026-08-25, held 2026-09-01: its referrals and action items come from then.
        (None, "2026-08-31", 0, ADA, []),
        (
            None,
            "2026-09-01",
            0,
            ADA,
            [
                ("referral", "open", "2026-09-01", 10),
                ("referral", "open", "2026-09-01", 10),
                ("action", "open", "2026-09-01", 21),
            ],
        ),
        # A thank-you sent on 2026-11-22 was still owed the day before.
        (
            _thanked_late,
            "2026-11-21",
            0,
            BEN,
            [
                ("thank-you", "today", "2026-11-21", 4),
                ("insights", "open", "2026-11-20", 12),
                ("action", "open", "2026-11-20", 15),
            ],
        ),
        (
            _thanked_late,
            "2026-11-22",
            0,
            BEN,
            [("insights", "open", "2026-11-20", 12), ("action", "open", "2026-11-20", 15)],
        ),
        # A conversation requested on 2026-11-24 is not upcoming before that.
        (_requested_late, "2026-11-23", 7, EVA, []),
        (_requested_late, "2026-11-24", 7, EVA, [("upcoming", "soon", "2026-11-25", 3)]),
        # The follow-up planned for 2026-11-23 is settled on 2026-12-01, not before.
        (_settled_later, "2026-11-30", 0, CLEO, [("follow-up", "overdue", "2026-11-23", 8)]),
        (_settled_later, "2026-12-01", 0, CLEO, []),
    ],
)
def test_as_of_a_past_day_only_what_existed_then_counts(
    make_kb, change, on: str, within: int, path: str, expected: list[tuple]
):
    root = make_kb("due")
    if change:
        change(root)
    assert items(root, on, within, path) == expected


@pytest.mark.parametrize(
    ("dan_status", "expected"),
    [
        (None, ["Contact Dan Wu", 'Add "Fay from finance"']),
        ("idea", ["Contact Dan Wu", 'Add "Fay from finance"']),
        ("requested", ['Add "Fay from finance"']),
        ("declined", ['Add "Fay from finance"']),
    ],
)
def test_referrals(make_kb, dan_status: str | None, expected: list[str]):
    root = make_kb("due")
    if dan_status:
        interview(root, "2027-01-10-dan-wu", "dan-wu", "2027-01-10", f"status: {dan_status}\n")
    found = [d for d in due(loading.load(root), date(2026, 11, 23), 0) if d.kind == "referral"]
    assert [d.reason.split(",")[0] for d in found] == expected
    assert {(str(d.path), d.line, d.urgency) for d in found} == {
        ("interviews/2026-09-01-ada-park.md", 10, "open")
    }


def test_open_action_items_point_at_their_line(make_kb):
    root = make_kb("due")
    found = [d for d in due(loading.load(root), date(2026, 11, 23), 0) if d.kind == "action"]
    assert [(str(d.path), d.line, d.reason) for d in found] == [
        (
            "interviews/2026-09-01-ada-park.md",
            21,
            "Ada Park: Send Ada the article on fleet dashboards",
        ),
        ("interviews/2026-11-20-ben-ode.md", 14, "Ben Odé: Send thank-you note"),
    ]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        ("done", "## Notes\nx\n\n## Insights\n", [("insights", "open", "2026-11-02", 10)]),
        ("done", "## Notes\nNothing yet.\n", [("insights", "open", "2026-11-02", 7)]),
        ("done", "## Insights\n- One thing. #topic\n", []),
        ("cancelled", "## Insights\n", []),
    ],
)
def test_insights_missing(make_kb, status: str, body: str, expected: list[tuple]):
    root = make_kb("due")
    rel = interview(
        root,
        "2026-11-02-eva-lind",
        "eva-lind",
        "2026-11-02",
        f"status: {status}\nthanked: 2026-11-02\n",
        body,
    )
    found = [t for t in items(root, "2026-11-23", 0, rel) if t[0] == "insights"]
    assert found == expected


@pytest.mark.parametrize(
    ("holidays", "problem"),
    [
        ('["2026-12-25", 2026-12-26]', None),
        ('["25/12/2026"]', "holidays must be a list of dates written YYYY-MM-DD, not '25/12/2026'"),
        ("[2026-12-25T10:00:00]", "holidays must be a list of dates written YYYY-MM-DD"),
        ('"2026-12-25"', None),
    ],
)
def test_holidays_are_read_as_dates(tmp_path: Path, holidays: str, problem: str | None):
    write(tmp_path / "tool.toml", f"[defaults]\nholidays = {holidays}\n")
    config, problems = loading.load_config(tmp_path)
    if problem is None:
        assert problems == []
        assert date(2026, 12, 25) in config.holidays
    else:
        assert [p.message[: len(problem)] for p in problems] == [problem]
        assert config.holidays == ()


def test_due_text_output(make_kb, request):
    root = make_kb("due")
    result = run("due", "--root", root, "--on", "2026-11-23")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout  # no colour outside a terminal
    golden = GOLDEN / "fixture.txt"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_due_json_output(make_kb):
    root = make_kb("due")
    result = run("due", "--root", root, "--on", "2026-11-23", "--within", "2", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["on"] == "2026-11-23"
    assert data["within"] == 2
    assert data["items"][0] == {
        "kind": "gone-quiet",
        "urgency": "overdue",
        "date": "2026-10-01",
        "path": "people/ada-park.md",
        "line": 9,
        "reason": "Get in touch with Ada Park: last contact 2026-09-01, every 30 days "
        "(due 2026-10-01, 53 days ago)",
        "person": "ada-park",
    }
    assert [(i["urgency"], i["kind"]) for i in data["items"]] == [
        ("overdue", "gone-quiet"),
        ("overdue", "no-reply"),
        ("overdue", "thank-you"),
        ("today", "follow-up"),
        ("soon", "upcoming"),
        ("open", "referral"),
        ("open", "referral"),
        ("open", "insights"),
        ("open", "action"),
        ("open", "action"),
    ]


@pytest.mark.parametrize(
    ("on", "args", "code"),
    [
        ("2026-11-23", [], 0),
        ("2026-11-23", ["--fail-if-due"], 1),  # overdue items
        ("2026-07-01", ["--fail-if-due"], 0),  # only open items, nothing dated yet
    ],
)
def test_fail_if_due(make_kb, on: str, args: list[str], code: int):
    root = make_kb("due")
    assert run("due", "--root", root, "--on", on, *args).exit_code == code


def test_nothing_due(tmp_path: Path):
    write(tmp_path / "people" / ".keep", "")
    result = run("due", "--root", tmp_path, "--on", "2026-11-23")
    assert result.exit_code == 0
    assert result.stdout == "As of Mon 2026-11-23: nothing due\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "2026-13-01"], "'2026-13-01' is not a real date"),
        (["--within", "-1"], "-1 is not in the range"),
        (["--format", "xml"], "'xml' is not one of"),
    ],
)
def test_due_usage_errors(kb_root: Path, args: list[str], message: str):
    result = run("due", "--root", kb_root, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_long_reasons_wrap_under_themselves_on_a_terminal(make_kb, monkeypatch):
    monkeypatch.setattr(due_commands, "is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "72")
    result = run("due", "--root", make_kb("due"), "--on", "2026-11-23")
    assert result.stdout.splitlines()[6:10] == [
        "  no reply    Try a second person at Globex (you know Dan Wu): no reply",
        "              from Cléo Ruiz in 3 business days since your request of",
        "              2026-11-16; nudge them on 2026-11-25",
        "              interviews/2026-12-10-cleo-ruiz.md:5",
    ]
    assert max(len(line) for line in result.stdout.splitlines()) <= 72
