"""What a run where nothing changed looks at: the stamp of every input file, and nothing else.

This module imports no parser: a command whose output is kept (`tool.store.kept`) finds
out here that nothing changed, without loading the code that would read the files.
"""

from __future__ import annotations

import array
import functools
import hashlib
import itertools
import marshal
import os
import signal
import stat
import sys
from collections.abc import Callable
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO, NamedTuple

from tool.store.cache import RACY_NS, Stamp, racy, stamp

KINDS = ("people", "interviews")
_EXACT = stamp
# Files stat'ed at a time: their status objects (about 1 KB each) go chunk by chunk.
CHUNK = 2048
_STAMP = attrgetter("st_size", "st_mtime_ns", "st_ino", "st_ctime_ns")  # as `cache.stamp`
_MODE = attrgetter("st_mode")
NUL = "\0"


class Entry(NamedTuple):
    """A record file's name and path, as the loader uses an `os.DirEntry`."""

    name: str
    path: str


class Scan:
    """Every record file's stamp, and a fingerprint of them all.

    The stamps are kept as four numbers a file in one flat array, in the order the folders
    listed the files (the order the fingerprint is taken in), not as status objects: a
    command whose output is kept looks at nothing else, and one that reads the files
    takes them in sorted order (`files`). A plain class, not a dataclass: a kept run
    would import `dataclasses` (and `inspect`) for it alone.
    """

    def __init__(
        self,
        root: str,
        folders: list[tuple[str, list[str]]],
        numbers: array.array[int],
        odd: dict[int, Stamp | None],
        fingerprint: bytes,
        settled: bool,
    ) -> None:
        self.root = root
        self.folders = folders  # each folder and its file names, as listed
        self.numbers = numbers  # each listed file's stamp; zeros where `odd` has it
        self.odd = odd  # by position: None is never trusted (not a regular file)
        self.fingerprint = fingerprint
        self.settled = settled  # every file is regular and last changed well before the scan

    @functools.cached_property
    def files(self) -> list[tuple[str, Entry, Stamp | None]]:
        """Each file's relative path, entry and stamp, sorted (made only when files are read)."""
        found: list[tuple[str, Entry, Stamp | None]] = []
        every = iter(self.numbers)
        stamps: list[Stamp | None] = list(zip(every, every, every, every, strict=True))
        for position, known in self.odd.items():
            stamps[position] = known
        join, start = os.path.join, 0
        for kind, names in self.folders:
            folder = join(self.root, kind)
            order = sorted(range(len(names)), key=names.__getitem__)
            found += [
                (f"{kind}/{names[i]}", Entry(names[i], join(folder, names[i])), stamps[start + i])
                for i in order
            ]
            start += len(names)
        return found

    def only(self, files: list[tuple[str, Entry, Stamp | None]]) -> Scan:
        """A scan of some of these files (`files`, taken from this scan), for a partial load."""
        part = Scan(self.root, [], array.array("q"), {}, self.fingerprint, False)
        part.files = files
        return part


def _listed(root: Path, folder: str) -> tuple[list[str], str]:
    """The `*.md` file names of one KB folder, as listed, and the same each ended by a NUL."""
    try:
        names = os.listdir(root / folder)
    except (FileNotFoundError, NotADirectoryError):
        return [], ""
    # Usually every name is a record's: that is checked on one string, not name by name.
    listed = f"{NUL.join(names)}{NUL}" if names else ""
    if listed.count(f".md{NUL}") != len(names) or listed.startswith(".") or f"{NUL}." in listed:
        names = [name for name in names if name.endswith(".md") and not name.startswith(".")]
        listed = f"{NUL.join(names)}{NUL}" if names else ""
    return names, listed


def scan(root: Path, started: int) -> Scan:
    """Stat every file of people/ and interviews/ (no file is opened).

    On 40,000 files this is most of a run where nothing changed, so each folder's files
    are stat'ed and their stamps gathered by loops in C, a chunk at a time (`_stamped`),
    in two processes on a large knowledge base (`_in_two`).
    """
    folders: list[tuple[str, list[str]]] = []
    parts: list[Part] = []
    opened: list[int] = []
    key = hashlib.blake2b(digest_size=16)
    count = 0
    try:
        for kind in KINDS:
            # The folder itself: one moved away and linked back in keeps every file's
            # stamp, yet whether its files may be read (a link out of the KB) is for the
            # reading to say, every run. A real folder is known by its identity.
            try:
                place: os.stat_result | None = os.lstat(os.path.join(root, kind))
            except OSError:
                place = None
            key.update(b"%d\0%d\0" % (place.st_dev, place.st_ino) if place else b"-\0")
            names, listed = _listed(root, kind)
            # Unsorted: an unchanged folder lists its files in the same order, and a new
            # order only makes a new fingerprint (a run that computes its output), never a
            # false one.
            folders.append((kind, names))
            key.update(b"%s\0%d\0" % (kind.encode(), len(names)))  # then that many names
            key.update(listed.encode(errors="surrogateescape"))
            if not names:
                continue
            look = None  # a folder that is a link: its files never trusted
            if place is None or stat.S_ISDIR(place.st_mode):
                look = _looker(os.path.join(root, kind), opened)
            parts += [
                (look, names[begin : begin + CHUNK], count + begin)
                for begin in range(0, len(names), CHUNK)
            ]
            count += len(names)
        numbers, odd = _in_two(parts, count)
    finally:
        for where in opened:
            os.close(where)
    # The newest modification time says whether any file may change within its stamp.
    settled = not odd and not (numbers and max(numbers[1::4]) >= started - RACY_NS)
    key.update(numbers.tobytes())
    if odd:  # never kept, but exact
        key.update(repr(sorted(odd.items())).encode())
    return Scan(str(root), folders, numbers, odd, key.digest(), settled)


# Some of a folder's files: how to stat one, their names, and the first one's position.
Part = tuple[Callable[[str], os.stat_result] | None, list[str], int]
Stamps = tuple["array.array[int]", dict[int, Stamp | None]]
_FILE_BYTES = 4 * array.array("q").itemsize  # a stamp's four numbers, as a forked scan sends them
_IN_FOLDER = os.stat in os.supports_dir_fd  # os.lstat(name, dir_fd=...) works (not on Windows)
# Files worth a second process: below this, starting one costs more than it saves.
PARALLEL = 8192


def _looker(folder: str, opened: list[int]) -> Callable[[str], os.stat_result]:
    """Stat a file of `folder` by name: looked up in the folder, not from the root again."""
    try:
        if not _IN_FOLDER:
            raise OSError("no stat relative to a folder")
        where = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # as on Windows
        return functools.partial(_lstat_under, folder)
    opened.append(where)
    return functools.partial(os.lstat, dir_fd=where)


def _stamped(parts: list[Part]) -> Stamps:
    """Each file's stamp, a chunk at a time; one that is gone or odd, file by file."""
    numbers: array.array[int] = array.array("q")
    odd: dict[int, Stamp | None] = {}
    exact = stamp is _EXACT  # else a test stands in another file system's stamps
    for look, part, position in parts:
        before = len(numbers)
        if look is None:
            numbers.extend(itertools.repeat(0, 4 * len(part)))
            odd.update(dict.fromkeys(range(position, position + len(part))))
            continue
        try:
            infos = list(map(look, part))
            if exact and all(map(stat.S_ISREG, map(_MODE, infos))):
                numbers.extend(itertools.chain.from_iterable(map(_STAMP, infos)))
                continue
        except (OSError, OverflowError):  # gone since listed; a time beyond 64 bits
            pass
        del numbers[before:]
        _one_by_one(look, part, position, numbers, odd)
    return numbers, odd


def _in_two(parts: list[Part], count: int) -> Stamps:
    """`_stamped`, the later half of the files in a forked process where that pays.

    A stat from Python costs about twice the system call, and threads would take turns
    on the interpreter lock, so on a machine with a second core a large knowledge base is
    stat'ed by a copy of this process as well (as git stats files on several threads).
    Its stamps come back through a pipe; if it fails in any way, this process does its
    half itself.
    """
    if count < PARALLEL or not _may_fork():
        return _stamped(parts)
    half = next((i for i, (_, _, first) in enumerate(parts) if first >= count // 2), 0)
    mine, theirs = parts[:half], parts[half:]
    if not (mine and theirs):
        return _stamped(parts)
    try:
        child, pipe, blocked = _fork(theirs)
    except OSError:
        return _stamped(parts)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a Ctrl-C since ends both here
        numbers, odd = _stamped(mine)
        sent = pipe.read()
    finally:  # closed first: a child stopped writing to a full pipe would never end
        pipe.close()
        _, ended = os.waitpid(child, 0)
    more = _received(sent, ended, count - theirs[0][2]) or _stamped(theirs)
    numbers.extend(more[0])
    odd.update(more[1])
    return numbers, odd


def _fork(parts: list[Part]) -> tuple[int, BinaryIO, set[int]]:
    """A forked copy of this process that stats `parts` and sends their stamps down a pipe.

    Ctrl-C in the instant after the fork would reach a copy still running this program,
    to end it as this one ends: the copy starts with it blocked, and lets it end the copy
    outright before it runs anything else. This process gets the pipe, the copy, and the
    signals blocked before, to unblock once it is ready to close the one and wait for the
    other.
    """
    read, write = os.pipe()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        child = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(read)
        os.close(write)
        raise
    if child == 0:  # pragma: no cover - the child leaves by os._exit, past coverage
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(read)
            numbers, odd = _stamped(parts)
            data = memoryview(marshal.dumps((numbers.tobytes(), odd)))
            while data:
                data = data[os.write(write, data) :]
            status = 0
        finally:
            os._exit(status)  # nothing of the parent's (buffers, exit handlers) runs twice
    os.close(write)
    return child, os.fdopen(read, "rb"), blocked


def _received(sent: bytes, ended: int, files: int) -> Stamps | None:
    """The stamps a forked scan sent, if it ended well and sent one stamp a file."""
    if ended != 0:  # its wait status: killed, or an exit status other than 0
        return None
    try:
        data, odd = marshal.loads(sent)
    except (ValueError, TypeError, EOFError):
        return None
    if not (isinstance(data, bytes) and len(data) == files * _FILE_BYTES):
        return None
    if not isinstance(odd, dict):
        return None
    numbers: array.array[int] = array.array("q")
    numbers.frombytes(data)
    return numbers, odd


def _may_fork() -> bool:
    """Whether a copy of this process may stat files beside it: Linux, a free core, one thread.

    Forking a process that runs other threads can copy a lock another thread holds, and
    other systems' libraries are not safe to use in a forked copy.
    """
    if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
        return False
    threads = sys.modules.get("threading")
    return threads is None or threads.active_count() == 1


def _lstat_under(folder: str, name: str) -> os.stat_result:
    return os.lstat(os.path.join(folder, name))


def _one_by_one(
    look: Callable[[str], os.stat_result],
    names: list[str],
    position: int,
    numbers: array.array[int],
    odd: dict[int, Stamp | None],
) -> None:
    """Stat files one at a time: one that is gone, or not a regular file, is never trusted."""
    for name in names:
        try:
            info: os.stat_result | None = look(name)
        except OSError:
            info = None
        found = stamp(info) if info is not None and stat.S_ISREG(info.st_mode) else None
        try:
            if found is None:
                raise OverflowError
            numbers += array.array("q", found)  # all four numbers, or none
        except OverflowError:  # not regular, or a time beyond 64 bits: never kept
            numbers += array.array("q", (0, 0, 0, 0))
            odd[position] = found
        position += 1


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
