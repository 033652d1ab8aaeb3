"""Load a whole knowledge base: settings, then every record, through the cache.

A record comes from the cache without its body: the body's text and sections are read
from the store the first time a command uses them (`list people` never does), and the
rest (front matter, insights, action items, the file's own problems) is all the rules
and most commands need. A result over every file (what `validate` finds) is kept under a
fingerprint of every file's stamp, so a run where nothing changed stats the files and
reads nothing else.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import functools
import gc
import hashlib
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard, TypeVar

from tool.model import CONFIG_NAME, Config, Insight, Interview, KnowledgeBase, Person, Problem
from tool.parse.frontmatter import Issue, decode, split
from tool.parse.records import interview_from, person_from
from tool.parse.settings import parse_settings
from tool.store.cache import FileCache, digest, read_body, stamp
from tool.store.files import Folders, read_file, read_text_file
from tool.store.scanning import Scan, scan, taken
from tool.store.scanning import watched as _watched

# A file's record, if it makes one, and the problems found reading it.
Parsed = tuple[Person | Interview | None, list[Issue]]
# What the cache keeps of a file besides its body: the kind of record, the record with its
# fields but the lazy ones (None: the file makes no record; with the lazy ones too when
# there is no store to read them from later), and the problems found reading it. Pickled
# so that it unpickles straight into a stored record (see `_Head`), which every head of a
# run is at once.
Head = tuple[str, "StoredPerson | StoredInterview | None", list[Issue]]
# Given the path and bytes of each record file the load had to read (not taken from the cache).
Keep = Callable[[str, bytes], None]
T = TypeVar("T")

# Fields kept apart from the rest of a record, read only when a command uses them.
LAZY = {"people": ("body",), "interviews": ("body", "sections")}
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_FROM = 200
BATCH = 64  # files per task sent to a worker: few enough messages, an even spread
# A result that reads only some files (`Partial`) parses them here, without the cache, while
# they are fewer than one in this many: reading every row's stamp from the cache, and
# starting workers, would cost more.
FEW = 40


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    """Read `tool.toml`; a broken file gives a problem and the defaults."""
    path = root / CONFIG_NAME
    if not os.path.lexists(path):
        return Config(), []
    text, issues = read_text_file(root, path)  # a FIFO, a looping link: reported, not read
    if text is None:
        return Config(), [_problem(CONFIG_NAME, issue) for issue in issues]
    return parse_settings(text)


def load(root: Path, keep: Keep | None = None) -> KnowledgeBase:
    """Read the whole KB once. Every file is read; a bad one becomes problems, not a crash.

    `keep` is given the bytes of each file read, for a command that needs them as well
    (search) and would otherwise read the file a second time.
    """
    root = root.resolve()
    config, problems = load_config(root)
    cache = _cache(root, config)
    try:
        kb = _load(root, config, problems, cache, _scan(root, cache), keep)
        cache.save()
    finally:
        cache.close()
    return kb


@dataclass
class Computed:
    """A result over the whole KB, with the root and the record files it covers."""

    root: Path
    value: Any
    files: list[str]


def computed(
    root: Path,
    name: str,
    compute: Callable[[KnowledgeBase], T],
    watch: tuple[str, ...] = (),
    keep: Keep | None = None,
    update: Callable[[Partial], T] | None = None,
) -> Computed:
    """`compute(kb)`, or its result kept from an earlier run when no input changed since.

    The inputs are every record file, the settings, the files under the `watch` folders
    (by stamp) and the code. A result is kept only when every stamp is old enough to be
    trusted (see `cache`), so an edit made while it was computed is never hidden. `keep`
    is as for `load`, called only when the KB is loaded. `update`, when given, computes
    the same result in place of `compute`, reading only the files it needs (`Partial`).
    """
    root = root.resolve()
    config, problems = load_config(root)
    cache = _cache(root, config)
    try:
        found = _scan(root, cache)
        watched = [_watched(root, folder, cache.started) for folder in watch]
        settled = found.settled and all(w is not None for w in watched)
        key = hashlib.blake2b(found.fingerprint, digest_size=16)
        key.update(repr((config, problems, watched)).encode(errors="surrogateescape"))
        fingerprint = key.digest()
        kept = cache.memo(name, fingerprint) if settled else None
        if _is_computed(kept):
            return Computed(root, kept[0], kept[1])
        if update is not None:
            files = [rel for rel, _, _ in found.files]
            value = update(Partial(root, config, problems, cache, found))  # saves the cache
        else:
            kb = _load(root, config, problems, cache, found, keep)
            cache.save()  # first: the bodies `compute` asks for come from the saved rows
    finally:
        cache.close()
    if update is None:
        value, files = compute(kb), kb.files
    if settled:
        cache.store_memo(name, fingerprint, (value, files))
    return Computed(root, value, files)


@dataclass
class Partial:
    """What a run found before reading any record: for a result that reads only some files."""

    root: Path
    config: Config
    problems: list[Problem]  # the settings' problems
    cache: FileCache
    found: Scan

    def derived(
        self, wanted: Container[str], derive: Derive
    ) -> Iterator[tuple[str, list[Problem], bytes | None, Any]]:
        """What `derive` makes of each wanted file, with its reading problems and content hash.

        Read as `load` reads them: a few files are read and parsed here, leaving the cache
        as it was (their rows are written by the next command that loads them); many go
        through the cache, read and parsed on every core, `derive` worked out where each
        file is parsed, and once the last is given the cache is saved with their rows and
        those of every other file of the scan kept.
        """
        cache, found = self.cache, self.found
        chosen = [f for f in found.files if f[0] in wanted]
        if cache.current and _read_here(len(chosen), len(found.files)):
            folders: Folders = {}
            for rel, entry, _ in chosen:
                rel, record, problems, content = self._parsed(rel, entry.path, folders)
                yield rel, problems, content, derive(rel, record, problems)
            return
        cache.seen.update(rel for rel, _, _ in found.files if rel not in wanted)
        collecting = gc.isenabled()
        gc.disable()  # as in `_load`: many objects made, almost none freed
        try:
            subset = found.only(chosen)
            headings = self.config.headings
            for rel, head, content, made in _files(
                self.root, subset, headings, cache, None, derive
            ):
                _, record, issues = head
                problems = [_problem(rel, i) for i in issues]
                if made is NOTHING:  # from the cache's row: its record is made here
                    if record is not None and content is not None:  # as `_records` does
                        record._source, record._rel, record._hash = self.source, rel, content
                    else:
                        record = None
                    made = derive(rel, record, problems)
                    content = content if record is not None else None
                yield rel, problems, content, made
        finally:
            if collecting:
                gc.enable()
        cache.save()

    def _parsed(
        self, rel: str, path: str, folders: Folders
    ) -> tuple[str, Person | Interview | None, list[Problem], bytes | None]:
        data, _, issues = read_file(self.root, path, folders)
        if data is None:
            return rel, None, [_problem(rel, i) for i in issues], None
        record, issues = parse_record(data, rel, self.config.headings)
        problems = [_problem(rel, i) for i in issues]
        return rel, record, problems, digest(data) if record is not None else None

    def sketch(self, rel: str, content: bytes, fields: dict[str, Any]) -> Person | Interview:
        """A record of the given fields only, for the file `rel` whose bytes hash to `content`.

        Made from what was kept of a record (the fields some rules read); its path and body
        are found as a loaded record's are, from the store else the file, if a rule asks.
        """
        return _stored(rel.split("/")[0], fields, self.source, rel, content)

    @functools.cached_property
    def source(self) -> _Source:
        """Where the lazy fields of this run's records come from."""
        store = str(self.cache.path) if self.cache.path else None
        return _Source(store, str(self.root), self.config.headings)


def _read_here(count: int, total: int) -> bool:
    """Whether `Partial.derived` reads `count` files of `total` itself, not through the cache."""
    return count < max(PARALLEL_FROM, total // FEW)


def _scan(root: Path, cache: FileCache) -> Scan:
    """A scan of the root: the one this run already took, else a new one."""
    found = taken(root)
    if found is None:
        return scan(root, cache.started)
    cache.started = min(cache.started, found[0])  # stamps are judged as of that scan
    return found[1]


def _is_computed(value: object) -> TypeGuard[tuple[Any, list[Any]]]:
    """Whether a kept value has the shape `computed` stores: (result, problems)."""
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list)


def _cache(root: Path, config: Config) -> FileCache:
    return FileCache(root, repr(sorted(config.headings.items())), _is_head)


def _load(
    root: Path,
    config: Config,
    problems: list[Problem],
    cache: FileCache,
    found: Scan,
    keep: Keep | None,
) -> KnowledgeBase:
    people: dict[str, Person] = {}
    interviews: dict[str, Interview] = {}
    people_paths: list[PurePosixPath] = []
    files: list[str] = []
    # Loading makes many objects and frees almost none: the collector would run for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        source = _Source(str(cache.path) if cache.path else None, str(root), config.headings)
        for rel, record, issues in _records(root, found, config, cache, source, keep):
            files.append(rel)
            if rel.startswith("people/"):  # a person's own path, not another one just like it
                people_paths.append(record.path if record else PurePosixPath(rel))
            if issues:
                problems += [_problem(rel, i) for i in issues]
            if isinstance(record, Person):
                people[record.id] = record
            elif isinstance(record, Interview):
                interviews[record.id] = record
    finally:
        if collecting:
            gc.enable()
    # The records live as long as the run: no later collection needs to walk them again (each
    # would, a few times over, as they age; measured, a quarter of a run that reads the cache).
    gc.freeze()
    return KnowledgeBase(root, config, people, interviews, problems, people_paths, files)


def _records(
    root: Path,
    found: Scan,
    config: Config,
    cache: FileCache,
    source: _Source,
    keep: Keep | None,
) -> Iterator[tuple[str, Person | Interview | None, list[Issue]]]:
    """Each file's record and problems, in the scan's order: from the cache, or parsed."""
    done: dict[str, Head] = {}
    hashes: dict[str, bytes] = {}
    for rel, head, content, _ in _files(root, found, config.headings, cache, keep, None):
        done[rel] = head
        if content is not None:
            hashes[rel] = content
    for rel, _, _ in found.files:
        _, record, issues = done.pop(rel)
        if record is not None:  # in the same order as every record's fields: see `_stored`
            record._source, record._rel, record._hash = source, rel, hashes[rel]
        yield rel, record, issues


Blobs = tuple[bytes, bytes | None]  # a pickled head, and the pickled body if there is one
# Given a file's path, its record (None: it makes none) and the problems found reading it:
# what a caller wants of each file, worked out where the file is parsed (in a worker
# process, when there are many). It must pickle: a module's function, or a partial of one.
Derive = Callable[[str, Person | Interview | None, list[Problem]], Any]
# A file to read: its path relative to the root, its path, and the hash of the bytes its
# cached row was parsed from (None: no row to reuse).
Item = tuple[str, str, bytes | None]
# What reading a file gave: its relative path; the stamp of the file as opened, or its
# status when its bytes hash as its row's (then nothing was parsed); the hash of its bytes
# (None: not read); the problems found reading it; the pickled head and body (None: not
# parsed); what `derive` made of it; its bytes, when the caller keeps them.
Got = tuple[str, Any, bytes | None, list[Issue], Blobs | None, Any, bytes | None]
NOTHING: Any = object()  # no `derive` result: the caller works it out from the head


def _files(
    root: Path,
    found: Scan,
    headings: dict[str, str],
    cache: FileCache,
    keep: Keep | None,
    derive: Derive | None,
) -> Iterator[tuple[str, Head, bytes | None, Any]]:
    """Each file's head, the hash of its bytes and what `derive` made of it, in the scan's
    order, the cache's rows written as they come.

    A file is read, hashed and parsed in one place: in worker processes when there are
    many, which give back what the cache keeps and `derive`'s result, so that this process
    only writes rows. What `derive` made is NOTHING for a file whose row served: the caller
    works it out from the head. Else, with `derive`, the head's fields are left out (the
    pickled head is not loaded) and the hash is None for a file that makes no record.
    """
    hits: dict[str, tuple[Head, bytes]] = {}
    missing: list[Item] = []
    stored: set[str] = set()  # files whose rows are written: those the scan could stat
    cache.prefetch([(rel, listed) for rel, _, listed in found.files])
    for rel, entry, listed in found.files:
        hit = cache.get(rel, listed) if listed is not None else None
        if hit is not None:
            hits[rel] = hit, cache.old[rel][2]
            continue
        known = None
        if listed is not None:
            stored.add(rel)
            row = cache.old.get(rel)
            known = row[2] if row is not None else None
        missing.append((rel, entry.path, known))
    work = functools.partial(_read_batch, str(root), headings, derive, keep is not None)
    batches = (missing[at : at + BATCH] for at in range(0, len(missing), BATCH))
    results = _parse_all(batches, work, len(missing) >= PARALLEL_FROM)
    folders: Folders = {}
    position = 0
    for rel, _, _ in found.files:
        if rel in hits:
            yield rel, *hits.pop(rel), NOTHING
            continue
        _, read, content, issues, blobs, derived, data = next(results)
        item = missing[position]
        position += 1
        if keep is not None and data is not None:
            keep(rel, data)
        if content is not None and blobs is None:  # the bytes of its row: nothing parsed
            same = cache.get_same(rel, content)
            if same is not None:
                cache.touch(rel, read, content)
                yield rel, same, content, NOTHING
                continue
            # The row could not be used after all: parse the file here.
            again = _read_one(root, (rel, item[1], None), headings, derive, False, folders)
            _, read, content, issues, blobs, derived, _ = again
        if content is None or blobs is None:  # not read
            yield rel, (rel.partition("/")[0], None, issues), None, derived
            continue
        pickled, body = blobs
        if rel in stored:
            cache.put(rel, read, content, pickled, body)
        if derive is not None:  # no record wanted: the head stays pickled
            yield rel, (rel.partition("/")[0], None, issues), content if body else None, derived
            continue
        value = pickle.loads(pickled)
        if cache.path is None or rel not in stored:  # no store to read the body from later
            value = _with_body(value, body)
        yield rel, value, content, NOTHING
    next(results, None)  # past the last result: the workers are let go and waited for


def _parse_all(
    batches: Iterator[list[Item]], work: Callable[[list[Item]], list[Got]], many: bool
) -> Iterator[Got]:
    """`work` on each batch, the results in order; on every core when there are many.

    A few batches at a time are in the workers' hands, so that memory does not grow with
    the number of files; workers that cannot be started or that die leave the rest to this
    process.
    """
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    pending: collections.deque[tuple[list[Item], Any]] = collections.deque()
    if many and workers > 1:
        try:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            with concurrent.futures.ProcessPoolExecutor(min(workers, 8), context) as pool:
                for batch in batches:
                    pending.append((batch, pool.submit(work, batch)))
                    while len(pending) > 2 * workers or (pending and pending[0][1].done()):
                        yield from _first(pending)
                while pending:
                    yield from _first(pending)
        except (OSError, concurrent.futures.BrokenExecutor):
            pass  # what the workers did not give back is done here, in the same order
    for batch, _ in pending:
        yield from work(batch)
    for batch in batches:
        yield from work(batch)


def _first(pending: collections.deque[tuple[list[Item], Any]]) -> list[Got]:
    """The results of the oldest batch, which leaves the queue only once they are in."""
    results: list[Got] = pending[0][1].result()
    pending.popleft()
    return results


def _read_batch(
    root: str, headings: dict[str, str], derive: Derive | None, keep: bool, items: list[Item]
) -> list[Got]:
    """Read, hash and parse some files (in a worker process, or this one)."""
    folders: Folders = {}  # each folder resolved once a batch, never kept from another run
    top = Path(root)
    return [_read_one(top, item, headings, derive, keep, folders) for item in items]


def _read_one(
    root: Path,
    item: Item,
    headings: dict[str, str],
    derive: Derive | None,
    keep: bool,
    folders: Folders,
) -> Got:
    """Read one file as `read_file` does; parse it unless its bytes hash as its row's."""
    rel, path, known = item
    data, read, issues = read_file(root, path, folders)
    if data is None or read is None:
        derived = derive(rel, None, [_problem(rel, i) for i in issues]) if derive else None
        return rel, None, None, issues, None, derived, None
    content = digest(data)
    kept = data if keep else None
    if content == known:
        return rel, read, content, [], None, None, kept
    record, issues = parse_record(data, rel, headings)
    derived = derive(rel, record, [_problem(rel, i) for i in issues]) if derive else None
    return rel, stamp(read), content, issues, _blobs((record, issues), rel), derived, kept


def _blobs(parsed: Parsed, rel: str) -> Blobs:
    """A parsed file as the cache keeps it: the head, and the lazy fields apart."""
    record, issues = parsed
    kind = rel.split("/")[0]
    if record is None:
        return pickle.dumps((kind, None, issues), protocol=pickle.HIGHEST_PROTOCOL), None
    # The path is not kept: it is rebuilt from the file's name, the same for every load.
    fields = {
        name: _SHARED[name](getattr(record, name)) if name in _SHARED else getattr(record, name)
        for name in _head_names(kind)
        if name != "_headings"
    }
    if isinstance(record, Interview):
        fields["_headings"] = _titles(record.headings())  # last of `_head_names`
    body = {name: getattr(record, name) for name in LAZY[kind]}
    protocol = pickle.HIGHEST_PROTOCOL
    head = (kind, _Head(kind, fields), issues)
    return pickle.dumps(head, protocol), pickle.dumps(body, protocol)


class _Head:
    """A record as its head pickles it: unpickled, a stored record, its fields set one by one.

    Set one by one (as `_stored` sets them), in the same order for every record of a kind,
    the fields' names are kept once for all the records of the kind, not in a dict of 2 KB
    per record.
    """

    __slots__ = ("fields", "kind")

    def __init__(self, kind: str, fields: dict[str, Any]):
        self.kind, self.fields = kind, fields

    def __reduce__(self) -> tuple[Any, ...]:
        return _blank, (self.kind,), (None, self.fields)  # (None, slots): each one `setattr`


def _blank(kind: str) -> StoredPerson | StoredInterview:
    """A stored record without fields yet, as a head unpickles (see `_Head`)."""
    return _STORED[kind].__new__(_STORED[kind])


class _Shared(str):
    """A string many records hold (a status, a field's name): unpickled as one for all.

    Each head is unpickled apart, so each would otherwise have its own copy of every string.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return sys.intern, (str(self),)


def _one(value: Any) -> Any:
    return _Shared(value) if type(value) is str else value


def _ones(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(map(_one, values))


def _lines(lines: dict[str, int]) -> dict[str, int]:
    """The line of each field, under field names shared by all records."""
    return {_one(key): line for key, line in lines.items()}


def _titles(headings: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    return tuple((_one(title), line) for title, line in headings)


def _insights(insights: tuple[Insight, ...]) -> tuple[Insight, ...]:
    return tuple(Insight(i.text, _ones(i.topics), i.line) for i in insights)


# Fields whose values repeat across records, and how to pickle them shared. The rest (ids,
# texts, dates) are each record's own.
_SHARED: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(
        ("person", "time", "status", "format", "purpose", "company", "career", "role"), _one
    ),
    **dict.fromkeys(("location", "relationship", "introduced_by"), _one),
    "tags": _ones,
    "referrals": _ones,
    "lines": _lines,
    "insights": _insights,
}


def _with_body(head: Head, body: bytes | None) -> Head:
    record = head[1]
    if record is not None and body is not None:
        for name, value in pickle.loads(body).items():
            setattr(record, name, value)
    return head


def _is_head(value: object) -> bool:
    """Whether a value from the cache has the shape `_blobs` gives."""
    if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], list)):
        return False
    kind, record = value[0], value[1]
    if kind not in LAZY:
        return False
    if record is None:
        return True
    # The last field set (no class default hides it): a record of other code lacks it.
    last = _head_names(kind)[-1]
    return type(record) is _STORED[kind] and getattr(record, last, _head_names) is not _head_names


@functools.cache
def _head_names(kind: str) -> tuple[str, ...]:
    """The fields a head of this kind holds, in order: all the record's but the lazy ones.

    An interview's also holds each section's title and line (`_headings`): what the rules
    use of the sections, kept at hand.
    """
    record = Person if kind == "people" else Interview
    names = [f.name for f in dataclasses.fields(record) if f.name not in {"path", *LAZY[kind]}]
    return (*names, "_headings") if kind == "interviews" else tuple(names)


@dataclass(frozen=True)
class _Source:
    """Where a stored record's lazy fields come from: the store, else the file itself."""

    store: str | None
    root: str
    headings: dict[str, str]


class _Lazy:
    """A field of a stored record, read from the store on first use."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, record: Any, owner: type | None = None) -> Any:
        if record is None:
            return self
        if self.name == "path":
            record.path = PurePosixPath(record._rel)
        else:  # set one by one, as the other fields were (see `_Head`)
            for name, value in _body(record).items():
                setattr(record, name, value)
        return getattr(record, self.name)


def _body(record: StoredPerson | StoredInterview) -> dict[str, Any]:
    """The lazy fields of a stored record: from the store, else by reading its file again."""
    source: _Source = record._source
    kind = record._rel.split("/")[0]
    names = LAZY[kind]
    found = read_body(Path(source.store), record._rel, record._hash) if source.store else None
    if isinstance(found, dict) and found.keys() == set(names):
        return found
    # The row was replaced or damaged since the load: the file is what the user has now.
    data, _, _ = read_file(Path(source.root), Path(source.root, record._rel))
    again = parse_record(data, record._rel, source.headings)[0] if data is not None else None
    if isinstance(again, Person | Interview) and again.path.parts[0] == kind:
        return {name: getattr(again, name) for name in names}
    return {"body": "", "sections": ()} if kind == "interviews" else {"body": ""}


class _Stored:
    """What a record read from the store adds: where its lazy fields come from."""

    _source: _Source
    _rel: str
    _hash: bytes

    def __eq__(self, other: object) -> bool:
        base = Person if isinstance(self, Person) else Interview
        if not isinstance(other, base):
            return NotImplemented
        return all(
            getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(base)
        )

    __hash__ = None  # type: ignore[assignment]  # as a dataclass with eq: not hashable

    def __reduce__(self) -> tuple[Any, ...]:
        kind = "people" if isinstance(self, Person) else "interviews"
        return _restore, (kind, dict(self.__dict__))


def _restore(kind: str, fields: dict[str, Any]) -> Person | Interview:
    """A stored record again, from a copy or another process: lazy fields still lazy."""
    record = _STORED[kind].__new__(_STORED[kind])
    record.__dict__ = fields
    return record


class StoredPerson(_Stored, Person):
    """A person read from the store: the body is read when first used."""

    body = _Lazy("body")
    path = _Lazy("path")


class StoredInterview(_Stored, Interview):
    """An interview read from the store: the body and sections are read when first used."""

    body = _Lazy("body")
    sections = _Lazy("sections")
    path = _Lazy("path")

    def headings(self) -> tuple[tuple[str, int], ...]:
        """Kept with the rest of the record: a rule on headings reads no body from the store."""
        if "sections" not in self.__dict__:
            found = self.__dict__.get("_headings")
            if isinstance(found, tuple):
                return found
        return super().headings()


# Named as the records they stand for: messages and templates see a Person, an Interview.
for _class, _base in ((StoredPerson, Person), (StoredInterview, Interview)):
    _class.__name__ = _class.__qualname__ = _base.__name__
    _class.__module__ = _base.__module__  # pickled by `_restore`, never found by this name
_STORED: dict[str, type[StoredPerson | StoredInterview]] = {
    "people": StoredPerson,
    "interviews": StoredInterview,
}


def _share_names() -> None:
    """Give each stored record class, once, every name its records' fields may take.

    Python keeps the names of an instance's attributes once per class, for all instances,
    but takes new names only while few instances exist: a name first set after a load
    made thousands of records (`path`, a body read later) would give each record that
    gets it a dict of its own, 1.5 KB.
    """
    for kind, stored in _STORED.items():
        first = stored.__new__(stored)
        for name in (*_head_names(kind), "_source", "_rel", "_hash", "path", *LAZY[kind]):
            setattr(first, name, None)


_share_names()


def _stored(
    kind: str,
    fields: dict[str, Any] | Iterable[tuple[str, Any]],
    source: _Source,
    rel: str,
    content: bytes,
) -> Person | Interview:
    """A record of the given fields, its lazy fields left to be read when used."""
    record = _STORED[kind].__new__(_STORED[kind])
    # Set one by one, in the same order for every record of a kind, the fields' names are
    # kept once for all records of the kind, not in a dict of 2 KB per record.
    whole = False
    for name, value in fields.items() if isinstance(fields, dict) else fields:
        setattr(record, name, value)
        whole = whole or name in LAZY[kind]
    record._source, record._rel, record._hash = source, rel, content
    if whole:
        record.path = PurePosixPath(rel)  # a record parsed whole this run
    return record


def content_hash(record: Person | Interview) -> bytes | None:
    """The hash of the bytes a loaded record was read from (None: not known)."""
    found = getattr(record, "_hash", None)
    return found if isinstance(found, bytes) else None


def parse_record(data: bytes, rel: str, headings: dict[str, str]) -> Parsed:
    """A person or interview from a file's bytes, with the problems found on the way."""
    text, issues = decode(data)
    if text is None:
        return None, issues
    path = PurePosixPath(rel)
    if path.parts[0] == "people":
        return person_from(split(text), path)
    return interview_from(split(text), path, headings)


def _problem(rel: str, issue: Issue) -> Problem:
    return Problem(rel, issue.line, issue.col, issue.severity, issue.message, issue.rule)
