"""Find the knowledge base: `--root`, `TOOL_ROOT`, or the nearest marked folder."""

from __future__ import annotations

import os
from pathlib import Path

from tool import CONFIG_NAME
from tool.errors import RootNotFound

MARKERS = (CONFIG_NAME, "people", "interviews")


def is_kb(folder: Path) -> bool:
    """Whether a folder holds one of the files or folders that mark a knowledge base."""
    return any((folder / marker).exists() for marker in MARKERS)


def find_root(start: Path, explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--root`, else `TOOL_ROOT`, else the nearest ancestor holding a KB marker."""
    given = explicit or os.environ.get("TOOL_ROOT")
    if given:
        source = "" if explicit else " (from TOOL_ROOT)"
        root = Path(given).expanduser()
        if not root.is_dir():
            raise RootNotFound(f"knowledge base folder not found: {given}{source}")
        if not is_kb(root):
            raise RootNotFound(
                f"{given}{source} is not a knowledge base (it has no tool.toml, people/ or "
                f"interviews/); run `tool init {given}` to start one there"
            )
        return root.resolve()
    here = start.resolve()
    for folder in (here, *here.parents):
        if is_kb(folder):
            return folder
    raise RootNotFound(
        f"no knowledge base found in {here} or any parent folder "
        "(looked for tool.toml, people/ or interviews/); "
        "run `tool init` to create one, or pass --root DIR"
    )
