"""`tool completion SHELL`: the script that makes a shell complete `tool`'s commands and ids."""

from __future__ import annotations

import click

from tool.cli.common import echo

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    It completes commands, options, person and interview ids, question sets,
    purposes and statuses. Load it from the shell's startup file (bash needs
    version 4.4 or later).

    \b
    Example:
      echo 'eval "$(tool completion bash)"' >> ~/.bashrc
      echo 'eval "$(tool completion zsh)"' >> ~/.zshrc
      tool completion fish > ~/.config/fish/completions/tool.fish
    """
    from click.shell_completion import get_completion_class

    from tool.cli import cli

    complete = get_completion_class(shell)
    assert complete is not None  # every choice is one of click's own shells
    echo(complete(cli, {}, "tool", "_TOOL_COMPLETE").source(), nl=False)


COMMANDS = [completion_command]
