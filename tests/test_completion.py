"""Shell completion: the ids, question sets, purposes and statuses a partial command line gets."""

from __future__ import annotations

import pytest
from click.shell_completion import ShellComplete, get_completion_class
from click.testing import CliRunner
from conftest import run, write

from tool.cli import cli
from tool.model import STATUSES

PEOPLE = ["ann-lee", "bo-chen", "cy-diaz"]
TALKS = ["2026-03-10-ann-lee", "2026-03-20-bo-chen", "2026-04-02-cy-diaz"]


def offered(args: list[str], incomplete: str) -> list[str]:
    complete = ShellComplete(cli, {}, "tool", "_TOOL_COMPLETE")
    return [c.value for c in complete.get_completions(args, incomplete)]


@pytest.fixture
def root(kb_root, monkeypatch):
    write(kb_root / "templates/questions/career.md", "1. What do you do?\n")
    write(kb_root / "templates/questions/company.md", "1. Why here?\n")
    write(kb_root / "people/.draft.md", "---\nname: Hidden\n---\n")  # an editor's swap file
    monkeypatch.chdir(kb_root / "people")  # found from the working folder, as commands do
    return kb_root


@pytest.mark.parametrize(
    ("args", "incomplete", "expected"),
    [
        (["brief"], "", PEOPLE),
        (["brief"], "b", ["bo-chen"]),
        (["questions"], "c", ["cy-diaz"]),
        (["questions", "ann-lee", "--template"], "c", ["career", "company"]),
        (["questions", "ann-lee", "--purpose"], "c", ["career", "company", "certification"]),
        (["new", "interview"], "a", ["ann-lee"]),
        (["new", "interview", "ann-lee", "--purpose"], "i", ["industry"]),
        (["new", "interview", "ann-lee", "--status"], "", list(STATUSES)),
        (["new", "person", "Di Eng", "--introduced-by"], "", PEOPLE),
        (["new", "person", "Di Eng", "--referred-by"], "2026-03", TALKS[:2]),
        (["list", "interviews", "--status"], "d", ["done", "declined"]),
        (["index", "--person"], "a", ["ann-lee"]),
        (["draft", "thank-you"], "", PEOPLE + TALKS),
        (["draft", "intro-request", "ann-lee", "--via"], "c", ["cy-diaz"]),
        (["history"], "2026-04", ["2026-04-02-cy-diaz"]),
        (["edit"], "2026-04", ["2026-04-02", "2026-04-02-cy-diaz"]),
        (["done"], "", TALKS),
        (["schedule"], "2026-03-2", ["2026-03-20-bo-chen"]),
        (["completion"], "", ["bash", "zsh", "fish"]),
    ],
)
def test_a_partial_command_line_is_offered(root, args, incomplete, expected):
    assert offered(args, incomplete) == expected


def test_the_root_given_on_the_command_line_is_used(root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no knowledge base here
    assert offered(["brief"], "") == []
    assert offered(["--root", str(root), "brief"], "") == PEOPLE
    assert offered(["brief", "--root", str(root)], "a") == ["ann-lee"]


def test_ids_come_from_file_names_without_reading_a_record(root, monkeypatch):
    from tool.store import loading

    def refuse(*args, **kwargs):
        raise AssertionError("completion read the knowledge base")

    monkeypatch.setattr(loading, "load", refuse)
    write(root / "people/ann-lee.md", "---\nname: [unclosed\n---\n")
    assert offered(["brief"], "") == PEOPLE


def test_the_shell_asks_through_the_environment(root):
    result = CliRunner().invoke(
        cli,
        [],
        env={"_TOOL_COMPLETE": "bash_complete", "COMP_WORDS": "tool brief b", "COMP_CWORD": "2"},
        prog_name="tool",
    )
    assert (result.exit_code, result.output) == (0, "plain,bo-chen\n")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script_for_the_shell(shell):
    result = run("completion", shell)
    assert result.exit_code == 0
    script = get_completion_class(shell)(cli, {}, "tool", "_TOOL_COMPLETE").source()
    assert result.stdout == script
    assert "_TOOL_COMPLETE" in script


def test_an_unknown_shell_is_a_usage_error():
    result = run("completion", "tcsh")
    assert result.exit_code == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.stderr
