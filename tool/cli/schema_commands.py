"""`tool schema`: the JSON Schema of the front matter, for scripts and other tools."""

from __future__ import annotations

import click

from tool.cli.common import dump_json


@click.command("schema")
@click.argument("kind", required=False, type=click.Choice(["person", "interview"]))
def schema_command(kind: str | None) -> None:
    """Print the JSON Schema of person or interview front matter.

    JSON Schema 2020-12, from the definitions `tool validate` reads with: each
    field's type, meaning, allowed values, date and time formats and id pattern.
    Dates and times are text, as YAML-to-JSON converters give them. Without
    KIND, both kinds in one document: under $defs, accepting either.

    \b
    Example:
      tool schema person > person.schema.json
      tool schema
    """
    from tool.formats.schema import schema

    dump_json(schema(kind))


COMMANDS = [schema_command]
