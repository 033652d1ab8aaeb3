"""`tool export csv|json`: exact documents, formula-safe cells, shareable exports that leak
nothing, the same bytes every time, and JSON that validates against the shipped schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, run, write

from tool.rules.stats import NOTES

REPO = Path(__file__).resolve().parents[1]  # the repository is an example knowledge base
SCHEMA = json.loads((REPO / "tool" / "data" / "export.schema.json").read_text(encoding="utf-8"))
BOM = "\ufeff"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Two people, one private, and an interview with each."""
    root = tmp_path / "kb"
    write(root / "tool.toml", "")
    write(
        root / "people" / "ann-lee.md",
        "---\nname: Ann Lee\ncompany: Acme\nrole: PM\nemail: ann@example.com\n"
        'phone: "+1 555 0100"\nlinkedin: https://www.linkedin.com/in/ann-lee\n'
        "introduced_by: Zoë Brandt\ntags: [robotics]\nconnected: 2026-01-05\nfavourite: tea\n"
        "---\nMet at the meetup.\n",
    )
    write(
        root / "people" / "zoe-brandt.md",
        "---\nname: Zoë Brandt\ncompany: Globex\nprivate: true\nemail: zoe@example.com\n"
        "---\nThinking of leaving Globex next spring, keep this quiet.\n",
    )
    write(
        root / "interviews" / "2026-03-10-ann-lee.md",
        "---\nperson: ann-lee\ndate: 2026-03-10\nstatus: done\nduration: 25\n"
        'referrals: [zoe-brandt, "Sam at Initech"]\n---\n'
        "## Insights\n- Ship early. #skills\n\n"
        "## Next steps\n- [ ] Read a book\n- [x] Say thanks\n",
    )
    write(
        root / "interviews" / "2026-04-01-zoe-brandt.md",
        "---\nperson: zoe-brandt\ndate: 2026-04-01\nstatus: idea\n---\n",
    )
    return root


SMALL_JSON = {
    "format": "tool-export",
    "version": 1,
    "shareable": False,
    "people": [
        {
            "id": "ann-lee",
            "path": "people/ann-lee.md",
            "name": "Ann Lee",
            "company": "Acme",
            "role": "PM",
            "career": None,
            "location": None,
            "email": "ann@example.com",
            "phone": "+1 555 0100",
            "linkedin": "https://www.linkedin.com/in/ann-lee",
            "introduced_by": "Zoë Brandt",
            "introduced_by_id": "zoe-brandt",
            "relationship": None,
            "tags": ["robotics"],
            "stay_in_touch": None,
            "connected": "2026-01-05",
            "private": False,
            "extra": {"favourite": "tea"},
            "notes": "Met at the meetup.\n",
            "notes_line": 13,
        },
        {
            "id": "zoe-brandt",
            "path": "people/zoe-brandt.md",
            "name": "Zoë Brandt",
            "company": "Globex",
            "role": None,
            "career": None,
            "location": None,
            "email": "zoe@example.com",
            "phone": None,
            "linkedin": None,
            "introduced_by": None,
            "introduced_by_id": None,
            "relationship": None,
            "tags": [],
            "stay_in_touch": None,
            "connected": None,
            "private": True,
            "extra": {},
            "notes": "Thinking of leaving Globex next spring, keep this quiet.\n",
            "notes_line": 7,
        },
    ],
    "interviews": [
        {
            "id": "2026-03-10-ann-lee",
            "path": "interviews/2026-03-10-ann-lee.md",
            "person": "ann-lee",
            "date": "2026-03-10",
            "time": None,
            "status": "done",
            "requested": None,
            "format": None,
            "duration": 25,
            "purpose": None,
            "company": None,
            "career": None,
            "thanked": None,
            "follow_up": None,
            "referrals": [
                {"text": "zoe-brandt", "person": "zoe-brandt", "line": 6},
                {"text": "Sam at Initech", "person": None, "line": 6},
            ],
            "tags": [],
            "private": False,
            "uid": None,
            "insights": [{"text": "Ship early. #skills", "topics": ["skills"], "line": 9}],
            "actions": [
                {"text": "Read a book", "done": False, "line": 12},
                {"text": "Say thanks", "done": True, "line": 13},
            ],
            "extra": {},
            "notes": "## Insights\n- Ship early. #skills\n\n## Next steps\n"
            "- [ ] Read a book\n- [x] Say thanks\n",
            "notes_line": 8,
        },
        {
            "id": "2026-04-01-zoe-brandt",
            "path": "interviews/2026-04-01-zoe-brandt.md",
            "person": "zoe-brandt",
            "date": "2026-04-01",
            "time": None,
            "status": "idea",
            "requested": None,
            "format": None,
            "duration": None,
            "purpose": None,
            "company": None,
            "career": None,
            "thanked": None,
            "follow_up": None,
            "referrals": [],
            "tags": [],
            "private": False,
            "uid": None,
            "insights": [],
            "actions": [],
            "extra": {},
            "notes": "",
            "notes_line": 6,
        },
    ],
    # One conversation held (no request date, no thank-you), and an idea: not a request.
    "stats": {
        "since": None,
        "on": None,
        "weeks": [
            {"start": day, "label": label, "held": held, "requested": 0, "declined": 0}
            for day, label, held in [
                ("2026-03-09", "2026-W11", 1),
                ("2026-03-16", "2026-W12", 0),
                ("2026-03-23", "2026-W13", 0),
                ("2026-03-30", "2026-W14", 0),  # the idea's week ends the series
            ]
        ],
        "months": [
            {"start": "2026-03-01", "label": "2026-03", "held": 1, "requested": 0, "declined": 0},
            {"start": "2026-04-01", "label": "2026-04", "held": 0, "requested": 0, "declined": 0},
        ],
        "funnel": [
            {"step": "requested", "count": 1, "conversion": None, "median_days": None},
            {"step": "replied", "count": 1, "conversion": 1.0, "median_days": None},
            {"step": "held", "count": 1, "conversion": 1.0, "median_days": None},
            {"step": "thanked", "count": 0, "conversion": 0.0, "median_days": None},
            {"step": "followed up", "count": 0, "conversion": None, "median_days": None},
        ],
        "replies_by_relationship": [
            {"name": "(not set)", "requests": 1, "replied": 1, "rate": 1.0, "median_days": None}
        ],
        "replies_by_format": [
            {"name": "(not set)", "requests": 1, "replied": 1, "rate": 1.0, "median_days": None}
        ],
        "thank_yous": {
            "window_days": 1,
            "held": 1,
            "sent": 0,
            "within_window": 0,
            "share": 0.0,
            "median_days": None,
        },
        # Zoë is in people/, but only as an idea so far; "Sam at Initech" is not.
        "referrals": {
            "conversations": 1,
            "referrals": 2,
            "per_conversation": 2.0,
            "in_people": 1,
            "became_conversations": 0,
        },
        "coverage": [],
        "insights": {"held": 1, "with_insights": 1, "share": 1.0},
        "pace": None,
        "notes": list(NOTES),
    },
}


def test_json_export_of_a_small_kb_is_exactly_every_field(small: Path):
    result = run("export", "json", "--root", small)
    assert result.exit_code == 0, result.output
    assert result.stdout == json.dumps(SMALL_JSON, indent=2, ensure_ascii=False) + "\n"


def test_csv_export_of_people_and_interviews_is_exactly(small: Path):
    people = run("export", "csv", "--root", small)
    assert people.exit_code == 0, people.output
    assert people.stdout_bytes.decode("utf-8") == BOM + (
        "id,name,company,role,career,location,email,phone,linkedin,introduced_by,"
        "relationship,tags,stay_in_touch,connected,private,path\n"
        "ann-lee,Ann Lee,Acme,PM,,,ann@example.com,+1 555 0100,"
        "https://www.linkedin.com/in/ann-lee,Zoë Brandt,,robotics,,2026-01-05,false,"
        "people/ann-lee.md\n"
        "zoe-brandt,Zoë Brandt,Globex,,,,zoe@example.com,,,,,,,,true,people/zoe-brandt.md\n"
    ).replace("\n", "\r\n")
    interviews = run("export", "csv", "--what", "interviews", "--root", small)
    assert interviews.stdout_bytes.decode("utf-8") == BOM + (
        "id,date,time,person,name,status,requested,format,duration,purpose,company,career,"
        "thanked,follow_up,referrals,tags,private,uid,insights,open_actions,path\n"
        "2026-03-10-ann-lee,2026-03-10,,ann-lee,Ann Lee,done,,,25,,,,,,"
        "zoe-brandt; Sam at Initech,,false,,1,1,interviews/2026-03-10-ann-lee.md\n"
        "2026-04-01-zoe-brandt,2026-04-01,,zoe-brandt,Zoë Brandt,idea,,,,,,,,,,,false,,0,0,"
        "interviews/2026-04-01-zoe-brandt.md\n"
    ).replace("\n", "\r\n")


@pytest.mark.parametrize(
    ("written", "cell"),
    [
        ("'=HYPERLINK(\"http://evil.example\")'", '\'=HYPERLINK("http://evil.example")'),
        ("\"+cmd|' /C calc'!A0\"", "'+cmd|' /C calc'!A0"),
        ('"-2+3"', "'-2+3"),
        ('"@SUM(A1:A9)"', "'@SUM(A1:A9)"),
        ('"\\tcalc"', "'\tcalc"),
        ('"\\rcalc"', "'\rcalc"),
        ('"+49 30 1234567"', "+49 30 1234567"),  # a phone number stays a phone number
        ('"Globex"', "Globex"),
    ],
)
def test_csv_export_neutralises_what_a_spreadsheet_would_run(
    tmp_path: Path, written: str, cell: str
):
    import csv
    import io

    root = tmp_path / "kb"
    write(root / "tool.toml", "")
    write(root / "people" / "eve.md", f"---\nname: Eve\ncompany: {written}\n---\n")
    result = run("export", "csv", "--root", root)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert rows[0]["company"] == cell


def test_shareable_export_leaves_out_contacts_and_private_records(small: Path):
    data = json.loads(run("export", "json", "--shareable", "--root", small).stdout)
    assert [p["id"] for p in data["people"]] == ["ann-lee"]
    assert [i["id"] for i in data["interviews"]] == ["2026-03-10-ann-lee"]
    ann = data["people"][0]
    assert not {"email", "phone", "linkedin"} & ann.keys()
    # Who introduced Ann, and the referral of Zoë, are private too.
    assert (ann["introduced_by"], ann["introduced_by_id"]) == (None, None)
    assert data["interviews"][0]["referrals"] == [
        {"text": "Sam at Initech", "person": None, "line": 6}
    ]
    csv_people = run("export", "csv", "--shareable", "--root", small).stdout_bytes.decode()
    assert csv_people == BOM + (
        "id,name,company,role,career,location,introduced_by,relationship,tags,"
        "stay_in_touch,connected,private,path\n"
        "ann-lee,Ann Lee,Acme,PM,,,,,robotics,,2026-01-05,false,people/ann-lee.md\n"
    ).replace("\n", "\r\n")


@pytest.mark.parametrize("args", [["json"], ["csv"], ["csv", "--what", "interviews"]])
def test_shareable_export_of_the_digest_fixture_has_no_private_value(make_kb, args: list[str]):
    # Its notes write addresses, numbers and a private person's name in every disguise.
    root = make_kb("digest")
    result = run("export", *args, "--shareable", "--root", root)
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8").casefold()
    for value in ("@example.com", "555 0100", "5550100", "linkedin.com/in", "secretson"):
        assert value not in text
    assert "salary band" not in text  # an aside in an HTML comment, which the digest drops too
    full = run("export", *args, "--root", root).stdout_bytes.decode("utf-8").casefold()
    assert "secretson" in full  # the same command without --shareable
    assert ("salary band" in full) == (args == ["json"])  # notes are in the JSON export only


def test_shareable_export_refuses_what_its_hiding_misses(small: Path):
    # An address written as an HTML entity is not hidden, but a reader (and the scan) sees it.
    note = small / "interviews" / "2026-03-10-ann-lee.md"
    write(note, note.read_text(encoding="utf-8") + "Write to ann&#64;example.com.\n")
    out = small.parent / "shared.json"
    result = run("export", "json", "--shareable", "--root", small, "--output", out)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: private values found in the export; nothing was written:\n"
        "  the JSON export: contains the email from people/ann-lee.md\n"
    )
    assert not out.exists()
    assert run("export", "json", "--root", small, "--output", out).exit_code == 0


@pytest.mark.parametrize("args", [["json"], ["csv"], ["csv", "--what", "interviews"]])
def test_export_gives_the_same_bytes_twice_and_writes_only_on_change(small: Path, args: list[str]):
    first = run("export", *args, "--root", small).stdout_bytes
    assert run("export", *args, "--root", small).stdout_bytes == first
    out = small.parent / "export.out"
    assert run("export", *args, "--root", small, "--output", out).stdout == f"Wrote {out}\n"
    assert out.read_bytes() == first
    again = run("export", *args, "--root", small, "--output", out)
    assert again.stdout == f"Unchanged: {out}\n"


@pytest.mark.parametrize("args", [["json"], ["csv"]])
def test_export_output_refuses_the_records_and_a_users_file(small: Path, args: list[str]):
    inside = run("export", *args, "--root", small, "--output", small / "people" / "x.out")
    assert inside.exit_code == 1
    assert "refusing to write" in inside.stderr and "into people" in inside.stderr
    assert not (small / "people" / "x.out").exists()
    mine = write(small.parent / "mine.txt", "my own notes\n")
    refused = run("export", *args, "--root", small, "--output", mine)
    assert refused.exit_code == 1
    assert "did not write" in refused.stderr
    assert mine.read_text(encoding="utf-8") == "my own notes\n"


KBS = [REPO, *sorted(p for p in FIXTURES.iterdir() if (p / "people").is_dir())]


@pytest.mark.parametrize("shareable", [False, True])
@pytest.mark.parametrize("root", KBS, ids=lambda p: p.name)
def test_json_export_validates_against_the_shipped_schema(root: Path, shareable: bool):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    result = run("export", "json", *(["--shareable"] if shareable else []), "--root", root)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["people"] and data["shareable"] is shareable


def test_schema_rejects_a_shareable_export_with_contacts(small: Path):
    data = json.loads(run("export", "json", "--root", small).stdout)
    data["shareable"] = True
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_docs_describe_every_field_of_the_schema():
    docs = (REPO / "docs" / "json.md").read_text(encoding="utf-8")
    section = docs.partition("## `tool export json`")[2]
    defs = SCHEMA["$defs"]
    names = set(SCHEMA["properties"]) | set(defs["person"]["properties"])
    names |= set(defs["interview"]["properties"])
    for part in ("referrals", "insights", "actions"):
        names |= set(defs["interview"]["properties"][part]["items"]["properties"])
    assert {n for n in names if f"| `{n}` |" not in section} == set()


def test_shareable_stats_count_only_what_is_exported(small: Path):
    data = json.loads(run("export", "json", "--shareable", "--root", small).stdout)
    # Zoë is private: her idea ends no series, and naming her counts as naming nobody known.
    assert [w["label"] for w in data["stats"]["weeks"]] == ["2026-W11"]
    assert data["stats"]["referrals"]["in_people"] == 0
    assert data["stats"]["referrals"]["referrals"] == 2
