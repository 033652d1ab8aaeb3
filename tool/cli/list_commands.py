"""`tool list people|interviews`: filtered and sorted, as a table, JSON or CSV."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click

from tool import listing
from tool.cli.common import (
    DATE,
    dump_json,
    echo,
    echo_data,
    format_option,
    load_computed,
    root_option,
)
from tool.cli.kept import kept_output
from tool.model import PURPOSES, STATUSES, released


@click.command("list")
@click.argument("what", type=click.Choice(list(listing.SORTS)))
@click.option("--company", help="Company contains this text (case and accents ignored).")
@click.option("--career", help="Career contains this text.")
@click.option("--status", type=click.Choice(STATUSES), help="Interview status.")
@click.option("--tag", "tags", multiple=True, help="Has this tag; repeat for all of several.")
@click.option("--purpose", type=click.Choice(PURPOSES), help="Interview purpose.")
@click.option("--since", type=DATE, help="Interviews on or after this day.")
@click.option("--until", type=DATE, help="Interviews on or before this day.")
@click.option("--sort", help="Column to sort by [default: name for people, date for interviews].")
@click.option("--reverse", is_flag=True, help="Sort in descending order.")
@click.option("--include-private", is_flag=True, help="Also show email, phone and LinkedIn.")
@format_option("table", "json", "csv")
@root_option
@kept_output("list")
def list_command(
    what: str,
    company: str | None,
    career: str | None,
    status: str | None,
    tags: tuple[str, ...],
    purpose: str | None,
    since: date | None,
    until: date | None,
    sort: str | None,
    reverse: bool,
    include_private: bool,
    fmt: str,
    root: Path | None,
) -> None:
    """List people or interviews, filtered and sorted.

    For people, --status, --purpose, --since and --until keep those with at
    least one interview that matches them all; "Talks" counts the conversations
    held (status done), "Last talk" is the latest. Tables fit the terminal
    width, leaving out columns when it is too narrow (and saying which on
    stderr). Emails and phone numbers only appear with --include-private.

    \b
    Sort keys:
      people:     name, company, career, interviews (any status),
                  conversations (held: status done), last_conversation
      interviews: date, name, status, company, career, purpose

    \b
    Example:
      tool list people --company acme --sort last_conversation --reverse
      tool list interviews --status done --since 2026-01-01 --format csv
    """
    sorts = listing.SORTS[what]
    if sort and sort not in sorts:
        raise click.BadParameter(
            f"{sort!r} is not one of {', '.join(sorts)}", param_hint="'--sort'"
        )
    filters = listing.ListFilters(company, career, status, tags, purpose, since, until)
    # Kept from an earlier run with the same options while no file changed.
    _, rows = load_computed(
        root,
        f"list {what} {filters!r} {sort!r} {reverse} {include_private}",
        released(lambda kb: listing.rows(kb, what, filters, sort, reverse, include_private)),
    )
    if fmt == "json":
        dump_json(rows)
    elif fmt == "csv":
        echo_data(listing.csv_text(rows, listing.fields(what, include_private)))
    elif rows:
        width = shutil.get_terminal_size().columns
        text, hidden = listing.table(rows, listing.columns(what, include_private, rows), width)
        echo(text)
        if hidden:
            n = len(hidden)
            echo(
                f"({n} column{'s' * (n != 1)} hidden to fit {width} columns: {', '.join(hidden)}; "
                "widen the terminal or use --format csv)",
                err=True,
            )
    else:
        echo(f"No {what} match.", err=True)


COMMANDS = [list_command]
