"""Reading files that are broken in every way a real user (or attacker) manages.

The texts are read in memory (kb_builder.py) as `load` reads them; what needs a real folder
(size limit, symbolic links) is read from one.
"""

from __future__ import annotations

import os

import pytest
import yaml
from conftest import run, write
from kb_builder import kb_of

from tool.store.files import MAX_FILE_BYTES
from tool.store.loading import load

GOOD_PERSON = "---\nname: Good Person\n---\nnotes\n"


def problems_for(files: dict[str, str | bytes], name: str) -> list[str]:
    """`line:col: severity: message [rule]` of each problem of people/<name> in a KB of files."""
    kb = kb_of(files)
    return [
        f"{p.line}:{p.col}: {p.severity}: {p.message} [{p.rule}]"
        for p in kb.problems
        if p.path == f"people/{name}"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # YAML syntax errors, reported at the line in the file (not in the block)
        (
            "---\nname: Ann\n\tcompany: X\n---\n",
            "3:1: error: YAML syntax: tab characters are not allowed for indentation in YAML",
        ),
        (
            "---\nname: Ann\nrole: a: b\n---\n",
            "3:8: error: YAML syntax: mapping values are not allowed here [yaml-syntax]",
        ),
        (
            "---\nname: Ann\ntags: [a, b\n---\n",
            "3:7: error: YAML syntax: '[' is never closed [yaml-syntax]",
        ),
        ('---\nname: "Ann\n---\n', "2:7: error: YAML syntax: a quote is never closed"),
        # front matter missing, empty, unterminated, not a mapping, not at the start
        (
            "just notes\n",
            "1:1: error: missing front matter (the file must start with a '---' line)",
        ),
        ("", "1:1: error: missing front matter"),
        ("---\n---\nbody\n", "1:1: error: front matter is empty [front-matter]"),
        ("---\n# only a comment\n---\n", "1:1: error: front matter is empty [front-matter]"),
        (
            "---\nname: Ann\nbody without end\n",
            "1:1: error: front matter is not closed: add a '---' line after it [front-matter]",
        ),
        (
            "---\n- a\n- b\n---\n",
            "2:1: error: front matter must be a mapping of `key: value` lines [front-matter]",
        ),
        (
            "---\njust text\n---\n",
            "2:1: error: front matter must be a mapping of `key: value` lines [front-matter]",
        ),
        (
            "\n---\nname: Ann\n---\n",
            "2:1: error: front matter must start on the first line of the file [front-matter]",
        ),
        # duplicate keys: both lines named
        (
            "---\nname: Ann\nrole: A\nname: Bo\n---\n",
            "2:1: error: duplicate key 'name' (also on line 4) [duplicate-key]",
        ),
        (
            "---\nname: Ann\nrole: A\nname: Bo\n---\n",
            "4:1: error: duplicate key 'name' (first on line 2) [duplicate-key]",
        ),
        # non-string keys
        (
            "---\nname: Ann\n1: one\n---\n",
            "3:1: error: key '1' would be read as a number by other YAML tools; quote it "
            "[yaml-key]",
        ),
        (
            "---\nname: Ann\n[a, b]: x\n---\n",
            "3:1: error: keys must be plain text, not lists or mappings [yaml-key]",
        ),
        # anchors, aliases and tags are refused
        (
            "---\nname: &n Ann\nrole: *n\n---\n",
            "2:7: error: YAML anchors (&name) are not allowed [yaml-alias]",
        ),
        (
            "---\nname: Ann\nrole: !!python/object:os.system x\n---\n",
            "3:7: error: YAML tag !!python/object:os.system is not allowed [yaml-tag]",
        ),
        (
            "---\nname: Ann\nrole: !!binary aGVsbG8=\n---\n",
            "3:7: error: YAML tag !!binary is not allowed [yaml-tag]",
        ),
        (
            "---\nname: Ann\ntags: !!set {a, b}\n---\n",
            "3:7: error: YAML tag !!set is not allowed [yaml-tag]",
        ),
        (
            "---\nname: Ann\nrole: !custom x\n---\n",
            "3:7: error: YAML tag !custom is not allowed [yaml-tag]",
        ),
        # YAML 1.1 surprises in typed fields
        (
            "---\nname: Ann\nstay_in_touch: 1:30\n---\n",
            "3:16: error: 'stay_in_touch' must be a whole number, not '1:30' [type]",
        ),
        (
            "---\nname: Ann\nprivate: no\n---\n",
            "3:10: error: 'private' must be true or false, not 'no' [type]",
        ),
        (
            "---\nname: Ann\ntags: {a: b}\n---\n",
            "3:7: error: 'tags' must be a list, like [a, b] [type]",
        ),
        ("---\nname: [Ann]\n---\n", "2:7: error: 'name' must be text, not a list [type]"),
        (
            "---\nrole: PM\n---\n",
            "2:1: error: missing required field 'name'; see docs/format.md#name [required]",
        ),
    ],
)
def test_broken_person_file_is_reported_and_others_still_read(text, expected):
    files = {"people/bad.md": text, "people/good.md": GOOD_PERSON}
    found = problems_for(files, "bad.md")
    assert any(p.startswith(expected) for p in found), found
    assert kb_of(files).people["good"].name == "Good Person"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("no", "true/false"),
        ("off", "true/false"),
        ("01234", "a number"),
        ("1:30", "the number 90 (base 60)"),
        ("3.10", "a number"),
        ("2024-02-30", "a date"),
        ("~", None),
        ("null", None),
    ],
)
def test_yaml11_values_in_text_fields_stay_text_with_a_warning(value, kind):
    kb = kb_of({"people/p.md": f"---\nname: Ann\nrole: {value}\n---\n"})
    if kind is None:
        assert kb.people["p"].role is None
        assert kb.problems == []
    else:
        assert kb.people["p"].role == value
        assert [p.format() for p in kb.problems] == [
            f"people/p.md:3:7: warning: 'role' is read as the text {value!r}, but other YAML "
            f"tools would read {kind}; quote it [yaml-1.1]"
        ]


def test_phone_number_stays_exactly_as_typed():
    kb = kb_of({"people/p.md": '---\nname: Ann\nphone: 0301234567\nemail: "+1"\n---\n'})
    person = kb.people["p"]
    assert person.phone == "0301234567"


def test_invalid_dates_are_errors_not_guesses():
    kb = kb_of(
        {
            "people/ann.md": GOOD_PERSON.replace("Good Person", "Ann"),
            "interviews/2024-02-30-ann.md": "---\nperson: ann\ndate: 2024-02-28\n"
            "thanked: 2024-02-30\nfollow_up: 3/4/2024\n---\n",
        }
    )
    assert [p.format() for p in kb.problems] == [
        "interviews/2024-02-30-ann.md:4:10: error: 'thanked' is not a real date: 2024-02-30 [date]",
        "interviews/2024-02-30-ann.md:5:12: error: 'follow_up' must be a date written YYYY-MM-DD,"
        " not '3/4/2024' [date]",
    ]
    interview = kb.interviews["2024-02-30-ann"]
    assert interview.thanked is None and interview.follow_up is None


def test_quoted_and_unquoted_dates_both_work():
    kb = kb_of(
        {
            "interviews/a.md": "---\nperson: x\ndate: '2026-03-14'\n---\n",
            "interviews/b.md": "---\nperson: x\ndate: 2026-03-14\n---\n",
        }
    )
    assert kb.interviews["a"].date == kb.interviews["b"].date


def test_library_internal_names_are_ordinary_keys():
    text = "---\nname: Ann\ncontent: c\nhandler: h\nmetadata: m\n__class__: k\n---\nbody\n"
    person = kb_of({"people/p.md": text}).people["p"]
    assert person.extra == {"content": "c", "handler": "h", "metadata": "m", "__class__": "k"}
    assert person.body == "body\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbf---\nname: Ann\n---\n", None),
        (b"---\r\nname: Ann\r\nrole: PM\r\n---\r\nnotes\r\n", None),
        (
            b"---\nname: Ann\nrole: caf\xe9\n---\n",
            "3:10: error: file is not valid UTF-8 text [encoding]",
        ),
        (b"---\nname: Ann\x00\n---\n", "2:10: error: file contains a NUL byte [encoding]"),
        (
            b"---\nname: Ann\n---\nbell \x07\n",
            "4:6: error: file contains a control character U+0007",
        ),
    ],
)
def test_encodings(data, expected):
    found = problems_for({"people/p.md": data}, "p.md")
    if expected is None:
        assert found == []
        assert kb_of({"people/p.md": data}).people["p"].name == "Ann"
    else:
        assert len(found) == 1 and found[0].startswith(expected), found


def test_crlf_and_bom_keep_line_numbers():
    data = "\ufeff---\r\nname: Ann\r\nrole: [x\r\n---\r\n".encode()
    assert problems_for({"people/p.md": data}, "p.md") == [
        "3:7: error: YAML syntax: '[' is never closed [yaml-syntax]"
    ]


def test_alias_bomb_is_refused_at_its_first_anchor():
    # Refused before anything is expanded: an expansion would never finish, not run slow.
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}] " for i in range(20)]
    found = problems_for({"people/p.md": "\n".join([*lines, "name: Ann", "---", ""])}, "p.md")
    assert found == ["2:4: error: YAML anchors (&name) are not allowed [yaml-alias]"]


class _EarlyDepthLimitLoader(yaml.BaseLoader):
    """A parser with its own nesting limit, hit while scanning ahead, as in libyaml 0.2.6."""

    def fetch_flow_collection_start(self, token_class):
        if self.flow_level >= 100:
            raise yaml.scanner.ScannerError(
                "while increasing flow level", None, "exceeded maximum nesting depth", None
            )
        super().fetch_flow_collection_start(token_class)


LOADERS = {
    "libyaml": getattr(yaml, "CBaseLoader", yaml.BaseLoader),
    "pure-python": yaml.BaseLoader,
    "early-limit": _EarlyDepthLimitLoader,
}
DEPTH = "error: front matter is nested more than 32 levels deep [yaml-depth]"


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("tags: " + "[" * 25_000, f"3:38: {DEPTH}"),
        ("tags: " + "{" * 25_000, f"3:38: {DEPTH}"),
        ("tags: " + "[ " * 2_000, f"3:69: {DEPTH}"),
        ("tags: " + "{a: " * 25_000, f"3:131: {DEPTH}"),
        ("tags:\n" + "- " * 25_000 + "x", f"4:63: {DEPTH}"),
        ("deep:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 200)), f"35:33: {DEPTH}"),
        ("deep:\n" + "".join(" " * i + "-\n" for i in range(1, 200)), f"35:33: {DEPTH}"),
    ],
    ids=["brackets", "braces", "spaced", "flow-maps", "dashes", "indented-maps", "indented-lists"],
)
def test_deep_nesting_is_refused_at_the_same_place_by_every_parser(
    monkeypatch, loader, tail, expected
):
    """libyaml's own nesting limit (0.2.6) or its absence never changes what is reported."""
    monkeypatch.setattr("tool.parse.frontmatter._LOADER", LOADERS[loader])
    assert problems_for({"people/p.md": f"---\nname: Ann\n{tail}\n---\n"}, "p.md") == [expected]


@pytest.mark.parametrize("loader", LOADERS)
def test_nesting_up_to_the_limit_is_read(monkeypatch, loader):
    monkeypatch.setattr("tool.parse.frontmatter._LOADER", LOADERS[loader])
    kb = kb_of({"people/p.md": "---\nname: Ann\nx: " + "[" * 31 + "]" * 31 + "\n---\n"})
    assert kb.problems == []
    assert "x" in kb.people["p"].extra


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("role: a: b", "3:8: error: YAML syntax: mapping values are not allowed here"),
        ("role: @x", "3:7: error: YAML syntax: found character '@' that cannot start any token"),
        ("- x", "3:1: error: YAML syntax: expected <block end>, but found '-'"),
    ],
)
def test_syntax_errors_read_the_same_with_or_without_libyaml(monkeypatch, tail, expected):
    found = []
    for loader in LOADERS.values():
        monkeypatch.setattr("tool.parse.frontmatter._LOADER", loader)
        found.append(problems_for({"people/p.md": f"---\nname: Ann\n{tail}\n---\n"}, "p.md"))
    assert found[0] == found[1] == found[2]
    assert len(found[0]) == 1 and found[0][0].startswith(expected), found


def test_files_over_the_size_limit_are_not_parsed(tmp_path):
    big = write(tmp_path / "people/big.md", "---\nname: Big\n---\n" + "x" * MAX_FILE_BYTES)
    size = big.stat().st_size
    assert [p.format() for p in load(tmp_path).problems] == [
        f"people/big.md:1:1: error: file is {size:,} bytes; files over {MAX_FILE_BYTES:,} bytes "
        "are not read [too-large]"
    ]


def test_symlink_leaving_the_kb_is_never_read(tmp_path):
    secret = write(tmp_path / "outside/secret.md", "---\nname: Secret\n---\n")
    root = tmp_path / "kb"
    write(root / "people/inside.md", GOOD_PERSON)
    os.symlink(secret, root / "people/leak.md")
    os.symlink(root / "people/inside.md", root / "people/alias.md")
    kb = load(root)
    assert [p.format() for p in kb.problems] == [
        "people/leak.md:1:1: error: symbolic link points outside the knowledge base; not read "
        "[symlink]"
    ]
    assert sorted(kb.people) == ["alias", "inside"]
    assert all(p.name != "Secret" for p in kb.people.values())


def test_bad_file_does_not_stop_a_command(kb_root):
    write(kb_root / "people/broken.md", "---\nname: [\n---\n")
    result = run("validate", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "people/broken.md:2:7: error: YAML syntax: '[' is never closed [yaml-syntax]",
        "1 error, 0 warnings in 7 files",
    ]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("tags: " + "[" * 25_000, "3:38: error: front matter is nested more than 32 levels deep"),
        ("role: &a x", "3:7: error: YAML anchors (&name) are not allowed"),
        ("role: !!python/name:os.system x", "3:7: error: YAML tag !!python/name:os.system"),
        ("role: [x", "3:7: error: YAML syntax: '[' is never closed"),
    ],
)
def test_pure_python_parser_gives_the_same_answers(monkeypatch, tail, expected):
    """Where libyaml is missing, the pure-Python parser is used with the same safeguards."""
    monkeypatch.setattr("tool.parse.frontmatter._LOADER", yaml.BaseLoader)
    found = problems_for({"people/p.md": f"---\nname: Ann\n{tail}\n---\n"}, "p.md")
    assert len(found) == 1 and found[0].startswith(expected), found


def test_unreadable_private_flag_keeps_the_record_private():
    kb = kb_of({"people/p.md": "---\nname: Ann\nprivate: yes\n---\n"})
    assert kb.people["p"].private is True
    assert [p.rule for p in kb.problems] == ["type"]


def test_yaml11_surprises_in_list_items_are_warned():
    kb = kb_of({"people/p.md": "---\nname: Ann\ntags: [yes, robotics]\n---\n"})
    assert kb.people["p"].tags == ("yes", "robotics")
    assert [p.format() for p in kb.problems] == [
        "people/p.md:3:8: warning: 'tags' is read as the text 'yes', but other YAML tools would "
        "read true/false; quote it [yaml-1.1]"
    ]


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "person:\ndate: 2026-01-01",
            "2:1: error: 'person' must not be empty; see docs/format.md#person [required]",
        ),
        (
            "person: '  '\ndate: 2026-01-01",
            "2:1: error: 'person' must not be empty; see docs/format.md#person [required]",
        ),
        (
            "person: ann\ndate:",
            "3:1: error: 'date' must not be empty; see docs/format.md#date [required]",
        ),
        ("person: ann\ndate: soon", "3:7: error: 'date' must be a date written YYYY-MM-DD"),
    ],
)
def test_empty_required_fields_are_reported_not_dropped(front, expected):
    kb = kb_of({"interviews/x.md": f"---\n{front}\n---\n"})
    found = [f"{p.line}:{p.col}: {p.severity}: {p.message} [{p.rule}]" for p in kb.problems]
    assert len(found) == 1 and found[0].startswith(expected), found
    assert kb.interviews == {}


def test_a_repeated_private_flag_keeps_the_record_private():
    kb = kb_of({"people/p.md": "---\nname: Ann\nprivate: true\nprivate: false\n---\n"})
    assert kb.people["p"].private is True
    assert {p.rule for p in kb.problems} == {"duplicate-key"}


def test_a_linked_folder_leading_outside_is_not_read(tmp_path):
    outside = write(
        tmp_path / "outside/interviews/2026-01-01-x.md",
        "---\nperson: x\ndate: 2026-01-01\n---\nsecret\n",
    ).parent
    root = tmp_path / "kb"
    write(root / "people/x.md", "---\nname: X\n---\n")
    (root / "interviews").symlink_to(outside)
    kb = load(root)
    assert kb.interviews == {}
    assert [p.rule for p in kb.problems] == ["symlink"]


UNCLOSED = "front-matter-end"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        # notes after a blank line become keys, up to a Markdown rule further down
        (
            "name: Bo\ncompany: Acme\n\nHow we met: PyCon 2024\nNext steps:\n- send CV\n\n",
            "5:1: warning: 'How we met: PyCon 2024' looks like notes, yet it is read as front "
            "matter, which ends at the '---' on line 9; is the closing '---' missing above it? "
            f"[{UNCLOSED}]",
        ),
        # a heading is a YAML comment: it would vanish without a word
        (
            "name: Cy\n\n## Notes\n\n",
            "4:1: warning: '## Notes' looks like notes, yet it is read as front matter, which "
            f"ends at the '---' on line 6; is the closing '---' missing above it? [{UNCLOSED}]",
        ),
        (
            "name: Cy\nrole: PM\n\n# Cy Doe\nMet at: the meetup\n",
            "5:1: warning: '# Cy Doe' looks like notes",
        ),
        ("name: Cy\n\n# Cy\nfirst: x\nMet at: the meetup\n", "6:1: warning: 'Met at: the"),
    ],
)
def test_front_matter_running_into_the_notes_is_warned(front, expected):
    found = problems_for({"people/p.md": f"---\n{front}---\nMore notes.\n"}, "p.md")
    assert len(found) == 1 and found[0].startswith(expected), found


def test_front_matter_running_into_notes_is_also_named_beside_a_syntax_error():
    text = "---\nperson: ann\ndate: 2026-01-05\n\n## Questions\n1. What do you do?\n\n---\n"
    assert [p.format() for p in kb_of({"interviews/2026-01-05-ann.md": text}).problems] == [
        "interviews/2026-01-05-ann.md:5:1: warning: '## Questions' looks like notes, yet it is "
        "read as front matter, which ends at the '---' on line 8; is the closing '---' missing "
        f"above it? [{UNCLOSED}]",
        "interviews/2026-01-05-ann.md:7:1: error: YAML syntax: could not find expected ':' "
        "(while scanning a simple key) [yaml-syntax]",
    ]


@pytest.mark.parametrize(
    "front",
    [
        "name: Ann\ncompany: Acme\n\ntags: [a, b]\n",  # blank lines between fields
        "name: Ann\n\n# contact\nemail: a@example.com\n",  # a comment heading fields
        "name: Ann\n\n# private: true\n",  # a field switched off
        "name: Ann\nabout: |\n  Met at: PyCon\n\n  # not a heading\n  more\n",  # block text
        "name: Ann\ntags:\n  - a\n\n  - b\n",  # a list with a gap
        "name: Ann\ncompany: Acme\n\n",  # a blank line before the end
        "name: Ann\n# Ann Lee\n",  # a comment with no blank line before it
        "first name: Ann\nname: Ann\n",  # keys with spaces, not after a gap
    ],
)
def test_legitimate_front_matter_is_not_taken_for_notes(front):
    assert problems_for({"people/p.md": f"---\n{front}---\nnotes\n"}, "p.md") == []


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "name: Ann\ncompany: #1 Robotics\n",
            "3:10: warning: 'company' is empty because YAML reads '#1 Robotics' as a comment; "
            "if it is the value, write company: '#1 Robotics' [yaml-comment]",
        ),
        (
            "name: Ann\ntags: #ux\n",
            "3:7: warning: 'tags' is empty because YAML reads '#ux' as a comment; "
            "if it is the value, write tags: '#ux' [yaml-comment]",
        ),
        (
            "name: Ann\ntags:\n  - research\n  -   #ux\n",
            "5:7: warning: an item of 'tags' is empty because YAML reads '#ux' as a comment; "
            "if it is the value, write - '#ux' [yaml-comment]",
        ),
        (
            "name: Ann\nlinks:\n  site: #home's\n",
            "4:9: warning: 'site' is empty because YAML reads \"#home's\" as a comment; "
            "if it is the value, write site: '#home''s' [yaml-comment]",
        ),
    ],
)
def test_a_value_starting_with_a_hash_is_warned(front, expected):
    assert problems_for({"people/p.md": f"---\n{front}---\n"}, "p.md") == [expected]


@pytest.mark.parametrize(
    "front",
    [
        "name: Ann\nfollow_up: # set after the call\n",  # a comment, with its space
        "name: Ann\ncompany: '#1 Robotics'\n",
        "name: Ann\ncompany: Acme #1\n",
        "name: Ann\ntags: ['#ux']\n",
        "name: Ann\ncompany:\n# next\n",
    ],
)
def test_comments_and_quoted_hashes_are_not_warned(front):
    assert problems_for({"people/p.md": f"---\n{front}---\n"}, "p.md") == []


def test_quoted_hash_value_is_kept():
    kb = kb_of({"people/p.md": "---\nname: Ann\ncompany: '#1 Robotics'\n---\n"})
    assert kb.people["p"].company == "#1 Robotics"


def test_silent_misreads_fail_validate_strict(kb_root):
    write(kb_root / "people/hash.md", "---\nname: Hash\ncompany: #1 Robotics\n---\n")
    write(kb_root / "people/open.md", "---\nname: Open\n\nNext steps: call\n\n---\n")
    lenient = run("validate", "--root", kb_root)
    assert lenient.exit_code == 0
    assert lenient.stdout.splitlines() == [
        "people/hash.md:3:10: warning: 'company' is empty because YAML reads '#1 Robotics' as a "
        "comment; if it is the value, write company: '#1 Robotics' [yaml-comment]",
        "people/open.md:4:1: warning: 'Next steps: call' looks like notes, yet it is read as "
        "front matter, which ends at the '---' on line 6; is the closing '---' missing above "
        "it? [front-matter-end]",
        "0 errors, 2 warnings in 8 files",
    ]
    assert run("validate", "--root", kb_root, "--strict").exit_code == 1
