"""`tool brief`: one screen about a person before you meet them."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click

from tool.cli import completion
from tool.cli.common import (
    dump_json,
    echo,
    format_option,
    is_terminal,
    load_kb,
    on_option,
    root_option,
)


@click.command("brief")
@click.argument("person", shell_complete=completion.people)
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
    from tool import brief as brief_mod
    from tool.people import find_person
    from tool.templating.engine import time_limited

    kb = load_kb(root)
    with time_limited():
        found = brief_mod.build(kb, find_person(kb, person), on or date.today())
    if fmt == "json":
        dump_json(brief_mod.to_json(found))
    else:
        width = shutil.get_terminal_size().columns if is_terminal() else 80
        echo(brief_mod.to_text(found, max(width, 40)), nl=False)


COMMANDS = [brief_command]
