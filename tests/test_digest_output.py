"""Where the digest goes: ignored by git, a private edition kept apart, swapped in safely."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run, write

from tool.digest import output

GITIGNORE = (
    "# Written by `tool digest`. site-private/ has contact details: never publish it.\n"
    "# To keep the shared site/ in git (to publish it), delete the /site/ line.\n"
    "/site/\n"
    "/.site.new-*/\n"
    "/.site.old-*/\n"
    "/site-private/\n"
    "/.site-private.new-*/\n"
    "/.site-private.old-*/\n"
)


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


def site_files(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- tool init writes a .gitignore ----------------------------------------------------------


def test_init_makes_git_ignore_both_editions(tmp_path):
    root = tmp_path / "kb"
    assert run("init", root).exit_code == 0
    assert (root / ".gitignore").read_text(encoding="utf-8") == GITIGNORE
    git(root, "init", "-q")
    assert run("new", "person", "Jane Doe", "--phone", "030 1234567", "--root", root).exit_code == 0
    assert run("digest", "--root", root).exit_code == 0
    assert run("digest", "--root", root, "--include-private").exit_code == 0
    write(root / ".site-private.new-1-abcdefgh/index.html", "left by a killed build\n")
    status = git(root, "status", "--porcelain", "--untracked-files=all").stdout.splitlines()
    assert "?? .gitignore" in status and "?? people/jane-doe.md" in status
    assert [line for line in status if "site" in line] == []


def test_init_adds_what_is_missing_to_an_existing_gitignore(tmp_path):
    root = tmp_path / "kb"
    write(root / ".gitignore", "*.pyc\n/site/")  # no final newline
    result = run("init", root)
    assert result.exit_code == 0
    assert result.stderr == (
        "note: added the digest's folders to the existing .gitignore (site/, site-private/)\n"
    )
    assert (root / ".gitignore").read_text(encoding="utf-8") == (
        "*.pyc\n/site/\n"
        "# Written by `tool digest`. site-private/ has contact details: never publish it.\n"
        "# To keep the shared site/ in git (to publish it), delete the /site/ line.\n"
        "/.site.new-*/\n"
        "/.site.old-*/\n"
        "/site-private/\n"
        "/.site-private.new-*/\n"
        "/.site-private.old-*/\n"
    )


def test_init_leaves_a_complete_gitignore_alone(tmp_path):
    root = tmp_path / "kb"
    write(root / ".gitignore", GITIGNORE + "notes.txt\n")
    result = run("init", root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert (root / ".gitignore").read_text(encoding="utf-8") == GITIGNORE + "notes.txt\n"


def test_init_does_not_write_through_a_linked_gitignore(tmp_path):
    root = tmp_path / "kb"
    elsewhere = write(tmp_path / "shared-ignore", "*.log\n")
    root.mkdir()
    (root / ".gitignore").symlink_to(elsewhere)
    result = run("init", root)
    assert result.exit_code == 0
    assert result.stderr == (
        "note: .gitignore is not a regular file, so it was left alone; make git ignore "
        "site/ and site-private/ (the digest's output) yourself\n"
    )
    assert (root / ".gitignore").is_symlink()
    assert elsewhere.read_text(encoding="utf-8") == "*.log\n"


# --- the private edition ----------------------------------------------------------------------


def test_private_edition_has_its_own_default_folder(make_kb):
    root = make_kb("digest")
    shared = run("digest", "--root", root)
    private = run("digest", "--root", root, "--include-private")
    assert private.exit_code == 0
    assert private.stdout == (
        f"Wrote 26 pages to {root / 'site-private'} (private edition: do not share it)\n"
    )
    assert shared.stdout.startswith(f"Wrote 21 pages to {root / 'site'} (")
    assert "ann@example.com" in (root / "site-private/people/ann-lee.html").read_text()
    assert "ann@example.com" not in (root / "site/people/ann-lee.html").read_text()


def test_private_edition_refuses_a_folder_git_would_track(make_kb):
    root = make_kb("digest")
    git(root, "init", "-q")
    result = run("digest", "--root", root, "--include-private")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: git would track {root / 'site-private'}, so a `git add -A` could publish "
        "the contact details of this private edition. Make git ignore it with these lines "
        f"in {root / '.gitignore'}:\n"
        "  /site-private/\n"
        "  /.site-private.new-*/\n"
        "  /.site-private.old-*/\n"
        "or choose an --output outside the repository, or give --force.\n"
    )
    assert not (root / "site-private").exists()
    assert hidden(root) == [".git"]
    forced = run("digest", "--root", root, "--include-private", "--force")
    assert forced.exit_code == 0
    assert (root / "site-private/index.html").is_file()


def test_private_edition_refuses_a_folder_with_files_git_tracks(make_kb):
    root = make_kb("digest")
    git(root, "init", "-q")
    write(root / "private/.tool-digest", "an old private edition\n")
    git(root, "add", "private")
    write(root / ".gitignore", "/private/\n/.private.*/\n")
    result = run("digest", "--root", root, "--include-private", "--output", root / "private")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: git tracks files in {root / 'private'} (private/.tool-digest), so a commit "
        "could publish the contact details of this private edition. Stop tracking them "
        f"with `git rm -r --cached {root / 'private'}`, choose another --output, or give "
        "--force.\n"
    )
    assert site_files(root / "private") == {".tool-digest": "an old private edition\n"}


def test_a_folder_name_is_no_pattern_to_git(make_kb):
    root = make_kb("digest")
    git(root, "init", "-q")
    write(root / "site-old/notes.txt", "tracked\n")
    git(root, "add", "site-old")
    result = run("digest", "--root", root, "--include-private", "-o", root / "site*")
    assert result.stderr.endswith(
        f"these lines in {root / '.gitignore'}:\n"
        "  /site\\*/\n"
        "  /.site\\*.new-*/\n"
        "  /.site\\*.old-*/\n"
        "or choose an --output outside the repository, or give --force.\n"
    )
    write(root / ".gitignore", "/site\\*/\n/.site\\*.new-*/\n/.site\\*.old-*/\n")
    result = run("digest", "--root", root, "--include-private", "-o", root / "site*")
    assert (result.exit_code, result.stderr) == (0, "")


def test_private_edition_in_an_ignored_folder_or_outside_git_is_written(make_kb, tmp_path):
    root = make_kb("digest")
    git(root, "init", "-q")
    write(root / ".gitignore", "/site-private/\n/.site-private.*/\n")
    assert run("digest", "--root", root, "--include-private").exit_code == 0
    outside = tmp_path / "elsewhere" / "private"
    assert run("digest", "--root", root, "--include-private", "-o", outside).exit_code == 0
    assert (outside / "index.html").is_file()
    assert (
        git(root, "status", "--porcelain").stdout
        == "?? .gitignore\n?? interviews/\n?? people/\n?? tool.toml\n"
    )


def test_without_git_there_is_nothing_to_check(make_kb, monkeypatch):
    root = make_kb("digest")
    git(root, "init", "-q")
    monkeypatch.setenv("PATH", "")
    assert run("digest", "--root", root, "--include-private").exit_code == 0


def test_shared_edition_may_go_where_git_tracks_it(make_kb):
    root = make_kb("digest")
    git(root, "init", "-q")
    result = run("digest", "--root", root)
    assert (result.exit_code, result.stderr) == (0, "")


def test_many_leaks_are_counted_past_the_first_ten(make_kb):
    root = make_kb("digest")
    addresses = " ".join(f"a{n}@example.org" for n in range(12))
    write(root / "templates/digest/list.html", f"<p>{addresses}</p>\n")
    result = run("digest", "--root", root)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[1:3] == [
        "  careers.html: contains the email address 'a***@example.org'",
        "  careers.html: contains the email address 'a***@example.org'",
    ]
    assert (len(lines), lines[-1]) == (12, "  ... and 38 more")


# --- swapping the new site in -----------------------------------------------------------------


def fail_on_call(monkeypatch, name: str, number: int, within: Path) -> list[tuple[str, str]]:
    """Make os.<name> fail on its `number`th call on paths in `within`; returns those calls."""
    real = getattr(os, name)
    calls: list[tuple[str, str]] = []

    def fake(src, dst, *args, **kwargs):
        if not Path(src).is_relative_to(within):
            return real(src, dst, *args, **kwargs)  # the parse cache, say
        calls.append((Path(src).relative_to(within).as_posix(), Path(dst).name))
        if len(calls) == number:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(src))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, name, fake)
    return calls


def test_a_swap_failing_half_way_keeps_the_previous_site(make_kb, monkeypatch):
    root = make_kb("digest")
    out = root / "site"
    assert run("digest", "--root", root).exit_code == 0
    before = site_files(out)
    (root / "people/cy-diaz.md").unlink()
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)  # as where there is no renameat2
    calls = fail_on_call(monkeypatch, "replace", 2, root)
    result = run("digest", "--root", root)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: could not replace {out} with the new digest (Input/output error); "
        "the previous one is still there\n"
    )
    # The old site away, the new one in (which fails), and the old one back.
    assert [(src.split("-")[0], dst.split("-")[0]) for src, dst in calls] == [
        ("site", "site"),
        (".site.new", "site"),
        (".site.old", "site"),
    ]
    assert site_files(out) == before
    assert hidden(root) == []


def test_without_an_exchange_the_swap_still_works(make_kb, monkeypatch):
    root = make_kb("digest")
    assert run("digest", "--root", root).exit_code == 0
    (root / "people/cy-diaz.md").unlink()
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    assert run("digest", "--root", root).exit_code == 0
    assert not (root / "site/people/cy-diaz.html").exists()
    assert (root / "site/people/ann-lee.html").is_file()
    assert hidden(root) == []


def test_the_swap_is_one_exchange_where_the_system_has_it(make_kb, monkeypatch):
    root = make_kb("digest")
    assert run("digest", "--root", root).exit_code == 0
    (root / "people/cy-diaz.md").unlink()
    replaced = fail_on_call(monkeypatch, "replace", 1, root)
    renamed = fail_on_call(monkeypatch, "rename", 1, root)
    result = run("digest", "--root", root)
    assert (result.exit_code, replaced, renamed) == (0, [], [])
    assert not (root / "site/people/cy-diaz.html").exists()
    assert (root / "site/people/ann-lee.html").is_file()
    assert hidden(root) == []


def test_a_failed_exchange_keeps_the_previous_site(make_kb, monkeypatch):
    root = make_kb("digest")
    assert run("digest", "--root", root).exit_code == 0
    before = site_files(root / "site")

    def refuse(a, b):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(b))

    monkeypatch.setattr(output, "_exchange", refuse)
    result = run("digest", "--root", root, "--title", "New")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: could not replace {root / 'site'} with the new digest (Permission denied); "
        "the previous one is still there\n"
    )
    assert site_files(root / "site") == before
    assert hidden(root) == []


# --- leftovers of a killed build --------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_removes_what_a_killed_run_left_and_nothing_else(make_kb, tmp_path):
    fcntl = pytest.importorskip("fcntl")
    root = make_kb("digest")
    dead, alive = dead_pid(), os.getpid()
    unscanned = "<p>Call Ann at +1 617 555 0100</p>"
    for name in (f".site.new-{dead}-abcd1234", f".site.old-{dead}-abcd_123/site"):
        write(root / name / "index.html", unscanned)
        write(root / name / "people/ann-lee.html", unscanned)
    kept = [
        f".site.new-{alive}-abcd1234",  # a build still running
        f".site-private.new-{dead}-abcd1234",  # another output's
        f".other.new-{dead}-abcd1234",
        ".site.new-abcd1234",  # no process id
        ".site.new-notes",
        f".site.new-{dead}-abcd1234-mine",
    ]
    for name in kept:
        write(root / name / "index.html", "keep\n")
    write(root / f".site.new-{dead}-file1234", "a file, not a folder\n")
    (root / f".site.new-{dead}-link1234").symlink_to(tmp_path)
    kept += [f".site.new-{dead}-file1234", f".site.new-{dead}-link1234"]
    locked = root / f".site.new-{dead}-lock1234"  # a build in another process namespace
    write(locked / "index.html", "keep\n")
    kept.append(locked.name)
    handle = os.open(locked, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        result = run("digest", "--root", root)
    finally:
        os.close(handle)
    assert result.exit_code == 0
    assert result.stderr == "note: removed 2 folders left by an interrupted `tool digest`\n"
    assert hidden(root) == sorted(kept)
    assert all((root / name / "index.html").read_text() == "keep\n" for name in kept[:6])
    assert "617 555" not in "".join(site_files(root / "site").values())
    assert tmp_path.is_dir()


def test_leftovers_go_even_when_the_new_build_fails_its_scan(make_kb):
    root = make_kb("digest")
    write(root / f".site.new-{dead_pid()}-abcd1234/index.html", "<p>ann@example.com</p>")
    write(root / "templates/digest/list.html", "<p>Write to ann@example.com</p>\n")
    result = run("digest", "--root", root)
    assert result.exit_code == 1
    assert hidden(root) == []
    assert not (root / "site").exists()
