"""Full-text search over people and interviews, ignoring case and accents."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tool.model import Interview, KnowledgeBase, Person
from tool.parse.frontmatter import decode
from tool.store.cache import digest
from tool.store.files import read_file, read_text_file
from tool.store.loading import content_hash
from tool.store.text_index import TextIndex
from tool.text import comparable, comparable_with_origin

PLACES = ("people", "interviews")
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_KEY = re.compile(r"[ \t]*[\w-]+:[ \t]*")


def terms(query: str) -> list[str]:
    """Words, and "quoted phrases" as one term, made comparable; blanks are dropped."""
    found = []
    for match in _TERM.finditer(query):
        term = " ".join(comparable(match.group(1) or match.group(2) or "").split())
        if term:
            found.append(term)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Hit:
    """A line holding at least one term, with the spans of the matches in it."""

    path: PurePosixPath
    line: int
    text: str
    spans: tuple[tuple[int, int], ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "line": self.line,
            "text": self.text,
            "matches": [list(s) for s in self.spans],
        }


def search_texts(files: Iterable[tuple[PurePosixPath, str, int]], query: list[str]) -> list[Hit]:
    """Lines of the files that hold every term, each with the lines where a term appears.

    `files` are (path, text, first body line). Front-matter keys never match, only values.
    """
    hits: list[Hit] = []
    for path, text, body_line in files:
        whole = comparable(text)
        if not all(term in whole for term in query):
            continue
        found: list[Hit] = []
        seen: set[str] = set()
        for number, line in enumerate(text.split("\n"), start=1):
            start = 0
            if number < body_line:
                key = _KEY.match(line)
                start = key.end() if key else 0
            spans = _spans(line, start, query)
            if spans:
                found.append(Hit(path, number, line, spans))
                folded = comparable(line[start:])
                seen.update(t for t in query if t in folded)
        # Several terms mean all of them, anywhere in the same file.
        if found and seen.issuperset(query):
            hits += found
    return sorted(hits, key=lambda h: (str(h.path), h.line))


def _spans(line: str, start: int, query: list[str]) -> tuple[tuple[int, int], ...]:
    if not any(term in comparable(line[start:]) for term in query):
        return ()
    folded, origin = comparable_with_origin(line[start:])
    spans: list[tuple[int, int]] = []
    for term in query:
        at = folded.find(term)
        while at >= 0:
            spans.append((start + origin[at], start + origin[at + len(term) - 1] + 1))
            at = folded.find(term, at + len(term))
    return tuple(_merge(sorted(spans)))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


class LoadedTexts:
    """What the load read, sorted for a search: texts that may match, files that cannot.

    Give `keep` to `store.loading.load`: a file it reads is then not read again, and only
    the texts that hold every term are kept, so memory does not grow with the KB. Given the
    KB's root, each text read is also kept, folded, in the store's index (`TextIndex`), so
    that a later search reads only the files that may match.
    """

    def __init__(self, query: str, root: Path | None = None):
        self.terms = terms(query)
        self.may_match: dict[str, str] = {}
        self.cannot_match: set[str] = set()
        self.index = TextIndex(root) if root is not None else None

    def keep(self, rel: str, data: bytes) -> None:
        text, _ = decode(data)
        if text is None:
            self.cannot_match.add(rel)
            return
        folded = comparable(text)
        if self.index is not None:
            self.index.put(rel, digest(data), folded)
        if all(term in folded for term in self.terms):
            self.may_match[rel] = text
        else:
            self.cannot_match.add(rel)

    def close(self) -> None:
        """Save what the index learnt this run."""
        if self.index is not None:
            self.index.close()


def search(
    kb: KnowledgeBase,
    query: str,
    places: Iterable[str] = PLACES,
    loaded: LoadedTexts | None = None,
) -> list[Hit]:
    """Search the files of the KB that loaded, in the given folders.

    Files the load read (`loaded`) are not read again; of the others (taken from the cache),
    only those the index says may match are read, or all of them without an index.
    """
    wanted = terms(query)
    if not wanted:
        return []
    loaded = loaded or LoadedTexts(query)
    records = [
        *(kb.people.values() if "people" in places else ()),
        *(kb.interviews.values() if "interviews" in places else ()),
    ]
    index = loaded.index
    if index is not None and index.usable:
        _bring_up_to_date(kb, index, loaded)
    holding = index.holding(wanted) if index is not None else None
    if holding is not None:  # the files the load did not read, and that cannot match, go
        records = [r for r in records if _loaded(loaded, r) or str(r.path) in holding]
    return search_texts(_texts(kb, records, loaded), wanted)


def _loaded(loaded: LoadedTexts, record: Person | Interview) -> bool:
    rel = str(record.path)
    return rel in loaded.may_match or rel in loaded.cannot_match


def _bring_up_to_date(kb: KnowledgeBase, index: TextIndex, loaded: LoadedTexts) -> None:
    """Give the index the text of every record file it lacks, or has for other bytes."""
    index.keep_only(kb.files)
    everyone: list[Person | Interview] = [*kb.people.values(), *kb.interviews.values()]
    for record in everyone:
        rel = str(record.path)
        if _loaded(loaded, record) or index.current(rel, content_hash(record)):
            continue
        data, _, _ = read_file(kb.root, kb.root / record.path)
        if data is not None:
            loaded.keep(rel, data)  # read once: kept for the scan if it may match


def _texts(
    kb: KnowledgeBase, records: list[Person | Interview], loaded: LoadedTexts
) -> Iterator[tuple[PurePosixPath, str, int]]:
    """The text of each record's file that may match, with the line its body starts on."""
    for record in records:
        rel = str(record.path)
        if rel in loaded.cannot_match:
            continue
        text = loaded.may_match.get(rel)
        if text is None:
            text, _ = read_text_file(kb.root, kb.root / record.path)
        if text is not None:
            yield record.path, text, record.body_line
