"""Per-file results kept between runs in the user's cache folder, in one file per KB.

For a command that works out something of every file and then something over all of
them (`validate`): what each file gave is read back in one go, and a run where few files
changed recomputes only theirs. The file is replaced whole and atomically, so readers never
see half of one; two runs at once leave one of their results, each consistent. Like the
cache, it is only ever read from this user's own cache folder, never from the KB, and one
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
from typing import Any, TypeVar

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


def read_kept(path: Path | None, key: bytes) -> dict[str, Any]:
    """The results kept at `path` under `key` (of the code and settings); empty if none."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return {}
            found = _without_collector(pickle.load, file)
    except Exception:  # missing, damaged, of other code: computed again
        return {}
    if not (isinstance(found, tuple) and len(found) == 2 and found[0] == key):
        return {}
    return found[1] if isinstance(found[1], dict) else {}


def write_kept(path: Path | None, key: bytes, value: dict[str, Any]) -> None:
    """Replace the results kept at `path` atomically; a cache that cannot be written keeps none."""
    if path is None:
        return
    # A name the cache's clean-up knows: a run killed half way leaves nothing for long.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as file:
            _without_collector(pickle.dump, (key, value), file, pickle.HIGHEST_PROTOCOL)
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
