"""Exceptions a user can see: each one carries what went wrong and, where known, where."""

from __future__ import annotations

from pathlib import PurePath


class ToolError(Exception):
    """A user-facing error; the CLI prints it as `Error: ...` and exits 1."""

    def __init__(self, message: str, path: PurePath | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class RootNotFound(ToolError):
    """No knowledge base was found from the working directory upwards."""


class TemplateProblem(ToolError):
    """A template failed to load or render."""
