"""The `tool` command line: thin Click commands over the core modules."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, MutableMapping
from pathlib import Path

import click

from tool import __version__

# Each command's module and the first paragraph of its help, in the order `tool --help`
# lists them. A command's module (and all it needs) is imported only when the command runs
# or shows its own help, so that `tool --help` and `--version` cost no more than Click.
# tests/test_startup.py keeps this table in step with the commands themselves.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init_commands", "Start a knowledge base in DIRECTORY (default: here)."),
    "new": ("new_commands", "Create a person or interview file from templates/."),
    "validate": ("validate_commands", "Check every file of the knowledge base (or only PATHS)."),
    "questions": (
        "questions_commands",
        "Print questions for PERSON from a question set, personalised.",
    ),
    "draft": (
        "draft_commands",
        "Print a message draft for TARGET (a person or an interview id).",
    ),
    "brief": ("brief_commands", "Print one screen about PERSON before you meet them."),
    "index": (
        "index_commands",
        "Print every insight grouped by career, company, topic or person.",
    ),
    "due": ("due_commands", "List what needs doing, most urgent first."),
    "list": ("list_commands", "List people or interviews, filtered and sorted."),
    "search": ("search_commands", "Find QUERY in names, front-matter values and notes."),
    "export": ("export_commands", "Write the knowledge base in formats other programs read."),
    "import": (
        "import_commands",
        "Add people from LinkedIn's export or a vCard file, without duplicates.",
    ),
    "leads": (
        "leads_commands",
        "Show who works at each target company and who could introduce you.",
    ),
    "digest": (
        "digest_commands",
        "Build a static HTML site of the knowledge base, to read or share.",
    ),
    "edit": ("edit_commands", "Open a person's or an interview's file in $VISUAL or $EDITOR."),
    "done": (
        "edit_commands",
        "Mark INTERVIEW as held: `status: done`, changing nothing else in the file.",
    ),
    "thanked": (
        "edit_commands",
        "Record that the thank-you for INTERVIEW went out: `thanked: DATE`.",
    ),
    "schedule": ("edit_commands", "Set INTERVIEW's date (and time), and its status to scheduled."),
    "check": (
        "edit_commands",
        "Tick the open task item of INTERVIEW whose text is (or contains) ITEM.",
    ),
    "history": (
        "history_commands",
        "Print the git history of a person and their interviews, or of one interview.",
    ),
    "log": (
        "history_commands",
        "Print what changed in the knowledge base, week by week, newest first.",
    ),
    "completion": (
        "completion_commands",
        "Print the shell completion script for bash, zsh or fish.",
    ),
    "lsp": (
        "lsp_commands",
        "Serve the knowledge base to an editor: diagnostics, completion, hover and more.",
    ),
    "fmt": (
        "fmt_commands",
        "Normalise people/ and interviews/ files (or only PATHS) without changing their meaning.",
    ),
    "schema": ("schema_commands", "Print the JSON Schema of person or interview front matter."),
    "stats": (
        "stats_commands",
        "Show how the search is going: pace, funnel, reply rates, thank-yous, coverage.",
    ),
}


class LazyCommands(MutableMapping[str, click.Command]):
    """The commands by name, each imported from its module the first time it is looked up."""

    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self._modules = {name: module for name, (module, _) in table.items()}
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module = importlib.import_module(f"{__name__}.{self._modules[name]}")
            self._loaded[name] = {c.name: c for c in module.COMMANDS}[name]
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._modules.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._modules, *self._loaded]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._modules, *self._loaded]))

    def __contains__(self, name: object) -> bool:
        return name in self._modules or name in self._loaded


class InternalError(click.ClickException):
    """An unexpected failure: one short line, and a request for a bug report."""


class ToolGroup(click.Group):
    """Lists commands in the table's order; turns errors into one clean line.

    Error messages quote file names, values and arguments: their control characters are
    made visible here, as `tool.cli.common.echo` does for everything else printed.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands as click.Group does, from the table's summaries: none is imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        # click's spacing, and its shortening of each help to a summary that fits the width.
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (
                name,
                click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)
                if name in COMMANDS
                else self.commands[name].get_short_help_str(limit),
            )
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        # Imported here, not at the top: --help and --version never reach this method.
        from tool.errors import ToolError
        from tool.printable import visible

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
                import traceback  # only here: every run would pay for it

                traceback.print_exc()
            raise InternalError(
                visible(
                    f"internal error ({type(exc).__name__}: {exc}). This is a bug in tool; please "
                    "report it with the command you ran "
                    "(--debug or TOOL_DEBUG=1 shows the traceback)."
                )
            ) from None


@click.group(
    cls=ToolGroup,
    commands=LazyCommands(COMMANDS),
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the output: auto colours a terminal only, and not when NO_COLOR is set "
    "or TERM=dumb. Example: tool --color never due",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, root: Path | None, color: str) -> None:
    """Keep informational interviews in plain Markdown files, and never drop a ball.

    \b
    Example:
      tool init my-career && cd my-career
      tool new person "Jane Doe" --company "Acme Robotics"
      tool new interview jane-doe --date 2026-03-14
      tool validate
    """
    ctx.obj = {"root": root, "color": color}


def main() -> None:
    """Entry point of the `tool` console script and `python -m tool`."""
    cli(prog_name="tool")
