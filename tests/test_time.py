"""The time of day of a conversation: written by `tool new`, read, checked, and shown."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import run, write
from digest_helpers import parse

from tool import scaffold
from tool.store.loading import load

FIXED_UID = "11111111-2222-4333-8444-555555555555"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # A template without `time`: the time goes under the date, quoted.
        (
            "---\nperson: {{ person.id }}\ndate: {{ date }}\nstatus: {{ status }}\n---\n",
            '---\nperson: bo-chen\ndate: 2026-05-04\ntime: "09:05"\nstatus: scheduled\n'
            f"uid: {FIXED_UID}\n---\n",
        ),
        # A template that places `time` itself keeps its place.
        (
            "---\nperson: {{ person.id }}\ndate: {{ date }}\ntime: {{ time | yaml }}\n"
            "uid: x\n---\n",
            '---\nperson: bo-chen\ndate: 2026-05-04\ntime: "09:05"\nuid: x\n---\n',
        ),
    ],
)
def test_new_interview_writes_the_time_quoted(kb_root, monkeypatch, template, expected):
    monkeypatch.setattr(scaffold, "new_uid", lambda: FIXED_UID)
    write(kb_root / "templates/interview.md", template)
    args = ["new", "interview", "bo-chen", "--date", "2026-05-04", "--time", "9:05"]
    result = run(*args, "--status", "scheduled", "--root", kb_root)
    assert result.exit_code == 0, result.stderr
    assert (kb_root / "interviews/2026-05-04-bo-chen.md").read_text() == expected
    assert load(kb_root).interviews["2026-05-04-bo-chen"].time == "09:05"


def test_new_interview_with_the_default_template_and_a_time(kb_root):
    args = ("new", "interview", "bo-chen", "--date", "2026-05-04", "--time", "14:30")
    assert run(*args, "--root", kb_root).exit_code == 0
    text = (kb_root / "interviews/2026-05-04-bo-chen.md").read_text()
    assert text.splitlines()[1:4] == ["person: bo-chen", "date: 2026-05-04", 'time: "14:30"']
    assert run("validate", "--root", kb_root).exit_code == 0


@pytest.mark.parametrize("value", ["14:60", "24:00", "2pm", "14.30", "1430"])
def test_a_bad_time_is_a_usage_error(kb_root, value):
    result = run("new", "interview", "ann-lee", "--time", value, "--root", kb_root)
    assert result.exit_code == 2
    assert f"'{value}' is not a 24-hour time of day like \"14:30\"" in result.stderr
    assert not list((kb_root / "interviews").glob(f"{date.today()}*"))


@pytest.fixture
def due_kb(make_kb) -> Path:
    """The `due` fixture: Eva Lind's video call on Wed 2026-11-25 starts at 16:30."""
    return make_kb("due")


def test_brief_shows_the_time(due_kb):
    result = run("brief", "eva-lind", "--on", "2026-11-20", "--root", due_kb)
    assert "  2026-11-25 16:30  scheduled  career         video, 45 min" in result.stdout
    data = json.loads(
        run("brief", "eva-lind", "--on", "2026-11-20", "--format", "json", "--root", due_kb).stdout
    )
    assert [(c["date"], c["time"]) for c in data["conversations"]] == [("2026-11-25", "16:30")]


def test_brief_pads_the_time_of_conversations_without_one(due_kb):
    write(
        due_kb / "interviews/2026-10-01-eva-lind.md",
        "---\nperson: eva-lind\ndate: 2026-10-01\nstatus: done\nformat: coffee\n---\n",
    )
    result = run("brief", "eva-lind", "--on", "2026-11-20", "--root", due_kb)
    assert result.stdout.splitlines()[4:7] == [
        "Conversations (2)",
        "  2026-10-01        done       -              coffee",
        "  2026-11-25 16:30  scheduled  career         video, 45 min",
    ]


def test_due_shows_the_time_of_an_upcoming_conversation(due_kb):
    result = run("due", "--on", "2026-11-24", "--within", "1", "--root", due_kb)
    assert (
        "  upcoming    Video call with Eva Lind tomorrow (Wed 2026-11-25 at 16:30, 45 min); "
        "no questions yet: run `tool questions eva-lind`"
    ) in result.stdout.splitlines()


def test_list_shows_a_time_column_when_a_conversation_has_a_time(due_kb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = run("list", "interviews", "--root", due_kb, "--since", "2026-11-20")
    assert result.stdout.splitlines() == [
        "Date        Time   Person     Status     Company        Career                Purpose  "
        "Format",
        "2026-11-20         Ben Odé    done       acme robotics  Robotics engineering  company  "
        "video",
        "2026-11-25  16:30  Eva Lind   scheduled  Initech        UX research           career   "
        "video",
        "2026-12-10         Cléo Ruiz  requested  Globex         Data science          company  "
        "video",
    ]
    untimed = run("list", "interviews", "--root", due_kb, "--status", "done")
    assert untimed.stdout.splitlines()[0].split() == [
        *("Date", "Person", "Status", "Company", "Career", "Purpose", "Format")
    ]
    data = json.loads(run("list", "interviews", "--root", due_kb, "--format", "json").stdout)
    assert [(r["date"], r["time"]) for r in data][-3:] == [
        ("2026-11-20", None),
        ("2026-11-25", "16:30"),
        ("2026-12-10", None),
    ]
    csv = run("list", "interviews", "--root", due_kb, "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("id,date,time,person,")
    assert csv[4].startswith("2026-11-25-eva-lind,2026-11-25,16:30,eva-lind,")


def test_list_sorts_a_day_by_time(due_kb):
    for hour, who in (("15:00", "ada-park"), ("09:00", "ben-ode")):
        write(
            due_kb / f"interviews/2026-11-25-{who}.md",
            f'---\nperson: {who}\ndate: 2026-11-25\ntime: "{hour}"\n---\n',
        )
    data = json.loads(run("list", "interviews", "--root", due_kb, "--format", "json").stdout)
    day = [(r["person"], r["time"]) for r in data if r["date"] == "2026-11-25"]
    assert day == [("ben-ode", "09:00"), ("ada-park", "15:00"), ("eva-lind", "16:30")]


def test_digest_shows_the_time_on_interview_and_person_pages(due_kb):
    out = due_kb / "site"
    assert run("digest", "--root", due_kb, "--output", out).exit_code == 0
    for page in ("interviews/2026-11-25-eva-lind.html", "people/eva-lind.html"):
        times = [e.attrs.get("datetime") for e in parse(out / page).find("time")]
        assert "2026-11-25T16:30" in times, page
        assert "2026-11-25 16:30" in (out / page).read_text(encoding="utf-8"), page
