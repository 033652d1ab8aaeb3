"""The editor's view of the KB: after any edit, exactly the problems validate finds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import write

from tool.check import check
from tool.lsp.state import Knowledge
from tool.store.loading import load

TODAY = date(2026, 3, 1)
FILES = {
    "tool.toml": '[me]\nname = "Ana"\n',
    "people/jane-doe.md": "---\nname: Jane Doe\ncompany: Globex\n---\n",
    "people/kim-lee.md": "---\nname: Kim Lee\nintroduced_by: jane-doe\n---\n",
    "interviews/2026-01-10-jane-doe.md": (
        "---\nperson: jane-doe\ndate: 2026-01-10\nstatus: done\n"
        "referrals: [Lena Ortiz, kim-lee]\n---\n## Insights\n- Slow hiring #hiring\n"
    ),
    "interviews/2026-01-11-kim-lee.md": (
        "---\nperson: kim-lee\ndate: 2026-01-11\nstatus: done\n---\n"
        "## Insights\n- Fast hiring #hiring\n- Same again #Hirings\n"
    ),
}
# Each step: the file, and its new text as typed (None: the buffer is closed).
STEPS: list[tuple[str, str | None]] = [
    # A referral's name becomes a person: the interview naming her gets `referral-name`.
    ("people/lena-ortiz.md", "---\nname: Lena Ortiz\n---\n"),
    ("people/lena-ortiz.md", "---\nname: Lena Ortiz-Diaz\n---\n"),  # and no longer
    ("people/lena-ortiz.md", "---\nname: Lena Ortiz\ncompany: Initech\n---\n"),
    # Renamed to a name someone has: both files get `namesake`, and lose it again.
    ("people/lena-ortiz.md", "---\nname: Jane Doe\n---\n"),
    ("people/lena-ortiz.md", "---\nname: Lena Ortiz\ncompany: Initech\n---\n"),
    # The introducer's file breaks: references to her become `unusable` ones, elsewhere.
    ("people/jane-doe.md", "---\nname: [Jane\n---\n"),
    ("people/jane-doe.md", "---\nname: Jane\nname: Doe\n---\n"),  # broken another way
    ("people/jane-doe.md", "---\nname: Jane Doe\nrelationship: alumnus\n---\n"),
    # A topic spelled another way changes the counts behind `topic-spelling` in other files.
    (
        "interviews/2026-01-11-kim-lee.md",
        "---\nperson: kim-lee\ndate: 2026-01-11\nstatus: done\nuid: 2026-01-10-jane-doe\n---\n"
        "## Insights\n- Fast hiring #Hirings\n- Same again #Hirings\n",
    ),
    (  # the insights and their lines as they were: the topic problems are kept
        "interviews/2026-01-11-kim-lee.md",
        "---\nperson: kim-lee\ndate: 2026-01-11\nstatus: declined\nuid: 2026-01-10-jane-doe\n"
        "---\n## Insights\n- Fast hiring #Hirings\n- Same again #Hirings\n",
    ),
    (
        "interviews/2026-01-12-nobody.md",
        "---\nperson: nobody\ndate: 2026-12-12\nstatus: done\n---\n",
    ),
    ("people/Jane-Doe.md", "---\nname: Jane Doe\n---\n"),  # differs only by case
    ("people/Jane-Doe.md", None),
    ("people/lena-ortiz.md", None),
    ("people/jane-doe.md", None),
]


def problems_on_disk(root: Path) -> list[str]:
    return [p.format() for p in check(load(root), TODAY)]


@pytest.fixture
def knowledge(tmp_path: Path) -> Knowledge:
    for rel, text in FILES.items():
        write(tmp_path / "kb" / rel, text)
    return Knowledge(tmp_path / "kb", TODAY)


def test_every_edit_leaves_the_problems_validate_would_find(knowledge, tmp_path):
    mirror = tmp_path / "mirror"  # the same files, saved: what validate would read
    for rel, text in FILES.items():
        write(mirror / rel, text)
    assert [p.format() for p in knowledge.every_problem()] == problems_on_disk(mirror)
    seen = set()
    for rel, text in STEPS:
        if text is None:
            knowledge.close(rel)
            if rel in FILES:
                write(mirror / rel, FILES[rel])
            else:
                (mirror / rel).unlink()
        else:
            knowledge.edit(rel, text)
            write(mirror / rel, text)
        expected = problems_on_disk(mirror)
        assert [p.format() for p in knowledge.every_problem()] == expected, rel
        assert [p.format() for p in check(knowledge.current, TODAY)] == expected
        seen |= {line.rsplit("[", 1)[1].rstrip("]") for line in expected}
    # The steps do reach the rules across files they are there to exercise.
    across = {"referral-name", "reference", "topic-spelling", "duplicate-id", "duplicate-uid"}
    across |= {"namesake"}
    assert across <= seen


def test_files_changed_on_disk_are_read_again_but_open_buffers_win(knowledge):
    rel = "people/jane-doe.md"
    write(knowledge.root / rel, "---\nname: Jane Doe\nrelationship: alumnus\n---\n")
    knowledge.changed_on_disk([rel])
    assert [p.rule for p in knowledge.problems(rel)] == ["value"]
    knowledge.edit(rel, "---\nname: Jane Doe\n---\n")
    write(knowledge.root / rel, "---\nname: [Jane\n---\n")
    knowledge.changed_on_disk([rel])
    assert knowledge.problems(rel) == []  # the buffer as typed, not the file
    knowledge.close(rel)
    assert [p.rule for p in knowledge.problems(rel)] == ["yaml-syntax"]


def test_a_path_outside_the_kb_has_no_relative_path(knowledge, tmp_path):
    assert knowledge.relative(tmp_path / "elsewhere.md") is None
    assert knowledge.relative(knowledge.root / "people" / "x.md") == "people/x.md"
