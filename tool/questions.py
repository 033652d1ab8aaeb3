"""Question sets: find them, read their front matter, render them into personal questions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment

from tool.errors import ToolError
from tool.model import Interview, KnowledgeBase, Person
from tool.parse.frontmatter import Issue, split, to_python
from tool.store.files import read_text_file
from tool.templating.context import template_context, template_env
from tool.templating.engine import render_body
from tool.templating.loader import package_data
from tool.text import suggest

FOLDER = "questions"
DEFAULT_COUNT = 5  # the 3-5 questions a 20-30 minute conversation has room for
GENERAL = "other"
UPCOMING = ("idea", "requested", "scheduled")
_ITEM = re.compile(r"^[ \t]*(?:\d{1,9}[.)]|[-*+])[ \t]+(.*\S)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class QuestionSet:
    """One `templates/questions/<name>.md` file and what its front matter says."""

    name: str
    path: Path
    title: str
    purpose: str | None
    description: str
    issues: tuple[Issue, ...] = ()  # front matter problems, for `tool validate`
    packaged: bool = False  # a default shipped with tool, not in the KB's templates/


@dataclass(frozen=True)
class Suggestion:
    """The questions picked for a person, and how many more the set offers."""

    set: QuestionSet
    purpose: str | None  # asked for, or the next planned conversation's; None: the general set
    questions: list[str]
    available: int  # questions the set rendered, not counting those already asked
    already_asked: int

    @property
    def used_up(self) -> bool:
        """Every question of the set was already asked of the person."""
        return not self.questions and self.already_asked > 0


def read_set(path: Path, name: str, packaged: bool = False) -> QuestionSet:
    """A set's metadata from its optional front matter, read with the safe reader."""
    text, issues = read_text_file(path.parent, path)
    meta: dict[str, object] = {}
    if text is not None and text.startswith("---"):
        doc = split(text)
        issues += doc.issues
        if doc.meta is not None:
            value = to_python(doc.meta)
            meta = value if isinstance(value, dict) else {}

    def field(key: str) -> str | None:
        value = meta.get(key)
        return value.strip() or None if isinstance(value, str) else None

    title, description = field("title") or name, field("description") or ""
    purpose = field("purpose")
    return QuestionSet(name, path, title, purpose, description, tuple(issues), packaged)


def question_sets(root: Path) -> list[QuestionSet]:
    """The KB's own sets, then the packaged defaults it does not override, sorted by name."""
    found: dict[str, QuestionSet] = {}
    own, packaged = root / "templates" / FOLDER, package_data() / "templates" / FOLDER
    for folder in (own, packaged):
        if folder.is_dir():
            for path in sorted(folder.glob("*.md")):
                if path.stem not in found:
                    found[path.stem] = read_set(path, path.stem, folder == packaged)
    return sorted(found.values(), key=lambda s: s.name)


def choose(sets: list[QuestionSet], purpose: str | None, template: str | None) -> QuestionSet:
    """The set named `template`, else the set for `purpose` (the KB's own first)."""
    by_name = {s.name: s for s in sets}
    if template is not None:
        name = template.removesuffix(".md")
        if name not in by_name:
            raise ToolError(
                f"no question set {name!r} in templates/{FOLDER}/" + suggest(name, by_name)
            )
        return by_name[name]
    wanted = purpose or GENERAL
    matching = [s for s in sets if s.purpose == wanted]
    matching.sort(key=lambda s: (s.packaged, s.name != wanted, s.name))
    if not matching:
        have = ", ".join(sorted({s.purpose for s in sets if s.purpose})) or "none"
        raise ToolError(
            f"no question set for purpose {wanted!r} in templates/{FOLDER}/ "
            f"(purposes with a set: {have}); add one or pass --template NAME"
        )
    return matching[0]


def parse_questions(text: str) -> list[str]:
    """The list items of rendered Markdown, one question each, without their numbers."""
    return [m.group(1) for m in _ITEM.finditer(text)]


def render_set(
    env: Environment, root: Path, qset: QuestionSet, context: dict[str, object]
) -> list[str]:
    """Render a set for a context; its front matter is metadata, not questions."""
    return parse_questions(render_body(env, f"{FOLDER}/{qset.name}.md", context, root))


def _key(question: str) -> str:
    return " ".join(question.split()).casefold()


def asked_before(kb: KnowledgeBase, person_id: str) -> set[str]:
    """Questions (normalised) in the Questions section of conversations that took place."""
    heading = kb.config.headings.get("questions", "Questions")
    asked: set[str] = set()
    for interview in kb.interviews_with(person_id):
        section = interview.section(heading)
        if interview.status == "done" and section is not None:
            asked |= {_key(q) for q in parse_questions(section.text)}
    return asked


def planned_purpose(kb: KnowledgeBase, person: Person) -> str | None:
    """The purpose of the person's next planned conversation, if it has one."""
    planned = [i for i in kb.interviews_with(person.id) if i.status in UPCOMING and i.purpose]
    return planned[-1].purpose if planned else None


def suggest_questions(
    kb: KnowledgeBase,
    person: Person,
    today: date,
    purpose: str | None = None,
    template: str | None = None,
    count: int = DEFAULT_COUNT,
    include_asked: bool = False,
    interview: Interview | None = None,
) -> Suggestion:
    """Render the chosen set for a person and keep the first `count` questions not yet asked.

    Without a purpose (given, the interview's, or the next planned conversation's) the
    general set is used and the suggestion's purpose is None.
    """
    purpose = purpose or (interview.purpose if interview else None) or planned_purpose(kb, person)
    qset = choose(question_sets(kb.root), purpose, template)
    context = template_context(kb, person, today, interview, purpose)
    questions = list(dict.fromkeys(render_set(template_env(kb.root), kb.root, qset, context)))
    asked = set() if include_asked else asked_before(kb, person.id)
    fresh = [q for q in questions if _key(q) not in asked]
    return Suggestion(qset, purpose, fresh[:count], len(fresh), len(questions) - len(fresh))


def notes(found: Suggestion) -> list[str]:
    """What the user should know about a suggestion: more on offer, questions left out."""
    out = []
    shown, total = len(found.questions), found.available
    if shown < total:
        out.append(
            f"({shown} of {total} questions from the {found.set.name} set; "
            f"--count {total} shows them all)"
        )
    if found.used_up:
        out.append(
            f"(every question of the {found.set.name} set was already asked in an earlier "
            "conversation; --all shows them again, or try another --purpose)"
        )
    elif found.already_asked:
        plural = "s" * (found.already_asked != 1)
        out.append(
            f"({found.already_asked} question{plural} already asked in an earlier "
            "conversation left out; --all keeps them)"
        )
    elif not found.questions:
        out.append(f"(the {found.set.name} set renders no questions for this person)")
    return out
