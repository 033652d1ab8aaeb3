"""`tool fmt`: files normalised without a change of meaning; and every writer writes formatted."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from conftest import FIXTURES, run, write

from tool.parse.fmt import Unformattable, format_text, kind_of
from tool.parse.frontmatter import split

REPO = Path(__file__).parent.parent
IMPORTS = Path(__file__).parent / "imports"

MESSY = [
    pytest.param(
        "person",
        "---\ntags: [a]\nmine: 1\nname: Jane Doe\ncompany: Acme\n---\nNotes.\n",
        "---\nname: Jane Doe\ncompany: Acme\ntags: [a]\nmine: 1\n---\nNotes.\n",
        id="documented-order-own-keys-after",
    ),
    pytest.param(
        "person",
        "---\n# a person\n\n# about the company\ncompany: Acme  # for now\nname: Jane\n"
        "# role: PM\n---\nx\n",
        "---\n# a person\n\nname: Jane\n# about the company\ncompany: Acme  # for now\n"
        "# role: PM\n---\nx\n",
        id="comments-travel-with-their-key-header-and-footer-stay",
    ),
    pytest.param(
        "person",
        "---\nname: no\ncompany: on\nrole: 1:30\nlocation: 0123\nphone: +4930123\nemail: ~\n"
        "linkedin: null\ncareer: 2026-01-02\nintroduced_by: y\nmine: 14:30\nscore: 07\n---\n",
        '---\nname: "no"\ncompany: "on"\nrole: "1:30"\ncareer: "2026-01-02"\nlocation: "0123"\n'
        'email: ~\nphone: "+4930123"\nlinkedin: null\nintroduced_by: "y"\nmine: "14:30"\n'
        "score: 07\n---\n",
        id="quoted-what-other-yaml-readers-misread",
    ),
    pytest.param(
        "interview",
        "---\nperson: jo\ndate: \"2026-03-14\"\ntime: 9:30\nthanked: ' 2026-03-15'\n"
        'follow_up: 2026-3-1\nduration: "025"\nprivate: True\n---\n',
        '---\nperson: jo\ndate: 2026-03-14\ntime: "09:30"\nduration: 25\nthanked: 2026-03-15\n'
        "follow_up: 2026-3-1\nprivate: true\n---\n",
        id="iso-dates-times-numbers-booleans",
    ),
    pytest.param(
        "interview",
        "---\nperson: jo\ndate: 2026-03-14\nreferrals:\n  - Lena, from data\n  - omar\n"
        "tags: robotics\nmine:\n- 1\n- a:b\n---\n",
        '---\nperson: jo\ndate: 2026-03-14\nreferrals: ["Lena, from data", omar]\n'
        'tags: [robotics]\nmine: [1, "a:b"]\n---\n',
        id="one-list-style",
    ),
    pytest.param(
        "interview",
        "---\nperson: jo\nnotes: >\n  folded\n  text\nreferrals:\n  - omar  # met at the fair\n"
        "  - lena\nextra: {a: 1}\ndate: 2026-03-14\n---\n",
        "---\nperson: jo\ndate: 2026-03-14\nreferrals:\n  - omar  # met at the fair\n  - lena\n"
        "notes: >\n  folded\n  text\nextra: {a: 1}\n---\n",
        id="blocks-commented-lists-and-mappings-kept-as-written",
    ),
    pytest.param(
        "person",
        "---\nrole: Senior\n  Manager\nname: # the name\n  Jane\ntags:\n  - ~\n  - b\n---\n",
        "---\nname: # the name\n  Jane\nrole: Senior Manager\ntags: [~, b]\n---\n",
        id="a-value-on-lines-of-its-own-made-one-unless-a-comment-is-between",
    ),
    pytest.param(
        "person",
        "---\ntags:\n  - a\n  # - b\n# the name\nname: J\n  # or Jay\nrole: 'x'\n---\n",
        "---\n# the name\nname: J\n  # or Jay\nrole: 'x'\ntags:\n  - a\n  # - b\n---\n",
        id="an-indented-comment-stays-with-the-list-above-it",
    ),
    pytest.param(
        "person",
        "---\n{company: A, name: J}\n---\n",
        "---\n{company: A, name: J}\n---\n",
        id="a-flow-mapping-kept-as-written",
    ),
    pytest.param(
        "person",
        "---   \nname:    Jane   Doe  \n\n\n\ncompany:   Acme\n...\n\n\nBody  \n\n\n",
        "---\nname: Jane   Doe\n\ncompany: Acme\n---\n\n\nBody  \n",
        id="spacing-fences-one-trailing-newline",
    ),
    pytest.param(
        "person",
        "\ufeff---\r\ncompany: Acme\r\nname: Jane\r\n---\r\nLine one\r\n\r\n",
        "\ufeff---\r\nname: Jane\r\ncompany: Acme\r\n---\r\nLine one\r\n",
        id="crlf-stays-crlf-bom-kept",
    ),
    pytest.param(
        "person",
        "---\nname: Jane\n---\nNo newline at the end",
        "---\nname: Jane\n---\nNo newline at the end\n",
        id="a-missing-final-newline-added",
    ),
]


@pytest.mark.parametrize(("kind", "messy", "formatted"), MESSY)
def test_a_messy_file_is_formatted_to_exact_bytes(kind, messy, formatted):
    assert format_text(messy, kind) == formatted
    assert format_text(formatted, kind) == formatted


def _record_files(root: Path) -> list[Path]:
    return sorted(p for folder in ("people", "interviews") for p in (root / folder).glob("*.md"))


def _all_fixture_files() -> list[Path]:
    roots = [REPO, *sorted(p for p in FIXTURES.iterdir() if p.is_dir())]
    return [p for root in roots for p in _record_files(root)]


@pytest.mark.parametrize("path", _all_fixture_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_idempotent_and_bodies_untouched_on_every_fixture_file(path: Path):
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    kind = kind_of(f"{path.parent.name}/{path.name}")
    assert kind is not None
    try:
        once = format_text(text, kind)
    except Unformattable:
        return  # a fixture of a broken file: reported, never written (see below)
    assert format_text(once, kind) == once
    before, after = split(text.replace("\r\n", "\n")), split(once.replace("\r\n", "\n"))
    assert after.body.rstrip("\n") == before.body.rstrip("\n")


def test_the_example_knowledge_base_is_formatted():
    result = run("fmt", "--check", "--root", REPO)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_a_change_of_meaning_is_refused_and_nothing_written(tmp_path: Path):
    # The front matter is read without its final line end, so a `|` block that ends it
    # reads "PM"; moved above `tags`, it would read "PM\n".
    text = "---\nname: J\ntags: [a]\nrole: |\n  PM\n---\n"
    with pytest.raises(Unformattable) as refused:
        format_text(text, "person")
    message = "formatting would change the value of 'role'; left as it is, fix it by hand"
    assert (refused.value.line, refused.value.message) == (4, message)
    path = write(tmp_path / "people" / "j.md", text)
    result = run("fmt", "--root", tmp_path)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"people/j.md:4: {message}\n"
    assert path.read_text() == text


def test_a_block_moved_to_the_end_keeps_its_final_line_end():
    text = "---\nperson: jo\nnotes: |\n  kept\ndate: 2026-03-14\n---\n"
    formatted = "---\nperson: jo\ndate: 2026-03-14\nnotes: |\n  kept\n\n---\n"
    assert format_text(text, "interview") == formatted
    assert format_text(formatted, "interview") == formatted


@pytest.fixture
def messy_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    write(root / "people" / "jo.md", "---\ncompany: Acme\nname: Jo\n---\nNotes.\n")
    write(root / "people" / "ok.md", "---\nname: Ok\n---\n")
    write(root / "people" / "bad.md", "---\nname: [unclosed\n---\n")
    write(root / "interviews" / "2026-03-14-jo.md", "---\nperson: jo\ndate: 2026-03-14\n---\n")
    return root


def test_check_lists_what_would_change_and_writes_nothing(messy_kb: Path):
    before = {p: p.read_bytes() for p in _record_files(messy_kb)}
    result = run("fmt", "--check", "--root", messy_kb)
    assert result.exit_code == 1
    assert result.stdout == "would format people/jo.md\n"
    assert result.stderr == "people/bad.md:2: YAML syntax: '[' is never closed\n"
    assert {p: p.read_bytes() for p in _record_files(messy_kb)} == before


def test_diff_prints_a_unified_diff(messy_kb: Path):
    result = run("fmt", "--diff", "--root", messy_kb, messy_kb / "people" / "jo.md")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "--- a/people/jo.md\n+++ b/people/jo.md\n@@ -1,5 +1,5 @@\n ---\n"
        "+name: Jo\n company: Acme\n-name: Jo\n ---\n Notes.\n"
    )
    assert (
        messy_kb / "people" / "jo.md"
    ).read_text() == "---\ncompany: Acme\nname: Jo\n---\nNotes.\n"


def test_fmt_writes_only_files_that_change_and_reports_a_bad_one(messy_kb: Path):
    inodes = {p.name: os.stat(p).st_ino for p in _record_files(messy_kb)}
    result = run("fmt", "--root", messy_kb)
    assert result.exit_code == 1
    assert result.stdout == "formatted people/jo.md\n"
    assert result.stderr == "people/bad.md:2: YAML syntax: '[' is never closed\n"
    assert (
        messy_kb / "people" / "jo.md"
    ).read_text() == "---\nname: Jo\ncompany: Acme\n---\nNotes.\n"
    after = {p.name: os.stat(p).st_ino for p in _record_files(messy_kb)}
    assert [n for n in inodes if inodes[n] != after[n]] == ["jo.md"]  # replaced, not rewritten
    jo, ok = messy_kb / "people" / "jo.md", messy_kb / "people" / "ok.md"
    again = run("fmt", jo, ok, "--check", "--root", messy_kb)
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")


def test_a_path_with_no_record_file_is_noted_not_an_error(messy_kb: Path):
    # As with validate: a hook may pass any staged file, and README.md is none of fmt's.
    write(messy_kb / "notes.md", "---\nname: x\n---\n")
    jo = messy_kb / "people" / "jo.md"
    result = run("fmt", messy_kb / "notes.md", jo, "--check", "--root", messy_kb)
    assert (result.exit_code, result.stdout) == (1, "would format people/jo.md\n")
    assert result.stderr == (
        "note: nothing to format in notes.md: fmt reads people/*.md and interviews/*.md\n"
    )
    alone = run("fmt", messy_kb / "notes.md", "--root", messy_kb)
    assert (alone.exit_code, alone.stdout) == (0, "")
    assert (messy_kb / "notes.md").read_text() == "---\nname: x\n---\n"


def test_every_file_new_import_and_the_edits_write_is_formatted(tmp_path: Path):
    root = tmp_path / "kb"
    assert run("init", root).exit_code == 0

    def ok(*args: str | Path) -> None:
        result = run(*args, "--root", root)
        assert result.exit_code == 0, result.stderr

    ok("new", "person", "Jane Doe", "--company", "yes", "--role", "1:30", "--tag", "2024")
    ok("new", "interview", "jane-doe", "--date", "2026-03-14", "--purpose", "career")
    ok("new", "interview", "jane-doe", "--date", "2026-03-20", "--status", "requested")
    # A formatted file without some keys: the writers add them where fmt puts them.
    talk = root / "interviews" / "2026-03-20-jane-doe.md"
    talk.write_text(talk.read_text().replace("referrals: []\n", "").replace("thanked:\n", ""))
    write(root / "people" / "ann-lee.md", "---\nname: Ann Lee\ncompany: Acme Robotics\n---\n")
    assert run("fmt", "--check", "--root", root).exit_code == 0
    ok("new", "person", "Lena Park", "--referred-by", "2026-03-20-jane-doe")
    # Both fixtures hold rows and cards that cannot be imported: exit 1, the rest imported.
    for kind, name in (("linkedin", "Connections.csv"), ("vcf", "contacts.vcf")):
        imported = run("import", kind, IMPORTS / name, "--update", "--root", root)
        assert imported.stdout.splitlines()[-1].startswith("created ")
    ok("done", "2026-03-14-jane-doe")
    ok("thanked", "2026-03-20-jane-doe", "--on", "2026-03-21")
    ok("schedule", "2026-03-20-jane-doe", "--date", "2026-03-22", "--time", "9:30")
    ok("check", "2026-03-14-jane-doe", "Ask for")
    result = run("fmt", "--check", "--root", root)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    moved = (root / "interviews" / "2026-03-22-jane-doe.md").read_text()
    assert 'date: 2026-03-22\ntime: "09:30"\nstatus: scheduled\n' in moved
    assert "purpose:\nthanked: 2026-03-21\nfollow_up:\nreferrals: [lena-park]\ntags: []\n" in moved
    ann = (root / "people" / "ann-lee.md").read_text()
    assert ann.startswith("---\nname: Ann Lee\ncompany: Acme Robotics\nrole: Senior Product")
    assert ann.endswith("\nconnected: 2020-10-10\n---\n")


def test_a_crlf_file_stays_crlf_and_its_diff_is_exact(tmp_path: Path):
    path = write(tmp_path / "people" / "j.md", "---\r\ncompany: A\r\nname: J\r\n---\r\nx\r\n")
    diff = run("fmt", "--diff", "--root", tmp_path)
    assert diff.stdout_bytes == (  # into a pipe: the bytes, for `patch`
        b"--- a/people/j.md\n+++ b/people/j.md\n@@ -1,5 +1,5 @@\n ---\r\n+name: J\r\n"
        b" company: A\r\n-name: J\r\n ---\r\n x\r\n"
    )
    assert run("fmt", "--root", tmp_path).stdout == "formatted people/j.md\n"
    assert path.read_bytes() == b"---\r\nname: J\r\ncompany: A\r\n---\r\nx\r\n"


PIECES = [
    "name: Jane",
    "company: yes",
    "role: 1:30  # c1",
    "# c2",
    "",
    "tags:\n  - a\n  - b",
    "tags: [x, 'y']  # c3",
    "mine: |\n  block\n\n",
    "other:\n  k: v",
    "date: '2026-01-02'",
    "person: jo",
    "time: 9:30",
    "referrals:\n- Lena, x  # c4\n- omar",
    "  # c5",
    "stay_in_touch: '30'",
    "private: False",
    'email: "a@b"',
    "extra: [1, 2,\n  3]",
    "note: >\n  a\n  b",
    "name:\n  Jo",
    '"quoted": 1',
    "location: ~",
    "referrals: Sam, there",
]


def test_shuffled_front_matters_format_idempotently_and_keep_every_comment():
    chance = random.Random(14)  # a fixed sequence: the same 300 files on every run
    formatted = 0
    for _ in range(300):
        kind = chance.choice(["person", "interview"])
        text = "---\n" + "\n".join(chance.sample(PIECES, chance.randint(1, 8))) + "\n---\nbody\n"
        try:
            once = format_text(text, kind)
        except Unformattable:
            continue  # never a crash; only files that cannot be formatted safely
        formatted += 1
        assert format_text(once, kind) == once, text
        for comment in ("c1", "c2", "c3", "c4", "c5"):
            assert once.count(f"# {comment}") == text.count(f"# {comment}"), text
    assert formatted > 250
