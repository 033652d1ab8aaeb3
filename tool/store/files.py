"""Read regular files inside the root; create and replace files atomically."""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import re
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any

from tool.errors import ToolError
from tool.parse.frontmatter import Issue, decode

try:
    import fcntl
except ImportError:  # Windows: edits are not serialised there
    fcntl = None  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024


def read_text_file(root: Path, path: Path) -> tuple[str | None, list[Issue]]:
    """Read one KB file safely: a regular file inside the root, not too large, valid UTF-8."""
    data, _, issues = read_file(root, path)
    return (None, issues) if data is None else decode(data)


# Folders (as given) whose real path is inside the knowledge base, by their root: filled by
# a reader of many files, that resolves each folder once rather than each file.
Folders = dict[str, bool]


def read_file(
    root: Path, path: str | os.PathLike[str], folders: Folders | None = None
) -> tuple[bytes | None, os.stat_result | None, list[Issue]]:
    """The bytes of one regular file inside the root and its status before reading, or why not.

    With `folders`, a file that is not a link is taken to be where its folder really is,
    and each folder is resolved once: a reader of thousands of files gives the same dict
    for all of them.
    """
    name = os.fspath(path)
    info = _in_known_folder(root, name, folders) if folders is not None else None
    target: str | Path = name
    if info is None:
        try:
            # Resolved every time: a linked folder leads outside as surely as a linked file.
            target = Path(os.path.realpath(name, strict=True))
        except OSError as exc:
            return None, None, [_unreadable(name, exc)]
        if not _inside(root, target):
            reason = "symbolic link points outside the knowledge base"
            return None, None, [_issue(reason, "symlink")]
    try:
        data, opened = read_regular(target, follow=False, info=info)
    except NotRegularFile as exc:
        return None, None, [_issue(exc.reason, "file-type")]
    except OSError as exc:
        return None, None, [_unreadable(name, exc)]
    if len(data) > MAX_FILE_BYTES:
        size = max(opened.st_size, len(data))
        message = f"file is {size:,} bytes; files over {MAX_FILE_BYTES:,} bytes are not read"
        return None, None, [Issue(1, 1, message, "too-large")]
    return data, opened, []


def _in_known_folder(root: Path, path: str, folders: Folders) -> os.stat_result | None:
    """The status of `path` when it is no link and its folder is inside the root; None: resolve it.

    Strings, not Paths: this runs for every file of a load, and building a Path cost more
    than the system calls.
    """
    try:
        info = os.lstat(path)
    except OSError:
        return None  # resolving it says why it cannot be read, in the usual words
    if stat.S_ISLNK(info.st_mode):
        return None
    folder = os.path.dirname(path)
    inside = folders.get(folder)
    if inside is None:
        try:
            inside = folders[folder] = _inside(root, Path(os.path.realpath(folder, strict=True)))
        except OSError:
            return None
    # Opened without following a link: a file swapped for one since is refused, not followed.
    return info if inside else None


class NotRegularFile(OSError):
    """A FIFO, socket, device or folder where a file was expected."""

    def __init__(self, info: os.stat_result, path: str | os.PathLike[str]):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "a special file")
        self.reason = f"{kind}, not a regular file"
        super().__init__(errno.EINVAL, self.reason, os.fspath(path))


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


# Never wait for a FIFO's writer or adopt a terminal, even if one is swapped in after the check.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_regular(
    path: str | os.PathLike[str],
    limit: int | None = MAX_FILE_BYTES,
    follow: bool = True,
    info: os.stat_result | None = None,
) -> tuple[bytes, os.stat_result]:
    """Up to `limit` + 1 bytes of a regular file, and its status from before they were read.

    Anything else raises NotRegularFile without being opened: opening a FIFO waits for a
    writer, and opening a device can make it act. `info` is the path's status when the
    caller has just taken it (as `follow` asks), so that it is not taken twice.
    """
    if info is None:
        info = os.stat(path, follow_symlinks=follow)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(info, path)
    nofollow = 0 if follow else getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, _OPEN_FLAGS | nofollow)
    try:
        opened = os.fstat(handle)
        if not stat.S_ISREG(opened.st_mode):  # swapped since the check above
            raise NotRegularFile(opened, path)
        return _read_all(handle, opened.st_size, None if limit is None else limit + 1), opened
    finally:
        os.close(handle)


def _read_all(handle: int, size: int, limit: int | None) -> bytes:
    """Up to `limit` bytes of an open file, to its end; `size` is its size when opened.

    os.read without a buffered file object, which cost as much as the reading itself on
    small notes: a file that has not changed is read whole by the first call, and the
    second one finds its end.
    """
    chunks = []
    total = 0
    step = max(size + 1, 1 << 16)
    while limit is None or total < limit:
        chunk = os.read(handle, step if limit is None else min(step, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def resolve_path(path: Path) -> Path:
    """Path.resolve() for a path the user gave: a link that loops is their mistake, not a crash."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ToolError("symbolic link loops back on itself", path) from None
    return Path(os.path.realpath(path))  # not there yet: a file or folder about to be made


def _issue(reason: str, rule: str) -> Issue:
    return Issue(1, 1, f"{reason}; not read", rule)


def _unreadable(path: str | Path, exc: OSError) -> Issue:
    """Why a path could not be followed or opened, in words."""
    if exc.errno == errno.ELOOP:
        return _issue("symbolic link loops back on itself", "symlink")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR) and os.path.islink(path):
        return _issue("symbolic link points to nothing (its target does not exist)", "symlink")
    return Issue(1, 1, f"cannot read file: {exc.strerror or exc}", "io")


def _inside(root: Path, target: Path) -> bool:
    return target.is_relative_to(_resolved(root))


@functools.lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    """The root's real path, once per run: resolving it again for every file doubled a read."""
    return root.resolve()


def markdown_files(root: Path, folder: str) -> list[os.DirEntry[str]]:
    """The `*.md` entries of one KB folder, sorted by name (scandir: one syscall per folder)."""
    try:
        with os.scandir(root / folder) as found:
            entries = [e for e in found if e.name.endswith(".md") and not e.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(entries, key=attrgetter("name"))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# A temporary file's name says which process on which machine writes it, so that a later run
# can tell the leftovers of a killed run from a file another run is writing right now.
HOST = hashlib.blake2b(socket.gethostname().encode(), digest_size=4).hexdigest()


_TEMP = re.compile(r"\..+\.(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]{1,10})\.[a-z0-9_]{8}\.tmp")


LEFTOVER_NS = 24 * 3600 * 1_000_000_000  # no write takes a day: older is left over anywhere


def _temp_copy(path: Path, data: bytes, durable: bool = True) -> str:
    """Write data to a temporary file beside `path`, with the mode a new file gets.

    `durable` syncs it and first clears the folder of killed runs' leftovers; a batch of
    many files does both once for the whole batch instead.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if durable:
        remove_leftovers(path.parent)
    prefix = f".{path.name[:64]}.{HOST}-{os.getpid()}."
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes files private; notes are not
        _write_synced(fd, data, durable)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files of killed runs of this tool in `folder`; return them.

    Only files named as this tool names them: written by a process of this machine that is
    gone, or untouched for a day. Never a file another run may still be writing.
    """
    removed = []
    now = time.time_ns()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMP.fullmatch(entry.name) if entry.name.endswith(".tmp") else None
            if match is None:
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                ours = match["host"] == HOST and not process_alive(int(match["pid"]))
                if stat.S_ISREG(info.st_mode) and (ours or now - info.st_mtime_ns > LEFTOVER_NS):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def process_alive(pid: int) -> bool:
    """Whether a process of this machine is running (when in doubt, it is)."""
    if os.name != "posix" or pid == os.getpid():
        return True  # elsewhere, os.kill(pid, 0) is not a harmless probe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process, or a pid out of range
        return True
    return True


def _write_synced(fd: int, data: bytes, durable: bool = True) -> None:
    """Write all of `data` to an open descriptor, close it, and make it durable."""
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())


def create_exclusive(path: Path, text: str, durable: bool = True) -> None:
    """Write a new file atomically; never replace an existing one (FileExistsError).

    `durable=False` is for a batch (an import of thousands of people): no sync and no
    leftover scan per file; the caller syncs once at the end.
    """
    data = text.encode("utf-8")
    tmp = _temp_copy(path, data, durable)
    try:
        if _rename_noreplace(tmp, path):
            return
    except BaseException:
        os.unlink(tmp)
        raise
    try:
        # link() fails if the name exists, so two writers can never replace each other.
        os.link(tmp, path)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        _create_in_place(path, data)  # file systems without hard links (exFAT, some shares)
    finally:
        os.unlink(tmp)


@functools.cache
def _renameat2() -> Any:
    """Linux's renameat2(2), or None where the C library has no such call."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here: only a new file needs it, and it costs start-up time

    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    call.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return call


def _rename_noreplace(source: str, target: Path) -> bool:
    """Rename `source` to `target` unless `target` exists (FileExistsError); False if the
    system or the file system cannot, and nothing was done.

    One step where link() and unlink() take two, each a change to the folder: a link and
    an unlink cost five times what this rename costs, which an import of 30,000 people feels.
    """
    call = _renameat2()
    if call is None:
        return False
    at_cwd, noreplace = -100, 1  # AT_FDCWD, RENAME_NOREPLACE
    if call(at_cwd, os.fsencode(source), at_cwd, os.fsencode(target), noreplace) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # an old kernel, or a file system without it (some network shares)
    raise OSError(code, os.strerror(code), str(target))


def _create_in_place(path: Path, data: bytes) -> None:
    """Exclusive creation without link(): O_EXCL still never replaces an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        _write_synced(fd, data)
    except BaseException:
        os.unlink(path)
        raise


def write_atomic(path: Path, text: str) -> bool:
    """Replace a generated file atomically, only if its content changed. Returns changed."""
    data = text.encode("utf-8")
    try:
        if read_regular(path, limit=len(data))[0] == data:  # a FIFO there: refused, not awaited
            return False
    except FileNotFoundError:
        pass
    tmp = _temp_copy(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return True


def check_inside(root: Path, path: Path) -> Path:
    """Refuse a path that leaves the KB, following symlinks."""
    resolved = resolve_path(path)
    if not _inside(root, resolved):
        raise ToolError(f"refusing to write outside the knowledge base: {path}")
    return resolved


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold `folder`'s lock while its files are read, changed and replaced.

    Two in-place edits of one file at once would each write what it read plus its own
    change, and the one that finishes last would undo the other's.
    """
    try:
        handle = os.open(folder, os.O_RDONLY) if fcntl is not None else None
    except OSError:
        handle = None  # no such folder: nothing in it to change
    try:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        if handle is not None:
            os.close(handle)
