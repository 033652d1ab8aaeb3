"""Properties of reading what users write: any bytes as a note, any text as a name."""

from __future__ import annotations

from pathlib import Path

from conftest import run
from hypothesis import example, given
from hypothesis import strategies as st
from robustness import (
    DIAGNOSTICS,
    FIXTURES,
    PROBLEM,
    RESERVED,
    SUMMARY,
    examples,
    fresh_kb,
    no_hang,
    person_names,
)

from tool.store import loading

VALID = [
    (FIXTURES / "basic" / rel).read_bytes()
    for rel in (
        "people/ann-lee.md",
        "interviews/2026-03-10-ann-lee.md",
        "tool.toml",
    )
]
WHERE = ["people/zed.md", "interviews/2026-03-30-ann-lee.md", "tool.toml", "people/ann-lee.md"]
YAMLISH = [
    b"---\n",
    b"\n",
    b": ",
    b"- ",
    b"[",
    b"{",
    b'"',
    b"'",
    b"&a ",
    b"*a",
    b"!!python/object",
    b"\t",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
    b"#",
    b"|\n",
    b"<<: *a\n",
    b"%YAML 1.2\n",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid file with bytes inserted, removed or replaced: close to what users break."""
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(st.sampled_from(YAMLISH), st.binary(max_size=8)))
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            data[at : at + len(piece)] = piece
    return bytes(data)


note_bytes = st.one_of(
    st.binary(max_size=300),
    mutated(),
    st.builds(
        lambda a, b: b"---\n" + a + b"\n---\n" + b, st.binary(max_size=80), st.binary(max_size=40)
    ),
)


@given(st.lists(st.tuples(st.sampled_from(WHERE), note_bytes), min_size=1, max_size=3))
@examples(60)
@example([("people/zed.md", b"---\na: &a [*a]\n---\n")])  # a YAML alias to itself
@example(
    [("people/zed.md", b"---\n" + b"[" * 5000 + b"\n---\n")]
)  # nesting deeper than YAML's stack
@example([("tool.toml", b"[[[\x00")])
def test_any_bytes_as_a_note_give_problem_lines_never_an_exception(notes):
    with fresh_kb(dict(notes)) as root, no_hang():
        kb = loading.load(root)
        assert "bo-chen" in kb.people and "2026-03-20-bo-chen" in kb.interviews  # untouched
        for name, diagnose in DIAGNOSTICS.items():
            code, lines = diagnose(root)
            assert code in (0, 1), (name, lines)
            assert lines, name
            for line in lines:
                assert PROBLEM.match(line) or SUMMARY.match(line), f"{name}: {line!r}"
        # The other readers of every file finish too, one bad file or not.
        for args in (("index", "--format", "json"), ("list", "people"), ("due",)):
            assert run("--root", root, *args).exit_code in (0, 1)


def test_problem_line_pattern_is_not_vacuous():
    assert PROBLEM.match("people/zed.md:2:7: error: YAML syntax: '[' is never closed [yaml-syntax]")
    assert PROBLEM.match("tool.toml:5: warning: [me] name is unset")
    assert not PROBLEM.match("Traceback (most recent call last):")
    assert not PROBLEM.match("people/zed.md: error without a line")
    assert SUMMARY.match("2 errors, 1 warning in 5 files") and SUMMARY.match(
        "No problems in 1 file"
    )


def _created(root: Path, before: set[Path]) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p not in before and not p.is_dir())


@given(person_names())
@examples(100)
@example("CON")
@example("con.txt")
@example(".hidden")
@example("../../etc/passwd")
@example("\u202eevil\u202c")
@example("  Spaced  Name ")
@example("Ann Lee")  # someone already in the KB
def test_any_name_gives_one_file_in_people_or_a_clear_refusal(name):
    with fresh_kb() as root:
        before = set(root.rglob("*"))
        with no_hang():
            result = run("--root", root, "new", "person", "--", name)
        created = _created(root, before)
        if result.exit_code != 0:
            assert result.exit_code == 1, result.output
            assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
            assert created == []
            return
        assert len(created) == 1, created
        path = created[0]
        assert path.parent == root / "people"
        assert result.stdout == f"{path}\n"
        ident = path.stem
        assert ident and not ident.startswith((".", "-")) and ident.strip() == ident
        assert ident.split(".")[0].upper() not in RESERVED
        assert path.suffix == ".md" and "/" not in ident and "\\" not in ident
        assert all(c.isprintable() for c in ident)
        # Surrounding whitespace is not part of a name: the loader strips it from any file.
        assert loading.load(root).people[ident].name == name.strip()
