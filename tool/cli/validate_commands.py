"""`tool validate`: every problem of the knowledge base as path:line:col."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from tool.cli.common import echo, find_root, format_option, on_option, print_problems, root_option
from tool.cli.kept import kept_output
from tool.model import CONFIG_NAME


def _existing(
    ctx: click.Context, param: click.Parameter, paths: tuple[Path, ...]
) -> tuple[Path, ...]:
    """PATHS must exist; a broken or looping link does, and validate reports what is wrong."""
    for path in paths:
        if not os.path.lexists(path):
            raise click.BadParameter(f"Path {str(path)!r} does not exist.")
    return paths


CHECKED = "tool.toml, people/*.md, interviews/*.md and templates/"


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), callback=_existing)
@format_option("text", "json", "github")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@on_option
@root_option
@kept_output("validate", when=lambda paths, **_: not paths)
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
    from tool.check import check_root, select, within

    kb = check_root(find_root(root), on or date.today())
    problems = kb.value
    checked = _checked(kb.root, kb.files)
    files = len(kb.files)
    unchecked: list[str] = []  # PATHS holding no file that validate reads
    if paths:
        wanted = [_relative(kb.root, p) for p in paths]
        problems = select(problems, wanted)
        files = len({f for f in checked if within(f, wanted)} | {p.path for p in problems})
        seen = [*checked, *(p.path for p in problems)]
        unchecked = [
            str(path)
            for path, rel in zip(paths, wanted, strict=True)
            if not any(within(f, [rel]) for f in seen)
        ]
    print_problems(problems, fmt)
    if unchecked:
        what = f"{', '.join(unchecked)}: validate reads {CHECKED}"
        if files == 0:
            if fmt == "text":
                echo(f"Nothing checked in {what}")
            return
        echo(f"note: nothing checked in {what}", err=True)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt == "text":
        where = f"in {files} file{'s' * (files != 1)}"
        summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        echo(f"{summary} {where}" if problems else f"No problems {where}")
    if errors or (strict and warnings):
        raise click.exceptions.Exit(1)


def _checked(root: Path, records: list[str]) -> list[str]:
    """The files validate reads, relative to the root: records, tool.toml, templates."""
    found = [*records, *([CONFIG_NAME] if (root / CONFIG_NAME).is_file() else [])]
    templates = root / "templates"
    if templates.is_dir():
        found += [p.relative_to(root).as_posix() for p in sorted(templates.rglob("*.md"))]
    return found


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
