"""`tool list people|interviews`: filters, sorting, tables that fit, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import run, write

from tool import listing

DOCS = Path(__file__).parent.parent / "docs" / "json.md"


def ids(root: Path, *args: str) -> list[str]:
    result = run("list", *args, "--root", root, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ["ada-park", "ben-ode", "cleo-ruiz", "dan-wu", "eva-lind"]),
        (("--company", "ACME"), ["ada-park", "ben-ode"]),  # case ignored, part of the name
        (("--career", "data"), ["cleo-ruiz", "dan-wu"]),
        (("--tag", "robotics"), ["ada-park", "ben-ode"]),
        (("--tag", "robotics", "--tag", "mentor"), ["ada-park"]),  # all of them
        (("--status", "requested"), ["cleo-ruiz"]),  # has such an interview
        (("--purpose", "career"), ["ada-park", "eva-lind"]),
        (("--since", "2026-11-01", "--until", "2026-11-24"), ["ben-ode"]),
        (("--sort", "company"), ["ada-park", "ben-ode", "cleo-ruiz", "dan-wu", "eva-lind"]),
        (
            ("--sort", "last_conversation"),
            ["ada-park", "cleo-ruiz", "ben-ode", "dan-wu", "eva-lind"],
        ),
        (
            ("--sort", "last_conversation", "--reverse"),
            ["ben-ode", "cleo-ruiz", "ada-park", "dan-wu", "eva-lind"],  # never spoken: last
        ),
        (("--company", "nowhere"), []),
    ],
)
def test_people_filters_and_sort(make_kb, args: tuple[str, ...], expected: list[str]):
    assert ids(make_kb("due"), "people", *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            (),
            [
                "2026-09-01-ada-park",
                "2026-10-01-cleo-ruiz",
                "2026-11-20-ben-ode",
                "2026-11-25-eva-lind",
                "2026-12-10-cleo-ruiz",
            ],
        ),
        (
            ("--status", "done", "--company", "acme robotics"),
            ["2026-09-01-ada-park", "2026-11-20-ben-ode"],
        ),
        (
            ("--since", "2026-10-01", "--until", "2026-11-20"),
            ["2026-10-01-cleo-ruiz", "2026-11-20-ben-ode"],
        ),
        (("--career", "cléo"), []),
        (("--career", "DATA SCIENCE", "--purpose", "job"), ["2026-10-01-cleo-ruiz"]),
        (("--tag", "ROBOTICS"), ["2026-09-01-ada-park"]),
        (
            ("--sort", "status"),  # in the order of a conversation's life, not alphabetical
            [
                "2026-12-10-cleo-ruiz",
                "2026-11-25-eva-lind",
                "2026-09-01-ada-park",
                "2026-10-01-cleo-ruiz",
                "2026-11-20-ben-ode",
            ],
        ),
        (
            ("--sort", "name"),
            [
                "2026-09-01-ada-park",
                "2026-11-20-ben-ode",
                "2026-10-01-cleo-ruiz",
                "2026-12-10-cleo-ruiz",
                "2026-11-25-eva-lind",
            ],
        ),
        (
            ("--sort", "date", "--reverse"),
            [
                "2026-12-10-cleo-ruiz",
                "2026-11-25-eva-lind",
                "2026-11-20-ben-ode",
                "2026-10-01-cleo-ruiz",
                "2026-09-01-ada-park",
            ],
        ),
    ],
)
def test_interview_filters_and_sort(make_kb, args: tuple[str, ...], expected: list[str]):
    assert ids(make_kb("due"), "interviews", *args) == expected


PEOPLE_80 = """\
Name       Company        Role             Career              Talks  Last talk
Ada Park   Acme Robotics  Product Manager  Product management  1      2026-09-01
Ben Odé    acme robotics  Engineer         Robotics engineer…  1      2026-11-20
Cléo Ruiz  Globex         Data Scientist   Data science        1      2026-10-01
Dan Wu     Globex                          Data science        0
Eva Lind   Initech        UX Researcher    UX research         0
"""
PEOPLE_60 = """\
Name       Company   Role       Career     Talks  Last talk
Ada Park   Acme Ro…  Product…   Product…   1      2026-09-01
Ben Odé    acme ro…  Engineer   Robotics…  1      2026-11-20
Cléo Ruiz  Globex    Data Sci…  Data sci…  1      2026-10-01
Dan Wu     Globex               Data sci…  0
Eva Lind   Initech   UX Resea…  UX resea…  0
"""
PEOPLE_50 = """\
Name       Company    Role       Talks  Last talk
Ada Park   Acme Rob…  Product…   1      2026-09-01
Ben Odé    acme rob…  Engineer   1      2026-11-20
Cléo Ruiz  Globex     Data Sci…  1      2026-10-01
Dan Wu     Globex                0
Eva Lind   Initech    UX Resea…  0
"""
HIDDEN_50 = "(1 column hidden to fit 50 columns: Career; widen the terminal or use --format csv)\n"


@pytest.mark.parametrize(
    ("columns", "expected", "note"),
    [("80", PEOPLE_80, ""), ("60", PEOPLE_60, ""), ("50", PEOPLE_50, HIDDEN_50)],
)
def test_people_table_fits_the_terminal(
    make_kb, monkeypatch, columns: str, expected: str, note: str
):
    monkeypatch.setenv("COLUMNS", columns)
    result = run("list", "people", "--root", make_kb("due"))
    assert result.exit_code == 0
    assert result.stdout == expected
    assert result.stderr == note
    assert max(len(line) for line in result.stdout.splitlines()) <= int(columns)


def test_talks_counts_only_conversations_held(make_kb):
    root = make_kb("due")
    for day, status in [("2026-12-01", "declined"), ("2026-12-02", "cancelled")]:
        write(
            root / "interviews" / f"{day}-ada-park.md",
            f"---\nperson: ada-park\ndate: {day}\nstatus: {status}\n---\n",
        )
    rows = json.loads(run("list", "people", "--root", root, "--format", "json").stdout)
    assert [
        (r["id"], r["interviews"], r["conversations"], r["last_conversation"]) for r in rows
    ] == [
        ("ada-park", 3, 1, "2026-09-01"),
        ("ben-ode", 1, 1, "2026-11-20"),
        ("cleo-ruiz", 2, 1, "2026-10-01"),
        ("dan-wu", 0, 0, None),
        ("eva-lind", 1, 0, None),
    ]


def test_hidden_private_columns_are_named_on_stderr(make_kb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = run("list", "people", "--root", make_kb("due"), "--include-private")
    assert result.stdout.splitlines()[0] == (
        "Name       Company      Role         Career       Talks  Last talk   Phone"
    )
    assert result.stderr == (
        "(2 columns hidden to fit 80 columns: Email, LinkedIn; "
        "widen the terminal or use --format csv)\n"
    )


def test_below_a_minimum_width_each_record_gets_its_own_lines(make_kb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "10")
    result = run("list", "interviews", "--root", make_kb("due"), "--status", "done")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Date: 2026-09-01\nPerson: Ada Park\nStatus: done\nCompany: Acme Robotics\n"
        "Career: Product management\nPurpose: career\nFormat: coffee\n\n"
        "Date: 2026-10-01\nPerson: Cléo Ruiz\nStatus: done\nCompany: Globex\n"
        "Career: Data science\nPurpose: job\nFormat: phone\n\n"
        "Date: 2026-11-20\nPerson: Ben Odé\nStatus: done\nCompany: acme robotics\n"
        "Career: Robotics engineering\nPurpose: company\nFormat: video\n"
    )


@pytest.mark.parametrize("what", ["people", "interviews"])
@pytest.mark.parametrize("private", [(), ("--include-private",)])
def test_no_match_still_gives_the_csv_header_and_an_empty_json_list(
    make_kb, what: str, private: tuple[str, ...]
):
    root = make_kb("due")
    args = ("list", what, "--root", root, "--company", "zzz", *private)
    header = run(*args, "--format", "csv")
    assert (header.exit_code, header.stderr) == (0, "")
    keys = documented(f"tool list {what} --format json")
    if what == "interviews" or not private:
        keys = keys[:1]
    assert header.stdout == ",".join(k for table in keys for k in table) + "\n"
    empty = run(*args, "--format", "json")
    assert (empty.exit_code, empty.stdout) == (0, "[]\n")


def test_contact_details_only_with_include_private(make_kb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    root = make_kb("due")
    plain = run("list", "people", "--root", root)
    assert "@example.com" not in plain.stdout and "555" not in plain.stdout
    assert (
        "email"
        not in json.loads(run("list", "people", "--root", root, "--format", "json").stdout)[0]
    )
    shown = run("list", "people", "--root", root, "--include-private")
    assert shown.stdout.splitlines()[0].endswith("Email            Phone        LinkedIn")
    assert "ada@example.com  +1 555 0101" in shown.stdout


@pytest.mark.parametrize("width", [40, 47, 80, 120])
def test_table_never_exceeds_the_width(width: int):
    rows = [{"a": "x" * 50, "b": "2026-01-01", "c": "y" * 30}, {"a": "short", "b": None, "c": "z"}]
    columns = [("a", "Alpha", True), ("b", "Date", False), ("c", "Gamma", True)]
    text, _ = listing.table(rows, columns, width)
    assert all(len(line) <= width for line in text.splitlines())


def test_interviews_table(make_kb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = run("list", "interviews", "--root", make_kb("due"), "--status", "done")
    assert result.stdout == (
        "Date        Person     Status  Company        Career                Purpose  Format\n"
        "2026-09-01  Ada Park   done    Acme Robotics  Product management    career   coffee\n"
        "2026-10-01  Cléo Ruiz  done    Globex         Data science          job      phone\n"
        "2026-11-20  Ben Odé    done    acme robotics  Robotics engineering  company  video\n"
    )


def test_no_match_says_so_on_stderr(make_kb):
    result = run("list", "interviews", "--root", make_kb("due"), "--status", "declined")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No interviews match.\n")


def test_csv(make_kb):
    root = make_kb("due")
    write(
        root / "people" / "zed.md",
        '---\nname: "Zed, Jr."\nrole: "=HYPERLINK(\\"http://x\\")"\nphone: "+1 555 0199"\n'
        "tags: [a, b]\n---\n",
    )
    result = run("list", "people", "--root", root, "--format", "csv", "--include-private")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    zed = rows[-1]
    assert zed["name"] == "Zed, Jr."
    assert zed["role"] == '\'=HYPERLINK("http://x")'  # never a formula in a spreadsheet
    assert zed["phone"] == "+1 555 0199"
    assert zed["tags"] == "a; b"
    assert zed["private"] == "false"
    assert zed["stay_in_touch"] == ""
    assert list(rows[0]) == list(
        json.loads(
            run("list", "people", "--root", root, "--format", "json", "--include-private").stdout
        )[0]
    )


def test_unknown_sort_key_is_a_usage_error(make_kb):
    result = run("list", "people", "--root", make_kb("due"), "--sort", "date")
    assert result.exit_code == 2
    assert (
        "'date' is not one of name, company, career, interviews, conversations, "
        "last_conversation" in result.stderr
    )


def documented(section: str) -> list[list[str]]:
    """The field names of each table under a `## ...` heading of docs/json.md."""
    text = DOCS.read_text(encoding="utf-8")
    body = text.split(f"## `{section}`", 1)[1].split("\n## ", 1)[0]
    tables = re.split(r"\n\n(?=\| field)", body)
    return [re.findall(r"^\| `(\w+)` \|", t, re.M) for t in tables if "| field" in t]


def test_list_json_keys_match_the_docs(make_kb):
    root = make_kb("due")
    people = json.loads(run("list", "people", "--root", root, "--format", "json").stdout)
    private = json.loads(
        run("list", "people", "--root", root, "--format", "json", "--include-private").stdout
    )
    interviews = json.loads(run("list", "interviews", "--root", root, "--format", "json").stdout)
    public_keys, private_keys = documented("tool list people --format json")
    assert all(list(row) == public_keys for row in people)
    assert all(list(row) == public_keys + private_keys for row in private)
    (interview_keys,) = documented("tool list interviews --format json")
    assert all(list(row) == interview_keys for row in interviews)


def test_due_json_keys_match_the_docs(make_kb):
    data = json.loads(
        run("due", "--root", make_kb("due"), "--on", "2026-11-23", "--format", "json").stdout
    )
    top, item = documented("tool due --format json")
    assert list(data) == top
    assert data["items"] and all(list(i) == item for i in data["items"])


def test_search_json_keys_match_the_docs(make_kb):
    hits = json.loads(run("search", "acme", "--root", make_kb("due"), "--format", "json").stdout)
    (keys,) = documented("tool search --format json")
    assert hits and all(list(h) == keys for h in hits)


def test_wide_letters_take_two_columns():
    rows = [
        {"n": "李小龙", "c": "Acme"},
        {"n": "Ann", "c": "Globex Corporation of America and Canada"},
    ]
    text, hidden = listing.table(rows, [("n", "Name", False), ("c", "Company", True)], 40)
    assert text.split("\n") == [
        "Name    Company",
        "李小龙  Acme",
        "Ann     Globex Corporation of America a…",
    ]
    assert hidden == []


def test_a_bad_file_is_reported_and_the_rest_listed_by_each_command_that_lets_go_of_records(
    make_kb, monkeypatch
):
    root = make_kb("basic")
    write(root / "people/bad.md", "---\nname: [\n---\n")
    write(root / "interviews/2026-05-01-bad.md", "---\nperson: ann-lee\ndate: 2026-13-01\n---\n")
    for args in (
        ("list", "people", "--format", "csv"),
        ("list", "interviews", "--format", "json"),
        ("index",),
        ("due", "--on", "2026-04-01"),
        ("search", "acme"),
    ):
        first = run(*args, "--root", root)  # parsed, then from the store, then without it
        assert run(*args, "--root", root).output == first.output
        with monkeypatch.context() as m:
            m.setenv("TOOL_NO_CACHE", "1")
            assert run(*args, "--root", root).output == first.output
        assert "people/bad.md:" in first.stderr and "interviews/2026-05-01-bad.md:" in first.stderr
        assert first.stdout.strip()


def test_a_released_kb_keeps_its_problems_and_files(make_kb):
    from tool.model import released
    from tool.store import loading

    root = make_kb("basic")
    write(root / "people/bad.md", "---\nname: [\n---\n")
    kb = loading.load(root)
    errors, files = sorted(kb.errors), list(kb.files)
    rows = released(lambda kb: listing.rows(kb, "people"))(kb)
    assert [r["id"] for r in rows] == ["ann-lee", "bo-chen", "cy-diaz"]
    assert (kb.people, kb.interviews) == ({}, {})
    assert sorted(kb.errors) == errors != [] and kb.files == files
