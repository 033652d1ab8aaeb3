"""`tool leads [COMPANY]`: who works at each target company and who can introduce you."""

from __future__ import annotations

from pathlib import Path

import click

from tool.cli.common import dump_json, echo, format_option, load_kb, root_option


@click.command("leads")
@click.argument("company", required=False)
@format_option("text", "json")
@root_option
def leads_command(company: str | None, fmt: str, root: Path | None) -> None:
    """Show who works at each target company and who could introduce you.

    For each company under [targets] in tool.toml (or COMPANY alone): the
    people who work there now, and the people elsewhere who could introduce
    you, because they introduced you to someone there, you met them through
    someone there, they referred you to someone there (in an interview's
    referrals, "Sam Okoro at Globex" too), a conversation with them was
    about it (the interview's company), or their notes mention it. Each
    comes with the shortest path to them through your network, through
    introduced_by and referrals (you → Priya → Hana), shortest first. The
    last line names the target companies where you know nobody yet.

    Companies match folded: case, accents, punctuation and a trailing legal
    form aside ("Globex Corp." and "globex" are one company, "Globex
    Health" another); COMPANY may also be the first words of one company's
    name. Private people are included, marked [private]: this is for you.

    \b
    Example:
      tool leads
      tool leads globex
      tool leads --format json
    """
    from tool import leads

    kb = load_kb(root)
    found = leads.build(kb, company)
    if fmt == "json":
        dump_json(leads.to_json(found))
    else:
        echo(leads.to_text(found), nl=False)


COMMANDS = [leads_command]
