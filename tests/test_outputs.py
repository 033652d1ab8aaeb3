"""The one list of places a generated file may never be written to, and every writer using it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run, write

from tool.store.outputs import KB_ITSELF, protected_place


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    for name in ("people/ann.md", "interviews/x.md", "templates/person.md", "tool.toml"):
        write(root / name, "")
    (root / ".git").mkdir()
    return root


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("people", "people/"),
        ("people/ann.md", "people/"),
        ("people/new/deeper.md", "people/"),
        ("interviews/site", "interviews/"),
        ("templates/messages/x.md", "templates/"),
        ("tool.toml", "tool.toml"),
        (".git", ".git/"),
        (".git/hooks/pre-commit", ".git/"),
        (".", KB_ITSELF),
        ("..", KB_ITSELF),
        ("people/..", KB_ITSELF),
        ("site", None),
        ("site-private", None),
        ("INDEX.md", None),
        ("notes/people/x.md", None),
        ("people-old/x.md", None),
        ("tool.toml.bak", None),
        ("../elsewhere.ics", None),
    ],
)
def test_protected_places(kb, target, expected):
    assert protected_place(kb, kb / target) == expected


def test_a_relative_target_is_taken_from_the_working_folder(kb, monkeypatch):
    monkeypatch.chdir(kb / "people")
    assert protected_place(kb, Path("x.md")) == "people/"
    assert protected_place(kb, Path("../site")) is None


def test_links_are_followed_both_ways(kb, tmp_path):
    (tmp_path / "shortcut").symlink_to(kb / "interviews")
    assert protected_place(kb, tmp_path / "shortcut/x.md") == "interviews/"
    # people/ kept elsewhere through a link: that folder is people/.
    (kb / "people/ann.md").unlink()
    (kb / "people").rmdir()
    (tmp_path / "stored-people").mkdir()
    (kb / "people").symlink_to(tmp_path / "stored-people")
    assert protected_place(kb, tmp_path / "stored-people/x.md") == "people/"
    assert protected_place(kb, kb / "people/x.md") == "people/"


def test_a_looping_link_in_the_kb_is_not_followed(kb):
    (kb / "templates/person.md").unlink()
    (kb / "templates").rmdir()
    (kb / "templates").symlink_to(kb / "templates")
    assert protected_place(kb, kb / "site") is None


# Each writer of generated files, its --output, and the refusal it prints for a place.
WRITERS = {
    "index": (
        ("index", "--output"),
        "Error: {out}: refusing to write the index into {bare}: "
        "choose a file outside people/, interviews/ and templates/\n",
    ),
    "export ics": (
        ("export", "ics", "--output"),
        "Error: {out}: refusing to write a calendar into {bare}: "
        "choose a file outside people/, interviews/ and templates/\n",
    ),
    "draft": (
        ("draft", "outreach", "bo", "--on", "2026-03-20", "--output"),
        "Error: refusing to write a draft into {place}: {out}\n",
    ),
    "digest": (
        ("digest", "--output"),
        "Error: refusing to write the digest inside {place}: {out}\n",
    ),
}
PLACES = [
    ("people/x.md", "people/"),
    ("interviews/x.md", "interviews/"),
    ("templates/x.md", "templates/"),
    ("tool.toml", "tool.toml"),
    (".git/x.md", ".git/"),
]


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(("out", "place"), PLACES)
def test_every_writer_refuses_every_protected_place(make_kb, monkeypatch, writer, out, place):
    root = make_kb("prepare")
    (root / ".git").mkdir()
    (root / "templates").mkdir()
    if (writer, out) == ("digest", "tool.toml"):
        (root / out).unlink()  # else it is a file, which the digest refuses for that alone
    monkeypatch.chdir(root)
    before = sorted((p, p.read_bytes() if p.is_file() else None) for p in root.rglob("*"))
    args, message = WRITERS[writer]
    result = run(*args, out)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == message.format(out=out, place=place, bare=place.rstrip("/"))
    assert sorted((p, p.read_bytes() if p.is_file() else None) for p in root.rglob("*")) == before
