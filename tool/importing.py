"""`tool import`: contacts from other programs become people, never twice, never over a file.

Planning is pure: each contact read is matched against the people already in the KB (and
the contacts before it in the same file) by LinkedIn URL, then email, then name with
company, and becomes a step: create, update (only with `update`: fill empty fields),
skip, or fail. Applying the plan creates files exclusively from templates/person.md and
fills fields in place, changing no other byte.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from jinja2 import nodes

from tool.errors import ToolError
from tool.formats.contacts import Contact, Rejected
from tool.ids import id_key, slugify, unique_id
from tool.model import Person, group_key
from tool.parse import fmt
from tool.parse.frontmatter import BOM, decode, split
from tool.parse.records import DATE, PERSON_FIELDS, TEXT, person_from
from tool.people import name_key
from tool.printable import controls
from tool.scaffold import tidy
from tool.store import files
from tool.templating.engine import render, yaml_scalar
from tool.templating.loader import templates_env

Action = Literal["create", "update", "skip", "fail"]
# The fields an import writes, in the order they are added to a file that lacks them.
FIELDS = ("company", "role", "email", "phone", "linkedin", "connected")
MAX_ATTEMPTS = 1000
_SUFFIX = re.compile(r"-\d+$")


@dataclass
class Step:
    """What happens to one contact (or one unreadable row or card)."""

    action: Action
    line: int
    name: str
    reason: str = ""
    path: str | None = None  # the person's file: the match, or the file created
    fields: tuple[str, ...] = ()  # filled by an update
    contact: Contact | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "line": self.line,
            "name": self.name,
            "path": self.path,
            "fields": list(self.fields),
            "reason": self.reason,
        }


def linkedin_key(url: str) -> str:
    """A LinkedIn profile URL as one key: any scheme, host, case, query or trailing slash.

    A URL without a path (a home page) gives no `/`: it names no one in particular.
    """
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urllib.parse.urlsplit(text)
    host = parts.hostname or ""
    path = urllib.parse.unquote(parts.path).rstrip("/").casefold()
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        return "linkedin.com" + path
    return host + path


def _company_key(company: str | None) -> str:
    return group_key(company) if company else ""


@dataclass(frozen=True)
class _Keys:
    """What a person or contact is matched on, worked out once."""

    url: str  # "" when there is no profile URL (a home page names no one)
    email: str
    name: str
    company: str

    @classmethod
    def of(cls, name: str, company: str | None, email: str | None, url: str | None) -> _Keys:
        link = linkedin_key(url) if url else ""
        return cls(
            link if "/" in link else "",
            email.strip().casefold() if email else "",
            name_key(name),
            _company_key(company),
        )


@dataclass
class _Index:
    """Who is known so far, by each of the keys a contact is matched on."""

    by_url: dict[str, str] = field(default_factory=dict)
    by_email: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (company, who)

    def add(self, who: str, keys: _Keys) -> None:
        if keys.url:
            self.by_url.setdefault(keys.url, who)
        if keys.email:
            self.by_email.setdefault(keys.email, who)
        self.by_name.setdefault(keys.name, []).append((keys.company, who))

    def match(self, keys: _Keys) -> tuple[str, str] | None:
        """(who, how) for the first key of a contact that someone known has."""
        if keys.url in self.by_url:
            return self.by_url[keys.url], "LinkedIn URL"
        if keys.email in self.by_email:
            return self.by_email[keys.email], "email"
        company = keys.company
        namesakes = self.by_name.get(keys.name, [])
        same = [who for theirs, who in namesakes if theirs == company]
        # One side without a company is taken as the same person: a namesake is rarer than
        # a record not filled in, and a wrong skip is undone by hand, a duplicate is not.
        loose = [who for theirs, who in namesakes if not theirs or not company]
        if same or loose:
            return (same or loose)[0], "name and company" if same and company else "name"
        return None


def plan(
    people: Iterable[Person],
    contacts: Iterable[Contact],
    rejected: Iterable[Rejected] = (),
    update: bool = False,
    unreadable: Iterable[str] = (),
) -> list[Step]:
    """One step per contact and rejected row, in the order of the file.

    `unreadable` are the ids of person files that cannot be read: a contact whose id would
    be one of them fails, since the file may well be that person.
    """
    known = sorted(people, key=lambda p: p.id)
    index = _Index()
    for person in known:
        keys = _Keys.of(person.name, person.company, person.email, person.linkedin)
        index.add(str(person.path), keys)
    broken = {id_key(ident): ident for ident in unreadable}
    paths = {str(p.path): p for p in known}
    first_line: dict[str, int] = {}  # a person's file -> the line that matched it first
    steps = [Step("fail", r.line, "", r.message) for r in rejected]
    for contact in contacts:
        keys = _Keys.of(contact.name, contact.company, contact.email, contact.linkedin)
        found = index.match(keys)
        step = Step("create", contact.line, contact.name, contact=contact)
        if not any(c.isalnum() for c in contact.name):
            step.action, step.reason = "fail", "the name has no letters or digits"
        elif found is None:
            ident = broken.get(id_key(slugify(contact.name))) if broken else None
            if ident is not None:
                step.action, step.path = "fail", f"people/{ident}.md"
                step.reason = (
                    f"people/{ident}.md may be {contact.name} but cannot be read; "
                    "fix it (`tool validate`) and import again"
                )
            else:
                index.add(f"line {contact.line}", keys)
        elif found[0] not in paths:
            step.action, step.reason = "skip", f"the same person as {found[0]} (same {found[1]})"
        else:
            who, how = found
            step.action, step.path = "skip", who
            person = paths[who]
            if who in first_line:
                step.reason = f"the same person as line {first_line[who]} ({who})"
            else:
                first_line[who] = contact.line
                missing = _missing(person, contact)
                step.reason = f"already in {who} (same {how})"
                if update and missing:
                    step.action, step.fields = "update", tuple(missing)
                    step.reason = f"filled in {who} (same {how})"
                elif update:
                    step.reason += "; nothing to fill"
        steps.append(step)
    return sorted(steps, key=lambda s: s.line)


def _values(contact: Contact) -> dict[str, Any]:
    return {name: getattr(contact, name) for name in FIELDS if getattr(contact, name)}


def _missing(person: Person, contact: Contact) -> dict[str, Any]:
    """The contact's values for the fields the person's file leaves empty (or blank)."""
    return {k: v for k, v in _values(contact).items() if _blank(getattr(person, k))}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class CannotFill(ValueError):
    """A field that cannot be filled in place without touching other lines."""


def fill_fields(text: str, values: dict[str, Any], errors_before: int | None = None) -> str:
    """`text` with each empty or missing front-matter field set; no other byte changes.

    A key written with nothing (`role:`, `role: ~`) gets its value on its own line, any
    comment kept; a missing key is added above the closing `---`, with the file's line end.
    The result must read back with these values and no more errors than `errors_before`
    (counted here when not given); else CannotFill.
    """
    if not values:
        return text
    bom = BOM if text.startswith(BOM) else ""
    normal, _ = decode(text.encode("utf-8"))
    doc = split(normal) if normal is not None else None
    if doc is None or doc.meta is None:
        raise CannotFill("the front matter cannot be read")
    lines = text[len(bom) :].split("\n")
    keys = {key.text: key.line for key, _ in reversed(doc.meta.items) if key.col == 1}
    added = []
    for name, value in values.items():
        written = yaml_scalar(value)
        if name not in keys:
            added.append((name, written))
            continue
        at = keys[name] - 1
        end = "\r" if lines[at].endswith("\r") else ""
        empty = re.fullmatch(
            rf"{re.escape(name)}[ \t]*:[ \t]*(?:~|null|Null|NULL|\"\"|'')?[ \t]*(#.*)?",
            lines[at].removesuffix("\r"),
        )
        if empty is None:
            raise CannotFill(f"line {at + 1}: {name!r} is written in a way that cannot be filled")
        comment = f" {empty[1]}" if empty[1] else ""
        lines[at] = f"{name}: {written}{comment}{end}"
    filled = bom + "\n".join(lines)
    for name, written in added:  # where `tool fmt` puts it
        try:
            filled = fmt.insert_field(filled, name, written, "person")[0]
        except fmt.Unformattable as exc:
            raise CannotFill(exc.message) from None
    if errors_before is None:
        errors_before = _errors(person_from(doc, _SOME_PERSON)[1])
    after, _ = decode(filled.encode("utf-8"))
    new, issues = person_from(split(after or ""), _SOME_PERSON)
    if new is None or _errors(issues) > errors_before:
        raise CannotFill("filling it would make the file unreadable")
    if any(getattr(new, k) != v for k, v in values.items()):
        raise CannotFill("the filled values would not read back as written")
    return filled


_SOME_PERSON = PurePosixPath("people/person.md")  # where a text is read as a person's file


def _errors(issues: Iterable[Any]) -> int:
    return sum(1 for issue in issues if issue.severity == "error")


@dataclass
class _Ids:
    """The ids taken in people/, grouped by their stem without a `-N` suffix: one lookup."""

    groups: dict[str, set[str]] = field(default_factory=dict)

    def take(self, ident: str) -> None:
        key = id_key(ident)
        self.groups.setdefault(_SUFFIX.sub("", key), set()).add(key)

    def free(self, base: str) -> str:
        return unique_id(base, self.groups.get(_SUFFIX.sub("", id_key(base)), ()))


def _taken(folder: Path) -> _Ids:
    ids = _Ids()
    if folder.is_dir():
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".md"):
                    ids.take(entry.name[: -len(".md")])
    return ids


def _context(contact: Contact, ident: str, today: date, me: dict[str, Any]) -> dict[str, Any]:
    """What templates/person.md sees for a contact: `tool new person`'s values."""
    return {
        **dict.fromkeys(("career", "location", "introduced_by", "relationship")),
        **dict.fromkeys(FIELDS),
        **_values(contact),
        "name": contact.name,
        "tags": [],
        "today": today,
        "me": me,
        "id": ident,
    }


def person_text(
    env: Any, root: Path, contact: Contact, ident: str, today: date, me: dict[str, Any]
) -> str:
    """The new file for a contact: templates/person.md, plus the fields it has no line for."""
    return Scaffold(env, root).text(contact, ident, today, me)


# The values that differ from one contact to the next, and the type of front-matter field
# each may fill in a plain template (see Scaffold).
_VARYING = {"name": TEXT, "company": TEXT, "role": TEXT, "email": TEXT, "phone": TEXT}
_VARYING |= {"linkedin": TEXT, "connected": DATE}
_HOLE = "\0{}\0"  # a placeholder's place in a plain template's text, while it is examined


class Scaffold:
    """templates/person.md, rendered for one contact after another.

    A plain template, such as the default (literal text, and `KEY: {{ KEY | yaml }}` lines
    in its front matter, each key a field of a person), is filled in without Jinja: the same
    text, each value written by the same `yaml` filter. Its first file is checked in full;
    the others differ only in values that the filter writes so that they read back as
    themselves, in fields of their type, so each of them is a valid file as well. Any other
    template is rendered, and each file checked, one contact at a time.
    """

    def __init__(self, env: Any, root: Path) -> None:
        self.env = env
        self.root = root
        self.parts = _plain_parts(env)
        self.checked = False
        self._written: dict[str, str] = {}  # the yaml filter's text for each value met

    def _yaml(self, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            return yaml_scalar(value)
        if value not in self._written:
            if len(self._written) > 100_000:  # companies and roles repeat; names do not
                self._written.clear()
            self._written[value] = yaml_scalar(value)
        return self._written[value]

    def text(self, contact: Contact, ident: str, today: date, me: dict[str, Any]) -> str:
        context = _context(contact, ident, today, me)
        if self.parts is None:
            rendered = render(self.env, "person.md", context, self.root)
        else:
            rendered = "".join(
                part if isinstance(part, str) else self._yaml(context[part[0]])
                for part in self.parts
            )
        text = _with_keys(tidy(rendered), _values(contact))
        varying = [v for k, v in context.items() if k in _VARYING and isinstance(v, str)]
        joined = "".join(varying)
        unusual = not joined.isprintable() and controls(joined)  # isprintable: fast, in C
        if self.parts is None or not self.checked or unusual:
            text = _checked(text, contact, ident)
            self.checked = self.parts is not None
        if contact.note:
            text = text.rstrip("\n") + "\n\n" + contact.note + "\n"
        return text


def _checked(text: str, contact: Contact, ident: str) -> str:
    """A rendered file read back as a person: valid, with every value of the contact in it."""
    record, issues = person_from(split(text), PurePosixPath("people", f"{ident}.md"))
    errors = [i for i in issues if i.severity == "error"]
    if record is None or errors:
        detail = f"line {errors[0].line}: {errors[0].message}" if errors else "no name"
        raise CannotFill(f"templates/person.md gives an invalid file for it ({detail})")
    try:  # a key the template writes but leaves empty (it may not use every value)
        return fill_fields(text, _missing(record, contact), errors_before=0)
    except CannotFill as exc:
        raise CannotFill(f"templates/person.md leaves no place for its fields ({exc})") from None


def _plain_parts(env: Any) -> list[str | tuple[str]] | None:
    """A plain templates/person.md as literal texts and (value name,); None if not plain.

    Plain: text and `{{ NAME | yaml }}` only; each NAME one of `tool new person`'s values
    and, when it differs between contacts, alone on a front-matter line `NAME: ...` of a
    field of its type; and no other line of the front matter sets a field the import fills.
    """
    try:
        source = env.loader.get_source(env, "person.md")[0]
        body = env.parse(source).body
    except Exception:  # rendering reports it, with its line
        return None
    if len(body) != 1 or not isinstance(body[0], nodes.Output):
        return None
    known = _context(Contact(0, "x"), "x", date.min, {})
    parts: list[str | tuple[str]] = []
    for node in body[0].nodes:
        if isinstance(node, nodes.TemplateData):
            parts.append(node.data)
        elif (
            isinstance(node, nodes.Filter)
            and node.name == "yaml"
            and isinstance(node.node, nodes.Name)
            and node.node.name in known
            and not (node.args or node.kwargs or node.dyn_args or node.dyn_kwargs)
        ):
            parts.append((node.node.name,))
        else:
            return None
    holes = "".join(p if isinstance(p, str) else _HOLE.format(p[0]) for p in parts)
    lines = tidy(holes).split("\n")
    if lines[0] != "---" or "---" not in lines[1:]:
        return None
    for line in lines[1 : lines.index("---", 1)]:
        key = line.partition(":")[0].strip()
        if "\0" not in line:
            if key in _VARYING:
                return None  # a field filled here as well as by the import
            continue
        name = key if line == f"{key}: {_HOLE.format(key)}" else None
        if name is None or PERSON_FIELDS.get(name) != _VARYING.get(name, PERSON_FIELDS.get(name)):
            return None
    if any("\0" in line for line in lines[lines.index("---", 1) :]):
        return None  # a value in the notes: plain too, but kept simple
    return parts


def _with_keys(text: str, values: dict[str, Any]) -> str:
    """A rendered file with a line above its closing `---` for each key it has no line for.

    Textual, so that a new file is parsed once, by the check that follows (which sees
    whatever this adds); fill_fields is the careful way, for files that exist.
    """
    head, sep, body = text.partition("\n---\n")
    if not sep or not head.startswith("---\n"):
        return text  # not the usual shape: the check and fill_fields deal with it
    lines = head.split("\n")
    present = {line.partition(":")[0].strip() for line in lines}
    for key, value in values.items():
        if key in present:
            continue
        rank = fmt.rank(key, "person")  # placed where `tool fmt` puts it
        at = next((i for i, line in enumerate(lines) if i and _line_rank(line) > rank), len(lines))
        lines.insert(at, f"{key}: {yaml_scalar(value)}")
    return "\n".join(lines) + sep + body


def _line_rank(line: str) -> int:
    """The documented place of the key a front-matter line starts (-1: no key starts there)."""
    if not line[:1].isalpha() or ":" not in line:
        return -1
    return fmt.rank(line.partition(":")[0].strip(), "person")


def apply(
    root: Path,
    steps: list[Step],
    today: date,
    me: dict[str, Any] | None = None,
    dry_run: bool = False,
    progress: Callable[[Step], None] | None = None,
) -> list[Step]:
    """Carry out the plan (or only name the files, with `dry_run`); the steps as done.

    A step that cannot be done becomes a failed one; the others still are.
    """
    folder = root / "people"
    if not dry_run:
        folder.mkdir(exist_ok=True)
        files.check_inside(root, folder)
        files.remove_leftovers(folder)  # once, where a durable create would do it per file
    scaffold = Scaffold(templates_env(root), root)
    ids = _taken(folder)
    created = False
    for step in steps:
        try:
            if step.action == "create" and step.contact is not None:
                created |= _create(folder, step, ids, scaffold, today, me or {}, dry_run)
            elif step.action == "update" and step.contact is not None and step.path:
                _update(root, step, dry_run)
        except CannotFill as exc:
            step.action, step.reason = "fail", str(exc)
        if progress is not None:
            progress(step)
    if created and hasattr(os, "sync"):
        os.sync()  # once for the whole import: a sync per file costs more than the rest
    return steps


def _create(
    folder: Path,
    step: Step,
    ids: _Ids,
    scaffold: Scaffold,
    today: date,
    me: dict[str, Any],
    dry_run: bool,
) -> bool:
    assert step.contact is not None
    base = slugify(step.contact.name)
    for _ in range(MAX_ATTEMPTS):
        ident = ids.free(base)
        text = scaffold.text(step.contact, ident, today, me)
        ids.take(ident)
        step.path = f"people/{ident}.md"
        if dry_run:
            return False
        try:
            files.create_exclusive(folder / f"{ident}.md", text, durable=False)
        except FileExistsError:
            continue  # made since the folder was listed: the next id
        return True
    raise ToolError(f"could not find a free file name for {step.contact.name!r} in people/")


def _update(root: Path, step: Step, dry_run: bool) -> None:
    assert step.contact is not None and step.path is not None
    data, _, issues = files.read_file(root, root / step.path)
    if data is None:
        raise CannotFill(f"{step.path} cannot be read ({issues[0].message})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CannotFill(f"{step.path} is not UTF-8 text") from None
    normal, _ = decode(data)
    person, _ = person_from(split(normal or ""), PurePosixPath(step.path))
    if person is None:
        raise CannotFill(f"{step.path} cannot be read; `tool validate` shows why")
    missing = _missing(person, step.contact)  # the file as it is now, not as it was planned
    if not missing:
        step.action, step.fields = "skip", ()
        step.reason = f"already in {step.path}; nothing to fill"
        return
    try:
        filled = fill_fields(text, missing)
    except CannotFill as exc:
        raise CannotFill(f"{step.path}: {exc}; fill it by hand") from None
    step.fields = tuple(missing)
    if not dry_run:
        files.write_atomic(files.check_inside(root, root / step.path), filled)
