"""One rule for which private names a shared digest hides, and its leak scan looks for."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from conftest import run, write

from tool.digest.build import Gatherer, Options
from tool.digest.privacy import secret_name, secrets
from tool.model import Person
from tool.store.loading import load


@pytest.mark.parametrize(
    ("name", "private", "expected"),
    [
        ("Dee Secretson", True, "Dee Secretson"),
        ("Anna", True, "Anna"),
        ("Bob", True, None),  # too likely a word of its own ("bob")
        ("Al", True, None),
        ("Dee Secretson", False, None),
    ],
)
def test_secret_name(name, private, expected):
    person = Person(id="x", path=PurePosixPath("people/x.md"), name=name, private=private)
    assert secret_name(person) == expected


@pytest.mark.parametrize("name", ["Anna", "Bob", "Dee Secretson"])
def test_the_names_hidden_are_the_names_scanned_for(make_kb, name):
    root = make_kb("digest")
    write(root / "people/zed.md", f"---\nname: {name}\nprivate: true\n---\n")
    kb = load(root)
    hidden = Gatherer(kb, Options(False)).policy.private_names
    scanned = tuple(sorted(s.value for s in secrets(kb, {}) if s.kind == "name"))
    assert hidden == scanned


@pytest.mark.parametrize(("name", "shown"), [("Anna", "a private contact"), ("Bob", "Bob")])
def test_a_public_note_naming_a_private_person(make_kb, name, shown):
    root = make_kb("digest")
    write(root / "people/zed.md", f"---\nname: {name}\nprivate: true\n---\n")
    with (root / "people/bo-chen.md").open("a", encoding="utf-8") as note:
        note.write(f"\nLunch with {name} on Friday.\n")
    result = run("digest", "--root", root)
    assert result.exit_code == 0, result.stderr
    page = (root / "site/people/bo-chen.html").read_text(encoding="utf-8")
    assert f"Lunch with {shown} on Friday." in page
