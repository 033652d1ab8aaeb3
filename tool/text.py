"""Text helpers with one definition each: suggestions for typos, ..."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(name: str, choices: Iterable[str]) -> str:
    """` (did you mean a, b?)` for close matches, or an empty string."""
    options = sorted(choices)
    wanted = name.casefold().strip()
    # A typo ("ann-le") or a part of the name ("acme" for "Acme Robotics") both count.
    partial = [c for c in options if len(wanted) >= 3 and wanted in c.casefold()]
    close = list(dict.fromkeys(partial + difflib.get_close_matches(name, options, 3, 0.75)))[:3]
    return f" (did you mean {', '.join(close)}?)" if close else ""
