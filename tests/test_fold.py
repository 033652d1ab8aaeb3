"""One folding for every match: ids, `tool search`, list filters, names, and the digest's search.

Run this file as a script to write the folding table into the digest's search.js again.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest
from conftest import run, write

from tool.ids import slugify
from tool.people import name_key
from tool.text import browser_fold_table, comparable, fold_case_and_accents, fold_char

SEARCH_JS = Path(__file__).resolve().parents[1] / "tool" / "digest" / "theme" / "search.js"
BLOCK = re.compile(r"(  // FOLD BEGIN\n).*?(  // FOLD END\n)", re.DOTALL)


def fold_block() -> str:
    """The `var FOLD = {...};` lines of search.js, from tool.text."""
    entries = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in browser_fold_table().items()]
    lines, line = [], "   "
    for entry in entries:
        if len(line) + len(entry) + 2 > 96:
            lines.append(line.rstrip())
            line = "   "
        line += f" {entry},"
    lines.append(line.rstrip().rstrip(","))
    return "  var FOLD = {\n" + "\n".join(lines) + "\n  };\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Łódź", "lodz"),
        ("Søren Ødegård", "soren odegard"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Æsir", "aesir"),
        ("Œuvre", "oeuvre"),
        ("Đorđe", "dorde"),
        ("Þór", "thor"),
        ("Ελένη", "elene"),
        ("ΑΘΗΝΑ", "athena"),
        ("Москва", "moskva"),
        ("ЖУКОВ", "zhukov"),
        ("Zoë", "zoe"),
        ("ﬁle", "file"),
        ("李", "李"),  # scripts without a faithful transliteration keep their letters
    ],
)
def test_every_letter_is_folded(text: str, expected: str):
    assert fold_case_and_accents(text) == expected


def test_folding_ignores_case_in_every_script():
    for upper, lower in [("Ξ", "ξ"), ("Є", "є"), ("Ł", "ł"), ("Ø", "ø"), ("ẞ", "ß"), ("Þ", "þ")]:
        assert fold_case_and_accents(upper) == fold_case_and_accents(lower) != lower


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2\u20133", "2-3"),  # digits keep what separates them, every dash the same dash
        ("2-3", "2-3"),
        ("1,000", "1,000"),
        ("Müller-Łukasz", "mullerlukasz"),  # inside a word, punctuation still goes
        ("O\u2019Brien", "obrien"),
    ],
)
def test_punctuation_between_digits_stays(text: str, expected: str):
    assert comparable(text) == expected


def test_the_digest_search_has_the_folding_table_of_tool_text():
    written = BLOCK.search(SEARCH_JS.read_text(encoding="utf-8"))
    assert written is not None
    assert written.group(0).split("\n", 1)[1].rsplit("  // FOLD END", 1)[0] == fold_block(), (
        "run `python tests/test_fold.py` to write the table again"
    )


if __name__ == "__main__":
    text = SEARCH_JS.read_text(encoding="utf-8")
    SEARCH_JS.write_text(
        BLOCK.sub(lambda m: m.group(1) + fold_block() + m.group(2), text), encoding="utf-8"
    )
    sys.exit(0)


@pytest.fixture
def accented(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    people = {
        "zoe-muller-lukasz": "name: Zoë Müller-Łukasz\ncompany: Łódź Learning",
        "soren-odegard": "name: Søren Ødegård\ncompany: Globex",
        "ann-lee": "name: Ann Lee\ncompany: Acme\nrole: Joined in 2023",
        "bo-chen": "name: Bo Chen\ncompany: Acme\nrole: Leads 2\u20133 designers",
    }
    for ident, front in people.items():
        write(root / "people" / f"{ident}.md", f"---\n{front}\n---\n")
    return root


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lukasz", ["people/zoe-muller-lukasz.md:2"]),
        ("soren", ["people/soren-odegard.md:2"]),
        ("ODEGARD", ["people/soren-odegard.md:2"]),
        ("lodz", ["people/zoe-muller-lukasz.md:3"]),
        ("Łódź", ["people/zoe-muller-lukasz.md:3"]),
        ("2\u20133", ["people/bo-chen.md:4"]),
        ("2-3", ["people/bo-chen.md:4"]),
        ("2023", ["people/ann-lee.md:4"]),
    ],
)
def test_search_folds_every_letter(accented: Path, query: str, expected: list[str]):
    result = run("search", query, "--root", accented, "--format", "json")
    assert [f"{h['path']}:{h['line']}" for h in json.loads(result.stdout)] == expected


def test_search_highlights_the_letters_the_folded_query_matched(accented: Path):
    result = run("search", "lukasz", "--root", accented, "--format", "json")
    (hit,) = json.loads(result.stdout)
    start, end = hit["matches"][0]
    assert hit["text"][start:end] == "Łukasz"


def test_list_filters_fold_every_letter(accented: Path):
    result = run("list", "people", "--company", "lodz", "--root", accented, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)] == ["zoe-muller-lukasz"]


@pytest.mark.parametrize("name", ["Zoe Muller-Lukasz", "zoë müller łukasz", "ZOE MULLER LUKASZ"])
def test_a_person_is_found_by_their_name_in_any_spelling(accented: Path, name: str):
    result = run("brief", name, "--root", accented)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Zoë Müller-Łukasz")


@pytest.mark.parametrize(
    "name", ["Zoë Müller-Łukasz", "Søren Ødegård", "Þórunn Æsa", "Đorđe Straße", "Ксения Жукова"]
)
def test_ids_and_names_fold_alike(name: str):
    assert slugify(name).replace("-", "") == name_key(name)


def _reference(text: str) -> str:
    """`comparable` as its definition reads: inner punctuation out (not between digits),
    then each character folded on its own."""
    inner = re.compile(r"(?<=\w)[^\w\s]+(?=\w)")
    out, pos = [], 0
    for m in inner.finditer(text):
        if text[m.start() - 1].isdecimal() and text[m.end()].isdecimal():
            continue
        out.append(text[pos : m.start()])
        pos = m.end()
    out.append(text[pos:])
    return "".join(fold_char(c) for c in "".join(out))


def test_comparable_is_the_definition_at_any_speed():
    rng = random.Random(7)
    alphabet = "aZ09_-'\u2019.:/ \t\nßŁøæœđþΩЖé\u0301\u0661\u0662e-mail2\u20133O'Brien,;!?ǅﬁ"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert comparable(text) == _reference(text), repr(text)
