"""The parser's shortcuts give exactly what the reference path gives, on every kind of file.

Three shortcuts serve a cold load: simple front matter is read line by line instead of by the
YAML parser, the control-character check is skipped where the front matter has no control
character and no escape, and a body without a scaffold hint's words is not searched for one.
`reference` turns them all off.
"""

from __future__ import annotations

import importlib.util
import pickle
import sys
from pathlib import Path

import hostile_kb
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tool.parse import frontmatter, hints
from tool.parse.frontmatter import Map, Scalar, Seq, _compose_with, _Refused, _simple
from tool.store.loading import _blobs, load_config, parse_record

REPO = Path(__file__).resolve().parents[1]
PARSERS = {"libyaml": getattr(yaml, "CBaseLoader", None), "pure-python": yaml.BaseLoader}


def _reference(monkeypatch: pytest.MonkeyPatch, loader: type) -> None:
    """Every file read the long way: by the YAML parser, every value checked, every body."""
    monkeypatch.setattr(frontmatter, "SIMPLE", False)
    monkeypatch.setattr(frontmatter, "_LOADER", loader)
    monkeypatch.setattr(frontmatter, "has_controls", lambda text: True)
    monkeypatch.setattr("tool.parse.hints._MARKS", ("",))


def _parsed(loader: type | None, source: str) -> object:
    if loader is None:
        pytest.skip("PyYAML without libyaml")
    try:
        return _compose_with(loader, source)
    except _Refused as exc:
        return ("refused", exc.message, exc.rule, exc.at)
    except yaml.YAMLError:
        return "syntax error"


# Front matter the shortcut reads, with what the parsers make of it.
SIMPLE = [
    "name: Zoe Brandt\ncompany: Initech",
    'phone: "+1 512 555 0188"\nnote: \'it is\'\nempty: ""',
    "tags: [a, b c,  d ]\nnone: []\nspaced: [ x ]\nquoted: ['a b', \"c\"]",
    "key:\nother: ~\nno: no\nwhen: 2024-02-30\ntime: 1:30\nblank:   ",
    "# a comment\n\nlinkedin: https://www.linkedin.com/in/x-y\nurl: a:b:c",
    "a: 1\na: 2",
    "unicode: café 日本 \u00a0x \U0001f600\nname: O'Brien, Jr. (the 2nd) 50% [x] {y}",
    'value: a - b, c = d; e & f! g? h | i > j @k `l` "m"\\n',
    "trailing: word   \nlast: x",
    "bidi: a\u202eb\nbidi_in_a_comment: yes\n# \u202e",
]
# Front matter left to the parser: nesting, escapes, comments after values, odd characters.
NOT_SIMPLE = [
    "list:\n  - one\n  - two",
    "tags:\n- a\n- b",
    "text: |\n  kept",
    "multi: line\n  plain scalar",
    'escaped: "a\\tb"',
    "note: 'it''s'",
    "commented: value # why",
    "hash: #1 Robotics",
    "anchor: &x 1",
    "alias: *x",
    "tagged: !!int 3",
    "map: {x: 1}",
    "nested: [a, [b]]",
    "empty item: [a, , b]",
    "trailing comma: [a, b,]",
    "flow: [a: b]",
    "query: [a?b]",
    "colon: a: b",
    "tab:\tx",
    "nel: a\x85b",
    "separator: a\u2028b",
    "bom: \ufeffx",
    "c1: a\x9bb",
    "  indented: x",
    "- a",
    "just text",
    "%YAML 1.1",
    "k" * 200 + ": long key",
    "-5: minus",
    "?x: question",
    "quoted: 'x' trailing",
]


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("source", SIMPLE)
def test_simple_front_matter_is_read_as_the_parsers_read_it(parser, source):
    assert _simple(source) is not None
    assert _simple(source) == _parsed(PARSERS[parser], source)


@pytest.mark.parametrize("source", NOT_SIMPLE)
def test_anything_else_is_left_to_the_parser(source):
    assert _simple(source) is None


def test_simple_nodes_keep_text_as_typed_with_positions():
    assert _simple("# x\nname: Zoe  \ntags: [a, 'b c']\nno:\nq: \"#1\"") == Map(
        (
            (Scalar("name", 3, 1, True), Scalar("Zoe", 3, 7, True)),
            (
                Scalar("tags", 4, 1, True),
                Seq((Scalar("a", 4, 8, True), Scalar("b c", 4, 11, False)), 4, 7),
            ),
            (Scalar("no", 5, 1, True), Scalar("", 5, 4, True)),
            (Scalar("q", 6, 1, True), Scalar("#1", 6, 4, False)),
        ),
        3,
        1,
    )


_PIECES = st.sampled_from(
    [
        *"abz Z09.-_:#,[]{}\"'!&*?|>%@`\\~=",
        *("  ", ": ", " #", "\n", "\n  ", "\t", "\xa0", "\x85", "\x9b", "\u202e"),
        *("\u2028", "\ufeff", "é", "日", "\U0001f600"),
    ]
)
_VALUES = st.lists(_PIECES, max_size=8).map("".join)
_LINES = st.tuples(
    st.sampled_from(["a", "key", "no", "_x", "a-b", "#c", "", " a"]),
    st.sampled_from([": ", ":", ":  "]),
    st.sampled_from(["{}", "[{}]", '"{}"', "'{}'"]),
    _VALUES,
).map(lambda t: t[0] + t[1] + t[2].format(t[3]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=4).map("\n".join))
def test_the_shortcut_never_reads_front_matter_otherwise_than_the_parsers(source):
    found = _simple(source)
    if found is not None:
        for loader in PARSERS.values():
            if loader is not None:
                assert found == _parsed(loader, source)


_INTERVIEW = "---\nperson: ann\ndate: 2024-05-01\n{}---\n{}"
# What the shortcuts must notice that the suite's knowledge bases hardly hold.
CRAFTED = {
    "people/bidi.md": "---\nname: Ann \u202eLee\u202c\nrole: \u2066x\u2069\n---\n",
    "people/c1.md": "---\nname: Ann\ncompany: a\u009bb\n---\n",
    "people/hint.md": f"---\nname: Ann\n---\n{hints.PERSON_HINT}\n",
    "interviews/hint.md": _INTERVIEW.format(
        "", f"## Insights\n\n{hints.INSIGHTS_HINT}\n- Real. #topic\n{hints.INSIGHTS_HINT}\n"
    ),
    "interviews/folded.md": _INTERVIEW.format(
        "tags: [a]\n", "## Insights\n" + hints.INSIGHTS_HINT.replace(" ", "\n", 3) + "\n"
    ),
    "interviews/escape.md": _INTERVIEW.format('uid: "\\e]52;c;x\\a"\n', "- [ ] Call\n"),
}


def _files() -> list[tuple[str, str, bytes, dict[str, str]]]:
    """(where, rel, bytes, headings) of every record file of the suite's knowledge bases."""
    out = []
    roots = [REPO, *sorted((REPO / "tests" / "fixtures").iterdir())]
    for root in roots:
        headings = load_config(root)[0].headings
        for kind in ("people", "interviews"):
            for path in sorted((root / kind).glob("*.md")):
                if path.is_file():
                    out.append((root.name, f"{kind}/{path.name}", path.read_bytes(), headings))
    for rel, text in {**hostile_kb.BAD, **hostile_kb.ODD}.items():
        if rel.startswith(("people/", "interviews/")) and rel.endswith(".md"):
            data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
            out.append(("hostile_kb", rel, data, {}))
    out += [("crafted", rel, text.encode(), {}) for rel, text in CRAFTED.items()]
    return out


def _generated(tmp_path: Path) -> list[tuple[str, str, bytes, dict[str, str]]]:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.generate(tmp_path, 40)
    headings = load_config(tmp_path)[0].headings
    return [
        ("generated", f"{p.parent.name}/{p.name}", p.read_bytes(), headings)
        for kind in ("people", "interviews")
        for p in sorted((tmp_path / kind).glob("*.md"))
    ]


def _read_all(files: list[tuple[str, str, bytes, dict[str, str]]]) -> list[bytes]:
    """Each file as the cache would keep it, byte for byte."""
    return [pickle.dumps(_blobs(parse_record(data, rel, h), rel)) for _, rel, data, h in files]


@pytest.mark.parametrize("parser", PARSERS)
def test_the_shortcuts_read_every_file_of_the_suite_as_the_reference_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    loader = PARSERS[parser]
    if loader is None:
        pytest.skip("PyYAML without libyaml")
    files = _files() + _generated(tmp_path)
    assert {where for where, *_ in files} >= {REPO.name, "basic", "hostile_kb", "generated"}
    fast = _read_all(files)
    with monkeypatch.context() as patched:
        _reference(patched, loader)
        slow = _read_all(files)
    assert len(fast) == len(slow) > 150
    for (where, rel, *_), one, other in zip(files, fast, slow, strict=True):
        assert one == other, f"{where}: {rel}"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.sampled_from(["no", "Yes", "~", "", "1:30", "<<", "="])))
def test_a_value_no_yaml11_pattern_applies_to_is_text(text):
    assert Scalar(text, 2, 1, True).yaml11_type() == frontmatter._yaml11_type(text)
