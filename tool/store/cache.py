"""A per-user cache of parsed files: a run where nothing changed re-reads almost nothing.

The cache lives in the user's cache folder, never in the knowledge base, so a KB cloned
from someone else cannot plant one (pickle data must only come from this user's own runs).
It is kept only while the code that filled it is the same (a hash of this package's source,
the Python and parser versions, the settings), so an upgrade or an edit never serves old
results. An entry is reused on its file's size, modification time, inode and change time
alone only when the file was last modified well before it was read; a file changed in the
same clock tick as the read keeps its stamp, so such an entry is checked against a hash of
the file's bytes instead (git's "racy clean" rule).

Each knowledge base has one SQLite database with a row per file. A row keeps a file's
record without its body (the front matter, insights, action items and the file's own
problems) apart from the body and sections, which are unpickled only by a command that
uses them. A run reads every row's stamp in one snapshot and unpickles only the values it
uses; it then writes, in one transaction, the rows of files that changed and deletes those
of files that are gone, so one edited file costs one row. Results that depend on every
file (what `validate` finds) are kept as well, under a fingerprint of every file's stamp,
and used only while no file has changed since. Readers never wait for a writer (write-ahead
log); a writer waits a bounded time, then leaves the saving to the next run. A damaged or
foreign database is silently rebuilt, and one that cannot be opened or written means a run
without the cache: never an error, never a hang.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import io
import os
import pickle
import re
import sqlite3
import stat as stats
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from time import time_ns
from typing import Any

from tool import __version__

FORMAT = 4
Stamp = tuple[int, int, int, int]
# A row as read: the file's stamp, when it was taken, the hash of its bytes, the row's id.
Known = tuple[str, int, bytes, int]
# Coarser than any common file system's timestamps (FAT keeps two seconds), with a margin.
RACY_NS = 3_000_000_000
LEFTOVER_NS = 3600 * 1_000_000_000  # a temporary file this old belongs to a killed run
# Third-party code whose output ends up in cached values: a new version drops the cache.
PARSERS = ("yaml", "markdown_it")
APPLICATION_ID = 0x746F6F6C  # "tool" in the database header: this file is our cache
# How long a save waits for another run's write to finish before giving up on saving.
BUSY_SECONDS = 3.0
# From this many rows to read, one query for all of them beats a query for each.
PREFETCH_FROM = 500
# Rows kept in memory before they are written (within the run's one write transaction):
# a first run on many files never holds all their parsed values at once.
FLUSH_ROWS = 1000
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS files (
        rel TEXT PRIMARY KEY,      -- path relative to the knowledge base, forward slashes
        stamp TEXT NOT NULL,       -- size, modification time, inode, change time
        taken_ns INTEGER NOT NULL, -- when the stamp was taken: a file changed since is racy
        hash BLOB NOT NULL,        -- of the file's bytes
        value BLOB NOT NULL,       -- the parsed result without its body, pickled
        body BLOB                  -- the body's text and sections, pickled; NULL: none
    )""",
    """CREATE TABLE IF NOT EXISTS memo (
        name TEXT PRIMARY KEY,     -- what was computed: a command's result over every file
        fingerprint BLOB NOT NULL, -- of every input's stamp, the settings and the code
        value BLOB NOT NULL        -- the result, pickled
    )""",
)
UPSERT = """
INSERT INTO files (rel, stamp, taken_ns, hash, value, body) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (rel) DO UPDATE SET
    stamp = excluded.stamp, taken_ns = excluded.taken_ns, hash = excluded.hash,
    value = excluded.value, body = excluded.body
"""
# What a database that is not ours, or is damaged, fails with: it is removed and rebuilt.
# Anything else (busy, read-only, out of space, cannot open) only means no cache this run.
DAMAGED = {
    sqlite3.SQLITE_ERROR,  # no such table, no such column: a schema that is not ours
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_NOTADB,
    sqlite3.SQLITE_MISMATCH,
    sqlite3.SQLITE_FORMAT,
    sqlite3.SQLITE_SCHEMA,
}
# The one-file caches of the previous format, left to take space for nothing.
_OLD_CACHE = re.compile(r"[0-9a-f]{24}\.pickle")


def cache_dir() -> Path | None:
    """`$TOOL_CACHE_DIR`, else `$XDG_CACHE_HOME/tool`, else `~/.cache/tool`; None if disabled.

    Also None for a folder another user owns (a `TOOL_CACHE_DIR` shared on one machine):
    what is kept there was read with that user's rights, and its pickles are theirs.
    """
    if os.environ.get("TOOL_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("TOOL_CACHE_DIR")
    if explicit:
        folder = Path(explicit)
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tool"
    return folder if _ours(folder) else None


def _ours(folder: Path) -> bool:
    """Whether a cache folder is this user's, or not made yet (it will be, by this user)."""
    try:
        owner = os.stat(folder).st_uid
    except FileNotFoundError:
        return True
    except OSError:  # not a folder we can look into: no cache, as for one we cannot write
        return False
    return not hasattr(os, "geteuid") or owner == os.geteuid()


def stamp(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)


def now() -> int:
    """The time a run starts at, which every stamp is judged against (see `racy`)."""
    return time_ns()


def digest(data: bytes) -> bytes:
    """A hash of a file's bytes, to tell an unchanged file from an edited one."""
    return hashlib.blake2b(data, digest_size=16).digest()


@functools.cache
def code_fingerprint() -> str:
    """A hash of everything that shapes a cached value: this package's source and versions."""
    package = Path(__file__).parent.parent  # the whole `tool` package
    found = hashlib.blake2b(digest_size=16)
    for name in PARSERS:
        found.update(_installed(name))
    found.update(f"{sys.version}\0{__version__}\0{FORMAT}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    for path in sorted(package.rglob("*.py")):
        found.update(path.relative_to(package).as_posix().encode() + b"\0")
        try:
            found.update(path.read_bytes())
        except OSError:
            found.update(b"\0unreadable\0")
    return found.hexdigest()


def _installed(name: str) -> bytes:
    """What tells one installed release of a package from another, without importing it.

    Its `__init__.py` (which holds its version) and the names in its folder (a compiled
    part, such as libyaml's for `yaml`, is one of them): importing them both would cost
    more than the rest of a run where nothing changed.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        return f"{name} missing\0".encode()
    origin = Path(spec.origin)
    try:
        names = "\0".join(sorted(os.listdir(origin.parent)))
        return b"%s\0%s\0%s\0%s\0" % (
            name.encode(),
            os.fsencode(origin),
            names.encode(errors="surrogateescape"),
            origin.read_bytes(),
        )
    except OSError:
        return f"{name} unreadable\0".encode()


class FileCache:
    """Parsed results by relative path; only the rows of changed files are written."""

    def __init__(self, root: Path, salt: str, accept: Callable[[Any], bool] = lambda _: True):
        folder = cache_dir()
        self.path = folder / f"{_name(root, FORMAT)}.sqlite3" if folder else None
        self.old_path = folder / f"{_name(root, 2)}.pickle" if folder else None
        # One text for code, settings and root: rows written under another are never read.
        key = f"{root}\0{salt}\0{code_fingerprint()}".encode(errors="surrogateescape")
        self.key = hashlib.blake2b(key, digest_size=16).hexdigest()
        self.accept = accept  # a value that fails this is treated as missing and replaced
        # Taken before any file is looked at: a file modified since is judged against it.
        self.started = time_ns()
        self._old: dict[str, Known] | None = None  # read when first needed: see `old`
        self.current = False  # whether the rows were written under this key
        self.seen: set[str] = set()  # files of this run whose rows are kept
        # Rows to write: stamp, hash, value and body (pickled in the worker that parsed it).
        self.changed: dict[str, tuple[str, bytes, Any, bytes | None]] = {}
        self.fresh: dict[str, Known | None] = {}  # rows judged by `prefetch`, for `get`
        self.fetched: dict[int, bytes] = {}  # values read ahead by `prefetch`, by row id
        self.writing = False  # in the run's write transaction: rows go out as they come
        self.unflushable = False  # the write transaction could not be had: all rows at the end
        self.touched: dict[str, str] = {}  # rows whose file has new stamps, the same bytes
        self.classes: dict[tuple[str, str], Any] = {}  # looked up once a run, not once a row
        self.db = self._open()

    def _open(self) -> sqlite3.Connection | None:
        """Connect and check the tables; None when the cache cannot be used this run."""
        if self.path is None:
            return None

        def ready(db: sqlite3.Connection) -> None:
            db.execute("BEGIN")  # one snapshot for the run: stamps and values agree
            self.current = _key(db) == self.key
            db.execute("SELECT rel, stamp, taken_ns, hash, value, body FROM files LIMIT 1")

        return open_database(self.path, _connect, ready)

    @property
    def old(self) -> dict[str, Known]:
        """Every row's stamp and hash, read once, when first needed (a kept result needs none)."""
        if self._old is None:
            self._old = {}
            if self.db is not None and self.current:  # other code's rows are never unpickled
                try:
                    self._old = self._read(self.db)
                except sqlite3.Error as exc:
                    self.db.close()
                    self.db = None
                    if self.path is not None and _damaged(exc) and _remove(self.path):
                        self.db = self._open()  # a new, empty one, to save this run's rows
        return self._old

    def _read(self, db: sqlite3.Connection) -> dict[str, Known]:
        rows = db.execute("SELECT rel, stamp, taken_ns, hash, rowid FROM files")
        return {
            rel if type(rel) is str else rel.decode(errors="surrogateescape"): (text, t, h, rowid)
            for rel, text, t, h, rowid in rows
        }

    def prefetch(self, files: list[tuple[str, Stamp | None]]) -> None:
        """Read in one query the values `get` will be asked for, when they are many."""
        self.fresh = {rel: self._fresh(rel, found) for rel, found in files}
        wanted = {entry[3] for entry in self.fresh.values() if entry is not None}
        if self.db is None or len(wanted) < PREFETCH_FROM:
            return
        try:
            for rowid, value in self.db.execute("SELECT rowid, value FROM files"):
                if rowid in wanted:
                    self.fetched[rowid] = value
        except sqlite3.Error:  # read row by row instead
            self.fetched.clear()

    def get(self, rel: str, current: Stamp) -> Any | None:
        """The value for a file whose stamp is unchanged and was safely old when taken."""
        entry = self.fresh.pop(rel) if rel in self.fresh else self._fresh(rel, current)
        if entry is None:
            return None
        value = self._value(rel, entry)
        if value is not None:
            self.seen.add(rel)
        return value

    def _fresh(self, rel: str, current: Stamp | None) -> Known | None:
        """The row of a file whose stamp is unchanged and was safely old when taken."""
        entry = self.old.get(rel)
        if entry is None or current is None:
            return None
        if entry[0] != _text(current) or racy(current, entry[1]):
            return None
        return entry

    def get_same(self, rel: str, content: bytes) -> Any | None:
        """The value for a file whose bytes hash the same as when it was parsed."""
        entry = self.old.get(rel)
        return self._value(rel, entry) if entry is not None and entry[2] == content else None

    def _value(self, rel: str, entry: Known) -> Any | None:
        """Unpickle one row's value; a row that cannot be used is forgotten, to be rewritten."""
        value = None
        if self.db is not None:
            try:
                data = self.fetched.pop(entry[3], None)
                if data is None:
                    row = self.db.execute("SELECT value FROM files WHERE rowid = ?", (entry[3],))
                    data = row.fetchone()[0]
                value = _Unpickler(io.BytesIO(data), self.classes).load()
            except Exception:  # a damaged row, a class since renamed: parsed again
                value = None
        if value is None or not self.accept(value):
            del self.old[rel]
            return None
        return value

    def put(
        self, rel: str, found: Stamp, content: bytes, value: Any, body: bytes | None = None
    ) -> None:
        """Remember a value and its pickled body, with the file's stamp from before the read."""
        text = _text(found)
        old = self.old.get(rel)
        self.seen.add(rel)
        # Saving an unchanged entry helps only once it can be trusted on its stamp: a file
        # dated in the future must not make every run write its row.
        if old is None or (old[0], old[2]) != (text, content) or not racy(found, self.started):
            self.changed[rel] = (text, content, value, body)
            if len(self.changed) >= FLUSH_ROWS:
                self._flush()

    def _flush(self) -> None:
        """Write the rows gathered so far, in the write transaction, begun if need be."""
        db = self.db
        if db is None or self.unflushable:
            return
        try:
            self._begin_writing(db)
            db.executemany(UPSERT, self._rows())
            self.changed.clear()
        except sqlite3.Error:  # busy, full: the rows wait for `save`, which tries again
            self.unflushable = True

    def _begin_writing(self, db: sqlite3.Connection) -> None:
        """End the reading snapshot and take the write lock; start over under a new key."""
        if self.writing:
            return
        self.old  # noqa: B018  # every row's stamp, read from the snapshot before it ends
        if db.in_transaction:
            db.execute("COMMIT")  # the snapshot read at the start
        if self.path is not None:
            _remove_leftovers(self.path.parent, self.old_path)
        db.execute("BEGIN IMMEDIATE")  # waits at most BUSY_SECONDS for another writer
        self.writing = True
        if _key(db) != self.key:  # new code or settings, or a new database: start over
            db.execute("DELETE FROM files")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self.key,))

    def touch(self, rel: str, read: os.stat_result, content: bytes) -> None:
        """Note the new stamp of a file whose bytes are those of its row (`get_same`)."""
        found = stamp(read)
        text = _text(found)
        self.seen.add(rel)
        old = self.old.get(rel)
        if old is not None and (old[0] != text or not racy(found, self.started)):
            self.touched[rel] = text

    def memo(self, name: str, fingerprint: bytes) -> Any | None:
        """A result over every file kept under this fingerprint, or None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT value FROM memo WHERE name = ? AND fingerprint = ?",
                (name, self._salted(fingerprint)),
            ).fetchone()
            return None if row is None else _Unpickler(io.BytesIO(row[0]), self.classes).load()
        except Exception:  # damaged: computed again and replaced
            return None

    def store_memo(self, name: str, fingerprint: bytes, value: Any) -> None:
        """Keep a result over every file, after `save`; a busy or broken cache keeps none."""
        if self.path is None:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with contextlib.closing(_connect(self.path)) as db:
                db.execute("BEGIN IMMEDIATE")
                if _key(db) == self.key:  # rows of other code: the memo would not match them
                    db.execute(
                        "INSERT OR REPLACE INTO memo VALUES (?, ?, ?)",
                        (name, self._salted(fingerprint), data),
                    )
                db.execute("COMMIT")
        except sqlite3.Error:
            pass  # the next run computes it again

    def _salted(self, fingerprint: bytes) -> bytes:
        """A fingerprint that also names this code, these settings and this root."""
        return hashlib.blake2b(self.key.encode() + fingerprint, digest_size=16).digest()

    def body(self, rel: str, content: bytes) -> Any | None:
        """The body kept for a file whose bytes hashed to `content`, or None."""
        return read_body(self.path, rel, content) if self.path is not None else None

    def save(self) -> None:
        """Write changed rows and delete the rows of files gone, in one transaction."""
        db = self.db
        if db is None or self.path is None:
            return
        gone = self.old.keys() - self.seen
        self.db = None
        damaged = False
        try:
            if self.changed or gone or self.touched or self.writing:
                self._begin_writing(db)
                db.executemany("DELETE FROM files WHERE rel = ?", [(_rel(rel),) for rel in gone])
                db.executemany(UPSERT, self._rows())
                db.executemany(
                    "UPDATE files SET stamp = ?, taken_ns = ? WHERE rel = ?",
                    [(text, self.started, _rel(rel)) for rel, text in self.touched.items()],
                )
                db.execute("DELETE FROM memo")  # results over files that have changed since
            if db.in_transaction:
                db.execute("COMMIT")
        except sqlite3.Error as exc:  # busy, read-only, full: the next run saves
            damaged = _damaged(exc)
        finally:
            db.close()  # rolls back whatever was not committed
        if damaged:
            _remove(self.path)  # the next run starts a new one

    def _rows(self) -> Iterator[tuple[str | bytes, str, int, bytes, bytes, bytes | None]]:
        for rel, (text, content, value, body) in self.changed.items():
            data = (
                value if isinstance(value, bytes) else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            )
            yield _rel(rel), text, self.started, content, data, body

    def close(self) -> None:
        """Let go of the database without saving (a run that stopped half way)."""
        if self.db is not None:
            self.db.close()
            self.db = None


# One read-only connection per database and process, for bodies asked for after the load.
_readers: dict[Path, sqlite3.Connection] = {}


def read_body(path: Path, rel: str, content: bytes) -> Any | None:
    """The body kept for a file whose bytes hashed to `content`; None when it is not kept."""
    try:
        db = _readers.get(path)
        if db is None:
            db = _readers[path] = sqlite3.connect(
                f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS, isolation_level=None
            )
        row = db.execute(
            "SELECT body FROM files WHERE rel = ? AND hash = ?", (_rel(rel), content)
        ).fetchone()
        return None if row is None or row[0] is None else pickle.loads(row[0])
    except Exception:  # gone, damaged, rewritten by another run: the caller parses again
        return None


def open_database(
    path: Path,
    connect: Callable[[Path], sqlite3.Connection],
    ready: Callable[[sqlite3.Connection], None],
) -> sqlite3.Connection | None:
    """Connect to one of our databases and make it `ready`; None when it cannot serve this run.

    A damaged file is removed and made again, once; a locked, foreign or unwritable one
    leaves the run to work without it.
    """
    for _ in range(2):
        db = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = connect(path)
            ready(db)
            return db
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            if not (_damaged(exc) and _remove(path)):
                return None
        except OSError:
            if db is not None:
                db.close()
            return None
    return None


class _Unpickler(pickle.Unpickler):
    """An unpickler that finds each class once for many rows (each one costs an import)."""

    def __init__(self, data: io.BytesIO, classes: dict[tuple[str, str], Any]):
        super().__init__(data)
        self.classes = classes

    def find_class(self, module: str, name: str) -> Any:
        found = self.classes.get((module, name))
        if found is None:
            found = self.classes[module, name] = super().find_class(module, name)
        return found


def _name(root: Path, version: int) -> str:
    """The file name of one knowledge base's cache: its root, hashed."""
    return hashlib.sha256(f"{root}\0{version}".encode(errors="surrogateescape")).hexdigest()[:24]


def _rel(rel: str) -> str | bytes:
    """A path as stored: text, or its bytes when the file's name is not UTF-8."""
    try:
        rel.encode()
    except UnicodeEncodeError:
        return rel.encode(errors="surrogateescape")
    return rel


def _text(found: Stamp) -> str:
    # Text, not four integers: a stamp can exceed SQLite's 64-bit integers (a time far ahead).
    return " ".join(map(str, found))


def racy(found: Stamp, taken_ns: int) -> bool:
    """Whether the file may have changed within the same timestamp tick as it was read."""
    return found[1] >= taken_ns - RACY_NS


def _connect(path: Path) -> sqlite3.Connection:
    """Open our database, creating it when missing or empty; raises for anyone else's."""
    db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        if _kind(db) != (APPLICATION_ID, FORMAT):
            _create(db)
        db.execute("PRAGMA synchronous = NORMAL")  # a crash may lose the last save, never more
        db.execute("PRAGMA journal_size_limit = 4194304")  # a large save leaves no large log
    except BaseException:
        db.close()
        raise
    return db


def _kind(db: sqlite3.Connection) -> tuple[int, int]:
    """The application id and format in the database's header (zeros when new)."""
    application = db.execute("PRAGMA application_id").fetchone()[0]
    return application, db.execute("PRAGMA user_version").fetchone()[0]


def _create(db: sqlite3.Connection) -> None:
    """Make an empty database ours; one with tables of its own is someone else's."""
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise Foreign("a database that is not this tool's cache")
    db.execute("PRAGMA page_size = 8192")  # fewer half-empty pages for rows of a few KB
    db.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
    db.execute("BEGIN IMMEDIATE")
    if _kind(db) != (APPLICATION_ID, FORMAT):  # another run may have made it meanwhile
        for statement in SCHEMA:
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {FORMAT}")
    db.execute("COMMIT")


class Foreign(sqlite3.DatabaseError):
    """A database with tables of its own: not a cache of this tool."""


def _damaged(exc: sqlite3.Error) -> bool:
    """Whether an error says the file is not our database, rather than that it is busy."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, Foreign) or (code is not None and code & 0xFF in DAMAGED)


def _remove(path: Path) -> bool:
    """Delete a database and its companions, if they are files; whether that worked."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        name = f"{path}{suffix}"
        try:
            if not stats.S_ISREG(os.lstat(name).st_mode):
                return False
            os.unlink(name)
        except FileNotFoundError:
            continue
        except OSError:
            return False
    return True


def _key(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE name = 'key'").fetchone()
    return row[0] if row else None


def _remove_leftovers(folder: Path, old_cache: Path | None) -> None:
    """Delete what earlier versions left: killed saves' temporary files, an old-format cache."""
    now = time_ns()
    if old_cache is not None and _OLD_CACHE.fullmatch(old_cache.name):
        with contextlib.suppress(OSError):
            old_cache.unlink()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if now - entry.stat(follow_symlinks=False).st_mtime_ns > LEFTOVER_NS:
                        os.unlink(entry.path)
