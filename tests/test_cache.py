"""The parse cache: reused only for unchanged files, never trusted blindly."""

from __future__ import annotations

import os

import pytest
from conftest import write

from tool import kb as kbmod
from tool.cache import cache_dir


def parses(monkeypatch) -> list[str]:
    """Record which files get parsed (instead of coming from the cache)."""
    seen: list[str] = []
    real = kbmod.read_text_file

    def spy(root, path):
        if path.suffix == ".md":  # tool.toml is read on every run
            seen.append(path.name)
        return real(root, path)

    monkeypatch.setattr(kbmod, "read_text_file", spy)
    return seen


def test_unchanged_files_are_not_parsed_again(kb_root, monkeypatch):
    first = kbmod.load(kb_root)
    seen = parses(monkeypatch)
    second = kbmod.load(kb_root)
    assert seen == []
    assert second.people == first.people and second.interviews == first.interviews
    assert second.problems == first.problems


def test_changed_added_and_deleted_files_are_noticed(kb_root, monkeypatch):
    kbmod.load(kb_root)
    seen = parses(monkeypatch)
    path = kb_root / "people/ann-lee.md"
    path.write_text(path.read_text().replace("Ann Lee", "Ann Leigh"))
    os.utime(path, ns=(1, 1))  # even an old mtime counts: the stamp differs
    write(kb_root / "people/new-one.md", "---\nname: New One\n---\n")
    (kb_root / "people/cy-diaz.md").unlink()
    kb = kbmod.load(kb_root)
    assert sorted(seen) == ["ann-lee.md", "new-one.md"]
    assert kb.people["ann-lee"].name == "Ann Leigh"
    assert "cy-diaz" not in kb.people


def test_problems_come_back_from_the_cache(kb_root):
    write(kb_root / "people/bad.md", "---\nname: [\n---\n")
    assert kbmod.load(kb_root).problems == kbmod.load(kb_root).problems != []


def test_a_corrupt_cache_is_rebuilt(kb_root):
    kbmod.load(kb_root)
    for file in cache_dir().iterdir():
        file.write_bytes(b"not a pickle")
    assert kbmod.load(kb_root).people["ann-lee"].name == "Ann Lee"


@pytest.mark.parametrize("value", ["1", "yes"])
def test_cache_can_be_turned_off(kb_root, monkeypatch, value):
    monkeypatch.setenv("TOOL_NO_CACHE", value)
    kbmod.load(kb_root)
    assert cache_dir() is None
    assert not (kb_root.parent / ".cache").exists()  # the folder TOOL_CACHE_DIR names
