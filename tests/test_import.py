"""`tool import linkedin|vcf`: the exact files made, the exact summary, and no byte of a file
already there changed unless --update fills one of its empty fields."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path, PurePosixPath

import pytest
import vobject
from conftest import run, write

from tool.formats import linkedin, vcard
from tool.formats.contacts import Contact, NotReadable, Rejected
from tool.importing import CannotFill, fill_fields, linkedin_key, plan
from tool.model import Person
from tool.store.loading import load

# Files as LinkedIn and address books write them (not a knowledge base, so not in fixtures/).
IMPORTS = Path(__file__).parent / "imports"
CSV = IMPORTS / "Connections.csv"
VCF = IMPORTS / "contacts.vcf"
# A person already there with an empty `role:` (and a comment), written with CRLF line ends.
DEE = (
    b'---\r\nname: Dee Park\r\ncompany: Hooli\r\nrole:   # fill me\r\nlinkedin: ""\r\n'
    b"---\r\nMet at a fair.\r\n"
)


def person_file(name: str, rest: str, body: str = "") -> str:
    """A file as the default templates/person.md writes it, `rest` being the filled lines."""
    keys = "company role career location email phone linkedin introduced_by relationship"
    fields = dict.fromkeys(keys.split(), "")
    extra = []
    for line in rest.splitlines():
        key, _, value = line.partition(": ")
        if key in fields:
            fields[key] = value
        else:
            extra.append(line)
    lines = [f"name: {name}"] + [f"{k}: {v}".rstrip() for k, v in fields.items()]
    lines += ["tags: []", *extra]
    note = "How we met, what they work on, what to ask next time.\n"
    return "---\n" + "\n".join(lines) + "\n---\n" + note + (f"\n{body}\n" if body else "")


@pytest.fixture
def kb(make_kb) -> Path:
    root = make_kb("basic")
    write(root / "people" / "dee-park.md", DEE)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "people").iterdir())}


LINKEDIN_OUT = [
    f"{CSV}:5: created people/zoe-muller-lukasz.md",
    f"{CSV}:6: created people/jean-jj-obrien.md",
    f"{CSV}:7: created people/小龙-李.md",
    f"{CSV}:8: skipped Ann Lee: already in people/ann-lee.md (same LinkedIn URL)",
    f"{CSV}:9: skipped Bo Chen: already in people/bo-chen.md (same name and company)",
    f"{CSV}:10: skipped Cy Díaz: already in people/cy-diaz.md (same email)",
    f"{CSV}:11: skipped Dee Park: already in people/dee-park.md (same name and company)",
    f"{CSV}:12: created people/hana-kobayashi.md",
    f"{CSV}:14: skipped Zoe Muller-Lukasz: the same person as line 5 (same LinkedIn URL)",
    f"{CSV}:16: created people/sam-lee.md",
    "created 5, updated 0, skipped 5, failed 2",
]
LINKEDIN_ERR = [
    f"{CSV}:13: the row has no name (First Name and Last Name are empty)",
    f"{CSV}:15: Connected On is not a date like 15 Mar 2024: '31 Feb 2024'",
]


def test_linkedin_export_becomes_exact_files_and_touches_no_one_there(kb: Path):
    before = snapshot(kb)
    result = run("import", "linkedin", CSV, "--root", kb)
    assert result.exit_code == 1  # two rows could not be read; the rest is imported
    assert result.stdout.splitlines() == LINKEDIN_OUT
    assert result.stderr.splitlines() == LINKEDIN_ERR
    after = snapshot(kb)
    assert {k: after[k] for k in before} == before
    created = {k: v.decode("utf-8") for k, v in after.items() if k not in before}
    assert created == {
        "zoe-muller-lukasz.md": person_file(
            "Zoë Müller-Łukasz",
            'company: Acme Robotics\nrole: "Director, Product"\n'
            'linkedin: "https://www.linkedin.com/in/zoe-muller-lukasz"\nconnected: 2024-03-15',
        ),
        "jean-jj-obrien.md": person_file(
            '"Jean \\"JJ\\" O\'Brien 🚀"',
            'company: Globex\nrole: "Engineer, Platform & Tools"\n'
            'linkedin: "https://www.linkedin.com/in/jjobrien"\nconnected: 2023-01-02',
        ),
        "小龙-李.md": person_file(
            "小龙 李",
            'company: Hooli\nrole: Staff Engineer\nemail: "li.xiaolong@example.com"\n'
            'linkedin: "https://www.linkedin.com/in/li-xiaolong"\nconnected: 2022-02-01',
        ),
        "hana-kobayashi.md": person_file("Hana Kobayashi", 'company: "Globex, Inc."'),
        "sam-lee.md": person_file(
            "Sam Lee", 'linkedin: "https://www.linkedin.com/in/sam-lee"\nconnected: 2021-05-05'
        ),
    }
    assert run("validate", "--root", kb).exit_code == 0


def test_running_the_same_import_again_creates_nothing(kb: Path):
    run("import", "linkedin", CSV, "--root", kb)
    before = snapshot(kb)
    result = run("import", "linkedin", CSV, "--root", kb)
    assert snapshot(kb) == before
    assert result.stdout.splitlines()[-1] == "created 0, updated 0, skipped 10, failed 2"
    assert f"{CSV}:7: skipped 小龙 李: already in people/小龙-李.md (same LinkedIn URL)" in (
        result.stdout.splitlines()
    )


def test_update_fills_only_the_empty_fields_lines(kb: Path):
    before = snapshot(kb)
    result = run("import", "linkedin", CSV, "--root", kb, "--update")
    assert result.stdout.splitlines()[3:7] == [
        f"{CSV}:8: updated people/ann-lee.md (connected)",
        f"{CSV}:9: updated people/bo-chen.md (email, connected)",
        f"{CSV}:10: updated people/cy-diaz.md (role, connected)",
        f"{CSV}:11: updated people/dee-park.md (role, linkedin, connected)",
    ]
    assert result.stdout.splitlines()[-1] == "created 5, updated 4, skipped 1, failed 2"
    after = snapshot(kb)

    def added(name: str, lines: str) -> bytes:
        """The file as it was, with `lines` just above its closing `---`."""
        head, _, body = before[name].partition(b"\n---\n")
        return head + b"\n" + lines.encode() + b"\n---\n" + body

    assert after["ann-lee.md"] == added("ann-lee.md", "connected: 2020-10-10")
    # A missing key goes where `tool fmt` puts it: `connected` last, the others in between.
    assert after["bo-chen.md"] == added("bo-chen.md", "connected: 2021-04-03").replace(
        b"\nintroduced_by:", b'\nemail: "Bo.Chen@Example.com"\nintroduced_by:'
    )
    assert after["cy-diaz.md"] == added("cy-diaz.md", "connected: 2019-08-28").replace(
        b"\ncareer:", b"\nrole: Product Lead\ncareer:"
    )
    # The empty key is filled where it is, its comment kept; CRLF stays CRLF.
    assert after["dee-park.md"] == (
        b"---\r\nname: Dee Park\r\ncompany: Hooli\r\nrole: Recruiter # fill me\r\n"
        b'linkedin: "https://www.linkedin.com/in/dee-park"\r\nconnected: 2019-09-09\r\n'
        b"---\r\nMet at a fair.\r\n"
    )
    # Again: everything is there now, so nothing changes.
    again = run("import", "linkedin", CSV, "--root", kb, "--update")
    assert again.stdout.splitlines()[-1] == "created 0, updated 0, skipped 10, failed 2"
    assert snapshot(kb) == after
    assert run("validate", "--root", kb).exit_code == 0


def test_dry_run_shows_the_plan_and_writes_nothing(kb: Path):
    before = snapshot(kb)
    result = run("import", "linkedin", CSV, "--root", kb, "--update", "--dry-run")
    assert snapshot(kb) == before
    lines = result.stdout.splitlines()
    assert lines[0] == f"{CSV}:5: would create people/zoe-muller-lukasz.md"
    assert lines[4] == f"{CSV}:9: would update people/bo-chen.md (email, connected)"
    assert lines[-1] == (
        "dry run, nothing written: would have created 5, updated 4, skipped 1, failed 2"
    )


def test_the_summary_as_json(kb: Path):
    result = run("import", "linkedin", CSV, "--root", kb, "--format", "json")
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("created", "updated", "skipped", "failed", "dry_run")} == {
        "created": 5,
        "updated": 0,
        "skipped": 5,
        "failed": 2,
        "dry_run": False,
    }
    assert data["steps"][8] == {
        "action": "fail",
        "line": 13,
        "name": "",
        "path": None,
        "fields": [],
        "reason": "the row has no name (First Name and Last Name are empty)",
    }
    assert result.stderr == ""


VCARD_CREATED = {
    "zoe-muller-lukasz.md": person_file(
        "Zoë Müller-Łukasz",
        'company: Acme Robotics\nrole: "Director, Product"\nemail: "zoe.ml@example.com"\n'
        'phone: "+49 170 1234567"\nlinkedin: "https://www.linkedin.com/in/zoe-muller-lukasz"',
        "Met at the robotics meetup in Berlin; introduced by Ann. Ask about the hardware "
        "roadmap.\nPrefers email.",
    ),
    "ivan-petrov.md": person_file(
        "Иван Петров",
        'company: Globex\nrole: Head of Data\nemail: "ivan.petrov@example.com"\n'
        'phone: "+7-495-123-4567"',
        "https://ivan.example.org",
    ),
    "julia-kowalska-initech-krakow.md": person_file(
        '"Júlia Kowalská (Initech, Kraków)"', 'phone: "+48 12 345 67 89"'
    ),
}


def test_vcards_become_exact_files(make_kb):
    root = make_kb("basic")
    before = snapshot(root)
    result = run("import", "vcf", VCF, "--root", root)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{VCF}:1: created people/zoe-muller-lukasz.md",
        f"{VCF}:17: created people/ivan-petrov.md",
        f"{VCF}:28: created people/julia-kowalska-initech-krakow.md",
        f"{VCF}:35: skipped 山田 花子: already in people/ann-lee.md (same email)",
        "created 3, updated 0, skipped 1, failed 2",
    ]
    assert result.stderr.splitlines() == [
        f"{VCF}:41: the card has no name (FN or N)",
        f"{VCF}:46: the card has no END:VCARD line",
    ]
    after = snapshot(root)
    assert {k: after[k] for k in before} == before
    assert {k: v.decode() for k, v in after.items() if k not in before} == VCARD_CREATED
    again = run("import", "vcf", VCF, "--root", root)
    assert again.stdout.splitlines()[-1] == "created 0, updated 0, skipped 4, failed 2"
    assert snapshot(root) == after


def test_a_vcard_matches_what_a_linkedin_import_made(kb: Path):
    run("import", "linkedin", CSV, "--root", kb)
    result = run("import", "vcf", VCF, "--root", kb, "--update")
    assert result.stdout.splitlines()[0] == (
        f"{VCF}:1: updated people/zoe-muller-lukasz.md (email, phone)"
    )


def test_a_file_that_is_not_the_format_is_an_error(kb: Path, tmp_path: Path):
    other = write(tmp_path / "other.csv", "Name,Email\nAnn,ann@example.com\n")
    result = run("import", "linkedin", other, "--root", kb)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {other}: no header row with First Name and Last Name columns; "
        "is this LinkedIn's Connections.csv?\n"
    )
    result = run("import", "vcf", other, "--root", kb)
    assert result.stderr == (f"Error: {other}: no BEGIN:VCARD line; is this a vCard (.vcf) file?\n")
    latin = write(tmp_path / "latin.csv", "First Name,Last Name\nJos\xe9,Lee\n".encode("latin-1"))
    result = run("import", "linkedin", latin, "--root", kb)
    assert result.stderr == f"Error: {latin}:2: the file is not UTF-8 text; save it as UTF-8\n"


def test_an_unreadable_person_file_is_not_duplicated(kb: Path, tmp_path: Path):
    write(kb / "people" / "sam-lee.md", "---\nname: [Sam\n---\n")
    result = run("import", "linkedin", CSV, "--root", kb)
    assert f"{CSV}:16: Sam Lee: people/sam-lee.md may be Sam Lee but cannot be read; " in (
        result.stderr
    )
    assert sorted(p.name for p in (kb / "people").glob("sam-lee*")) == ["sam-lee.md"]


# The readers and the matching, as pure functions.


def test_linkedin_rows_with_their_lines():
    text = (
        '\ufeffNotes:\n"A note, with commas"\n\nFirst Name,Last Name,URL,Email Address,'
        'Company,Position,Connected On\r\nAnn,Lee,,,,,1 Mar 2024\r\n"Bo,Chen,,,,,\r\n'
        "Cy,Diaz,,,,,x\nDee,Park,,,,,15-Mar-24,extra\n\n"
    )
    contacts, rejected = linkedin.read(text)
    assert contacts == [Contact(5, "Ann Lee", connected=date(2024, 3, 1))]
    assert rejected == [
        Rejected(6, "a quoted field runs from here to line 9; is a quote missing?"),
        Rejected(7, "Connected On is not a date like 15 Mar 2024: 'x'"),
        Rejected(8, "8 fields where the header has 7; is a comma not quoted?"),
    ]
    with pytest.raises(NotReadable):
        linkedin.read("Notes:\nnothing here\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Mar 2024", date(2024, 3, 15)),
        ("1 September 2023", date(2023, 9, 1)),
        ("07-Jan-21", date(2021, 1, 7)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_connected_on_dates(text: str, expected: date):
    assert linkedin.parse_connected(text) == expected


def test_vcard_escapes_folding_and_quoted_printable():
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Ren=C3=A9e =\r\n"
        "Smith, Jr.\r\nNOTE:one\\, two\r\n  three\r\nEND:VCARD\r\n"
    )
    assert vcard.read(text) == ([Contact(1, "Renée Smith, Jr.", note="one, two three")], [])


def test_linkedin_urls_compare_as_one_profile():
    assert linkedin_key("http://linkedin.com/in/Ann-Lee/") == linkedin_key(
        "https://www.linkedin.com/in/ann-lee?trk=x"
    )
    assert linkedin_key("de.linkedin.com/in/ann-lee") == "linkedin.com/in/ann-lee"
    assert linkedin_key("https://www.linkedin.com/in/ann") != linkedin_key(
        "https://www.linkedin.com/in/ann-lee"
    )


def test_namesakes_at_other_companies_are_other_people():
    ann = Person("ann-lee", PurePosixPath("people/ann-lee.md"), "Ann Lee", company="Acme")
    steps = plan(
        [ann],
        [
            Contact(2, "ANN LEE", company="Globex"),
            Contact(3, "Ann Lée", company="acme"),
            Contact(4, "Ann Lee"),
        ],
    )
    assert [(s.action, s.reason) for s in steps] == [
        ("create", ""),
        ("skip", "already in people/ann-lee.md (same name and company)"),
        ("skip", "the same person as line 3 (people/ann-lee.md)"),
    ]


def test_fill_fields_refuses_what_it_cannot_fill_in_place():
    text = "---\nname: Ann\nrole: >\n  folded\ncompany: [a]\n---\n"
    with pytest.raises(CannotFill):
        fill_fields(text, {"company": "Acme"})
    bom = "\ufeff---\nname: Ann\n---\nbody\n"
    assert fill_fields(bom, {"role": "PM"}) == "\ufeff---\nname: Ann\nrole: PM\n---\nbody\n"


def test_the_vcard_library_reads_the_fixture():
    # The fixture is a file address books write: the library itself reads its 3.0 and 4.0 cards.
    cards = VCF.read_text(encoding="utf-8").split("BEGIN:VCARD")[1:3]
    names = [vobject.readOne("BEGIN:VCARD" + card).fn.value for card in cards]
    assert names == ["Zoë Müller-Łukasz", "Иван Петров"]


def test_a_linkedin_home_page_names_no_one():
    home = "https://www.linkedin.com/"
    steps = plan([], [Contact(2, "Ann Lee", linkedin=home), Contact(3, "Bo Chen", linkedin=home)])
    assert [s.action for s in steps] == ["create", "create"]


EXAMPLE = Path(__file__).resolve().parents[1]  # the repository is an example knowledge base


def test_export_vcf_round_trips_through_import_and_the_library(tmp_path: Path):
    out = tmp_path / "people.vcf"
    assert run("export", "vcf", "--root", EXAMPLE, "--output", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    people = sorted(kb_people(EXAMPLE), key=lambda p: p.id)
    assert [c.fn.value for c in vobject.readComponents(text)] == [p.name for p in people]
    empty = tmp_path / "kb"
    (empty / "people").mkdir(parents=True)
    result = run("import", "vcf", out, "--root", empty)
    assert result.exit_code == 0
    fields = ("name", "company", "role", "email", "phone")
    assert table(kb_people(empty), fields) == table(kb_people(EXAMPLE), fields)
    # Unchanged people, unchanged bytes: writing again reports it and keeps the file.
    again = run("export", "vcf", "--root", EXAMPLE, "--output", out)
    assert again.stdout == f"Unchanged: {out}\n"


def kb_people(root: Path) -> list[Person]:
    return list(load(root).people.values())


def table(people: list[Person], fields: tuple[str, ...]) -> list[tuple[object, ...]]:
    return sorted(tuple(getattr(p, f) for f in fields) for p in people)


def test_export_vcf_escapes_and_folds(tmp_path: Path):
    root = tmp_path / "kb"
    role = "Director of Product Management for Autonomous Warehouse Systems, EMEA"
    write(
        root / "people" / "zoe.md",
        f'---\nname: Zoë Müller-Łukasz\ncompany: "Acme; Robotics, Inc."\nrole: {role}\n---\n',
    )
    out = tmp_path / "zoe.vcf"
    run("export", "vcf", "--root", root, "--output", out)
    assert (
        out.read_bytes()
        == (
            "BEGIN:VCARD\r\nVERSION:4.0\r\nPRODID:-//tool//informational interviews//EN\r\n"
            "FN:Zoë Müller-Łukasz\r\nORG:Acme\\; Robotics\\, Inc.\r\n"
            "TITLE:Director of Product Management for Autonomous Warehouse Systems\\, EME\r\n"
            " A\r\nEND:VCARD\r\n"
        ).encode()
    )
    other = tmp_path / "other"
    (other / "people").mkdir(parents=True)
    run("import", "vcf", out, "--root", other)
    (person,) = kb_people(other)
    assert (person.name, person.company, person.role) == (
        "Zoë Müller-Łukasz",
        "Acme; Robotics, Inc.",
        role,
    )
    write(tmp_path / "mine.vcf", "my own notes\n")
    refused = run("export", "vcf", "--root", root, "--output", tmp_path / "mine.vcf")
    assert refused.exit_code == 1
    assert (tmp_path / "mine.vcf").read_text() == "my own notes\n"
