"""`tool draft`: message drafts, printed or written to a new file, never sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tool.cli import completion
from tool.cli.common import echo, load_kb, on_option, root_option

# tool.drafts.DRAFT_KINDS, not imported: it needs Jinja2, which --help should not load
# (tests/test_startup.py keeps the two in step).
DRAFT_KINDS = ("outreach", "intro-request", "thank-you", "follow-up")


@click.command("draft")
@click.argument("kind", type=click.Choice(DRAFT_KINDS), metavar="KIND")
@click.argument("target", shell_complete=completion.records)
@click.option(
    "--via",
    metavar="PERSON",
    help="intro-request: who introduces you (default: introduced_by).",
    shell_complete=completion.people,
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft to this new file (never overwrites).",
)
@on_option
@root_option
def draft_command(
    kind: str, target: str, via: str | None, output: Path | None, on: date | None, root: Path | None
) -> None:
    """Print a message draft for TARGET (a person or an interview id).

    KIND is outreach, intro-request (to the contact who can introduce you
    to TARGET), thank-you (cites an insight or note of the conversation) or
    follow-up (after a conversation; on a request still unanswered, a polite
    nudge). A person TARGET means their latest conversation that took place
    (status: done), or for a follow-up, a later unanswered request. Drafts are
    signed with [me] name from tool.toml, and only printed or written to a
    file: nothing is ever sent. Edit them in templates/messages/ (variables:
    docs/templates.md).

    \b
    Example:
      tool draft outreach jane-doe
      tool draft intro-request omar-haddad --via jane-doe
      tool draft thank-you 2026-03-14-jane-doe --output thanks.txt
    """
    from tool import drafts
    from tool.templating.context import my_name
    from tool.templating.engine import time_limited

    kb = load_kb(root)
    with time_limited():
        text = drafts.draft(kb, kind, target, on or date.today(), via)
    if my_name(kb.config) is None:
        echo("Set [me] name in tool.toml to sign drafts", err=True)
    if output is None:
        echo(text, nl=False)
        return
    drafts.write_draft(kb.root, output, text)
    echo(f"Wrote {output}")


COMMANDS = [draft_command]
