"""Kept outputs: what a command printed, to print again while none of its inputs changed.

A read-only command (`validate`, `due`, `list`, `index`, `search`) prints the same bytes
for the same files, settings, templates, code and options. Its output is kept under a
fingerprint of all of them, so a run where nothing changed stats the files, reads one row
and writes it out, without loading the code that reads the files. The caller puts in the
key everything else the output depends on (its options, the day, the terminal).

The fingerprint is kept only when every input's stamp is old enough to be trusted (see
`cache.racy`): an edit made in the same clock tick as a run is never hidden. Outputs live
in their own SQLite database beside the cache, a few recent ones per command; as with
the cache, anything that goes wrong means a run that computes its output afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard

from tool import CONFIG_NAME, __version__
from tool.errors import ToolError
from tool.store import cache
from tool.store.cache import (
    APPLICATION_ID,
    BUSY_SECONDS,
    RACY_NS,
    Foreign,
    cache_dir,
    open_database,
)
from tool.store.root import find_root
from tool.store.scanning import remember, scan, watched

FORMAT = 1
VERSION = 0x6B00 + FORMAT  # in the header, apart from the cache's and the search index's
KEEP = 4  # outputs kept per command: a few recent sets of options each
LARGEST = 64 * 1024 * 1024  # bytes: a larger output is not kept
PACKAGE = Path(__file__).parent.parent  # the code: a new release or an edit is new output
INLINE = 64 * 1024  # bytes: a larger output is kept in a file of its own (see `Outputs`)
LEFTOVER_SECONDS = 3600  # a temporary file this old was left by a run that was killed
SETTINGS = CONFIG_NAME
# Besides the parsers, the libraries a kept output's text comes from: Click parses the
# command line and writes the colours, Jinja words what is wrong with a template.
PRINTERS = ("click", "jinja2")
# What was printed: the exit status, and each piece written to stdout (False) or stderr.
Output = tuple[int, list[tuple[bool, str | bytes]]]
# An output as its row keeps it: a piece kept in the output's file by its length (see `put`).
Stored = tuple[int, list[tuple[bool, str | bytes | int]]]


CALLS = 64  # command lines remembered (see `Calls`)


class Call(NamedTuple):
    """A command line remembered (see `Calls`): what it meant when Click parsed it."""

    given: str | os.PathLike[str] | None  # its --root, or None: found from the working folder
    suffix: bytes  # its output key's part besides the inputs (see tool.cli.kept)
    paths: tuple[PathState, ...]  # each path among its arguments, as Click checked it


class Begun(NamedTuple):
    """A run's start on a knowledge base: its time, inputs (`inputs`) and `code`."""

    root: Path
    started: int
    inputs: bytes | None  # see `inputs`: None when a file may still change
    named: str


class Recalled(NamedTuple):
    """What `recall` found: the kept output, and the scan a run without one goes on from."""

    output: Output | None
    begun: Begun | None


def begin(root: Path, begun: Begun | None = None) -> Begun:
    """This run's start on `root`: `begun` (the entry point's) if it is of this root."""
    if begun is not None and begun.root == root:
        return begun
    started = cache.now()
    found = inputs(root, started)
    return Begun(root, started, found, "" if found is None else code(started))


def recall(args: list[str], surroundings: Callable[[], tuple[object, ...]]) -> Recalled:
    """The output kept for this command line, in these surroundings, if there is one.

    Only a command line a run has remembered (`Calls`) is looked up, and only while the
    paths among its arguments and its inputs are as they were; the knowledge base is found
    again as the command line finds it, and the output given only as bytes. The code, with
    the Click that parses the command line (`code`), is in the key.
    """
    folder = cache_dir()
    if folder is None:
        return Recalled(None, None)
    started = cache.now()
    named = code(started)
    call = Calls(folder).get(call_key(args, surroundings(), named))
    if call is None or any(path_state(state[0]) != state for state in call.paths):
        return Recalled(None, None)
    try:
        root = find_root(Path.cwd(), call.given).resolve()
    except ToolError:
        return Recalled(None, None)
    begun = Begun(root, started, inputs(root, started), named)
    if begun.inputs is None:
        return Recalled(None, begun)
    output = Outputs(root, started, named).get(begun.inputs + call.suffix)
    if output is None or not all(isinstance(piece, bytes) for _, piece in output[1]):
        return Recalled(None, begun)
    return Recalled(output, begun)


def call_key(args: list[str], surroundings: tuple[object, ...], named: str) -> bytes:
    """What tells one command line from another (see `recall`)."""
    text = repr((args, surroundings, named)).encode(errors="surrogateescape")
    return hashlib.blake2b(text, digest_size=16).digest()


# A path as an argument names it, what it is (a folder, a file, missing or something
# else, links followed) and whether it may be read and written: what Click checks of it.
PathState = tuple[str, str, bool, bool]


def path_state(path: str) -> PathState:
    """What Click's checks of a path argument see in it (see `PathState`)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return (path, "missing", False, False)
    kind = "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"
    return (path, kind, os.access(path, os.R_OK), os.access(path, os.W_OK))


def inputs(root: Path, started: int) -> bytes | None:
    """A fingerprint of everything in the KB a command reads; None if one may still change.

    Every record file's stamp, `tool.toml`'s bytes and every stamp under templates/.
    """
    found = scan(root, started)
    remember(root, started, found)
    templates = watched(root, "templates", started)
    settings = _settings(root)
    if not found.settled or templates is None or settings is None:
        return None
    key = hashlib.blake2b(found.fingerprint, digest_size=16)
    key.update(repr((templates, settings)).encode(errors="surrogateescape"))
    return key.digest()


def _settings(root: Path) -> bytes | None:
    """A hash of `tool.toml`'s bytes (b"" when there is none); None when it is not a file."""
    path = root / SETTINGS
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return b""
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        return cache.digest(path.read_bytes())
    except OSError:
        return None


def code(started: int) -> str:
    """What names the code in an output's key: its source files' stamps, else their bytes.

    Their stamps, as long as every one was last changed well before `started` (see
    `cache.racy`): reading and hashing all of them (`cache.code_fingerprint`) would cost
    more than the rest of a kept run but the scan.
    """
    stamps = []
    for top, folders, names in os.walk(PACKAGE):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = os.path.join(top, name)
            try:
                info = os.lstat(path)
            except OSError:
                return f"bytes\0{cache.code_fingerprint()}\0{_libraries()}"
            found = cache.stamp(info)
            if not stat.S_ISREG(info.st_mode) or max(found[1], found[3]) >= started - RACY_NS:
                return f"bytes\0{cache.code_fingerprint()}\0{_libraries()}"
            stamps.append((os.path.relpath(path, PACKAGE), found))
    versions = (sys.version, __version__, cache.FORMAT, pickle.HIGHEST_PROTOCOL)
    digest = hashlib.blake2b(repr((versions, stamps)).encode(), digest_size=16)
    return f"stamps\0{digest.hexdigest()}\0{_libraries()}"


def _libraries() -> str:
    """What tells the installed parsers and `PRINTERS` from other releases."""
    found = hashlib.blake2b(digest_size=16)
    for name in (*cache.PARSERS, *PRINTERS):
        found.update(cache._installed(name))
    return found.hexdigest()


class Outputs:
    """Kept outputs of one knowledge base, by key; no answers once something fails.

    A small output is kept in its row; the bytes of a large one in a file of their own
    beside the database, named for the key, which a kept run reads whole at once (read
    from the database, they would come a page at a time).
    """

    def __init__(self, root: Path, started: int, named: str | None = None):
        folder = cache_dir()
        name = cache._name(root, FORMAT)
        self.path = folder / f"{name}.kept.sqlite3" if folder else None
        self.files = folder / f"{name}.kept" if folder else None
        named = code(started) if named is None else named
        self.salt = f"{root}\0{named}".encode(errors="surrogateescape")

    def _key(self, key: bytes) -> bytes:
        return hashlib.blake2b(self.salt + key, digest_size=16).digest()

    def get(self, key: bytes) -> Output | None:
        """The output kept under this key, or None."""
        if self.path is None:
            return None
        found = self._key(key)
        value = _row(self.path, found)
        return self._whole(found, value) if _is_stored(value) else None

    def _whole(self, key: bytes, value: Stored) -> Output | None:
        """A kept output with the bytes of its file in place of their lengths (see `put`)."""
        status, pieces = value
        data = b""
        if any(isinstance(piece, int) for _, piece in pieces):
            try:
                data = (self.files / key.hex()).read_bytes() if self.files else b""
            except OSError:  # removed by a run keeping newer outputs: computed again
                return None
        whole: list[tuple[bool, str | bytes]] = []
        at = 0
        for err, piece in pieces:
            if isinstance(piece, int):
                whole.append((err, data[at : at + piece]))
                at += piece
            else:
                whole.append((err, piece))
        return (status, whole) if at == len(data) else None

    def put(self, command: str, key: bytes, output: Output) -> None:
        """Keep an output, and only the few latest of this command's."""
        if self.path is None or self.files is None:
            return
        status, pieces = output
        size = sum([len(piece) for _, piece in pieces])
        if size > LARGEST:
            return
        found = self._key(key)
        if size > INLINE and any(isinstance(piece, bytes) for _, piece in pieces):
            stored: list[tuple[bool, str | bytes | int]] = [
                (err, len(piece) if isinstance(piece, bytes) else piece) for err, piece in pieces
            ]
            data = b"".join(piece for _, piece in pieces if isinstance(piece, bytes))
            if not _write(self.files, found.hex(), data):
                return
        else:
            stored = list(pieces)
        names = _keep(self.path, found, command, (status, stored), KEEP)
        if names is not None:
            _forget(self.files, names)


class Calls:
    """The command lines of recent runs whose output is kept, each with what it meant.

    By `call_key`: a run started with the same one finds the rest of its output's key
    here, and prints the output without parsing it (tool.launch). One database for the
    user, in the same shape as the outputs', the latest `CALLS` kept.
    """

    def __init__(self, folder: Path):
        self.path = folder / "command-lines.sqlite3"

    def get(self, key: bytes) -> Call | None:
        """What this command line meant, or None."""
        value = _row(self.path, key)
        return value if _is_call(value) else None

    def put(self, key: bytes, call: Call) -> None:
        """Remember a command line, unless it is remembered as this already."""
        if self.get(key) != call:
            _keep(self.path, key, "", call, CALLS)


def _row(path: Path, key: bytes) -> Any:
    """The value kept under a key in one of these databases; None if there is none."""
    if not os.path.isfile(path):  # no error either: a folder that may not be searched
        return None
    db = open_database(path, _connect, lambda db: None)
    if db is None:
        return None
    try:
        row = db.execute("SELECT value FROM kept WHERE key = ?", (key,)).fetchone()
        return None if row is None else pickle.loads(row[0])
    except Exception:  # damaged, or not unpickled by this code: computed again and replaced
        return None
    finally:
        db.close()


def _keep(path: Path, key: bytes, command: str, value: object, latest: int) -> set[str] | None:
    """Keep a value, and only the `latest` few of this command's; the keys left, as hex."""
    db = open_database(path, _connect, lambda db: None)
    if db is None:
        return None
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            "INSERT OR REPLACE INTO kept (key, command, value) VALUES (?, ?, ?)",
            (key, command, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)),
        )
        db.execute(
            "DELETE FROM kept WHERE command = ?1 AND rowid NOT IN "
            "(SELECT rowid FROM kept WHERE command = ?1 ORDER BY rowid DESC LIMIT ?2)",
            (command, latest),
        )
        names = {row[0].hex() for row in db.execute("SELECT key FROM kept")}
        db.execute("COMMIT")
    except sqlite3.Error:
        return None  # busy, full: the next run keeps it
    finally:
        db.close()
    return names


def _is_call(value: Any) -> TypeGuard[Call]:
    """Whether a value from a row is a `Call` whose parts have their types."""
    return (
        isinstance(value, Call)
        and (value.given is None or isinstance(value.given, str | os.PathLike))
        and isinstance(value.suffix, bytes)
        and isinstance(value.paths, tuple)
        and all(
            isinstance(state, tuple)
            and len(state) == 4
            and all(isinstance(part, str) for part in state[:2])
            and all(isinstance(part, bool) for part in state[2:])
            for state in value.paths
        )
    )


def _write(folder: Path, name: str, data: bytes) -> bool:
    """Write a file of the cache whole (another name until it is), or not at all."""
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, folder / name)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


def _forget(folder: Path, kept: set[str]) -> None:
    """Delete the files of outputs no longer kept (a killed run's half-written one, old)."""
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name in kept:
                continue
            with contextlib.suppress(OSError):
                young = now - entry.stat(follow_symlinks=False).st_mtime < LEFTOVER_SECONDS
                if not (entry.name.endswith(".tmp") and young):  # another run's, being written
                    os.unlink(entry.path)


def _is_stored(value: Any) -> TypeGuard[Stored]:
    """Whether a value from a row has the shape `put` keeps."""
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], list)
        and all(
            isinstance(piece, tuple)
            and len(piece) == 2
            and isinstance(piece[0], bool)
            and isinstance(piece[1], str | bytes | int)
            and not isinstance(piece[1], bool)
            for piece in value[1]
        )
    )


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        application = db.execute("PRAGMA application_id").fetchone()[0]
        if (application, db.execute("PRAGMA user_version").fetchone()[0]) != (
            APPLICATION_ID,
            VERSION,
        ):
            _create(db)
        db.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        db.close()
        raise
    return db


def _create(db: sqlite3.Connection) -> None:
    """Make an empty database ours; one with tables of its own is someone else's."""
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise Foreign("a database that is not this tool's kept outputs")
    db.execute("PRAGMA page_size = 8192")
    db.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "CREATE TABLE IF NOT EXISTS kept (key BLOB PRIMARY KEY, command TEXT NOT NULL, "
        "value BLOB NOT NULL)"
    )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {VERSION}")
    db.execute("COMMIT")
