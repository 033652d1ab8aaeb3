"""`tool import linkedin|vcf FILE`: people from other programs, never twice, never over a file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from tool.cli.common import dump_json, echo, format_option, load_kb, root_option


@click.group("import")
def import_() -> None:
    """Add people from LinkedIn's export or a vCard file, without duplicates.

    \b
    Example:
      tool import linkedin Connections.csv --dry-run
      tool import vcf contacts.vcf
    """


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        (
            click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path)),
            click.option(
                "--update", is_flag=True, help="Fill the empty fields of people already there."
            ),
            click.option("--dry-run", is_flag=True, help="Show what would be done; write nothing."),
            format_option("text", "json"),
            root_option,
        )
    ):
        func = option(func)
    return func


@import_.command("linkedin")
@_options
def import_linkedin(file: Path, update: bool, dry_run: bool, fmt: str, root: Path | None) -> None:
    """Add a person for each row of LinkedIn's Connections.csv.

    The file comes from LinkedIn's "Get a copy of your data" (Connections).
    Each row gives name, company, role (Position), linkedin (URL), email
    and connected (Connected On); relationship is left for you. The notes
    LinkedIn puts above the header row are skipped. Files are made from
    templates/person.md, as `tool new person` makes them.

    Someone already in people/ (same LinkedIn URL, else same email in any
    case, else same name, accents and punctuation aside, with the same
    company or one side without one) is never overwritten: they are skipped,
    or with --update only their empty fields are filled in place, every
    other byte of the file kept. The same person twice in FILE is created
    once, and running the same import again creates nothing. A row that
    cannot be read is reported as FILE:LINE: message and skipped, the rest
    is imported, and the command then exits with status 1. The last line
    sums up: created, updated, skipped, failed.

    \b
    Example:
      tool import linkedin ~/Downloads/Connections.csv --dry-run
      tool import linkedin ~/Downloads/Connections.csv --update
    """
    _import("linkedin", file, update, dry_run, fmt, root)


@import_.command("vcf")
@_options
def import_vcf(file: Path, update: bool, dry_run: bool, fmt: str, root: Path | None) -> None:
    """Add a person for each card of a vCard (.vcf) file.

    vCard 3.0 and 4.0 as address books export them (2.1's quoted-printable
    too): FN or N gives the name, ORG the company, TITLE the role, the
    preferred (else first) EMAIL and TEL the email and phone, a LinkedIn URL
    the linkedin field; NOTE and other URLs go in the notes. Photos are
    ignored.

    Someone already in people/ (same LinkedIn URL, else same email in any
    case, else same name, accents and punctuation aside, with the same
    company or one side without one) is never overwritten: they are skipped,
    or with --update only their empty fields are filled in place, every
    other byte of the file kept. The same person twice in FILE is created
    once, and running the same import again creates nothing. A card that
    cannot be read is reported as FILE:LINE: message and skipped, the rest
    is imported, and the command then exits with status 1. The last line
    sums up: created, updated, skipped, failed.

    \b
    Example:
      tool import vcf contacts.vcf --dry-run
      tool import vcf contacts.vcf
    """
    _import("vcf", file, update, dry_run, fmt, root)


_DONE = {"create": "created", "update": "updated", "skip": "skipped"}
_PLANNED = {"create": "would create", "update": "would update", "skip": "would skip"}


def _import(
    kind: str, file: Path, update: bool, dry_run: bool, fmt: str, root: Path | None
) -> None:
    from tool import importing
    from tool.errors import ToolError
    from tool.formats import linkedin, vcard
    from tool.formats.contacts import NotReadable
    from tool.store.files import NotRegularFile, read_regular

    kb = load_kb(root)
    try:
        data = read_regular(file, limit=None)[0]
    except NotRegularFile as exc:
        raise ToolError(exc.reason, file) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ToolError("the file is not UTF-8 text; save it as UTF-8", file, line) from None
    try:
        contacts, rejected = (linkedin.read if kind == "linkedin" else vcard.read)(text)
    except NotReadable as exc:
        raise ToolError(str(exc), file) from None
    steps = importing.plan(kb.people.values(), contacts, rejected, update, kb.unreadable_people)
    today = date.today()
    if sys.stderr.isatty() and fmt == "text" and len(steps) > 1:
        with click.progressbar(length=len(steps), label="Importing", file=sys.stderr) as bar:
            importing.apply(kb.root, steps, today, kb.config.me, dry_run, lambda _: bar.update(1))
    else:
        importing.apply(kb.root, steps, today, kb.config.me, dry_run)
    counts = {a: sum(s.action == a for s in steps) for a in ("create", "update", "skip", "fail")}
    if fmt == "json":
        dump_json(
            {
                "file": str(file),
                "dry_run": dry_run,
                "created": counts["create"],
                "updated": counts["update"],
                "skipped": counts["skip"],
                "failed": counts["fail"],
                "steps": [s.as_dict() for s in steps],
            }
        )
    else:
        _print(file, steps, dry_run, counts)
    if counts["fail"]:
        raise click.exceptions.Exit(1)


def _print(file: Path, steps: list[Any], dry_run: bool, counts: dict[str, int]) -> None:
    words = _PLANNED if dry_run else _DONE
    for step in steps:
        where = f"{file}:{step.line}:"
        if step.action == "fail":
            who = f"{step.name}: " if step.name else ""
            echo(f"{where} {who}{step.reason}", err=True)
        elif step.action == "create":
            echo(f"{where} {words['create']} {step.path}")
        elif step.action == "update":
            echo(f"{where} {words['update']} {step.path} ({', '.join(step.fields)})")
        else:
            echo(f"{where} {words['skip']} {step.name}: {step.reason}")
    summary = (
        f"created {counts['create']}, updated {counts['update']}, "
        f"skipped {counts['skip']}, failed {counts['fail']}"
    )
    echo(f"dry run, nothing written: would have {summary}" if dry_run else summary)


COMMANDS = [import_]
