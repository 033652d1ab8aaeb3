"""`tool history` and `tool log`: what git remembers of a person, an interview, the whole KB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from tool.edits import find_file
from tool.model import KnowledgeBase
from tool.parse.gitlog import Commit
from tool.rules import history as facts
from tool.rules.history import Conversation, Entry, Week
from tool.store.git import Repository


@dataclass(frozen=True)
class History:
    """The history of one record: its files' commits, newest first, and what they tell."""

    title: str
    files: tuple[str, ...]  # the record's own file first, then its interviews
    entries: tuple[Entry, ...]
    conversations: tuple[Conversation, ...]
    uncommitted: tuple[str, ...]  # files git has no commit of
    added: Entry | None  # the first commit of the record's own file, under any of its names

    @property
    def last_changed(self) -> Entry | None:
        return self.entries[0] if self.entries else None


def history(kb: KnowledgeBase, target: str, repo: Repository) -> History:
    """The history of a person (their file and their interviews' files) or of one interview."""
    rel = find_file(kb, target)
    ident = PurePosixPath(rel).stem
    files = [rel]
    title = rel
    if rel.startswith("people/") and ident in kb.people:
        person = kb.people[ident]
        files += sorted(str(i.path) for i in kb.interviews_with(ident))
        title = f"{person.name} ({rel})"
    elif ident in kb.interviews:
        who = kb.person_of(kb.interviews[ident])
        title = f"{rel} (with {who.name})" if who else rel
    committed = repo.has_commits()
    logs = {f: repo.file_log(f) if committed else [] for f in files}
    blobs = repo.blobs(facts.wanted(c for log in logs.values() for c in log))
    per_file = {
        f: [facts.entry(c, change, blobs) for c in log for change in c.changes[:1]]
        for f, log in logs.items()
    }
    conversations = tuple(
        facts.conversation(f, per_file[f], blobs)
        for f in files
        if f.startswith("interviews/") and per_file[f]
    )
    return History(
        title,
        tuple(files),
        tuple(facts.newest_first(e for es in per_file.values() for e in es)),
        conversations,
        tuple(f for f in files if not logs[f]),
        per_file[rel][-1] if per_file[rel] else None,  # git's order: the oldest last
    )


def _where(entry: Entry) -> str:
    change = entry.change
    if change.status == "R":
        return f"{change.path} (renamed from {change.old_path})"
    if change.status == "C":
        return f"{change.path} (copied from {change.old_path})"
    return change.path + {"A": " (new)", "D": " (deleted)"}.get(change.status, "")


def _conversation_text(c: Conversation) -> str:
    parts = []
    if c.requested:
        parts.append(f"requested {c.requested.isoformat()}")
    if c.done:
        parts.append(f"done {c.done.isoformat()}")
    text = ", ".join(parts)
    if c.days is not None:
        text += f" ({c.days} day{'s' * (c.days != 1)})"
    elif not c.done:
        text += (", " if text else "") + (f"now {c.status}" if c.status else "no status")
    return f"{PurePosixPath(c.path).stem}: {text}"


def history_text(h: History, patch: bool = False) -> str:
    """The history as lines: facts first, then one line per commit and file."""
    lines = [h.title]
    added, last = h.added, h.last_changed
    if added and last:
        lines.append(
            f"added {added.commit.day.isoformat()} ({added.commit.short}), "
            f"last changed {last.commit.day.isoformat()} ({last.commit.short})"
        )
    lines += [f"conversation {_conversation_text(c)}" for c in h.conversations]
    lines += [f"not committed yet: {f}" for f in h.uncommitted]
    if h.entries:
        lines.append("")
    for e in h.entries:
        lines.append(
            f"{e.commit.day.isoformat()}  {e.commit.short}  {e.commit.subject}  {_where(e)}"
        )
        if patch:
            lines += [f"    {change}" for change in e.fields]
            if not e.readable:
                lines.append("    (front matter unreadable in this version)")
            if e.body_changed:
                lines.append("    notes changed")
    return "\n".join(lines) + "\n"


def _commit_json(c: Commit) -> dict[str, Any]:
    return {
        "hash": c.hash,
        "short": c.short,
        "date": c.day.isoformat(),
        "author": c.author,
        "subject": c.subject,
    }


def history_json(h: History) -> dict[str, Any]:
    """The history for scripts: facts, and every commit with its field changes."""
    added, last = h.added, h.last_changed
    return {
        "files": list(h.files),
        "added": _commit_json(added.commit) if added else None,
        "last_changed": _commit_json(last.commit) if last else None,
        "conversations": [
            {
                "path": c.path,
                "requested": c.requested.isoformat() if c.requested else None,
                "done": c.done.isoformat() if c.done else None,
                "days": c.days,
                "status": c.status,
            }
            for c in h.conversations
        ],
        "uncommitted": list(h.uncommitted),
        "commits": [
            {
                **_commit_json(e.commit),
                "path": e.change.path,
                "status": e.change.status,
                "old_path": e.change.old_path,
                "fields": [{"key": f.key, "old": f.old, "new": f.new} for f in e.fields],
                "notes_changed": e.body_changed,
            }
            for e in h.entries
        ],
    }


def log(repo: Repository, since: date | None, headings: dict[str, str]) -> list[Week]:
    """What changed in people/ and interviews/, week by week, newest first."""
    if not repo.has_commits():
        return []
    commits = repo.log(["people", "interviews"], since)
    return facts.weeks(commits, repo.blobs(facts.wanted(commits)), since, headings)


def log_text(weeks: list[Week]) -> str:
    """The weekly review: for each week, what was added and held, then its commits."""
    if not weeks:
        return "no commits changed people/ or interviews/\n"
    blocks = []
    for w in weeks:
        count = len(w.commits)
        lines = [f"week of {w.start.isoformat()}: {count} commit{'s' * (count != 1)}"]
        if w.people_added:
            people = ", ".join(f"{a.name} ({a.id})" for a in w.people_added)
            lines.append(f"  people added: {people}")
        if w.interviews_added:
            lines.append(f"  interviews added: {', '.join(a.id for a in w.interviews_added)}")
        if w.conversations_held:
            lines.append(f"  conversations held: {', '.join(a.id for a in w.conversations_held)}")
        if w.insights_added:
            lines.append(f"  insights added: {len(w.insights_added)}")
            lines += [f"    {i.path}: {i.text}" for i in w.insights_added]
        lines += [f"  {c.day.isoformat()}  {c.short}  {c.subject}" for c in w.commits]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def log_json(weeks: list[Week]) -> dict[str, Any]:
    """The weekly review for scripts."""

    def added(items: list[facts.Added]) -> list[dict[str, Any]]:
        return [{"id": a.id, "path": a.path, "commit": a.commit.short} for a in items]

    return {
        "weeks": [
            {
                "week": w.start.isoformat(),
                "people_added": [
                    {"id": a.id, "name": a.name, "path": a.path, "commit": a.commit.short}
                    for a in w.people_added
                ],
                "interviews_added": added(w.interviews_added),
                "conversations_held": added(w.conversations_held),
                "insights_added": [
                    {"path": i.path, "text": i.text, "commit": i.commit.short}
                    for i in w.insights_added
                ],
                "commits": [
                    {
                        **_commit_json(c),
                        "files": [
                            {"status": f.status, "path": f.path, "old_path": f.old_path}
                            for f in c.changes
                        ],
                    }
                    for c in w.commits
                ],
            }
            for w in weeks
        ]
    }
