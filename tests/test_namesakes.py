"""No silent namesakes: a name already in people/ is refused unless --namesake says otherwise."""

from __future__ import annotations

import pytest
from conftest import run, write

NAME = "Zoë Müller-Łukasz"


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "kb"
    assert run("init", root).exit_code == 0
    first = run("new", "person", NAME, "--root", root)
    assert (first.exit_code, first.stdout) == (0, f"{root}/people/zoe-muller-lukasz.md\n")
    return root


@pytest.mark.parametrize("again", [NAME, "zoe muller lukasz", "ZOË MÜLLER-ŁUKASZ"])
def test_a_name_already_in_people_is_refused_with_its_file(root, again):
    result = run("new", "person", again, "--root", root)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {again!r} is already in people/zoe-muller-lukasz.md; nothing was created "
        "(to add a different person of the same name, give --namesake)\n"
    )
    assert sorted(p.name for p in (root / "people").iterdir()) == ["zoe-muller-lukasz.md"]


def test_namesake_adds_a_second_person_of_the_same_name(root):
    result = run("new", "person", NAME, "--namesake", "--company", "Globex", "--root", root)
    assert (result.exit_code, result.stdout) == (0, f"{root}/people/zoe-muller-lukasz-2.md\n")
    again = run("new", "person", NAME, "--root", root)
    assert "is already in people/zoe-muller-lukasz-2.md, people/zoe-muller-lukasz.md;" in (
        again.stderr
    )


def test_a_file_that_cannot_be_read_still_holds_its_id(root):
    write(root / "people/zoe-muller-lukasz.md", "---\ncompany: Acme\n---\n")  # no name
    result = run("new", "person", NAME, "--root", root)
    assert result.exit_code == 1
    assert "is already in people/zoe-muller-lukasz.md;" in result.stderr


@pytest.mark.parametrize("name", ["!!!", "/", " - ", "…"])
def test_a_name_of_punctuation_only_is_refused(root, name):
    result = run("new", "person", name, "--root", root)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the name {name!r} has no letters or digits: give the person's name\n"
    )
    assert sorted(p.name for p in (root / "people").iterdir()) == ["zoe-muller-lukasz.md"]
