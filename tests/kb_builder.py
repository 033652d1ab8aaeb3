"""Knowledge bases made from texts in memory, read as `tool.store.loading.load` reads files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from tool.formats.ics import problems as calendar_problems
from tool.model import CONFIG_NAME, Config, Interview, KnowledgeBase, Person, Problem
from tool.parse.settings import parse_settings
from tool.rules.insights import topic_problems
from tool.rules.records import record_problems
from tool.store.loading import parse_record

# A KB made here has no folder: nothing may read from its root. (Template checks do, which
# is why `rule_problems` leaves them out.)
ROOT = Path("/nonexistent-kb-in-memory")
FOLDERS = ("people", "interviews")


def kb_of(files: Mapping[str, str | bytes]) -> KnowledgeBase:
    """A KB of `{"people/ann.md": text, ...}`; bytes stand for a file exactly as stored.

    `tool.toml`, when given, is read as the settings; files are read in `load`'s order
    (people, then interviews, by name), and names `load` skips (not `.md`, hidden) are skipped.
    """
    unknown = [
        p for p in files if p != CONFIG_NAME and PurePosixPath(p).parent.as_posix() not in FOLDERS
    ]
    if unknown:
        raise ValueError(f"kb_of reads only tool.toml, people/ and interviews/, not {unknown}")
    config = Config()
    problems: list[Problem] = []
    if CONFIG_NAME in files:
        config, problems = parse_settings(_text(files[CONFIG_NAME]))
    people: dict[str, Person] = {}
    interviews: dict[str, Interview] = {}
    people_paths: list[PurePosixPath] = []
    read: list[str] = []
    for folder in FOLDERS:
        for rel in sorted(p for p in files if PurePosixPath(p).parent.as_posix() == folder):
            name = PurePosixPath(rel).name
            if not name.endswith(".md") or name.startswith("."):
                continue
            read.append(rel)
            if folder == "people":
                people_paths.append(PurePosixPath(rel))
            data = files[rel]
            record, issues = parse_record(
                data if isinstance(data, bytes) else data.encode(), rel, config.headings
            )
            problems += [Problem(rel, i.line, i.col, i.severity, i.message, i.rule) for i in issues]
            if isinstance(record, Person):
                people[record.id] = record
            elif isinstance(record, Interview):
                interviews[record.id] = record
    return KnowledgeBase(ROOT, config, people, interviews, problems, people_paths, read)


def rule_problems(kb: KnowledgeBase) -> list[Problem]:
    """What `tool.check.check` finds without the template checks, which read templates/."""
    found = kb.problems + record_problems(kb) + topic_problems(kb) + calendar_problems(kb)
    return sorted(set(found), key=lambda p: (p.path, p.line, p.col, p.rule, p.message))


def problems_of(files: Mapping[str, str | bytes]) -> list[str]:
    """Every problem the rules find in a KB of these files, as `tool validate` prints it."""
    return [p.format() for p in rule_problems(kb_of(files))]


def texts_of(root: Path) -> dict[str, str]:
    """The files of a fixture KB as texts, to start a KB from and change in memory."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes().decode("utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _text(data: str | bytes) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else data
