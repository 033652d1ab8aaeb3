"""A per-user cache of parsed files: a run where nothing changed re-reads almost nothing.

The cache lives in the user's cache folder, never in the knowledge base, so a KB cloned
from someone else cannot plant one (pickle data must only come from this user's own runs).
It is kept only while the code that filled it is the same (a hash of this package's source,
the Python and parser versions, the settings), so an upgrade or an edit never serves old
results. An entry is reused on its file's size, modification time, inode and change time
alone only when the file was last modified well before it was read; a file changed in the
same clock tick as the read keeps its stamp, so such an entry is checked against a hash of
the file's bytes instead (git's "racy clean" rule). Anything wrong with the cache file is a
silent rebuild.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from time import time_ns
from typing import Any

from tool import __version__

FORMAT = 2
Stamp = tuple[int, int, int, int]
Entry = tuple[Stamp, int, bytes, Any]  # stamp, when it was taken, hash of the bytes, value
# Coarser than any common file system's timestamps (FAT keeps two seconds), with a margin.
RACY_NS = 3_000_000_000
LEFTOVER_NS = 3600 * 1_000_000_000  # a temporary file this old belongs to a killed run
# Third-party code whose output ends up in cached values: a new version drops the cache.
PARSERS = ("yaml", "markdown_it")


def cache_dir() -> Path | None:
    """`$TOOL_CACHE_DIR`, else `$XDG_CACHE_HOME/tool`, else `~/.cache/tool`; None if disabled."""
    if os.environ.get("TOOL_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("TOOL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tool"


def stamp(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)


def digest(data: bytes) -> bytes:
    """A hash of a file's bytes, to tell an unchanged file from an edited one."""
    return hashlib.blake2b(data, digest_size=16).digest()


@functools.cache
def code_fingerprint() -> str:
    """A hash of everything that shapes a cached value: this package's source and versions."""
    package = Path(__file__).parent.parent  # the whole `tool` package
    found = hashlib.blake2b(digest_size=16)
    for name in PARSERS:
        module = importlib.import_module(name)
        # With or without libyaml: the two parsers word their messages differently.
        native = getattr(module, "__with_libyaml__", "")
        found.update(f"{name} {getattr(module, '__version__', '')} {native}\0".encode())
    found.update(f"{sys.version}\0{__version__}\0{FORMAT}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    for path in sorted(package.rglob("*.py")):
        found.update(path.relative_to(package).as_posix().encode() + b"\0")
        try:
            found.update(path.read_bytes())
        except OSError:
            found.update(b"\0unreadable\0")
    return found.hexdigest()


class FileCache:
    """Parsed results by relative path; saved only when something changed."""

    def __init__(self, root: Path, salt: str):
        folder = cache_dir()
        name = hashlib.sha256(f"{root}\0{FORMAT}".encode()).hexdigest()[:24]
        self.path = folder / f"{name}.pickle" if folder else None
        self.key = f"{root}\0{salt}\0{code_fingerprint()}" if folder else ""
        # Taken before any file is looked at: a file modified since is judged against it.
        self.started = time_ns()
        self.old: dict[str, Entry] = self._read()
        self.new: dict[str, Entry] = {}
        self.dirty = False

    def _read(self) -> dict[str, Entry]:
        if self.path is None:
            return {}
        gc_was_on = gc.isenabled()
        gc.disable()  # loading many small objects: the collector would run for nothing
        try:
            with self.path.open("rb") as handle:
                # The key is read first: entries made by other code are never unpickled.
                if pickle.load(handle) != self.key:
                    return {}
                data = pickle.load(handle)
        except Exception:  # missing, unreadable, truncated, foreign: simply rebuilt
            return {}
        finally:
            if gc_was_on:
                gc.enable()
        return data if isinstance(data, dict) else {}

    def get(self, rel: str, current: os.stat_result) -> Any | None:
        """The value for a file whose stamp is unchanged and was safely old when taken."""
        entry = self.old.get(rel)
        if entry is None or entry[0] != stamp(current) or _racy(entry):
            return None
        self.new[rel] = entry
        return entry[3]

    def get_same(self, rel: str, content: bytes) -> Any | None:
        """The value for a file whose bytes hash the same as when it was parsed."""
        entry = self.old.get(rel)
        return entry[3] if entry is not None and entry[2] == content else None

    def put(self, rel: str, read: os.stat_result, content: bytes, value: Any) -> None:
        """Remember a value, with the file's status from before its bytes were read."""
        entry = (stamp(read), self.started, content, value)
        old = self.old.get(rel)
        # Saving an unchanged entry helps only once it can be trusted on its stamp: a file
        # dated in the future must not make every run rewrite the cache.
        if old is None or (old[0], old[2]) != (entry[0], entry[2]) or not _racy(entry):
            self.dirty = True
        self.new[rel] = entry

    def save(self) -> None:
        """Write the entries seen in this run (dropping deleted files), atomically."""
        if self.path is None or not (self.dirty or self.new.keys() != self.old.keys()):
            return
        with contextlib.suppress(OSError):  # a cache that cannot be written is no error
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(self.path.parent)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(self.key, handle, protocol=pickle.HIGHEST_PROTOCOL)
                    pickle.dump(self.new, handle, protocol=pickle.HIGHEST_PROTOCOL)
                # Atomic: a run reading at the same time sees the old cache or the new one.
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)


def _racy(entry: Entry) -> bool:
    """Whether the file may have changed within the same timestamp tick as it was read."""
    (_, mtime_ns, _, _), taken_ns = entry[0], entry[1]
    return mtime_ns >= taken_ns - RACY_NS


def _remove_leftovers(folder: Path) -> None:
    """Delete the temporary files of saves that were killed long ago (the folder is ours)."""
    now = time_ns()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if now - entry.stat(follow_symlinks=False).st_mtime_ns > LEFTOVER_NS:
                        os.unlink(entry.path)
