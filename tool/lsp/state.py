"""The knowledge base as an editor sees it: the files on disk, with open buffers over them.

The KB is loaded once (from the cache); after that a changed file (a buffer as typed, or a
file changed on disk) is parsed alone, and only the problems it can change are computed
again: its own, those of the records that name the person it is, and the few rules over
the whole KB (topics, calendar uids) that are cheap. The problems always equal what
`tool validate` finds for the same files (`tool.check.check`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path, PurePosixPath

from tool.formats.ics import calendar_key
from tool.formats.ics import problems as calendar_problems
from tool.model import CONFIG_NAME, Interview, KnowledgeBase, Person, Problem
from tool.parse.settings import parse_settings
from tool.rules.insights import topic_problems
from tool.rules.records import record_problems
from tool.rules.referrals import fold
from tool.store.files import read_file
from tool.store.loading import load, parse_record
from tool.template_checks import check_templates

log = logging.getLogger(__name__)

KINDS = ("people", "interviews")


def record_path(rel: str) -> bool:
    """Whether a root-relative path is a file validate reads as a record."""
    path = PurePosixPath(rel)
    return (
        len(path.parts) == 2
        and path.parts[0] in KINDS
        and path.suffix == ".md"
        and not path.name.startswith(".")
    )


Record = Person | Interview | None


def _by_path(problems: list[Problem]) -> dict[str, list[Problem]]:
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        found.setdefault(problem.path, []).append(problem)
    return found


def _same_insights(old: Record, new: Record) -> bool:
    """Whether a change left an interview's insights, and the lines they are on, as they were.

    Then no topic problem changes anywhere (they count topics, and point into those lines).
    """
    if not (isinstance(old, Interview) and isinstance(new, Interview)):
        return False
    if old.insights != new.insights:
        return False
    return all(_body_line(old, i.line) == _body_line(new, i.line) for i in new.insights)


def _body_line(interview: Interview, line: int) -> str | None:
    lines = interview.body.split("\n")
    index = line - interview.body_line
    return lines[index] if 0 <= index < len(lines) else None


def _key(problem: Problem) -> tuple[str, int, int, str, str]:
    return (problem.path, problem.line, problem.col, problem.rule, problem.message)


class Knowledge:
    """One KB root: its records as the editor has them, and every problem, by file."""

    def __init__(self, root: Path, today: date):
        self.root = root.resolve()
        self.today = today
        self.buffers: dict[str, str] = {}  # root-relative path -> text as typed
        self.reload()

    # --- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read everything again (from the cache), the open buffers over it; check it all."""
        kb = load(self.root)
        self.config = kb.config
        self.config_problems = [p for p in kb.problems if p.path == CONFIG_NAME]
        if CONFIG_NAME in self.buffers:  # the settings as typed (records keep the saved ones)
            self.config, self.config_problems = parse_settings(self.buffers[CONFIG_NAME])
        self.records: dict[str, Record] = {}
        self.read: dict[str, list[Problem]] = {}
        for problem in kb.problems:
            if problem.path != CONFIG_NAME:
                self.read.setdefault(problem.path, []).append(problem)
        for rel in kb.files:
            self.records[rel] = None
        for person in kb.people.values():
            self.records[str(person.path)] = person
        for interview in kb.interviews.values():
            self.records[str(interview.path)] = interview
        for rel, text in self.buffers.items():
            if record_path(rel):
                self._parse(rel, text.encode("utf-8", errors="replace"))
        self.templates = check_templates(self.kb())
        self.check_all()

    def _parse(self, rel: str, data: bytes | None) -> None:
        """Take the file's record and reading problems from these bytes (None: no file)."""
        if data is None:
            self.records.pop(rel, None)
            self.read.pop(rel, None)
            return
        record, issues = parse_record(data, rel, self.config.headings)
        self.records[rel] = record
        found = [Problem(rel, i.line, i.col, i.severity, i.message, i.rule) for i in issues]
        if found:
            self.read[rel] = found
        else:
            self.read.pop(rel, None)

    def _read_disk(self, rel: str) -> None:
        """Take the file's record and reading problems from the disk, as `load` would."""
        data, _, issues = read_file(self.root, self.root / rel)
        if data is not None:
            self._parse(rel, data)
        elif os.path.lexists(self.root / rel):
            # There, but not readable (a link out of the KB, a FIFO): a problem, no record.
            self.records[rel] = None
            self.read[rel] = [
                Problem(rel, i.line, i.col, i.severity, i.message, i.rule) for i in issues
            ]
        else:
            self._parse(rel, None)

    def kb(self) -> KnowledgeBase:
        """The KB as it stands now, as the rules take it, built anew."""
        files = sorted(self.records, key=lambda rel: (KINDS.index(rel.split("/")[0]), rel))
        people: dict[str, Person] = {}
        interviews: dict[str, Interview] = {}
        for rel in files:
            record = self.records[rel]
            if isinstance(record, Person):
                people[record.id] = record
            elif isinstance(record, Interview):
                interviews[record.id] = record
        paths = [PurePosixPath(rel) for rel in files if rel.startswith("people/")]
        return KnowledgeBase(
            self.root, self.config, people, interviews, self._read_problems(), paths, files
        )

    def _read_problems(self) -> list[Problem]:
        return [*self.config_problems, *(p for found in self.read.values() for p in found)]

    def _swapped(self, old: Record, new: Record) -> KnowledgeBase | None:
        """The current KB with one record changed in place; None when it must be built anew."""
        kb = self._kb
        if type(old) is not type(new):
            return None  # a record appeared or went: the order of the tables would differ
        if isinstance(new, Person):
            kb.people[new.id] = new
        elif isinstance(new, Interview):
            kb.interviews[new.id] = new
        return KnowledgeBase(
            self.root,
            self.config,
            kb.people,
            kb.interviews,
            self._read_problems(),
            kb.people_paths,
            kb.files,
        )

    # --- checking --------------------------------------------------------------------------

    def check_all(self) -> None:
        """Every rule over the whole KB."""
        kb = self._kb = self.kb()
        self.ruled: dict[str, list[Problem]] = {}
        for problem in record_problems(kb, self.today):
            self.ruled.setdefault(problem.path, []).append(problem)
        self.calendar = _by_path(calendar_problems(kb))
        self.topics = _by_path(topic_problems(kb))

    def problems(self, rel: str) -> list[Problem]:
        """A file's problems, sorted as validate sorts them."""
        found = [
            *self.read.get(rel, ()),
            *self.ruled.get(rel, ()),
            *self.calendar.get(rel, ()),
            *self.topics.get(rel, ()),
            *(p for p in self.templates if p.path == rel),
            *(self.config_problems if rel == CONFIG_NAME else ()),
        ]
        return sorted(set(found), key=_key)

    def every_problem(self) -> list[Problem]:
        """All the problems of the KB, as `tool validate` lists them."""
        paths = {*self.read, *self.ruled, *self.calendar, *self.topics, CONFIG_NAME}
        paths |= {p.path for p in self.templates}
        return sorted({p for rel in paths for p in self.problems(rel)}, key=_key)

    def _affected(self, rel: str, old: Record, new: Record, kb: KnowledgeBase) -> set[str]:
        """The files whose record problems can change when `rel` changed from `old` to `new`."""
        found = {rel}
        if not rel.startswith("people/"):
            return found  # no rule reads one interview while checking another's record
        came_or_went = (old is None) != (new is None)  # other unknown ids' suggestions change
        renamed = came_or_went or (
            isinstance(old, Person)
            and isinstance(new, Person)
            and (old.name, old.company) != (new.name, new.company)
        )  # a free-text referral may name them now, or no longer
        if new is not None and not renamed:
            return found
        # Still unreadable: the references quote its first error, which may have changed.
        ident = PurePosixPath(rel).stem
        known = kb.people
        for iv in kb.interviews.values():
            if (
                iv.person == ident
                or ident in iv.referrals
                or (came_or_went and iv.person not in known)
                or (renamed and any(ref not in known for ref in iv.referrals))
            ):
                found.add(str(iv.path))
        names = {fold(r.name) for r in (old, new) if isinstance(r, Person)}
        for person in kb.people.values():
            introducer = person.introduced_by
            if introducer is not None and (
                introducer == ident or (came_or_went and introducer not in known)
            ):
                found.add(str(person.path))
            if names and fold(person.name) in names:  # a namesake, before or after
                found.add(str(person.path))
        return found

    def _recheck_calendar(self, rel: str, old: Record, new: Record, kb: KnowledgeBase) -> None:
        """The uid problems of the interviews that share a calendar key with this one."""
        keys = {calendar_key(r) for r in (old, new) if isinstance(r, Interview)}
        group = {iv.id: iv for iv in kb.interviews.values() if calendar_key(iv) in keys}
        for path in {rel, *(str(iv.path) for iv in group.values())}:
            self.calendar.pop(path, None)
        alone = KnowledgeBase(self.root, self.config, kb.people, group, [])
        for problem in calendar_problems(alone):
            self.calendar.setdefault(problem.path, []).append(problem)

    def update(self, rel: str, text: str | None = None) -> None:
        """Take the new content of one file (None: read it from disk) and check what changes."""
        if rel == CONFIG_NAME or rel.startswith("templates/"):
            self.reload()
            return
        if not record_path(rel):
            return
        before = set(self.records)
        old = self.records.get(rel)
        if text is None:
            self._read_disk(rel)
        else:
            self._parse(rel, text.encode("utf-8", errors="replace"))
        new = self.records.get(rel)
        kb = self._swapped(old, new) if set(self.records) == before else None
        if kb is None:
            self.check_all()  # a file or record came or went: ids, duplicates, references
            return
        self._kb = kb
        affected = self._affected(rel, old, new, kb)
        for path in affected:
            self.ruled.pop(path, None)
        for problem in record_problems(kb, self.today, only=affected):
            self.ruled.setdefault(problem.path, []).append(problem)
        if rel.startswith("interviews/"):  # the rules over all interviews: theirs alone
            self._recheck_calendar(rel, old, new, kb)
            if not _same_insights(old, new):
                self.topics = _by_path(topic_problems(kb))

    # --- buffers and disk --------------------------------------------------------------------

    def relative(self, path: Path) -> str | None:
        """The root-relative path of a file, or None when it is not inside this KB."""
        try:
            return Path(os.path.normpath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def edit(self, rel: str, text: str) -> None:
        """A buffer opened or changed: its text is what counts now, not the file's."""
        self.buffers[rel] = text
        self.update(rel, text)

    def close(self, rel: str) -> None:
        """A buffer closed: the file on disk counts again."""
        if self.buffers.pop(rel, None) is not None:
            self.update(rel)

    def changed_on_disk(self, rels: Iterable[str]) -> None:
        """Files changed, came or went on disk: open buffers still win over them."""
        for rel in rels:
            if rel in self.buffers:
                continue
            self.update(rel)

    @property
    def current(self) -> KnowledgeBase:
        """The KB the last check saw."""
        return self._kb

    def text_of(self, rel: str) -> str | None:
        """A file's text: its buffer, else the file on disk."""
        if rel in self.buffers:
            return self.buffers[rel]
        data, _, _ = read_file(self.root, self.root / rel)
        if data is None:
            return None
        return data.decode("utf-8", errors="replace")
