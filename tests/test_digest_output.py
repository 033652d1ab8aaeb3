"""Where the digest goes: swapped in safely, and what killed builds left cleaned up."""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
from pathlib import Path

from conftest import run, write

from tool.digest import output


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
