"""Two branches of one knowledge base merge: cleanly when each adds records, and whatever a
merge brings together that should not be (one name twice, one uid twice) `validate` reports."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import GIT_ENV, run


@pytest.fixture(autouse=True)
def _git_settings(monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-03-20T10:00:00+00:00"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check
    )


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A fresh knowledge base from `tool init`, committed on main, with a branch `b` beside it."""
    root = tmp_path / "kb"
    assert run("init", root).exit_code == 0
    settings = root / "tool.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Your Name", "Alex Example"))
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Start")
    git(root, "branch", "b")
    return root


def new(root: Path, *args: str) -> None:
    result = run("new", *args, "--root", root)
    assert result.exit_code == 0, result.stderr


def files(root: Path, folder: str) -> list[str]:
    return sorted(p.name for p in (root / folder).iterdir())


def test_two_branches_adding_people_and_interviews_merge_cleanly(repo):
    new(repo, "person", "Jane Doe", "--company", "Acme")
    new(repo, "interview", "jane-doe", "--date", "2026-03-14", "--purpose", "career")
    text = (repo / "tool.toml").read_text(encoding="utf-8")
    (repo / "tool.toml").write_text(text.replace("stay_in_touch = 90", "stay_in_touch = 60"))
    commit_all(repo, "Jane")
    git(repo, "checkout", "-q", "b")
    new(repo, "person", "Omar Haddad", "--company", "Globex")
    new(repo, "interview", "omar-haddad", "--date", "2026-03-14", "--purpose", "company")
    text = (repo / "tool.toml").read_text(encoding="utf-8")
    (repo / "tool.toml").write_text(text.replace("companies = []", 'companies = ["Globex"]'))
    commit_all(repo, "Omar")
    git(repo, "checkout", "-q", "main")

    merged = git(repo, "merge", "--no-edit", "b", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert git(repo, "status", "--porcelain").stdout == ""
    assert files(repo, "people") == ["jane-doe.md", "omar-haddad.md"]
    assert files(repo, "interviews") == ["2026-03-14-jane-doe.md", "2026-03-14-omar-haddad.md"]
    settings = (repo / "tool.toml").read_text(encoding="utf-8")
    assert "stay_in_touch = 60" in settings and 'companies = ["Globex"]' in settings
    result = run("validate", "--root", repo)
    assert (result.exit_code, result.stdout) == (0, "No problems in 4 files\n")


def test_one_name_brought_together_by_a_merge_is_a_namesake(repo):
    new(repo, "person", "Jane Doe", "--company", "Acme")
    commit_all(repo, "Jane")
    git(repo, "checkout", "-q", "b")
    new(repo, "person", "J. Doe", "--company", "Acme")
    path = repo / "people/j-doe.md"
    path.write_text(path.read_text(encoding="utf-8").replace("J. Doe", "Jane Doe"))
    commit_all(repo, "J. Doe is Jane Doe")
    git(repo, "checkout", "-q", "main")
    assert git(repo, "merge", "--no-edit", "b", check=False).returncode == 0

    result = run("validate", "--root", repo)
    advice = (
        "if this is one person, keep one file; if two, name the second jane-doe-2.md, as "
        "`tool new person --namesake` does [namesake]"
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "people/j-doe.md:1:1: warning: file name does not follow the name 'Jane Doe': "
        "expected jane-doe.md [file-name]\n"
        f"people/j-doe.md:2:1: warning: Jane Doe is also the name of people/jane-doe.md: {advice}\n"
        f"people/jane-doe.md:2:1: warning: Jane Doe is also the name of people/j-doe.md: {advice}\n"
        "0 errors, 3 warnings in 2 files\n",
    )


def test_an_interview_rescheduled_on_both_branches_is_one_uid_twice(repo):
    new(repo, "person", "Jane Doe")
    new(repo, "interview", "jane-doe", "--date", "2026-03-12")
    commit_all(repo, "Jane")
    git(repo, "branch", "-f", "b")
    assert run("schedule", "jane-doe", "--date", "2026-03-14", "--root", repo).exit_code == 0
    commit_all(repo, "Move to the 14th")
    git(repo, "checkout", "-q", "b")
    assert run("schedule", "jane-doe", "--date", "2026-03-16", "--root", repo).exit_code == 0
    commit_all(repo, "Move to the 16th")
    git(repo, "checkout", "-q", "main")

    merged = git(repo, "merge", "--no-edit", "b", check=False)
    assert merged.returncode == 1  # git's rename/rename conflict: it keeps both files
    assert files(repo, "interviews") == ["2026-03-14-jane-doe.md", "2026-03-16-jane-doe.md"]
    conflict = (
        "error: YAML syntax: an unresolved merge conflict: keep the lines you want and remove "
        "git's markers (<<<<<<<, =======, >>>>>>>) [yaml-syntax]"
    )
    assert run("validate", "--root", repo).stdout == (
        f"interviews/2026-03-14-jane-doe.md:3:1: {conflict}\n"
        f"interviews/2026-03-16-jane-doe.md:3:1: {conflict}\n"
        "2 errors, 0 warnings in 3 files\n"
    )
    for day in ("14", "16"):  # each file resolved to its own date, and both kept
        path = repo / f"interviews/2026-03-{day}-jane-doe.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"<{8}.*?>{8}[^\n]*\n", f"date: 2026-03-{day}\n", text, flags=re.S))
    commit_all(repo, "Merge, keeping both")
    uid = re.search(r"^uid: (.*)$", path.read_text(encoding="utf-8"), re.M)[1]

    result = run("validate", "--root", repo)
    advice = "a calendar would merge their events; give the copy a new uid, such as its file name"
    assert (result.exit_code, result.stdout) == (
        1,
        f"interviews/2026-03-14-jane-doe.md:13:1: error: uid {uid!r} is also used by "
        f"interviews/2026-03-16-jane-doe.md: {advice} [duplicate-uid]\n"
        f"interviews/2026-03-16-jane-doe.md:13:1: error: uid {uid!r} is also used by "
        f"interviews/2026-03-14-jane-doe.md: {advice} [duplicate-uid]\n"
        "2 errors, 0 warnings in 3 files\n",
    )


def test_a_committed_index_is_regenerated_after_a_merge_as_documented(repo):
    """docs/git.md: `merge=ours` for docs/INDEX.md, then `tool index --output` again."""
    insight = "\n## Insights\n- {} #hiring\n"

    def talk(person: str, day: str, text: str) -> None:
        new(repo, "person", person)
        ident = person.lower().replace(" ", "-")
        new(repo, "interview", ident, "--date", day)
        path = repo / f"interviews/{day}-{ident}.md"
        path.write_text(path.read_text(encoding="utf-8") + insight.format(text))
        assert run("index", "--output", "docs/INDEX.md", "--root", repo).exit_code == 0
        commit_all(repo, person)

    (repo / ".gitattributes").write_text("docs/INDEX.md merge=ours\n")
    git(repo, "config", "merge.ours.driver", "true")
    commit_all(repo, "Keep the index out of merges")
    git(repo, "branch", "-f", "b")
    os.chdir(repo)  # --output is relative to the working folder
    talk("Jane Doe", "2026-03-10", "Referrals beat cold applications.")
    git(repo, "checkout", "-q", "b")
    talk("Omar Haddad", "2026-03-11", "Portfolios matter more than degrees.")
    git(repo, "checkout", "-q", "main")

    assert git(repo, "merge", "--no-edit", "b", check=False).returncode == 0
    kept = (repo / "docs/INDEX.md").read_text(encoding="utf-8")
    assert "Portfolios" not in kept  # main's side, as .gitattributes asks
    assert run("index", "--output", "docs/INDEX.md", "--root", repo).exit_code == 0
    index = (repo / "docs/INDEX.md").read_text(encoding="utf-8")
    assert "- Referrals beat cold applications. #hiring — Jane Doe" in index
    assert "- Portfolios matter more than degrees. #hiring — Omar Haddad" in index
