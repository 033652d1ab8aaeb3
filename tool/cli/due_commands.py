"""`tool due`: what needs doing, most urgent first."""

from __future__ import annotations

import shutil
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import click

from tool.cli.common import (
    DATE,
    Styled,
    coloured,
    dump_json,
    echo,
    format_option,
    is_terminal,
    load_computed,
    root_option,
    style,
)
from tool.cli.kept import kept_output

HEADINGS = {
    "overdue": ("Overdue", "red"),
    "today": ("Due today", "yellow"),
    "soon": ("Coming up", "cyan"),
    "open": ("Open", "blue"),
}
DUE_LABELS = {
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
@kept_output("due")
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
      upcoming    scheduled conversations in the next --within days, with their
                  day and `time`
      gone quiet  no contact for longer than `stay_in_touch` days
      referral    referrals not in people/ (by id, or by name and company), or
                  never contacted
      action      unchecked `- [ ]` items
      insights    done conversations with no insights written down

    \b
    Example:
      tool due
      tool due --on 2026-11-22 --within 14 --format json
      tool due --fail-if-due || echo "something is overdue"
    """
    from tool.model import released
    from tool.rules import due as duemod
    from tool.rules import stats as statsmod

    on = on or date.today()
    # Kept from an earlier run for the same day while no file changed: `due` is run often.
    # Kept as plain values: read back faster than 20,000 items with their paths.
    _, (items, pace) = load_computed(
        root,
        f"due {on} {within}",
        released(
            lambda kb: ([d.as_dict() for d in duemod.due(kb, on, within)], statsmod.pace(kb, on))
        ),
    )
    if fmt == "json":
        data = {"on": on.isoformat(), "within": within, "items": items}
        if pace is not None:  # only with [goals] in tool.toml
            data["pace"] = pace.as_dict()
        dump_json(data)
    else:
        _print_due(items, on)
        if pace is not None:
            echo("\n", style(statsmod.pace_summary(pace), bold=True))
    if fail_if_due and any(d["urgency"] in ("overdue", "today") for d in items):
        raise click.exceptions.Exit(1)


def _print_due(items: list[dict[str, Any]], on: date) -> None:
    """The items (`Due.as_dict()`) by urgency, most urgent first, in one write."""
    from tool.rules import due as duemod

    paint = style if coloured() else _plain  # no colour made only to be taken out again
    groups: dict[str, list[dict[str, Any]]] = {u: [] for u in duemod.URGENCIES}
    for d in items:
        groups.get(d["urgency"], []).append(d)
    counts = {u: len(group) for u, group in groups.items()}
    summary = ", ".join(f"{n} {HEADINGS[u][0].lower()}" for u, n in counts.items() if n)
    day = f"{duemod.WEEKDAYS[on.weekday()]} {on}"
    # One write for the whole list: thousands of items print in one go, not line by line.
    out: list[str | Styled] = [paint(f"As of {day}: ", bold=True), summary or "nothing due", "\n"]
    width = max(len(label) for label in DUE_LABELS.values())
    indent = " " * (width + 4)
    # On a terminal, long reasons wrap under themselves instead of under the labels.
    columns = shutil.get_terminal_size().columns if is_terminal() else 0
    for level, group in groups.items():
        if not group:
            continue
        title, colour = HEADINGS[level]
        out += ["\n", paint(f"{title} ({len(group)})", fg=colour, bold=True), "\n"]
        for d in group:
            label = DUE_LABELS[d["kind"]].ljust(width)
            reason = d["reason"]
            if columns > len(indent) + 30:
                lines = textwrap.wrap(reason, columns - len(indent), break_on_hyphens=False)
                reason = f"\n{indent}".join(lines)
            out += ["  ", paint(label, fg=colour), "  ", reason, "\n"]
            out += [indent, paint(f"{d['path']}:{d['line']}", dim=True), "\n"]
    echo(*out, nl=False)


def _plain(text: str, **styles: Any) -> str:
    return text


COMMANDS = [due_command]
