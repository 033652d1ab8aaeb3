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

from tool.formats.ics import problems as calendar_problems
from tool.model import CONFIG_NAME, Interview, KnowledgeBase, Person, Problem
from tool.parse.settings import parse_settings
from tool.rules.insights import topic_problems
from tool.rules.records import record_problems
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
        self.records: dict[str, Person | Interview | None] = {}
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
        """The KB as it stands now, as the rules take it."""
        files = sorted(self.records, key=lambda rel: (KINDS.index(rel.split("/")[0]), rel))
        people: dict[str, Person] = {}
        interviews: dict[str, Interview] = {}
        for rel in files:
            record = self.records[rel]
            if isinstance(record, Person):
                people[record.id] = record
            elif isinstance(record, Interview):
                interviews[record.id] = record
        problems = [*self.config_problems, *(p for rel in files for p in self.read.get(rel, ()))]
        paths = [PurePosixPath(rel) for rel in files if rel.startswith("people/")]
        return KnowledgeBase(self.root, self.config, people, interviews, problems, paths, files)

    # --- checking --------------------------------------------------------------------------

    def check_all(self) -> None:
        """Every rule over the whole KB."""
        kb = self._kb = self.kb()
        self.ruled: dict[str, list[Problem]] = {}
        for problem in record_problems(kb, self.today):
            self.ruled.setdefault(problem.path, []).append(problem)
        self._check_whole(kb)

    def _check_whole(self, kb: KnowledgeBase) -> None:
        """The rules over every interview at once: cheap, so always run again."""
        self.whole: dict[str, list[Problem]] = {}
        for problem in [*topic_problems(kb), *calendar_problems(kb), *self.templates]:
            self.whole.setdefault(problem.path, []).append(problem)

    def problems(self, rel: str) -> list[Problem]:
        """A file's problems, sorted as validate sorts them."""
        found = [
            *self.read.get(rel, ()),
            *self.ruled.get(rel, ()),
            *self.whole.get(rel, ()),
            *(self.config_problems if rel == CONFIG_NAME else ()),
        ]
        return sorted(set(found), key=_key)

    def every_problem(self) -> list[Problem]:
        """All the problems of the KB, as `tool validate` lists them."""
        paths = {*self.read, *self.ruled, *self.whole, CONFIG_NAME}
        return sorted({p for rel in paths for p in self.problems(rel)}, key=_key)

    def _affected(self, rel: str, kb: KnowledgeBase) -> set[str]:
        """The files whose record problems can change when `rel`'s content changed."""
        found = {rel}
        if not rel.startswith("people/"):
            return found
        ident = PurePosixPath(rel).stem
        known = kb.people
        for iv in kb.interviews.values():
            if iv.person == ident or iv.person not in known:
                found.add(str(iv.path))
            elif any(ref == ident or ref not in known for ref in iv.referrals):
                found.add(str(iv.path))  # a reference, or a free-text name it may now match
        for person in kb.people.values():
            if person.introduced_by is not None and (
                person.introduced_by == ident or person.introduced_by not in known
            ):
                found.add(str(person.path))
        return found

    def update(self, rel: str, text: str | None = None) -> None:
        """Take the new content of one file (None: read it from disk) and check what changes."""
        if rel == CONFIG_NAME or rel.startswith("templates/"):
            self.reload()
            return
        if not record_path(rel):
            return
        before = set(self.records)
        if text is None:
            self._read_disk(rel)
        else:
            self._parse(rel, text.encode("utf-8", errors="replace"))
        if set(self.records) != before:
            self.check_all()  # a file came or went: ids, duplicates and references change
            return
        kb = self._kb = self.kb()
        affected = self._affected(rel, kb)
        for path in affected:
            self.ruled.pop(path, None)
        for problem in record_problems(kb, self.today, only=affected):
            self.ruled.setdefault(problem.path, []).append(problem)
        self._check_whole(kb)

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
