"""Start-up: `tool --help` and `--version` import Click and nothing else of weight.

What a run imports is a deterministic stand-in for how long it takes to start: each test
runs `python -m tool ...` in a fresh interpreter and compares the modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tool.cli import COMMANDS, cli

REPO = Path(__file__).resolve().parents[1]

# Runs `python -m tool ARGS` and prints what it loaded beyond the interpreter's own start-up.
PROBE = """
import json, runpy, sys
before = set(sys.modules)
sys.argv = ["tool", *json.loads(sys.argv[1])]
try:
    runpy.run_module("tool", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
loaded = set(sys.modules) - before
metadata = "importlib.metadata" in loaded
from importlib.metadata import packages_distributions
tops = {m.split(".")[0] for m in loaded}
print(json.dumps({
    "tool": sorted(m for m in loaded if m.split(".")[0] == "tool"),
    "packages": sorted(tops & set(packages_distributions()) - {"tool"}),
    "metadata": metadata,
}))
"""


def loaded_by(*args: str) -> dict[str, object]:
    """What `python -m tool ARGS` imports: tool's modules, other distributions, metadata."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "", "TOOL_CACHE_DIR": "/nonexistent"},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["-h"], []], ids=" ".join)
def test_help_and_version_import_only_click(args):
    assert loaded_by(*args) == {
        "tool": ["tool", "tool.cli", "tool.invocation", "tool.launch"],
        "packages": ["click"],
        "metadata": False,
    }


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))


@pytest.mark.parametrize("path", list(command_paths()), ids=" ".join)
def test_a_commands_help_imports_its_own_module_and_no_digest(path):
    found = loaded_by(*path, "--help")
    # tool.cli.completion may come along: the shell's completions, from file names only;
    # and tool.cli.kept, which wraps a read-only command (it imports nothing at the top).
    cli_modules = [m for m in found["tool"] if m.startswith("tool.cli")]
    assert [m for m in cli_modules if m not in ("tool.cli.completion", "tool.cli.kept")] == sorted(
        ["tool.cli", "tool.cli.common", f"tool.cli.{COMMANDS[path[0]][0]}"]
    )
    assert [m for m in found["tool"] if m.startswith("tool.digest")] == []
    # No YAML, no Jinja2, no transliteration: every --help costs little more than Click.
    assert found["packages"] == ["click"]


def test_the_choices_copied_for_a_light_help_are_the_real_ones():
    from tool import drafts, questions, search
    from tool.cli import digest_commands, draft_commands, questions_commands, search_commands
    from tool.store import outputs

    assert draft_commands.DRAFT_KINDS == drafts.DRAFT_KINDS
    assert questions_commands.DEFAULT_COUNT == questions.DEFAULT_COUNT
    assert search_commands.PLACES == search.PLACES
    assert (digest_commands.SHARED_FOLDER, digest_commands.PRIVATE_FOLDER) == (
        outputs.SHARED_FOLDER,
        outputs.PRIVATE_FOLDER,
    )


def test_the_table_names_every_command_of_every_module():
    found = {}
    for path in sorted((REPO / "tool" / "cli").glob("*_commands.py")):
        module = __import__(f"tool.cli.{path.stem}", fromlist=["COMMANDS"])
        found |= {command.name: path.stem for command in module.COMMANDS}
    assert found == {name: module for name, (module, _) in COMMANDS.items()}
    assert {name: command.name for name, command in cli.commands.items()} == {
        name: name for name in COMMANDS
    }


@pytest.mark.parametrize("width", [40, 60, 70, 80, 88, 120, 200])
def test_the_listing_is_what_click_prints_from_the_commands_themselves(width):
    class Eager(click.Group):
        def list_commands(self, ctx: click.Context) -> list[str]:
            return list(self.commands)

    eager = Eager(
        "tool",
        params=cli.params,
        help=cli.help,
        commands=dict(cli.commands),
        context_settings=cli.context_settings,
    )
    runner = CliRunner()
    lazy = runner.invoke(cli, ["--help"], prog_name="tool", terminal_width=width)
    real = runner.invoke(eager, ["--help"], prog_name="tool", terminal_width=width)
    assert (lazy.exit_code, lazy.stdout) == (0, real.stdout)


def test_a_mistyped_command_is_suggested_without_importing_any():
    found = loaded_by("valdate")
    assert [m for m in found["tool"] if m.startswith("tool.cli")] == ["tool.cli"]
    assert found["packages"] == ["click"]
    result = CliRunner().invoke(cli, ["valdate"], prog_name="tool")
    assert result.exit_code == 2
    assert "'validate'" in result.stderr
