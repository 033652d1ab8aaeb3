"""`tool digest`: the static HTML site of the knowledge base."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import click

from tool.cli.common import echo, is_terminal, load_kb, root_option

# tool.store.outputs' folder names, not imported: it reads files, which --help should not
# pay for (tests/test_startup.py keeps the two in step).
SHARED_FOLDER, PRIVATE_FOLDER = "site", "site-private"

T = TypeVar("T")


@click.command("digest")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Folder to write (default: {SHARED_FOLDER}/ in the knowledge base, or "
    f"{PRIVATE_FOLDER}/ with --include-private). It is replaced on each build, so it must "
    "be empty, missing or a previous digest.",
)
@click.option(
    "--include-private",
    is_flag=True,
    help="Include contact details and records marked private: true. Do not share the result: "
    "it is refused in a folder that git would track.",
)
@click.option(
    "--force",
    is_flag=True,
    help="With --include-private, write even to a folder that git would track.",
)
@click.option("--title", help="Site title (default: [digest] title in tool.toml).")
@click.option("--timestamp", is_flag=True, help="Show the build time in the footer.")
@root_option
def digest(
    output: Path | None,
    include_private: bool,
    force: bool,
    title: str | None,
    timestamp: bool,
    root: Path | None,
) -> None:
    """Build a static HTML site of the knowledge base, to read or share.

    The site works offline from a USB stick (open index.html). By default it
    leaves out email addresses, phone numbers, LinkedIn URLs and private
    records, and the build fails if any of them would end up in it.

    A private edition (--include-private) goes to its own folder, and is
    refused in a folder that git would track, so that `git add -A` cannot
    publish it; `tool init` makes git ignore both editions.

    \b
    Example:
      tool digest
      tool digest --output ~/share/interviews --title "For my mentor"
      tool digest --include-private
      tool digest --include-private --output ~/private-site
      tool digest --include-private --output private --force
    """
    from tool.digest.inputs import Options, inputs_key, shape_key
    from tool.digest.manifest import up_to_date
    from tool.digest.output import check_output, check_unpublished, remove_leftovers

    kb = load_kb(root)
    default = kb.root / (PRIVATE_FOLDER if include_private else SHARED_FOLDER)
    target = check_output(kb.root, output if output is not None else default)
    if include_private and not force:
        check_unpublished(target)
    stamp = datetime.now().astimezone().isoformat(timespec="minutes") if timestamp else None
    options = Options(include_private, title, stamp)
    shape = shape_key(kb.root)
    pages = up_to_date(target, inputs_key(kb, options, shape))
    changed = pages is None
    if pages is not None:  # nothing changed since the last build: no need to build
        removed = remove_leftovers(target)
    else:
        from tool.digest.build import Plan
        from tool.digest.writing import write_site

        written = write_site(Plan(kb, options, shape), target, _progress if is_terminal() else None)
        removed, pages, changed = written.removed, written.pages, written.replaced
    if removed:
        count = f"{len(removed)} folder{'s' * (len(removed) != 1)}"
        echo(f"note: removed {count} left by an interrupted `tool digest`", err=True)
    edition = (
        "private edition: do not share it"
        if include_private
        else "contact details and private records left out"
    )
    if changed:
        echo(f"Wrote {pages} pages to {target} ({edition})")
    else:
        echo(f"Nothing changed since the last build: {pages} pages in {target} ({edition})")


def _progress(pages: Iterable[T], count: int) -> Iterator[T]:
    with click.progressbar(pages, length=count, label="Building the digest") as bar:
        yield from bar


COMMANDS = [digest]
