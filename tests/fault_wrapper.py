"""Run `python -m tool` with a fault at the Nth event that changes the disk (tests only).

    python tests/fault_wrapper.py count FILE -- tool ARGS...   write the number of events to FILE
    python tests/fault_wrapper.py kill N -- tool ARGS...       SIGKILL itself at event N
    python tests/fault_wrapper.py enospc N -- tool ARGS...     from event N, writes fail: disk full
    python tests/fault_wrapper.py eacces N -- tool ARGS...     from event N, writes are refused
    python tests/fault_wrapper.py pause FILE -- tool ARGS...   at the first temporary file made
                                                               (a write begins), make FILE and
                                                               wait until FILE is removed

An event is what the interpreter audits before it changes the disk: a file opened for
writing, a rename or replace, a link, a removal, a folder made or removed, a temporary file
made, a database opened. Killing at each of them in turn hits every step of a write path,
between the data being written and the file being put in place included. The product knows
nothing of this: the hook is installed here, before the tool is imported.
"""

from __future__ import annotations

import errno
import os
import runpy
import signal
import sys

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
CHANGES = {
    "os.rename",  # rename and replace
    "os.link",
    "os.symlink",
    "os.remove",  # remove and unlink
    "os.rmdir",
    "os.mkdir",
    "os.truncate",
    "os.chmod",
    "os.utime",
    "shutil.rmtree",
    "shutil.move",
    "tempfile.mkstemp",
    "tempfile.mkdtemp",
    "sqlite3.connect",
}
# A full or refusing disk fails what adds data; removing a file still works on it.
ADDS = {"open", "os.rename", "os.link", "os.mkdir", "tempfile.mkstemp", "tempfile.mkdtemp"}


def _writes(event: str, args: tuple[object, ...]) -> bool:
    if event == "open":
        mode, flags = args[1], args[2]
        if isinstance(mode, str):
            return any(c in mode for c in "wax+")
        return isinstance(flags, int) and bool(flags & WRITE_FLAGS)
    return event in CHANGES


def main() -> None:
    split = sys.argv.index("--")
    mode, value = sys.argv[1], sys.argv[2]
    sys.argv = sys.argv[split + 1 :]
    count = 0
    at = 0 if mode in ("count", "pause") else int(value)

    def hook(event: str, args: tuple[object, ...]) -> None:
        nonlocal count
        if not _writes(event, args):
            return
        count += 1
        if mode == "pause" and event == "tempfile.mkstemp" and not os.path.exists(value + ".1"):
            import time

            open(value + ".1", "w").close()  # once only: this open is an event
            open(value, "w").close()
            while os.path.exists(value):
                time.sleep(0.01)
        if mode == "kill" and count == at:
            os.kill(os.getpid(), signal.SIGKILL)
        if mode in ("enospc", "eacces") and count >= at and event in ADDS:
            code = errno.ENOSPC if mode == "enospc" else errno.EACCES
            path = args[0] if args and isinstance(args[0], (str, bytes)) else None
            raise OSError(code, os.strerror(code), path)

    if mode == "count":
        import atexit

        def report() -> None:
            counted = str(count)  # before this open, which counts as an event too
            with open(value + ".part", "w", encoding="ascii") as handle:
                handle.write(counted)
            os.replace(value + ".part", value)

        atexit.register(report)
    sys.addaudithook(hook)
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
