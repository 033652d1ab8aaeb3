"""`tool fmt`: format the record files of a knowledge base, writing only those that change."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tool.parse.fmt import Unformattable, format_text, kind_of
from tool.parse.frontmatter import decode
from tool.store import files

FOLDERS = ("people", "interviews")


@dataclass(frozen=True)
class Change:
    """A file whose text formatting changes: relative path, text before and after."""

    path: str
    before: str
    after: str

    def diff(self) -> str:
        """A unified diff of the change, `a/PATH` to `b/PATH`."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            f"a/{self.path}",
            f"b/{self.path}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass
class Outcome:
    """What formatting would do: the changes, how many files are fine as they are, problems."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)  # `path:line: message`
    skipped: list[str] = field(default_factory=list)  # wanted paths holding no record file


def record_files(root: Path, wanted: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """The record files (relative paths) in or under `wanted` (all when empty), and the
    wanted paths that hold none (as with `tool validate`, these are not an error)."""
    found = [f"{folder}/{e.name}" for folder in FOLDERS for e in files.markdown_files(root, folder)]
    if not wanted:
        return found, []
    chosen: list[str] = []
    skipped: list[str] = []
    for want in wanted:
        want = want.strip("/")
        inside = [f for f in found if want in ("", ".") or f == want or f.startswith(want + "/")]
        if inside:
            chosen += [f for f in inside if f not in chosen]
        elif kind_of(want) is None or not os.path.lexists(root / want):
            skipped.append(want)
        elif want not in chosen:
            chosen.append(want)  # a record file markdown_files skips, like a hidden one
    return chosen, skipped


def plan(root: Path, wanted: Sequence[str] = ()) -> Outcome:
    """Format every chosen file in memory; nothing is written."""
    paths, skipped = record_files(root, wanted)
    outcome = Outcome(skipped=skipped)
    for rel in paths:
        kind = kind_of(rel)
        assert kind is not None  # record_files only gives people/*.md and interviews/*.md
        if os.path.islink(root / rel):
            outcome.problems.append(
                f"{rel}:1: is a symbolic link; format the file it points to instead"
            )
            continue
        data, _, issues = files.read_file(root, root / rel)
        if data is None:
            outcome.problems.append(f"{rel}:{issues[0].line}: {issues[0].message}")
            continue
        try:
            before = data.decode("utf-8")
            after = format_text(before, kind)
        except UnicodeDecodeError:
            issue = decode(data)[1][0]
            outcome.problems.append(f"{rel}:{issue.line}: {issue.message}")
            continue
        except Unformattable as exc:
            outcome.problems.append(f"{rel}:{exc.line}: {exc.message}")
            continue
        if after == before:
            outcome.unchanged += 1
        else:
            outcome.changes.append(Change(rel, before, after))
    return outcome


def write(root: Path, changes: Sequence[Change]) -> list[str]:
    """Replace each changed file atomically, unless it changed on disk since; the problems."""
    problems = []
    for change in changes:
        path = files.check_inside(root, root / change.path)
        data, _, _ = files.read_file(root, path)
        if data != change.before.encode("utf-8"):
            problems.append(f"{change.path}:1: changed while being formatted; left as it is")
            continue
        files.write_atomic(path, change.after)
    return problems
