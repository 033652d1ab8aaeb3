"""`tool fmt`: normalise record files without changing what they say."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tool.cli.common import echo, echo_data, find_root, root_option


def _existing(
    ctx: click.Context, param: click.Parameter, paths: tuple[Path, ...]
) -> tuple[Path, ...]:
    for path in paths:
        if not os.path.lexists(path):
            raise click.BadParameter(f"Path {str(path)!r} does not exist.")
    return paths


def _relative(root: Path, path: Path) -> str:
    absolute = Path(os.path.normpath(Path.cwd() / path))  # `..` resolved, links kept
    for candidate in (absolute, Path(os.path.realpath(absolute))):
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    raise click.BadParameter(f"{path} is not inside the knowledge base {root}")


FORMATTED = "people/*.md and interviews/*.md"


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), callback=_existing)
@click.option(
    "--check", is_flag=True, help="Write nothing; list the files that would change, exit 1 if any."
)
@click.option(
    "--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of the changes."
)
@root_option
def fmt_command(paths: tuple[Path, ...], check: bool, show_diff: bool, root: Path | None) -> None:
    """Normalise people/ and interviews/ files (or only PATHS) without changing their meaning.

    Front-matter keys in the documented order (your own keys after them), values
    that other YAML tools would misread quoted, ISO dates, lists as [a, b], one
    line end at the end of the file. Comments, the file's line ends and the notes
    are kept. A file that cannot be read, or that would read back differently,
    is reported as path:line: message and left alone; exit status 1 then.

    \b
    Example:
      tool fmt
      tool fmt --check
      tool fmt people/jane-doe.md --diff
    """
    from tool import formatting

    kb_root = find_root(root)
    wanted = [_relative(kb_root, p) for p in paths]
    outcome = formatting.plan(kb_root, wanted)
    problems = outcome.problems
    for change in outcome.changes:
        if show_diff:  # exact bytes into a pipe (for `patch`), shown safely on a terminal
            echo_data(change.diff(), as_bytes=True)
        elif check:
            echo(f"would format {change.path}")
    if not (check or show_diff):
        problems += formatting.write(kb_root, outcome.changes)
        for change in outcome.changes:
            echo(f"formatted {change.path}")
    for problem in sorted(problems):
        echo(problem, err=True)
    if outcome.skipped:
        where = ", ".join(outcome.skipped)
        echo(f"note: nothing to format in {where}: fmt reads {FORMATTED}", err=True)
    if problems or (check and outcome.changes):
        raise click.exceptions.Exit(1)


COMMANDS = [fmt_command]
