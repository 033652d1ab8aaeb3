"""Full-text search over people and interviews, ignoring case and accents."""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tool.model import Interview, KnowledgeBase, Person
from tool.parse.frontmatter import decode
from tool.store.cache import digest
from tool.store.files import Folders, read_file
from tool.store.loading import content_hash
from tool.store.text_index import Matching, TextIndex
from tool.text import (
    comparable,
    comparable_with_origin,
    fold_case_and_accents,
    fold_char,
    inner_punctuation,
)

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
    part = line[start:]
    if part.isascii() or not part.translate(_NOT_ONE_TO_ONE):
        return tuple(_merge(sorted(_one_to_one_spans(part, start, query))))
    folded, origin = comparable_with_origin(part)
    spans: list[tuple[int, int]] = []
    for term in query:
        at = folded.find(term)
        while at >= 0:
            spans.append((start + origin[at], start + origin[at + len(term) - 1] + 1))
            at = folded.find(term, at + len(term))
    return tuple(_merge(sorted(spans)))


class _NotOneToOne(dict[int, str]):
    """For str.translate: a character that does not fold to exactly one is kept, others go."""

    def __missing__(self, code: int) -> str:
        self[code] = kept = "" if len(fold_char(chr(code))) == 1 else chr(code)
        return kept


_NOT_ONE_TO_ONE = _NotOneToOne()


def _one_to_one_spans(part: str, start: int, query: list[str]) -> list[tuple[int, int]]:
    """The spans `comparable_with_origin` gives, for text whose characters fold one to one.

    The folded text is then the text less the dropped runs of inner punctuation, each
    character folded in its place: a position maps back by the length dropped before it.
    (Most lines are such, ASCII or not; this spares a list of every character's origin.)
    """
    kept: list[int] = [0]  # where each kept piece starts, in the folded text
    shift: list[int] = [0]  # and how far it moved from the text's own position
    pieces: list[str] = []
    at = 0
    for m in inner_punctuation(part):
        begin, end = m.span()
        pieces.append(part[at:begin])
        at = end
        kept.append(kept[-1] + len(pieces[-1]))
        shift.append(at - kept[-1])
    pieces.append(part[at:])
    folded = fold_case_and_accents("".join(pieces))
    spans: list[tuple[int, int]] = []
    for term in query:
        found = folded.find(term)
        while found >= 0:
            last = found + len(term) - 1
            first_piece = bisect.bisect_right(kept, found) - 1
            last_piece = bisect.bisect_right(kept, last) - 1
            spans.append((start + found + shift[first_piece], start + last + shift[last_piece] + 1))
            found = folded.find(term, found + len(term))
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def keyless(text: str, folded: str) -> str | None:
    """Each line of a text folded as `search_texts` compares it in front matter: no key.

    With `folded` (the whole text folded), this is all a search needs to find the lines that
    hold a term, in a front matter of any length. None when the lines do not fold one to one.
    """
    lines = text.split("\n")
    folded_lines = folded.split("\n")
    if len(folded_lines) != len(lines):
        return None
    out = []
    for line, whole in zip(lines, folded_lines, strict=True):
        key = _KEY.match(line)
        out.append(comparable(line[key.end() :]) if key else whole)
    joined = "\n".join(out)
    return joined if joined.count("\n") == len(lines) - 1 else None


def _hits_in(
    path: PurePosixPath, text: str, folded: str, keyed: str, body_line: int, query: list[str]
) -> list[Hit]:
    """`search_texts` of one file, from its text folded whole and keyless (see `keyless`).

    The lines that hold a term are found by searching the folded texts, front matter in the
    keyless one and the body in the whole one; only those lines are looked at.
    """
    if not all(term in folded for term in query):
        return []
    body_line = max(body_line, 1)  # numbers below 1 mean no front matter, as 1 does
    body_start = _line_start(folded, body_line)
    # The line break before the body (-1: no front matter); the whole text if no body.
    head_end = len(keyed) if body_start < 0 else _line_start(keyed, body_line) - 1
    holding: dict[int, list[str]] = {}  # line number: the terms its folded text holds
    for term in query:
        if head_end > 0:
            _lines_holding(keyed, term, 0, head_end, 1, holding)
        if body_start >= 0:
            _lines_holding(folded, term, body_start, len(folded), body_line, holding)
    if not holding:
        return []
    lines = text.split("\n")
    found: list[Hit] = []
    seen: set[str] = set()
    for number in sorted(holding):
        line = lines[number - 1]
        start = 0
        if number < body_line:
            key = _KEY.match(line)
            start = key.end() if key else 0
        spans = _spans(line, start, query)
        if spans:
            found.append(Hit(path, number, line, spans))
            seen.update(holding[number])
    return found if found and seen.issuperset(query) else []


def _line_start(text: str, number: int) -> int:
    """Where line `number` (from 1) of a text starts; -1 past the last line."""
    if number <= 1:
        return 0
    before = text.split("\n", number - 1)
    return len(text) - len(before[-1]) if len(before) == number else -1


def _lines_holding(
    text: str, term: str, start: int, end: int, line: int, out: dict[int, list[str]]
) -> None:
    """Note in `out` each line of text[start:end] holding term (`line`: the first one's number)."""
    pos = start
    while True:
        at = text.find(term, pos, end)
        if at < 0:
            return
        line += text.count("\n", pos, at)
        out.setdefault(line, []).append(term)
        after = text.find("\n", at, end)  # the rest of this line holds nothing new
        if after < 0:
            return
        line += 1
        pos = after + 1


class LoadedTexts:
    """What the load read, sorted for a search: texts that may match, files that cannot.

    Give `keep` to `store.loading.load`: a file it reads is then not read again. Given the
    KB's root, each text read is kept, folded, in the store's index (`TextIndex`), so that a
    later search reads only the files that may match, and this one searches it from its row
    like the others; of the texts the index does not keep, only those that hold every term
    are kept here. Memory does not grow with the KB.
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
            keyed = keyless(text, folded)
            kept = None if keyed is None else text  # None: the file is read to be searched
            content = digest(data)
            self.index.put(rel, content, folded, kept, keyed)
            if kept is not None and self.index.current(rel, content):
                return  # searched from its row with the others: not a copy of every text here
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
    says may match are looked at, from the texts the index keeps for their bytes (a file
    whose text it does not keep is read), or all of them without an index.
    """
    wanted = terms(query)
    if not wanted:
        return []
    loaded = loaded or LoadedTexts(query)
    index = loaded.index
    if index is not None and index.usable:
        _bring_up_to_date(root, records, files, index, loaded)
    kinds = set(places)
    chosen = {rel: (line, content) for rel, line, content in records if rel.split("/")[0] in kinds}
    hits: list[Hit] = []
    rows = index.matching(wanted) if index is not None else None
    if rows is not None:
        try:
            hits, chosen = _from_index(rows, chosen, loaded, wanted)
        except sqlite3.Error:  # the index failed half way: every file is read instead
            hits = []
    texts = _texts(root, [(rel, line) for rel, (line, _) in chosen.items()], loaded)
    return sorted(hits + search_texts(texts, wanted), key=lambda h: (str(h.path), h.line))


def _from_index(
    rows: Iterator[Matching],
    chosen: dict[str, tuple[int, bytes | None]],
    loaded: LoadedTexts,
    query: list[str],
) -> tuple[list[Hit], dict[str, tuple[int, bytes | None]]]:
    """The hits in the files the index says may match, and those of them still to read.

    A file is searched from the index's row only when the row is for the bytes the record
    was read from; the files the load read, and any other that may match, are left to read.
    """
    hits: list[Hit] = []
    left: dict[str, tuple[int, bytes | None]] = {}
    for rel, content, text, folded, keyed in rows:
        wanted = chosen.get(rel)
        if wanted is None:
            continue
        line, record_content = wanted
        if _loaded(loaded, rel) or text is None or keyed is None or content != record_content:
            left[rel] = wanted
        else:
            hits += _hits_in(PurePosixPath(rel), text, folded, keyed, line, query)
    left.update((rel, chosen[rel]) for rel in chosen if _loaded(loaded, rel))
    return hits, left


def _loaded(loaded: LoadedTexts, rel: str) -> bool:
    return rel in loaded.may_match or rel in loaded.cannot_match


def _bring_up_to_date(
    root: Path, records: list[Searchable], files: list[str], index: TextIndex, loaded: LoadedTexts
) -> None:
    """Give the index the text of every record file it lacks, or has for other bytes."""
    if not (loaded.may_match or loaded.cannot_match) and index.holds(
        (rel, content) for rel, _, content in records
    ):
        return  # it holds these files' texts already, and no other
    index.keep_only(files)
    folders: Folders = {}
    for rel, _, content in records:
        if _loaded(loaded, rel) or index.current(rel, content):
            continue
        data, _, _ = read_file(root, root / rel, folders)
        if data is not None:
            loaded.keep(rel, data)  # read once: kept for the scan if it may match


def _texts(
    root: Path, chosen: list[tuple[str, int]], loaded: LoadedTexts
) -> Iterator[tuple[PurePosixPath, str, int]]:
    """The text of each file that may match, with the line its body starts on."""
    folders: Folders = {}
    for rel, body_line in chosen:
        if rel in loaded.cannot_match:
            continue
        text = loaded.may_match.get(rel)
        if text is None:
            data, _, _ = read_file(root, root / rel, folders)
            text = None if data is None else decode(data)[0]
        if text is not None:
            yield PurePosixPath(rel), text, body_line
