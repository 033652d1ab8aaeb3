"""`tool stats` and the pace goals: every figure on knowledge bases made by hand, exactly.

One KB of five requests (`FILES`) covers every statistic; its numbers are worked out in the
comments, so that a wrong figure points at the rule that made it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import run, write
from kb_builder import kb_of

from tool.parse.settings import parse_settings
from tool.rules.stats import pace, pace_summary, stats

TOML = """\
[defaults]
thank_you_within = 1
[targets]
careers = ["Data science", "UX research"]
companies = ["Acme", "Initech"]
"""


def person(name: str, fields: str = "") -> str:
    return f"---\nname: {name}\n{fields}---\n"


def talk(who: str, day: str, fields: str, body: str = "") -> dict[str, str]:
    return {f"interviews/{day}-{who}.md": f"---\nperson: {who}\ndate: {day}\n{fields}---\n{body}"}


INSIGHT = "## Insights\n- Something learned. #skills\n"
FILES: dict[str, str] = {
    "tool.toml": TOML,
    "people/ann.md": person("Ann", "relationship: alumni\ncareer: Data science\ncompany: Acme\n"),
    "people/bo.md": person("Bo", "relationship: cold\ncompany: Globex\n"),
    "people/cy.md": person("Cy", "company: Acme\n"),
    "people/di.md": person("Di", "relationship: alumni\n"),
    # 1: held 8 days after the request, thanked the same day, two referrals (Cy, a name).
    **talk(
        "ann",
        "2026-03-10",
        "status: done\nrequested: 2026-03-02\nformat: video\nthanked: 2026-03-10\n"
        'referrals: [cy, "Someone new"]\n',
        INSIGHT,
    ),
    # 2: Ann again (the follow-up of 1), thanked 3 days late, no insights.
    **talk(
        "ann",
        "2026-04-20",
        "status: done\nrequested: 2026-04-10\nformat: coffee\nthanked: 2026-04-23\n",
    ),
    # 3: a request never answered.
    **talk("bo", "2026-03-20", "status: requested\nrequested: 2026-03-16\nformat: email\n"),
    # 4: held without a request date, never thanked; Cy was Ann's referral.
    **talk("cy", "2026-03-25", "status: done\nformat: phone\n", INSIGHT),
    # 5: declined a week after the request.
    **talk("di", "2026-03-18", "status: declined\nrequested: 2026-03-11\nformat: video\n"),
    # 6: only an idea: in no figure.
    **talk("di", "2026-05-01", "status: idea\n"),
}
ON = date(2026, 5, 15)


def figures(files: dict[str, str] = FILES, on: date | None = ON, since: date | None = None):
    return stats(kb_of(files), on, since).as_dict()


def test_funnel_counts_conversions_and_median_days():
    assert figures()["funnel"] == [
        {"step": "requested", "count": 5, "conversion": None, "median_days": None},
        # 1, 2, 4 held and 5 declined: four answers of five.
        {"step": "replied", "count": 4, "conversion": 0.8, "median_days": None},
        # Requested to held: 8 days (1) and 10 (2); 4 has no request date.
        {"step": "held", "count": 3, "conversion": 0.75, "median_days": 9.0},
        # Held to thanked: 0 days (1) and 3 (2).
        {"step": "thanked", "count": 2, "conversion": 0.667, "median_days": 1.5},
        # Only 1 was followed by another held conversation: thanked 03-10, next 04-20.
        {"step": "followed up", "count": 1, "conversion": 0.5, "median_days": 41.0},
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "replies_by_relationship",
            [
                # 1, 2 (8 and 10 days) and 5 (7 days).
                {"name": "alumni", "requests": 3, "replied": 3, "rate": 1.0, "median_days": 8.0},
                {"name": "cold", "requests": 1, "replied": 0, "rate": 0.0, "median_days": None},
                # Cy has no relationship, and 4 no request date: last, and no days.
                {
                    "name": "(not set)",
                    "requests": 1,
                    "replied": 1,
                    "rate": 1.0,
                    "median_days": None,
                },
            ],
        ),
        (
            "replies_by_format",
            [
                {"name": "video", "requests": 2, "replied": 2, "rate": 1.0, "median_days": 7.5},
                {"name": "coffee", "requests": 1, "replied": 1, "rate": 1.0, "median_days": 10.0},
                {"name": "email", "requests": 1, "replied": 0, "rate": 0.0, "median_days": None},
                {"name": "phone", "requests": 1, "replied": 1, "rate": 1.0, "median_days": None},
            ],
        ),
        (
            "thank_yous",
            # Delays 0 and 3 days; only the first within 1 day; 4 never thanked.
            {
                "window_days": 1,
                "held": 3,
                "sent": 2,
                "within_window": 1,
                "share": 0.333,
                "median_days": 1.5,
            },
        ),
        (
            "referrals",
            # Two names from three held; Cy is in people/ and was met on 03-25.
            {
                "conversations": 3,
                "referrals": 2,
                "per_conversation": 0.667,
                "in_people": 1,
                "became_conversations": 1,
            },
        ),
        (
            "coverage",
            [
                {"kind": "career", "name": "Data science", "people": 1, "conversations": 2},
                {"kind": "career", "name": "UX research", "people": 0, "conversations": 0},
                {"kind": "company", "name": "Acme", "people": 2, "conversations": 3},
                {"kind": "company", "name": "Initech", "people": 0, "conversations": 0},
            ],
        ),
        ("insights", {"held": 3, "with_insights": 2, "share": 0.667}),
        ("pace", None),  # no [goals]
    ],
)
def test_each_figure(key, expected):
    assert figures()[key] == expected


def test_months_count_held_requested_and_declined():
    months = [(m["label"], m["held"], m["requested"], m["declined"]) for m in figures()["months"]]
    # March: held 1 and 4; asked 1, 3, 5; 5 declined. April: 2. May: nothing up to `on`.
    assert months == [("2026-03", 2, 3, 1), ("2026-04", 1, 1, 0), ("2026-05", 0, 0, 0)]


def test_weeks_run_from_the_first_monday_to_the_week_of_on():
    weeks = figures()["weeks"]
    assert [w["start"] for w in weeks][:3] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert weeks[-1]["start"] == "2026-05-11"
    assert len(weeks) == 11
    assert weeks[1] | {"start": ""} == {
        "start": "",
        "label": "2026-W11",
        "held": 1,
        "requested": 1,
        "declined": 0,
    }


def test_since_keeps_interviews_dated_from_that_day():
    found = figures(since=date(2026, 4, 1))
    assert [s["count"] for s in found["funnel"]] == [1, 1, 1, 1, 0]
    assert [m["label"] for m in found["months"]] == ["2026-04", "2026-05"]
    # Ann's second conversation names nobody: the first one is before --since.
    assert found["referrals"]["referrals"] == 0


def test_no_conversations_at_all():
    found = figures({"tool.toml": TOML})
    assert [(s["count"], s["conversion"], s["median_days"]) for s in found["funnel"]] == [
        (0, None, None)
    ] * 5
    assert found["weeks"] == found["months"] == []
    assert found["replies_by_relationship"] == found["replies_by_format"] == []
    assert found["thank_yous"]["share"] is None
    assert found["referrals"]["per_conversation"] is None
    assert found["insights"] == {"held": 0, "with_insights": 0, "share": None}
    assert [c["people"] for c in found["coverage"]] == [0, 0, 0, 0]


def test_no_conversations_since_a_day_gives_empty_periods_up_to_on():
    found = figures({}, on=date(2026, 3, 31), since=date(2026, 3, 1))
    assert [(m["label"], m["held"]) for m in found["months"]] == [("2026-03", 0)]
    assert len(found["weeks"]) == 6  # from Mon 23 Feb, the week of the 1st, to Mon 30 Mar


def test_a_request_never_answered_and_a_held_one_without_a_request_date():
    files = {
        "people/bo.md": person("Bo"),
        **talk("bo", "2026-03-20", "status: requested\nrequested: 2026-03-16\n"),
        **talk("bo", "2026-04-02", "status: done\n"),
    }
    found = figures(files)
    assert [(s["count"], s["median_days"]) for s in found["funnel"]] == [
        (2, None),
        (1, None),
        (1, None),  # held, but no request date to count days from
        (0, None),
        (0, None),
    ]
    assert found["replies_by_relationship"] == [
        {"name": "(not set)", "requests": 2, "replied": 1, "rate": 0.5, "median_days": None}
    ]


GOALS = "[goals]\nconversations_per_month = {month}\nrequests_per_week = {week}\n"


@pytest.mark.parametrize(
    ("goals", "on", "expected"),
    [
        # Wed 25 March: two held in March (met); no request this week yet, none expected by
        # Wednesday at 1 a week; last week had a request but no conversation: no streak.
        (
            GOALS.format(month=2, week=1),
            "2026-03-25",
            "Pace: 2 of 2 conversations this month (met); "
            "0 of 1 requests this week (on pace); 0 weeks in a row on pace",
        ),
        # Requests alone: the weeks of 16, 9 and 2 March each had one.
        (
            "[goals]\nrequests_per_week = 1\n",
            "2026-03-25",
            "Pace: 0 of 1 requests this week (on pace); 3 weeks in a row on pace",
        ),
        # Thu 12 March: one held this week counts it already; 2 a month expects 0 by the 12th.
        (
            "[goals]\nconversations_per_month = 2\n",
            "2026-03-12",
            "Pace: 1 of 2 conversations this month (on pace); 1 week in a row on pace",
        ),
        # Late in April with 3 a month wanted and one held: behind, though the week of
        # 20 April (Ann again) was on pace.
        (
            "[goals]\nconversations_per_month = 3\n",
            "2026-04-29",
            "Pace: 1 of 3 conversations this month (behind); 1 week in a row on pace",
        ),
    ],
)
def test_pace_against_goals(goals, on, expected):
    files = {**FILES, "tool.toml": TOML + goals}
    found = pace(kb_of(files), date.fromisoformat(on))
    assert found is not None
    assert pace_summary(found) == expected


def test_no_goals_no_pace():
    assert pace(kb_of(FILES), ON) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[goals]\nconversations_per_month = 4\nrequests_per_week = 3\n", (4, 3, [])),
        ("[goals]\nrequests_per_week = 2\n", (None, 2, [])),
        (
            '[goals]\nconversations_per_month = "four"\n',
            (
                None,
                None,
                [
                    "tool.toml:2:1: error: conversations_per_month must be a whole number "
                    "above 0, not 'four' [config]"
                ],
            ),
        ),
        (
            "[me]\n\n[goals]\nrequests_per_week = 0\n",
            (
                None,
                None,
                [
                    "tool.toml:4:1: error: requests_per_week must be a whole number "
                    "above 0, not 0 [config]"
                ],
            ),
        ),
        (
            "[goals]\nrequests_per_wek = 3\n",
            (
                None,
                None,
                [
                    "tool.toml:2:1: error: unknown goal 'requests_per_wek' (did you mean "
                    "requests_per_week?): use conversations_per_month or requests_per_week "
                    "[config]"
                ],
            ),
        ),
        ("goals = 3\n", (None, None, ["tool.toml:1:1: error: [goals] must be a table [config]"])),
    ],
)
def test_goals_settings(text, expected):
    config, problems = parse_settings(text)
    found = (config.conversations_per_month, config.requests_per_week)
    assert (*found, [p.format() for p in problems]) == expected


def kb_on_disk(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        write(tmp_path / name, text)
    return tmp_path


STATS_TEXT = """\
Stats as of 2026-03-25 (interviews since 2026-03-01)

Pace
  conversations this month: 2 of 2 (met)
  requests this week: 0 of 1 (on pace)
  streak: 0 weeks on pace

Conversations per month
           held  requested
  2026-03     2          3

Conversations per week
            held  requested
  2026-W09     0          0
  2026-W10     0          1
  2026-W11     1          1
  2026-W12     0          1
  2026-W13     1          0

Funnel
  step         count  of previous  median days
  requested        5            -            -
  replied          4          80%            -
  held             3          75%            9
  thanked          2          67%          1.5
  followed up      1          50%           41

Replies by relationship
             requests  replied  rate  median days
  alumni            3        3  100%            8
  cold              1        0    0%            -
  (not set)         1        1  100%            -

Replies by format
          requests  replied  rate  median days
  video          2        2  100%          7.5
  coffee         1        1  100%           10
  email          1        0    0%            -
  phone          1        1  100%            -

Follow-through
  thank-yous: 1 of 3 held within 1 day (33%); 2 sent, median 1.5 days after
  referrals: 2 from 3 held (0.67 each); 1 in people/, 1 became conversations
  insights: 2 of 3 held conversations (67%)

Coverage of targets
           target        people  held
  career   Data science       1     2
  career   UX research        0     0
  company  Acme               2     3
  company  Initech            0     0
"""


def test_stats_command_text_and_json(tmp_path):
    files = {**FILES, "tool.toml": TOML + GOALS.format(month=2, week=1)}
    root = kb_on_disk(tmp_path, files)
    # Ann's April conversation is after --on: beyond the series, but in the funnel. The
    # weeks start on the Monday of the week of --since; piped, there are no bars.
    result = run("stats", "--root", root, "--on", "2026-03-25", "--since", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert result.output == STATS_TEXT
    result = run("stats", "--root", root, "--on", "2026-03-25", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["pace"] == {
        "goals": [
            {
                "goal": "conversations_per_month",
                "target": 2,
                "done": 2,
                "expected_by_now": 1,
                "period": "month",
                "state": "met",
            },
            {
                "goal": "requests_per_week",
                "target": 1,
                "done": 0,
                "expected_by_now": 0,
                "period": "week",
                "state": "on pace",
            },
        ],
        "streak_weeks": 0,
    }
    assert [s["count"] for s in data["funnel"]] == [5, 4, 3, 2, 1]


def test_stats_rejects_a_bad_date(tmp_path):
    result = run("stats", "--root", kb_on_disk(tmp_path, FILES), "--on", "2026-02-30")
    assert result.exit_code == 2
    assert "2026-02-30" in result.output


def test_due_ends_with_the_pace_only_with_goals(tmp_path):
    root = kb_on_disk(tmp_path, FILES)
    result = run("due", "--root", root, "--on", "2026-03-25")
    assert result.exit_code == 0, result.output
    assert "Pace" not in result.output
    assert "pace" not in json.loads(
        run("due", "--root", root, "--on", "2026-03-25", "--format", "json").output
    )
    write(root / "tool.toml", TOML + GOALS.format(month=2, week=1))
    result = run("due", "--root", root, "--on", "2026-03-25")
    assert result.output.endswith(
        "\nPace: 2 of 2 conversations this month (met); "
        "0 of 1 requests this week (on pace); 0 weeks in a row on pace\n"
    )
    data = json.loads(run("due", "--root", root, "--on", "2026-03-25", "--format", "json").output)
    assert data["pace"]["streak_weeks"] == 0


def test_bars_on_a_terminal_scale_to_the_largest_count():
    from tool.cli.stats_commands import render

    found = stats(kb_of(FILES), date(2026, 3, 25), date(2026, 3, 1))
    text = "".join(p if isinstance(p, str) else p.text for p in render(found, bars=True))
    assert "  2026-03     2          3  ████████████████████\n" in text  # the largest: full
    assert "  2026-W11     1          1  ████████████████████\n" in text  # weeks: 1 is most
    assert "  2026-W12     0          1\n" in text  # none: no bar
    assert "  requested        5            -            -  ████████████████████\n" in text
    assert "  thanked          2          67%          1.5  ████████\n" in text  # 2/5 of 20
    assert "  followed up      1          50%           41  ████\n" in text
