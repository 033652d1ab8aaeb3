"""`tool search` through the store's index: a warm search reads only files that may match."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run, write

from tool.store import cache, files, text_index

WHEN = 1_700_000_000 * 1_000_000_000  # a fixed file time, in nanoseconds
SECOND = 1_000_000_000


@pytest.fixture
def root(make_kb, monkeypatch) -> Path:
    """The `due` KB with accents, inner punctuation and short words, written long ago."""
    root = make_kb("due")
    write(
        root / "people/sean.md",
        "---\nname: Seán O'Brien\ncompany: Zoë & Co\n---\nO\u2019Brien prefers e-mail.\n"
        "Ask about Łódź, 2\u20133 weeks, ab initio.\n",
    )
    settle(root)
    monkeypatch.setattr(cache, "time_ns", lambda: WHEN + 100 * SECOND)
    return root


def settle(root: Path) -> None:
    for path in root.rglob("*.md"):
        os.utime(path, ns=(WHEN, WHEN))


def search(root: Path, *args: str) -> tuple[int, str, str]:
    result = run("search", *args, "--root", root)
    return result.exit_code, result.stdout, result.stderr


def scanned(root: Path, monkeypatch, *args: str) -> tuple[int, str, str]:
    """What a search without any cache prints: every file read and scanned."""
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        return search(root, *args)


def spy_reads(monkeypatch, root: Path) -> Counter[str]:
    """How many times each file of the KB is read from now on."""
    reads: Counter[str] = Counter()
    real = files.read_regular

    def counted(path, *args, **kwargs):
        reads[Path(path).relative_to(root).as_posix()] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_regular", counted)
    return reads


def index_file() -> Path:
    (found,) = cache.cache_dir().glob("*.search.sqlite3")
    return found


QUERIES = [
    ("acme",),
    ("ACME", "--in", "people"),
    ("pricing", "--in", "interviews"),
    ("odé",),
    ("zoe",),
    ("lodz",),
    ("obrien",),
    ("O'Brien", "e-mail"),
    ('"brien prefers"',),
    ('"brienprefers"',),
    ("2-3",),
    ("23",),
    ("robotics", "mentor"),
    ('"one-page brief"',),
    ('"brief one-page"',),
    ("email",),  # a front-matter key only: no match
    ("company",),
    ("example.com",),
    ("ab",),  # shorter than a trigram
    ("ab", "initio"),
    ("o",),
    ("&",),
    ("zeppelin",),
]


@pytest.mark.parametrize("query", QUERIES, ids=" ".join)
def test_the_index_gives_what_a_scan_of_every_file_gives(root, monkeypatch, query):
    expected = scanned(root, monkeypatch, *query)
    assert search(root, *query) == expected  # the index filled
    assert search(root, *query) == expected  # the index used


def test_a_warm_search_reads_no_file(root, monkeypatch):
    expected = scanned(root, monkeypatch, "acme")
    search(root, "acme")
    reads = spy_reads(monkeypatch, root)
    found = search(root, "acme")
    assert found == expected
    assert found[1].endswith("3 lines in 3 files\n")
    del reads["tool.toml"]
    assert reads == {}  # the matching files' texts come from the index, kept for their bytes


def test_a_warm_search_for_a_short_word_reads_no_file(root, monkeypatch):
    search(root, "acme")
    reads = spy_reads(monkeypatch, root)
    assert search(root, "ab", "--in", "people")[1] == (
        "people/sean.md:6: Ask about Łódź, 2\u20133 weeks, ab initio.\n1 line in 1 file\n"
    )
    del reads["tool.toml"]
    assert reads == {}


def _edit(root: Path) -> None:
    path = root / "people/dan-wu.md"
    path.write_text(path.read_text() + "Knows someone at Acme.\n")


def _rename(root: Path) -> None:
    (root / "people/ada-park.md").rename(root / "people/ada-parker.md")


def _delete(root: Path) -> None:
    (root / "people/ben-ode.md").unlink()


def _same_size(root: Path) -> None:
    """Same size, inode and modification time: only the change time and the bytes tell."""
    path = root / "people/ben-ode.md"
    before = path.stat()
    data = path.read_bytes()
    assert b"acme" in data
    path.write_bytes(data.replace(b"acme", b"acne"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _older_time(root: Path) -> None:
    path = root / "people/cleo-ruiz.md"
    path.write_text(path.read_text() + "Moved to Acme.\n")
    os.utime(path, ns=(WHEN - 3600 * SECOND, WHEN - 3600 * SECOND))


@pytest.mark.parametrize(
    "change",
    [_edit, _rename, _delete, _same_size, _older_time],
    ids=["edit", "rename", "delete", "same-size", "older-time"],
)
def test_a_search_is_never_stale(root, monkeypatch, change: Callable[[Path], None]):
    before = search(root, "acme")
    assert search(root, "acme") == before
    change(root)
    after = search(root, "acme")
    assert after == scanned(root, monkeypatch, "acme") != before
    assert search(root, "acme") == after


def test_a_file_changed_while_other_commands_ran_is_not_found_by_its_old_text(root, monkeypatch):
    before = search(root, "acme")
    path = root / "people/ben-ode.md"
    path.write_text(path.read_text().replace("Acme", "Initech").replace("acme", "initech"))
    run("validate", "--root", root)  # the cache has the new bytes; the index, the old text
    after = search(root, "acme")
    assert after == scanned(root, monkeypatch, "acme") != before
    assert "people/ben-ode.md" not in after[1]


@pytest.mark.parametrize("query", [("acme",), ("ab",), ("obrien", "email")], ids=" ".join)
def test_without_fts5_the_index_still_spares_the_reads(root, monkeypatch, query):
    monkeypatch.setattr(text_index, "FTS", "CREATE VIRTUAL TABLE grams USING nothing(text)")
    expected = scanned(root, monkeypatch, *query)
    assert search(root, *query) == expected
    with sqlite3.connect(index_file()) as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'fts'").fetchone() == ("0",)
    reads = spy_reads(monkeypatch, root)
    assert search(root, *query) == expected
    assert set(reads) - {"tool.toml"} == set()


def _locked(root: Path, monkeypatch) -> tuple[int, str, str]:
    """A search while another run holds the index's write lock, with a file to index."""
    monkeypatch.setattr(text_index, "BUSY_SECONDS", 0.01)
    _edit(root)
    db = sqlite3.connect(index_file(), isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        return search(root, "acme")
    finally:
        db.close()


def _damaged(root: Path, monkeypatch) -> tuple[int, str, str]:
    index_file().write_bytes(b"not a database at all" * 500)
    return search(root, "acme")


def _foreign(root: Path, monkeypatch) -> tuple[int, str, str]:
    path = index_file()
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE docs (x)")
    return search(root, "acme")


def _rows_of_other_code(root: Path, monkeypatch) -> tuple[int, str, str]:
    with sqlite3.connect(index_file()) as db:  # texts folded another way: never trusted
        db.execute("UPDATE grams SET text = 'nothing to find here'")
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the code")
    return search(root, "acme")


def _unwritable_folder(root: Path, monkeypatch) -> tuple[int, str, str]:
    place = write(root.parent / "a-file", "not a folder")
    monkeypatch.setenv("TOOL_CACHE_DIR", str(place))
    return search(root, "acme")


@pytest.mark.parametrize(
    "trouble",
    [_locked, _damaged, _foreign, _rows_of_other_code, _unwritable_folder],
    ids=["locked", "damaged", "foreign", "other-code", "no-cache-folder"],
)
def test_an_index_that_cannot_be_used_still_gives_every_match(root, monkeypatch, trouble):
    search(root, "acme")
    found = trouble(root, monkeypatch)
    assert found == scanned(root, monkeypatch, "acme")
    assert found[0] == 0 and "lines in" in found[1]
    assert search(root, "acme") == found  # and the next run has it right as well


@pytest.mark.parametrize(
    "line",
    ["Plain words, O'Brien's e-mail.", "2-3 weeks; a--b a.b.c 1.5 x-2 2-x", "", "--", "A'", "'A"],
)
def test_ascii_lines_fold_with_their_origins_as_any_line_does(line):
    from tool.text import comparable, comparable_with_origin, fold_char

    folded, origin = comparable_with_origin(line)
    assert folded == comparable(line)
    # The same positions as the character-by-character way (which non-ASCII lines take).
    slow, slow_origin = comparable_with_origin(line + " \u00e9")
    assert (slow[:-2], slow_origin[:-2]) == (folded, origin)
    assert all(fold_char(line[i]) == folded[n] for n, i in enumerate(origin))


def test_lines_are_folded_one_by_one_or_as_a_whole_alike(root):
    from tool.search import search_texts

    text = "---\nname: Ann-Marie O'Neil\ne-mail: a@b.co\n---\nAnn-\nMarie met O'\nNeil.\nß\u0301x\n"
    hits = search_texts([(Path("people/x.md"), text, 5)], ["annmarie"])
    assert [(h.line, h.text[slice(*h.spans[0])]) for h in hits] == [(2, "Ann-Marie")]
    hits = search_texts([(Path("people/x.md"), text, 5)], ["mail"])
    assert hits == []  # a key, and a word cut by a line break, never match
    hits = search_texts([(Path("people/x.md"), text, 5)], ["ssx"])
    assert [(h.line, h.spans) for h in hits] == [(8, ((0, 3),))]


TEXTS = [
    "---\nname: Ann-Marie O'Neil\ne-mail: a@b.co\n---\nAnn-\nMarie met O'\nNeil.\nß\u0301x\n",
    "---\nname: Acme\ncompany: Acme Acme\n---\nacme: acme\nNotes: ACME and acmeacme\n",
    "---\nname: Acme\nrole: x\n",  # no body: every line is front matter
    "acme\nname: acme\n\nacme",  # no front matter
    "---\ntags: [acme, e-mail]\nemail: mail@acme.example\n---\n",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("body_line", [0, 1, 2, 3, 4, 5, 9])
@pytest.mark.parametrize("query", [["acme"], ["mail"], ["acme", "mail"], ["name"], ["a"]])
def test_the_index_finds_the_lines_a_scan_finds(text, body_line, query):
    from tool.search import _hits_in, keyless, search_texts
    from tool.text import comparable

    path = Path("people/x.md")
    folded = comparable(text)
    keyed = keyless(text, folded)
    assert keyed is not None
    scanned = search_texts([(path, text, body_line)], query)
    assert _hits_in(path, text, folded, keyed, body_line, query) == scanned


@pytest.mark.parametrize(
    "line",
    [
        "Plain words, O'Brien's e-mail.",
        "2-3 weeks; a--b a.b.c 1.5 x-2 2-x",
        "",
        "--",
        "A'",
        "'A",
        "Zoë O\u2019Brien, Łódź 2\u20133 ab-ŁA",
    ],
)
@pytest.mark.parametrize("start", [0, 3])
@pytest.mark.parametrize("query", [["a"], ["obriens", "mail"], ["ab", "b"], ["23", "2-3"], ["zoe"]])
def test_one_to_one_spans_are_those_the_origins_give(line, start, query):
    from tool.search import _one_to_one_spans, _spans
    from tool.text import comparable_with_origin

    folded, origin = comparable_with_origin(line[start:] + " ß")  # character by character
    assert len(folded) == len(origin)
    expected = []
    for term in query:
        at = folded.find(term)
        while at >= 0:
            expected.append((start + origin[at], start + origin[at + len(term) - 1] + 1))
            at = folded.find(term, at + len(term))
    assert _one_to_one_spans(line[start:], start, query) == expected
    # A line with a character that folds to two is taken the general way, to the same spans.
    assert _spans(line + "ß", start, query) == _spans(line, start, query)


def test_a_new_query_where_no_file_changed_reads_no_path_of_the_index(root, monkeypatch):
    """The index's digest of paths and hashes says it is whole: its 40,000 paths stay unread."""
    search(root, "weeks")  # builds the index
    search(root, "email")  # the search's own result is kept: the index is not asked
    with monkeypatch.context() as m:
        m.setattr(text_index.TextIndex, "rows", property(lambda self: pytest.fail("paths read")))
        reads = spy_reads(m, root)
        found = search(root, "lodz")
    assert set(reads) == {"tool.toml"}  # the settings, read by every run: no note
    assert found == scanned(root, monkeypatch, "lodz")
    assert "people/sean.md:6: Ask about Łódź" in found[1]
    path = root / "people/sean.md"
    path.write_text(path.read_text().replace("Łódź", "Kraków"), encoding="utf-8")
    assert search(root, "krakow") == scanned(root, monkeypatch, "krakow")
    assert search(root, "krakow")[0] == 0 and search(root, "lodz")[0] == 1


def test_a_cold_search_keeps_no_copy_of_the_texts_the_index_holds(root, monkeypatch):
    from tool import search as searchmod
    from tool.store import loading

    expected = scanned(root, monkeypatch, "acme")[1].splitlines()[:-1]
    loaded = searchmod.LoadedTexts("acme", root.resolve())
    kb = loading.load(root, loaded.keep)  # every file read: no cache yet
    try:
        hits = searchmod.search(kb, "acme", loaded=loaded)
    finally:
        loaded.close()
    assert [f"{h.path}:{h.line}: {h.text}" for h in hits] == expected
    assert len(expected) == 3
    assert loaded.may_match == {}  # searched from the index's rows, not from copies in memory
