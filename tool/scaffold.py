"""`tool new` and `tool init`: render scaffolds, check them, create files without overwriting."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from tool import model
from tool.errors import ToolError
from tool.ids import id_key, slugify, unique_id
from tool.model import Interview, KnowledgeBase, Person
from tool.parse import fmt
from tool.parse.frontmatter import split
from tool.parse.records import interview_from, person_from
from tool.people import find_person, name_key
from tool.questions import Suggestion, suggest_questions
from tool.rules import referrals
from tool.store import files
from tool.store import root as roots
from tool.store.outputs import PRIVATE_FOLDER, SHARED_FOLDER, ignore_lines
from tool.templating.engine import render
from tool.templating.loader import package_data, templates_env
from tool.text import suggest

MAX_ATTEMPTS = 1000
GITIGNORE = ".gitignore"
IGNORE_HEADER = (
    f"# Written by `tool digest`. {PRIVATE_FOLDER}/ has contact details: never publish it.\n"
    f"# To keep the shared {SHARED_FOLDER}/ in git (to publish it), delete the "
    f"/{SHARED_FOLDER}/ line.\n"
)
# The values `tool new` gives the scaffolds besides the name or person, the date and the
# uid; one left out is None, so templates/person.md and interview.md can test each.
PERSON_OPTIONS = (
    "company",
    "role",
    "career",
    "location",
    "email",
    "phone",
    "linkedin",
    "introduced_by",
    "relationship",
    "tags",
)
INTERVIEW_OPTIONS = ("status", "requested", "format", "duration", "purpose", "time")


@dataclass(frozen=True)
class Created:
    path: Path
    id: str


def _create(root: Path, folder: str, base: str, text_for: Any, check: Any) -> Created:
    """Pick a free id, render, check the result, and create the file exclusively."""
    target_dir = root / folder
    target_dir.mkdir(exist_ok=True)
    files.check_inside(root, target_dir)
    for _ in range(MAX_ATTEMPTS):
        taken = [p.stem for p in target_dir.glob("*.md")]
        ident = unique_id(base, taken)
        text = _formatted(tidy(text_for(ident)), folder)
        check(text, PurePosixPath(folder, f"{ident}.md"))
        path = target_dir / f"{ident}.md"
        try:
            files.create_exclusive(path, text)
        except FileExistsError:
            continue  # another process took this id a moment ago: try the next one
        return Created(path, ident)
    raise ToolError(f"could not find a free file name for {base!r} in {folder}/")


def _formatted(text: str, folder: str) -> str:
    """A new file as `tool fmt` writes it; as rendered if it cannot be (the check says why)."""
    try:
        return fmt.format_text(text, "person" if folder == "people" else "interview")
    except fmt.Unformattable:
        return text


def tidy(text: str) -> str:
    """Drop the trailing spaces that empty values leave in front matter lines."""
    head, sep, body = text.partition("\n---\n")
    return "\n".join(line.rstrip() for line in head.split("\n")) + sep + body


def _check(kind: str, text: str, rel: PurePosixPath) -> None:
    doc = split(text)
    builder = person_from if kind == "person" else interview_from
    record, issues = builder(doc, rel)
    errors = [i for i in issues if i.severity == "error"]
    if errors or record is None:
        first = errors[0] if errors else None
        detail = f"line {first.line}: {first.message}" if first else "required fields are missing"
        raise ToolError(
            f"templates/{kind}.md produced an invalid {kind} file ({detail}); "
            "fix the template or the values given"
        )


def new_person(
    root: Path, name: str, fields: dict[str, Any], today: date, me: dict[str, Any] | None = None
) -> Created:
    """Create `people/<id>.md` for a new contact."""
    if not name.strip():
        raise ToolError("the name must not be empty")
    if any(c in name for c in "\n\r\t\v\f\x85\u2028\u2029"):
        raise ToolError("the name must be one line of text")
    if not any(c.isalnum() for c in name):
        raise ToolError(f"the name {name!r} has no letters or digits: give the person's name")
    env = templates_env(root)
    context = {"name": name, **fields, "today": today, "me": me or {}}
    return _create(
        root,
        "people",
        slugify(name),
        lambda ident: render(env, "person.md", {**context, "id": ident}, root),
        lambda text, rel: _check("person", text, rel),
    )


def namesakes(kb: KnowledgeBase, name: str) -> list[str]:
    """The person files whose name is `name` folded, or whose file name is its id."""
    key, ident = name_key(name), id_key(slugify(name))
    found = {str(p.path) for p in kb.people.values() if name_key(p.name) == key}
    found |= {str(path) for path in kb.people_paths if id_key(path.stem) == ident}
    return sorted(found)


def add_person(
    kb: KnowledgeBase, name: str, fields: dict[str, Any], today: date, namesake: bool = False
) -> Created:
    """Create a person in the KB; `introduced_by` may name someone, and is written as their id.

    A name someone in the KB already has is refused, unless `namesake` says it is another
    person of the same name (who gets the next free id: jane-doe-2).
    """
    if not namesake and name.strip():
        taken = namesakes(kb, name)
        if taken:
            # A run killed after creating the file left its temporary copy: this run is the
            # next one, and it writes nothing else that would clear it.
            files.remove_leftovers(kb.root / "people")
            raise ToolError(
                f"{name.strip()!r} is already in {', '.join(taken)}; nothing was created "
                "(to add a different person of the same name, give --namesake)"
            )
    fields = {**dict.fromkeys(PERSON_OPTIONS), **fields, "tags": list(fields.get("tags") or ())}
    introducer = fields["introduced_by"]
    if introducer and introducer not in kb.people:
        fields["introduced_by"] = find_person(kb, introducer).id
    return new_person(kb.root, name, fields, today, kb.config.me)


def referring_interview(kb: KnowledgeBase, ident: str) -> Interview:
    """The interview named by `--referred-by`: its id, or its path."""
    key = PurePosixPath(ident.strip()).stem if ident.strip().endswith(".md") else ident.strip()
    if key in kb.interviews:
        return kb.interviews[key]
    if f"interviews/{key}.md" in kb.files:
        raise ToolError(f"interviews/{key}.md cannot be read: see `tool validate interviews/`")
    raise ToolError(f"no interview {ident!r} in interviews/" + suggest(key, kb.interviews))


def record_referral(
    kb: KnowledgeBase, interview: Interview, person: Person, write: bool = True
) -> bool:
    """Write `person.id` into the interview's referrals in place; False if it was there.

    The entry naming them is replaced, or the id added; nothing else in the file changes
    (see referrals.with_referral), and the file is replaced atomically. With `write` False,
    only check that the edit can be made.
    """
    path = files.check_inside(kb.root, kb.root / interview.path)
    data = path.read_bytes()
    try:
        old = data.decode("utf-8")
        new = referrals.with_referral(old, person)
    except (UnicodeDecodeError, referrals.CannotEdit) as exc:
        raise ToolError(
            f"{interview.path}:{interview.line_of('referrals')}: cannot add {person.id} to the "
            f"referrals ({exc}); add it by hand"
        ) from None
    if new == old:
        return False
    if write:
        files.write_atomic(path, new)
    return True


def default_status(when: date, today: date) -> str:
    """A new conversation's status: scheduled for today or later, done for a past date."""
    return "scheduled" if when >= today else "done"


def add_interview(
    kb: KnowledgeBase, person: Person, fields: dict[str, Any], today: date, when: date | None = None
) -> tuple[Created, Suggestion]:
    """Create a conversation with `person` on `when` (default: today).

    Without a `status` in `fields` it gets `default_status`, and a request without its
    `requested` day is taken to go out today; the Questions section holds the
    questions suggested for its `purpose` (see tool.questions), which are returned too.
    """
    when = when or today
    fields = {**dict.fromkeys(INTERVIEW_OPTIONS), **fields}
    fields["status"] = fields["status"] or default_status(when, today)
    if fields["status"] == "requested" and not fields.get("requested"):
        # The request is being recorded as it goes out: without its day, `due` would never
        # say when to nudge them or try someone else.
        fields["requested"] = today
    found = suggest_questions(kb, person, today, fields.get("purpose"))
    created = new_interview(kb.root, person, fields, when, today, kb.config.me, found.questions)
    return created, found


def new_uid() -> str:
    """A fresh calendar identity for an interview: a random UUID."""
    return str(uuid.uuid4())


def new_interview(
    root: Path,
    person: Person,
    fields: dict[str, Any],
    when: date,
    today: date,
    me: dict[str, Any] | None = None,
    questions: list[str] | None = None,
    uid: str | None = None,
) -> Created:
    """Create `interviews/<date>-<person>.md` for a conversation, with a new `uid`."""
    env = templates_env(root)
    uid = uid or new_uid()
    context = {
        "person": person,
        "date": when,
        "today": today,
        "me": me or {},
        "questions": questions or [],
        "uid": uid,
        **fields,
    }
    return _create(
        root,
        "interviews",
        f"{when.isoformat()}-{person.id}",
        lambda ident: with_time(
            with_uid(render(env, "interview.md", {**context, "id": ident}, root), uid),
            fields.get("time"),
        ),
        lambda text, rel: _check("interview", text, rel),
    )


def with_uid(text: str, uid: str) -> str:
    """Add `uid:` as the last front-matter line when a template (older than uids) left it out."""
    doc = split(text)
    if doc.meta is None or any(key.text == "uid" for key, _ in doc.meta.items):
        return text
    lines = text.split("\n")
    lines.insert(doc.body_line - 2, f"uid: {uid}")  # just above the closing ---
    added = "\n".join(lines)
    meta = split(added).meta
    # A front matter written in flow style ({...}) has no last line to add to: leave it.
    return added if meta is not None and any(k.text == "uid" for k, _ in meta.items) else text


def with_time(text: str, time: str | None) -> str:
    """Add `time: "HH:MM"` under `date:` when one is given and the template has no `time`.

    Always quoted: unquoted, other YAML readers take 14:30 for a number of minutes.
    """
    doc = split(text)
    if time is None or doc.meta is None or any(k.text == "time" for k, _ in doc.meta.items):
        return text
    lines = text.split("\n")
    after = next((k.line for k, _ in doc.meta.items if k.text == "date"), doc.body_line - 2)
    lines.insert(after, f'time: "{time}"')
    added = "\n".join(lines)
    meta = split(added).meta
    return added if meta is not None and any(k.text == "time" for k, _ in meta.items) else text


def init(target: Path) -> list[Path]:
    """Start a KB in `target`: folders, tool.toml and default templates. Never overwrites."""
    existing = [m for m in (*roots.MARKERS, "templates") if (target / m).exists()]
    if existing:
        raise ToolError(
            f"{target} already holds a knowledge base (found {', '.join(existing)}); "
            "nothing was changed"
        )
    for folder in files.resolve_path(target).parents:
        if roots.is_kb(folder):
            raise ToolError(
                f"{target} is inside the knowledge base at {folder}; nothing was changed "
                "(start a new one in a folder outside it)"
            )
    data = package_data()
    target.mkdir(parents=True, exist_ok=True)
    created = []
    for name in ("people", "interviews"):
        (target / name).mkdir()
        created.append(target / name)
    files.create_exclusive(target / model.CONFIG_NAME, (data / "tool.toml").read_text("utf-8"))
    created.append(target / model.CONFIG_NAME)
    shutil.copytree(data / "templates", target / "templates")
    created.append(target / "templates")
    return created


def ignore_digest(target: Path) -> str:
    """Make git ignore both editions of the digest in `target`; never drops a line.

    Returns what was done: "created", "added" (to an existing .gitignore), "present"
    (nothing was missing) or "skipped" (the .gitignore is a link or not text).
    """
    path = target / GITIGNORE
    wanted = [line for name in (SHARED_FOLDER, PRIVATE_FOLDER) for line in ignore_lines(name)]
    if not path.exists() and not path.is_symlink():
        files.create_exclusive(path, IGNORE_HEADER + "".join(f"{line}\n" for line in wanted))
        return "created"
    if path.is_symlink() or not path.is_file():
        return "skipped"  # writing would replace the link, or another file than this one
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "skipped"
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in wanted if line not in present]
    if not missing:
        return "present"
    start = "" if not text or text.endswith("\n") else "\n"
    files.write_atomic(path, text + start + IGNORE_HEADER + "".join(f"{m}\n" for m in missing))
    return "added"
