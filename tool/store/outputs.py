"""Where generated files go, and how they are kept out of git and away from notes."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tool.model import CONFIG_NAME
from tool.store.files import resolve_path

SHARED_FOLDER = "site"  # where a shared digest goes, in the knowledge base
PRIVATE_FOLDER = "site-private"  # where a private edition (--include-private) goes
# A build writes `.<output>.new-<pid>-<random>/` beside its output, then swaps it in (and
# the old site out through `.<output>.old-...`); a killed build leaves them behind.
TEMP_KINDS = ("new", "old")
# What the KB reads as records, templates or settings, and git's own folder: a generated
# file (digest, index, calendar, draft) never lands there, nor over the KB itself.
PROTECTED = ("people/", "interviews/", "templates/", CONFIG_NAME, ".git/")
KB_ITSELF = "the knowledge base itself"


def ignore_lines(folder: str) -> list[str]:
    """The .gitignore lines (from the folder's parent) that keep an output out of git."""
    name = re.sub(r"([*?\[\\])", r"\\\1", folder)  # a name, not a pattern
    return [f"/{name}/", *(f"/.{name}.{kind}-*/" for kind in TEMP_KINDS)]


def protected_place(root: Path, target: Path) -> str | None:
    """The place of PROTECTED that `target` is in, KB_ITSELF if it holds the KB, else None.

    Links are followed both ways: a link to people/ leads into people/, and people/ being a
    link to a folder elsewhere makes that folder people/.
    """
    root, target = root.resolve(), resolve_path(target.absolute())
    if target == root or root.is_relative_to(target):
        return KB_ITSELF
    for place in PROTECTED:
        where = root / place.rstrip("/")
        # realpath without strict: a link that loops protects its own path, and says nothing.
        if target.is_relative_to(where) or target.is_relative_to(os.path.realpath(where)):
            return place
    return None
