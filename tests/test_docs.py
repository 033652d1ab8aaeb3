"""The command reference in docs/commands.md is generated from the code and kept in step."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tool.cli import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "commands.md"


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


def reference() -> str:
    """The whole reference: every command's --help, at a fixed width."""
    parts = [
        "# Command reference\n",
        "Generated from `tool --help` and each command's `--help`; "
        "`pytest tests/test_docs.py --update-golden` regenerates it.\n",
    ]
    runner = CliRunner(env={"COLUMNS": "88"})
    for path in [(), *(p for p, _ in commands())]:
        title = " ".join(("tool", *path))
        result = runner.invoke(cli, [*path, "--help"], prog_name="tool", terminal_width=88)
        assert result.exit_code == 0, title
        parts.append(f"## `{title}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


def test_reference_is_up_to_date(request):
    text = reference()
    if request.config.getoption("--update-golden"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/commands.md is out of date: run pytest tests/test_docs.py --update-golden"
    )


@pytest.mark.parametrize("path", [p for p, _ in commands()], ids=" ".join)
def test_every_command_is_documented_with_help(path):
    command = dict(commands())[path]
    assert (command.help or "").strip(), path
    assert f"## `tool {' '.join(path)}`" in DOC.read_text(encoding="utf-8")
