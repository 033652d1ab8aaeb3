"""`tool index`: grouped insights as Markdown and JSON, filters, coverage, --output."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, run, write
from kb_builder import kb_of, texts_of

from tool.index import Index, IndexFilters, select, to_markdown
from tool.rules.insights import Entry, Group, entries, group_by, spellings

REPO = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden" / "index"


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with tests/golden/index/<name>; `pytest --update-golden` rewrites it."""

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="")
        assert path.read_bytes().decode("utf-8") == actual, f"differs from {path}"

    return check


@pytest.fixture
def index_kb(make_kb) -> Path:
    return make_kb("index")


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((), "default.md"),
        (("--by", "company"), "by-company.md"),
        (("--by", "topic"), "by-topic.md"),
        (("--by", "person"), "by-person.md"),
        (("--by", "career", "--by", "company"), "by-career-company.md"),
        (("--by", "company", "--by", "person", "--by", "topic"), "by-company-person-topic.md"),
        (("--coverage",), "coverage.md"),
        (("--by", "topic", "--company", "ACME robotics", "--since", "2026-03-15"), "filtered.md"),
    ],
)
def test_markdown_golden(index_kb, golden, args, name):
    result = run("index", "--root", index_kb, *args)
    assert (result.exit_code, result.stderr) == (0, "")
    golden(name, result.stdout)


def test_crlf_and_bom_files_give_the_same_index(index_kb):
    before = run("index", "--root", index_kb, "--format", "json").stdout
    for path in (index_kb / "interviews").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    after = run("index", "--root", index_kb, "--format", "json")
    assert after.stdout == before
    lines = {e["line"] for g in json.loads(before)["groups"] for e in g["entries"]}
    assert lines == {7, 8, 10, 11, 12, 13, 14, 15, 19}


def test_json_structure(index_kb):
    result = run(
        "index", "--root", index_kb, "--format", "json", "--by", "company", "--by", "person"
    )
    data = json.loads(result.stdout)
    assert list(data) == [
        "generated_by",
        "by",
        "filters",
        "insights",
        "conversations",
        "people",
        "groups",
        "without_insights",
        "coverage",
    ]
    assert data["without_insights"] == ["2026-02-01-bo-chen"]
    assert data["by"] == ["company", "person"]
    assert (data["insights"], data["conversations"], data["people"]) == (11, 4, 4)
    assert [(g["key"], g["name"], g["insights"]) for g in data["groups"]] == [
        ("acme robotics", "Acme Robotics", 9),
        ("globex", "Globex", 1),
        (None, None, 1),
    ]
    bo = data["groups"][0]["groups"][1]
    assert {k: bo[k] for k in ("kind", "key", "name", "insights", "conversations", "people")} == {
        "kind": "person",
        "key": "bo-chen",
        "name": "Bo Chen",
        "insights": 2,
        "conversations": 1,
        "people": 1,
    }
    assert bo["entries"][0] == {
        "text": "SQL every day: `SELECT * FROM t -- #nope`. #tools #skills",
        "topics": ["tools", "skills"],
        "interview": "2026-03-20-bo-chen",
        "path": "interviews/2026-03-20-bo-chen.md",
        "line": 10,
        "date": "2026-03-20",
        "status": "done",
        "person": "bo-chen",
        "person_name": "Bo Chen",
        "company": "acme robotics ",
        "career": "Data science",
    }
    assert data["coverage"][-1] == {
        "kind": "company",
        "target": "Hooli",
        "people": 1,
        "conversations": 0,
        "insights": 0,
        "gap": "no conversation yet",
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            IndexFilters(),
            ["2026-03-10-ann-lee", "2026-03-20-bo-chen", "2026-04-02-cy-diaz", "2026-05-01-dee-ng"],
        ),
        (
            IndexFilters(companies=(" acme  ROBOTICS",)),
            ["2026-03-10-ann-lee", "2026-03-20-bo-chen"],
        ),
        (
            IndexFilters(companies=("Globex", "Acme Robotics")),
            ["2026-03-10-ann-lee", "2026-03-20-bo-chen", "2026-04-02-cy-diaz"],
        ),
        (
            IndexFilters(careers=("product management",)),
            ["2026-03-10-ann-lee", "2026-04-02-cy-diaz"],
        ),
        (IndexFilters(topics=("#portfolio",)), ["2026-03-10-ann-lee"]),
        (IndexFilters(topics=("SKILLS",)), ["2026-03-10-ann-lee", "2026-03-20-bo-chen"]),
        (IndexFilters(people=("Cy Diaz",)), ["2026-04-02-cy-diaz"]),
        (
            IndexFilters(people=("bo-chen", "dee-ng")),
            ["2026-03-20-bo-chen", "2026-05-01-dee-ng"],
        ),
        (IndexFilters(since=date(2026, 4, 2)), ["2026-04-02-cy-diaz", "2026-05-01-dee-ng"]),
        (IndexFilters(statuses=("scheduled",)), []),
        (IndexFilters(careers=("Data science",), since=date(2026, 4, 1)), []),
    ],
)
def test_filters(filters, expected):
    """The conversations whose insights pass the filters (`tool index --company ...`)."""
    _, found = select(kb_of(texts_of(FIXTURES / "index")), filters)
    assert sorted({e.interview.id for e in found}) == expected


def test_topic_filter_keeps_only_matching_insights(index_kb):
    result = run("index", "--root", index_kb, "--topic", "portfolio", "--by", "company")
    bullets = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert [b.split(" — ")[0] for b in bullets] == [
        "- Even a side project counts. #skills #portfolio",
        "- Nested twice, still an insight. #portfolio",
    ]
    assert "Only insights about #portfolio." in result.stdout
    assert "Coverage" not in result.stdout
    assert "without insights" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--company", "Acme Robotcs"),
            "Error: no company 'Acme Robotcs' in the knowledge base "
            "(did you mean Acme Robotics?)\n",
        ),
        (
            ("--topic", "#skils"),
            "Error: no topic 'skils' in the knowledge base (did you mean skills, skill?)\n",
        ),
        (("--career", "Law"), "Error: no career 'Law' in the knowledge base\n"),
        (("--person", "Ann Le"), "Error: no person 'Ann Le' in people/ (did you mean ann-lee?)\n"),
    ],
)
def test_unknown_filter_values_are_errors(index_kb, args, message):
    result = run("index", "--root", index_kb, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)


def test_usage_errors_exit_2(index_kb):
    assert run("index", "--root", index_kb, "--by", "topic", "--by", "topic").exit_code == 2
    assert run("index", "--root", index_kb, "--by", "tag").exit_code == 2
    assert run("index", "--root", index_kb, "--since", "March").exit_code == 2
    assert run("index", "--root", index_kb, "--coverage", "--by", "topic").exit_code == 2


def test_coverage_needs_targets(kb_root):
    write(kb_root / "tool.toml", "[me]\nname = 'X'\n")
    result = run("index", "--root", kb_root, "--coverage")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: tool.toml: no targets to cover: add a [targets] table")
    assert "Coverage" not in run("index", "--root", kb_root).stdout


def test_empty_kb(tmp_path):
    write(tmp_path / "kb/tool.toml", "")
    result = run("index", "--root", tmp_path / "kb")
    assert result.stdout == (
        "<!-- Generated by `tool index`: edit the interviews, not this file. -->\n"
        "# Insights by career\n\n"
        "No insights yet: list them under `## Insights` in an interview.\n"
    )


def test_output_relative_links_and_no_rewrite_when_unchanged(index_kb, golden, monkeypatch):
    monkeypatch.chdir(index_kb)
    first = run("index", "--output", "docs/INDEX.md")
    assert (first.exit_code, first.stdout) == (0, "Wrote docs/INDEX.md\n")
    target = index_kb / "docs/INDEX.md"
    data = target.read_bytes()
    golden("docs-INDEX.md", data.decode())
    assert "](../interviews/2026-03-10-ann-lee.md#L10)" in data.decode()
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    second = run("index", "--output", "docs/INDEX.md")
    assert (second.exit_code, second.stdout) == (0, "Unchanged: docs/INDEX.md\n")
    assert target.read_bytes() == data
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert not [p.name for p in target.parent.iterdir() if p.name != "INDEX.md"]


@pytest.mark.parametrize(
    ("where", "link"),
    [
        ("INDEX.md", "(interviews/2026-03-10-ann-lee.md#L10)"),
        ("a/b/INDEX.md", "(../../interviews/2026-03-10-ann-lee.md#L10)"),
        ("../outside/INDEX.md", "(../index/interviews/2026-03-10-ann-lee.md#L10)"),
    ],
)
def test_output_link_prefix(index_kb, where, link, monkeypatch):
    monkeypatch.chdir(index_kb)
    assert run("index", "--output", where).exit_code == 0
    assert link in (index_kb / where).read_text(encoding="utf-8")


def test_json_output_is_replaced_too(index_kb, monkeypatch):
    monkeypatch.chdir(index_kb)
    assert run("index", "--format", "json", "-o", "index.json").stdout == "Wrote index.json\n"
    write(
        index_kb / "interviews/2026-05-01-dee-ng.md", "---\nperson: dee-ng\ndate: 2026-05-01\n---\n"
    )
    assert run("index", "--format", "json", "-o", "index.json").stdout == "Wrote index.json\n"
    assert json.loads((index_kb / "index.json").read_text(encoding="utf-8"))["insights"] == 10


@pytest.mark.parametrize(
    ("where", "content", "message"),
    [
        (
            "NOTES.md",
            "# My own notes\n",
            "Error: NOTES.md: refusing to overwrite a file that `tool index` did not write; "
            "remove it or choose another --output\n",
        ),
        (
            "people/INDEX.md",
            None,
            "Error: people/INDEX.md: refusing to write the index into people: "
            "choose a file outside people/, interviews/ and templates/\n",
        ),
        (
            "tool.toml",
            None,
            "Error: tool.toml: refusing to write the index into tool.toml: "
            "choose a file outside people/, interviews/ and templates/\n",
        ),
    ],
)
def test_output_never_overwrites_user_files(index_kb, where, content, message, monkeypatch):
    monkeypatch.chdir(index_kb)
    if content is not None:
        write(index_kb / where, content)
    before = (index_kb / where).read_bytes() if (index_kb / where).exists() else None
    result = run("index", "--output", where)
    assert (result.exit_code, result.stderr) == (1, message)
    after = (index_kb / where).read_bytes() if (index_kb / where).exists() else None
    assert after == before


def test_private_records_are_indexed_without_contact_details(index_kb):
    out = run("index", "--root", index_kb, "--by", "person").stdout
    json_out = run("index", "--root", index_kb, "--format", "json").stdout
    assert "## Cy Diaz" in out
    for secret in ("cy-secret@example.com", "555 0199", "Candid"):
        assert secret not in out
        assert secret not in json_out


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("i1", "p1")], "1 insight from 1 conversation with 1 person"),
        ([("i1", "p1"), ("i2", "p1")], "2 insights from 2 conversations with 1 person"),
        (
            [("i1", "p1"), ("i1", "p1"), ("i2", "p2")],
            "3 insights from 2 conversations with 2 people",
        ),
    ],
)
def test_group_header_counts(pairs, expected):
    base = kb_of(texts_of(FIXTURES / "index")).interviews["2026-03-10-ann-lee"]
    found = [
        Entry(base.insights[0], replace(base, id=i, person=p), None, "X", None) for i, p in pairs
    ]
    index = Index(("company",), IndexFilters(), found, [Group("company", "x", "X", found)], None)
    text = to_markdown(index)
    assert text.count(f"\n\n{expected}\n\n") == 2  # the document's and the group's


def test_example_kb_index_runs_cleanly():
    result = run("index", "--root", REPO)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("<!-- Generated by `tool index`")


def test_broken_files_are_reported_and_the_rest_indexed(index_kb):
    write(index_kb / "interviews/2026-07-01-bo-chen.md", "---\nperson: [\n---\n## Insights\n- x\n")
    result = run("index", "--root", index_kb, "--by", "person")
    assert result.exit_code == 0
    assert result.stderr.startswith("interviews/2026-07-01-bo-chen.md:2:")
    assert "11 insights from 4 conversations with 4 people" in result.stdout


def test_no_match_and_coverage_json(index_kb):
    empty = run("index", "--root", index_kb, "--status", "declined").stdout
    assert empty.endswith("Only insights with status declined.\n\nNo insights match.\n")
    data = json.loads(run("index", "--root", index_kb, "--coverage", "--format", "json").stdout)
    assert list(data) == ["generated_by", "by", "filters", "coverage"]
    assert [(r["target"], r["gap"]) for r in data["coverage"] if r["gap"]] == [
        ("UX research", "no conversation yet"),
        ("Hooli", "no conversation yet"),
    ]


@pytest.mark.parametrize(
    ("insight", "shown"),
    [
        ("Hi <script>alert(1)</script> #x", "Hi &lt;script>alert(1)&lt;/script> #x"),
        ("An <img src=x onerror=alert(1)>", "An &lt;img src=x onerror=alert(1)>"),
        ("[click](javascript:alert(1))", "click"),
        ("[click]( <JavaScript:alert(1)>)", "click"),
        ("[click](&#106;avascript:alert(1))", "click"),
        ("<javascript:alert(1)>", "javascript:alert(1)"),
        ("`<b>` and ``[x](javascript:y)`` stay code", "`<b>` and ``[x](javascript:y)`` stay code"),
        ("[safe](https://example.com) and 1 < 2", "[safe](https://example.com) and 1 < 2"),
    ],
)
def test_notes_cannot_inject_html_or_script_links(kb_root, insight, shown):
    body = f"---\nperson: ann-lee\ndate: 2026-05-05\n---\n## Insights\n- {insight}\n"
    write(kb_root / "interviews/2026-05-05-ann-lee.md", body)
    result = run("index", "--root", kb_root, "--person", "ann-lee", "--since", "2026-05-05")
    bullets = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert bullets == [f"- {shown} — Ann Lee, [2026-05-05](interviews/2026-05-05-ann-lee.md#L6)"]


def test_links_between_notes_lead_to_the_note_from_the_index(kb_root):
    body = "---\nperson: ann-lee\ndate: 2026-05-05\n---\n## Insights\n"
    body += "- Ask [Bo](bo-chen.md), see [that talk](../interviews/2026-03-10-ann-lee.md#x)"
    body += " and [Zed](../people/zed.md)\n"
    write(kb_root / "interviews/2026-05-05-ann-lee.md", body)
    args = ("--person", "ann-lee", "--since", "2026-05-05")
    shown = (
        "- Ask [Bo]({0}people/bo-chen.md), see [that talk]({0}interviews/2026-03-10-ann-lee.md#x)"
    )
    shown += " and Zed — Ann Lee, [2026-05-05]({0}interviews/2026-05-05-ann-lee.md#L6)"
    printed = run("index", "--root", kb_root, *args).stdout
    assert [line for line in printed.splitlines() if line.startswith("- ")] == [shown.format("")]
    run("index", "--root", kb_root, *args, "--output", kb_root / "docs/INDEX.md")
    written = (kb_root / "docs/INDEX.md").read_text(encoding="utf-8")
    assert [line for line in written.splitlines() if line.startswith("- ")] == [shown.format("../")]


def test_group_by_counts_an_insight_once_per_group():
    body = "---\nperson: bo-chen\ndate: 2026-05-05\n---\n## Insights\n- A #Skills #skills #SKILLS\n"
    kb = kb_of({**texts_of(FIXTURES / "basic"), "interviews/2026-05-05-bo-chen.md": body})
    groups = group_by("topic", entries(kb), spellings(kb)["topic"])
    assert [(g.key, g.name, len(g.entries)) for g in groups] == [
        ("day-to-day", "day-to-day", 1),
        ("learning", "learning", 1),
        ("portfolio", "portfolio", 1),
        ("skills", "skills", 3),
        ("tools", "tools", 1),
    ]


def test_help_has_examples():
    result = run("index", "--help")
    assert result.exit_code == 0
    assert "  Example:\n    tool index\n    tool index --by company --by topic" in result.stdout


@pytest.mark.parametrize("count", range(5))
def test_the_document_is_joined_as_join_and_rstrip_would(count):
    from itertools import product

    from tool.index import _joined

    for lines in product(["", "a", "\n", "b\n\n", "\n\n"], repeat=count):
        assert _joined(list(lines)) == "\n".join(lines).rstrip("\n") + "\n"
