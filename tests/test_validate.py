"""`tool validate`: rules, output formats and exit codes."""

from __future__ import annotations

import json

import pytest
from conftest import run, write

PERSON = "---\nname: {name}\n---\n"


def test_clean_kb(kb_root):
    result = run("validate", "--root", kb_root)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "No problems in 6 files\n", "")


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "people/dan-eno.md",
            "---\nname: Dan Eno\nrelationship: buddy\n---\n",
            "people/dan-eno.md:3:1: error: relationship must be one of alumni, colleague, friend, "
            "referral, cold, other, not 'buddy' [value]",
        ),
        (
            "people/dan-eno.md",
            "---\nname: Dan Eno\nintroduced_by: ann-le\n---\n",
            "people/dan-eno.md:3:1: error: introduced_by 'ann-le' is not a person in people/ "
            "(did you mean ann-lee?) [reference]",
        ),
        (
            "people/dan-eno.md",
            "---\nname: Dan Eno\nintroduced_by: dan-eno\n---\n",
            "people/dan-eno.md:3:1: error: a person cannot introduce themselves [reference]",
        ),
        (
            "people/Dan Eno.md",
            "---\nname: Dan Eno\n---\n",
            "people/Dan Eno.md:1:1: error: the file name must not contain spaces or slashes; "
            "use hyphens [file-name]",
        ),
        (
            "people/dan.md",
            "---\nname: Dan Eno\n---\n",
            "people/dan.md:1:1: warning: file name does not follow the name 'Dan Eno': "
            "expected dan-eno.md [file-name]",
        ),
        (
            "people/ANN-LEE.md",
            "---\nname: Ann Lee\n---\n",
            "people/ann-lee.md:1:1: error: id 'ann-lee' differs from people/ANN-LEE.md "
            "only by case or Unicode form [duplicate-id]",
        ),
        (
            "interviews/2026-05-01-ann-lee.md",
            "---\nperson: ann-lee\ndate: 2026-05-01\nstatus: finished\n---\n",
            "interviews/2026-05-01-ann-lee.md:4:1: error: status must be one of idea, requested, "
            "scheduled, done, declined, cancelled, not 'finished' [value]",
        ),
        (
            "interviews/2026-05-01-ann-lee.md",
            "---\nperson: ann-lee\ndate: 2026-05-01\nformat: zoom\npurpose: carer\n---\n",
            "interviews/2026-05-01-ann-lee.md:5:1: error: purpose must be one of career, company, "
            "job, industry, certification, other, not 'carer' (did you mean career?) [value]",
        ),
        (
            "interviews/2026-05-01-zed.md",
            "---\nperson: zed\ndate: 2026-05-01\n---\n",
            "interviews/2026-05-01-zed.md:2:1: error: person 'zed' is not in people/ [reference]",
        ),
        (
            "interviews/2026-05-01-ann-lee.md",
            "---\nperson: ann-lee\ndate: 2026-05-01\nreferrals: [bo-chen, bo-chn, Dee Fox]\n---\n",
            "interviews/2026-05-01-ann-lee.md:4:1: warning: referral 'bo-chn' is not a person in "
            "people/ (did you mean bo-chen?) [unknown-referral]",
        ),
        (
            "interviews/2026-05-01-ann-lee.md",
            "---\nperson: ann-lee\ndate: 2026-05-01\nthanked: 2026-04-30\n---\n",
            "interviews/2026-05-01-ann-lee.md:4:1: warning: thanked is before the interview date "
            "[date-order]",
        ),
        (
            "interviews/notes.md",
            "---\nperson: ann-lee\ndate: 2026-05-01\n---\n",
            "interviews/notes.md:1:1: warning: file name does not follow its date and person: "
            "expected 2026-05-01-ann-lee.md [file-name]",
        ),
        (
            "interviews/2026-05-01-ann-lee.md",
            "---\nperson: ann-lee\n---\n",
            "interviews/2026-05-01-ann-lee.md:2:1: error: missing required field 'date' [required]",
        ),
    ],
)
def test_rules(kb_root, path, text, expected):
    write(kb_root / path, text)
    result = run("validate", "--root", kb_root)
    lines = result.stdout.splitlines()
    assert expected in lines[:-1]
    assert result.exit_code == (1 if ": error: " in expected else 0)


def test_same_id_in_another_unicode_form_is_a_duplicate(kb_root):
    write(kb_root / "people/zoe.md", PERSON.format(name="Zoe"))
    write(kb_root / "people/zoe\u0301.md", PERSON.format(name="Zoé"))  # decomposed é
    write(kb_root / "people/zo\u00e9.md", PERSON.format(name="Zoé"))  # composed é
    lines = run("validate", "--root", kb_root).stdout.splitlines()
    assert any("[duplicate-id]" in line for line in lines), lines


def test_output_is_sorted_by_path_and_line_with_summary(kb_root):
    write(kb_root / "people/zz.md", "---\nname: Zz\nrelationship: x\nprivate: maybe\n---\n")
    write(kb_root / "people/aa.md", "---\nname: Aa\nstay_in_touch: often\n---\n")
    result = run("validate", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "people/aa.md:3:16: error: 'stay_in_touch' must be a whole number, not 'often' [type]",
        "people/zz.md:3:1: error: relationship must be one of alumni, colleague, friend, "
        "referral, cold, other, not 'x' [value]",
        "people/zz.md:4:10: error: 'private' must be true or false, not 'maybe' [type]",
        "3 errors, 0 warnings in 8 files",
    ]


def test_json_format(kb_root):
    write(kb_root / "people/aa.md", "---\nname: Aa\nstay_in_touch: often\n---\n")
    result = run("validate", "--root", kb_root, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": "people/aa.md",
            "line": 3,
            "col": 16,
            "severity": "error",
            "message": "'stay_in_touch' must be a whole number, not 'often'",
            "rule": "type",
        }
    ]


def test_github_format(kb_root):
    write(kb_root / "people/a,b.md", "---\nname: 'A, B'\nrelationship: x\n---\n")
    result = run("validate", "--root", kb_root, "--format", "github")
    assert result.stdout.splitlines()[-1] == (
        "::error file=people/a%2Cb.md,line=3,col=1::relationship must be one of alumni, colleague,"
        " friend, referral, cold, other, not 'x' [value]"
    )


def test_strict_turns_warnings_into_failure(kb_root):
    write(kb_root / "people/dan.md", PERSON.format(name="Dan Eno"))
    assert run("validate", "--root", kb_root).exit_code == 0
    assert run("validate", "--root", kb_root, "--strict").exit_code == 1


def test_paths_limit_the_report(kb_root, monkeypatch):
    write(kb_root / "people/aa.md", "---\nname: Aa\nstay_in_touch: often\n---\n")
    write(kb_root / "interviews/x.md", "---\nperson: nobody\ndate: 2026-01-01\n---\n")
    monkeypatch.chdir(kb_root)
    result = run("validate", "people/aa.md")
    assert result.stdout.splitlines()[:-1] == [
        "people/aa.md:3:16: error: 'stay_in_touch' must be a whole number, not 'often' [type]"
    ]
    result = run("validate", "interviews")
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == [
        "interviews/x.md",
        "interviews/x.md",
    ]


def test_path_outside_the_kb_is_a_usage_error(kb_root, tmp_path):
    result = run("validate", "--root", kb_root, tmp_path)
    assert result.exit_code == 2
    assert "is not inside the knowledge base" in result.stderr


def test_broken_tool_toml_is_reported_with_its_line(kb_root):
    write(kb_root / "tool.toml", "[me]\nname = 'x\n")
    result = run("validate", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("tool.toml:2:")


def test_a_path_that_does_not_exist_is_a_usage_error(kb_root, monkeypatch):
    monkeypatch.chdir(kb_root)
    result = run("validate", "people/nobody.md")
    assert result.exit_code == 2
    assert "Path 'people/nobody.md' does not exist" in result.stderr


def test_paths_with_dot_dot_and_the_file_count(kb_root, monkeypatch):
    write(kb_root / "people/aa.md", "---\nname: Aa\nstay_in_touch: often\n---\n")
    monkeypatch.chdir(kb_root / "people")
    result = run("validate", "../people/aa.md")
    assert result.stdout.splitlines() == [
        "people/aa.md:3:16: error: 'stay_in_touch' must be a whole number, not 'often' [type]",
        "1 error, 0 warnings in 1 file",
    ]
    assert run("validate", "ann-lee.md").stdout == "No problems in 1 file\n"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            "[defaults]\n# days\nstay_in_touch = 'often'\n",
            "tool.toml:3:1: error: stay_in_touch must be a whole number of days, not 'often' "
            "[config]",
        ),
        (
            "[me]\nname = 'x'\n[targets]\ncareers = 'PM'\n",
            'tool.toml:4:1: error: careers must be a list of text, like ["a", "b"] [config]',
        ),
        (
            "[defaults]\nholidays = ['2026-12-25', 'Xmas']\n",
            "tool.toml:2:1: error: holidays must be a list of dates written YYYY-MM-DD, not 'Xmas' "
            "[config]",
        ),
        ("digest = 3\n", "tool.toml:1:1: error: [digest] must be a table [config]"),
    ],
)
def test_config_problems_point_at_their_line(kb_root, toml, expected):
    write(kb_root / "tool.toml", toml)
    assert expected in run("validate", "--root", kb_root).stdout.splitlines()


def test_config_tables_of_the_wrong_type_do_not_crash(kb_root):
    write(kb_root / "tool.toml", "targets = 3\ndefaults = 'x'\n")
    lines = run("validate", "--root", kb_root).stdout.splitlines()
    assert "tool.toml:1:1: error: [defaults] must be a table [config]" in lines
    assert "tool.toml:1:1: error: [targets] must be a table [config]" in lines


def test_invalid_time_of_day_is_reported(kb_root):
    write(
        kb_root / "interviews/2026-05-01-ann-lee.md",
        "---\nperson: ann-lee\ndate: 2026-05-01\ntime: '25:99'\n---\n",
    )
    result = run("validate", "--root", kb_root)
    assert result.stdout.splitlines()[0] == (
        "interviews/2026-05-01-ann-lee.md:4:1: error: 'time' must be a 24-hour time of day like "
        "\"14:30\", not '25:99' [time]"
    )
