"""Facts from git history: field changes between two versions of a file, and what a week added.

Pure: commits and file versions (bytes) in, facts out. Each version is read by the tool's own
front-matter parser, so a change is a change of a field's value, never of its spelling.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import PurePosixPath

from tool.model import Insight
from tool.parse.body import extract
from tool.parse.frontmatter import decode, split, to_python
from tool.parse.gitlog import Commit, FileChange
from tool.parse.hints import without_hints

_NULLS = {"", "~", "null", "Null", "NULL"}
Blobs = Mapping[tuple[str, str], bytes | None]


@dataclass(frozen=True)
class FieldChange:
    """A front-matter field set, changed or removed; None is "not set"."""

    key: str
    old: object
    new: object

    def __str__(self) -> str:
        if self.old is None:
            return f"{self.key}: set {show(self.new)}"
        if self.new is None:
            return f"{self.key}: removed (was {show(self.old)})"
        return f"{self.key}: {show(self.old)} → {show(self.new)}"


@dataclass(frozen=True)
class Version:
    """One version of a file: its front matter as plain values (None: unreadable) and body."""

    fields: dict[str, object] | None
    body: str
    body_line: int


@dataclass(frozen=True)
class Entry:
    """One file in one commit, with what changed in its front matter."""

    commit: Commit
    change: FileChange
    fields: tuple[FieldChange, ...]
    body_changed: bool
    readable: bool  # False: a version's front matter could not be read, so no fields


def show(value: object) -> str:
    """A front-matter value as a person would write it: `[a, b]` for a list."""
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


def version(data: bytes | None) -> Version | None:
    """A file's bytes read as the tool reads them; None when there is no such file."""
    if data is None:
        return None
    text, _ = decode(data)
    if text is None:
        return Version(None, "", 1)
    doc = split(text)
    if doc.meta is None:
        return Version(None, doc.body, doc.body_line)
    values = {k.text: to_python(v) for k, v in doc.meta.items}
    fields = {k: v for k, v in values.items() if not (isinstance(v, str) and v.strip() in _NULLS)}
    return Version(fields, doc.body, doc.body_line)


def field_changes(old: Version | None, new: Version | None) -> tuple[FieldChange, ...]:
    """Each field whose value differs: the new file's order, then the fields removed."""
    before = (old.fields if old else None) or {}
    after = (new.fields if new else None) or {}
    changed = [FieldChange(k, before.get(k), v) for k, v in after.items() if before.get(k) != v]
    removed = [FieldChange(k, v, None) for k, v in before.items() if k not in after]
    return tuple(changed + removed)


def wanted(commits: Iterable[Commit]) -> list[tuple[str, str]]:
    """Every (commit, path) whose bytes `entries` needs: each file before and after."""
    out: list[tuple[str, str]] = []
    for commit in commits:
        for change in commit.changes:
            out += _keys(commit, change)
    return out


def _keys(commit: Commit, change: FileChange) -> list[tuple[str, str]]:
    keys = []
    if change.status != "D":
        keys.append((commit.hash, change.path))
    if commit.parents and change.before is not None:
        keys.append((commit.parents[0], change.before))
    return keys


def _versions(commit: Commit, change: FileChange, blobs: Blobs) -> tuple[Version | None, ...]:
    new = version(blobs.get((commit.hash, change.path))) if change.status != "D" else None
    old = None
    if commit.parents and change.before is not None:
        old = version(blobs.get((commit.parents[0], change.before)))
    return old, new


def entry(commit: Commit, change: FileChange, blobs: Blobs) -> Entry:
    """What `change` did to the file's front matter and body."""
    old, new = _versions(commit, change, blobs)
    readable = all(v is None or v.fields is not None for v in (old, new))
    body_changed = old is not None and new is not None and old.body != new.body
    return Entry(commit, change, field_changes(old, new), body_changed, readable)


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Entries of several files in one order: newest commit first, then by path."""
    return sorted(entries, key=lambda e: (-e.commit.timestamp, e.commit.hash, e.change.path))


@dataclass(frozen=True)
class Conversation:
    """How one interview went, by its history: when requested, when done, days between."""

    path: str
    requested: date | None
    done: date | None
    status: str | None  # in the newest version

    @property
    def days(self) -> int | None:
        if self.requested is None or self.done is None:
            return None
        return (self.done - self.requested).days


def conversation(path: str, entries: Iterable[Entry], blobs: Blobs) -> Conversation:
    """The first commits in which an interview's status became requested, then done.

    `entries` are one file's, newest first as git gives them (commits of the same second
    keep git's order).
    """
    requested = done = None
    status: str | None = None
    for e in reversed(list(entries)):
        new = _versions(e.commit, e.change, blobs)[1]
        value = (new.fields or {}).get("status") if new else None
        status = str(value).strip() if value is not None else None
        if status == "requested" and requested is None:
            requested = e.commit.day
        if status == "done" and done is None:
            done = e.commit.day
    return Conversation(path, requested, done, status)


def week_of(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Added:
    """A person or interview a commit added, or a conversation it marked done."""

    id: str
    path: str
    name: str  # the person's name, or the interview's person and date
    commit: Commit


@dataclass(frozen=True)
class NewInsight:
    """An insight that a commit added to an interview's notes."""

    path: str
    text: str
    commit: Commit


@dataclass
class Week:
    """What changed in the knowledge base in one week (Monday to Sunday)."""

    start: date
    commits: list[Commit]
    people_added: list[Added]
    interviews_added: list[Added]
    conversations_held: list[Added]
    insights_added: list[NewInsight]


def weeks(
    commits: Iterable[Commit],
    blobs: Blobs,
    since: date | None = None,
    headings: dict[str, str] | None = None,
) -> list[Week]:
    """Commits grouped into weeks, newest first, each with the records and insights it added."""
    found: dict[date, Week] = {}
    for commit in commits:
        if since is not None and commit.day < since:
            continue
        start = week_of(commit.day)
        week = found.setdefault(start, Week(start, [], [], [], [], []))
        week.commits.append(commit)
        for change in commit.changes:
            _review(week, commit, change, blobs, headings)
    return sorted(found.values(), key=lambda w: w.start, reverse=True)


def _review(
    week: Week, commit: Commit, change: FileChange, blobs: Blobs, headings: dict[str, str] | None
) -> None:
    path = PurePosixPath(change.path)
    if path.suffix != ".md" or len(path.parts) != 2 or change.status == "D":
        return
    old, new = _versions(commit, change, blobs)
    fields = (new.fields if new else None) or {}
    if path.parts[0] == "people":
        if old is None:
            name = str(fields.get("name", path.stem)).strip()
            week.people_added.append(Added(path.stem, change.path, name, commit))
        return
    if path.parts[0] != "interviews":
        return
    about = f"{fields.get('person', '?')}, {fields.get('date', '?')}"
    if old is None:
        week.interviews_added.append(Added(path.stem, change.path, about, commit))
    was = (old.fields or {}).get("status") if old else None
    if fields.get("status") == "done" and was != "done":
        week.conversations_held.append(Added(path.stem, change.path, about, commit))
    before = {i.text for i in _insights(old, headings)}
    for insight in _insights(new, headings):
        if insight.text not in before:
            week.insights_added.append(NewInsight(change.path, insight.text, commit))


def _insights(v: Version | None, headings: dict[str, str] | None) -> tuple[Insight, ...]:
    if v is None:
        return ()
    return extract(without_hints(v.body), v.body_line, headings)[0]
