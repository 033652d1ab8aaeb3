"""`tool questions`, `tool draft` and `tool brief`: preparing a conversation."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import click

from tool import brief as brief_mod
from tool import drafts
from tool import questions as questions_mod
from tool.cli.common import DATE, dump_json, echo, format_option, load_kb, root_option
from tool.model import PURPOSES
from tool.people import resolve_person
from tool.templating.context import my_name

on_option = click.option("--on", "on", type=DATE, help="Take this date as today [default: today].")


@click.command("questions")
@click.argument("person")
@click.option("--purpose", type=click.Choice(PURPOSES), help="Use the set for this purpose.")
@click.option("--template", metavar="NAME", help="Use templates/questions/NAME.md.")
@click.option(
    "--count",
    type=click.IntRange(1, 1000),
    default=questions_mod.DEFAULT_COUNT,
    show_default=True,
    help="How many questions.",
)
@click.option("--all", "include_asked", is_flag=True, help="Keep questions already asked.")
@on_option
@format_option("text", "json")
@root_option
def questions_command(
    person: str,
    purpose: str | None,
    template: str | None,
    count: int,
    include_asked: bool,
    on: date | None,
    fmt: str,
    root: Path | None,
) -> None:
    """Print questions for PERSON from a question set, personalised.

    The set is the one for --purpose (default: the purpose of the person's
    next planned conversation, else the general set), or --template NAME.
    Questions already asked of PERSON in a conversation that took place are
    left out unless --all. Sets are Jinja2 templates in templates/questions/;
    the variables they can use (person, introducer, company, career,
    past_insights, me, today, ...) are listed in docs/templates.md.

    \b
    Example:
      tool questions jane-doe --purpose career
      tool questions "Jane Doe" --template company --count 8
    """
    if purpose and template:
        raise click.UsageError("give --purpose or --template, not both")
    kb = load_kb(root)
    record = resolve_person(kb.people, person)
    found = questions_mod.suggest_questions(
        kb, record, on or date.today(), purpose, template, count, include_asked
    )
    if fmt == "json":
        dump_json(
            {
                "person": record.id,
                "set": found.set.name,
                "purpose": found.purpose,
                "questions": found.questions,
                "available": found.available,
                "already_asked": found.already_asked,
            }
        )
        return
    for number, question in enumerate(found.questions, start=1):
        echo(f"{number}. {question}")
    for note in questions_mod.notes(found):
        echo(note, err=True)


@click.command("draft")
@click.argument("kind", type=click.Choice(drafts.DRAFT_KINDS), metavar="KIND")
@click.argument("target")
@click.option(
    "--via", metavar="PERSON", help="intro-request: who introduces you (default: introduced_by)."
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
    kb = load_kb(root)
    text = drafts.draft(kb, kind, target, on or date.today(), via)
    if my_name(kb.config) is None:
        echo("Set [me] name in tool.toml to sign drafts", err=True)
    if output is None:
        echo(text, nl=False)
        return
    drafts.write_draft(kb.root, output, text)
    echo(f"Wrote {output}")


@click.command("brief")
@click.argument("person")
@on_option
@format_option("text", "json")
@root_option
def brief_command(person: str, on: date | None, fmt: str, root: Path | None) -> None:
    """Print one screen about PERSON before you meet them.

    Who they are, how you met and through whom, every conversation with its
    key insights, open action items, referrals they gave you, and suggested
    questions (as `tool questions PERSON` would print them).

    \b
    Example:
      tool brief jane-doe
      tool brief jane-doe --format json
    """
    kb = load_kb(root)
    found = brief_mod.build(kb, resolve_person(kb.people, person), on or date.today())
    if fmt == "json":
        dump_json(brief_mod.to_json(found))
    else:
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 80
        echo(brief_mod.to_text(found, max(width, 40)), nl=False)


COMMANDS = [questions_command, draft_command, brief_command]
