"""`tool leads`: who works at each target company, who could introduce you, and the path."""

from __future__ import annotations

import json

import pytest
from conftest import run, write
from digest_helpers import REPO, parse
from kb_builder import kb_of

from tool import leads
from tool.errors import ToolError
from tool.rules.leads import company_key

TOML = '[targets]\ncompanies = ["Globex", "Umbrella Health"]\n'


def person(name: str, company: str | None = None, **fields: str) -> str:
    lines = [f"name: {name}"] + ([f"company: {company}"] if company else [])
    lines += [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def talk(who: str, day: str, **fields: str) -> str:
    lines = [f"person: {who}", f"date: {day}", "status: done"]
    return "---\n" + "\n".join(lines + [f"{k}: {v}" for k, v in fields.items()]) + "\n---\n"


def text_of(files: dict[str, str], company: str | None = None) -> str:
    return leads.to_text(leads.build(kb_of({"tool.toml": TOML, **files}), company))


CASES = {
    "a direct contact, and a target where you know nobody": (
        None,
        {"people/ann.md": person("Ann Lee", "Globex", role="Analyst")},
        "Globex\n"
        "  Works there:\n"
        "    Ann Lee (Analyst)\n"
        "      you → Ann Lee\n"
        "  Could introduce you: nobody yet\n"
        "\n"
        "Umbrella Health\n"
        "  Works there: nobody yet\n"
        "  Could introduce you: nobody yet\n"
        "\n"
        "You know nobody yet at: Umbrella Health\n",
    ),
    "two hops: you → Priya → Hana, and Priya introduced you there": (
        "Globex",
        {
            "people/priya.md": person("Priya Natarajan", "Initech", role="Data Scientist"),
            "people/hana.md": person("Hana Kobayashi", "Globex", introduced_by="priya"),
        },
        "Globex\n"
        "  Works there:\n"
        "    Hana Kobayashi\n"
        "      you → Priya Natarajan → Hana Kobayashi\n"
        "  Could introduce you:\n"
        "    Priya Natarajan (Data Scientist at Initech)\n"
        "      people/hana.md:4: introduced you to Hana Kobayashi\n"
        "      you → Priya Natarajan\n",
    ),
    "a cycle of introductions starts at the first by name": (
        "Globex",
        {
            "people/bo.md": person("Bo Chen", "Globex", introduced_by="al"),
            "people/al.md": person("Al Amin", "Globex", introduced_by="bo"),
            "people/cy.md": person("Cy Diaz", "Initech", introduced_by="bo"),
        },
        "Globex\n"
        "  Works there:\n"
        "    Al Amin\n"
        "      you → Al Amin\n"
        "    Bo Chen\n"
        "      you → Al Amin → Bo Chen\n"
        "  Could introduce you:\n"
        "    Cy Diaz (Initech)\n"
        "      people/cy.md:4: you met them through Bo Chen\n"
        "      you → Al Amin → Bo Chen → Cy Diaz\n",
    ),
    "a private person is shown, marked: the report is yours": (
        "Globex",
        {"people/dee.md": person("Dee Secretson", "Globex", private="true")},
        "Globex\n"
        "  Works there:\n"
        "    Dee Secretson [private]\n"
        "      you → Dee Secretson\n"
        "  Could introduce you: nobody yet\n",
    ),
    "folded names: Globex Corp. is Globex, Globex Health is not": (
        "Globex",
        {
            "people/ann.md": person("Ann Lee", "GLOBEX Corp."),
            "people/bo.md": person("Bo Chen", '"Globex, Inc"'),
            "people/cy.md": person("Cy Diaz", "Globex Health"),
        },
        "Globex\n"
        "  Works there:\n"
        "    Ann Lee\n"
        "      you → Ann Lee\n"
        "    Bo Chen\n"
        "      you → Bo Chen\n"
        "  Could introduce you: nobody yet\n",
    ),
    "a referral names someone there; the referrer leads to them": (
        "Globex",
        {
            "people/ann.md": person("Ann Lee", "Initech"),
            "people/sam.md": person("Sam Okoro", "Globex"),
            "interviews/2026-03-01-ann.md": talk("ann", "2026-03-01", referrals="[sam]"),
        },
        "Globex\n"
        "  Works there:\n"
        "    Sam Okoro\n"
        "      you → Ann Lee → Sam Okoro\n"
        "  Could introduce you:\n"
        "    Ann Lee (Initech)\n"
        "      interviews/2026-03-01-ann.md:5: referred you to Sam Okoro on 2026-03-01\n"
        "      you → Ann Lee\n",
    ),
    "a referral not yet in people/, a talk about it, notes that mention it": (
        "umbrella health",
        {
            "people/ann.md": person("Ann Lee", "Initech"),
            "people/tom.md": person("Tom Okafor", "Vandelay") + "Met at a meetup.\n"
            "Umbrella  health's data team is a client of his.\n",
            "interviews/2026-03-01-ann.md": talk(
                "ann",
                "2026-03-01",
                referrals='["Ravi at Umbrella Health Ltd"]',
                company="Umbrella Health",
            ),
        },
        "Umbrella Health\n"
        "  Works there: nobody yet\n"
        "  Could introduce you:\n"
        "    Ann Lee (Initech)\n"
        "      interviews/2026-03-01-ann.md:6: your conversation on 2026-03-01 was about "
        "Umbrella Health\n"
        "      interviews/2026-03-01-ann.md:5: referred you to Ravi at Umbrella Health Ltd on "
        "2026-03-01 (not in people/ yet)\n"
        "      you → Ann Lee\n"
        "    Tom Okafor (Vandelay)\n"
        "      people/tom.md:6: their notes mention Umbrella Health\n"
        "      you → Tom Okafor\n",
    ),
}


@pytest.mark.parametrize("company, files, expected", CASES.values(), ids=CASES.keys())
def test_leads_text(company, files, expected):
    assert text_of(files, company) == expected


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("globex", "Globex"),
        ("GLOBEX corp", "Globex"),
        ("Globéx, Inc.", "Globex"),
        ("acme", "Acme Robotics"),  # the first words of one company's name
        ("Hooli", "Hooli"),  # no one there: shown as typed
    ],
)
def test_a_company_named_on_the_command_line_is_matched_folded(typed, meant):
    kb = kb_of(
        {
            "tool.toml": TOML,
            "people/ann.md": person("Ann Lee", "acme robotics"),
            "people/bo.md": person("Bo Chen", "Acme Robotics"),
        }
    )
    assert [c.name for c in leads.build(kb, typed).companies] == [meant]


def test_targets_spelled_twice_are_one_company():
    kb = kb_of(
        {
            "tool.toml": '[targets]\ncompanies = ["Globex", "Initech", "globex corp."]\n',
            "people/ann.md": person("Ann Lee", "Globex"),
        }
    )
    assert [c.name for c in leads.build(kb).companies] == ["Globex", "Initech"]


def test_a_name_that_begins_several_companies_is_refused():
    kb = kb_of(
        {
            "people/ann.md": person("Ann Lee", "Acme Robotics"),
            "people/bo.md": person("Bo Chen", "Acme Bank"),
        }
    )
    with pytest.raises(ToolError, match=r"'acme' could be any of Acme Bank, Acme Robotics"):
        leads.build(kb, "acme")


@pytest.mark.parametrize(
    "name, key",
    [
        ("Globex Corp.", "globex"),
        ("Monsters, Inc.", "monsters"),
        ("Initech GmbH", "initech"),
        ("Ltd", "ltd"),  # a legal form alone is still a name
        ("Zoë & Co", "zoe"),
        ("Globex Health", "globex health"),
    ],
)
def test_company_key(name, key):
    assert company_key(name) == key


def test_without_targets_or_company_the_error_says_what_to_do(tmp_path):
    write(tmp_path / "people/ann.md", person("Ann Lee", "Globex"))
    result = run("leads", "--root", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no target companies: list them in tool.toml under [targets] as "
        'companies = ["Acme Robotics", "Globex"], or name one: tool leads COMPANY\n'
    )


def test_leads_json(tmp_path):
    write(tmp_path / "tool.toml", TOML)
    write(tmp_path / "people/priya.md", person("Priya N", "Initech", role="Lead"))
    write(tmp_path / "people/hana.md", person("Hana K", "Globex", introduced_by="priya"))
    result = run("leads", "--root", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    hana = {
        "id": "hana",
        "name": "Hana K",
        "company": "Globex",
        "role": None,
        "private": False,
        "path": "people/hana.md",
        "network_path": [{"id": "priya", "name": "Priya N"}, {"id": "hana", "name": "Hana K"}],
    }
    priya = {
        "id": "priya",
        "name": "Priya N",
        "company": "Initech",
        "role": "Lead",
        "private": False,
        "path": "people/priya.md",
        "network_path": [{"id": "priya", "name": "Priya N"}],
        "reasons": [
            {
                "kind": "introduced",
                "text": "introduced you to Hana K",
                "path": "people/hana.md",
                "line": 4,
                "person": "hana",
                "name": None,
                "date": None,
            }
        ],
    }
    assert json.loads(result.stdout) == {
        "companies": [
            {"name": "Globex", "target": True, "people": [hana], "introducers": [priya]},
            {"name": "Umbrella Health", "target": True, "people": [], "introducers": []},
        ],
        "nobody_yet": ["Umbrella Health"],
    }


def test_the_example_knowledge_base(tmp_path):
    """The repository's own example: a lead into Umbrella Health, where nobody works yet."""
    result = run("leads", "--root", REPO, "umbrella")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Umbrella Health\n"
        "  Works there: nobody yet\n"
        "  Could introduce you:\n"
        "    Tom Okafor (Analytics Manager at Vandelay Analytics)\n"
        "      people/tom-okafor.md:14: their notes mention Umbrella Health\n"
        "      you → Tom Okafor\n"
        "    Zoë Brandt (Senior UX Researcher at Initech)\n"
        "      interviews/2026-11-20-zoe-brandt.md:9: referred you to Ravi at Umbrella Health "
        "on 2026-11-20 (not in people/ yet)\n"
        "      you → Jordan Reyes → Marcus Oyelaran → Zoë Brandt\n"
    )


def test_digest_shows_who_can_introduce_you_in_the_private_edition_only(make_kb, tmp_path):
    root = make_kb("digest")
    for edition, args, shown in (("shared", [], False), ("private", ["--include-private"], True)):
        out = tmp_path / edition
        result = run("digest", "--root", root, "--output", out, *args)
        assert result.exit_code == 0, result.stderr
        page = parse(out / "companies" / "globex.html")
        sections = [e for e in page.find("section") if e.attrs.get("class") == "leads"]
        assert len(sections) == shown, edition
        text = " ".join(" ".join(page.text).split())
        assert ("Who can introduce you Bo Chen" in text) == shown
        if shown:
            assert "introduced you to Cy Díaz you → Ann Lee → Bo Chen" in text
            hrefs = [e.attrs["href"] for e in page.find("a")]
            assert "../people/bo-chen.html" in hrefs
