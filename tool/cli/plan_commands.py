"""`tool due`, `tool list`, `tool search` and `tool export ics`: the user's to-do list."""

from __future__ import annotations

import shutil
import textwrap
from datetime import date
from pathlib import Path

import click

from tool import listing
from tool import search as searchmod
from tool.cli.common import (
    DATE,
    Styled,
    dump_json,
    echo,
    echo_data,
    format_option,
    generated_output,
    is_terminal,
    load_kb,
    root_option,
    style,
)
from tool.formats import ics
from tool.model import PURPOSES, STATUSES
from tool.rules import due as duemod
from tool.store.files import write_atomic

HEADINGS = {
    "overdue": ("Overdue", "red"),
    "today": ("Due today", "yellow"),
    "soon": ("Coming up", "cyan"),
    "open": ("Open", "blue"),
}
# Files the KB reads as records or templates: a calendar written there would be mistaken for one.
KIND_LABELS = {
    "thank-you": "thank-you",
    "no-reply": "no reply",
    "follow-up": "follow-up",
    "upcoming": "upcoming",
    "gone-quiet": "gone quiet",
    "referral": "referral",
    "action": "action",
    "insights": "insights",
}


@click.command("due")
@click.option("--on", "on", type=DATE, help="Day to check as of [default: today].")
@click.option(
    "--within",
    type=click.IntRange(0, 3650),
    default=7,
    show_default=True,
    help="Days ahead to include coming conversations and deadlines.",
)
@format_option("text", "json")
@click.option("--fail-if-due", is_flag=True, help="Exit 1 when anything is overdue or due today.")
@root_option
def due_command(
    on: date | None, within: int, fmt: str, fail_if_due: bool, root: Path | None
) -> None:
    """List what needs doing, most urgent first.

    \b
    Rules, each item pointing at the file and line it comes from:
      thank-you   done conversation, no `thanked` date (tool.toml thank_you_within)
      no reply    `requested` and no answer: after 3 business days try a second
                  person at the company, after 7 follow up (weekends and
                  tool.toml `holidays` are skipped)
      follow-up   `follow_up` date reached, and no conversation since
      upcoming    scheduled conversations in the next --within days
      gone quiet  no contact for longer than `stay_in_touch` days
      referral    referrals with no person file, or never contacted
      action      unchecked `- [ ]` items
      insights    done conversations with no insights written down

    \b
    Example:
      tool due
      tool due --on 2026-11-22 --within 14 --format json
      tool due --fail-if-due || echo "something is overdue"
    """
    kb = load_kb(root)
    on = on or date.today()
    items = duemod.due(kb, on, within)
    if fmt == "json":
        dump_json({"on": on.isoformat(), "within": within, "items": [d.as_dict() for d in items]})
    else:
        _print_due(items, on)
    if fail_if_due and any(d.urgency in ("overdue", "today") for d in items):
        raise click.exceptions.Exit(1)


def _print_due(items: list[duemod.Due], on: date) -> None:
    counts = {u: sum(d.urgency == u for d in items) for u in duemod.URGENCIES}
    summary = ", ".join(f"{n} {HEADINGS[u][0].lower()}" for u, n in counts.items() if n)
    day = f"{duemod.WEEKDAYS[on.weekday()]} {on}"
    echo(style(f"As of {day}: ", bold=True), summary or "nothing due")
    width = max(len(label) for label in KIND_LABELS.values())
    indent = " " * (width + 4)
    # On a terminal, long reasons wrap under themselves instead of under the labels.
    columns = shutil.get_terminal_size().columns if is_terminal() else 0
    for level in duemod.URGENCIES:
        group = [d for d in items if d.urgency == level]
        if not group:
            continue
        title, colour = HEADINGS[level]
        echo()
        echo(style(f"{title} ({len(group)})", fg=colour, bold=True))
        for d in group:
            label = KIND_LABELS[d.kind].ljust(width)
            reason = d.reason
            if columns > len(indent) + 30:
                lines = textwrap.wrap(reason, columns - len(indent), break_on_hyphens=False)
                reason = f"\n{indent}".join(lines)
            echo("  ", style(label, fg=colour), "  ", reason)
            echo(indent, style(f"{d.path}:{d.line}", dim=True))


@click.command("list")
@click.argument("what", type=click.Choice(["people", "interviews"]))
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
    kb = load_kb(root)
    filters = listing.ListFilters(company, career, status, tags, purpose, since, until)
    rows = listing.rows(kb, what, filters, sort, reverse, include_private)
    if fmt == "json":
        dump_json(rows)
    elif fmt == "csv":
        echo_data(listing.csv_text(rows, listing.fields(what, include_private)))
    elif rows:
        width = shutil.get_terminal_size().columns
        text, hidden = listing.table(rows, listing.columns(what, include_private), width)
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


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--in",
    "places",
    type=click.Choice(searchmod.PLACES),
    multiple=True,
    help="Only search people/ or interviews/ [default: both].",
)
@format_option("text", "json")
@root_option
def search_command(
    query: tuple[str, ...], places: tuple[str, ...], fmt: str, root: Path | None
) -> None:
    """Find QUERY in names, front-matter values and notes.

    Case, accents and punctuation inside words are ignored (zoe finds Zoë,
    obrien finds O'Brien, email finds e-mail). Several words find files that
    hold all of them; a "quoted phrase" must appear as written. Prints
    path:line and the matching line, with the matches highlighted on a terminal.

    \b
    Example:
      tool search sql pandas
      tool search '"hiring manager"' --in people
    """
    if not searchmod.terms(" ".join(query)):
        raise click.UsageError('QUERY is empty: give a word or a "quoted phrase" to look for')
    kb = load_kb(root)
    hits = searchmod.search(kb, " ".join(query), places or searchmod.PLACES)
    if fmt == "json":
        dump_json([h.as_dict() for h in hits])
        return
    if not hits:
        echo("No matches.", err=True)
        return
    # On a terminal, long lines (a paragraph of notes) are cut to fit around the match.
    width = shutil.get_terminal_size().columns if is_terminal() else None
    for hit in hits:
        where = f"{hit.path}:{hit.line}: "
        room = None if width is None else width - len(where)
        if room is not None and room < 30:
            # Too narrow to share a line with the path: the text goes below it, indented.
            where, room = f"{hit.path}:{hit.line}:\n    ", width - 4
        echo(style(where, fg="magenta"), *_snippet(hit, room))
    files = len({h.path for h in hits})
    echo(f"{len(hits)} line{'s' * (len(hits) != 1)} in {files} file{'s' * (files != 1)}")


def _snippet(hit: searchmod.Hit, width: int | None) -> list[str | Styled]:
    """The matching line, cut to `width` around its first match, the matches highlighted."""
    text = hit.text
    start, end = (0, len(text)) if width is None else _window(text, hit.spans[0], width)
    out: list[str | Styled] = ["…" if start else ""]
    pos = start
    for s, e in hit.spans:
        s, e = max(s, start), min(e, end)
        if s < e:
            out += [text[pos:s], style(text[s:e], fg="red", bold=True)]
            pos = e
    out += [text[pos:end], "…" if end < len(text) else ""]
    return out


def _window(text: str, match: tuple[int, int], width: int) -> tuple[int, int]:
    """Start and end of a slice of at most `width` - ellipses, showing the match whole."""
    width = max(width, 20)
    if len(text) <= width:
        return 0, len(text)
    start = max(0, match[0] - width // 4)
    if start == 0:
        end = width - 1
    elif start + width - 1 >= len(text):
        start, end = len(text) - (width - 1), len(text)
    else:
        end = start + width - 2
    # Cut between words where a space is near, never inside the match.
    if start:
        space = text.find(" ", start, match[0])
        start = space + 1 if 0 <= space < start + 12 else start
    if end < len(text):
        space = text.rfind(" ", max(match[1], end - 12), end)
        end = space if space > 0 else end
    return start, end


@click.group("export")
def export() -> None:
    """Write the knowledge base in formats other programs read.

    \b
    Example:
      tool export ics --output interviews.ics
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


COMMANDS = [due_command, list_command, search_command, export]
