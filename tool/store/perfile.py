"""Per-file results kept between runs in the user's cache folder.

For a command that works out something of every file and then something over all of
them (`validate`): what each file gave is read back in one go, and a run where few files
changed recomputes only theirs. A file holds one or more pickled parts, read one at a
time, so that a run can look at the first (small) part and read the rest only if it
needs it. Each file is replaced whole and atomically: a reader that has opened one reads
all its parts as written, whatever another run writes meanwhile. Like the cache, these
files are only ever read from this user's own cache folder, never from the KB, and one
that cannot be read or written means a run that recomputes everything: never an error.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

from tool.store.cache import cache_dir

FORMAT = 1
T = TypeVar("T")


def kept_path(root: Path, name: str) -> Path | None:
    """Where the results called `name` of the KB at `root` are kept; None: no cache folder."""
    folder = cache_dir()
    if folder is None:
        return None
    hashed = hashlib.sha256(f"{root}\0{name}\0{FORMAT}".encode(errors="surrogateescape"))
    return folder / f"{hashed.hexdigest()[:24]}-{name}.pickle"


class Kept:
    """An open file of kept parts: the first one read, the others read when asked for."""

    def __init__(self, file: IO[bytes], first: Any):
        self.file = file
        self.first = first

    def next(self) -> Any | None:
        """The next part, or None when it cannot be read."""
        try:
            return _without_collector(pickle.load, self.file)
        except Exception:
            return None

    def close(self) -> None:
        self.file.close()


def open_kept(path: Path | None, key: bytes) -> Kept | None:
    """The file at `path`, its first part read, if it was written under `key` (code, settings)."""
    if path is None:
        return None
    try:
        file = open(path, "rb")  # noqa: SIM115  # held open: the other parts are read later
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            found = _without_collector(pickle.load, file)
            if isinstance(found, tuple) and len(found) == 2 and found[0] == key:
                return Kept(file, found[1])
    except Exception:  # damaged, of other code: computed again
        pass
    file.close()
    return None


def read_kept(path: Path | None, key: bytes) -> Any | None:
    """The first part kept at `path` under `key`, or None."""
    kept = open_kept(path, key)
    if kept is None:
        return None
    kept.close()
    return kept.first


def write_kept(path: Path | None, key: bytes, first: Any, *rest: Any) -> None:
    """Replace the file at `path` atomically; a cache that cannot be written keeps nothing."""
    if path is None:
        return
    # A name the cache's clean-up knows: a run killed half way leaves nothing for long.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as file:
            for part in ((key, first), *rest):
                pickler = pickle.Pickler(file, pickle.HIGHEST_PROTOCOL)
                # No memo: values kept here never refer to themselves, and a memo of every
                # object of a large one would take more memory than the value itself.
                pickler.fast = True
                _without_collector(pickler.dump, part)
        os.replace(temporary, path)
    except Exception:  # full, read-only, a value that cannot be pickled: the next run recomputes
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _without_collector(work: Callable[..., T], *args: Any) -> T:
    """Run `work` with the garbage collector off: it would walk the many new objects for nothing."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return work(*args)
    finally:
        if collecting:
            gc.enable()
