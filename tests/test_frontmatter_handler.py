"""python-frontmatter with `SafeHandler` reads what `tool` reads, refuses what it refuses."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import date
from pathlib import Path

import frontmatter
import pytest
import yaml
from conftest import write

from tool.model import Interview, Person
from tool.parse.frontmatter import Scalar, Seq
from tool.parse.handler import FrontMatterError, SafeHandler
from tool.parse.records import BOOL, DATE, INT, INTERVIEW_FIELDS, LIST, PERSON_FIELDS
from tool.store.loading import load

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(
    p.relative_to(REPO).as_posix()
    for kind in ("people", "interviews")
    for p in (REPO / kind).glob("*.md")
)


def read(path: Path | str) -> tuple[frontmatter.Post, SafeHandler]:
    handler = SafeHandler()
    return frontmatter.load(str(path), handler=handler), handler


def as_record(metadata: dict, schema: dict[str, str]) -> dict:
    """The typed fields a record would hold, derived from the handler's text."""
    convert = {
        DATE: lambda v: date.fromisoformat(v.strip()),
        INT: lambda v: int(v.strip()),
        BOOL: lambda v: v.strip().lower() == "true",
        LIST: lambda v: (v,) if isinstance(v, str) else tuple(v),
    }
    typed = {k: convert.get(schema[k], str)(v) for k, v in metadata.items() if k in schema}
    for key in ("name", "person"):  # the record keeps these stripped
        if key in typed:
            typed[key] = typed[key].strip()
    return typed


def assert_reads_as_tool(root: Path, rel: str) -> tuple[frontmatter.Post, SafeHandler]:
    """The handler's metadata, positions and body are those of tool's record for the file."""
    kb = load(root)
    assert [p.format() for p in kb.problems if p.severity == "error"] == []
    post, handler = read(root / rel)
    stem = Path(rel).stem
    record: Person | Interview
    if rel.startswith("people/"):
        record, schema = kb.people[stem], PERSON_FIELDS
    else:
        record, schema = kb.interviews[stem], INTERVIEW_FIELDS
    typed = as_record(post.metadata, schema)
    assert {key: getattr(record, key) for key in typed} == typed
    assert record.extra == {k: v for k, v in post.metadata.items() if k not in schema}
    assert record.lines == {key: line for key, (line, _) in handler.positions.items()}
    assert post.content == record.body.strip()
    return post, handler


@pytest.mark.parametrize("rel", EXAMPLES)
def test_example_files_read_as_tool_reads_them(rel):
    post, handler = assert_reads_as_tool(REPO, rel)
    text = (REPO / rel).read_text(encoding="utf-8")
    lines = text.split("\n")
    close = lines.index("---", 1)
    assert list(handler.positions) == [ln.split(":")[0] for ln in lines[1:close] if ln]
    assert post.content == "\n".join(lines[close + 1 :]).strip()
    assert lines[handler.content_line - 1] == post.content.split("\n")[0]
    assert handler.warnings == ()


def test_a_person_reads_as_typed(tmp_path):
    rel = "people/ann.md"
    write(
        tmp_path / rel,
        "---\n"
        "name: Ann\n"
        "company: no\n"
        "role: 01234\n"
        "location: 1:30\n"
        "phone: +49 30 1234567\n"
        "email: '2026-03-14'\n"
        "tags: [no, 01234, '1:30']\n"
        "met: 2026-03-14\n"
        "nested:\n"
        "  - [a, [b, yes]]\n"
        '  - {k: 0x1F, d: "2026-03-14"}\n'
        "---\n"
        "Notes.\n",
    )
    post, _ = assert_reads_as_tool(tmp_path, rel)
    assert post.metadata == {
        "name": "Ann",
        "company": "no",
        "role": "01234",
        "location": "1:30",
        "phone": "+49 30 1234567",
        "email": "2026-03-14",
        "tags": ["no", "01234", "1:30"],
        "met": "2026-03-14",
        "nested": [["a", ["b", "yes"]], {"k": "0x1F", "d": "2026-03-14"}],
    }
    assert post.content == "Notes."


def test_an_interview_reads_as_typed(tmp_path):
    write(tmp_path / "people/ann.md", "---\nname: Ann\n---\n")
    rel = "interviews/2026-03-14-ann.md"
    write(
        tmp_path / rel,
        "---\n"
        "person: ann\n"
        'date: "2026-03-14"\n'
        "requested: 2026-03-02\n"
        "duration: 030\n"
        "private: False\n"
        "time: 14:30\n"
        "referrals: [sam, 'Lena from the data team']\n"
        "---\n"
        "\n"
        "## Insights\n"
        "- Ship it. #skills\n",
    )
    post, handler = assert_reads_as_tool(tmp_path, rel)
    assert post.metadata == {
        "person": "ann",
        "date": "2026-03-14",
        "requested": "2026-03-02",
        "duration": "030",
        "private": "False",
        "time": "14:30",
        "referrals": ["sam", "Lena from the data team"],
    }
    assert (post.content, handler.content_line) == ("## Insights\n- Ship it. #skills", 11)


def test_positions_of_keys_and_nested_values(tmp_path):
    path = write(
        tmp_path / "p.md",
        "---\nname: Ann\n# a comment\ntags:\n  - robotics\n  -   hardware\nx: [a, [b]]\n---\n",
    )
    post, handler = read(path)
    assert handler.positions == {"name": (2, 1), "tags": (4, 1), "x": (7, 1)}
    assert handler.meta is not None
    items = dict((key.text, value) for key, value in handler.meta.items)
    assert items["tags"] == Seq(
        (Scalar("robotics", 5, 5, True), Scalar("hardware", 6, 7, True)), 5, 3
    )
    nested = items["x"]
    assert isinstance(nested, Seq)
    assert [(n.line, n.col) for n in nested.items] == [(7, 5), (7, 8)]
    assert (post.content, handler.content_line) == ("", 9)


def test_positions_count_from_the_files_first_line_after_crlf_and_bom(tmp_path):
    path = tmp_path / "p.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\nname: Ann\r\nrole: PM\r\n---\r\n\r\nNotes\r\n")
    post, handler = read(path)
    assert post.metadata == {"name": "Ann", "role": "PM"}
    assert handler.positions == {"name": (2, 1), "role": (3, 1)}
    assert (post.content, handler.content_line) == ("Notes", 6)


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("name: &n Ann\nalias: *n", (2, 7, "yaml-alias", "YAML anchors (&name) are not allowed")),
        ("name: Ann\nrole: *n", (3, 7, "yaml-alias", "YAML aliases (*name) are not allowed")),
        (
            "name: Ann\nrole: !!python/object/apply:os.system [echo]",
            (3, 7, "yaml-tag", "YAML tag !!python/object/apply:os.system is not allowed"),
        ),
        (
            "name: Ann\nstay_in_touch: !!int 90",
            (3, 16, "yaml-tag", "YAML tag !!int is not allowed"),
        ),
        (
            "name: Ann\ntags: " + "[" * 10_000 + "]" * 10_000,
            (3, 38, "yaml-depth", "front matter is nested more than 32 levels deep"),
        ),
        (
            "name: Ann\nrole: a\nrole: b",
            (3, 1, "duplicate-key", "duplicate key 'role' (also on line 4)"),
        ),
        (
            "name: Ann\nyes: 1",
            (
                3,
                1,
                "yaml-key",
                "key 'yes' would be read as true/false by other YAML tools; quote it",
            ),
        ),
        ("name: [Ann", (2, 7, "yaml-syntax", "YAML syntax: '[' is never closed")),
    ],
    ids=["anchor", "alias", "python-tag", "int-tag", "nesting-bomb", "duplicate", "key", "syntax"],
)
def test_what_tool_refuses_raises_with_its_line(front, expected):
    handler = SafeHandler()
    with pytest.raises(FrontMatterError) as raised:
        frontmatter.loads(f"---\n{front}\n---\nNotes\n", handler=handler)
    error = raised.value
    line, col, rule, message = expected
    assert (error.line, error.col, error.rule, error.message) == expected
    more = " (and 1 more)" if rule == "duplicate-key" else ""
    assert str(error) == f"line {line}, column {col}: {message} [{rule}]{more}"
    assert isinstance(error, ValueError)
    assert (handler.positions, handler.meta) == ({}, None)


def test_an_alias_bomb_is_refused_at_its_first_anchor():
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}]" for i in range(20)]
    with pytest.raises(FrontMatterError) as raised:
        frontmatter.loads("\n".join([*lines, "---", ""]), handler=SafeHandler())
    assert (raised.value.line, raised.value.col, raised.value.rule) == (2, 4, "yaml-alias")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Just notes.\n", (1, 1, "missing front matter (the file must start with a '---' line)")),
        (
            "---\nname: Ann\nNotes.\n",
            (1, 1, "front matter is not closed: add a '---' line after it"),
        ),
        ("---\n# name: Ann\n---\nNotes.\n", (1, 1, "front matter is empty")),
        ("---\n- a\n- b\n---\n", (2, 1, "front matter must be a mapping of `key: value` lines")),
        ("---\nname: A\x1bnn\n---\n", (2, 8, "file contains a control character U+001B")),
        ("---\nname: A\0nn\n---\n", (2, 8, "file contains a NUL byte")),
    ],
    ids=["no-front-matter", "unclosed", "empty", "list", "escape", "nul"],
)
def test_a_file_tool_cannot_read_is_refused_not_read_as_notes(text, expected):
    # python-frontmatter's own handler gives such a file empty metadata and all of it as content.
    with pytest.raises(FrontMatterError) as raised:
        frontmatter.loads(text, handler=SafeHandler())
    assert (raised.value.line, raised.value.col, raised.value.message) == expected


def test_warnings_are_kept_and_the_file_is_read():
    handler = SafeHandler()
    post = frontmatter.loads("---\nname: Ann\ncompany: #1 Robotics\n---\n", handler=handler)
    assert post.metadata == {"name": "Ann", "company": ""}
    assert [(w.line, w.col, w.rule) for w in handler.warnings] == [(3, 10, "yaml-comment")]


def test_one_handler_describes_the_last_file_it_read(tmp_path):
    handler = SafeHandler()
    frontmatter.loads("---\nname: Ann\nrole: PM\n---\n", handler=handler)
    post = frontmatter.loads("---\n\nname: Bo\n---\n", handler=handler)
    assert (post["name"], handler.positions) == ("Bo", {"name": (3, 1)})


def test_load_on_its_own_reads_front_matter_text():
    handler = SafeHandler()
    assert handler.load("name: Ann\nrole: 01234") == {"name": "Ann", "role": "01234"}
    assert handler.positions == {"name": (2, 1), "role": (3, 1)}
    with pytest.raises(FrontMatterError):
        handler.load("a: &x 1")


def test_detect_wants_a_fence_on_the_first_line():
    handler = SafeHandler()
    assert handler.detect("---\nname: Ann\n---\n")
    assert handler.detect("\ufeff---  \nname: Ann\n---\n")
    assert not handler.detect("name: Ann\n---\n")
    assert not handler.detect("----\nname: Ann\n----\n")


@pytest.mark.parametrize("rel", EXAMPLES)
def test_export_reads_back_the_same(rel):
    post, _ = read(REPO / rel)
    text = frontmatter.dumps(post, handler=SafeHandler())
    again = frontmatter.loads(text, handler=SafeHandler())
    assert (again.metadata, again.content) == (post.metadata, post.content)
    assert list(again.metadata) == list(post.metadata)  # the file's order, not sorted


def test_export_writes_plain_safe_yaml_every_reader_agrees_on():
    shared = ["no", "01234"]
    post = frontmatter.Post(
        "Notes.",
        handler=SafeHandler(),
        name="Zoë " + "long " * 30,
        phone="+49 30 1234567",
        time="1:30",
        company="#1 Robotics",
        tags=shared,
        referrals=shared,
    )
    text = frontmatter.dumps(post)
    front = text.split("---\n")[1]
    assert front.splitlines() == [
        f"name: 'Zoë {'long ' * 30}'",
        "phone: +49 30 1234567",
        "time: '1:30'",
        "company: '#1 Robotics'",
        "tags: ['no', '01234']",
        "referrals: ['no', '01234']",
    ]
    assert frontmatter.loads(text, handler=SafeHandler()).metadata == post.metadata
    assert yaml.safe_load(front) == post.metadata  # a YAML 1.1 reader sees the same text


def scripting_section() -> tuple[str, str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Scripting\n", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    output = re.search(r"```text\n(.*?)```", section, re.S)
    assert code and output
    return code.group(1), output.group(1)


def test_the_readme_example_prints_what_it_shows(monkeypatch):
    code, output = scripting_section()
    monkeypatch.chdir(REPO)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})
    assert printed.getvalue() == output


def test_the_readme_example_reports_a_refused_file(tmp_path):
    code, _ = scripting_section()
    write(tmp_path / "people/zoe-brandt.md", "---\nname: &n Zoë\n---\n")
    with pytest.raises(SystemExit) as exited:
        exec(compile(code, "README.md", "exec"), {})
    assert str(exited.value) == ("people/zoe-brandt.md:2:7: YAML anchors (&name) are not allowed")
