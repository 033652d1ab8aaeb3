"""`tool schema`: the JSON Schema accepts the files validate accepts, rejects what it rejects."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, run, write
from jsonschema import Draft202012Validator

from tool.check import check_root
from tool.formats.schema import schema
from tool.parse.frontmatter import split

REPO = Path(__file__).parent.parent
RULES = ("type", "value", "date", "time")  # validate's rules about a value's type or choice


class _JsonLike(yaml.SafeLoader):
    """YAML as YAML-to-JSON converters read it: dates stay text."""


_JsonLike.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def instance(text: str) -> Any:
    """The front matter of a file, as another tool would hand it to a JSON Schema validator."""
    doc = split(text.replace("\r\n", "\n").removeprefix("\ufeff"))
    lines = text.replace("\r\n", "\n").removeprefix("\ufeff").split("\n")
    return yaml.load("\n".join(lines[1 : doc.body_line - 2]), Loader=_JsonLike)


def validator(kind: str | None) -> Draft202012Validator:
    # A format-asserting validator: `format: date` then checks the calendar (no 30 February).
    return Draft202012Validator(schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("kind", ["person", "interview", None])
def test_the_schema_is_a_valid_2020_12_schema(kind):
    Draft202012Validator.check_schema(schema(kind))
    assert schema(kind)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _verdicts() -> list[tuple[Path, bool]]:
    """The example KB's files, and each fixture file on which validate says nothing (True) or
    which it rejects for a value's type or choice (False)."""
    found = [
        (p, True)
        for folder in ("people", "interviews")
        for p in sorted((REPO / folder).glob("*.md"))
    ]
    for root in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        problems = check_root(root, date(2026, 11, 30)).value
        rejected = {p.path for p in problems if p.rule in RULES and p.severity == "error"}
        remarked = {p.path for p in problems}
        for folder in ("people", "interviews"):
            for path in sorted((root / folder).glob("*.md")):
                rel = f"{folder}/{path.name}"
                if rel in rejected or rel not in remarked:
                    found.append((path, rel not in rejected))
    return found


@pytest.mark.parametrize(
    ("path", "valid"),
    _verdicts(),
    ids=lambda v: v.relative_to(REPO).as_posix() if isinstance(v, Path) else "",
)
def test_the_schema_agrees_with_validate_on_every_example_and_fixture_file(path: Path, valid: bool):
    data = instance(path.read_text(encoding="utf-8"))
    kind = "person" if path.parent.name == "people" else "interview"
    assert validator(kind).is_valid(data) is valid, list(validator(kind).iter_errors(data))
    assert validator(None).is_valid(data) is valid


# Front matters that validate rejects for a value's type or choice, from the cases of
# tests/test_reading.py, test_validate.py and test_rules.py, and the fixture KBs (below).
REJECTED = [
    ("person", "name: [Ann]", "type"),
    ("person", "name: Ann\nstay_in_touch: often", "type"),
    ("person", "name: Ann\nstay_in_touch: '1:30'", "type"),
    ("person", "name: Ann\nprivate: maybe", "type"),
    ("person", "name: Ann\ntags: {a: 1}", "type"),
    ("person", "name: Ann\nrelationship: buddy", "value"),
    ("person", "name: Ann\nconnected: 15 Mar 2024", "date"),
    ("interview", "person: ann\ndate: 3/4/2024", "date"),
    ("interview", "person: ann\ndate: 2024-02-30", "date"),
    ("interview", "person: ann\ndate: 2024-02-01\nthanked: '2024-02-30'", "date"),
    ("interview", "person: ann\ndate: 2024-02-01\nstatus: finished", "value"),
    ("interview", "person: ann\ndate: 2024-02-01\nformat: zoom", "value"),
    ("interview", "person: ann\ndate: 2024-02-01\npurpose: fun", "value"),
    ("interview", "person: ann\ndate: 2024-02-01\ntime: '25:99'", "time"),
    ("interview", "person: ann\ndate: 2024-02-01\ntime: noon", "time"),
    ("interview", "person: ann\ndate: 2024-02-01\nduration: long", "type"),
    ("interview", "person: ann\ndate: 2024-02-01\nreferrals: {a: b}", "type"),
    ("interview", "person: ann\ndate: 2024-02-01\nprivate: [true]", "type"),
]


@pytest.mark.parametrize(("kind", "front", "rule"), REJECTED)
def test_the_schema_rejects_what_validate_rejects_for_type_or_value(tmp_path, kind, front, rule):
    root = tmp_path / "kb"
    write(root / "people" / "ann.md", "---\nname: Ann\n---\n")
    rel = "people/zed.md" if kind == "person" else "interviews/2024-02-01-ann.md"
    write(root / rel, f"---\n{front}\n---\n")
    rules = {p.rule for p in check_root(root, date(2026, 11, 30)).value if p.path == rel}
    assert rule in rules  # validate rejects it, for this reason
    assert not validator(kind).is_valid(instance(f"---\n{front}\n---\n"))
    assert not validator(None).is_valid(instance(f"---\n{front}\n---\n"))


def test_the_command_prints_the_schema():
    result = run("schema", "interview")
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == schema("interview")
    both = json.loads(run("schema").stdout)
    assert sorted(both["$defs"]) == ["interview", "person"]
    assert both["$defs"]["person"]["properties"]["relationship"]["anyOf"][0]["enum"] == [
        "alumni",
        "colleague",
        "friend",
        "referral",
        "cold",
        "other",
    ]
    assert run("schema", "company").exit_code == 2
