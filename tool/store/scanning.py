"""What a run where nothing changed looks at: the stamp of every input file, and nothing else.

This module imports no parser: a command whose output is kept (`tool.store.kept`) finds
out here that nothing changed, without loading the code that would read the files.
"""

from __future__ import annotations

import array
import functools
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from tool.store.cache import RACY_NS, Stamp, racy, stamp

KINDS = ("people", "interviews")
_EXACT = stamp


class Entry(NamedTuple):
    """A record file's name and path, as the loader uses an `os.DirEntry`."""

    name: str
    path: str


@dataclass
class Scan:
    """Every record file's status, and a fingerprint of them all."""

    root: str
    names: list[str]  # each file's path relative to the root, in order
    stats: list[os.stat_result | None]  # None: not a regular file (a link is followed anew)
    fingerprint: bytes
    settled: bool  # every file is regular and was last changed well before the scan

    @functools.cached_property
    def files(self) -> list[tuple[str, Entry, os.stat_result | None]]:
        """Each file's relative path, entry and status (made only when the files are read)."""
        join = os.path.join
        return [
            (rel, Entry(rel.partition("/")[2], join(self.root, rel)), info)
            for rel, info in zip(self.names, self.stats, strict=True)
        ]

    def only(self, files: list[tuple[str, Entry, os.stat_result | None]]) -> Scan:
        """A scan of some of these files (`files`, taken from this scan), for a partial load."""
        part = Scan(
            self.root, [f[0] for f in files], [f[2] for f in files], self.fingerprint, False
        )
        part.files = files
        return part


def record_names(root: Path, folder: str) -> list[str]:
    """The `*.md` file names of one KB folder, sorted, as `files.markdown_files` lists them."""
    try:
        names = os.listdir(root / folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [name for name in names if name.endswith(".md") and not name.startswith(".")]
    names.sort()
    return names


def scan(root: Path, started: int) -> Scan:
    """Stat every file of people/ and interviews/ (no file is opened)."""
    rels: list[str] = []
    stats: list[os.stat_result | None] = []
    # Names and stamps go into the fingerprint as two flat buffers, and the loop does as
    # little per file as it can: on 40,000 files its own time is most of a warm run.
    numbers = array.array("q")
    extend, add, regular, lstat = numbers.extend, stats.append, stat.S_ISREG, os.lstat
    settled = True
    exact = stamp is _EXACT  # else a test stands in another file system's stamps
    for kind in KINDS:
        names = record_names(root, kind)
        if not names:
            continue
        folder = os.path.join(root, kind)
        try:  # each file looked up in its folder, not from the root again
            where: int | None = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            where = None
        try:
            for name in names:
                try:
                    if where is None:
                        info: os.stat_result | None = lstat(os.path.join(folder, name))
                    else:
                        info = lstat(name, dir_fd=where)
                except OSError:
                    info = None
                if info is None or not regular(info.st_mode):
                    add(None)  # never trusted on a stamp
                    settled = False
                    continue
                add(info)
                try:
                    extend(
                        (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
                        if exact
                        else stamp(info)
                    )
                except OverflowError:  # a time beyond 64 bits: never kept
                    settled = False
        finally:
            if where is not None:
                os.close(where)
        rels += [f"{kind}/{name}" for name in names]
    # The newest modification time says whether any file may change within its stamp.
    if settled and numbers and max(numbers[1::4]) >= started - RACY_NS:
        settled = False
    listed = "\0".join([rel for rel, info in zip(rels, stats, strict=True) if info is not None])
    key = hashlib.blake2b(listed.encode(errors="surrogateescape"), digest_size=16)
    key.update(numbers.tobytes())
    if not settled:  # the stamps may not all be in the buffer: never kept, but exact
        key.update(repr([stamp(info) for info in stats if info is not None]).encode())
    return Scan(str(root), rels, stats, key.digest(), settled)


# A scan taken before the load (for a kept output's key), for the load to use: see `taken`.
_scans: dict[Path, tuple[int, Scan]] = {}


def remember(root: Path, started: int, found: Scan) -> None:
    """Leave a scan of `root`, begun at `started`, for this run's load."""
    _scans[root] = (started, found)


def taken(root: Path) -> tuple[int, Scan] | None:
    """The scan of this root left by `remember` and when it began (given out once), or None."""
    return _scans.pop(root, None)


def watched(root: Path, folder: str, started: int) -> list[tuple[str, Stamp]] | None:
    """The stamp of every file under a folder, or None when one cannot be trusted on it."""
    place = root / folder
    try:
        info = os.lstat(place)
    except FileNotFoundError:
        return []
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None  # a link or a file where a folder should be: never kept
    out = []
    for top, dirs, names in os.walk(place):
        dirs.sort()
        for name in sorted(dirs + names):
            path = os.path.join(top, name)
            try:
                info = os.lstat(path)
            except OSError:
                return None
            if stat.S_ISLNK(info.st_mode) or racy(stamp(info), started):
                return None
            out.append((os.path.relpath(path, root), stamp(info)))
    return out
