"""A per-user index of each file's comparable text, so a search reads only files that may match.

It lives beside the cache (its own SQLite database in the user's cache folder), one row per
file: the path, the hash of the bytes the text was folded from, the folded text, with an
FTS5 trigram index over it where this SQLite has one (else a plain table, scanned in C),
and the file's text with each line folded as a search compares it (`searched`): a search
where no file changed then reads no file at all.
Rows are written only by `tool search`, only for files whose bytes changed, in one
transaction per run; other commands never open it. It is kept only while the code that
folded the texts is the same. A row answers only for the hash it was written with, so a
file changed since is read again, never judged by its old text. Anything that goes wrong
(locked, damaged, someone else's file, no cache folder) turns the index off for the run:
the caller then reads and scans every file, as it would without an index.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from tool.store import cache
from tool.store.cache import (
    APPLICATION_ID,
    BUSY_SECONDS,
    Foreign,
    _damaged,
    _name,
    _remove,
    cache_dir,
    open_database,
)

FORMAT = 3
VERSION = 0x5EA00 + FORMAT  # in the header, apart from the cache's: this file is the index
GRAM = 3
# A file whose text holds every term: path, hash, text, folded text, lines folded keyless.
Matching = tuple[
    str, bytes, str | None, str, str | None
]  # the trigram tokenizer finds no string shorter than this
FTS = (
    "CREATE VIRTUAL TABLE grams USING fts5(text, tokenize='trigram case_sensitive 1', detail=none)"
)
PLAIN = "CREATE TABLE grams (text TEXT NOT NULL)"
SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # The folded text is in `grams`, under the same rowid as the file's row here.
    "CREATE TABLE docs (id INTEGER PRIMARY KEY, rel TEXT UNIQUE NOT NULL, hash BLOB NOT NULL)",
    # Under the same rowid again: the file's decoded text and its lines folded without a
    # leading key (see `search.keyless`), both NULL when the file is to be read and scanned
    # instead. A table apart: every run reads all of `docs`, which stays a few MB.
    "CREATE TABLE texts (id INTEGER PRIMARY KEY, text TEXT, keyless TEXT)",
)


class TextIndex:
    """Comparable texts by path and content hash; None of its answers once it fails."""

    def __init__(self, root: Path):
        folder = cache_dir()
        self.path = folder / f"{_name(root, FORMAT)}.search.sqlite3" if folder else None
        key = f"{root}\0{cache.code_fingerprint()}".encode(errors="surrogateescape")
        self.key = hashlib.blake2b(key, digest_size=16).hexdigest()
        self.fts = False
        self._by_path: dict[str, tuple[int, bytes]] | None = None  # read when first needed
        self.state: str | None = None  # a digest of every row's path and hash (see `holds`)
        self.changed = False  # rows were written or deleted this run: a new state to save
        self.db = self._open()

    @property
    def usable(self) -> bool:
        return self.db is not None

    def _open(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None

        def connect(path: Path) -> sqlite3.Connection:
            return sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)

        def ready(db: sqlite3.Connection) -> None:
            if _kind(db) != (APPLICATION_ID, VERSION):
                _create(db)
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("BEGIN")  # one snapshot, then one write, for the whole run
            if _meta(db, "key") != self.key:  # other code folded these texts
                db.execute("DELETE FROM docs")
                db.execute("DELETE FROM texts")
                db.execute("DELETE FROM grams")
                db.execute("DELETE FROM meta WHERE name = 'state'")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self.key,))
            self.fts = _meta(db, "fts") == "1"
            self.state = _meta(db, "state")

        return open_database(self.path, connect, ready)

    @property
    def rows(self) -> dict[str, tuple[int, bytes]]:
        """Each row's path, id and hash: read once, and only by a run that may change them."""
        if self._by_path is None:
            self._by_path = {}
            if self.db is not None:
                try:
                    self._by_path = {
                        rel: (id_, hash_)
                        for id_, rel, hash_ in self.db.execute("SELECT id, rel, hash FROM docs")
                    }
                except sqlite3.Error as exc:
                    self._fail(exc)
        return self._by_path

    def holds(self, files: Iterable[tuple[str, bytes | None]]) -> bool:
        """Whether the rows are those of exactly these files and bytes, none more, none less.

        Told by a digest kept with the rows, so that a search where no file changed reads
        none of the 40,000 rows' paths to find that out.
        """
        return self.db is not None and self.state is not None and _state(files) == self.state

    def current(self, rel: str, content: bytes | None) -> bool:
        """Whether the row of a file holds the text of these bytes."""
        row = self.rows.get(rel)
        return row is not None and content is not None and row[1] == content

    def put(
        self,
        rel: str,
        content: bytes,
        folded: str,
        text: str | None = None,
        keyless: str | None = None,
    ) -> None:
        """Keep the comparable text of a file's bytes (and what a scan needs), unless kept."""
        if self.db is None or self.current(rel, content) or not rel.isprintable():
            return  # (a name that is not UTF-8 gets no row: its file is always read)
        try:
            old = self.rows.get(rel)
            if old is not None:
                self._delete(old[0])
            self.changed = True
            cursor = self.db.execute("INSERT INTO docs (rel, hash) VALUES (?, ?)", (rel, content))
            self.db.execute(
                "INSERT INTO grams (rowid, text) VALUES (?, ?)", (cursor.lastrowid, folded)
            )
            self.db.execute(
                "INSERT INTO texts (id, text, keyless) VALUES (?, ?, ?)",
                (cursor.lastrowid, text, keyless),
            )
            self.rows[rel] = (cursor.lastrowid or 0, content)
        except sqlite3.Error as exc:
            self._fail(exc)

    def _delete(self, id_: int) -> None:
        assert self.db is not None
        self.changed = True
        for table, key in (("grams", "rowid"), ("docs", "id"), ("texts", "id")):
            self.db.execute(f"DELETE FROM {table} WHERE {key} = ?", (id_,))

    def keep_only(self, rels: Iterable[str]) -> None:
        """Forget the rows of files that are gone."""
        if self.db is None:
            return
        gone = self.rows.keys() - set(rels)
        try:
            for rel in gone:
                self._delete(self.rows.pop(rel)[0])
        except sqlite3.Error as exc:
            self._fail(exc)

    def matching(self, terms: list[str]) -> Iterator[Matching] | None:
        """Each file whose text holds every term, in the order of their paths.

        None when the index cannot say. The rows are read as they are used (their texts
        are never all in memory); a failure on the way raises sqlite3.Error, after which
        the index is off for the run.
        """
        if self.db is None or not terms:
            return None
        where = [f"instr(grams.text, ?{n}) > 0" for n in range(2, len(terms) + 2)]
        grams = sorted({t[i : i + GRAM] for t in terms for i in range(len(t) - GRAM + 1)})
        if self.fts and grams:
            where.append("grams MATCH ?1")
        match = " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)
        query = (
            "SELECT docs.rel, docs.hash, texts.text, grams.text, texts.keyless"
            " FROM grams JOIN docs ON docs.id = grams.rowid"
            " LEFT JOIN texts ON texts.id = grams.rowid WHERE " + " AND ".join(where or ["1"])
        )
        return self._rows(query, [match, *terms])

    def _rows(self, query: str, parameters: list[str]) -> Iterator[Matching]:
        try:
            assert self.db is not None
            yield from self.db.execute(query, parameters)
        except sqlite3.Error as exc:
            self._fail(exc)
            raise

    def _fail(self, exc: sqlite3.Error) -> None:
        """Give up on the index for this run; a damaged one is removed for the next."""
        self.close(save=False)
        if self.path is not None and _damaged(exc):
            _remove(self.path)

    def close(self, save: bool = True) -> None:
        """Commit what this run wrote (a busy database leaves it to the next run)."""
        db, self.db = self.db, None
        if db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            if save and self.changed and self._by_path is not None:
                state = _state((rel, row[1]) for rel, row in self._by_path.items())
                db.execute("INSERT OR REPLACE INTO meta VALUES ('state', ?)", (state,))
            if save and db.in_transaction:
                db.execute("COMMIT")
        db.close()  # rolls back whatever was not committed


def _state(files: Iterable[tuple[str, bytes | None]]) -> str | None:
    """A digest of paths and the hashes of their bytes, in any order; None if one is unknown."""
    ordered = sorted(files)  # by path (each path once): a few sorted runs merge in one pass
    if any(content is None for _, content in ordered):
        return None
    data = b"".join(
        [rel.encode(errors="surrogateescape") + b"\0" + content for rel, content in ordered]  # type: ignore[operator]
    )
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _kind(db: sqlite3.Connection) -> tuple[int, int]:
    application = db.execute("PRAGMA application_id").fetchone()[0]
    return application, db.execute("PRAGMA user_version").fetchone()[0]


def _meta(db: sqlite3.Connection, name: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def _create(db: sqlite3.Connection) -> None:
    """Make an empty database the index; one with tables of its own is someone else's."""
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise Foreign("a database that is not this tool's search index")
    db.execute("PRAGMA page_size = 8192")
    db.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
    db.execute("BEGIN IMMEDIATE")
    if _kind(db) != (APPLICATION_ID, VERSION):  # another run may have made it meanwhile
        for statement in SCHEMA:
            db.execute(statement)
        fts = True
        try:
            db.execute(FTS)
        except sqlite3.OperationalError:  # no FTS5, or no trigram tokenizer (before 3.34)
            fts = False
            db.execute(PLAIN)
        db.execute("INSERT INTO meta VALUES ('fts', ?)", ("1" if fts else "0",))
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {VERSION}")
    db.execute("COMMIT")
