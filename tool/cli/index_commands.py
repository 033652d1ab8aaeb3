"""`tool index`: what was learned, grouped by career, company, topic or person."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from tool.cli import completion
from tool.cli.common import (
    DATE,
    echo,
    find_root,
    format_option,
    generated_output,
    load_computed,
    root_option,
)
from tool.cli.kept import kept_output
from tool.model import STATUSES, KnowledgeBase, released
from tool.rules.insights import GROUPINGS


@click.command("index")
@click.option(
    "--by",
    "by",
    type=click.Choice(GROUPINGS),
    multiple=True,
    help="Group by this; repeat to nest (--by career --by company). [default: career]",
)
@format_option("markdown", "json")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (only when its content changes) instead of printing.",
)
@click.option("--coverage", is_flag=True, help="Only show how far each target is covered.")
@click.option("--company", "companies", multiple=True, help="Only this company; repeatable.")
@click.option("--career", "careers", multiple=True, help="Only this career; repeatable.")
@click.option("--topic", "topics", multiple=True, help="Only insights with this #topic.")
@click.option(
    "--person",
    "people",
    multiple=True,
    help="Only this person (id or name).",
    shell_complete=completion.people,
)
@click.option("--since", type=DATE, help="Only conversations on or after this date.")
@click.option(
    "--status", "statuses", type=click.Choice(STATUSES), multiple=True, help="Only this status."
)
@root_option
@kept_output("index", when=lambda output, **_: output is None)
def index_command(
    by: tuple[str, ...],
    fmt: str,
    output: Path | None,
    coverage: bool,
    since: date | None,
    root: Path | None,
    **filters: tuple[str, ...],
) -> None:
    """Print every insight grouped by career, company, topic or person.

    Each insight links to the line of the interview it came from. The
    document ends with the conversations held without insights yet and,
    without filters, the coverage of the [targets] in tool.toml. With
    --output, links are relative to the written file, which is only
    rewritten when its content changes (never a file you wrote yourself).
    Insights keep their Markdown, but raw HTML shows as text, an image as
    its description, and only http, https, mailto and links between notes
    stay links.

    \b
    Example:
      tool index
      tool index --by company --by topic --since 2026-01-01
      tool index --by topic --format json
      tool index --output docs/INDEX.md
      tool index --coverage
    """
    from tool import index as indexmod
    from tool.store.files import write_atomic

    if len(set(by)) != len(by):
        raise click.BadParameter("each grouping can only be given once", param_hint="--by")
    if coverage and by:
        raise click.UsageError("--coverage shows the targets only; leave out --by")
    where = find_root(root).resolve()
    chosen = indexmod.IndexFilters(since=since, **filters)
    target = (
        generated_output(where, output, "the index", "tool index", indexmod.is_generated)
        if output
        else None
    )
    to_root = Path(os.path.relpath(where, target.parent)).as_posix() if target else "."

    def render(kb: KnowledgeBase) -> str:
        if coverage:
            index = indexmod.coverage_index(kb, chosen)
        else:
            index = indexmod.build(kb, by or ("career",), chosen)
        return indexmod.to_json(index) if fmt == "json" else indexmod.to_markdown(index, to_root)

    # Pure in the KB and these options: kept until a file, the settings or the code change.
    options = (by, fmt, coverage, chosen, to_root)
    _, text = load_computed(where, f"index {options!r}", released(render))
    if target is None:
        echo(text, nl=False)
        return
    changed = write_atomic(target, text)
    echo(f"{'Wrote' if changed else 'Unchanged:'} {output}")


COMMANDS = [index_command]
