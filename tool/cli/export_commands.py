"""`tool export ics|vcf|csv|json`: the knowledge base in formats other programs read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from tool.cli.common import echo, echo_data, generated_output, load_kb, root_option


@click.group("export")
def export() -> None:
    """Write the knowledge base in formats other programs read.

    \b
    Example:
      tool export ics --output interviews.ics
      tool export vcf --output contacts.vcf
      tool export csv --what interviews --output interviews.csv
      tool export json --output kb.json
    """


_OUTPUT = click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write [default: standard output].",
)


@export.command("ics")
@_OUTPUT
@click.option("--include-private", is_flag=True, help="Add email, phone and LinkedIn.")
@root_option
def export_ics(output: Path | None, include_private: bool, root: Path | None) -> None:
    """Write an iCalendar file of conversations, follow-ups and owed thank-yous.

    Scheduled conversations are events (timed when the interview has a
    `time: HH:MM` field, for its duration or 30 minutes; all-day otherwise).
    Times are in the `timezone` set in tool.toml (an IANA name such as
    Europe/Berlin); without one they are floating, the same clock time
    wherever the calendar is opened. Follow-ups and owed thank-yous are
    all-day events. UIDs come from each interview's `uid` field (`tool new
    interview` writes one), else from its file name, so importing again
    updates events instead of duplicating them, even after a new date and
    file name. A conversation's description holds the person's role and
    company, its purpose, length and prepared questions (of a private
    interview only with --include-private); contact details need
    --include-private too. A `time` that is not HH:MM, and a malformed or
    shared uid, are reported on stderr. --output is only rewritten when its
    content changes, and never when it is a file this command did not write.

    \b
    Example:
      tool export ics --output ~/calendar/interviews.ics
    """
    from tool.formats import ics
    from tool.store.files import write_atomic

    kb = load_kb(root)
    # A bad time or uid changes an event, not the whole calendar: say so, but still write it.
    for problem in ics.problems(kb):
        echo(problem.format(), err=True)
    events = ics.events(kb, include_private)
    text = ics.calendar(events, kb.config.digest_title, kb.config.timezone)
    if output is None:
        echo_data(text, as_bytes=True)
        return
    target = generated_output(kb.root, output, "a calendar", "tool export ics", ics.is_generated)
    changed = write_atomic(target, text)
    echo(f"{'Wrote' if changed else 'Unchanged:'} {output}")


@export.command("vcf")
@_OUTPUT
@root_option
def export_vcf(output: Path | None, root: Path | None) -> None:
    """Write every person as a vCard 4.0, for an address book.

    One card per person, sorted by id: name, company, role, email, phone
    and LinkedIn URL, private records included (it is your own export).
    `tool import vcf` reads it back. --output is only rewritten when its
    content changes, and never when it is a file this command did not write.

    \b
    Example:
      tool export vcf --output contacts.vcf
    """
    from tool.formats import vcard
    from tool.store.files import write_atomic

    kb = load_kb(root)
    text = vcard.write(kb.people.values())
    if output is None:
        echo_data(text, as_bytes=True)
        return
    target = generated_output(kb.root, output, "vCards", "tool export vcf", vcard.is_generated)
    changed = write_atomic(target, text)
    echo(f"{'Wrote' if changed else 'Unchanged:'} {output}")


_SHAREABLE = click.option(
    "--shareable",
    is_flag=True,
    help="Leave out email, phone, LinkedIn and private records, and hide contact details "
    "and private names in text, as the shared digest does; refuse if the digest's leak scan "
    "still finds one.",
)


@export.command("csv")
@click.option(
    "--what",
    type=click.Choice(["people", "interviews"]),
    default="people",
    show_default=True,
    help="Which records: one table per file, as a spreadsheet expects.",
)
@_OUTPUT
@_SHAREABLE
@root_option
def export_csv(what: str, output: Path | None, shareable: bool, root: Path | None) -> None:
    """Write people or interviews as CSV, for a spreadsheet.

    One row per record, sorted by id, with every front matter field (a
    person's email, phone and LinkedIn included: it is your own export);
    interview rows add the person's name and count insights and open action
    items. Lists are joined with `; `, booleans are true/false. The file is
    UTF-8 with a byte-order mark (without it, Excel shows accented names
    garbled) and CRLF line ends. A cell that a spreadsheet would run as a formula (starting
    with = + - @, a tab or a carriage return, and not a number) gets a
    leading apostrophe. docs/json.md lists the columns. --output is only
    rewritten when its content changes, and never when it is a file this
    command did not write.

    \b
    Example:
      tool export csv --output people.csv
      tool export csv --what interviews --shareable --output interviews.csv
    """
    from tool import exporting

    kb = load_kb(root)
    text = exporting.csv_document(kb, what, shareable)
    _write(kb.root, output, text, "a CSV export", "tool export csv", exporting.is_csv_export)


@export.command("json")
@_OUTPUT
@_SHAREABLE
@root_option
def export_json(output: Path | None, shareable: bool, root: Path | None) -> None:
    """Write the whole knowledge base as one JSON document.

    Every field of every person and interview, sorted by id, with notes,
    insights and action items with their lines, and each referral with the
    id of the person it names. Contact details are included (it is your
    own export). docs/json.md describes the fields; the JSON Schema is
    tool/data/export.schema.json in the installed package. --output is only
    rewritten when its content changes, and never when it is a file this
    command did not write.

    \b
    Example:
      tool export json --output kb.json
      tool export json --shareable --output shared.json
    """
    from tool import exporting

    kb = load_kb(root)
    text = exporting.json_document(kb, shareable)
    _write(kb.root, output, text, "a JSON export", "tool export json", exporting.is_json_export)


def _write(
    root: Path,
    output: Path | None,
    text: str,
    what: str,
    command: str,
    is_ours: Callable[[str], bool],
) -> None:
    """Print `text`, or replace --output with it atomically."""
    from tool.store.files import write_atomic

    if output is None:
        echo_data(text, as_bytes=True)
        return
    target = generated_output(root, output, what, command, is_ours)
    changed = write_atomic(target, text)
    echo(f"{'Wrote' if changed else 'Unchanged:'} {output}")


COMMANDS = [export]
