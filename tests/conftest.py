"""Shared fixtures: fixture knowledge bases copied into tmp_path, and a CLI runner."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tool.cli import cli
from tool.store import cache, loading, scanning

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's TOOL_ROOT, editor or working directory."""
    monkeypatch.delenv("TOOL_ROOT", raising=False)
    monkeypatch.delenv("TOOL_DEBUG", raising=False)
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setenv("TOOL_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def make_kb(tmp_path: Path):
    """Copy a fixture KB from tests/fixtures/<name> into tmp_path and return its root."""

    def make(name: str = "basic") -> Path:
        root = tmp_path / name
        shutil.copytree(FIXTURES / name, root)
        return root

    return make


@pytest.fixture
def kb_root(make_kb) -> Path:
    """The `basic` fixture KB, copied into tmp_path."""
    return make_kb("basic")


# For tests that run git: no setting of the machine's or the developer's git may change
# what they see, and every commit has the same author.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Alex Example",
    "GIT_AUTHOR_EMAIL": "alex@example.com",
    "GIT_COMMITTER_NAME": "Alex Example",
    "GIT_COMMITTER_EMAIL": "alex@example.com",
}


def run(*args: str | Path, input: str | None = None) -> Result:
    """Invoke the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(
        cli, [str(a) for a in args], input=input, catch_exceptions=False, prog_name="tool"
    )


def write(path: Path, text: str | bytes) -> Path:
    """Write a test file, creating folders; bytes are written as they are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--update-golden` rewrites the files under tests/golden/ instead of comparing."""
    with contextlib.suppress(ValueError):  # another conftest may have added it already
        parser.addoption(
            "--update-golden", action="store_true", help="Rewrite golden files in tests/golden/."
        )


def fat_like(monkeypatch) -> None:
    """Stamps as a file system with no change time gives them (FAT, some network shares)."""
    monkeypatch.setattr(cache, "stamp", lambda s: (s.st_size, s.st_mtime_ns, s.st_ino, 0))
    monkeypatch.setattr(loading, "stamp", cache.stamp, raising=False)
    monkeypatch.setattr(scanning, "stamp", cache.stamp)


def edit_in_place(path: Path, old: str, new: str) -> None:
    """Same inode, same size, and the modification time put back as it was."""
    assert len(old) == len(new)
    before = path.stat()
    with path.open("r+b") as handle:
        text = handle.read()
        handle.seek(0)
        handle.write(text.replace(old.encode(), new.encode()))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()  # only the change time tells (which a FAT-like stamp leaves out)
    assert (after.st_size, after.st_ino, after.st_mtime_ns) == (
        before.st_size,
        before.st_ino,
        before.st_mtime_ns,
    )
