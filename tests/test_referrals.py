"""Referrals connect: free text naming a person is that person, everywhere; `--referred-by`."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest
from conftest import run, write
from digest_helpers import parse

from tool.model import Person
from tool.rules.referrals import CannotEdit, Referrals, with_referral

SAM = Person("sam-okoro", PurePosixPath("people/sam-okoro.md"), "Sam Okoro")
PEOPLE = {
    "sam-okoro": SAM,
    "sam-okoro-2": Person(
        "sam-okoro-2", PurePosixPath("people/sam-okoro-2.md"), "Sam Okoro", company="Google"
    ),
    "zoe": Person("zoe", PurePosixPath("people/zoe.md"), "Zoë O'Brien", company="Acme Inc."),
}


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("sam-okoro", "sam-okoro"),  # an id
        ("Sam Okoro at Duolingo", "sam-okoro"),  # the namesake at Google is someone else
        ("Sam Okoro (Duolingo)", "sam-okoro"),
        ("Sam Okoro, Duolingo", "sam-okoro"),
        ("Sam Okoro @ Duolingo", "sam-okoro"),
        ("sam  okoro (GOOGLE)", "sam-okoro-2"),
        ("Sam Okoro", None),  # two people of that name: which one?
        ("zoe obrien", "zoe"),  # case, accents and inner punctuation folded
        ("Zoë O\u2019Brien at Acme", "zoe"),  # a company's first words will do
        ("Zoë O'Brien at Globex", None),  # the one Zoë works elsewhere
        ("Zoë from the data team", None),  # not her name
        ("Lena from the data team", None),
    ],
)
def test_a_referral_names_one_person(ref: str, expected: str | None):
    found = Referrals(PEOPLE).find(ref)
    assert (found.id if found else None) == expected


FRONT = "---\nperson: ada\ndate: 2026-01-01\n{}---\nNotes.\n"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # The entry naming them becomes the id; nothing else on the line changes.
        (
            'referrals: [dan-wu, "Sam Okoro at Duolingo"]  # from coffee\n',
            "referrals: [dan-wu, sam-okoro]  # from coffee\n",
        ),
        ("referrals: [Sam Okoro (Duolingo), x]\n", "referrals: [sam-okoro, x]\n"),
        ("referrals: ['Sam Okoro, Duolingo']\n", "referrals: [sam-okoro]\n"),
        # No entry names them: the id is added.
        ("referrals: [dan-wu ]\n", "referrals: [dan-wu, sam-okoro ]\n"),
        ("referrals: []\n", "referrals: [sam-okoro]\n"),
        ("referrals:\ntags: [x]\n", "referrals: [sam-okoro]\ntags: [x]\n"),
        ("tags: [x]\n", "referrals: [sam-okoro]\ntags: [x]\n"),  # where `tool fmt` puts it
        (
            "referrals:\n  - dan-wu  # met at the fair\n  - Lena\ntags: [x]\n",
            "referrals:\n  - dan-wu  # met at the fair\n  - Lena\n  - sam-okoro\ntags: [x]\n",
        ),
        ("referrals:\n- Sam Okoro\n", "referrals:\n- sam-okoro\n"),
        ("referrals: Lena, the data team\n", 'referrals: ["Lena, the data team", sam-okoro]\n'),
        # Already there: unchanged.
        ("referrals: [sam-okoro]\n", "referrals: [sam-okoro]\n"),
    ],
)
def test_with_referral_changes_only_the_referrals(fields: str, expected: str):
    assert with_referral(FRONT.format(fields), SAM) == FRONT.format(expected)


def test_with_referral_keeps_crlf_and_a_bom():
    text = "\ufeff---\r\nperson: ada\r\ndate: 2026-01-01\r\nreferrals:\r\n  - x\r\n---\r\nA\r\n"
    assert with_referral(text, SAM) == text.replace("  - x\r\n", "  - x\r\n  - sam-okoro\r\n")


@pytest.mark.parametrize(
    "fields",
    [
        "referrals: [a,\n  b]\n",  # a flow list over several lines
        'referrals: ["a\n  b"]\n',  # a quoted name over several lines
        "referrals: {a: b}\n",
    ],
)
def test_with_referral_refuses_what_it_cannot_edit_safely(fields: str):
    with pytest.raises(CannotEdit):
        with_referral(FRONT.format(fields), SAM)


ADA = "interviews/2026-09-01-ada-park.md"


@pytest.fixture
def kb(make_kb) -> Path:
    """The `due` fixture, where Ada Park also suggested "Sam Okoro at Duolingo"."""
    root = make_kb("due")
    path = root / ADA
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('"Fay from finance"]', '"Fay from finance", Sam Okoro at Duolingo]')
    )
    return root


def add_sam(root: Path) -> None:
    write(root / "people/sam-okoro.md", "---\nname: Sam Okoro\n---\n")


def test_due_counts_a_referral_added_under_its_name(kb):
    add_sam(kb)
    result = run("due", "--on", "2026-11-23", "--root", kb)
    assert (
        "  referral    Contact Sam Okoro, a referral from Ada Park on Tue 2026-09-01: tool new "
        "interview sam-okoro --status requested"
    ) in result.stdout.splitlines()
    assert 'Add "Sam Okoro at Duolingo"' not in result.stdout
    # Once a conversation with them is asked for, the referral is settled.
    asked = ("--date", "2026-12-20", "--status", "requested", "--requested", "2026-11-23")
    run("new", "interview", "sam-okoro", *asked, "--root", kb)
    result = run("due", "--on", "2026-11-23", "--root", kb)
    assert not [
        line for line in result.stdout.splitlines() if "referral from" in line and "Sam" in line
    ]


def test_brief_and_drafts_know_the_referral(kb):
    add_sam(kb)
    brief = json.loads(run("brief", "ada-park", "--format", "json", "--root", kb).stdout)
    assert [(r["name"], r["id"]) for r in brief["referrals"]] == [
        ("Dan Wu", "dan-wu"),
        ("Fay from finance", None),
        ("Sam Okoro", "sam-okoro"),
    ]
    draft = run("draft", "intro-request", "sam-okoro", "--root", kb)
    assert draft.exit_code == 0, draft.stderr
    assert "Thank you again for suggesting Sam Okoro when we spoke on 1 September" in draft.stdout


def test_digest_links_the_referral(kb):
    add_sam(kb)
    out = kb / "site"
    assert run("digest", "--root", kb, "--output", out).exit_code == 0
    hrefs = [
        a.attrs.get("href") for a in parse(out / "interviews/2026-09-01-ada-park.html").find("a")
    ]
    assert "../people/sam-okoro.html" in hrefs


def test_validate_suggests_the_id(kb):
    add_sam(kb)
    result = run("validate", "--root", kb)
    assert result.stdout.splitlines()[0] == (
        f"{ADA}:10:1: warning: referral 'Sam Okoro at Duolingo' is Sam Okoro "
        "(people/sam-okoro.md): write their id sam-okoro instead [referral-name]"
    )


def test_referred_by_links_both_ways_and_changes_one_line(kb):
    before = (kb / ADA).read_bytes()
    result = run(
        "new",
        "person",
        "Sam Okoro",
        "--company",
        "Duolingo",
        "--referred-by",
        "2026-09-01-ada-park",
        "--root",
        kb,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{kb / 'people/sam-okoro.md'}\n"
    assert result.stderr == f"Added sam-okoro to the referrals of {ADA}\n"
    person = (kb / "people/sam-okoro.md").read_text()
    assert "introduced_by: ada-park\n" in person
    assert "relationship: referral\n" in person
    after = (kb / ADA).read_bytes()
    changed = [
        (old, new)
        for old, new in zip(before.split(b"\n"), after.split(b"\n"), strict=True)
        if old != new
    ]
    assert changed == [
        (
            b'referrals: [dan-wu, "Fay from finance", Sam Okoro at Duolingo]',
            b'referrals: [dan-wu, "Fay from finance", sam-okoro]',
        )
    ]
    assert run("validate", "--root", kb).exit_code == 0


def test_referred_by_mistakes_create_nothing(kb):
    result = run("new", "person", "Sam Okoro", "--referred-by", "2026-09-01-ada-prk", "--root", kb)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no interview '2026-09-01-ada-prk' in interviews/ "
        "(did you mean 2026-09-01-ada-park?)\n"
    )
    write(
        kb / ADA,
        (kb / ADA).read_text().replace("referrals: [dan-wu,", "referrals: [dan-wu,\n "),
    )
    # A list over several lines: the entry naming someone can be replaced, but not added to.
    result = run("new", "person", "Lena Berg", "--referred-by", "2026-09-01-ada-park", "--root", kb)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {ADA}:10: cannot add lena-berg to the referrals (the referrals list runs over "
        "several lines); add it by hand\n"
    )
    assert not (kb / "people/lena-berg.md").exists()
