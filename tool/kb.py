"""The disk edge: find the root, read every file once, create files safely."""

from __future__ import annotations

import contextlib
import difflib
import errno
import hashlib
import os
import re
import socket
import stat
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tool.cache import FileCache, digest
from tool.document import Issue, decode, split
from tool.errors import RootNotFound, ToolError
from tool.model import Interview, Person, Problem, parse_date
from tool.records import interview_from, person_from

MAX_FILE_BYTES = 1024 * 1024
CONFIG_NAME = "tool.toml"
MARKERS = (CONFIG_NAME, "people", "interviews")


@dataclass
class Config:
    """Settings from `tool.toml`, with defaults for everything."""

    me: dict[str, Any] = field(default_factory=dict)
    stay_in_touch: int = 90
    thank_you_within: int = 1
    target_careers: tuple[str, ...] = ()
    target_companies: tuple[str, ...] = ()
    digest_title: str = "Informational interviews"
    holidays: tuple[date, ...] = ()
    timezone: str | None = None  # IANA name for calendar exports; None: floating times
    headings: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class KnowledgeBase:
    """Everything read from one root: records sorted by id, and the problems met."""

    root: Path
    config: Config
    people: dict[str, Person]
    interviews: dict[str, Interview]
    problems: list[Problem]
    people_paths: list[PurePosixPath] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every people/ and interviews/ file read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @cached_property
    def unreadable_people(self) -> set[str]:
        """Ids of person files that exist but could not be read into a record."""
        return {p.stem for p in self.people_paths} - self.people.keys()

    def person_of(self, interview: Interview) -> Person | None:
        return self.people.get(interview.person)

    def company_of(self, interview: Interview) -> str | None:
        """The interview's company, falling back to the person's."""
        person = self.people.get(interview.person)
        return interview.company or (person.company if person else None)

    def career_of(self, interview: Interview) -> str | None:
        """The interview's career, falling back to the person's."""
        person = self.people.get(interview.person)
        return interview.career or (person.career if person else None)

    @cached_property
    def interviews_by_person(self) -> dict[str, list[Interview]]:
        """Each person id's interviews, oldest first: one pass, not one scan per person."""
        found: dict[str, list[Interview]] = {}
        for iv in sorted(self.interviews.values(), key=lambda i: (i.date, i.id)):
            found.setdefault(iv.person, []).append(iv)
        return found

    def interviews_with(self, person_id: str) -> list[Interview]:
        """A person's interviews, oldest first."""
        return list(self.interviews_by_person.get(person_id, ()))

    def name_of(self, person_id: str) -> str:
        """The person's name, or the id itself when there is no such person."""
        person = self.people.get(person_id)
        return person.name if person else person_id


def is_kb(folder: Path) -> bool:
    """Whether a folder holds one of the files or folders that mark a knowledge base."""
    return any((folder / marker).exists() for marker in MARKERS)


def find_root(start: Path, explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--root`, else `TOOL_ROOT`, else the nearest ancestor holding a KB marker."""
    given = explicit or os.environ.get("TOOL_ROOT")
    if given:
        source = "" if explicit else " (from TOOL_ROOT)"
        root = Path(given).expanduser()
        if not root.is_dir():
            raise RootNotFound(f"knowledge base folder not found: {given}{source}")
        if not is_kb(root):
            raise RootNotFound(
                f"{given}{source} is not a knowledge base (it has no tool.toml, people/ or "
                f"interviews/); run `tool init {given}` to start one there"
            )
        return root.resolve()
    here = start.resolve()
    for folder in (here, *here.parents):
        if is_kb(folder):
            return folder
    raise RootNotFound(
        f"no knowledge base found in {here} or any parent folder "
        "(looked for tool.toml, people/ or interviews/); "
        "run `tool init` to create one, or pass --root DIR"
    )


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    """Read `tool.toml`; a broken file gives a problem and the defaults."""
    path = root / CONFIG_NAME
    if not os.path.lexists(path):
        return Config(), []
    text, issues = read_text_file(root, path)  # a FIFO, a looping link: reported, not read
    if text is None:
        return Config(), [_problem(CONFIG_NAME, issue) for issue in issues]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_position(str(exc), text)
        message = str(exc).split(" (at ")[0]
        return Config(), [
            Problem(CONFIG_NAME, line, col, "error", f"TOML syntax: {message}", "config")
        ]
    problems: list[Problem] = []

    def problem(table: str, key: str | None, message: str) -> None:
        line = _config_line(text, table, key)
        problems.append(Problem(CONFIG_NAME, line, 1, "error", message, "config"))

    def section(name: str) -> dict[str, Any]:
        value = raw.get(name, {})
        if isinstance(value, dict):
            return value
        problem(name, None, f"[{name}] must be a table")
        return {}

    tables = {name: section(name) for name in ("defaults", "targets", "digest")}
    defaults, digest = tables["defaults"], tables["digest"]
    config = Config(
        me=section("me"), raw=raw, headings={str(k): str(v) for k, v in section("headings").items()}
    )

    def number(table: str, key: str, default: int) -> int:
        value = tables[table].get(key, default)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        problem(table, key, f"{key} must be a whole number of days, not {value!r}")
        return default

    def strings(table: str, key: str) -> tuple[str, ...]:
        value = tables[table].get(key, [])
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        problem(table, key, f'{key} must be a list of text, like ["a", "b"]')
        return ()

    def holidays() -> tuple[date, ...]:
        value = defaults.get("holidays", [])
        found: list[date] = []
        for item in value if isinstance(value, list) else [value]:
            day = item if isinstance(item, date) and not isinstance(item, datetime) else None
            if isinstance(item, str):
                with contextlib.suppress(ValueError):
                    day = parse_date(item)
            if day is None:
                message = f"holidays must be a list of dates written YYYY-MM-DD, not {item!r}"
                problem("defaults", "holidays", message)
            else:
                found.append(day)
        return tuple(sorted(set(found)))

    config.stay_in_touch = number("defaults", "stay_in_touch", 90)
    config.thank_you_within = number("defaults", "thank_you_within", 1)
    config.holidays = holidays()
    config.timezone = _timezone(defaults, raw, problem)
    config.target_careers = strings("targets", "careers")
    config.target_companies = strings("targets", "companies")
    title = digest.get("title", config.digest_title)
    config.digest_title = title if isinstance(title, str) else config.digest_title
    return config, problems


def _timezone(
    defaults: dict[str, Any], raw: dict[str, Any], problem: Callable[[str, str, str], None]
) -> str | None:
    """`timezone` under [defaults] or at the top of tool.toml, if it names a known zone."""
    found = [(t, v["timezone"]) for t, v in (("defaults", defaults), ("", raw)) if "timezone" in v]
    if not found:
        return None
    (table, value), *others = found
    for other_table, other in others:
        if other != value:
            message = f"timezone is also set under [{table}], to {value!r}, which is used"
            problem(other_table, "timezone", f"{message}; keep one")
    why = _zone_problem(value)
    if why:
        problem(table, "timezone", why)
        return None
    return str(value)


def _zone_problem(name: object) -> str | None:
    """Why `name` is not a time zone of the IANA database on this machine, or None."""
    wanted = 'an IANA time zone name like "Europe/Berlin"'
    if not isinstance(name, str):
        return f"timezone must be {wanted}, not {name!r}"
    try:
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    known = sorted(available_timezones())
    by_case = [z for z in known if z.casefold() == name.strip().casefold()]
    close = by_case or difflib.get_close_matches(name, known, 1, 0.8)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown timezone {name!r}: use {wanted}{hint}"


def _config_line(text: str, table: str, key: str | None) -> int:
    """The line of `key` in `[table]` (or of the table header) in tool.toml; 1 if not found."""
    current = ""
    header = None
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            current = stripped.strip("[] \t").split("]")[0].strip()
            if current == table:
                header = number
            continue
        if key and current == table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return header or 1


def _toml_position(message: str, text: str) -> tuple[int, int]:
    match = re.search(r"at line (\d+), column (\d+)", message)
    if match:
        return int(match.group(1)), int(match.group(2))
    if "end of document" in message and text:
        lines = text.rstrip("\n").split("\n")
        return len(lines), len(lines[-1]) + 1
    return 1, 1


def read_text_file(root: Path, path: Path) -> tuple[str | None, list[Issue]]:
    """Read one KB file safely: a regular file inside the root, not too large, valid UTF-8."""
    data, _, issues = read_file(root, path)
    return (None, issues) if data is None else decode(data)


def read_file(root: Path, path: Path) -> tuple[bytes | None, os.stat_result | None, list[Issue]]:
    """The bytes of one regular file inside the root and its status before reading, or why not."""
    try:
        # Resolved every time: a linked folder leads outside as surely as a linked file.
        target = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        return None, None, [_unreadable(path, exc)]
    if not _inside(root, target):
        return None, None, [_issue("symbolic link points outside the knowledge base", "symlink")]
    try:
        data, opened = read_regular(target, follow=False)
    except NotRegularFile as exc:
        return None, None, [_issue(exc.reason, "file-type")]
    except OSError as exc:
        return None, None, [_unreadable(path, exc)]
    if len(data) > MAX_FILE_BYTES:
        size = max(opened.st_size, len(data))
        message = f"file is {size:,} bytes; files over {MAX_FILE_BYTES:,} bytes are not read"
        return None, None, [Issue(1, 1, message, "too-large")]
    return data, opened, []


class NotRegularFile(OSError):
    """A FIFO, socket, device or folder where a file was expected."""

    def __init__(self, info: os.stat_result, path: str | os.PathLike[str]):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "a special file")
        self.reason = f"{kind}, not a regular file"
        super().__init__(errno.EINVAL, self.reason, os.fspath(path))


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}
# Never wait for a FIFO's writer or adopt a terminal, even if one is swapped in after the check.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_regular(
    path: Path, limit: int | None = MAX_FILE_BYTES, follow: bool = True
) -> tuple[bytes, os.stat_result]:
    """Up to `limit` + 1 bytes of a regular file, and its status from before they were read.

    Anything else raises NotRegularFile without being opened: opening a FIFO waits for a
    writer, and opening a device can make it act.
    """
    info = os.stat(path, follow_symlinks=follow)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(info, path)
    nofollow = 0 if follow else getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(path, _OPEN_FLAGS | nofollow), "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):  # swapped since the check above
            raise NotRegularFile(opened, path)
        return handle.read(-1 if limit is None else limit + 1), opened


def resolve_path(path: Path) -> Path:
    """Path.resolve() for a path the user gave: a link that loops is their mistake, not a crash."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ToolError("symbolic link loops back on itself", path) from None
    return Path(os.path.realpath(path))  # not there yet: a file or folder about to be made


def _issue(reason: str, rule: str) -> Issue:
    return Issue(1, 1, f"{reason}; not read", rule)


def _unreadable(path: Path, exc: OSError) -> Issue:
    """Why a path could not be followed or opened, in words."""
    if exc.errno == errno.ELOOP:
        return _issue("symbolic link loops back on itself", "symlink")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR) and os.path.islink(path):
        return _issue("symbolic link points to nothing (its target does not exist)", "symlink")
    return Issue(1, 1, f"cannot read file: {exc.strerror or exc}", "io")


def _inside(root: Path, target: Path) -> bool:
    try:
        target.relative_to(root.resolve())
    except ValueError:
        return False
    return True


def markdown_files(root: Path, folder: str) -> list[os.DirEntry[str]]:
    """The `*.md` entries of one KB folder, sorted by name (scandir: one syscall per folder)."""
    try:
        with os.scandir(root / folder) as found:
            entries = [e for e in found if e.name.endswith(".md") and not e.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(entries, key=lambda e: e.name)


def load(root: Path) -> KnowledgeBase:
    """Read the whole KB once. Every file is read; a bad one becomes problems, not a crash."""
    root = root.resolve()
    config, problems = load_config(root)
    cache = FileCache(root, repr(sorted(config.headings.items())))
    people: dict[str, Person] = {}
    interviews: dict[str, Interview] = {}
    people_paths: list[PurePosixPath] = []
    files: list[str] = []
    for kind in ("people", "interviews"):
        for entry in markdown_files(root, kind):
            rel = f"{kind}/{entry.name}"
            files.append(rel)
            if kind == "people":
                people_paths.append(PurePosixPath(rel))
            record, issues = _read_record(root, entry, rel, config, cache)
            if issues:
                problems += [_problem(rel, i) for i in issues]
            if isinstance(record, Person):
                people[record.id] = record
            elif isinstance(record, Interview):
                interviews[record.id] = record
    cache.save()
    return KnowledgeBase(root, config, people, interviews, problems, people_paths, files)


def _read_record(
    root: Path, entry: os.DirEntry[str], rel: str, config: Config, cache: FileCache
) -> tuple[Person | Interview | None, list[Issue]]:
    """Parse one file, or take it from the cache when it has not changed since."""
    try:
        info = entry.stat(follow_symlinks=False)
        listed = info if stat.S_ISREG(info.st_mode) else None  # a link is followed anew
    except OSError:
        listed = None
    if listed is not None:
        hit = cache.get(rel, listed)
        if hit is not None:
            return hit
    data, read, issues = read_file(root, Path(entry.path))
    if data is None or read is None:
        return None, issues
    content = digest(data)
    found = cache.get_same(rel, content) if listed is not None else None
    if found is None:
        found = parse_record(data, rel, config.headings)
    if listed is not None:
        cache.put(rel, read, content, found)
    return found


def parse_record(
    data: bytes, rel: str, headings: dict[str, str]
) -> tuple[Person | Interview | None, list[Issue]]:
    """A person or interview from a file's bytes, with the problems found on the way."""
    text, issues = decode(data)
    if text is None:
        return None, issues
    path = PurePosixPath(rel)
    if path.parts[0] == "people":
        return person_from(split(text), path)
    return interview_from(split(text), path, headings)


def _problem(rel: str, issue: Issue) -> Problem:
    return Problem(rel, issue.line, issue.col, issue.severity, issue.message, issue.rule)  # type: ignore[arg-type]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# A temporary file's name says which process on which machine writes it, so that a later run
# can tell the leftovers of a killed run from a file another run is writing right now.
HOST = hashlib.blake2b(socket.gethostname().encode(), digest_size=4).hexdigest()
_TEMP = re.compile(r"\..+\.(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]{1,10})\.[a-z0-9_]{8}\.tmp")
LEFTOVER_NS = 24 * 3600 * 1_000_000_000  # no write takes a day: older is left over anywhere


def _temp_copy(path: Path, data: bytes) -> str:
    """Write data to a synced temporary file beside `path`, with the mode a new file gets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path.parent)
    prefix = f".{path.name[:64]}.{HOST}-{os.getpid()}."
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes files private; notes are not
        _write_synced(fd, data)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files of killed runs of this tool in `folder`; return them.

    Only files named as this tool names them: written by a process of this machine that is
    gone, or untouched for a day. Never a file another run may still be writing.
    """
    removed = []
    now = time.time_ns()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMP.fullmatch(entry.name) if entry.name.endswith(".tmp") else None
            if match is None:
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                ours = match["host"] == HOST and not _alive(int(match["pid"]))
                if stat.S_ISREG(info.st_mode) and (ours or now - info.st_mtime_ns > LEFTOVER_NS):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    """Whether a process of this machine is running (when in doubt, it is)."""
    if os.name != "posix" or pid == os.getpid():
        return True  # elsewhere, os.kill(pid, 0) is not a harmless probe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process, or a pid out of range
        return True
    return True


def _write_synced(fd: int, data: bytes) -> None:
    """Write all of `data` to an open descriptor, close it, and make it durable."""
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def create_exclusive(path: Path, text: str) -> None:
    """Write a new file atomically; never replace an existing one (FileExistsError)."""
    data = text.encode("utf-8")
    tmp = _temp_copy(path, data)
    try:
        # link() fails if the name exists, so two writers can never replace each other.
        os.link(tmp, path)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        _create_in_place(path, data)  # file systems without hard links (exFAT, some shares)
    finally:
        os.unlink(tmp)


def _create_in_place(path: Path, data: bytes) -> None:
    """Exclusive creation without link(): O_EXCL still never replaces an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        _write_synced(fd, data)
    except BaseException:
        os.unlink(path)
        raise


def write_atomic(path: Path, text: str) -> bool:
    """Replace a generated file atomically, only if its content changed. Returns changed."""
    data = text.encode("utf-8")
    try:
        if read_regular(path, limit=len(data))[0] == data:  # a FIFO there: refused, not awaited
            return False
    except FileNotFoundError:
        pass
    tmp = _temp_copy(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return True


def check_inside(root: Path, path: Path) -> Path:
    """Refuse a path that leaves the KB, following symlinks."""
    resolved = resolve_path(path)
    if not _inside(root, resolved):
        raise ToolError(f"refusing to write outside the knowledge base: {path}")
    return resolved
