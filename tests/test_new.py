"""`tool new person|interview`: ids, exact round-trips, never overwriting."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import frontmatter
import pytest
from conftest import run, write

from tool import scaffold
from tool.ids import MAX_ID_BYTES, slugify, unique_id
from tool.store.loading import load


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Doe", "jane-doe"),
        ("  Jane   DOE ", "jane-doe"),
        ("Zoë Brandt", "zoe-brandt"),
        ("José Núñez-García", "jose-nunez-garcia"),
        ("O'Brien", "obrien"),
        ("Мария Иванова", "mariia-ivanova"),
        ("李小龙", "李小龙"),
        ("محمد", "محمد"),
        ("Dr: Who", "dr-who"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("-rf", "rf"),
        ("😀", "person"),
        ("", "person"),
    ],
)
def test_slugify(name, expected):
    assert slugify(name) == expected


def test_ids_are_bounded_and_safe():
    slug = slugify("Ж" * 300 + " x")
    assert len(slug.encode()) <= MAX_ID_BYTES
    long_cjk = slugify("李" * 200)
    assert len(long_cjk.encode()) <= MAX_ID_BYTES and long_cjk
    assert not long_cjk.startswith((".", "-"))


def test_unique_id_ignores_case_and_unicode_form():
    assert unique_id("jane-doe", ["Jane-Doe", "jane-doe-2"]) == "jane-doe-3"
    assert unique_id("zo\u00e9", ["zoe\u0301"]) == "zo\u00e9-2"


def test_new_person_creates_a_valid_file(kb_root):
    result = run(
        "new",
        "person",
        "Dee Fox",
        "--company",
        "Globex",
        "--tag",
        "data",
        "--tag",
        "remote work",
        "--introduced-by",
        "Ann Lee",
        "--root",
        kb_root,
    )
    assert result.exit_code == 0, result.stderr
    path = kb_root / "people/dee-fox.md"
    assert result.stdout == f"{path}\n"
    assert path.read_text() == (
        "---\nname: Dee Fox\ncompany: Globex\nrole:\ncareer:\nlocation:\nemail:\nphone:\n"
        "linkedin:\nintroduced_by: ann-lee\nrelationship:\ntags: [data, remote work]\n---\n"
        "How we met, what they work on, what to ask next time.\n"
    )
    assert run("validate", "--root", kb_root).stdout == "No problems in 7 files\n"


NAMES = [
    "O'Brien",
    "Dr: Who",
    "NO",
    "yes",
    "0",
    "01234",
    "1:30",
    "null",
    "~",
    "- dash",
    "#hash",
    "[x]",
    "{y}",
    'a "quoted" name',
    "back\\slash",
    "emoji 🎉 party",
    "trailing ",
    "2024-02-30",
    "& anchor",
    "* alias",
    "!tag",
    "% percent",
    "@at",
    "`tick",
    "|pipe",
    ">fold",
    "?q",
    "3.10",
    "Zoë",
    "李小龙",
]


@pytest.mark.parametrize("name", NAMES)
def test_any_name_round_trips_exactly(kb_root, name):
    # A name needs a letter or digit (see test_namesakes.py); the role may be anything.
    given = name if any(c.isalnum() for c in name) else f"Ann {name}"
    result = run("new", "person", "--role", name, "--root", kb_root, "--", given)
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.strip())
    person = load(kb_root).people[path.stem]
    assert (person.name, person.role) == (given.strip(), name)
    # An independent reader (python-frontmatter, YAML 1.1) reads the same text.
    post = frontmatter.loads(path.read_text())
    assert (post["name"], post["role"]) == (given, name)


def test_collisions_get_numbered_and_nothing_is_overwritten(kb_root):
    first = kb_root / "people/ann-lee.md"
    before = first.read_bytes()
    result = run("new", "person", "ANN LEE", "--namesake", "--root", kb_root)
    assert result.stdout == f"{kb_root / 'people/ann-lee-2.md'}\n"
    assert first.read_bytes() == before


def test_sixteen_concurrent_runs_give_sixteen_files(tmp_path):
    (tmp_path / "people").mkdir()
    command = [sys.executable, "-m", "tool", "new", "person", "Jane Doe", "--namesake"]
    procs = [
        subprocess.Popen(
            [*command, "--root", str(tmp_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(16)
    ]
    outputs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    names = sorted(Path(o).name for o in outputs)
    expected = sorted(["jane-doe.md"] + [f"jane-doe-{n}.md" for n in range(2, 17)])
    assert names == expected
    assert sorted(p.name for p in (tmp_path / "people").iterdir()) == expected


def test_new_interview(kb_root):
    result = run(
        "new",
        "interview",
        "bo-chen",
        "--date",
        "2026-05-04",
        "--format",
        "video",
        "--purpose",
        "company",
        "--requested",
        "2026-04-20",
        "--root",
        kb_root,
    )
    assert result.exit_code == 0, result.stderr
    path = kb_root / "interviews/2026-05-04-bo-chen.md"
    assert result.stdout == f"{path}\n"
    interview = load(kb_root).interviews["2026-05-04-bo-chen"]
    assert (interview.person, interview.format, interview.purpose) == (
        "bo-chen",
        "video",
        "company",
    )
    assert interview.requested.isoformat() == "2026-04-20"
    assert [s.title for s in interview.sections] == ["Questions", "Notes", "Insights", "Next steps"]
    assert run("validate", "--root", kb_root).exit_code == 0
    again = run("new", "interview", "Bo Chen", "--date", "2026-05-04", "--root", kb_root)
    assert again.stdout == f"{kb_root / 'interviews/2026-05-04-bo-chen-2.md'}\n"


def test_new_interview_status_defaults_from_the_date(kb_root):
    run("new", "interview", "ann-lee", "--date", "2000-01-01", "--root", kb_root)
    run("new", "interview", "ann-lee", "--date", "2999-01-01", "--root", kb_root)
    kb = load(kb_root)
    assert kb.interviews["2000-01-01-ann-lee"].status == "done"
    assert kb.interviews["2999-01-01-ann-lee"].status == "scheduled"


def test_unknown_person_suggests_close_matches(kb_root):
    result = run("new", "interview", "ann-le", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stderr == "Error: no person 'ann-le' in people/ (did you mean ann-lee?)\n"
    assert sorted(p.name for p in (kb_root / "interviews").iterdir()) == [
        "2026-03-10-ann-lee.md",
        "2026-03-20-bo-chen.md",
        "2026-04-02-cy-diaz.md",
    ]


def test_bad_date_is_a_usage_error(kb_root):
    result = run("new", "interview", "ann-lee", "--date", "2026-02-30", "--root", kb_root)
    assert result.exit_code == 2
    assert "'2026-02-30' is not a real date" in result.stderr


def test_template_that_produces_an_invalid_file_writes_nothing(kb_root):
    write(kb_root / "templates/person.md", "---\nname: {{ name }}\ntags: [\n---\n")
    result = run("new", "person", "Eve", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: templates/person.md produced an invalid person file")
    assert not (kb_root / "people/eve.md").exists()


def test_template_with_undefined_variable_names_file_and_line(kb_root):
    write(kb_root / "templates/person.md", "---\nname: {{ name | yaml }}\nrole: {{ nope }}\n---\n")
    result = run("new", "person", "Eve", "--root", kb_root)
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: templates/person.md:3: undefined variable: 'nope' is undefined\n"
    )


def test_edit_opens_the_editor_on_the_new_file(kb_root, tmp_path, monkeypatch):
    log = tmp_path / "edited.txt"
    editor = write(tmp_path / "editor.sh", f'#!/bin/sh\necho "$1" > {log}\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    result = run("new", "person", "Eve", "--edit", "--root", kb_root)
    assert result.exit_code == 0
    assert log.read_text().strip() == str(kb_root / "people/eve.md")


def test_people_folder_linking_outside_the_kb_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    root = tmp_path / "kb"
    root.mkdir()
    (root / "people").symlink_to(outside)
    result = run("new", "person", "Eve", "--root", root)
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: refusing to write outside the knowledge base: {root / 'people'}\n"
    )
    assert list(outside.iterdir()) == []


def test_disk_errors_are_errors_not_tracebacks(kb_root, monkeypatch):
    def refuse(path, text):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("tool.store.files.create_exclusive", refuse)
    result = run("new", "person", "Eve", "--root", kb_root)
    assert result.exit_code == 1
    assert result.stderr == f"Error: Permission denied: {kb_root / 'people/eve.md'}\n"


def test_new_files_follow_the_umask(kb_root):
    old = os.umask(0o022)
    try:
        result = run("new", "person", "Eve", "--root", kb_root)
    finally:
        os.umask(old)
    assert stat.S_IMODE(Path(result.stdout.strip()).stat().st_mode) == 0o644


@pytest.mark.parametrize("name", ["line\nbreak", "tab\there", "para\u2028sep"])
def test_names_must_be_one_line(kb_root, name):
    result = run("new", "person", "--root", kb_root, "--", name)
    assert (result.exit_code, result.stderr) == (1, "Error: the name must be one line of text\n")


def test_a_role_may_hold_any_text(kb_root):
    role = "line\nbreak\ttab\u2028sep"
    result = run("new", "person", "Eve", "--role", role, "--root", kb_root)
    assert load(kb_root).people[Path(result.stdout.strip()).stem].role == role


def test_ambiguous_name_is_an_error(kb_root):
    run("new", "person", "Ann Lee", "--namesake", "--root", kb_root)
    result = run("new", "interview", "ann lee", "--root", kb_root)
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: 'ann lee' is the name of 2 people (ann-lee, ann-lee-2); give the id\n"
    )


def test_unreadable_person_is_named_as_such(kb_root):
    write(kb_root / "people/ann-lee.md", "---\nname: Ann\n\trole: x\n---\n")
    result = run("new", "interview", "ann-lee", "--root", kb_root)
    assert result.stderr == (
        "Error: people/ann-lee.md:3: YAML syntax: tab characters are not allowed for indentation "
        "in YAML (the file exists, but cannot be used until this is fixed)\n"
    )
    lines = run("validate", "--root", kb_root).stdout.splitlines()
    assert (
        "interviews/2026-03-10-ann-lee.md:2:1: error: person 'ann-lee': people/ann-lee.md could "
        "not be read (see its errors) [reference]"
    ) in lines


def test_new_interview_says_when_the_question_set_is_used_up(tmp_path):
    run("init", tmp_path / "kb")
    root = tmp_path / "kb"
    run("new", "person", "A B", "--root", root)
    results = [
        run(
            "new",
            "interview",
            "a-b",
            "--date",
            f"2020-01-0{day}",
            "--purpose",
            "career",
            "--status",
            "done",
            "--root",
            root,
        )
        for day in (1, 2, 3)
    ]
    counts = [
        sum(line[:1].isdigit() for line in Path(r.stdout.strip()).read_text().splitlines())
        for r in results
    ]
    assert counts[0] > 0 and counts[1] > 0 and counts[2] == 0
    assert results[1].stderr == ""
    assert results[2].stderr == (
        "note: every question of the career set was already asked of A B; the Questions section "
        "is left for you to fill (`tool questions a-b --all` lists them)\n"
    )


def test_numbered_ids_stay_within_the_byte_limit():
    base = slugify("张" * 40)
    second = unique_id(base, [base])
    assert second.endswith("-2") and len(second.encode()) <= MAX_ID_BYTES


def test_creation_works_where_hard_links_do_not(kb_root, monkeypatch):
    import errno

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr("os.link", no_links)
    first = run("new", "person", "Eve", "--root", kb_root)
    second = run("new", "person", "Eve", "--namesake", "--root", kb_root)
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert Path(second.stdout.strip()).name == "eve-2.md"
    assert load(kb_root).people["eve"].name == "Eve"
    assert not [p for p in (kb_root / "people").iterdir() if p.name.endswith(".tmp")]


FIXED_UID = "11111111-2222-4333-8444-555555555555"


def front_matter(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n")[1]


def test_new_interview_writes_a_uid(kb_root, monkeypatch):
    monkeypatch.setattr(scaffold, "new_uid", lambda: FIXED_UID)
    args = ("--date", "2026-05-04", "--status", "scheduled", "--format", "video")
    result = run("new", "interview", "bo-chen", *args, "--root", kb_root)
    assert result.exit_code == 0, result.stderr
    assert front_matter(kb_root / "interviews/2026-05-04-bo-chen.md") == (
        "person: bo-chen\ndate: 2026-05-04\nstatus: scheduled\nrequested:\nformat: video\n"
        "duration:\npurpose:\nthanked:\nfollow_up:\nreferrals: []\ntags: []\n"
        f"uid: {FIXED_UID}\n"
    )
    assert load(kb_root).interviews["2026-05-04-bo-chen"].uid == FIXED_UID


def test_two_new_interviews_never_share_a_uid(kb_root):
    for _ in range(2):
        result = run("new", "interview", "bo-chen", "--date", "2026-05-04", "--root", kb_root)
        assert result.exit_code == 0, result.stderr
    kb = load(kb_root)
    uids = [kb.interviews[i].uid for i in ("2026-05-04-bo-chen", "2026-05-04-bo-chen-2")]
    assert uids[0] != uids[1]
    assert [uuid.UUID(u).version for u in uids] == [4, 4]  # type: ignore[arg-type]
    assert run("validate", "--root", kb_root).exit_code == 0


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # A KB's own template from before uids: the uid is added as the last field.
        (
            "---\nperson: {{ person.id }}\ndate: {{ date }}\n---\nNotes.\n",
            f"---\nperson: bo-chen\ndate: 2026-05-04\nuid: {FIXED_UID}\n---\nNotes.\n",
        ),
        # A template that writes a uid of its own keeps it.
        (
            "---\nperson: {{ person.id }}\ndate: {{ date }}\nuid: {{ id }}\n---\n",
            "---\nperson: bo-chen\ndate: 2026-05-04\nuid: 2026-05-04-bo-chen\n---\n",
        ),
        # Flow-style front matter has no line to add one to: it is left as it is.
        (
            "---\n{person: {{ person.id }}, date: {{ date }}}\n---\n",
            "---\n{person: bo-chen, date: 2026-05-04}\n---\n",
        ),
    ],
)
def test_a_template_without_uid_still_gives_one(kb_root, monkeypatch, template, expected):
    monkeypatch.setattr(scaffold, "new_uid", lambda: FIXED_UID)
    write(kb_root / "templates/interview.md", template)
    result = run("new", "interview", "bo-chen", "--date", "2026-05-04", "--root", kb_root)
    assert result.exit_code == 0, result.stderr
    assert (kb_root / "interviews/2026-05-04-bo-chen.md").read_text() == expected
