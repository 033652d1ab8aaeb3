"""`tool search`: words and phrases in names, front matter and notes, as path:line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tool.cli.common import (
    Styled,
    coloured,
    dump_json,
    echo,
    find_root,
    format_option,
    is_terminal,
    load_computed,
    root_option,
    style,
)
from tool.cli.kept import kept_output

if TYPE_CHECKING:
    from tool.search import Hit

# tool.search.PLACES, not imported: it reads YAML, which --help should not load
# (tests/test_startup.py keeps the two in step).
PLACES = ("people", "interviews")


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--in",
    "places",
    type=click.Choice(PLACES),
    multiple=True,
    help="Only search people/ or interviews/ [default: both].",
)
@format_option("text", "json")
@root_option
@kept_output("search")
def search_command(
    query: tuple[str, ...], places: tuple[str, ...], fmt: str, root: Path | None
) -> None:
    """Find QUERY in names, front-matter values and notes.

    Case, accents and punctuation inside words are ignored (zoe finds Zoë,
    lodz finds Łódź, obrien finds O'Brien, email finds e-mail). Several words
    find files that hold all of them; a "quoted phrase" must appear as written.
    Prints path:line and the matching line, with the matches highlighted on a
    terminal.
    Exits with status 1 when nothing matches, as grep does.

    \b
    Example:
      tool search sql pandas
      tool search '"hiring manager"' --in people
    """
    from tool import search as searchmod
    from tool.model import released

    if not searchmod.terms(" ".join(query)):
        raise click.UsageError('QUERY is empty: give a word or a "quoted phrase" to look for')
    found = find_root(root)
    # Files the load reads are not read again; the index in the store spares reading the rest.
    loaded = searchmod.LoadedTexts(" ".join(query), found)
    try:
        # What a search needs of the KB is kept while no file changes: nothing is loaded then.
        found, (records, files) = load_computed(
            found, "search", released(searchmod.searchable), loaded.keep
        )
        hits = searchmod.search_files(
            found, records, files, " ".join(query), places or PLACES, loaded
        )
    finally:
        loaded.close()
    if fmt == "json":
        dump_json([h.as_dict() for h in hits])
    elif hits:
        _print(hits)
    else:
        echo("No matches.", err=True)
    if not hits:
        raise click.exceptions.Exit(1)  # as grep does: a script can test for a match


def _print(hits: list[Hit]) -> None:
    """Each hit as path:line: text, then how many lines in how many files."""
    # On a terminal, long lines (a paragraph of notes) are cut to fit around the match.
    width = shutil.get_terminal_size().columns if is_terminal() else None
    paint = style if coloured() else _plain  # no colour made only to be taken out again
    out: list[str | Styled] = []  # one write for every hit, not one per line
    for hit in hits:
        where = f"{hit.path}:{hit.line}: "
        room = None
        if width is not None:
            room = width - len(where)
            if room < 30:
                # Too narrow to share a line with the path: the text goes below it, indented.
                where, room = f"{hit.path}:{hit.line}:\n    ", width - 4
        out += [paint(where, fg="magenta"), *_snippet(hit, room, paint), "\n"]
    files = len({h.path for h in hits})
    out.append(f"{len(hits)} line{'s' * (len(hits) != 1)} in {files} file{'s' * (files != 1)}")
    echo(*out)


def _plain(text: str, **styles: Any) -> str:
    return text


def _snippet(
    hit: Hit, width: int | None, paint: Callable[..., str | Styled] = style
) -> list[str | Styled]:
    """The matching line, cut to `width` around its first match, the matches highlighted."""
    text = hit.text
    start, end = (0, len(text)) if width is None else _window(text, hit.spans[0], width)
    out: list[str | Styled] = ["…" if start else ""]
    pos = start
    for s, e in hit.spans:
        s, e = max(s, start), min(e, end)
        if s < e:
            out += [text[pos:s], paint(text[s:e], fg="red", bold=True)]
            pos = e
    out += [text[pos:end], "…" if end < len(text) else ""]
    return out


def _window(text: str, match: tuple[int, int], width: int) -> tuple[int, int]:
    """Start and end of a slice of at most `width` - ellipses, showing the match whole."""
    width = max(width, 20)
    if len(text) <= width:
        return 0, len(text)
    start = max(0, match[0] - width // 4)
    if start == 0:
        end = width - 1
    elif start + width - 1 >= len(text):
        start, end = len(text) - (width - 1), len(text)
    else:
        end = start + width - 2
    # Cut between words where a space is near, never inside the match.
    if start:
        space = text.find(" ", start, match[0])
        start = space + 1 if 0 <= space < start + 12 else start
    if end < len(text):
        space = text.rfind(" ", max(match[1], end - 12), end)
        end = space if space > 0 else end
    return start, end


COMMANDS = [search_command]
