"""Typos are caught: fields and headings close to known ones, impossible states, clock times."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import run, write
from kb_builder import kb_of, problems_of

from tool.rules.records import record_problems

ANN = "people/ann-lee.md"
TALK = "interviews/2026-03-10-ann-lee.md"


def talk(front: str = "", body: str = "") -> dict[str, str]:
    return {
        ANN: "---\nname: Ann Lee\n---\n",
        TALK: f"---\nperson: ann-lee\ndate: 2026-03-10\n{front}---\n{body}",
    }


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {ANN: "---\nname: Ann Lee\ncompnay: Acme\n---\n"},
            [
                f"{ANN}:3:1: warning: unknown field 'compnay' is ignored (did you mean company?) "
                "[unknown-field]"
            ],
        ),
        (
            talk("Thanked: 2026-03-11\n"),
            [
                f"{TALK}:4:1: warning: unknown field 'Thanked' is ignored (did you mean thanked?) "
                "[unknown-field]"
            ],
        ),
        # The user's own fields, not close to any, stay allowed.
        ({ANN: "---\nname: Ann Lee\npronouns: she/her\nmet_at: UXDay\n---\n"}, []),
        (talk("source: meetup\nrating: 5\n"), []),
    ],
)
def test_unknown_fields_close_to_known_ones_are_warned_about(files, expected):
    assert problems_of(files) == expected


def test_headings_close_to_the_configured_ones_are_warned_about():
    files = talk(body="## Insight\n- Hiring is slow. #hiring\n\n## Note\n\n## Next steps\n")
    assert problems_of(files) == [
        f"{TALK}:5:1: warning: heading 'Insight' is read as plain notes "
        "(did you mean Insights?) [heading]",
        f"{TALK}:8:1: warning: heading 'Note' is read as plain notes "
        "(did you mean Notes?) [heading]",
    ]
    # Headings that are the configured ones (maybe with more words) are fine.
    fine = talk(body="## Insights from the call\n- Hiring is slow.\n\n## Notes\n\n## Background\n")
    assert problems_of(fine) == []


def test_headings_follow_the_configured_names():
    files = {
        "tool.toml": '[headings]\ninsights = "Learnings"\n',
        **talk(body="## Learning\n- Hiring is slow.\n"),
    }
    assert problems_of(files) == [
        f"{TALK}:5:1: warning: heading 'Learning' is read as plain notes "
        "(did you mean Learnings?) [heading]"
    ]


def test_done_with_a_date_to_come_is_warned_about_given_today():
    kb = kb_of(talk("status: done\n"))
    found = [p.format() for p in record_problems(kb, date(2026, 3, 9))]
    assert found == [
        f"{TALK}:4:1: warning: status is done, but the date 2026-03-10 is after today "
        "(2026-03-09): set the status to scheduled, or correct the date [done-in-future]"
    ]
    assert record_problems(kb, date(2026, 3, 10)) == []  # on the day itself: fine
    assert record_problems(kb) == []  # no date given, no calendar rules


def test_validate_takes_today_from_on(kb_root):
    path = kb_root / "interviews/2026-04-02-cy-diaz.md"
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("status: requested", "status: done", 1))
    assert "status: done" in path.read_text(encoding="utf-8")
    before = run("validate", "--on", "2026-04-01", "--root", kb_root)
    assert "[done-in-future]" in before.stdout
    after = run("validate", "--on", "2026-04-02", "--root", kb_root)
    assert "[done-in-future]" not in after.stdout


@pytest.mark.parametrize("key", ["time", "begins_at"])
def test_an_unquoted_clock_time_is_a_yaml_1_1_surprise(key):
    found = problems_of(talk(f"{key}: 14:30\n"))
    assert found == [
        f"{TALK}:4:{len(key) + 3}: warning: {key!r} is read as the text '14:30', but other "
        "YAML tools would read the number 870 (base 60); quote it [yaml-1.1]"
    ]
    assert problems_of(talk(f'{key}: "14:30"\n')) == []
