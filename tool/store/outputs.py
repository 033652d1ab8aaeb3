"""Where generated files go, and how they are kept out of git and away from notes."""

from __future__ import annotations

import re

SHARED_FOLDER = "site"  # where a shared digest goes, in the knowledge base
PRIVATE_FOLDER = "site-private"  # where a private edition (--include-private) goes
# A build writes `.<output>.new-<pid>-<random>/` beside its output, then swaps it in (and
# the old site out through `.<output>.old-...`); a killed build leaves them behind.
TEMP_KINDS = ("new", "old")


def ignore_lines(folder: str) -> list[str]:
    """The .gitignore lines (from the folder's parent) that keep an output out of git."""
    name = re.sub(r"([*?\[\\])", r"\\\1", folder)  # a name, not a pattern
    return [f"/{name}/", *(f"/.{name}.{kind}-*/" for kind in TEMP_KINDS)]
