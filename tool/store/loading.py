"""Load a whole knowledge base: settings, then every record, through the cache."""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from tool.model import CONFIG_NAME, Config, Interview, KnowledgeBase, Person, Problem
from tool.parse.frontmatter import Issue, decode, split
from tool.parse.records import interview_from, person_from
from tool.parse.settings import parse_settings
from tool.store.cache import FileCache, digest
from tool.store.files import markdown_files, read_file, read_text_file

# A file's record, if it makes one, and the problems found reading it: what the cache keeps.
Parsed = tuple[Person | Interview | None, list[Issue]]
# Given the path and bytes of each record file the load had to read (not taken from the cache).
Keep = Callable[[str, bytes], None]


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    """Read `tool.toml`; a broken file gives a problem and the defaults."""
    path = root / CONFIG_NAME
    if not os.path.lexists(path):
        return Config(), []
    text, issues = read_text_file(root, path)  # a FIFO, a looping link: reported, not read
    if text is None:
        return Config(), [_problem(CONFIG_NAME, issue) for issue in issues]
    return parse_settings(text)


def load(root: Path, keep: Keep | None = None) -> KnowledgeBase:
    """Read the whole KB once. Every file is read; a bad one becomes problems, not a crash.

    `keep` is given the bytes of each file read, for a command that needs them as well
    (search) and would otherwise read the file a second time.
    """
    root = root.resolve()
    config, problems = load_config(root)
    people: dict[str, Person] = {}
    interviews: dict[str, Interview] = {}
    people_paths: list[PurePosixPath] = []
    files: list[str] = []
    # Loading makes many objects and frees almost none: the collector would run for nothing.
    collecting = gc.isenabled()
    gc.disable()
    cache = FileCache(root, repr(sorted(config.headings.items())), _is_parsed)
    try:
        for kind in ("people", "interviews"):
            for entry in markdown_files(root, kind):
                rel = f"{kind}/{entry.name}"
                files.append(rel)
                record, issues = _read_record(root, entry, rel, config, cache, keep)
                if kind == "people":  # a person's own path, not another one just like it
                    people_paths.append(record.path if record else PurePosixPath(rel))
                if issues:
                    problems += [_problem(rel, i) for i in issues]
                if isinstance(record, Person):
                    people[record.id] = record
                elif isinstance(record, Interview):
                    interviews[record.id] = record
        cache.save()
    finally:
        cache.close()
        if collecting:
            gc.enable()
    # The records live as long as the run: no later collection needs to walk them again (each
    # would, a few times over, as they age; measured, a quarter of a run that reads the cache).
    gc.freeze()
    return KnowledgeBase(root, config, people, interviews, problems, people_paths, files)


def _read_record(
    root: Path,
    entry: os.DirEntry[str],
    rel: str,
    config: Config,
    cache: FileCache,
    keep: Keep | None = None,
) -> Parsed:
    """Parse one file, or take it from the cache when it has not changed since."""
    try:
        info = entry.stat(follow_symlinks=False)
        listed = info if stat.S_ISREG(info.st_mode) else None  # a link is followed anew
    except OSError:
        listed = None
    if listed is not None:
        hit: Parsed | None = cache.get(rel, listed)
        if hit is not None:
            return hit
    data, read, issues = read_file(root, Path(entry.path))
    if data is None or read is None:
        return None, issues
    if keep is not None:
        keep(rel, data)
    content = digest(data)
    found: Parsed | None = cache.get_same(rel, content) if listed is not None else None
    if found is None:
        found = parse_record(data, rel, config.headings)
    if listed is not None:
        cache.put(rel, read, content, found)
    return found


def _is_parsed(value: object) -> bool:
    """Whether a value from the cache has the shape parse_record gives."""
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list)):
        return False
    return value[0] is None or isinstance(value[0], Person | Interview)


def parse_record(data: bytes, rel: str, headings: dict[str, str]) -> Parsed:
    """A person or interview from a file's bytes, with the problems found on the way."""
    text, issues = decode(data)
    if text is None:
        return None, issues
    path = PurePosixPath(rel)
    if path.parts[0] == "people":
        return person_from(split(text), path)
    return interview_from(split(text), path, headings)


def _problem(rel: str, issue: Issue) -> Problem:
    return Problem(rel, issue.line, issue.col, issue.severity, issue.message, issue.rule)
