"""`tool edit`, and small changes without an editor: `done`, `thanked`, `schedule`, `check`."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import click

from tool.cli import completion
from tool.cli.common import DATE, TIME, echo, find_root, load_kb, root_option
from tool.errors import ToolError

EDITOR_HELP = "set $VISUAL or $EDITOR to an installed editor, e.g. `export EDITOR=nano`"


def open_in_editor(path: Path) -> None:
    """Open `path` in $VISUAL or $EDITOR; a missing or failing editor is a clear error."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise ToolError(f"cannot open {path}: no editor is set ({EDITOR_HELP})")
    try:
        click.edit(filename=str(path), editor=editor)
    except click.ClickException as exc:
        raise ToolError(f"cannot open {path}: {exc.message} ({EDITOR_HELP})") from None


interview_argument = click.argument("interview", shell_complete=completion.interviews)
date_option = click.option(
    "--date",
    "day",
    type=DATE,
    help="The interview's date, when INTERVIEW is a person with several interviews.",
)


@click.command("edit")
@click.argument(
    "target", metavar="PERSON|INTERVIEW|DATE", shell_complete=completion.records_and_days
)
@root_option
def edit_command(target: str, root: Path | None) -> None:
    """Open a person's or an interview's file in $VISUAL or $EDITOR.

    PERSON is an id or a name; INTERVIEW an id or a path; DATE (YYYY-MM-DD)
    the day of an interview. A file with errors opens too: that is how it
    gets fixed.

    \b
    Example:
      tool edit jane-doe
      tool edit 2026-03-14
    """
    from tool import edits

    kb = load_kb(root, quiet=True)
    open_in_editor(kb.root / edits.find_file(kb, target))


def _change(root: Path | None, target: str, day: date | None, fields: dict[str, str]) -> Any:
    """Set front-matter fields of one interview in place, after checking it, and say what.

    Returns the interview as it was read.
    """
    from tool import edits

    kb = load_kb(root, quiet=True)
    interview = edits.find_interview(kb, target, day)
    edits.check_usable(kb, interview)
    if fields.get("status") == "done" and interview.date > date.today():
        raise ToolError(
            f"{interview.path}: its date {interview.date.isoformat()} is still to come; "
            "`tool schedule` moves it to the day it took place"
        )
    path = kb.root / interview.path
    text = _read(kb.root, path)
    changes = []
    for key, value in fields.items():
        text, change = edits.set_field(text, key, value)
        changes.append(change)
    _write(kb, interview.path, path, text, changes)
    return interview


def _follow_the_date(root: Path, interview: Any, when: date) -> None:
    """Give a rescheduled interview the name its new date gives it, if it had its date's name.

    A name of the user's own is kept, and so is the old one when the new name is taken.
    """
    from tool.store import files

    old = interview.path
    new = old.with_name(f"{when.isoformat()}-{interview.person}.md")
    if new == old:
        return
    if _same_file(root / old, root / new):  # a run killed between the link and the unlink
        os.unlink(root / old)
        echo(f"renamed {old} -> {new}")
        return
    if old.name != f"{interview.date.isoformat()}-{interview.person}.md":
        return
    files.check_inside(root, root / new)
    try:
        os.link(root / old, root / new)  # never over another file: fails if `new` exists
    except FileExistsError:
        echo(f"{old}: kept its name, as {new} exists already", err=True)
        return
    os.unlink(root / old)
    echo(f"renamed {old} -> {new}")


def _locked(root: Path | None) -> Any:
    """One in-place edit of the KB's interviews at a time: each reads what the last wrote."""
    from tool.store import files

    return files.locked(find_root(root) / "interviews")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _read(root: Path, path: Path) -> str:
    """The file's text exactly as stored (line ends kept); a link is not followed to write."""
    from tool.store import files

    if path.is_symlink():
        raise ToolError(f"{path} is a link: change the file it points to in an editor")
    data, _, issues = files.read_file(root, path)
    if data is None:
        raise ToolError(f"{path}: {issues[0].message if issues else 'could not be read'}")
    return data.decode("utf-8")


def _write(kb: Any, rel: Any, path: Path, text: str, changes: list[Any]) -> None:
    from tool import edits
    from tool.store import files

    edits.refuse_broken(kb, str(rel), text)
    files.check_inside(kb.root, path)
    if not files.write_atomic(path, text):
        echo(f"{rel}: nothing to change")
        return
    for change in changes:
        if change.before is None:
            echo(f"{rel}:{change.line}: added   {change.after}")
        elif change.before != change.after:
            echo(f"{rel}:{change.line}: {change.before.strip()} -> {change.after.strip()}")


@click.command("done")
@interview_argument
@date_option
@root_option
def done_command(interview: str, day: date | None, root: Path | None) -> None:
    """Mark INTERVIEW as held: `status: done`, changing nothing else in the file.

    INTERVIEW is an id, a path, or a person (with --date if they have several).

    \b
    Example:
      tool done 2026-03-14-jane-doe
      tool done jane-doe --date 2026-03-14
    """
    with _locked(root):
        _change(root, interview, day, {"status": "done"})


@click.command("thanked")
@interview_argument
@date_option
@click.option("--on", "on", type=DATE, help="When the thank-you went out [default: today].")
@root_option
def thanked_command(interview: str, day: date | None, on: date | None, root: Path | None) -> None:
    """Record that the thank-you for INTERVIEW went out: `thanked: DATE`.

    \b
    Example:
      tool thanked 2026-03-14-jane-doe
      tool thanked jane-doe --on 2026-03-15
    """
    with _locked(root):
        _change(root, interview, day, {"thanked": (on or date.today()).isoformat()})


@click.command("schedule")
@interview_argument
@click.option("--date", "when", type=DATE, required=True, help="The day it takes place.")
@click.option("--time", "at", type=TIME, help="When it starts, 24-hour (14:30); written quoted.")
@root_option
def schedule_command(interview: str, when: date, at: str | None, root: Path | None) -> None:
    """Set INTERVIEW's date (and time), and its status to scheduled.

    A file named for its old date (<date>-<person>.md) is renamed for the
    new one, unless that name is taken; a name of your own is kept.

    \b
    Example:
      tool schedule 2026-03-14-jane-doe --date 2026-03-20 --time 14:30
    """
    from tool import edits

    fields = {"date": when.isoformat(), "status": "scheduled"}
    if at is not None:
        fields["time"] = edits.clock_time(at)
    with _locked(root):
        found = _change(root, interview, None, fields)
        _follow_the_date(find_root(root), found, when)


@click.command("check")
@interview_argument
@click.argument("item")
@date_option
@root_option
def check_command(interview: str, item: str, day: date | None, root: Path | None) -> None:
    """Tick the open task item of INTERVIEW whose text is (or contains) ITEM.

    \b
    Example:
      tool check 2026-03-14-jane-doe "Read Inspired"
    """
    from tool import edits

    with _locked(root):
        kb = load_kb(root, quiet=True)
        record = edits.find_interview(kb, interview, day)
        edits.check_usable(kb, record)
        line, text = edits.open_action(record, item)
        path = kb.root / record.path
        changed, change = edits.tick(_read(kb.root, path), text, line)
        _write(kb, record.path, path, changed, [change])


COMMANDS = [edit_command, done_command, thanked_command, schedule_command, check_command]
