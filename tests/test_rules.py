"""The rules of `tool validate` as tables: the files of a KB -> exactly the problems found.

Every KB here is made in memory (see kb_builder.py); `tool validate` prints these same
lines, and test_validate.py keeps what only the command shows: exit codes, formats, paths.
"""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from kb_builder import kb_of, problems_of, rule_problems, texts_of

from tool.check import check
from tool.model import Config
from tool.parse.settings import parse_settings
from tool.store.loading import load
from tool.template_checks import check_templates

PERSON = "---\nname: {}\n---\n"
# Two clean people that the rows below refer to, add to, or collide with.
PEOPLE = {
    "people/ann-lee.md": PERSON.format("Ann Lee"),
    "people/bo-chen.md": PERSON.format("Bo Chen"),
}
ANN = "interviews/2026-05-01-ann-lee.md"
TALK = "---\nperson: ann-lee\ndate: 2026-05-01\n{}---\n"  # the fields go on line 4


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_a_kb_made_in_memory_is_the_kb_load_reads(name):
    root = FIXTURES / name
    loaded, made = load(root), kb_of(texts_of(root))
    fields = ("config", "people", "interviews", "problems", "people_paths", "files")
    assert [getattr(made, f) for f in fields] == [getattr(loaded, f) for f in fields]
    # ...and the rules that need no folder are all of `check` but the template checks.
    key = lambda p: (p.path, p.line, p.col, p.rule, p.message)  # noqa: E731
    assert check(loaded) == sorted(rule_problems(made) + check_templates(loaded), key=key)


def test_kb_of_refuses_files_it_cannot_place():
    with pytest.raises(ValueError, match=r"templates/questions/x\.md"):
        kb_of({"templates/questions/x.md": "1. Q?\n"})


def namesake(slug: str) -> str:
    return (
        f"if this is one person, keep one file; if two, name the second {slug}-2.md, as "
        "`tool new person --namesake` does"
    )


RECORD_RULES = [
    pytest.param({}, [], id="clean"),
    # value: relationship, status, format and purpose take one of a few words
    pytest.param(
        {"people/dan-eno.md": "---\nname: Dan Eno\nrelationship: buddy\n---\n"},
        [
            "people/dan-eno.md:3:1: error: relationship must be one of alumni, colleague, "
            "friend, referral, cold, other, not 'buddy'; see docs/format.md#relationship [value]"
        ],
        id="value: relationship",
    ),
    pytest.param(
        {"people/dan-eno.md": "---\nname: Dan Eno\nrelationship: friend\n---\n"},
        [],
        id="value: relationship ok",
    ),
    pytest.param(
        {ANN: TALK.format("status: finished\n")},
        [
            f"{ANN}:4:1: error: status must be one of idea, requested, scheduled, done, declined, "
            "cancelled, not 'finished'; see docs/format.md#status [value]"
        ],
        id="value: status",
    ),
    pytest.param(
        {ANN: TALK.format("format: zoom\npurpose: carer\n")},
        [
            f"{ANN}:4:1: error: format must be one of coffee, video, phone, in-person, email, "
            "not 'zoom'; see docs/format.md#format [value]",
            f"{ANN}:5:1: error: purpose must be one of career, company, job, industry, "
            "certification, other, not 'carer' (did you mean career?); see docs/format.md#purpose "
            "[value]",
        ],
        id="value: format and purpose",
    ),
    pytest.param(
        {ANN: TALK.format("status: done\nformat: in-person\npurpose: career\n")},
        [],
        id="value: status, format and purpose ok",
    ),
    # reference: introduced_by and person name someone in people/
    pytest.param(
        {"people/dan-eno.md": "---\nname: Dan Eno\nintroduced_by: ann-le\n---\n"},
        [
            "people/dan-eno.md:3:1: error: introduced_by 'ann-le' is not a person in people/ "
            "(did you mean ann-lee?) [reference]"
        ],
        id="reference: introduced_by unknown",
    ),
    pytest.param(
        {"people/dan-eno.md": "---\nname: Dan Eno\nintroduced_by: dan-eno\n---\n"},
        ["people/dan-eno.md:3:1: error: a person cannot introduce themselves [reference]"],
        id="reference: introduced_by self",
    ),
    pytest.param(
        {"people/dan-eno.md": "---\nname: Dan Eno\nintroduced_by: ann-lee\n---\n"},
        [],
        id="reference: introduced_by ok",
    ),
    pytest.param(
        {"interviews/2026-05-01-zed.md": "---\nperson: zed\ndate: 2026-05-01\n---\n"},
        ["interviews/2026-05-01-zed.md:2:1: error: person 'zed' is not in people/ [reference]"],
        id="reference: person unknown",
    ),
    pytest.param(
        {
            "people/cy.md": "---\nname: Cy\n\trole: x\n---\n",
            "interviews/2026-05-01-cy.md": "---\nperson: cy\ndate: 2026-05-01\n---\n",
        },
        [
            "interviews/2026-05-01-cy.md:2:1: error: person 'cy': people/cy.md could not be read "
            "(see its errors) [reference]",
            "people/cy.md:3:1: error: YAML syntax: tab characters are not allowed for indentation "
            "in YAML [yaml-syntax]",
        ],
        id="reference: person unreadable",
    ),
    pytest.param({ANN: TALK.format("")}, [], id="reference: person ok"),
    # unknown-referral: an id-like referral that matches nobody is likely a typo
    pytest.param(
        {ANN: TALK.format("referrals: [bo-chen, bo-chn, Dee Fox]\n")},
        [
            f"{ANN}:4:1: warning: referral 'bo-chn' is not a person in people/ "
            "(did you mean bo-chen?) [unknown-referral]"
        ],
        id="unknown-referral: typo",
    ),
    pytest.param(
        {ANN: TALK.format("referrals: [zed-x]\n")},
        [
            f"{ANN}:4:1: warning: referral 'zed-x' is not a person in people/ "
            "(a lead not yet added? `tool new person`) [unknown-referral]"
        ],
        id="unknown-referral: no one like it",
    ),
    pytest.param(
        {ANN: TALK.format("referrals: [bo-chen, Lena from the data team]\n")},
        [],
        id="unknown-referral: a person and a free-text lead",
    ),
    # date-order: thanked before the talk, requested after it
    pytest.param(
        {ANN: TALK.format("thanked: 2026-04-30\n")},
        [f"{ANN}:4:1: warning: thanked is before the interview date [date-order]"],
        id="date-order: thanked",
    ),
    pytest.param(
        {ANN: TALK.format("requested: 2026-05-02\n")},
        [f"{ANN}:4:1: warning: requested is after the interview date [date-order]"],
        id="date-order: requested",
    ),
    pytest.param(
        {ANN: TALK.format("requested: 2026-05-01\nthanked: 2026-05-01\n")},
        [],
        id="date-order: same day",
    ),
    # required: reading an interview without a date
    pytest.param(
        {ANN: "---\nperson: ann-lee\n---\n"},
        [f"{ANN}:2:1: error: missing required field 'date'; see docs/format.md#date [required]"],
        id="required: date",
    ),
    # file-name: ids are hyphenated, follow the name (or date and person), work on Windows
    pytest.param(
        {"people/Dan Eno.md": PERSON.format("Dan Eno")},
        [
            "people/Dan Eno.md:1:1: error: the file name must not contain spaces or slashes; "
            "use hyphens [file-name]"
        ],
        id="file-name: spaces",
    ),
    pytest.param(
        {"people/dan.md": PERSON.format("Dan Eno")},
        [
            "people/dan.md:1:1: warning: file name does not follow the name 'Dan Eno': "
            "expected dan-eno.md [file-name]"
        ],
        id="file-name: person",
    ),
    pytest.param(
        {"interviews/notes.md": TALK.format("")},
        [
            "interviews/notes.md:1:1: warning: file name does not follow its date and person: "
            "expected 2026-05-01-ann-lee.md [file-name]"
        ],
        id="file-name: interview",
    ),
    pytest.param(
        {
            "people/con.md": PERSON.format("Con"),
            "people/a:b.md": PERSON.format("A B"),
        },
        [
            "people/a:b.md:1:1: warning: file name does not follow the name 'A B': "
            "expected a-b.md [file-name]",
            "people/a:b.md:1:1: warning: the file name contains ':', which Windows does not "
            "allow; rename it [file-name]",
            "people/con.md:1:1: warning: Windows reserves the name 'con', so this file cannot be "
            "checked out there; rename it (e.g. con-2.md) and the references to it [file-name]",
        ],
        id="file-name: not on Windows",
    ),
    pytest.param(
        {
            "people/dan-eno-2.md": PERSON.format("Dan Eno"),
            "people/con-2.md": PERSON.format("Con"),
            "interviews/2026-05-01-ann-lee-2.md": TALK.format(""),
        },
        [],
        id="file-name: numbered copies are fine",
    ),
    # duplicate-id: ids that differ only by case or Unicode form
    pytest.param(
        {
            ANN: TALK.format(""),
            "interviews/2026-05-01-Ann-Lee.md": TALK.format(""),
            "people/a-lee.md": PERSON.format("Ann  lee"),
        },
        [
            "interviews/2026-05-01-Ann-Lee.md:1:1: warning: file name does not follow its date "
            "and person: expected 2026-05-01-ann-lee.md [file-name]",
            "interviews/2026-05-01-ann-lee.md:1:1: error: id '2026-05-01-ann-lee' differs from "
            "interviews/2026-05-01-Ann-Lee.md only by case or Unicode form [duplicate-id]",
            "people/a-lee.md:1:1: warning: file name does not follow the name 'Ann  lee': "
            "expected ann-lee.md [file-name]",
            "people/a-lee.md:2:1: warning: Ann  lee is also the name of people/ann-lee.md: "
            f"{namesake('ann-lee')} "
            "[namesake]",
            "people/ann-lee.md:2:1: warning: Ann Lee is also the name of people/a-lee.md: "
            f"{namesake('ann-lee')} [namesake]",
        ],
        id="duplicate-id and namesake: what a merge can bring together",
    ),
    pytest.param(
        {"people/ANN-LEE.md": PERSON.format("Ann Lee")},
        [
            "people/ANN-LEE.md:1:1: warning: file name does not follow the name 'Ann Lee': "
            "expected ann-lee.md [file-name]",
            "people/ann-lee.md:1:1: error: id 'ann-lee' differs from people/ANN-LEE.md only by "
            "case or Unicode form [duplicate-id]",
        ],
        id="duplicate-id: case",
    ),
    pytest.param(
        {
            "people/zoe.md": PERSON.format("Zoe"),
            "people/zoe\u0301.md": PERSON.format("Zo\u00e9"),  # decomposed é
            "people/zo\u00e9.md": PERSON.format("Zo\u00e9"),  # composed é
        },
        [
            # Zoe and Zoé are one name to every matcher (accents aside): namesakes too.
            "people/zoe.md:2:1: warning: Zoe is also the name of people/zoe\u0301.md, "
            f"people/zo\u00e9.md: {namesake('zoe')} [namesake]",
            "people/zoe\u0301.md:1:1: warning: file name does not follow the name 'Zo\u00e9': "
            "expected zoe.md [file-name]",
            "people/zoe\u0301.md:2:1: warning: Zo\u00e9 is also the name of people/zoe.md: "
            f"{namesake('zoe')} "
            "[namesake]",
            "people/zo\u00e9.md:1:1: error: id 'zo\u00e9' differs from people/zoe\u0301.md only "
            "by case or Unicode form [duplicate-id]",
            "people/zo\u00e9.md:1:1: warning: file name does not follow the name 'Zo\u00e9': "
            "expected zoe.md [file-name]",
            "people/zo\u00e9.md:2:1: warning: Zo\u00e9 is also the name of people/zoe.md: "
            f"{namesake('zoe')} "
            "[namesake]",
        ],
        id="duplicate-id: Unicode form",
    ),
    pytest.param(
        {"people/ann-lee-2.md": PERSON.format("Ann Lee")}, [], id="duplicate-id: another id"
    ),
]


@pytest.mark.parametrize(("files", "expected"), RECORD_RULES)
def test_record_rules(files, expected):
    assert problems_of({**PEOPLE, **files}) == expected


CALENDAR_RULES = [
    # time: a 24-hour time of day
    pytest.param(
        {ANN: TALK.format("time: '25:99'\n")},
        [
            f"{ANN}:4:7: error: 'time' must be a 24-hour time of day like \"14:30\", not '25:99' "
            "[time]"
        ],
        id="time: out of range",
    ),
    pytest.param({ANN: TALK.format("time: '09:30'\n")}, [], id="time: ok"),
    pytest.param({ANN: TALK.format('time: "9:30"\n')}, [], id="time: one-digit hour"),
    pytest.param(
        {ANN: TALK.format("time: 14:30\n")},
        [
            f"{ANN}:4:7: warning: 'time' is read as the text '14:30', but other YAML tools "
            "would read the number 870 (base 60); quote it [yaml-1.1]"
        ],
        id="time: unquoted",
    ),
    pytest.param(
        {ANN: TALK.format("time: [14, 30]\n")},
        [
            f"{ANN}:4:7: error: 'time' must be a 24-hour time of day like \"14:30\", not "
            "'a collection' [time]"
        ],
        id="time: a list",
    ),
    pytest.param(
        {ANN: TALK.format("time: '2:30 pm'\n")},
        [
            f"{ANN}:4:7: error: 'time' must be a 24-hour time of day like \"14:30\", not "
            "'2:30 pm' [time]"
        ],
        id="time: 12-hour",
    ),
    # uid and duplicate-uid: a calendar event's identity
    pytest.param(
        {ANN: TALK.format("uid: 'a b'\n")},
        [
            f"{ANN}:4:1: error: 'uid' must be up to 200 letters, digits, '-', '.' and '_', "
            "starting with a letter or digit, not 'a b' (its calendar events use the file name "
            "until then) [uid]"
        ],
        id="uid: malformed",
    ),
    pytest.param(
        {
            ANN: TALK.format("uid: same\n"),
            "interviews/2026-05-02-bo-chen.md": "---\nperson: bo-chen\ndate: 2026-05-02\n"
            "uid: same\n---\n",
        },
        [
            f"{ANN}:4:1: error: uid 'same' is also used by interviews/2026-05-02-bo-chen.md: a "
            "calendar would merge their events; give the copy a new uid, such as its file name "
            "[duplicate-uid]",
            f"interviews/2026-05-02-bo-chen.md:4:1: error: uid 'same' is also used by {ANN}: a "
            "calendar would merge their events; give the copy a new uid, such as its file name "
            "[duplicate-uid]",
        ],
        id="duplicate-uid",
    ),
    pytest.param(
        {
            ANN: TALK.format("uid: abc-1\n"),
            "interviews/2026-05-02-bo-chen.md": "---\nperson: bo-chen\ndate: 2026-05-02\n"
            "uid: abc-2\n---\n",
        },
        [],
        id="uid: ok",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CALENDAR_RULES)
def test_calendar_rules(files, expected):
    assert problems_of({**PEOPLE, **files}) == expected


CONTROLS = [
    pytest.param(
        {
            "people/ann.md": '---\nname: Ann\n"x\\e": 1\nlinks:\n  - {site: "a\\x9b"}\n'
            'notes: "tab\\tand\\nnewline"\n---\n',
        },
        [
            "people/ann.md:3:1: error: key 'x\\x1b' contains a control character (U+001B) "
            "[control-char]",
            "people/ann.md:5:12: error: 'links' contains a control character (U+009B) "
            "[control-char]",
        ],
        id="keys and nested values of extra fields",
    ),
    pytest.param(
        texts_of(FIXTURES / "controls"),
        [
            "interviews/2026-01-05-eve.md:6:1: warning: referral 'Bob\\x1b]0;title\\x07' is not "
            "a person in people/ (a lead not yet added? `tool new person`) [unknown-referral]",
            "interviews/2026-01-05-eve.md:6:13: error: 'referrals' contains control characters "
            "(U+001B, U+0007) [control-char]",
            "people/eve.md:1:1: warning: file name does not follow the name "
            "'Eve\\x1b]52;c;SGVsbG8=\\x07': expected eve-52-c-sgvsbg8.md [file-name]",
            "people/eve.md:2:7: error: 'name' contains control characters (U+001B, U+0007) "
            "[control-char]",
            "people/eve.md:3:10: error: 'company' contains a control character (U+001B) "
            "[control-char]",
            "people/eve.md:4:7: error: 'role' contains a control character (U+009B) [control-char]",
            "people/eve.md:5:9: warning: 'career' contains a bidirectional control (U+202E) "
            "that can disguise text [control-char]",
            "people/eve.md:6:8: error: 'tags' contains a control character (U+001B) [control-char]",
        ],
        id="at the value, in the controls fixture",
    ),
    pytest.param(
        {"people/ann.md": '---\nname: Ann\nnotes: "tab\\tand\\nnewline"\n---\n'},
        [],
        id="tabs and newlines are text",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CONTROLS)
def test_control_characters(files, expected):
    assert problems_of(files) == expected


def topics_talk(*topics: str) -> dict[str, str]:
    """An interview with one insight per topic, the first on line 6."""
    items = "".join(f"- Insight #{t}\n" for t in topics)
    return {
        "interviews/2026-05-05-bo-chen.md": "---\nperson: bo-chen\ndate: 2026-05-05\n---\n"
        f"## Insights\n{items}"
    }


def looks_like(line: int, topic: str, best: str, times: int) -> str:
    return (
        f"interviews/2026-05-05-bo-chen.md:{line}:11: warning: topic #{topic} looks like #{best} "
        f"(used {times} time{'s' * (times != 1)}); use one spelling for one topic "
        "[topic-spelling]"
    )


TOPIC_RULES = [
    pytest.param(
        topics_talk("skills", "skills", "skill"), [looks_like(8, "skill", "skills", 2)], id="plural"
    ),
    pytest.param(
        topics_talk("Skills", "skills", "skills"), [looks_like(6, "Skills", "skills", 2)], id="case"
    ),
    pytest.param(
        topics_talk("companies", "company"),
        [looks_like(7, "company", "companies", 1)],
        id="a tie: the first in sort order",
    ),
    pytest.param(
        topics_talk("day-to-day", "day_to_day", "daytoday", "day-to-day"),
        [looks_like(7, "day_to_day", "day-to-day", 2), looks_like(8, "daytoday", "day-to-day", 2)],
        id="separators",
    ),
    pytest.param(topics_talk("class", "glass", "hiring", "hire"), [], id="different words"),
    pytest.param(
        texts_of(FIXTURES / "index"),
        [
            "interviews/2026-03-20-bo-chen.md:11:51: warning: topic #Skills looks like #skills "
            "(used 3 times); use one spelling for one topic [topic-spelling]",
            "interviews/2026-04-02-cy-diaz.md:8:64: warning: topic #skill looks like #skills "
            "(used 3 times); use one spelling for one topic [topic-spelling]",
        ],
        id="the index fixture",
    ),
]


@pytest.mark.parametrize(("files", "expected"), TOPIC_RULES)
def test_near_duplicate_topics(files, expected):
    assert problems_of({**PEOPLE, **files}) == expected


CONFIG_RULES = [
    pytest.param(
        (FIXTURES / "basic" / "tool.toml").read_text(encoding="utf-8"), [], id="the basic fixture"
    ),
    pytest.param(
        "[defaults]\n# days\nstay_in_touch = 'often'\n",
        [
            "tool.toml:3:1: error: stay_in_touch must be a whole number of days, not 'often' "
            "[config]"
        ],
        id="a number that is text",
    ),
    pytest.param(
        "[me]\nname = 'x'\n[targets]\ncareers = 'PM'\n",
        ['tool.toml:4:1: error: careers must be a list of text, like ["a", "b"] [config]'],
        id="a list that is text",
    ),
    pytest.param(
        "[defaults]\nholidays = ['2026-12-25', 'Xmas']\n",
        [
            "tool.toml:2:1: error: holidays must be a list of dates written YYYY-MM-DD, not "
            "'Xmas' [config]"
        ],
        id="a holiday that is no date",
    ),
    pytest.param(
        "digest = 3\n",
        ["tool.toml:1:1: error: [digest] must be a table [config]"],
        id="a table that is a number",
    ),
    pytest.param(
        "targets = 3\ndefaults = 'x'\n",
        [
            "tool.toml:1:1: error: [defaults] must be a table [config]",
            "tool.toml:1:1: error: [targets] must be a table [config]",
        ],
        id="tables of the wrong type",
    ),
]


@pytest.mark.parametrize(("toml", "expected"), CONFIG_RULES)
def test_config_problems_point_at_their_line(toml, expected):
    _, found = parse_settings(toml)
    assert [p.format() for p in found] == expected


def test_broken_tool_toml_gives_the_defaults_and_its_line():
    config, found = parse_settings("[me]\nname = 'x\n")
    assert config == Config()
    # The words after "TOML syntax:" are the TOML library's own.
    assert [(p.path, p.line, p.severity, p.rule) for p in found] == [
        ("tool.toml", 2, "error", "config")
    ]
    assert found[0].message.startswith("TOML syntax: ")
