"""What a digest is made of, hashed: enough to tell, before building, that nothing changed.

Light on purpose (no templates, no Markdown): a build where nothing changed imports this,
compares one hash with the last build's, and stops.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from tool.model import KnowledgeBase
from tool.store.cache import code_fingerprint

MARKER = ".tool-digest"
MARKER_TEXT = b"This folder was written by `tool digest` and is replaced on every build.\n"
THEME = Path(__file__).parent / "theme"
# Record fields computed from the body by the code (both hashed already): left out of the
# hash, which is then a third of the time.
_DERIVED = frozenset({"insights", "actions", "sections"})


@dataclass(frozen=True)
class Options:
    """How to build: private records and contact details, the title, a build time."""

    include_private: bool = False
    title: str | None = None
    timestamp: str | None = None


def shape_key(root: Path) -> str:
    """A hash of the code and the templates (the user's `templates/digest/`, the theme)."""
    found = hashlib.blake2b(digest_size=16)
    found.update(code_fingerprint().encode())
    for folder in (root / "templates" / "digest", THEME):
        found.update(b"\0folder\0")
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            found.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape"))
            try:
                # A link is hashed by where it points and what it holds there.
                where = os.readlink(path) if path.is_symlink() else ""
                data = path.read_bytes() if path.is_file() else b"\0folder"
            except OSError as exc:
                where, data = f"unreadable: {exc.errno}", b""
            found.update(f"\0{where}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
            found.update(data)
    return found.hexdigest()


def inputs_key(kb: KnowledgeBase, options: Options, shape: str) -> str:
    """A hash of everything a site is made of: the same hash, the same site.

    The records as text: equal text means equal records (the converse may fail, say for
    a YAML set, which only costs a build).
    """
    rows = [
        [str(v) if isinstance(v, PurePath) else v for k, v in vars(r).items() if k not in _DERIVED]
        for records in (kb.people, kb.interviews)
        for r in records.values()
    ]
    shown = repr((str(kb.root), options, kb.config, sorted(kb.unreadable_people), rows))
    found = hashlib.blake2b(shape.encode(), digest_size=16)
    found.update(shown.encode("utf-8", "surrogatepass"))
    return found.hexdigest()
