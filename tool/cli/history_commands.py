"""`tool history` and `tool log`: the knowledge base's git history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tool.cli import completion
from tool.cli.common import DATE, dump_json, echo, find_root, format_option, load_kb, root_option


@click.command("history")
@click.argument("target", metavar="PERSON|INTERVIEW", shell_complete=completion.records)
@click.option(
    "--patch",
    "-p",
    is_flag=True,
    help="Under each commit, the front-matter fields it set, changed or removed.",
)
@format_option("text", "json")
@root_option
def history_command(target: str, patch: bool, fmt: str, root: Path | None) -> None:
    """Print the git history of a person and their interviews, or of one interview.

    Newest first: date, short commit, subject and file, following renames.
    Above them: when the record was added and last changed, and how long each
    conversation took from request to done. --patch shows each commit's
    front-matter changes as field changes (`status: requested → done`).

    \b
    Example:
      tool history jane-doe
      tool history 2026-03-14-jane-doe --patch
    """
    from tool import history as hist
    from tool.store.git import Repository

    kb = load_kb(root, quiet=True)
    found = hist.history(kb, target, Repository(kb.root, "history"))
    if fmt == "json":
        dump_json(hist.history_json(found))
    else:
        echo(hist.history_text(found, patch), nl=False)


@click.command("log")
@click.option(
    "--since",
    type=DATE,
    help="Only commits from this day on (the author's date). Example: --since 2026-03-09",
)
@format_option("text", "json")
@root_option
def log_command(since: date | None, fmt: str, root: Path | None) -> None:
    """Print what changed in the knowledge base, week by week, newest first.

    For each week: people added, interviews added, conversations held (status
    set to done), insights added, then its commits. Read from git: the
    knowledge base must be in a git repository.

    \b
    Example:
      tool log --since 2026-03-09
      tool log --format json
    """
    from tool import history as hist
    from tool.store.git import Repository
    from tool.store.loading import load_config

    found = find_root(root)
    config, _ = load_config(found)
    weeks = hist.log(Repository(found, "log"), since, config.headings)
    if fmt == "json":
        dump_json(hist.log_json(weeks))
    else:
        echo(hist.log_text(weeks), nl=False)


COMMANDS = [history_command, log_command]
