"""`tool export ics`: read back by an independent parser, RFC 5545 framing, stable UIDs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from conftest import run, write

from tool.ics import escape, fold


def export(root: Path, *args: str) -> bytes:
    result = run("export", "ics", "--root", root, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def test_events_read_back_one_by_one(make_kb):
    data = export(make_kb("due"))
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    events = [
        (
            str(e["UID"]),
            str(e["SUMMARY"]),
            e.decoded("DTSTART"),
            e.decoded("DTEND") if "DTEND" in e else e.decoded("DURATION"),
            e.categories,
        )
        for e in calendar.walk("VEVENT")
    ]
    assert events == [
        (
            "2026-11-20-ben-ode-thank-you@tool.invalid",
            "Thank Ben Odé for the conversation on 2026-11-20",
            date(2026, 11, 21),
            date(2026, 11, 22),
            ["Thank-you"],
        ),
        (
            "2026-10-01-cleo-ruiz-follow-up@tool.invalid",
            "Follow up with Cléo Ruiz",
            date(2026, 11, 23),
            date(2026, 11, 24),
            ["Follow-up"],
        ),
        (
            "2026-11-25-eva-lind@tool.invalid",
            "Video call with Eva Lind",
            datetime(2026, 11, 25, 16, 30),  # floating time from `time: "16:30"`
            timedelta(minutes=45),
            ["Conversation"],
        ),
    ]
    for event in calendar.walk("VEVENT"):
        assert event.decoded("DTSTAMP").tzinfo is not None  # UTC, as RFC 5545 requires


def test_description_round_trips_and_names_the_file(make_kb):
    calendar = icalendar.Calendar.from_ical(export(make_kb("due")))
    descriptions = [str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT")]
    assert descriptions[0] == (
        "Engineer, acme robotics\nPurpose: company\nNotes: interviews/2026-11-20-ben-ode.md"
    )
    assert descriptions[2].endswith("Length: 45 min")


def test_all_day_conversation_when_no_time_is_known(make_kb):
    root = make_kb("due")
    write(
        root / "interviews" / "2026-12-01-dan-wu.md",
        "---\nperson: dan-wu\ndate: 2026-12-01\nstatus: scheduled\n---\n",
    )
    calendar = icalendar.Calendar.from_ical(export(root))
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("2026-12-01")]
    assert event.decoded("DTSTART") == date(2026, 12, 1)
    assert str(event["DESCRIPTION"]).endswith(
        "Length: 30 min; no time in the notes (add time: HH:MM)"
    )


def test_crlf_and_lines_of_at_most_75_octets(make_kb):
    root = make_kb("due")
    write(
        root / "people" / "eva-lind.md",
        "---\nname: Eva Lind\ncompany: Initech\nrole: " + "Ünïcödé researcher; " * 12 + "\n---\n",
    )
    data = export(root)
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    eva = next(e for e in events if "eva" in str(e["UID"]))
    role = ("Ünïcödé researcher; " * 12).strip()
    assert str(eva["DESCRIPTION"]).startswith(f"{role}, Initech\n")


@pytest.mark.parametrize(
    "line",
    ["", "A" * 75, "A" * 76, "A" * 300, "é" * 80, "DESCRIPTION:" + "李" * 40, "x" * 74 + "€"],
)
def test_fold(line: str):
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert parts[0] + "".join(p[1:] for p in parts[1:]) == line
    assert all(p.startswith(" ") for p in parts[1:])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a,b;c\\d", "a\\,b\\;c\\\\d"), ("one\ntwo", "one\\ntwo")],
)
def test_escape(text: str, expected: str):
    assert escape(text) == expected


def test_no_contact_details_unless_asked(make_kb):
    root = make_kb("due")
    plain = export(root).decode()
    assert "example.com" not in plain and "555" not in plain and "linkedin" not in plain
    private = icalendar.Calendar.from_ical(export(root, "--include-private"))
    eva = next(e for e in private.walk("VEVENT") if "eva-lind" in str(e["UID"]))
    assert "Linkedin: https://www.linkedin.com/in/eva-lind-example" in str(eva["DESCRIPTION"])


def test_output_is_stable_and_written_only_when_changed(make_kb):
    root = make_kb("due")
    target = root / "out.ics"
    first = run("export", "ics", "--root", root, "--output", target)
    assert (first.exit_code, first.stderr) == (0, f"Wrote {target}\n")
    assert target.read_bytes() == export(root)
    again = run("export", "ics", "--root", root, "--output", target)
    assert again.stderr == f"{target} is up to date\n"
