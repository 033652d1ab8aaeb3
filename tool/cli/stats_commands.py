"""`tool stats`: pace, funnel, reply rates, thank-yous, referrals and coverage."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tool.cli.common import (
    DATE,
    Styled,
    dump_json,
    echo,
    format_option,
    is_terminal,
    load_computed,
    root_option,
    style,
)

if TYPE_CHECKING:
    from tool.rules import stats as statsmod

BAR = "█"
BAR_WIDTH = 20
RECENT_WEEKS = 8
RECENT_MONTHS = 12


@click.command("stats")
@click.option("--on", "on", type=DATE, help="Day to count as of [default: today].")
@click.option("--since", type=DATE, help="Count only interviews dated on or after DATE.")
@format_option("text", "json")
@root_option
def stats_command(on: date | None, since: date | None, fmt: str, root: Path | None) -> None:
    """Show how the search is going: pace, funnel, reply rates, thank-yous, coverage.

    \b
    Figures come from the interviews' `status`, `date`, `requested`, `thanked` and
    `referrals`, and the person's `relationship`. Pace goals are set under [goals] in
    tool.toml (conversations_per_month, requests_per_week). On a terminal the counts
    come with small bar charts; piped, and with --format json, only numbers.

    \b
    Example:
      tool stats
      tool stats --since 2026-09-01
      tool stats --on 2026-11-30 --format json
    """
    from tool.rules import stats as statsmod

    on = on or date.today()
    _, found = load_computed(root, f"stats {on} {since}", lambda kb: statsmod.stats(kb, on, since))
    if fmt == "json":
        dump_json(found.as_dict())
    else:
        echo(*render(found, bars=is_terminal()), nl=False)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _days(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"


def _bar(value: int, most: int) -> str:
    if not most or not value:
        return ""
    return BAR * max(1, round(value * BAR_WIDTH / most))


def pace_lines(pace: statsmod.Pace) -> list[str]:
    """The goals against this week and month, and the streak: one line each."""
    lines = []
    for goal in pace.goals:
        what = "conversations this month" if goal.period == "month" else "requests this week"
        lines.append(f"{what}: {goal.done} of {goal.target} ({goal.state})")
    weeks = "week" if pace.streak == 1 else "weeks"
    lines.append(f"streak: {pace.streak} {weeks} on pace")
    return lines


def render(s: statsmod.Stats, bars: bool) -> list[str | Styled]:
    """The stats as text, with bar charts when `bars`."""
    out: list[str | Styled] = []

    def heading(text: str) -> None:
        out.extend(["\n" if out else "", style(text, bold=True), "\n"])

    def table(rows: list[list[str]], right: set[int]) -> None:
        widths = [max(len(r[n]) for r in rows) for n in range(len(rows[0]))]
        for row in rows:
            cells = [
                cell.rjust(widths[n]) if n in right else cell.ljust(widths[n])
                for n, cell in enumerate(row)
            ]
            out.append("  " + "  ".join(cells).rstrip() + "\n")

    since = f" (interviews since {s.since})" if s.since else ""
    out += [style(f"Stats as of {s.on}{since}", bold=True), "\n"]
    if s.pace:
        heading("Pace")
        out += [f"  {line}\n" for line in pace_lines(s.pace)]

    for title, periods in (
        ("Conversations per month", s.months[-RECENT_MONTHS:]),
        ("Conversations per week", s.weeks[-RECENT_WEEKS:]),
    ):
        heading(title)
        if not periods:
            out.append("  none yet\n")
            continue
        most = max(p.held for p in periods)
        rows = [["", "held", "requested"] + ([""] if bars else [])]
        rows += [
            [p.label, str(p.held), str(p.requested)] + ([_bar(p.held, most)] if bars else [])
            for p in periods
        ]
        table(rows, {1, 2})

    heading("Funnel")
    first = s.funnel[0].count
    rows = [["step", "count", "of previous", "median days"]]
    rows += [
        [st.name, str(st.count), _percent(st.conversion), _days(st.median_days)]
        + ([_bar(st.count, first)] if bars else [])
        for st in s.funnel
    ]
    if bars:
        rows[0].append("")
    table(rows, {1, 2, 3})

    for title, groups in (
        ("Replies by relationship", s.by_relationship),
        ("Replies by format", s.by_format),
    ):
        heading(title)
        if not groups:
            out.append("  no requests yet\n")
            continue
        rows = [["", "requests", "replied", "rate", "median days"]]
        rows += [
            [g.name, str(g.requests), str(g.replied), _percent(g.rate), _days(g.median_days)]
            for g in groups
        ]
        table(rows, {1, 2, 3, 4})

    t, r = s.thanks, s.referrals
    unit = "day" if t.window == 1 else "days"
    heading("Follow-through")
    out.append(
        f"  thank-yous: {t.within} of {t.held} held within {t.window} {unit} "
        f"({_percent(t.share)}); {t.sent} sent, median {_days(t.median_days)} days after\n"
    )
    each = "-" if r.per_conversation is None else f"{r.per_conversation:.2f}"
    out.append(
        f"  referrals: {r.referrals} from {r.conversations} held ({each} each); "
        f"{r.in_people} in people/, {r.became_conversations} became conversations\n"
    )
    out.append(
        f"  insights: {s.with_insights} of {s.held} held conversations "
        f"({_percent(s.insight_share)})\n"
    )

    heading("Coverage of targets")
    if not s.coverage:
        out.append("  no targets: list careers and companies under [targets] in tool.toml\n")
    else:
        most = max(c.conversations for c in s.coverage)
        rows = [["", "target", "people", "held"]]
        rows += [
            [c.kind, c.name, str(c.people), str(c.conversations)]
            + ([_bar(c.conversations, most)] if bars else [])
            for c in s.coverage
        ]
        if bars:
            rows[0].append("")
        table(rows, {2, 3})
    return out


COMMANDS = [stats_command]
