"""The output of `git log -z --name-status` in LOG_FORMAT -> commits with their changed files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Each commit starts with RS; its fields are split by US, the subject last so that it may hold
# anything. `-z` ends the header and each status and path with NUL.
LOG_FORMAT = "%x1e%H%x1f%h%x1f%as%x1f%ct%x1f%P%x1f%an%x1f%s"
_FIELDS = 7


@dataclass(frozen=True)
class FileChange:
    """One file a commit added (A), modified (M), deleted (D), renamed (R) or copied (C)."""

    status: str
    path: str  # after the commit
    old_path: str | None = None  # before it, for a rename or a copy

    @property
    def before(self) -> str | None:
        """The file's path before the commit; None when the commit created it."""
        if self.status == "A":
            return None
        return self.old_path or self.path


@dataclass(frozen=True)
class Commit:
    """A commit as `git log` shows it: ids, the author's day, subject, files."""

    hash: str
    short: str
    day: date  # the author's date, in the author's time zone
    timestamp: int  # committer time, seconds since the epoch: the order of history
    parents: tuple[str, ...]
    author: str
    subject: str
    changes: tuple[FileChange, ...] = ()


def parse_log(text: str, strip: str = "") -> list[Commit]:
    """Commits from `git log -z --name-status --format=LOG_FORMAT`, in git's order.

    `strip` is a prefix taken off each path (the knowledge base's folder in the repository).
    """
    commits: list[Commit] = []
    tokens = text.split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        i += 1
        if not token.startswith("\x1e"):
            continue  # the empty tail after the last NUL
        fields = token[1:].split("\x1f", _FIELDS - 1)
        if len(fields) < _FIELDS:
            continue
        full, short, day, stamp, parents, author, subject = fields
        changes: list[FileChange] = []
        while i < len(tokens) and tokens[i].lstrip("\n")[:1] in ("A", "M", "D", "R", "C", "T"):
            status = tokens[i].lstrip("\n")
            if status[:1] in ("R", "C"):
                if i + 2 >= len(tokens):
                    break
                old, new = tokens[i + 1], tokens[i + 2]
                changes.append(FileChange(status[0], _rel(new, strip), _rel(old, strip)))
                i += 3
            else:
                if i + 1 >= len(tokens):
                    break
                kind = "M" if status[0] == "T" else status[0]  # a type change is a change
                changes.append(FileChange(kind, _rel(tokens[i + 1], strip)))
                i += 2
        commits.append(
            Commit(
                full,
                short,
                date.fromisoformat(day),
                int(stamp),
                tuple(parents.split()),
                author,
                subject,
                tuple(changes),
            )
        )
    return commits


def _rel(path: str, strip: str) -> str:
    return path[len(strip) :] if strip and path.startswith(strip) else path
