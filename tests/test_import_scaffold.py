"""A large import fills a plain templates/person.md without Jinja: the same bytes, checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import run, write

from tool import importing, printable
from tool.formats.contacts import BadValue, Contact, one_line
from tool.importing import Scaffold
from tool.store import files
from tool.templating import engine
from tool.templating.engine import yaml_scalar
from tool.templating.loader import templates_env

TODAY = date(2026, 3, 1)
HARD_VALUES = [
    "Ann Lee",
    'O\'Brien, Jean "JJ"',
    "  leading and trailing  ",
    "key: value # not a comment",
    "- a list item?",
    "yes",
    "null",
    "~",
    "0x1F",
    "2024-03-15",
    "14:30",
    "@handle",
    "100%",
    "Zoë Müller 🚀",
    "李小龙",
    "محمد علي",
    "back\\slash",
    "tab\there",
    "right\u202eto left",  # a bidirectional control: read as a warning, still checked
    "[not, a, list]",
    "{not: a map}",
    "&anchor *alias !tag |block >folded",
    "---",
]
CONTACTS = [
    Contact(1, "Ann Lee"),
    *(
        Contact(
            n,
            name=f"Person {value}" if value.strip() else "Person",
            company=value,
            role=value,
            email=value,
            phone=value,
            linkedin=value,
            connected=date(2024, 3, 15),
        )
        for n, value in enumerate(HARD_VALUES, 2)
    ),
    Contact(99, "Cy Díaz", note="From a vCard's NOTE.\nTwo lines."),
]


def jinja_and_plain(root: Path) -> tuple[Scaffold, Scaffold]:
    rendered, plain = Scaffold(templates_env(root), root), Scaffold(templates_env(root), root)
    assert plain.parts is not None, "the default template is plain"
    rendered.parts = None  # the way every template was filled before: Jinja, every file checked
    return rendered, plain


@pytest.mark.parametrize("contact", CONTACTS, ids=lambda c: c.name)
def test_a_plain_template_gives_the_bytes_jinja_gives(tmp_path, contact):
    rendered, plain = jinja_and_plain(tmp_path)
    first = Contact(0, "First Person", company="Acme")
    assert plain.text(first, "first", TODAY, {}) == rendered.text(first, "first", TODAY, {})
    assert plain.checked  # the first file was read back in full; the others need not be
    expected = rendered.text(contact, "x", TODAY, {"name": "Me"})
    assert plain.text(contact, "x", TODAY, {"name": "Me"}) == expected


@pytest.mark.parametrize(
    "template, plain",
    [
        ("---\nname: {{ name | yaml }}\n---\n", True),
        ("---\nname: {{ name | yaml }}\ncareer: {{ career | yaml }}\n---\nNotes.\n", True),
        ("---\nname: {{ name | yaml }}\ntags: {{ tags | yaml }}\nx: 1\n---\n", True),
        # Anything else is rendered by Jinja and each file checked, as before.
        ("---\nname: {{ name | upper | yaml }}\n---\n", False),
        ("---\nname: {{ name }}\n---\n", False),
        ("---\nname: {{ company | yaml }}\n---\n", False),  # a value in another's field
        ("---\nname: {{ name | yaml }}\nstay_in_touch: {{ role | yaml }}\n---\n", False),
        ("---\nname: {{ name | yaml }}\nconnected: {{ connected | yaml }}\n---\n", True),
        ("---\nname: {{ name | yaml }}\nrole: {{ connected | yaml }}\n---\n", False),
        ("---\nname: {{ name | yaml }}\ncompany: Acme\n---\n", False),  # a field set here
        ("---\nname: {{ name | yaml }}\n---\nAbout {{ name | yaml }}.\n", False),
        ("---\nname: {{ name | yaml }}  # who\n---\n", False),
        (
            "---\n{% if role %}role: {{ role | yaml }}\n{% endif %}name: {{ name | yaml }}\n---\n",
            False,
        ),
        ("name: {{ name | yaml }}\n", False),  # no front matter
        ("---\nname: {{ name | yaml }\n---\n", False),  # a syntax error: Jinja reports it
    ],
)
def test_which_templates_are_plain(tmp_path, template, plain):
    write(tmp_path / "templates" / "person.md", template)
    assert (Scaffold(templates_env(tmp_path), tmp_path).parts is not None) == plain


def test_a_large_import_renders_and_reads_back_one_file_of_a_plain_template(tmp_path, monkeypatch):
    """Before, every file was rendered by Jinja and parsed back: 1.5 ms a file."""
    calls = {"render": 0, "read back": 0}
    render, read_back = importing.render, importing.person_from

    def counted(name, func):
        def call(*args, **kwargs):
            calls[name] += 1
            return func(*args, **kwargs)

        return call

    monkeypatch.setattr(importing, "render", counted("render", render))
    monkeypatch.setattr(importing, "person_from", counted("read back", read_back))
    rows = "".join(f"Ann{n},Lee,,,Acme,PM,15 Mar 2024\n" for n in range(50))
    csv = write(tmp_path / "c.csv", "First Name,Last Name,URL,Email Address,Company,Position,"
                "Connected On\n" + rows)  # fmt: skip
    write(tmp_path / "kb" / "tool.toml", "")
    result = run("import", "linkedin", "--root", tmp_path / "kb", csv)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("created 50, updated 0, skipped 0, failed 0\n")
    assert calls == {"render": 0, "read back": 1}
    assert (tmp_path / "kb/people/ann49-lee.md").read_text(encoding="utf-8") == (
        "---\nname: Ann49 Lee\ncompany: Acme\nrole: PM\ncareer:\nlocation:\nemail:\nphone:\n"
        "linkedin:\nintroduced_by:\nrelationship:\ntags: []\nconnected: 2024-03-15\n---\n"
        "How we met, what they work on, what to ask next time.\n"
    )


def test_a_template_that_gives_invalid_files_fails_every_row(tmp_path):
    write(tmp_path / "kb" / "templates" / "person.md", "---\nname: {{ name | yaml }}\n")
    write(tmp_path / "kb" / "tool.toml", "")
    csv = write(
        tmp_path / "c.csv",
        "First Name,Last Name,Company\nAnn,Lee,Acme\nBo,Chen,Acme\n",
    )
    result = run("import", "linkedin", "--root", tmp_path / "kb", csv)
    assert result.exit_code == 1
    assert result.stdout == "created 0, updated 0, skipped 0, failed 2\n"
    invalid = "templates/person.md gives an invalid file for it (line 1: front matter is not closed"
    assert [
        line.partition(": ")[2].partition(": add")[0] for line in result.stderr.splitlines()
    ] == [
        f"Ann Lee: {invalid}",
        f"Bo Chen: {invalid}",
    ]
    assert not list((tmp_path / "kb" / "people").glob("*.md"))


def test_a_new_file_is_renamed_into_place_without_a_hard_link(tmp_path, monkeypatch):
    """Before, each file was a link and an unlink: five times the cost of one rename."""
    if files._renameat2() is None:
        pytest.skip("no renameat2 here: files are linked into place, as before")

    def no_link(*args):
        raise AssertionError("os.link called")

    monkeypatch.setattr("os.link", no_link)
    files.create_exclusive(tmp_path / "ann.md", "Ann\n", durable=False)
    assert [p.name for p in tmp_path.iterdir()] == ["ann.md"]
    assert (tmp_path / "ann.md").read_text(encoding="utf-8") == "Ann\n"


@pytest.mark.parametrize("renames", [True, False], ids=["renameat2", "link"])
def test_a_new_file_never_replaces_one_there(tmp_path, monkeypatch, renames):
    if not renames:
        monkeypatch.setattr(files, "_rename_noreplace", lambda source, target: False)
    write(tmp_path / "ann.md", "Mine\n")
    (tmp_path / "bo.md").symlink_to(tmp_path / "nowhere.md")
    for name in ("ann.md", "bo.md"):
        with pytest.raises(FileExistsError):
            files.create_exclusive(tmp_path / name, "Theirs\n", durable=False)
    assert (tmp_path / "ann.md").read_text(encoding="utf-8") == "Mine\n"
    assert (tmp_path / "bo.md").is_symlink() and not (tmp_path / "nowhere.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ann.md", "bo.md"]  # no temp file


def test_creation_works_without_renameat2_or_hard_links(tmp_path, monkeypatch):
    import errno

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files, "_rename_noreplace", lambda source, target: False)
    monkeypatch.setattr("os.link", no_links)
    files.create_exclusive(tmp_path / "ann.md", "Ann\n", durable=False)
    with pytest.raises(FileExistsError):
        files.create_exclusive(tmp_path / "ann.md", "Theirs\n", durable=False)
    assert [p.name for p in tmp_path.iterdir()] == ["ann.md"]
    assert (tmp_path / "ann.md").read_text(encoding="utf-8") == "Ann\n"


def test_every_control_character_is_unprintable():
    """Imports skip the search for control characters in a text that str.isprintable passes."""
    assert [hex(c) for c in sorted(printable._SHOWN) if chr(c).isprintable()] == []
    assert one_line("Zoë \u202eA", "name") == "Zoë \u202eA"  # a bidi control: allowed, shown
    with pytest.raises(BadValue, match=r"U\+001B"):
        one_line("Ann\x1b[31m", "name")


def test_the_yaml_filter_escapes_the_same_with_or_without_its_shortcut():
    """Quoted text with nothing to escape skips the loop over its characters."""
    for code in [*range(0x10000), 0x1F680, 0xE0001, 0x10FFFF]:
        text = f"a: {chr(code)}"
        slow = "".join(
            engine._YAML_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if engine._needs_escape(c) else c)
            for c in text
        )
        assert yaml_scalar(text) == f'"{slow}"', hex(code)
