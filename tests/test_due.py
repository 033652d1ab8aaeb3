"""`tool due`: every rule at its edges, always with a fixed day.

The rules are a table: the records of a KB made in memory and a day -> exactly what is due.
The command's own concerns (text, JSON, --fail-if-due, usage errors) are at the end.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, run, write
from kb_builder import kb_of, texts_of

from tool.cli import due_commands
from tool.parse.settings import parse_settings
from tool.rules.due import WEEKDAYS, add_business_days, due, relative

GOLDEN = Path(__file__).parent / "golden" / "due"
DUE = texts_of(FIXTURES / "due")  # the `due` fixture: five people, five interviews

FRONT = "---\nperson: {person}\ndate: {date}\n{fields}---\n{body}"


def records(*names: str) -> dict[str, str]:
    """The `due` fixture's tool.toml and the named people and interviews (dated names)."""
    found = {"tool.toml": DUE["tool.toml"]}
    for name in names:
        path = f"{'interviews' if name[:1].isdigit() else 'people'}/{name}.md"
        found[path] = DUE[path]
    return found


def talk(person: str, day: str, fields: str, body: str = "") -> dict[str, str]:
    """interviews/<day>-<person>.md, its fields from line 4 on."""
    text = FRONT.format(person=person, date=day, fields=fields, body=body)
    return {f"interviews/{day}-{person}.md": text}


def edited(files: dict[str, str], path: str, old: str, new: str) -> dict[str, str]:
    """The files with `old` replaced by `new` in one of them."""
    assert old in files[path]
    return {**files, path: files[path].replace(old, new)}


def due_items(files: dict[str, str], on: str, within: int) -> list[str]:
    """`path:line: kind urgency date: reason` of each item due as of `on`, most urgent first."""
    found = due(kb_of(files), date.fromisoformat(on), within)
    return [f"{d.path}:{d.line}: {d.kind} {d.urgency} {d.date}: {d.reason}" for d in found]


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


LEARNED = "## Insights\n- x\n"  # the notes of a conversation that gave an insight
EVA = "interviews/2026-11-25-eva-lind.md"
BEN = "interviews/2026-11-20-ben-ode.md"
ADA_TALK = "interviews/2026-09-01-ada-park.md"
THANK = records("eva-lind")  # plus a conversation on Tuesday 2026-03-10; thank_you_within = 1
REQUEST = "status: requested\nrequested: 2026-11-20\n"  # a Friday; 2026-11-26 is a holiday
ASKED = {**records("ada-park", "ben-ode"), **talk("ben-ode", "2026-12-10", REQUEST)}
FOLLOW = records("cleo-ruiz", "2026-10-01-cleo-ruiz")  # follow_up: 2026-11-23
SETTLED = talk("cleo-ruiz", "2026-11-24", "status: done\nthanked: 2026-11-24\n", LEARNED)
UPCOMING = records("eva-lind", "2026-11-25-eva-lind")  # scheduled, a video call
ADA = {**records("ada-park"), **talk("ada-park", "2026-09-01", "status: done\n", LEARNED)}
ADA_THANKED = edited(ADA, ADA_TALK, "done\n", "done\nthanked: 2026-09-01\n")
BEN_THANKED = {
    **records("ben-ode"),
    **talk("ben-ode", "2026-11-20", "status: done\nthanked: 2026-11-20\n", LEARNED),
}
BEN_HELD = records("ben-ode", "2026-11-20-ben-ode")  # done, not thanked, no insights
REFERRED = records("ada-park", "dan-wu", "2026-09-01-ada-park")  # referrals: [dan-wu, Fay...]

# Cléo, spoken to on 2026-10-01, has been asked for another conversation since 2026-11-16.
ASKED_AGAIN = {
    **records("cleo-ruiz", "2026-12-10-cleo-ruiz"),
    **talk("cleo-ruiz", "2026-10-01", "status: done\nthanked: 2026-10-02\n", LEARNED),
}
THANKED_LATE = edited(BEN_HELD, BEN, "status: done\n", "status: done\nthanked: 2026-11-22\n")
REQUESTED_LATE = edited(UPCOMING, EVA, "scheduled\n", "scheduled\nrequested: 2026-11-24\n")
SETTLED_LATER = {
    **FOLLOW,
    **talk("cleo-ruiz", "2026-12-01", "status: done\nthanked: 2026-12-01\n", LEARNED),
}


def eva_talk(fields: str, body: str = LEARNED, day: str = "2026-03-10") -> dict[str, str]:
    """Eva Lind and a conversation with her, on 2026-03-10 unless told."""
    return {**THANK, **talk("eva-lind", day, fields, body)}


DUE_RULES = [
    # thank-you: within thank_you_within days of a conversation that took place
    pytest.param(
        eva_talk("status: done\n"),
        "2026-03-10",
        7,
        [
            "interviews/2026-03-10-eva-lind.md:4: thank-you soon 2026-03-11: Thank "
            "Eva Lind for the conversation on Tue 2026-03-10 (due Wed 2026-03-11, "
            "tomorrow)",
        ],
        id="thank-you: soon",
    ),
    pytest.param(eva_talk("status: done\n"), "2026-03-10", 0, [], id="thank-you: not yet"),
    pytest.param(
        eva_talk("status: done\n"),
        "2026-03-11",
        0,
        [
            "interviews/2026-03-10-eva-lind.md:4: thank-you today 2026-03-11: Thank "
            "Eva Lind for the conversation on Tue 2026-03-10 (due Wed 2026-03-11, "
            "today)",
        ],
        id="thank-you: today",
    ),
    pytest.param(
        eva_talk("status: done\n"),
        "2026-03-12",
        0,
        [
            "interviews/2026-03-10-eva-lind.md:4: thank-you overdue 2026-03-11: Thank"
            " Eva Lind for the conversation on Tue 2026-03-10 (due Wed 2026-03-11, "
            "yesterday)",
        ],
        id="thank-you: overdue",
    ),
    pytest.param(
        eva_talk("status: done\nthanked: 2026-03-12\n"), "2026-03-12", 0, [], id="thank-you: sent"
    ),
    pytest.param(
        eva_talk("status: scheduled\n"),
        "2026-03-12",
        0,
        [
            "interviews/2026-03-10-eva-lind.md:4: upcoming overdue 2026-03-10: "
            "Conversation with Eva Lind was scheduled for Tue 2026-03-10 (2 days "
            "ago): set its status to done (or cancelled), or move the date",
        ],
        id="thank-you: not held, upcoming",
    ),
    pytest.param(eva_talk("status: declined\n"), "2026-03-12", 0, [], id="thank-you: declined"),
    pytest.param(
        edited(
            eva_talk("status: done\n"), "tool.toml", "thank_you_within = 1", "thank_you_within = 2"
        ),
        "2026-03-12",
        0,
        [
            "interviews/2026-03-10-eva-lind.md:4: thank-you today 2026-03-12: Thank "
            "Eva Lind for the conversation on Tue 2026-03-10 (due Thu 2026-03-12, "
            "today)",
        ],
        id="thank-you: the window comes from the config",
    ),
    # no-reply: the 3B7 rule, in business days after the request
    pytest.param(ASKED, "2026-11-20", 0, [], id="no-reply: just sent"),
    pytest.param(ASKED, "2026-11-24", 0, [], id="no-reply: 2 business days"),
    pytest.param(
        ASKED,
        "2026-11-24",
        1,
        [
            "interviews/2026-12-10-ben-ode.md:5: no-reply soon 2026-11-25: On Wed "
            "2026-11-25 (tomorrow), if Ben Odé has still not replied to your request "
            "of Fri 2026-11-20: try a second person at acme robotics (you know Ada "
            "Park); nudge them on Wed 2026-12-02",
        ],
        id="no-reply: try another tomorrow",
    ),
    pytest.param(
        ASKED,
        "2026-11-25",
        0,
        [
            "interviews/2026-12-10-ben-ode.md:5: no-reply today 2026-11-25: Try a "
            "second person at acme robotics (you know Ada Park): no reply from Ben "
            "Odé in 3 business days since your request of Fri 2026-11-20 (due Wed "
            "2026-11-25, today); nudge them on Wed 2026-12-02",
        ],
        id="no-reply: try another today",
    ),
    pytest.param(
        ASKED,
        "2026-12-01",
        0,
        [
            "interviews/2026-12-10-ben-ode.md:5: no-reply overdue 2026-11-25: Try a "
            "second person at acme robotics (you know Ada Park): no reply from Ben "
            "Odé in 3 business days since your request of Fri 2026-11-20 (due Wed "
            "2026-11-25, 6 days ago); nudge them on Wed 2026-12-02",
        ],
        id="no-reply: 6 business days, a holiday",
    ),
    pytest.param(
        ASKED,
        "2026-12-02",
        0,
        [
            "interviews/2026-12-10-ben-ode.md:5: no-reply today 2026-12-02: Nudge Ben"
            " Odé: no reply in 7 business days since your request of Fri 2026-11-20 "
            "(due Wed 2026-12-02, today)",
        ],
        id="no-reply: nudge today",
    ),
    pytest.param(
        ASKED,
        "2026-12-20",
        0,
        [
            "interviews/2026-12-10-ben-ode.md:5: no-reply overdue 2026-12-02: Nudge "
            "Ben Odé: no reply in 7 business days since your request of Fri "
            "2026-11-20 (due Wed 2026-12-02, 18 days ago)",
        ],
        id="no-reply: nudge overdue",
    ),
    pytest.param(
        {**records("eva-lind"), **talk("eva-lind", "2026-12-10", REQUEST)},
        "2026-11-25",
        0,
        [
            "interviews/2026-12-10-eva-lind.md:5: no-reply today 2026-11-25: Try a "
            "second person at Initech (nobody else there in your notes yet): no reply"
            " from Eva Lind in 3 business days since your request of Fri 2026-11-20 "
            "(due Wed 2026-11-25, today); nudge them on Wed 2026-12-02",
        ],
        id="no-reply: nobody else at the company",
    ),
    pytest.param(
        {"people/zed.md": "---\nname: Zed\n---\n", **talk("zed", "2026-12-10", REQUEST)},
        "2026-11-25",
        0,
        [
            "interviews/2026-12-10-zed.md:5: no-reply today 2026-11-25: Try a second "
            "person in the same line of work: no reply from Zed in 3 business days "
            "since your request of Fri 2026-11-20 (due Wed 2026-11-25, today); nudge "
            "them on Tue 2026-12-01",
        ],
        id="no-reply: no company",
    ),
    pytest.param(
        {**records("ben-ode"), **talk("ben-ode", "2026-12-10", "status: requested\n")},
        "2026-12-20",
        0,
        [],
        id="no-reply: no request date",
    ),
    # follow-up: on the planned day, unless a later conversation settled it
    pytest.param(FOLLOW, "2026-11-22", 0, [], id="follow-up: not yet"),
    pytest.param(
        FOLLOW,
        "2026-11-22",
        1,
        [
            "interviews/2026-10-01-cleo-ruiz.md:8: follow-up soon 2026-11-23: Follow "
            "up with Cléo Ruiz (planned for Mon 2026-11-23, tomorrow)",
        ],
        id="follow-up: soon",
    ),
    pytest.param(
        FOLLOW,
        "2026-11-23",
        0,
        [
            "interviews/2026-10-01-cleo-ruiz.md:8: follow-up today 2026-11-23: Follow"
            " up with Cléo Ruiz (planned for Mon 2026-11-23, today)",
        ],
        id="follow-up: today",
    ),
    pytest.param(
        FOLLOW,
        "2026-11-30",
        0,
        [
            "interviews/2026-10-01-cleo-ruiz.md:8: follow-up overdue 2026-11-23: "
            "Follow up with Cléo Ruiz (planned for Mon 2026-11-23, 7 days ago)",
        ],
        id="follow-up: overdue",
    ),
    pytest.param({**FOLLOW, **SETTLED}, "2026-11-30", 0, [], id="follow-up: settled"),
    # upcoming: a scheduled conversation within the days looked ahead
    pytest.param(UPCOMING, "2026-11-17", 7, [], id="upcoming: 8 days ahead"),
    pytest.param(
        UPCOMING,
        "2026-11-18",
        7,
        [
            "interviews/2026-11-25-eva-lind.md:3: upcoming soon 2026-11-25: Video "
            "call with Eva Lind in 7 days (Wed 2026-11-25 at 16:30, 45 min); no "
            "questions yet: run `tool questions eva-lind`",
        ],
        id="upcoming: 7 days ahead",
    ),
    pytest.param(UPCOMING, "2026-11-23", 1, [], id="upcoming: beyond the window"),
    pytest.param(
        UPCOMING,
        "2026-11-25",
        0,
        [
            "interviews/2026-11-25-eva-lind.md:3: upcoming today 2026-11-25: Video "
            "call with Eva Lind today (Wed 2026-11-25 at 16:30, 45 min); no questions"
            " yet: run `tool questions eva-lind`",
        ],
        id="upcoming: today",
    ),
    pytest.param(
        UPCOMING,
        "2026-11-26",
        0,
        [
            "interviews/2026-11-25-eva-lind.md:4: upcoming overdue 2026-11-25: "
            "Conversation with Eva Lind was scheduled for Wed 2026-11-25 at 16:30 "
            "(yesterday): set its status to done (or cancelled), or move the date",
        ],
        id="upcoming: still scheduled after the day",
    ),
    pytest.param(
        eva_talk("status: scheduled\n", "## Questions\n", "2026-11-25"),
        "2026-11-24",
        7,
        [
            "interviews/2026-11-25-eva-lind.md:3: upcoming soon 2026-11-25: Conversation with "
            "Eva Lind tomorrow (Wed 2026-11-25); no questions yet: run `tool questions eva-lind`",
        ],
        id="upcoming: no questions",
    ),
    pytest.param(
        eva_talk("status: scheduled\n", "## Questions\n1. Why?\n", "2026-11-25"),
        "2026-11-24",
        7,
        [
            "interviews/2026-11-25-eva-lind.md:3: upcoming soon 2026-11-25: Conversation with "
            "Eva Lind tomorrow (Wed 2026-11-25)",
        ],
        id="upcoming: questions ready",
    ),
    pytest.param(
        eva_talk("status: scheduled\n", "## Notes\n", "2026-11-25"),
        "2026-11-24",
        7,
        [
            "interviews/2026-11-25-eva-lind.md:3: upcoming soon 2026-11-25: Conversation with "
            "Eva Lind tomorrow (Wed 2026-11-25); no questions yet: run `tool questions eva-lind`",
        ],
        id="upcoming: no questions heading",
    ),
    # gone-quiet: the person's own cadence, else tool.toml's, after the last contact
    pytest.param(ADA_THANKED, "2026-09-30", 0, [], id="gone-quiet: own cadence, not yet"),
    pytest.param(
        ADA_THANKED,
        "2026-10-01",
        0,
        [
            "people/ada-park.md:9: gone-quiet today 2026-10-01: Get in touch with Ada"
            " Park: last contact Tue 2026-09-01, every 30 days (due Thu 2026-10-01, "
            "today)",
        ],
        id="gone-quiet: own cadence, today",
    ),
    pytest.param(
        ADA_THANKED,
        "2026-10-02",
        0,
        [
            "people/ada-park.md:9: gone-quiet overdue 2026-10-01: Get in touch with "
            "Ada Park: last contact Tue 2026-09-01, every 30 days (due Thu "
            "2026-10-01, yesterday)",
        ],
        id="gone-quiet: own cadence, overdue",
    ),
    pytest.param(BEN_THANKED, "2027-01-18", 0, [], id="gone-quiet: config cadence, not yet"),
    pytest.param(
        BEN_THANKED,
        "2027-01-19",
        0,
        [
            "people/ben-ode.md:2: gone-quiet today 2027-01-19: Get in touch with Ben "
            "Odé: last contact Fri 2026-11-20, every 60 days (due Tue 2027-01-19, "
            "today)",
        ],
        id="gone-quiet: config cadence, today",
    ),
    pytest.param(
        ASKED_AGAIN,
        "2027-06-01",
        0,
        [
            "interviews/2026-12-10-cleo-ruiz.md:5: no-reply overdue 2026-11-25: Nudge"
            " Cléo Ruiz: no reply in 7 business days since your request of Mon "
            "2026-11-16 (due Wed 2026-11-25, 188 days ago)",
        ],
        id="gone-quiet: not while a request is out",
    ),
    pytest.param(records("dan-wu"), "2027-06-01", 0, [], id="gone-quiet: never spoken to"),
    # A thank-you is contact; a follow-up date is a plan, not contact, while it is open:
    # it is reported as a follow-up, and the quiet clock runs from the thank-you.
    pytest.param(
        edited(
            ADA,
            ADA_TALK,
            "done\n",
            "done\nthanked: 2026-09-03\nfollow_up: 2026-09-20\n",
        ),
        "2026-10-25",
        0,
        [
            "interviews/2026-09-01-ada-park.md:6: follow-up overdue 2026-09-20: "
            "Follow up with Ada Park (planned for Sun 2026-09-20, 35 days ago)",
            "people/ada-park.md:9: gone-quiet overdue 2026-10-03: Get in touch with "
            "Ada Park: last contact Thu 2026-09-03, every 30 days (due Sat "
            "2026-10-03, 22 days ago)",
        ],
        id="gone-quiet: from the thank-you",
    ),
    pytest.param(
        edited(ADA, ADA_TALK, "done\n", "done\nfollow_up: 2026-09-20\n"),
        "2026-10-25",
        0,
        [
            "interviews/2026-09-01-ada-park.md:4: thank-you overdue 2026-09-02: Thank"
            " Ada Park for the conversation on Tue 2026-09-01 (due Wed 2026-09-02, 53"
            " days ago)",
            "interviews/2026-09-01-ada-park.md:5: follow-up overdue 2026-09-20: "
            "Follow up with Ada Park (planned for Sun 2026-09-20, 35 days ago)",
            "people/ada-park.md:9: gone-quiet overdue 2026-10-01: Get in touch with "
            "Ada Park: last contact Tue 2026-09-01, every 30 days (due Thu "
            "2026-10-01, 24 days ago)",
        ],
        id="gone-quiet: from the conversation",
    ),
    # The conversation that settles the follow-up is the latest contact.
    pytest.param(
        {
            **edited(ADA, ADA_TALK, "done\n", "done\nfollow_up: 2026-09-20\n"),
            **talk(
                "ada-park",
                "2026-09-22",
                "status: done\nthanked: 2026-09-22\n",
                "## Insights\n- y\n",
            ),
        },
        "2026-10-25",
        0,
        [
            "interviews/2026-09-01-ada-park.md:4: thank-you overdue 2026-09-02: Thank"
            " Ada Park for the conversation on Tue 2026-09-01 (due Wed 2026-09-02, 53"
            " days ago)",
            "people/ada-park.md:9: gone-quiet overdue 2026-10-22: Get in touch with "
            "Ada Park: last contact Tue 2026-09-22, every 30 days (due Thu "
            "2026-10-22, 3 days ago)",
        ],
        id="gone-quiet: from the settling conversation",
    ),
    # referral: someone a conversation pointed to, until a conversation with them is arranged
    pytest.param(
        REFERRED,
        "2026-11-23",
        0,
        [
            "people/ada-park.md:9: gone-quiet overdue 2026-10-01: Get in touch with "
            "Ada Park: last contact Tue 2026-09-01, every 30 days (due Thu "
            "2026-10-01, 53 days ago)",
            "interviews/2026-09-01-ada-park.md:10: referral open 2026-09-01: Contact "
            "Dan Wu, a referral from Ada Park on Tue 2026-09-01: tool new interview "
            "dan-wu --status requested",
            'interviews/2026-09-01-ada-park.md:10: referral open 2026-09-01: Add "Fay'
            ' from finance", a referral from Ada Park on Tue 2026-09-01, to your '
            'notes: tool new person "NAME" --referred-by 2026-09-01-ada-park',
            "interviews/2026-09-01-ada-park.md:21: action open 2026-09-01: Ada Park "
            "(Tue 2026-09-01): Send Ada the article on fleet dashboards",
        ],
        id="referral: to contact and to add",
    ),
    pytest.param(
        {**REFERRED, **talk("dan-wu", "2027-01-10", "status: idea\n")},
        "2026-11-23",
        0,
        [
            "people/ada-park.md:9: gone-quiet overdue 2026-10-01: Get in touch with "
            "Ada Park: last contact Tue 2026-09-01, every 30 days (due Thu "
            "2026-10-01, 53 days ago)",
            "interviews/2026-09-01-ada-park.md:10: referral open 2026-09-01: Contact "
            "Dan Wu, a referral from Ada Park on Tue 2026-09-01: tool new interview "
            "dan-wu --status requested",
            'interviews/2026-09-01-ada-park.md:10: referral open 2026-09-01: Add "Fay'
            ' from finance", a referral from Ada Park on Tue 2026-09-01, to your '
            'notes: tool new person "NAME" --referred-by 2026-09-01-ada-park',
            "interviews/2026-09-01-ada-park.md:21: action open 2026-09-01: Ada Park "
            "(Tue 2026-09-01): Send Ada the article on fleet dashboards",
        ],
        id="referral: only an idea",
    ),
    pytest.param(
        {**REFERRED, **talk("dan-wu", "2027-01-10", "status: requested\n")},
        "2026-11-23",
        0,
        [
            "people/ada-park.md:9: gone-quiet overdue 2026-10-01: Get in touch with "
            "Ada Park: last contact Tue 2026-09-01, every 30 days (due Thu "
            "2026-10-01, 53 days ago)",
            'interviews/2026-09-01-ada-park.md:10: referral open 2026-09-01: Add "Fay'
            ' from finance", a referral from Ada Park on Tue 2026-09-01, to your '
            'notes: tool new person "NAME" --referred-by 2026-09-01-ada-park',
            "interviews/2026-09-01-ada-park.md:21: action open 2026-09-01: Ada Park "
            "(Tue 2026-09-01): Send Ada the article on fleet dashboards",
        ],
        id="referral: requested",
    ),
    pytest.param(
        {**REFERRED, **talk("dan-wu", "2027-01-10", "status: declined\n")},
        "2026-11-23",
        0,
        [
            "people/ada-park.md:9: gone-quiet overdue 2026-10-01: Get in touch with "
            "Ada Park: last contact Tue 2026-09-01, every 30 days (due Thu "
            "2026-10-01, 53 days ago)",
            'interviews/2026-09-01-ada-park.md:10: referral open 2026-09-01: Add "Fay'
            ' from finance", a referral from Ada Park on Tue 2026-09-01, to your '
            'notes: tool new person "NAME" --referred-by 2026-09-01-ada-park',
            "interviews/2026-09-01-ada-park.md:21: action open 2026-09-01: Ada Park "
            "(Tue 2026-09-01): Send Ada the article on fleet dashboards",
        ],
        id="referral: declined",
    ),
    # action: open `- [ ]` items of conversations up to the day, at their line
    pytest.param(
        BEN_HELD,
        "2026-11-23",
        0,
        [
            "interviews/2026-11-20-ben-ode.md:4: thank-you overdue 2026-11-21: Thank "
            "Ben Odé for the conversation on Fri 2026-11-20 (due Sat 2026-11-21, 2 "
            "days ago)",
            "interviews/2026-11-20-ben-ode.md:11: insights open 2026-11-20: Write "
            "down what you learned from Ben Odé on Fri 2026-11-20 under ## Insights",
            "interviews/2026-11-20-ben-ode.md:14: action open 2026-11-20: Ben Odé "
            "(Fri 2026-11-20): Send thank-you note",
        ],
        id="action: open",
    ),
    pytest.param(
        {
            **records("ben-ode"),
            **talk("ben-ode", "2026-12-01", "status: scheduled\n", "- [ ] prepare\n- [x] done\n"),
        },
        "2026-11-23",
        0,
        [],
        id="action: of a later conversation",
    ),
    # insights: a conversation that took place and has nothing under ## Insights
    pytest.param(
        eva_talk(
            "status: done\nthanked: 2026-11-02\n", "## Notes\nx\n\n## Insights\n", "2026-11-02"
        ),
        "2026-11-23",
        0,
        [
            "interviews/2026-11-02-eva-lind.md:10: insights open 2026-11-02: Write "
            "down what you learned from Eva Lind on Mon 2026-11-02 under ## Insights",
        ],
        id="insights: empty heading",
    ),
    pytest.param(
        eva_talk("status: done\nthanked: 2026-11-02\n", "## Notes\nNothing yet.\n", "2026-11-02"),
        "2026-11-23",
        0,
        [
            "interviews/2026-11-02-eva-lind.md:7: insights open 2026-11-02: Write "
            "down what you learned from Eva Lind on Mon 2026-11-02 under ## Insights",
        ],
        id="insights: no heading",
    ),
    pytest.param(
        eva_talk(
            "status: done\nthanked: 2026-11-02\n",
            "## Insights\n- One thing. #topic\n",
            "2026-11-02",
        ),
        "2026-11-23",
        0,
        [],
        id="insights: written",
    ),
    pytest.param(
        eva_talk("status: cancelled\nthanked: 2026-11-02\n", "## Insights\n", "2026-11-02"),
        "2026-11-23",
        0,
        [],
        id="insights: cancelled",
    ),
    # As of a past day, only what existed then counts. Ada's conversation was requested
    # 2026-08-25 and held 2026-09-01: its referrals and action items come from then.
    pytest.param(REFERRED, "2026-08-31", 0, [], id="as of: before the conversation"),
    pytest.param(
        REFERRED,
        "2026-09-01",
        0,
        [
            "interviews/2026-09-01-ada-park.md:10: referral open 2026-09-01: Contact "
            "Dan Wu, a referral from Ada Park on Tue 2026-09-01: tool new interview "
            "dan-wu --status requested",
            'interviews/2026-09-01-ada-park.md:10: referral open 2026-09-01: Add "Fay'
            ' from finance", a referral from Ada Park on Tue 2026-09-01, to your '
            'notes: tool new person "NAME" --referred-by 2026-09-01-ada-park',
            "interviews/2026-09-01-ada-park.md:21: action open 2026-09-01: Ada Park "
            "(Tue 2026-09-01): Send Ada the article on fleet dashboards",
        ],
        id="as of: the day of the conversation",
    ),
    # A thank-you sent on 2026-11-22 was still owed the day before.
    pytest.param(
        THANKED_LATE,
        "2026-11-21",
        0,
        [
            "interviews/2026-11-20-ben-ode.md:4: thank-you today 2026-11-21: Thank "
            "Ben Odé for the conversation on Fri 2026-11-20 (due Sat 2026-11-21, "
            "today)",
            "interviews/2026-11-20-ben-ode.md:12: insights open 2026-11-20: Write "
            "down what you learned from Ben Odé on Fri 2026-11-20 under ## Insights",
            "interviews/2026-11-20-ben-ode.md:15: action open 2026-11-20: Ben Odé "
            "(Fri 2026-11-20): Send thank-you note",
        ],
        id="as of: before the thank-you",
    ),
    pytest.param(
        THANKED_LATE,
        "2026-11-22",
        0,
        [
            "interviews/2026-11-20-ben-ode.md:12: insights open 2026-11-20: Write "
            "down what you learned from Ben Odé on Fri 2026-11-20 under ## Insights",
            "interviews/2026-11-20-ben-ode.md:15: action open 2026-11-20: Ben Odé "
            "(Fri 2026-11-20): Send thank-you note",
        ],
        id="as of: the day of the thank-you",
    ),
    # A conversation requested on 2026-11-24 is not upcoming before that.
    pytest.param(REQUESTED_LATE, "2026-11-23", 7, [], id="as of: before the request"),
    pytest.param(
        REQUESTED_LATE,
        "2026-11-24",
        7,
        [
            "interviews/2026-11-25-eva-lind.md:3: upcoming soon 2026-11-25: Video "
            "call with Eva Lind tomorrow (Wed 2026-11-25 at 16:30, 45 min); no "
            "questions yet: run `tool questions eva-lind`",
        ],
        id="as of: the day of the request",
    ),
    # The follow-up planned for 2026-11-23 is settled on 2026-12-01, not before.
    pytest.param(
        SETTLED_LATER,
        "2026-11-30",
        0,
        [
            "interviews/2026-10-01-cleo-ruiz.md:8: follow-up overdue 2026-11-23: "
            "Follow up with Cléo Ruiz (planned for Mon 2026-11-23, 7 days ago)",
        ],
        id="as of: before the settling conversation",
    ),
    pytest.param(
        SETTLED_LATER, "2026-12-01", 0, [], id="as of: the day of the settling conversation"
    ),
]


@pytest.mark.parametrize(("files", "on", "within", "expected"), DUE_RULES)
def test_due_rules(files: dict[str, str], on: str, within: int, expected: list[str]):
    assert due_items(files, on, within) == expected


@pytest.mark.parametrize(
    ("holidays", "problem"),
    [
        ('["2026-12-25", 2026-12-26]', None),
        ('["25/12/2026"]', "holidays must be a list of dates written YYYY-MM-DD, not '25/12/2026'"),
        ("[2026-12-25T10:00:00]", "holidays must be a list of dates written YYYY-MM-DD"),
        ('"2026-12-25"', None),
    ],
)
def test_holidays_are_read_as_dates(holidays: str, problem: str | None):
    config, problems = parse_settings(f"[defaults]\nholidays = {holidays}\n")
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
        "reason": "Get in touch with Ada Park: last contact Tue 2026-09-01, every 30 days "
        "(due Thu 2026-10-01, 53 days ago)",
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
    assert result.stdout.splitlines()[6:11] == [
        "  no reply    Try a second person at Globex (you know Dan Wu): no reply",
        "              from Cléo Ruiz in 3 business days since your request of",
        "              Mon 2026-11-16 (due Thu 2026-11-19, 4 days ago); nudge",
        "              them on Wed 2026-11-25",
        "              interviews/2026-12-10-cleo-ruiz.md:5",
    ]
    assert max(len(line) for line in result.stdout.splitlines()) <= 72


def test_every_item_says_its_date():
    """Each item of the rule table names the day it is due (or, when open, its conversation)."""
    for param in DUE_RULES:
        files, on, within, _ = param.values
        for d in due(kb_of(files), date.fromisoformat(on), within):
            assert f"{WEEKDAYS[d.date.weekday()]} {d.date}" in d.reason, param.id


def test_a_request_made_yesterday_says_when_to_try_someone_else(make_kb):
    # Cléo was asked on Mon 2026-11-16: nothing has happened yet on the Tuesday.
    result = run("due", "--root", make_kb("due"), "--on", "2026-11-17")
    assert result.stdout.splitlines()[6:9] == [
        "Coming up (2)",
        "  no reply    On Thu 2026-11-19 (in 2 days), if Cléo Ruiz has still not replied to "
        "your request of Mon 2026-11-16: try a second person at Globex (you know Dan Wu); "
        "nudge them on Wed 2026-11-25",
        "              interviews/2026-12-10-cleo-ruiz.md:5",
    ]
