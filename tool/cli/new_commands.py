"""`tool new person|interview`: a new file from templates/, never over another."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath

import click

from tool.cli import completion
from tool.cli.common import DATE, TIME, echo, load_kb, root_option
from tool.model import FORMATS, PURPOSES, RELATIONSHIPS, STATUSES


@click.group()
def new() -> None:
    """Create a person or interview file from templates/.

    \b
    Example:
      tool new person "Jane Doe" --company "Acme Robotics"
      tool new interview jane-doe --date 2026-03-14 --purpose career
    """


def _maybe_edit(path: Path, edit: bool, shown: bool = False) -> None:
    if not shown:
        echo(str(path))
    if edit:
        from tool.cli.edit_commands import open_in_editor
        from tool.errors import ToolError

        try:
            open_in_editor(path)
        except ToolError as exc:
            raise ToolError(
                f"{exc}; the file was created and is kept: `tool edit {path.stem}` opens it"
            ) from None


@new.command("person")
@click.argument("name")
@click.option("--company", help="Where they work.")
@click.option("--role", help="Their job title.")
@click.option("--career", help="The field, used for grouping (e.g. 'Product management').")
@click.option("--location")
@click.option("--email")
@click.option("--phone")
@click.option("--linkedin", help="LinkedIn profile URL.")
@click.option(
    "--introduced-by",
    help="Id of the person who introduced you.",
    shell_complete=completion.people,
)
@click.option("--relationship", type=click.Choice(RELATIONSHIPS))
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for several.")
@click.option(
    "--referred-by",
    metavar="INTERVIEW",
    shell_complete=completion.interviews,
    help="Id of the interview where they were suggested to you: links both ways.",
)
@click.option("--edit", is_flag=True, help="Open the new file in $VISUAL or $EDITOR.")
@click.option(
    "--namesake",
    is_flag=True,
    help="Add another person with the name of one already in people/ (id jane-doe-2...).",
)
@root_option
def new_person(
    name: str,
    tags: tuple[str, ...],
    referred_by: str | None,
    edit: bool,
    namesake: bool,
    root: Path | None,
    **fields: str | None,
) -> None:
    """Create people/<id>.md for NAME and print its path.

    The id is a slug of the name (jane-doe). A name already in people/ is
    refused with the file that has it; --namesake adds a different person of
    the same name as jane-doe-2, -3... Nothing is ever overwritten.

    \b
    --referred-by INTERVIEW records a referral both ways: the new person's
    introduced_by is the interview's person (relationship: referral unless
    given), and the interview's referrals get the new id in place of the
    entry that names them ("Sam Okoro at Duolingo"), or added. Only those
    lines of the interview change.

    \b
    Example:
      tool new person "Jane Doe" --company "Acme Robotics" --role "Product Manager"
      tool new person "Jane Doe" --company Globex --namesake
      tool new person "Sam Okoro" --company Duolingo --referred-by 2026-03-14-jane-doe
    """
    from tool import scaffold
    from tool.ids import slugify
    from tool.model import Person
    from tool.templating.engine import time_limited

    kb = load_kb(root, quiet=True)
    interview = None
    if referred_by is not None:
        interview = scaffold.referring_interview(kb, referred_by)
        fields["introduced_by"] = fields["introduced_by"] or interview.person
        fields["relationship"] = fields["relationship"] or "referral"
        # Refuse before creating anything when the interview cannot take the id.
        maybe = Person(slugify(name), PurePosixPath(), name.strip(), company=fields["company"])
        scaffold.record_referral(kb, interview, maybe, write=False)
    with time_limited():
        given = {**fields, "tags": list(tags)}
        created = scaffold.add_person(kb, name, given, date.today(), namesake)
    echo(str(created.path))
    if interview is not None:
        rel = PurePosixPath("people", f"{created.id}.md")
        person = Person(created.id, rel, name.strip(), company=fields["company"])
        if scaffold.record_referral(kb, interview, person):
            echo(f"Added {created.id} to the referrals of {interview.path}", err=True)
    _maybe_edit(created.path, edit, shown=True)


@new.command("interview")
@click.argument("person", shell_complete=completion.people)
@click.option("--date", "when", type=DATE, help="When it happens or happened [default: today].")
@click.option("--time", type=TIME, help="When it starts, 24-hour (14:30); written quoted.")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    help="[default: scheduled for today or later, done for a past date]",
)
@click.option(
    "--requested",
    type=DATE,
    help="When the request went out [default: today with --status requested].",
)
@click.option("--format", "format_", type=click.Choice(FORMATS))
@click.option("--duration", type=click.IntRange(1, 600), help="Minutes.")
@click.option("--purpose", type=click.Choice(PURPOSES))
@click.option("--edit", is_flag=True, help="Open the new file in $VISUAL or $EDITOR.")
@root_option
def new_interview(
    person: str,
    when: date | None,
    status: str | None,
    format_: str | None,
    edit: bool,
    root: Path | None,
    **fields: object,
) -> None:
    """Create interviews/<date>-<person>.md for PERSON (an id or exact name).

    The Questions section is filled from the question set for --purpose
    (see `tool questions --help`). A new random `uid` names the
    conversation's calendar events (`tool export ics`) whatever its date and
    file name become.

    \b
    Example:
      tool new interview jane-doe --date 2026-03-14 --format video --purpose career
      tool new interview jane-doe --date 2026-03-20 --time 14:30 --duration 25
    """
    from tool import scaffold
    from tool.people import find_person
    from tool.templating.engine import time_limited

    kb = load_kb(root, quiet=True)
    record = find_person(kb, person)
    given = {**fields, "status": status, "format": format_}
    with time_limited():
        created, found = scaffold.add_interview(kb, record, given, date.today(), when)
    if found.used_up:
        echo(
            f"note: every question of the {found.set.name} set was already asked of "
            f"{record.name}; the Questions section is left for you to fill "
            f"(`tool questions {record.id} --all` lists them)",
            err=True,
        )
    _maybe_edit(created.path, edit)


COMMANDS = [new]
