"""`tool validate`: every problem of the knowledge base as path:line:col."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from tool.cli.common import echo, format_option, load_kb, on_option, print_problems, root_option


def _existing(
    ctx: click.Context, param: click.Parameter, paths: tuple[Path, ...]
) -> tuple[Path, ...]:
    """PATHS must exist; a broken or looping link does, and validate reports what is wrong."""
    for path in paths:
        if not os.path.lexists(path):
            raise click.BadParameter(f"Path {str(path)!r} does not exist.")
    return paths


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), callback=_existing)
@format_option("text", "json", "github")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@on_option
@root_option
def validate_command(
    paths: tuple[Path, ...], fmt: str, strict: bool, on: date | None, root: Path | None
) -> None:
    """Check every file of the knowledge base (or only PATHS).

    One line per problem: path:line:col: error|warning: message [rule].
    Exits 1 when there is an error (or a warning, with --strict).

    \b
    Example:
      tool validate
      tool validate people/jane-doe.md --format github
    """
    from tool.check import check, select, within

    kb = load_kb(root, quiet=True)
    problems = check(kb, on or date.today())
    files = len(kb.files)
    if paths:
        wanted = [_relative(kb.root, p) for p in paths]
        problems = select(problems, wanted)
        files = sum(within(f, wanted) for f in kb.files) or len({p.path for p in problems})
    print_problems(problems, fmt)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt == "text":
        where = f"in {files} file{'s' * (files != 1)}"
        summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        echo(f"{summary} {where}" if problems else f"No problems {where}")
    if errors or (strict and warnings):
        raise click.exceptions.Exit(1)


def _relative(root: Path, path: Path) -> str:
    absolute = Path(os.path.normpath(Path.cwd() / path))  # `..` resolved, links kept
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        try:
            return Path(os.path.realpath(absolute)).relative_to(root).as_posix()
        except ValueError:
            raise click.BadParameter(f"{path} is not inside the knowledge base {root}") from None


COMMANDS = [validate_command]
