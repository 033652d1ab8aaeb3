"""Every command over the hostile KB: no crash, no traceback, bad files named, good ones kept."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import hostile_kb
import pytest
from robustness import KILLED, REPO, env, unsafe_markup

# name -> arguments after `tool --root KB`; `{out}` is a fresh output path outside the KB.
COMMANDS: dict[str, tuple[str, ...]] = {
    "validate": ("validate",),
    "list people": ("list", "people"),
    "list interviews": ("list", "interviews", "--format", "json"),
    "search": ("search", "Globex"),
    "due": ("due", "--on", "2026-05-01"),
    "index": ("index", "--by", "topic", "--output", "{out}"),
    "brief": ("brief", "ann-lee", "--on", "2026-05-01"),
    "questions": ("questions", "ann-lee", "--purpose", "career"),
    "draft thank-you": ("draft", "thank-you", "ann-lee", "--on", "2026-05-01"),
    "draft outreach": ("draft", "outreach", "bo-chen"),
    "draft follow-up": ("draft", "follow-up", "ann-lee", "--on", "2026-05-01"),
    "draft intro-request": ("draft", "intro-request", "bo-chen", "--via", "ann-lee"),
    "digest": ("digest", "--output", "{out}"),
    "digest private": ("digest", "--include-private", "--output", "{out}"),
    "export csv": ("export", "csv", "--what", "people", "--output", "{out}"),
    "export json": ("export", "json", "--output", "{out}"),
    "export vcf": ("export", "vcf", "--output", "{out}"),
    "export ics": ("export", "ics", "--output", "{out}"),
    "stats": ("stats", "--on", "2026-05-01"),
    "leads": ("leads",),
    "fmt --check": ("fmt", "--check"),
    "schema": ("schema", "interview"),
    "history": ("history", "ann-lee"),
}
# Commands that print every good person by name.
SHOWS_PEOPLE = {"list people", "leads"}
# Commands that render a hostile template, by the template's path.
TEMPLATES = {
    "draft thank-you": "templates/messages/thank-you.md",
    "draft outreach": "templates/messages/outreach.md",
    "draft follow-up": "templates/messages/follow-up.md",
    "draft intro-request": "templates/messages/intro-request.md",
    "questions": "templates/questions/career.md",
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile KB, built once for the module (nothing may change it)."""
    return hostile_kb.build(tmp_path_factory.mktemp("hostile") / "kb")


def tree(top: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under top without following links or opening pipes: kind, bytes, times."""
    found: dict[str, tuple[object, ...]] = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            rel = path.relative_to(top).as_posix()
            if stat.S_ISLNK(info.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                found[rel] = ("file", path.read_bytes(), info.st_mtime_ns)
            else:
                found[rel] = (stat.S_IFMT(info.st_mode), info.st_mtime_ns)
    return found


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_survives_the_hostile_kb(kb: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    args = tuple(a.replace("{out}", str(out)) for a in COMMANDS[name])
    before = tree(kb.parent)
    process = subprocess.run(
        [sys.executable, "-m", "tool", "--root", str(kb), *args],
        env=env(tmp_path / "cache"),
        cwd=kb,
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    stdout, stderr = process.stdout.decode(), process.stderr.decode()
    assert process.returncode in (0, 1), (process.returncode, stderr[-2000:])
    assert process.returncode != KILLED
    assert "Traceback" not in stderr + stdout
    assert tree(kb.parent) == before, "the command wrote inside the KB or beside it"
    if "{out}" in COMMANDS[name]:
        assert process.returncode == 0, stderr[-2000:]
        assert out.exists()
    if name in SHOWS_PEOPLE:
        for person in hostile_kb.GOOD_PEOPLE.values():
            assert person in stdout
    if name.startswith("digest"):  # hostile Markdown and front matter render inert
        pages = sorted(out.rglob("*.html"))
        assert any(p.name == "ann-lee.html" for p in pages)
        assert [p for p in pages if unsafe_markup(p.read_text(encoding="utf-8"))] == []
    if name == "search":
        assert "people/cy-diaz.md:3: company: Globex" in stdout
        assert "people/j\u00fcrgen-\u674e.md:3: company: Globex" in stdout
    if name in TEMPLATES:  # a runaway template stops with its path, and nothing half-printed
        assert process.returncode == 1
        assert f"{TEMPLATES[name]}:" in stderr
        assert stdout == ""


def test_validate_names_every_bad_file(kb: Path, tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "tool", "--root", str(kb), "validate"],
        env=env(tmp_path / "cache"),
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    lines = process.stdout.decode().splitlines()
    assert process.returncode == 1
    reported = {line.split(":")[0] for line in lines if ": error: " in line}
    unreadable = {f"people/{n}" for n in ("escape.md", "loop-a.md", "loop-b.md", "fifo.md")}
    unreadable |= {"interviews/dangling.md", "people/huge.md", "people/case.md"}
    names = {"people/with space.md", "people/-rf.md", "people/--help.md"}  # not valid ids
    templates = {rel for rel in hostile_kb.ODD if rel.startswith("templates/")}
    assert reported == set(hostile_kb.BAD) | unreadable | templates | names
    assert not any(str(REPO) in line or str(kb) in line for line in lines)  # relative paths


def test_good_people_still_listed(kb: Path, tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "tool", "--root", str(kb), "list", "people", "--format", "json"],
        env=env(tmp_path / "cache"),
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert process.returncode == 0
    names = process.stdout.decode()
    odd_good = ["Bom Person", "Crlf Person", "J\u00fcrgen \u674e", "With Space", "Leading Dash"]
    for name in [*hostile_kb.GOOD_PEOPLE.values(), *odd_good, "Case Upper", "Con Reserved"]:
        assert f'"{name}"' in names
    assert "Outside Secret" not in names  # the link out of the KB is not followed
