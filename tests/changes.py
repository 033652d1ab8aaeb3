"""Changes a kept result must never outlive, made to a copy of the `basic` fixture KB.

Shared by the tests of every layer that keeps something between runs: the parse cache,
the results over every file, kept outputs and the command lines that printed them.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import edit_in_place, write

WHEN = 1_700_000_000 * 1_000_000_000  # a fixed file time, in nanoseconds
SECOND = 1_000_000_000
LATER = WHEN + 100 * SECOND  # a run long after the files were last written


def settle(root: Path, when: int = WHEN) -> None:
    """Give every file of the KB one old modification time: none was edited just now."""
    for path in root.rglob("*.md"):
        os.utime(path, ns=(when, when))


def replace_text(old: str, new: str):
    def edit(root: Path) -> None:
        path = root / "people/ann-lee.md"
        path.write_text(path.read_text().replace(old, new))

    return edit


def rename(root: Path) -> None:
    (root / "people/cy-diaz.md").rename(root / "people/cy-dias.md")


def delete(root: Path) -> None:
    (root / "people/bo-chen.md").unlink()  # an unchanged interview refers to Bo Chen


def older_time(root: Path) -> None:
    """An edit whose file then gets an older modification time than before (a restore)."""
    path = root / "people/ann-lee.md"
    path.write_text(path.read_text().replace("Ann Lee", "Ann Leigh"))
    os.utime(path, ns=(WHEN - 3600 * SECOND, WHEN - 3600 * SECOND))


def same_size(root: Path) -> None:
    """Same size, same inode, same modification time: only the change time tells."""
    edit_in_place(root / "people/ann-lee.md", "relationship: alumni", "relationship: almuni")


def folder_linked_out(root: Path) -> None:
    """The people folder moved out of the KB and linked back in: every file keeps its stamp."""
    (root / "people").rename(root.parent / "people-elsewhere")
    (root / "people").symlink_to(root.parent / "people-elsewhere", target_is_directory=True)


def settings(root: Path) -> None:
    (root / "tool.toml").write_text('[me]\nname = ""\n', encoding="utf-8")


def template(root: Path) -> None:
    write(root / "templates/questions/broken.md", "{% for x in %}\n")


# Every kind of change a kept output must never outlive.
CHANGES = {
    "edit": replace_text("Ann Lee", "Ann Leigh"),
    "rename": rename,
    "delete": delete,
    "older-time": older_time,
    "same-size": same_size,
    "folder-linked-out": folder_linked_out,
    "settings": settings,
    "template": template,
}

# Commands whose output is kept, with options that exercise it.
COMMANDS = [
    ["validate"],
    ["validate", "--format", "json"],
    ["due", "--on", "2026-04-01"],
    ["list", "people"],
    ["list", "interviews", "--format", "json"],
    ["index", "--by", "company"],
    ["search", "notebook"],
    ["search", "nothing-like-this"],  # exit status 1, "No matches." on stderr
]
