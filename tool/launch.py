"""The `tool` command's entry point: a kept output is printed before Click is imported.

A read-only command whose inputs did not change prints what it printed last time
(tool.cli.kept). Finding that out takes a scan of the files, and importing Click, the
command line and the model cost half as much again: so each such run also remembers its
command line (`tool.store.kept.Calls`), and the next run with the same one, in the same
surroundings, looks up and prints the kept output from here. Anything else, or anything
that does not match exactly, goes to the command line as usual.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from datetime import date

# The commands whose output is kept: no other command line is looked up.
KEPT = frozenset({"validate", "index", "due", "list", "search"})
# What a command's output may read from the environment besides its options.
ENVIRONMENT = ("NO_COLOR", "TERM", "COLUMNS", "LINES", "TOOL_ROOT", "TOOL_DEBUG", "TZ")
# Set when this module started the run: the arguments the command line is parsed from.
# Only then may a run remember its command line for the next (see tool.cli.kept).
argv: list[str] | None = None


def main() -> None:
    """Entry point of the `tool` console script and `python -m tool`."""
    global argv
    args = sys.argv[1:]
    if KEPT.intersection(args) and not any(name.startswith("_TOOL_") for name in os.environ):
        status = _print_kept(args)  # not under completion (_TOOL_COMPLETE), which Click serves
        if status is not None:
            raise SystemExit(status)
    argv = args
    from tool.cli import main as command_line

    command_line()


def surroundings() -> tuple[object, ...]:
    """What a command's output depends on besides its arguments and the knowledge base.

    The working folder, the day, the terminal's size, each stream's kind, encoding and
    whether it is a terminal (which decides colour), the environment variables the output
    reads, and the interpreter with its import path (which decide the code that runs).
    """
    streams = [
        (
            type(stream).__qualname__,
            getattr(stream, "encoding", None),
            getattr(stream, "errors", None),
            _is_terminal(stream),
        )
        for stream in (sys.stdout, sys.stderr)
    ]
    return (
        os.getcwd(),
        date.today().isoformat(),
        tuple(shutil.get_terminal_size()),
        streams,
        [os.environ.get(name) for name in ENVIRONMENT],
        sys.executable,
        sys.path,
    )


def _is_terminal(stream: object) -> bool | None:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return None


def _print_kept(args: list[str]) -> int | None:
    """Print the kept output of this command line and give its exit status; None if none."""
    from tool.store import kept

    output = kept.recall(args, surroundings())
    if output is None:
        return None
    status, pieces = output
    try:
        for err, piece in pieces:
            stream = sys.stderr if err else sys.stdout
            stream.flush()
            stream.buffer.write(piece)  # type: ignore[arg-type]  # `recall` gives bytes only
            stream.buffer.flush()
    except BrokenPipeError:  # the reader went away (`| head`): as the command line does
        _quiet(sys.stdout)
        return 1
    return status


def _quiet(stream: object) -> None:
    """Send what is left for a closed pipe nowhere: Python would report it failing at exit."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # type: ignore[attr-defined]
