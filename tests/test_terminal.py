"""What reaches a terminal: no control sequence from a note, clear encoding errors, ids
that every system can check out."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run, write

from tool.cli import COMMANDS, cli
from tool.ids import is_reserved, portability_problem, slugify, unique_id
from tool.printable import visible

REPO = Path(__file__).resolve().parent.parent
# Everything a terminal may act on: C0 but tab and newline, DEL, C1, bidi overrides.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EVE = "Eve␛]52;c;SGVsbG8=␇"  # name: "Eve\e]52;c;SGVsbG8=\a", as shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]52;c;SGVsbG8=\x07", "␛]52;c;SGVsbG8=␇"),
        ("\x1b[2J", "␛[2J"),
        ("a\rb", "a␍b"),
        ("\x00\x0b\x0c\x7f", "␀␋␌␡"),
        ("CSI\x9b31m", "CSI\ufffd31m"),
        ("\x80\x9f", "\ufffd\ufffd"),
        ("Data \u202eecneics", "Data \ufffdecneics"),
        ("\u2066x\u2069", "\ufffdx\ufffd"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("Zoë 李 محمد \u200f", "Zoë 李 محمد \u200f"),
    ],
)
def test_visible_shows_each_control_as_one_character(text, shown):
    assert visible(text) == shown


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["brief", "eve", "--on", "2026-02-01"], EVE),
        (["list", "people"], EVE),
        (["list", "interviews"], EVE),
        (["due", "--on", "2026-02-01"], "Bob␛]0;title␇"),
        (["questions", "eve"], "your work as CSI\ufffd31m lead at ␛[2J involve"),
        (["draft", "thank-you", "eve"], f"Hi {EVE},"),
        (["index"], "## Data \ufffdecneics"),
        (["validate"], None),
        (["validate", "--format", "github"], None),
        (["export", "ics"], "SUMMARY:Thank Eve␛]52\\;c\\;SGVsbG8=␇ for the conversation"),
    ],
)
def test_no_control_character_from_a_note_reaches_the_terminal(make_kb, monkeypatch, args, shown):
    root = make_kb("controls")
    # Every command module, imported now and patched where it looks the name up: a module
    # first imported under the patch would keep the fake for the tests that follow.
    modules = [importlib.import_module(f"tool.cli.{name}") for name, _ in COMMANDS.values()]
    for module in [*modules, importlib.import_module("tool.cli.common")]:
        if hasattr(module, "is_terminal"):
            monkeypatch.setattr(module, "is_terminal", lambda: True)
    # color=True: the output is treated like a terminal's, nothing is stripped on the way.
    result = CliRunner().invoke(cli, [*args, "--root", str(root)], color=True)
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # the tool's colours
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert CONTROL.findall(output) == []
    assert shown is None or shown in output


def test_brief_shows_the_controls_in_place(make_kb):
    root = make_kb("controls")
    result = run("brief", "eve", "--on", "2026-02-01", "--root", root)
    assert result.stdout.splitlines()[:2] == [
        f"{EVE} — CSI\ufffd31m lead at ␛[2J",
        "Data \ufffdecneics · people/eve.md",
    ]


def test_tool_colours_are_kept_and_data_escapes_are_not(make_kb):
    root = make_kb("controls")
    due = CliRunner().invoke(cli, ["due", "--on", "2026-02-01", "--root", str(root)], color=True)
    assert (
        "  \x1b[31mthank-you \x1b[0m  Thank Eve␛]52;c;SGVsbG8=␇ for the conversation on "
        "Mon 2026-01-05 (due Tue 2026-01-06, 26 days ago)"
    ) in due.stdout.splitlines()
    search = CliRunner().invoke(cli, ["search", "Eve", "--root", str(root)], color=True)
    assert (
        '\x1b[35mpeople/eve.md:2: \x1b[0mname: "\x1b[31m\x1b[1mEve\x1b[0m\\e]52;c;SGVsbG8=\\a"'
        in search.stdout.splitlines()
    )


def test_search_highlights_matches_in_a_line_with_controls(make_kb):
    root = make_kb("controls")
    write(
        root / "people" / "eve.md", "---\nname: Eve\n---\nRaw C1 \u009b2J here, and \u202egood.\n"
    )
    result = CliRunner().invoke(cli, ["search", "good", "--root", str(root)], color=True)
    assert result.stdout.splitlines()[0] == (
        "\x1b[35mpeople/eve.md:4: \x1b[0mRaw C1 \ufffd2J here, and \ufffd\x1b[31m\x1b[1mgood"
        "\x1b[0m."
    )


def test_json_escapes_every_control_and_keeps_the_data(make_kb):
    root = make_kb("controls")
    result = run("list", "people", "--format", "json", "--root", root)
    assert CONTROL.findall(result.stdout) == []
    assert '"role": "CSI\\u009b31m lead"' in result.stdout
    assert '"career": "Data \\u202eecneics"' in result.stdout
    row = json.loads(result.stdout)[0]
    assert (row["name"], row["company"]) == ("Eve\x1b]52;c;SGVsbG8=\x07", "\x1b[2J")


def test_csv_keeps_the_data_in_a_pipe_and_shows_controls_on_a_terminal(make_kb, monkeypatch):
    root = make_kb("controls")
    piped = run("list", "people", "--format", "csv", "--root", root)
    assert piped.stdout.splitlines()[1].startswith("eve,Eve\x1b]52;c;SGVsbG8=\x07,\x1b[2J,")
    monkeypatch.setattr("tool.cli.common.is_terminal", lambda: True)
    shown = run("list", "people", "--format", "csv", "--root", root)
    assert shown.stdout.splitlines()[1].startswith(f"eve,{EVE},␛[2J,CSI\ufffd31m lead,")


def test_files_written_keep_the_data(make_kb):
    root = make_kb("controls")
    result = run("draft", "thank-you", "eve", "--output", "thanks.txt", "--root", root)
    assert result.exit_code == 0
    assert "Hi Eve\x1b]52;c;SGVsbG8=\x07," in Path("thanks.txt").read_text(encoding="utf-8")


def test_error_messages_show_controls_in_values_and_arguments(make_kb):
    root = make_kb("controls")
    extra = run("list", "people", "x\x1b]0;owned\x07", "--root", root)
    assert extra.exit_code == 2
    assert "x␛]0;owned␇" in extra.stderr and CONTROL.findall(extra.stderr) == []
    no_introducer = run("draft", "intro-request", "eve", "--root", root)
    assert no_introducer.exit_code == 1
    assert no_introducer.stderr.endswith(
        f"Error: who could introduce you to {EVE}? Pass --via PERSON "
        "(or set introduced_by in people/eve.md)\n"
    )
    assert CONTROL.findall(no_introducer.stderr) == []


def test_a_terminal_that_cannot_encode_a_name_is_a_clear_error(tmp_path):
    root = tmp_path / "kb"
    write(root / "people" / "zhang-wei.md", "---\nname: 张伟\n---\n")
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "PYTHONPATH": str(REPO), "COLUMNS": "80"}
    proc = subprocess.run(
        [sys.executable, "-m", "tool", "list", "people", "--root", str(root)],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert proc.stderr.decode("latin-1") == (
        "Error: standard output uses the latin-1 encoding, which has no U+5F20 "
        "(CJK UNIFIED IDEOGRAPH-5F20); set PYTHONIOENCODING=utf-8 or use a UTF-8 locale\n"
    )


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("Con", [], "con-2"),
        ("CON", ["con-2"], "con-3"),
        ("Aux", [], "aux-2"),
        ("nul", [], "nul-2"),
        ("Prn", [], "prn-2"),
        ("COM1", [], "com1-2"),
        ("lpt9", [], "lpt9-2"),
        ("Com¹", [], "com1-2"),
        ("con.txt", [], "con-txt"),
        ("Con Kelly", [], "con-kelly"),
        ("Connie", [], "connie"),
        ("lpt10", [], "lpt10"),
        ("Jane Doe", ["jane-doe"], "jane-doe-2"),
    ],
)
def test_new_ids_avoid_names_windows_reserves(name, taken, expected):
    assert unique_id(slugify(name), taken) == expected


@pytest.mark.parametrize(
    ("file_name", "reserved"),
    [
        ("con.md", True),
        ("CON.md", True),
        ("nul.tar.gz", True),
        ("aux", True),
        ("com0.md", True),
        ("COM9.md", True),
        ("com¹.md", True),
        ("lpt³.md", True),
        ("con-2.md", False),
        ("icon.md", False),
        ("console.md", False),
        ("lpt10.md", False),
        ("com.md", False),
    ],
)
def test_reserved_names_with_any_extension(file_name, reserved):
    assert is_reserved(file_name) is reserved


@pytest.mark.parametrize(
    ("file_name", "problem"),
    [
        ("jane-doe.md", None),
        ("李小龙.md", None),
        (
            "con.md",
            "Windows reserves the name 'con', so this file cannot be checked out there; "
            "rename it (e.g. con-2.md) and the references to it",
        ),
        ("a:b.md", "the file name contains ':', which Windows does not allow; rename it"),
        ('say"hi".md', "the file name contains '\"', which Windows does not allow; rename it"),
        ("what?.md", "the file name contains '?', which Windows does not allow; rename it"),
        ("x\x1b.md", "the file name contains '\\x1b', which Windows does not allow; rename it"),
        ("notes.", "the file name ends with a dot or a space, which Windows drops; rename it"),
    ],
)
def test_portability_problem(file_name, problem):
    assert portability_problem(file_name) == problem


def test_new_person_named_con_gets_a_name_windows_allows(kb_root):
    result = run("new", "person", "Con", "--root", kb_root)
    assert result.stdout == f"{kb_root / 'people' / 'con-2.md'}\n"
    assert run("validate", "--root", kb_root).stdout == "No problems in 7 files\n"


def test_every_control_character_is_shown_whatever_surrounds_it():
    from tool import printable

    clean = "notes " * 200
    for code, shown in printable._SHOWN.items():
        text = clean + chr(code) + clean
        assert printable.visible(text) == clean + chr(shown) + clean, hex(code)
        if code >= 0x7F:
            assert printable.json_escaped(text) == f"{clean}\\u{code:04x}{clean}", hex(code)
    assert printable.visible(clean) is clean and printable.json_escaped(clean) is clean
