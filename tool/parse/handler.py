"""The safe front-matter reader as a python-frontmatter handler, for scripts.

    post = frontmatter.load("people/zoe-brandt.md", handler=SafeHandler())

gives a `Post` whose metadata is what `tool` reads: text as typed, anchors, aliases and tags
refused with their line, nesting bounded; the handler keeps the positions of what it read.
python-frontmatter strips the text before a handler sees it, so the one file read here that
`tool` refuses is one starting with blank lines: its lines are counted from its '---'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler

from tool.parse.frontmatter import Document, Issue, Map, decode, split, to_python


class FrontMatterError(ValueError):
    """Front matter that `tool` refuses, with the file line and column of the first problem."""

    def __init__(self, issues: Sequence[Issue]):
        first = issues[0]
        self.issues = tuple(issues)
        self.line, self.col = first.line, first.col
        self.message, self.rule = first.message, first.rule
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(f"line {self.line}, column {self.col}: {self.message} [{self.rule}]{more}")


class _Dumper(yaml.SafeDumper):
    """Safe YAML that the reader takes back: no anchors for a value that appears twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class SafeHandler(BaseHandler):
    """Read front matter as `tool` does; after each file, its positions and warnings.

    After `frontmatter.load(path, handler=handler)`, `handler.positions` maps each key to the
    file line and column where it is written, `handler.meta` holds every value with its
    position (`Map`, `Seq` and `Scalar` nodes), `handler.content_line` is the file line on
    which `post.content` starts and `handler.warnings` lists what `tool validate` warns
    about. They describe the last file read: use one handler per file.
    """

    FM_BOUNDARY = re.compile(r"^---[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[str, tuple[int, int]] = {}
        self.meta: Map | None = None
        self.content_line = 1
        self.warnings: tuple[Issue, ...] = ()
        self._read: tuple[str, Document, int] | None = None  # what split found, for load

    def detect(self, text: str) -> bool:
        """Whether the text starts with a '---' line, as a file `tool` reads must."""
        return bool(self.FM_BOUNDARY.match(text.removeprefix("\ufeff")))

    def split(self, text: str) -> tuple[str, str]:
        """Front matter and body, by the reader's rules; problems are raised by `load`."""
        decoded, issues = decode(text.encode("utf-8", "surrogatepass"))
        if decoded is None:
            self._read = ("", Document(None, text, 1, tuple(issues)), 1)
            return "", text
        document = split(decoded)
        lines = decoded.split("\n")
        front = "\n".join(lines[1 : max(document.body_line - 2, 1)])
        body = document.body
        skipped = body[: len(body) - len(body.lstrip())]  # python-frontmatter strips the body
        self._read = (front, document, document.body_line + skipped.count("\n"))
        return front, body

    def load(self, fm: str) -> dict[str, Any]:
        """The front matter as plain data, each value as typed; FrontMatterError if refused."""
        read, self._read = self._read, None
        if read is not None and read[0] == fm:
            _, document, content_line = read
        else:  # called on its own: the front matter of a file that starts with '---'
            document, content_line = split(f"---\n{fm}\n---\n"), len(fm.split("\n")) + 3
        self.positions, self.meta, self.content_line = {}, None, content_line
        self.warnings = tuple(i for i in document.issues if i.severity != "error")
        errors = [i for i in document.issues if i.severity == "error"]
        if errors:
            raise FrontMatterError(errors)
        assert document.meta is not None  # a front matter that cannot be read has an error
        self.meta = document.meta
        self.positions = {key.text: (key.line, key.col) for key, _ in document.meta.items}
        value = to_python(document.meta)
        assert isinstance(value, dict)
        return value

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        """Metadata as safe YAML in its own order, one line a field, short lists as `[a, b]`."""
        options: dict[str, Any] = {
            "Dumper": _Dumper,
            "sort_keys": False,
            "allow_unicode": True,
            "default_flow_style": None,
            "width": float("inf"),
            **kwargs,
        }
        text: str = yaml.dump(metadata, **options)
        return text.strip()
