"""`tool export ics|vcf`: the knowledge base in formats other programs read."""

from __future__ import annotations

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
    """


@export.command("ics")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write [default: standard output].",
)
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
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write [default: standard output].",
)
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


COMMANDS = [export]
