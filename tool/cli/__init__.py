"""The `tool` command line: thin Click commands over the core modules."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import click

from tool import __version__
from tool.errors import ToolError
from tool.printable import visible


class InternalError(click.ClickException):
    """An unexpected failure: one short line, and a request for a bug report."""


class ToolGroup(click.Group):
    """Lists commands in the order they are added; turns errors into one clean line.

    Error messages quote file names, values and arguments: their control characters are
    made visible here, as `tool.cli.common.echo` does for everything else printed.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ToolError as exc:
            raise click.ClickException(visible(str(exc))) from None
        except click.ClickException as exc:
            # Changed in place, so that a usage error still shows the usage and exits 2
            # (click 8.5 declares the message Final; older releases do not).
            exc.message = visible(exc.message)  # type: ignore[misc, unused-ignore]
            raise
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            raise click.exceptions.Exit(1) from None
        except OSError as exc:  # the disk said no: permissions, full disk, missing folder
            where = f": {exc.filename}" if exc.filename else ""
            raise click.ClickException(visible(f"{exc.strerror or exc}{where}")) from None
        except Exception as exc:
            if ctx.params.get("debug") or os.environ.get("TOOL_DEBUG", "") not in ("", "0"):
                traceback.print_exc()
            raise InternalError(
                visible(
                    f"internal error ({type(exc).__name__}: {exc}). This is a bug in tool; please "
                    "report it with the command you ran "
                    "(--debug or TOOL_DEBUG=1 shows the traceback)."
                )
            ) from None


@click.group(cls=ToolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tool")
@click.option(
    "--debug",
    is_flag=True,
    envvar="TOOL_DEBUG",
    help="Show the full traceback of an internal error.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Knowledge base folder, for every command (same as a command's own --root).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, root: Path | None) -> None:
    """Keep informational interviews in plain Markdown files, and never drop a ball.

    \b
    Example:
      tool init my-career && cd my-career
      tool new person "Jane Doe" --company "Acme Robotics"
      tool new interview jane-doe --date 2026-03-14
      tool validate
    """
    ctx.obj = {"root": root}


def _register() -> None:
    from tool.cli import (
        brief_commands,
        digest_commands,
        draft_commands,
        due_commands,
        export_commands,
        index_commands,
        init_commands,
        list_commands,
        new_commands,
        questions_commands,
        search_commands,
        validate_commands,
    )

    modules = (
        init_commands,
        new_commands,
        validate_commands,
        questions_commands,
        draft_commands,
        brief_commands,
        index_commands,
        due_commands,
        list_commands,
        search_commands,
        export_commands,
        digest_commands,
    )
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Entry point of the `tool` console script and `python -m tool`."""
    cli(prog_name="tool")
