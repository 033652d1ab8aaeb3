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
        lines = text.split("\n")
        # Folding keeps lines apart (no character folds to a line break, and punctuation
        # is dropped only inside a word), so the whole text's folded lines are each line's.
        folded_lines = whole.split("\n")
        same_lines = len(folded_lines) == len(lines)
        found: list[Hit] = []
        seen: set[str] = set()
        for number, line in enumerate(lines, start=1):
            start = 0
            if number < body_line:
                key = _KEY.match(line)
                start = key.end() if key else 0
            if start == 0 and same_lines:
                folded = folded_lines[number - 1]
            else:
                folded = comparable(line[start:])
            if not any(term in folded for term in query):
                continue
            spans = _spans(line, start, query)
            if spans:
                found.append(Hit(path, number, line, spans))
                seen.update(t for t in query if t in folded)
        # Several terms mean all of them, anywhere in the same file.
        if found and seen.issuperset(query):
            hits += found
    return sorted(hits, key=lambda h: (str(h.path), h.line))


def _spans(line: str, start: int, query: list[str]) -> tuple[tuple[int, int], ...]:
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


# A record's file as a search needs it: its path, the line its body starts on, the hash of
# its bytes (None: not known). Small, so a run where nothing changed keeps them all.
Searchable = tuple[str, int, bytes | None]


def searchable(kb: KnowledgeBase) -> tuple[list[Searchable], list[str]]:
    """Every record's file as a search needs it, and every file of people/ and interviews/."""
    everyone: list[Person | Interview] = [*kb.people.values(), *kb.interviews.values()]
    found = [(str(r.path), r.body_line, content_hash(r)) for r in everyone]
    return found, list(kb.files)


def search(
    kb: KnowledgeBase,
    query: str,
    places: Iterable[str] = PLACES,
    loaded: LoadedTexts | None = None,
) -> list[Hit]:
    """Search the files of the KB that loaded, in the given folders."""
    records, files = searchable(kb)
    return search_files(kb.root, records, files, query, places, loaded)


def search_files(
    root: Path,
    records: list[Searchable],
    files: list[str],
    query: str,
    places: Iterable[str] = PLACES,
    loaded: LoadedTexts | None = None,
) -> list[Hit]:
    """Search the record files of a KB (`files`: all of its files), in the given folders.

    Files the load read (`loaded`) are not read again; of the others, only those the index
    says may match are read, or all of them without an index.
    """
    wanted = terms(query)
    if not wanted:
        return []
    loaded = loaded or LoadedTexts(query)
    index = loaded.index
    if index is not None and index.usable:
        _bring_up_to_date(root, records, files, index, loaded)
    holding = index.holding(wanted) if index is not None else None
    kinds = set(places)
    chosen = [
        (rel, line)
        for rel, line, _ in records
        if rel.split("/")[0] in kinds
        and (holding is None or rel in holding or _loaded(loaded, rel))
    ]
    return search_texts(_texts(root, chosen, loaded), wanted)


def _loaded(loaded: LoadedTexts, rel: str) -> bool:
    return rel in loaded.may_match or rel in loaded.cannot_match


def _bring_up_to_date(
    root: Path, records: list[Searchable], files: list[str], index: TextIndex, loaded: LoadedTexts
) -> None:
    """Give the index the text of every record file it lacks, or has for other bytes."""
    index.keep_only(files)
    for rel, _, content in records:
        if _loaded(loaded, rel) or index.current(rel, content):
            continue
        data, _, _ = read_file(root, root / rel)
        if data is not None:
            loaded.keep(rel, data)  # read once: kept for the scan if it may match


def _texts(
    root: Path, chosen: list[tuple[str, int]], loaded: LoadedTexts
) -> Iterator[tuple[PurePosixPath, str, int]]:
    """The text of each file that may match, with the line its body starts on."""
    for rel, body_line in chosen:
        if rel in loaded.cannot_match:
            continue
        text = loaded.may_match.get(rel)
        if text is None:
            text, _ = read_text_file(root, root / rel)
        if text is not None:
            yield PurePosixPath(rel), text, body_line
