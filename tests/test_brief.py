"""`tool brief`: one screen about a person, as text and JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run, write

REPO = Path(__file__).resolve().parent.parent

DAY = "2026-03-20"


@pytest.fixture
def root(make_kb):
    return make_kb("prepare")


def test_brief_of_a_person_with_history(root):
    result = run("brief", "ann-lee", "--on", DAY, "--root", root)
    assert result.exit_code == 0
    assert result.stdout == (
        "Ann Lee — Head of Data at O'Brien & Sons\n"
        "Data science · Dublin · referral · people/ann-lee.md\n"
        "Contact: ann@example.com\n"
        "Introduced by: Kim Park (kim-park)\n"
        "Notes: Kim's former colleague; runs the data team. (more in people/ann-lee.md)\n"
        "\n"
        "Conversations (2)\n"
        "  2026-03-10  done       career         coffee\n"
        "    - Most analysts here started in finance.\n"
        "    - SQL matters more than any certificate.\n"
        "  2026-04-01  scheduled  company        -\n"
        "\n"
        "Open action items (1)\n"
        "  - [ ] Send the notebook  (interviews/2026-03-10-ann-lee.md:21)\n"
        "\n"
        "Referrals (2)\n"
        "  - Di Company: not talked yet (from 2026-03-10)\n"
        "  - Lee from finance: not in people/ yet (from 2026-03-10)\n"
        "\n"
        "Suggested questions (company set)\n"
        '  1. Last time I came away with "SQL matters more than any certificate" — is that still '
        "how you see it, or has something changed?\n"
        "  2. What is it really like to work at O'Brien & Sons day to day, compared with places "
        "you worked before?\n"
        "  3. How are decisions made at O'Brien & Sons, and who has to agree before something goes "
        "ahead?\n"
        "  4. Which teams do you work with most closely as Head of Data, and how well does that "
        "work?\n"
        "  5. What kind of person does well at O'Brien & Sons, and who tends to struggle?\n"
    )


def test_brief_of_a_person_with_a_name_only(root):
    result = run("brief", "Bo", "--on", DAY, "--root", root)
    assert result.stdout.startswith("Bo\npeople/bo.md\n\nConversations: none yet\n\n")
    assert result.stdout.count("\n  ") == 5  # the five suggested questions


def test_brief_lists_whom_a_person_introduced_you_to(root):
    out = run("brief", "kim-park", "--on", DAY, "--root", root).stdout
    assert "\nIntroduced you to: Ann Lee, Ed Intro\n" in out
    assert "\n  - Ann Lee: talked (from 2026-02-01)\n" in out


def test_brief_as_json(root):
    result = run("brief", "ann-lee", "--on", DAY, "--format", "json", "--root", root)
    data = json.loads(result.stdout)
    assert data["person"]["company"] == "O'Brien & Sons"
    assert data["person"]["notes"] == "Kim's former colleague; runs the data team."
    assert data["introduced_by"] == {"id": "kim-park", "name": "Kim Park"}
    assert [c["id"] for c in data["conversations"]] == [
        "2026-03-10-ann-lee",
        "2026-04-01-ann-lee",
    ]
    assert data["conversations"][0]["insights"][1] == {
        "text": "SQL matters more than any certificate. #skills",
        "topics": ["skills"],
        "line": 18,
    }
    assert data["open_actions"] == [
        {"text": "Send the notebook", "path": "interviews/2026-03-10-ann-lee.md", "line": 21}
    ]
    assert data["referrals"] == [
        {"name": "Di Company", "id": "di-company", "from": "2026-03-10-ann-lee", "talked": False},
        {"name": "Lee from finance", "id": None, "from": "2026-03-10-ann-lee", "talked": False},
    ]
    assert data["questions"]["set"] == "company"
    assert len(data["questions"]["items"]) == 5


def test_brief_of_an_unknown_person(root):
    result = run("brief", "ann-le", "--root", root)
    assert result.exit_code == 1
    assert result.stderr == "Error: no person 'ann-le' in people/ (did you mean ann-lee?)\n"


@pytest.mark.parametrize("command", ["questions", "draft", "brief"])
def test_help_has_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert f"\n  Example:\n    tool {command} " in result.stdout


def documented_keys(command: str) -> set[str]:
    """The keys in the table under "`tool COMMAND ... --format json`:" in docs/templates.md."""
    text = (REPO / "docs/templates.md").read_text().split(f"`tool {command} PERSON --format json`")
    table = text[1].split("\n\n")[1]
    keys = set()
    for row in table.splitlines()[2:]:
        keys |= set(re.findall(r"`([^`]+)`", row.split("|")[1]))
    return keys


def output_keys(value, prefix="") -> set[str]:
    """Every key of a JSON value, nested ones as `a.b` and `list[].b`."""
    keys = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else key
            keys |= {name} | output_keys(item, name)
    elif isinstance(value, list):
        for item in value:
            keys |= output_keys(item, f"{prefix}[]")
    return keys


@pytest.mark.parametrize("command", ["questions", "brief"])
def test_the_json_output_is_documented(root, command):
    found = set()
    for person in ("ann-lee", "kim-park"):  # between them, every list has an item
        result = run(command, person, "--on", DAY, "--format", "json", "--root", root)
        found |= output_keys(json.loads(result.stdout))
    assert found == documented_keys(command)


@pytest.mark.parametrize(
    ("args", "purpose", "qset"),
    [
        (("bo",), None, "general"),
        (("bo", "--purpose", "other"), "other", "general"),
        (("ann-lee",), "company", "company"),  # the purpose of her next planned conversation
    ],
)
def test_json_purpose_is_null_without_one(root, args, purpose, qset):
    data = json.loads(as_json(root, "questions", *args))
    assert (data["set"], data["purpose"]) == (qset, purpose)
    brief = json.loads(as_json(root, "brief", args[0]))
    assert brief["on"] == DAY
    if len(args) == 1:
        assert (brief["questions"]["set"], brief["questions"]["purpose"]) == (qset, purpose)


def as_json(root, command, *args):
    return run(command, *args, "--on", DAY, "--format", "json", "--root", root).stdout


def test_the_scaffolds_prompt_is_not_notes(root):
    assert run("new", "person", "Jo Lin", "--root", root).exit_code == 0
    out = run("brief", "jo-lin", "--on", DAY, "--root", root).stdout
    assert out.startswith("Jo Lin\npeople/jo-lin.md\n\nConversations: none yet\n")
    data = json.loads(
        run("brief", "jo-lin", "--on", DAY, "--format", "json", "--root", root).stdout
    )
    assert data["person"]["notes"] == ""


def test_long_notes_are_wrapped_and_cut_to_six_lines(root):
    words = " ".join(f"word{n}" for n in range(1, 80))
    write(root / "people/jo.md", f"---\nname: Jo\n---\n{words}\n")
    out = run("brief", "jo", "--on", DAY, "--root", root).stdout
    assert out.startswith(
        "Jo\n"
        "people/jo.md\n"
        "Notes: word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11\n"
        "       word12 word13 word14 word15 word16 word17 word18 word19 word20 word21\n"
        "       word22 word23 word24 word25 word26 word27 word28 word29 word30 word31\n"
        "       word32 word33 word34 word35 word36 word37 word38 word39 word40 word41\n"
        "       word42 word43 word44 word45 word46 word47 word48 word49 word50 word51\n"
        "       word52 word53 word54 word55 word56 word57 word58 … (more in people/jo.md)\n"
        "\n"
    )
