"""The `tool` command's entry point: a kept output is printed before Click is imported.

A read-only command whose inputs did not change prints what it printed last time
(tool.cli.kept). Finding that out takes a scan of the files, and importing Click, the
command line and the model cost half as much again: so each such run also remembers its
command line (`tool.store.kept.Calls`), and the next run with the same one, in the same
surroundings (`tool.invocation`), looks up and prints the kept output from here. Anything
else, anything that does not match exactly, and anything that goes wrong on the way goes
to the command line as usual, which does it properly or says what is wrong.
"""

from __future__ import annotations

import contextlib
import os
import sys

from tool import invocation

# The commands whose output is kept: no other command line is looked up.
KEPT = frozenset({"validate", "index", "due", "list", "search"})


def main() -> None:
    """Entry point of the `tool` console script and `python -m tool`."""
    args = sys.argv[1:]
    try:
        # Not under shell completion (_TOOL_COMPLETE...), which Click serves.
        if KEPT.intersection(args) and not any(n.startswith("_TOOL_") for n in os.environ):
            try:
                status = _print_kept(args)
            except KeyboardInterrupt:  # in the lookup or a slow pager: as Click ends a run
                _say("\nAborted!")
                status = 1
            if status is not None:
                raise SystemExit(status)
        invocation.argv = args
        from tool.cli import main as command_line

        command_line()
    finally:
        invocation.reset()


def _print_kept(args: list[str]) -> int | None:
    """Print the kept output of this command line and give its exit status; None if none."""
    try:
        from tool.store import kept

        found = kept.recall(args, invocation.surroundings)
    except Exception:  # anything amiss (a working folder gone, a cache folder refused...)
        if os.environ.get("TOOL_DEBUG", "") not in ("", "0"):
            import traceback  # only here: every run would pay for it

            traceback.print_exc()
        return None  # is the command line's to report, as it always has
    invocation.begun = found.begun
    if found.output is None:
        return None
    status, pieces = found.output
    try:
        for err, piece in pieces:
            stream = sys.stderr if err else sys.stdout
            stream.flush()
            stream.buffer.write(piece)  # type: ignore[arg-type]  # `recall` gives bytes only
            stream.buffer.flush()
    except BrokenPipeError:  # the reader went away (`| head`): as the command line does
        _quiet(sys.stdout)
        return 1
    except OSError as exc:  # a full disk: said as the command line says it
        _say(f"Error: {exc.strerror or exc}")
        return 1
    return status


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr, flush=True)


def _quiet(stream: object) -> None:
    """Send what is left for a closed pipe nowhere: Python would report it failing at exit."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # type: ignore[attr-defined]
