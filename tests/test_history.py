"""`tool history` and `tool log` over a real git repository: commits, a rename, a merge."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import GIT_ENV, run, write

from tool.parse.gitlog import Commit, FileChange, parse_log
from tool.rules.history import FieldChange, field_changes, version

QUESTIONS = (
    "## Questions\n1. What does a normal week look like for you?\n"
    "2. What surprised you most when you started?\n3. Who else should I talk to?\n\n"
)


def git(repo: Path, *args: str, day: str | None = None) -> str:
    """Run git in `repo`; `day` fixes both dates of the commit it makes."""
    env = {**os.environ, **GIT_ENV}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T10:00:00+00:00"
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit(repo: Path, message: str, day: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, day=day)


def interview(day: str, status: str, extra: str = "", body: str = "") -> str:
    return (
        f"---\nperson: jane-doe\ndate: {day}\nstatus: {status}\nrequested: 2026-03-03\n"
        f"purpose: career\n{extra}---\n{QUESTIONS}## Notes\nMet over video.\n\n{body}"
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """Jane added, asked, moved (renamed file), met; Omar added on a branch merged later."""
    root = tmp_path_factory.mktemp("history") / "kb"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root / "tool.toml", '[me]\nname = "Alex Example"\n')
    write(
        root / "people/jane-doe.md", "---\nname: Jane Doe\ncompany: Acme\n---\nMet at a meetup.\n"
    )
    commit(root, "Add Jane", "2026-03-02")
    write(root / "interviews/2026-03-12-jane-doe.md", interview("2026-03-12", "requested"))
    commit(root, "Ask Jane for a call", "2026-03-03")
    git(root, "checkout", "-q", "-b", "omar")
    write(root / "people/omar-haddad.md", "---\nname: Omar Haddad\ncompany: Globex\n---\n")
    commit(root, "Add Omar", "2026-03-04")
    git(root, "checkout", "-q", "main")
    git(root, "mv", "interviews/2026-03-12-jane-doe.md", "interviews/2026-03-14-jane-doe.md")
    write(root / "interviews/2026-03-14-jane-doe.md", interview("2026-03-14", "scheduled"))
    commit(root, "Move the call to Friday", "2026-03-05")
    insights = "## Insights\n- PMs spend half their time with engineers. #day-to-day\n"
    done = interview("2026-03-14", "done", "thanked: 2026-03-15\n", insights)
    write(root / "interviews/2026-03-14-jane-doe.md", done)
    commit(root, "Talk to Jane", "2026-03-16")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge Omar", "omar", day="2026-03-17")
    write(root / "people/omar-haddad.md", "---\nname: Omar Haddad\ncompany: Initech\n---\n")
    commit(root, "Omar moved to Initech", "2026-03-18")
    return root


@pytest.fixture(autouse=True)
def _git_settings(monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def short(repo: Path, subject: str) -> str:
    """The short hash of the commit with this subject."""
    lines = git(repo, "log", "--all", "--format=%h %s").splitlines()
    return next(line.split(" ", 1)[0] for line in lines if line.split(" ", 1)[1] == subject)


def test_history_of_a_person_follows_the_rename_newest_first(repo):
    h = {s: short(repo, s) for s in ("Add Jane", "Ask Jane for a call", "Move the call to Friday")}
    talk = short(repo, "Talk to Jane")
    result = run("history", "jane-doe", "--root", repo)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Jane Doe (people/jane-doe.md)\n"
        f"added 2026-03-02 ({h['Add Jane']}), last changed 2026-03-16 ({talk})\n"
        "conversation 2026-03-14-jane-doe: requested 2026-03-03, done 2026-03-16 (13 days)\n"
        "\n"
        f"2026-03-16  {talk}  Talk to Jane  interviews/2026-03-14-jane-doe.md\n"
        f"2026-03-05  {h['Move the call to Friday']}  Move the call to Friday  "
        "interviews/2026-03-14-jane-doe.md (renamed from interviews/2026-03-12-jane-doe.md)\n"
        f"2026-03-03  {h['Ask Jane for a call']}  Ask Jane for a call  "
        "interviews/2026-03-12-jane-doe.md (new)\n"
        f"2026-03-02  {h['Add Jane']}  Add Jane  people/jane-doe.md (new)\n"
    )


def test_history_patch_shows_field_changes_not_text(repo):
    result = run("history", "2026-03-14-jane-doe", "--patch", "--root", repo)
    assert result.exit_code == 0
    ask, move, talk = (
        short(repo, s) for s in ("Ask Jane for a call", "Move the call to Friday", "Talk to Jane")
    )
    assert result.stdout == (
        "interviews/2026-03-14-jane-doe.md (with Jane Doe)\n"
        f"added 2026-03-03 ({ask}), last changed 2026-03-16 ({talk})\n"
        "conversation 2026-03-14-jane-doe: requested 2026-03-03, done 2026-03-16 (13 days)\n"
        "\n"
        f"2026-03-16  {talk}  Talk to Jane  interviews/2026-03-14-jane-doe.md\n"
        "    status: scheduled → done\n"
        "    thanked: set 2026-03-15\n"
        "    notes changed\n"
        f"2026-03-05  {move}  Move the call to Friday  "
        "interviews/2026-03-14-jane-doe.md (renamed from interviews/2026-03-12-jane-doe.md)\n"
        "    date: 2026-03-12 → 2026-03-14\n"
        "    status: requested → scheduled\n"
        f"2026-03-03  {ask}  Ask Jane for a call  interviews/2026-03-12-jane-doe.md (new)\n"
        "    person: set jane-doe\n"
        "    date: set 2026-03-12\n"
        "    status: set requested\n"
        "    requested: set 2026-03-03\n"
        "    purpose: set career\n"
    )


def test_history_of_a_person_merged_from_a_branch(repo):
    add, moved = short(repo, "Add Omar"), short(repo, "Omar moved to Initech")
    result = run("history", "Omar Haddad", "-p", "--root", repo)
    assert result.stdout == (
        "Omar Haddad (people/omar-haddad.md)\n"
        f"added 2026-03-04 ({add}), last changed 2026-03-18 ({moved})\n"
        "\n"
        f"2026-03-18  {moved}  Omar moved to Initech  people/omar-haddad.md\n"
        "    company: Globex → Initech\n"
        f"2026-03-04  {add}  Add Omar  people/omar-haddad.md (new)\n"
        "    name: set Omar Haddad\n"
        "    company: set Globex\n"
    )


def test_history_json(repo):
    result = run("history", "jane-doe", "--format", "json", "--root", repo)
    data = json.loads(result.stdout)
    assert data["files"] == ["people/jane-doe.md", "interviews/2026-03-14-jane-doe.md"]
    assert data["added"]["date"] == "2026-03-02"
    assert data["conversations"] == [
        {
            "path": "interviews/2026-03-14-jane-doe.md",
            "requested": "2026-03-03",
            "done": "2026-03-16",
            "days": 13,
            "status": "done",
        }
    ]
    moved = data["commits"][1]
    assert (moved["status"], moved["old_path"], moved["fields"][0]) == (
        "R",
        "interviews/2026-03-12-jane-doe.md",
        {"key": "date", "old": "2026-03-12", "new": "2026-03-14"},
    )


def test_log_is_a_weekly_review_of_the_whole_kb(repo):
    s = {
        subject: short(repo, subject)
        for subject in (
            "Add Jane",
            "Ask Jane for a call",
            "Add Omar",
            "Move the call to Friday",
            "Talk to Jane",
            "Omar moved to Initech",
        )
    }
    result = run("log", "--root", repo)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "week of 2026-03-16: 2 commits\n"
        "  conversations held: 2026-03-14-jane-doe\n"
        "  insights added: 1\n"
        "    interviews/2026-03-14-jane-doe.md: PMs spend half their time with engineers. "
        "#day-to-day\n"
        f"  2026-03-18  {s['Omar moved to Initech']}  Omar moved to Initech\n"
        f"  2026-03-16  {s['Talk to Jane']}  Talk to Jane\n"
        "\n"
        "week of 2026-03-02: 4 commits\n"
        "  people added: Omar Haddad (omar-haddad), Jane Doe (jane-doe)\n"
        "  interviews added: 2026-03-12-jane-doe\n"
        f"  2026-03-05  {s['Move the call to Friday']}  Move the call to Friday\n"
        f"  2026-03-04  {s['Add Omar']}  Add Omar\n"
        f"  2026-03-03  {s['Ask Jane for a call']}  Ask Jane for a call\n"
        f"  2026-03-02  {s['Add Jane']}  Add Jane\n"
    )


def test_log_since_leaves_out_earlier_weeks(repo):
    result = run("log", "--since", "2026-03-17", "--format", "json", "--root", repo)
    weeks = json.loads(result.stdout)["weeks"]
    assert [(w["week"], [c["subject"] for c in w["commits"]]) for w in weeks] == [
        ("2026-03-16", ["Omar moved to Initech"])
    ]
    assert weeks[0]["commits"][0]["files"] == [
        {"status": "M", "path": "people/omar-haddad.md", "old_path": None}
    ]


def test_a_kb_in_a_subfolder_of_the_repository(tmp_path):
    root = tmp_path / "repo" / "career"
    write(root / "people/ann-lee.md", "---\nname: Ann Lee\n---\n")
    git(root.parent, "init", "-q", "-b", "main")
    commit(root.parent, "Add Ann", "2026-01-05")
    result = run("history", "ann-lee", "--root", root)
    assert result.stdout.splitlines()[-1] == (
        f"2026-01-05  {short(root.parent, 'Add Ann')}  Add Ann  people/ann-lee.md (new)"
    )


def test_outside_a_git_repository_is_a_clear_error(tmp_path):
    root = tmp_path / "kb"
    write(root / "people/ann-lee.md", "---\nname: Ann Lee\n---\n")
    for args in (["history", "ann-lee"], ["log"]):
        result = run(*args, "--root", root)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"Error: {root} is not in a git repository, so `tool {args[0]}` has no history "
            'to show; start one with `git init && git add . && git commit -m "Start"`\n'
        )


def test_without_git_installed_is_a_clear_error(tmp_path, monkeypatch):
    root = tmp_path / "kb"
    write(root / "people/ann-lee.md", "---\nname: Ann Lee\n---\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = run("log", "--root", root)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: git is not installed (or not on PATH), and the history of the knowledge base "
        "is read from git; install it from https://git-scm.com\n",
    )


def test_files_not_committed_yet_are_named(tmp_path):
    root = tmp_path / "kb"
    write(root / "people/ann-lee.md", "---\nname: Ann Lee\n---\n")
    git(root, "init", "-q", "-b", "main")
    assert run("history", "ann-lee", "--root", root).stdout == (
        "Ann Lee (people/ann-lee.md)\nnot committed yet: people/ann-lee.md\n"
    )
    assert run("log", "--root", root).stdout == "no commits changed people/ or interviews/\n"


def test_parse_log_reads_renames_odd_names_and_commits_without_files():
    text = (
        "\x1eaaa\x1fa1\x1f2026-03-05\x1f100\x1fp1 p2\x1fAlex\x1fMerge: a\x1fb\0"
        "\x1ebbb\x1fb1\x1f2026-03-04\x1f90\x1fp1\x1fAlex\x1fMove\0\n"
        "R087\0kb/interviews/a.md\0kb/interviews/b c.md\0M\0kb/people/x.md\0D\0other.md\0"
    )
    assert parse_log(text, "kb/") == [
        Commit("aaa", "a1", date(2026, 3, 5), 100, ("p1", "p2"), "Alex", "Merge: a\x1fb"),
        Commit(
            "bbb",
            "b1",
            date(2026, 3, 4),
            90,
            ("p1",),
            "Alex",
            "Move",
            (
                FileChange("R", "interviews/b c.md", "interviews/a.md"),
                FileChange("M", "people/x.md"),
                FileChange("D", "other.md"),
            ),
        ),
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("status: requested\n", "status: done\n", ["status: requested → done"]),
        ("status: done\n", "status: done\nthanked: 2026-03-15\n", ["thanked: set 2026-03-15"]),
        ("thanked: 2026-03-15\n", "thanked:\n", ["thanked: removed (was 2026-03-15)"]),
        ('date: "2026-03-14"\n', "date: 2026-03-14\n", []),  # the spelling, not the value
        ("tags: [a]\n", "tags:\n  - a\n  - b\n", ["tags: [a] → [a, b]"]),
    ],
)
def test_field_changes_compare_values_read_by_the_parser(old, new, expected):
    changes = field_changes(
        version(f"---\n{old}---\n".encode()), version(f"---\n{new}---\n".encode())
    )
    assert [str(c) for c in changes] == expected


def test_a_field_change_keeps_its_values():
    assert field_changes(None, version(b"---\nname: A\n---\n")) == (FieldChange("name", None, "A"),)
