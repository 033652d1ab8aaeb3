"""Text from notes made fit for a terminal: control characters are shown, never obeyed.

A YAML escape (`"\\e]52;..."`, `"\\x1b[2J"`, `"\\u009b"`) puts a control character in a
value that the raw-byte check of the file cannot see; printed as is, it would clear the
screen, retitle the window or write the clipboard. Each one is shown as a single visible
character, so tables and wrapped text keep their layout:

- C0 controls (but tab and newline) and DEL become their Unicode control pictures:
  ESC is shown as `␛`, BEL as `␇`, CR as `␍`, DEL as `␡`;
- C1 controls (U+0080-U+009F), which some terminals obey like ESC sequences, and the
  bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
  make text read differently from what it is, have no picture and become `�` (U+FFFD).

`tool validate` names the exact character (the `control-char` rule).
"""

from __future__ import annotations

import re

_C0 = [c for c in range(0x20) if chr(c) not in "\t\n"]
_C1 = range(0x80, 0xA0)
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))

_SHOWN: dict[int, int] = {
    **{c: 0x2400 + c for c in _C0},
    0x7F: 0x2421,
    **{c: 0xFFFD for c in (*_C1, *_BIDI)},
}
# JSON escapes C0 itself; these pass json.dumps(ensure_ascii=False) untouched.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in _SHOWN if c >= 0x7F}
# str.translate looks every character up in its table, about 0.3 s per megabyte; a search
# for any of them runs in C, and almost every text has none.
_ANY_SHOWN = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_SHOWN)) + "]")
_ANY_JSON = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_JSON_ESCAPES)) + "]")


def visible(text: str) -> str:
    """Replace each control character by one visible character (`␛` for ESC, `�` for C1)."""
    return text.translate(_SHOWN) if _ANY_SHOWN.search(text) else text


def has_controls(text: str) -> bool:
    """Whether `text` holds any character that `visible` replaces (one search, in C)."""
    return _ANY_SHOWN.search(text) is not None


def controls(text: str) -> list[str]:
    """The distinct control characters in `text` that `visible` replaces, in order."""
    return [c for c in dict.fromkeys(text) if ord(c) in _SHOWN]


def is_bidi(char: str) -> bool:
    """Whether a character is a bidirectional embedding, override or isolate."""
    return ord(char) in _BIDI


def json_escaped(text: str) -> str:
    """JSON text with DEL, C1 and bidirectional controls written as `\\u` escapes.

    Only valid where those characters can only be inside strings, as in json.dumps output.
    """
    return text.translate(_JSON_ESCAPES) if _ANY_JSON.search(text) else text
