"""`tool search`: words and phrases, case and accents ignored, path:line and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run, write

from tool.cli import cli, search_commands
from tool.search import terms


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SQL  pandas", ["sql", "pandas"]),
        ('"Hiring   Manager" zoë', ["hiring manager", "zoe"]),
        ('"unclosed phrase', ["unclosed phrase"]),
        ('"" sql sql', ["sql"]),
        ("O'Brien e-mail", ["obrien", "email"]),
        ("", []),
        ('"', []),
    ],
)
def test_terms(query: str, expected: list[str]):
    assert terms(query) == expected


def hits(root: Path, *args: str) -> list[str]:
    result = run("search", *args, "--root", root, "--format", "json")
    found = [f"{h['path']}:{h['line']}" for h in json.loads(result.stdout)]
    assert result.exit_code == (0 if found else 1), result.stderr  # 1: no match, as grep
    return found


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("acme",),
            [
                "interviews/2026-09-01-ada-park.md:17",
                "people/ada-park.md:3",
                "people/ben-ode.md:3",
            ],
        ),
        # Accents and case are ignored both ways.
        (
            ("CLEO",),
            [
                "interviews/2026-10-01-cleo-ruiz.md:2",
                "interviews/2026-12-10-cleo-ruiz.md:2",
                "people/cleo-ruiz.md:2",
            ],
        ),
        (("odé",), ["interviews/2026-11-20-ben-ode.md:2", "people/ben-ode.md:2"]),
        # Several words: files holding all of them, every line holding one.
        (("robotics", "mentor"), ["people/ada-park.md:3", "people/ada-park.md:8"]),
        (("robotics mentor",), ["people/ada-park.md:3", "people/ada-park.md:8"]),
        (('"one-page brief"',), ["interviews/2026-09-01-ada-park.md:17"]),
        (('"brief one-page"',), []),
        (("acme", "--in", "people"), ["people/ada-park.md:3", "people/ben-ode.md:3"]),
        (("pricing", "--in", "interviews"), ["interviews/2026-10-01-cleo-ruiz.md:11"]),
        # Front-matter keys are not searched, only their values.
        (("email",), []),
        (("thanked",), []),
        (("example.com", "--in", "people"), ["people/ada-park.md:6", "people/ben-ode.md:6"]),
    ],
)
def test_search(make_kb, args: tuple[str, ...], expected: list[str]):
    assert hits(make_kb("due"), *args) == expected


def test_text_output(make_kb):
    result = run("search", "acme", "--root", make_kb("due"))
    assert result.exit_code == 0
    assert result.stdout == (
        "interviews/2026-09-01-ada-park.md:17: - PMs at Acme write a one-page brief for every "
        "feature. #writing\n"
        "people/ada-park.md:3: company: Acme Robotics\n"
        "people/ben-ode.md:3: company: acme robotics\n"
        "3 lines in 3 files\n"
    )


def test_no_match_exits_1_as_grep_does(make_kb):
    root = make_kb("due")
    result = run("search", "zeppelin", "--root", root)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "No matches.\n")
    result = run("search", "zeppelin", "--root", root, "--format", "json")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "[]\n", "")


def test_the_help_says_when_search_exits_1():
    result = run("search", "--help")
    help_text = " ".join(result.stdout.split())
    assert "Exits with status 1 when nothing matches, as grep does." in help_text


def test_matches_are_highlighted_with_their_original_letters(make_kb):
    root = make_kb("due")
    result = CliRunner().invoke(
        cli, ["search", "ODE", "--in", "people", "--root", str(root)], color=True
    )
    line = result.stdout.splitlines()[0]
    assert line == ("\x1b[35mpeople/ben-ode.md:2: \x1b[0mname: Ben \x1b[31m\x1b[1mOdé\x1b[0m")
    data = json.loads(
        run("search", "ODE", "--in", "people", "--root", root, "--format", "json").stdout
    )
    assert data[0] == {
        "path": "people/ben-ode.md",
        "line": 2,
        "text": "name: Ben Odé",
        "matches": [[10, 13]],
    }


def test_long_lines_are_cut_around_the_match_on_a_terminal(make_kb, monkeypatch):
    root = make_kb("due")
    write(
        root / "people" / "ada-park.md",
        "---\nname: Ada Park\n---\n" + "word " * 40 + "needle " + "tail " * 40 + "\n",
    )
    monkeypatch.setattr(search_commands, "is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "60")
    result = run("search", "needle", "--root", root)
    first = result.stdout.splitlines()[0]
    assert first.startswith("people/ada-park.md:4: …")
    assert first.endswith("…")
    assert "needle" in first
    assert len(first) <= 60


def test_a_missing_query_is_a_usage_error(make_kb):
    result = run("search", "--root", make_kb("due"))
    assert result.exit_code == 2
    assert "Missing argument 'QUERY...'" in result.stderr


@pytest.mark.parametrize("query", [("",), ('"',), ("  ", '""')])
def test_an_empty_query_is_a_usage_error(make_kb, query: tuple[str, ...]):
    result = run("search", *query, "--root", make_kb("due"))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(
        'Error: QUERY is empty: give a word or a "quoted phrase" to look for\n'
    )


BOTH = [(2, "O'Brien"), (4, "O\u2019Brien")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("obrien", BOTH),
        ("O'Brien", BOTH),
        ("o\u2019brien", BOTH),
        ("O-Brien", BOTH),
        ("email", [(4, "e-mail")]),
        ('"brien prefers"', [(4, "Brien prefers")]),
        ('"brienprefers"', []),  # a space still separates words
    ],
)
def test_punctuation_inside_words_is_ignored(make_kb, query: str, expected: list[tuple]):
    root = make_kb("due")
    write(
        root / "people" / "sean.md", "---\nname: Seán O'Brien\n---\nO\u2019Brien prefers e-mail.\n"
    )
    data = json.loads(
        run("search", query, "--in", "people", "--root", root, "--format", "json").stdout
    )
    assert [(h["line"], h["text"][s:e]) for h in data for s, e in h["matches"]] == expected


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_search_reads_each_file_once(make_kb, monkeypatch, cache: str):
    from collections import Counter

    from tool.store import files

    root = make_kb("due")
    if cache == "cold":
        monkeypatch.setenv("TOOL_NO_CACHE", "1")
    else:
        run("validate", "--root", root)  # fills the cache: the load reads nothing again
    reads: Counter[str] = Counter()
    read_regular = files.read_regular

    def counted(path, *args, **kwargs):
        reads[Path(path).relative_to(root).as_posix()] += 1
        return read_regular(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_regular", counted)
    expected = hits(root, "acme")
    assert expected == [
        "interviews/2026-09-01-ada-park.md:17",
        "people/ada-park.md:3",
        "people/ben-ode.md:3",
    ]
    records = sorted(p.relative_to(root).as_posix() for p in root.glob("*/*.md"))
    assert {name: n for name, n in reads.items() if name.endswith(".md")} == dict.fromkeys(
        records, 1
    )
