"""A read-only command's output, printed again while nothing it depends on changed.

`validate`, `due`, `list`, `index` and `search` print the same bytes for the same inputs.
Their output is kept (tool.store.kept) under a key of: every record file's stamp, the
settings' bytes, the templates' stamps, the code; the command's options, the knowledge
base and the working folder; the day; whether each stream is coloured, the terminal's
size, the streams' encodings and the environment variables the output reads. A run with
the same key stats the files and writes the kept bytes, importing none of the code that
reads files. Only a run that ends normally (or with its own exit status) is kept.
"""

from __future__ import annotations

import codecs
import functools
import io
import itertools
import operator
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tool import invocation, launch
from tool.cli import common
from tool.store.cache import cache_dir

if TYPE_CHECKING:  # imported by the run itself: `--help` loads no store
    from tool.store import kept
    from tool.store.kept import Outputs

F = TypeVar("F", bound=Callable[..., Any])


def kept_output(command: str, when: Callable[..., bool] | None = None) -> Callable[[F], F]:
    """Keep what the command prints, when `when(**params)` allows (default: always)."""

    if command not in launch.KEPT:  # else the entry point would never look its output up
        raise ValueError(f"{command} is kept: add it to tool.launch.KEPT")

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def run(**params: Any) -> Any:
            if when is not None and not when(**params):
                return func(**params)
            return _run(command, func, params)

        return run  # type: ignore[return-value]

    return wrap


def _run(command: str, func: Callable[..., Any], params: dict[str, Any]) -> Any:
    from tool.store import kept, scanning

    given = common.given_root(params.get("root"))
    root = common.find_root(given).resolve()
    try:
        begun = kept.begin(root, invocation.begun)
        found, named = begun.inputs, begun.named
        if found is None:  # a file changed just now: computed, and not kept
            return func(**params)
        suffix = _key(command, params, root)
        outputs = kept.Outputs(root, begun.started, named)
        folder = cache_dir()
        if invocation.argv is not None and folder is not None:
            # Started from a command line: the next run of it may print without Click.
            call = kept.call_key(invocation.argv, invocation.surroundings(), named)
            kept.Calls(folder).put(call, kept.Call(given, suffix, _paths()))
        output = outputs.get(found + suffix)
        if output is not None:
            common.write_kept(output[1])
            if output[0]:
                raise click.exceptions.Exit(output[0])
            return None
        return _record(command, func, params, outputs, found + suffix)
    finally:
        scanning.taken(root)  # a scan the command did not use is not left for a later run


def _paths() -> tuple[kept.PathState, ...]:
    """Each path among the arguments Click checked, as it found it (see `kept.path_state`).

    A command line is printed again without Click only while they are the same: a folder
    given to `--root` that has since become a file is for Click to refuse.
    """
    from tool.store.kept import path_state

    ctx = click.get_current_context(silent=True)
    found: list[str] = []
    while ctx is not None:
        for param in ctx.command.params:
            value = ctx.params.get(param.name or "")
            if isinstance(param.type, click.Path) and value is not None:
                found += map(os.fspath, value if isinstance(value, tuple | list) else [value])
        ctx = ctx.parent
    return tuple(path_state(path) for path in found)


def _record(
    command: str, func: Callable[..., Any], params: dict[str, Any], outputs: Outputs, key: bytes
) -> Any:
    pieces: list[tuple[bool, str | bytes]] = []
    common.recording, before = pieces, common.recording
    status = None
    try:
        result = func(**params)
        status = 0
        return result
    except click.exceptions.Exit as exc:
        status = exc.exit_code
        raise
    finally:
        common.recording = before
        if status is not None:
            outputs.put(command, key, (status, _as_written(pieces)))


def _as_written(pieces: list[tuple[bool, str | bytes]]) -> list[tuple[bool, str | bytes]]:
    """What each stream was given in turn, as bytes where the stream's encoding tells them.

    A kept output is then written to the binary stream as it is, not encoded again: on a
    large output, that was most of a kept run. Text for a stream whose bytes cannot be
    told this way is kept as text, and printed as it was.
    """
    kept: list[tuple[bool, str | bytes]] = []
    for err, group in itertools.groupby(pieces, key=operator.itemgetter(0)):
        texts = [piece for _, piece in group]
        encoding = _encoding(sys.stderr if err else sys.stdout)
        if encoding is None:
            kept += [(err, text) for text in texts]
            continue
        try:
            kept.append(
                (err, b"".join(t if isinstance(t, bytes) else t.encode(*encoding) for t in texts))
            )
        except UnicodeError:  # as printed, if it was: kept as it came
            kept += [(err, text) for text in texts]
    return kept


def _encoding(stream: object) -> tuple[str, str] | None:
    """The encoding and error handler `click.echo` writes text to this stream with, if known.

    Known for a text stream in UTF-8 over a binary one, where a line end is written as
    "\\n": click writes text to such a stream itself (to one in ASCII, it writes UTF-8
    through a stream of its own), and bytes to its binary stream as they are.
    """
    encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
    if not (isinstance(stream, io.TextIOWrapper) and isinstance(errors, str) and encoding):
        return None
    try:
        if os.linesep != "\n" or codecs.lookup(encoding).name != "utf-8":
            return None
    except LookupError:
        return None
    return encoding, errors


def _key(command: str, params: dict[str, Any], root: Path) -> bytes:
    """Everything the output depends on besides the files: see the module's docstring."""
    ctx = click.get_current_context(silent=True)
    group = ctx.find_root().params if ctx is not None else {}
    found = (
        command,
        sorted((name, repr(value)) for name, value in params.items()),
        sorted((name, repr(value)) for name, value in group.items()),
        str(root),
        invocation.surroundings(),
        common.coloured(False),
        common.coloured(True),
        common.is_terminal(),
    )
    return repr(found).encode(errors="surrogateescape")
