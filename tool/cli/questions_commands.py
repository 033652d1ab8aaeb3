"""`tool questions`: personalised questions from a question set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tool.cli import completion
from tool.cli.common import dump_json, echo, format_option, load_kb, on_option, root_option
from tool.model import PURPOSES

# tool.questions.DEFAULT_COUNT, not imported: it needs Jinja2, which --help should not load
# (tests/test_startup.py keeps the two in step).
DEFAULT_COUNT = 5


@click.command("questions")
@click.argument("person", shell_complete=completion.people)
@click.option("--purpose", type=click.Choice(PURPOSES), help="Use the set for this purpose.")
@click.option(
    "--template",
    metavar="NAME",
    help="Use templates/questions/NAME.md.",
    shell_complete=completion.question_sets,
)
@click.option(
    "--count",
    type=click.IntRange(1, 1000),
    default=DEFAULT_COUNT,
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
    from tool import questions as questions_mod
    from tool.people import find_person
    from tool.templating.engine import time_limited

    if purpose and template:
        raise click.UsageError("give --purpose or --template, not both")
    kb = load_kb(root)
    record = find_person(kb, person)
    with time_limited():
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


COMMANDS = [questions_command]
