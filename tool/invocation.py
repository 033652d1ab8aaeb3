"""How this run was started: its command line, and what its output depends on besides.

Set by the entry point (tool.launch) before Click parses anything, and read by the
commands whose output is kept (tool.cli.kept): a run started from a command line
remembers it, and hands on the scan the entry point took. Cleared when the run ends, so
that a later run in the same process (a test, a program calling Click) starts afresh.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tool.store.kept import Begun

# What a command's output may read from the environment besides its options.
ENVIRONMENT = ("NO_COLOR", "TERM", "COLUMNS", "LINES", "TOOL_ROOT", "TOOL_DEBUG", "TZ")

# The arguments Click parses, when the entry point started this run; else None.
argv: list[str] | None = None
# The entry point's scan of the knowledge base, when it took one and found nothing kept.
begun: Begun | None = None


def reset() -> None:
    """Forget this run's command line and scan: the run is over."""
    global argv, begun
    argv, begun = None, None


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
