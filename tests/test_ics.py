"""`tool export ics`: read back by an independent parser, RFC 5545 framing, stable UIDs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from conftest import run, write

from tool.formats import ics
from tool.formats.ics import escape, fold_line
from tool.parse.settings import parse_settings
from tool.store import loading


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


def test_descriptions_hold_what_a_calendar_user_needs(make_kb):
    calendar = icalendar.Calendar.from_ical(export(make_kb("due")))
    descriptions = [str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT")]
    assert descriptions == [
        "Engineer, acme robotics\nPurpose: company",
        "Data Scientist, Globex\nPurpose: job",
        "UX Researcher, Initech\nPurpose: career\nLength: 45 min",
    ]


DAN = "---\nperson: dan-wu\ndate: 2026-12-01\nstatus: scheduled\n{fields}---\n{body}"
QUESTIONS = "## Questions\n\n1. How did you start?\n2. What is a normal week?\n\n## Notes\n"


@pytest.mark.parametrize(
    ("fields", "body", "start", "description"),
    [
        ("", "", date(2026, 12, 1), "Globex\nLength: 30 min"),
        ('time: "9:05"\n', "", datetime(2026, 12, 1, 9, 5), "Globex\nLength: 30 min"),
        ('time: "25:99"\n', "", date(2026, 12, 1), "Globex\nLength: 30 min"),
        (
            "",
            QUESTIONS,
            date(2026, 12, 1),
            "Globex\nLength: 30 min\nQuestions:\n1. How did you start?\n2. What is a normal week?",
        ),
        ("private: true\n", QUESTIONS, date(2026, 12, 1), "Globex\nLength: 30 min"),
    ],
)
def test_a_conversation_is_busy_time_with_its_questions(
    make_kb, fields: str, body: str, start: date, description: str
):
    root = make_kb("due")
    write(root / "interviews" / "2026-12-01-dan-wu.md", DAN.format(fields=fields, body=body))
    calendar = icalendar.Calendar.from_ical(export(root))
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("2026-12-01")]
    assert event.decoded("DTSTART") == start
    assert str(event["DESCRIPTION"]) == description
    # Even all-day, a conversation is a real meeting; reminders leave the day free.
    assert str(event["TRANSP"]) == "OPAQUE"
    others = [e for e in calendar.walk("VEVENT") if str(e["CATEGORIES"].cats[0]) != "Conversation"]
    assert {str(e["TRANSP"]) for e in others} == {"TRANSPARENT"}


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        ('"16:30"', []),
        ('"9:00"', []),
        (
            '"25:99"',
            [
                "interviews/2026-11-25-eva-lind.md:8:7: error: 'time' must be a 24-hour "
                "time of day like \"14:30\", not '25:99' [time]"
            ],
        ),
        (
            "noon",
            [
                "interviews/2026-11-25-eva-lind.md:8:7: error: 'time' must be a 24-hour "
                "time of day like \"14:30\", not 'noon' [time]"
            ],
        ),
    ],
)
def test_an_invalid_time_is_a_problem(make_kb, value: str, problems: list[str]):
    root = make_kb("due")
    path = root / "interviews" / "2026-11-25-eva-lind.md"
    path.write_text(path.read_text().replace('"16:30"', value))
    found = [p.format() for p in loading.load(root).problems if p.rule == "time"]
    assert found == problems
    result = run("export", "ics", "--root", root)
    assert result.exit_code == 0
    summary = "warning: 1 error in 1 file of the knowledge base; `tool validate` lists them all\n"
    assert result.stderr == "".join(f"{p}\n" for p in problems) + (summary if problems else "")


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
def test_fold_line(line: str):
    folded = fold_line(line)
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
    assert (first.exit_code, first.stdout) == (0, f"Wrote {target}\n")
    assert target.read_bytes() == export(root)
    before = target.stat().st_mtime_ns
    again = run("export", "ics", "--root", root, "--output", target)
    # The same wording as `tool index`.
    assert (again.exit_code, again.stdout) == (0, f"Unchanged: {target}\n")
    assert target.stat().st_mtime_ns == before


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (
            "my.ics",
            "refusing to overwrite a file that `tool export ics` did not write; "
            "remove it or choose another --output",
        ),
        *(
            (
                f"{folder}/x.ics",
                f"refusing to write a calendar into {folder}: "
                "choose a file outside people/, interviews/ and templates/",
            )
            for folder in ("people", "interviews", "templates")
        ),
    ],
)
def test_never_overwrites_a_file_it_did_not_write(make_kb, monkeypatch, output: str, message: str):
    root = make_kb("due")
    write(root / "my.ics", "BEGIN:VCALENDAR\r\nPRODID:-//me//by hand//EN\r\nEND:VCALENDAR\r\n")
    monkeypatch.chdir(root)
    before = sorted((p, p.read_bytes()) for p in root.rglob("*") if p.is_file())
    result = run("export", "ics", "--output", output)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {output}: {message}\n"
    assert sorted((p, p.read_bytes()) for p in root.rglob("*") if p.is_file()) == before


# --- Calendar identity: a `uid` survives a new date and a new file name ---------------------

UIDS = {
    "2026-11-20-ben-ode": "0b5e1c4e-8c1f-4a55-9d3a-8f8e3f1b2a01",
    "2026-10-01-cleo-ruiz": "0b5e1c4e-8c1f-4a55-9d3a-8f8e3f1b2a02",
    "2026-11-25-eva-lind": "0b5e1c4e-8c1f-4a55-9d3a-8f8e3f1b2a03",
}


def give_uid(path: Path, uid: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", f"\nuid: {uid}\n---\n", 1), encoding="utf-8")


def reschedule(root: Path, ident: str, when: str) -> str:
    """Move an interview to another date and rename its file, as `tool validate` advises."""
    old = root / "interviews" / f"{ident}.md"
    text = old.read_text(encoding="utf-8")
    new_id = when + ident[10:]
    new = root / "interviews" / f"{new_id}.md"
    old.rename(new)
    write(new, text.replace(f"date: {ident[:10]}", f"date: {when}"))
    return new_id


def uids(root: Path) -> list[str]:
    events = icalendar.Calendar.from_ical(export(root)).walk("VEVENT")
    return sorted(str(e["UID"]) for e in events)


def test_every_kind_of_event_takes_its_uid_from_the_interview_uid(make_kb):
    root = make_kb("due")
    for ident, uid in UIDS.items():
        give_uid(root / "interviews" / f"{ident}.md", uid)
    assert uids(root) == [
        "0b5e1c4e-8c1f-4a55-9d3a-8f8e3f1b2a01-thank-you@tool.invalid",
        "0b5e1c4e-8c1f-4a55-9d3a-8f8e3f1b2a02-follow-up@tool.invalid",
        "0b5e1c4e-8c1f-4a55-9d3a-8f8e3f1b2a03@tool.invalid",
    ]


def test_a_rescheduled_and_renamed_interview_keeps_its_uids(make_kb):
    root = make_kb("due")
    for ident, uid in UIDS.items():
        give_uid(root / "interviews" / f"{ident}.md", uid)
    before = uids(root)
    for ident, when in [
        ("2026-11-20-ben-ode", "2026-11-21"),
        ("2026-10-01-cleo-ruiz", "2026-10-02"),
        ("2026-11-25-eva-lind", "2026-11-27"),
    ]:
        reschedule(root, ident, when)
    result = run("validate", "--root", root)
    assert (result.exit_code, result.stdout) == (0, "No problems in 10 files\n")
    calendar = icalendar.Calendar.from_ical(export(root))
    eva = next(e for e in calendar.walk("VEVENT") if "Eva" in str(e["SUMMARY"]))
    assert eva.decoded("DTSTART") == datetime(2026, 11, 27, 16, 30)  # the new date is used
    assert uids(root) == before


def test_without_a_uid_the_file_name_gives_the_uids(make_kb):
    # Knowledge bases from before `uid` keep the UIDs their calendars already hold.
    root = make_kb("due")
    assert uids(root) == [
        "2026-10-01-cleo-ruiz-follow-up@tool.invalid",
        "2026-11-20-ben-ode-thank-you@tool.invalid",
        "2026-11-25-eva-lind@tool.invalid",
    ]
    # ...and a uid equal to the file name keeps them through a later rename.
    give_uid(root / "interviews" / "2026-11-25-eva-lind.md", "2026-11-25-eva-lind")
    reschedule(root, "2026-11-25-eva-lind", "2026-11-30")
    assert "2026-11-25-eva-lind@tool.invalid" in uids(root)


EVA = "interviews/2026-11-25-eva-lind.md"
BEN = "interviews/2026-11-20-ben-ode.md"
SHAPE = (
    "'uid' must be up to 200 letters, digits, '-', '.' and '_', starting with a letter or "
    "digit, not {!r} (its calendar events use the file name until then) [uid]"
)


@pytest.mark.parametrize(
    ("eva_uid", "ben_uid", "problems", "eva_event"),
    [
        ("abc-1", "abc-2", [], "abc-1@tool.invalid"),
        ("Ünïcödé_2026.x", None, [], "Ünïcödé_2026.x@tool.invalid"),
        ('"a b"', None, [f"{EVA}:9:1: error: " + SHAPE.format("a b")], "2026-11-25-eva-lind@"),
        ('"x,y;z"', None, [f"{EVA}:9:1: error: " + SHAPE.format("x,y;z")], "2026-11-25-eva-lind@"),
        ('"-x"', None, [f"{EVA}:9:1: error: " + SHAPE.format("-x")], "2026-11-25-eva-lind@"),
        ('""', None, [f"{EVA}:9:1: error: " + SHAPE.format("")], "2026-11-25-eva-lind@"),
        ("x" * 201, None, [f"{EVA}:9:1: error: " + SHAPE.format("x" * 201)], "2026-11-25-eva"),
        (
            "same",
            "same",
            [
                f"{BEN}:7:1: error: uid 'same' is also used by {EVA}: a calendar would merge "
                "their events; give the copy a new uid, such as its file name [duplicate-uid]",
                f"{EVA}:9:1: error: uid 'same' is also used by {BEN}: a calendar would merge "
                "their events; give the copy a new uid, such as its file name [duplicate-uid]",
            ],
            "same@tool.invalid",
        ),
        (
            "2026-11-20-ben-ode",
            None,
            [
                f"{EVA}:9:1: error: uid '2026-11-20-ben-ode' is also used by {BEN} (its file "
                "name): a calendar would merge their events; give the copy a new uid, such as "
                "its file name [duplicate-uid]"
            ],
            "2026-11-20-ben-ode@tool.invalid",
        ),
    ],
)
def test_a_malformed_or_shared_uid_is_a_problem(
    make_kb, eva_uid: str, ben_uid: str | None, problems: list[str], eva_event: str
):
    root = make_kb("due")
    give_uid(root / EVA, eva_uid)
    if ben_uid:
        give_uid(root / BEN, ben_uid)
    result = run("validate", "--root", root)
    lines = [line for line in result.stdout.splitlines() if "uid" in line]
    assert (result.exit_code, lines) == (1 if problems else 0, problems)
    exported = run("export", "ics", "--root", root)
    assert (exported.exit_code, exported.stderr) == (0, "".join(f"{p}\n" for p in problems))
    events = icalendar.Calendar.from_ical(exported.stdout_bytes).walk("VEVENT")
    eva = next(e for e in events if "Eva" in str(e["SUMMARY"]))
    assert str(eva["UID"]).startswith(eva_event)


# --- Time zones: a `timezone` setting gives TZID and VTIMEZONE; without one, floating ------


@pytest.mark.parametrize(
    ("toml", "zone", "problems"),
    [
        ("", None, []),
        ('[defaults]\ntimezone = "Europe/Berlin"\n', "Europe/Berlin", []),
        ('timezone = "America/St_Johns"\n[defaults]\n', "America/St_Johns", []),
        ('timezone = "UTC"\n[defaults]\ntimezone = "UTC"\n', "UTC", []),
        (
            '[me]\nname = "A"\n[defaults]\ntimezone = "Europe/Berln"\n',
            None,
            [
                "tool.toml:4:1: error: unknown timezone 'Europe/Berln': use an IANA time zone "
                'name like "Europe/Berlin" (did you mean Europe/Berlin?) [config]'
            ],
        ),
        (
            'timezone = "europe/berlin"\n',
            None,
            [
                "tool.toml:1:1: error: unknown timezone 'europe/berlin': use an IANA time zone "
                'name like "Europe/Berlin" (did you mean Europe/Berlin?) [config]'
            ],
        ),
        *(
            (
                f"[defaults]\ntimezone = {value}\n",
                None,
                [
                    f"tool.toml:2:1: error: unknown timezone {shown}: use an IANA time zone name "
                    'like "Europe/Berlin" [config]'
                ],
            )
            for value, shown in [
                ('"Mars/Olympus"', "'Mars/Olympus'"),
                ('"../../etc/passwd"', "'../../etc/passwd'"),
                ('"/etc/localtime"', "'/etc/localtime'"),
                ('""', "''"),
            ]
        ),
        (
            "[defaults]\ntimezone = 1\n",
            None,
            [
                "tool.toml:2:1: error: timezone must be an IANA time zone name like "
                '"Europe/Berlin", not 1 [config]'
            ],
        ),
        (
            'timezone = "UTC"\n[defaults]\ntimezone = "Europe/Berlin"\n',
            "Europe/Berlin",
            [
                "tool.toml:1:1: error: timezone is also set under [defaults], to "
                "'Europe/Berlin', which is used; keep one [config]"
            ],
        ),
    ],
)
def test_the_timezone_setting(toml: str, zone: str | None, problems: list[str]):
    config, found = parse_settings(toml)
    assert (config.timezone, [p.format() for p in found]) == (zone, problems)


BERLIN_2026 = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"
    "BEGIN:STANDARD\r\nDTSTART:20260101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\n"
    "TZNAME:CET\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "TZNAME:CEST\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
    "TZNAME:CET\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)


def in_utc(calendar: icalendar.Calendar, tzid: str, local: datetime) -> datetime:
    """A local time made UTC by the calendar's own VTIMEZONE (RFC 5545 3.6.5), not a library."""
    (zone,) = [c for c in calendar.walk("VTIMEZONE") if str(c["TZID"]) == tzid]
    onsets = sorted((o.decoded("DTSTART"), o.decoded("TZOFFSETTO")) for o in zone.subcomponents)
    # The observance in force is the last one that began at or before the local time.
    offset = [to for onset, to in onsets if onset <= local][-1]
    return (local - offset).replace(tzinfo=UTC)


def test_timed_events_are_in_the_configured_zone_across_summer_time(make_kb):
    root = make_kb("due")
    config = root / "tool.toml"
    zone = '[defaults]\ntimezone = "Europe/Berlin"\n'
    config.write_text(config.read_text().replace("[defaults]\n", zone))
    days = ["2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25"]
    for day in days:
        write(
            root / "interviews" / f"{day}-dan-wu.md",
            f'---\nperson: dan-wu\ndate: {day}\nstatus: scheduled\ntime: "14:30"\n---\n',
        )
    data = export(root)
    assert data == export(root)  # deterministic
    text = data.decode()
    assert BERLIN_2026 in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    for day in days:
        assert f"DTSTART;TZID=Europe/Berlin:{day.replace('-', '')}T143000\r\n" in text
    # Eva's conversation too; the reminders stay all-day.
    assert "DTSTART;TZID=Europe/Berlin:20261125T163000\r\n" in text
    assert "DTSTART;VALUE=DATE:20261121\r\nDTEND;VALUE=DATE:20261122\r\n" in text
    calendar = icalendar.Calendar.from_ical(data)
    talks = [e for e in calendar.walk("VEVENT") if "dan-wu" in str(e["UID"])]
    expected = [
        datetime(2026, 3, 28, 13, 30, tzinfo=UTC),  # CET, +01:00
        datetime(2026, 3, 29, 12, 30, tzinfo=UTC),  # CEST, +02:00, from that morning
        datetime(2026, 10, 24, 12, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 13, 30, tzinfo=UTC),  # back to CET
    ]
    local = [e.decoded("DTSTART").replace(tzinfo=None) for e in talks]
    assert [in_utc(calendar, "Europe/Berlin", t) for t in local] == expected
    # Another reader of the file, using the TZID, agrees.
    assert [e.decoded("DTSTART").astimezone(UTC) for e in talks] == expected


@pytest.mark.parametrize(
    "zone",
    ["Europe/Berlin", "Australia/Sydney", "America/St_Johns", "Asia/Kolkata", "UTC", "Etc/GMT+5"],
)
def test_the_vtimezone_gives_the_offsets_of_the_zone(zone: str):
    times = [
        datetime(2025, 12, 31, 23, 0),
        datetime(2026, 1, 1, 0, 0),
        *(datetime(2026, month, 15, 12, 0) for month in range(1, 13)),
        datetime(2026, 4, 5, 9, 0),  # the day Sydney leaves summer time
        datetime(2026, 11, 1, 12, 0),  # and St. John's
        datetime(2028, 7, 1, 8, 0),
    ]
    items = [
        ics.Event(f"{i}@x", date(2026, 1, 1), t, 30, "s", "", "Conversation")
        for i, t in enumerate(times)
    ]
    calendar = icalendar.Calendar.from_ical(ics.calendar(items, "n", zone))
    starts = [e.decoded("DTSTART").replace(tzinfo=None) for e in calendar.walk("VEVENT")]
    assert starts == times
    tz = ZoneInfo(zone)
    assert [in_utc(calendar, zone, t) for t in starts] == [
        t.replace(tzinfo=tz).astimezone(UTC) for t in starts
    ]


def test_without_a_timezone_times_are_floating(make_kb):
    text = export(make_kb("due")).decode()
    assert "DTSTART:20261125T163000\r\n" in text
    assert "TZID" not in text and "VTIMEZONE" not in text


def test_dates_at_the_ends_of_the_calendar(make_kb):
    root = make_kb("due")
    write(
        root / "interviews" / "0999-12-31-dan-wu.md",
        "---\nperson: dan-wu\ndate: 0999-12-31\nstatus: done\n---\n",
    )
    write(
        root / "interviews" / "9999-12-31-dan-wu.md",
        "---\nperson: dan-wu\ndate: 9999-12-31\nstatus: scheduled\n---\n",
    )
    text = export(root).decode()
    assert (
        "UID:0999-12-31-dan-wu-thank-you@tool.invalid\r\nDTSTAMP:09991231T000000Z\r\n"
        "DTSTART;VALUE=DATE:10000101\r\nDTEND;VALUE=DATE:10000102\r\n"
    ) in text
    # The last day there is has no day after it: without DTEND an all-day event lasts a day.
    assert (
        "UID:9999-12-31-dan-wu@tool.invalid\r\nDTSTAMP:99991231T000000Z\r\n"
        "DTSTART;VALUE=DATE:99991231\r\nSUMMARY:"
    ) in text
