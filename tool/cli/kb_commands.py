"""`tool init`, `tool new person|interview` and `tool validate`."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from tool import scaffold
from tool.check import check, select, within
from tool.cli.common import DATE, echo, format_option, load_kb, print_problems, root_option
from tool.model import FORMATS, PURPOSES, RELATIONSHIPS, STATUSES
from tool.people import resolve_person
from tool.store.outputs import PRIVATE_FOLDER, SHARED_FOLDER


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Start a knowledge base in DIRECTORY (default: here).

    Creates people/, interviews/, a commented tool.toml, the default templates
    and a .gitignore that keeps the digest (site/, site-private/) out of git.
    A folder that already holds a knowledge base is left untouched.

    \b
    Example:
      tool init ~/career-change
    """
    scaffold.init(directory)
    ignored = scaffold.ignore_digest(directory)
    folders = f"{SHARED_FOLDER}/, {PRIVATE_FOLDER}/"
    if ignored == "added":
        echo(f"note: added the digest's folders to the existing .gitignore ({folders})", err=True)
    elif ignored == "skipped":
        echo(
            "note: .gitignore is not a regular file, so it was left alone; make git ignore "
            f"{SHARED_FOLDER}/ and {PRIVATE_FOLDER}/ (the digest's output) yourself",
            err=True,
        )
    echo(f"Created a knowledge base in {directory}")
    step = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory}, "
    echo(f'Next: {step}set your name in tool.toml, then `tool new person "Jane Doe"`.')


@click.group()
def new() -> None:
    """Create a person or interview file from templates/.

    \b
    Example:
      tool new person "Jane Doe" --company "Acme Robotics"
      tool new interview jane-doe --date 2026-03-14 --purpose career
    """


def _maybe_edit(path: Path, edit: bool) -> None:
    echo(str(path))
    if edit:
        click.edit(filename=str(path))


@new.command("person")
@click.argument("name")
@click.option("--company", help="Where they work.")
@click.option("--role", help="Their job title.")
@click.option("--career", help="The field, used for grouping (e.g. 'Product management').")
@click.option("--location")
@click.option("--email")
@click.option("--phone")
@click.option("--linkedin", help="LinkedIn profile URL.")
@click.option("--introduced-by", help="Id of the person who introduced you.")
@click.option("--relationship", type=click.Choice(RELATIONSHIPS))
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for several.")
@click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")
@root_option
def new_person(
    name: str, tags: tuple[str, ...], edit: bool, root: Path | None, **fields: str | None
) -> None:
    """Create people/<id>.md for NAME and print its path.

    The id is a slug of the name (jane-doe); a taken id gets -2, -3...
    Nothing is ever overwritten.

    \b
    Example:
      tool new person "Jane Doe" --company "Acme Robotics" --role "Product Manager"
    """
    kb = load_kb(root, quiet=True)
    created = scaffold.add_person(kb, name, {**fields, "tags": list(tags)}, date.today())
    _maybe_edit(created.path, edit)


@new.command("interview")
@click.argument("person")
@click.option("--date", "when", type=DATE, help="When it happens or happened [default: today].")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    help="[default: scheduled for today or later, done for a past date]",
)
@click.option("--requested", type=DATE, help="When the request went out.")
@click.option("--format", "format_", type=click.Choice(FORMATS))
@click.option("--duration", type=click.IntRange(1, 600), help="Minutes.")
@click.option("--purpose", type=click.Choice(PURPOSES))
@click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")
@root_option
def new_interview(
    person: str,
    when: date | None,
    status: str | None,
    format_: str | None,
    edit: bool,
    root: Path | None,
    **fields: object,
) -> None:
    """Create interviews/<date>-<person>.md for PERSON (an id or exact name).

    The Questions section is filled from the question set for --purpose
    (see `tool questions --help`). A new random `uid` names the
    conversation's calendar events (`tool export ics`) whatever its date and
    file name become.

    \b
    Example:
      tool new interview jane-doe --date 2026-03-14 --format video --purpose career
    """
    kb = load_kb(root, quiet=True)
    record = resolve_person(kb.people, person, kb.unreadable_people)
    given = {**fields, "status": status, "format": format_}
    created, found = scaffold.add_interview(kb, record, given, date.today(), when)
    if found.used_up:
        echo(
            f"note: every question of the {found.set.name} set was already asked of "
            f"{record.name}; the Questions section is left for you to fill "
            f"(`tool questions {record.id} --all` lists them)",
            err=True,
        )
    _maybe_edit(created.path, edit)


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
@root_option
def validate_command(paths: tuple[Path, ...], fmt: str, strict: bool, root: Path | None) -> None:
    """Check every file of the knowledge base (or only PATHS).

    One line per problem: path:line:col: error|warning: message [rule].
    Exits 1 when there is an error (or a warning, with --strict).

    \b
    Example:
      tool validate
      tool validate people/jane-doe.md --format github
    """
    kb = load_kb(root, quiet=True)
    problems = check(kb)
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


COMMANDS = [init, new, validate_command]
