"""A per-user cache of parsed files: a run where nothing changed re-reads almost nothing.

The cache lives in the user's cache folder, never in the knowledge base, so a KB cloned
from someone else cannot plant one (pickle data must only come from this user's own runs).
An entry is reused only while the file's size, modification time, inode and change time are
all unchanged, and the whole cache is dropped when the tool version or settings change.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from tool import __version__

FORMAT = 2  # raise when cached records change shape (2: an interview has a uid)
Stamp = tuple[int, int, int, int]


def cache_dir() -> Path | None:
    """`$TOOL_CACHE_DIR`, else `$XDG_CACHE_HOME/tool`, else `~/.cache/tool`; None if disabled."""
    if os.environ.get("TOOL_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("TOOL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tool"


def stamp(stat: os.stat_result) -> Stamp:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


class FileCache:
    """Parsed results by relative path; saved only when something changed."""

    def __init__(self, root: Path, salt: str):
        folder = cache_dir()
        key = hashlib.sha256(f"{root}\0{salt}\0{__version__}\0{FORMAT}".encode()).hexdigest()
        self.path = folder / f"{key[:24]}.pickle" if folder else None
        self.old: dict[str, tuple[Stamp, Any]] = self._read()
        self.new: dict[str, tuple[Stamp, Any]] = {}
        self.dirty = False

    def _read(self) -> dict[str, tuple[Stamp, Any]]:
        if self.path is None:
            return {}
        gc_was_on = gc.isenabled()
        gc.disable()  # loading many small objects: the collector would run for nothing
        try:
            with self.path.open("rb") as handle:
                data = pickle.load(handle)
        except Exception:  # a missing, truncated or foreign cache is simply rebuilt
            return {}
        finally:
            if gc_was_on:
                gc.enable()
        return data if isinstance(data, dict) else {}

    def get(self, rel: str, current: Stamp) -> Any | None:
        entry = self.old.get(rel)
        if entry is None or entry[0] != current:
            return None
        self.new[rel] = entry
        return entry[1]

    def put(self, rel: str, current: Stamp, value: Any) -> None:
        self.new[rel] = (current, value)
        self.dirty = True

    def save(self) -> None:
        """Write the entries seen in this run (dropping deleted files), atomically."""
        if self.path is None or not (self.dirty or self.new.keys() != self.old.keys()):
            return
        with contextlib.suppress(OSError):  # a cache that cannot be written is no error
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(self.new, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
