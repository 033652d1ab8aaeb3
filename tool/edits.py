"""Small changes to a record's text that keep every other byte: a field's value, a task's box.

The text is the file as stored (CRLF line ends, a BOM, comments, key order and quoting all
kept). Only the value of one top-level key, or one `[ ]`, is replaced; a key that is missing
is added as the last line of the front matter, with the file's own line end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent, ScalarEvent

from tool.errors import ToolError
from tool.model import Interview, KnowledgeBase, Person, parse_date, parse_time
from tool.parse import fmt
from tool.parse.frontmatter import BOM
from tool.people import find_person
from tool.store.loading import parse_record
from tool.text import suggest

_FENCE = re.compile(r"---[ \t]*\r?\n?")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*\r?\n?")
_OPEN_BOX = re.compile(r"\[ \]")


@dataclass(frozen=True)
class Change:
    """One line changed or added: what it said before (None when added) and after."""

    line: int
    before: str | None
    after: str


def _front_matter(text: str) -> tuple[int, int]:
    """Where the front matter's YAML starts and ends (offsets into `text`)."""
    start = len(BOM) if text.startswith(BOM) else 0
    lines = text[start:].splitlines(keepends=True)
    if not lines or not _FENCE.fullmatch(lines[0]):
        raise ToolError("the file has no front matter to change")
    offset = start + len(lines[0])
    begin = offset
    for line in lines[1:]:
        if _CLOSE.fullmatch(line):
            return begin, offset
        offset += len(line)
    raise ToolError("the file's front matter is not closed")


def _value_span(source: str, key: str) -> tuple[int, int] | None:
    """Offsets of the value of top-level `key` in the YAML `source`, or None when absent."""
    depth = 0
    index = 0  # of the root mapping's children: keys at even places, values at odd ones
    found = False
    for event in yaml.parse(source, Loader=yaml.BaseLoader):
        if isinstance(event, CollectionStartEvent):
            if depth == 1:
                if found:
                    raise ToolError(f"{key!r} holds a list or mapping; change it in an editor")
                index += 1
            depth += 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, ScalarEvent) and depth == 1:
            if found:
                start, end = event.start_mark, event.end_mark
                if start is None or end is None:  # the parser always marks its events
                    raise ToolError(f"{key!r} could not be located; change it in an editor")
                return start.index, end.index
            found = index % 2 == 0 and event.value == key
            index += 1
    return None


def _line_at(text: str, offset: int) -> tuple[int, str]:
    """The 1-based line number and the text (without its line end) of the line at `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : len(text) if end < 0 else end]
    return text.count("\n", 0, offset) + 1, line.removesuffix("\r")


def set_field(text: str, key: str, value: str, kind: str = "interview") -> tuple[str, Change]:
    """`text` with top-level `key` set to `value` (YAML as written); nothing else changes.

    A missing key is added where the documented order of a `kind` record puts it.
    """
    begin, end = _front_matter(text)
    span = _value_span(text[begin:end], key)
    if span is None:
        try:
            changed, line = fmt.insert_field(text, key, value, kind)
        except fmt.Unformattable as exc:
            raise ToolError(exc.message) from None
        return changed, Change(line, None, f"{key}: {value}")
    start, stop = begin + span[0], begin + span[1]
    if "\n" in text[start:stop]:
        raise ToolError(f"{key!r} runs over several lines; change it in an editor")
    line, before = _line_at(text, start)
    written = value if stop > start else f" {value}"  # `key:` with nothing after the colon
    if stop == start and text[start - 1 : start] in (" ", "\t"):
        written = value
    changed = text[:start] + written + text[stop:]
    return changed, Change(line, before, _line_at(changed, start)[1])


def tick(text: str, item: str, line: int) -> tuple[str, Change]:
    """`text` with the open box of the task item on file line `line` ticked: `[ ]` -> `[x]`."""
    lines = text.splitlines(keepends=True)
    before = lines[line - 1]
    box = _OPEN_BOX.search(before)
    if box is None:
        raise ToolError(f"line {line} has no open box to tick for {item!r}")
    lines[line - 1] = before[: box.start()] + "[x]" + before[box.end() :]
    return "".join(lines), Change(line, before.rstrip("\r\n"), lines[line - 1].rstrip("\r\n"))


def clock_time(text: str) -> str:
    """A 24-hour `HH:MM`, quoted for YAML (unquoted, YAML 1.1 tools read 14:30 as 870)."""
    try:
        return f'"{parse_time(text)}"'
    except ValueError as exc:
        raise ToolError(str(exc)) from None


def find_interview(kb: KnowledgeBase, target: str, on: date | None = None) -> Interview:
    """An interview by id, by path (`interviews/<id>.md`), or by person (and `on` date)."""
    name = Path(target).name
    ident = name.removesuffix(".md") if name.endswith(".md") else target
    if ident in kb.interviews:
        return kb.interviews[ident]
    _refuse_unreadable(kb, f"interviews/{ident}.md")
    day = _as_date(target)
    if day is not None:
        talks = [i for i in kb.interviews.values() if i.date == day]
        if len(talks) == 1:
            return talks[0]
        ids = ", ".join(sorted(i.id for i in talks)) or "none"
        raise ToolError(f"{len(talks)} interviews on {target} ({ids}); give the id")
    try:
        person = find_person(kb, target)
    except ToolError:
        hint = suggest(ident, kb.interviews)
        raise ToolError(f"no interview {target!r} in interviews/{hint}") from None
    talks = [i for i in kb.interviews_with(person.id) if on is None or i.date == on]
    if len(talks) == 1:
        return talks[0]
    if not talks:
        when = f" on {on.isoformat()}" if on else ""
        raise ToolError(f"no interview with {person.name}{when} in interviews/")
    ids = ", ".join(i.id for i in talks)
    raise ToolError(f"{person.name} has {len(talks)} interviews ({ids}); give one of these ids")


def _refuse_unreadable(kb: KnowledgeBase, rel: str) -> None:
    errors = sorted((p for p in kb.errors if p.path == rel), key=lambda p: (p.line, p.col))
    if errors:
        first = errors[0]
        raise ToolError(
            f"{rel}:{first.line}: {first.message} (the file exists, but cannot be changed "
            "until this is fixed)"
        )


def check_usable(kb: KnowledgeBase, record: Person | Interview) -> None:
    """Refuse a record whose file has errors: a change must not be made on a guess."""
    _refuse_unreadable(kb, str(record.path))


def open_action(interview: Interview, wanted: str) -> tuple[int, str]:
    """The file line and text of the one open task item of `interview` matching `wanted`."""
    items = [a for a in interview.actions if not a.done]
    folded = " ".join(wanted.split()).casefold()
    exact = [a for a in items if a.text.casefold() == folded]
    found = exact or [a for a in items if folded and folded in a.text.casefold()]
    if len(found) == 1:
        return found[0].line, found[0].text
    if found:
        shown = "; ".join(f"line {a.line}: {a.text}" for a in found)
        raise ToolError(f"{wanted!r} matches {len(found)} open items of {interview.path} ({shown})")
    done = [a for a in interview.actions if a.done and folded in a.text.casefold()]
    if done:
        raise ToolError(f"{interview.path}:{done[0].line}: {done[0].text!r} is already ticked")
    open_items = "; ".join(a.text for a in items) or "none"
    raise ToolError(f"no open item {wanted!r} in {interview.path} (open items: {open_items})")


def refuse_broken(kb: KnowledgeBase, rel: str, text: str) -> None:
    """Refuse a change that would leave the file with an error: nothing is written then."""
    record, issues = parse_record(text.encode("utf-8"), rel, kb.config.headings)
    errors = sorted((i for i in issues if i.severity == "error"), key=lambda i: i.line)
    if errors or record is None:
        why = f" (line {errors[0].line}: {errors[0].message})" if errors else ""
        raise ToolError(f"the change would make {rel} unreadable{why}; nothing was written")


def find_file(kb: KnowledgeBase, target: str) -> str:
    """The file of a person (id or name) or interview (id, path, date), relative to the root.

    A file that exists but cannot be read is found too: opening it is how it gets fixed.
    """
    name = Path(target).name
    ident = name.removesuffix(".md")
    for folder in ("people", "interviews"):
        rel = f"{folder}/{ident}.md"
        if rel in kb.files and (name.endswith(".md") or ident == target):
            return rel
    try:
        return str(find_person(kb, target).path)
    except ToolError as exc:
        error = exc
    try:
        return str(find_interview(kb, target).path)
    except ToolError:
        if _as_date(target) is None and not error.args[0].startswith("no person"):
            raise error from None  # an ambiguous name, or a person file with errors
        if _as_date(target) is not None:
            raise
    hint = suggest(ident, [*kb.people, *kb.interviews])
    raise ToolError(f"no person or interview {target!r} in the knowledge base{hint}")


def _as_date(text: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None
