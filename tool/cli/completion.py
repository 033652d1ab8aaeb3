"""Shell completion of ids and names: cheap, from file names only, never a traceback.

A shell asks for completions at every Tab, so nothing here reads a record: the ids are the
names of the files under people/, interviews/ and templates/questions/ of the knowledge base
the partial command line points at (its --root, else $TOOL_ROOT, else the working folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from tool.store.root import find_root

Completer = Callable[[click.Context, click.Parameter, str], list[Any]]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _root(ctx: click.Context) -> Path | None:
    """The knowledge base the command line names so far, or None when there is none."""
    given = None
    for level in (ctx, *_parents(ctx)):
        given = given or level.params.get("root")
    try:
        return find_root(Path.cwd(), given)
    except Exception:  # no KB, a bad --root: nothing to offer, and nothing to say
        return None


def _parents(ctx: click.Context) -> Iterable[click.Context]:
    while ctx.parent is not None:
        ctx = ctx.parent
        yield ctx


def _stems(root: Path | None, folder: str) -> list[str]:
    """The names of the Markdown files in one folder of the KB, without `.md`."""
    if root is None:
        return []
    try:
        with os.scandir(root / folder) as entries:
            return sorted(
                e.name[:-3]
                for e in entries
                if e.name.endswith(".md") and not e.name.startswith(".")
            )
    except OSError:
        return []


def _offer(values: Iterable[str], incomplete: str) -> list[Any]:
    """The values that start with what was typed, once each, in the order given."""
    return [CompletionItem(v) for v in dict.fromkeys(values) if v.startswith(incomplete)]


def people(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Person ids starting with what was typed."""
    return _offer(_stems(_root(ctx), "people"), incomplete)


def interviews(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Interview ids starting with what was typed."""
    return _offer(_stems(_root(ctx), "interviews"), incomplete)


def records(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Person and interview ids starting with what was typed."""
    root = _root(ctx)
    return _offer([*_stems(root, "people"), *_stems(root, "interviews")], incomplete)


def records_and_days(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Person and interview ids, and the days of interviews (their file names' dates)."""
    root = _root(ctx)
    talks = _stems(root, "interviews")
    days = [t[:10] for t in talks if _DAY.match(t)]
    return _offer([*_stems(root, "people"), *sorted({*talks, *days})], incomplete)


def question_sets(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """The names of the question sets in templates/questions/."""
    return _offer(_stems(_root(ctx), "templates/questions"), incomplete)
