"""`tool validate` for templates/: syntax, and every kind of template rendered for samples."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment

from tool import drafts, questions
from tool.errors import TemplateProblem
from tool.model import (
    CONFIG_NAME,
    PURPOSES,
    Config,
    Insight,
    Interview,
    KnowledgeBase,
    Person,
    Problem,
    Section,
)
from tool.parse.frontmatter import split
from tool.parse.records import interview_from, person_from
from tool.parse.settings import config_line
from tool.scaffold import PERSON_OPTIONS
from tool.store.files import read_text_file
from tool.templating.context import (
    PLACEHOLDER_NAME,
    UNSIGNED,
    my_name,
    template_context,
    template_env,
)
from tool.templating.engine import compile_template, render
from tool.templating.loader import templates_env

SAMPLE_DAY = date(2026, 1, 15)  # fixed, so validate gives the same answer every day
# The scaffolds `tool new` renders, and the values of its options they are given.
SCAFFOLDS = {"person.md": "person", "interview.md": "interview"}


def sample_kb(root: Path, config: Config) -> KnowledgeBase:
    """A small made-up KB: one person with every field and history, one with a name only."""
    full = Person(
        id="sam-rivera",
        path=PurePosixPath("people/sam-rivera.md"),
        name="Sam Rivera",
        company="Example Corp",
        role="Senior Analyst",
        career="Data science",
        location="Lisbon",
        email="sam@example.com",
        phone="+351 210 000 000",
        linkedin="https://www.linkedin.com/in/sam-rivera",
        introduced_by="kim-lee",
        relationship="referral",
        tags=("sample",),
        body="Met through Kim.",
    )
    introducer = Person(id="kim-lee", path=PurePosixPath("people/kim-lee.md"), name="Kim Lee")
    bare = Person(id="jo", path=PurePosixPath("people/jo.md"), name="Jo")
    earlier = Interview(
        id="2025-12-01-sam-rivera",
        path=PurePosixPath("interviews/2025-12-01-sam-rivera.md"),
        person="sam-rivera",
        date=date(2025, 12, 1),
        status="done",
        format="coffee",
        purpose="career",
        referrals=("kim-lee", "Lee from finance"),
        insights=(Insight("Analysts spend half their time cleaning data. #day-to-day", (), 10),),
        sections=(Section("Notes", "We met near the office. It was short.", 8),),
    )
    people = {p.id: p for p in (full, introducer, bare)}
    return KnowledgeBase(root, config, people, {earlier.id: earlier}, [])


def _samples(kb: KnowledgeBase) -> list[tuple[str, Person, Interview | None]]:
    earlier = kb.interviews["2025-12-01-sam-rivera"]
    return [
        ("a sample person with every field and history", kb.people["sam-rivera"], earlier),
        ("a sample person with a name only", kb.people["jo"], None),
    ]


def check_me(kb: KnowledgeBase) -> list[Problem]:
    """A warning while `[me] name`, which signs the drafts, is missing or init's placeholder."""
    if my_name(kb.config) is not None:
        return []
    if any(p.path == CONFIG_NAME and p.severity == "error" for p in kb.problems):
        return []  # the settings could not be read: their error says so, not that [me] is empty
    text, _ = read_text_file(kb.root, kb.root / CONFIG_NAME)
    line = config_line(text or "", "me", "name")
    if kb.config.me.get("name") == PLACEHOLDER_NAME:
        message = f'[me] name is still "{PLACEHOLDER_NAME}"; set it to sign drafts'
    else:
        message = f'[me] name is not set; drafts are signed "{UNSIGNED}" until it is'
    return [Problem(CONFIG_NAME, line, 1, "warning", message, "config")]


def check_templates(kb: KnowledgeBase) -> list[Problem]:
    """A missing `[me] name`, and problems in the KB's own templates/: each compiles and renders."""
    problems = check_me(kb)
    folder = kb.root / "templates"
    if not folder.is_dir():
        return problems
    env = template_env(kb.root)
    scaffold_env = templates_env(kb.root)  # `tool new` has no question or draft filters
    samples = sample_kb(kb.root, kb.config)
    for path in sorted(folder.rglob("*.md")):
        name = path.relative_to(folder).as_posix()
        rel = f"templates/{name}"
        try:
            compile_template(scaffold_env if name in SCAFFOLDS else env, name, kb.root)
            if name in SCAFFOLDS:
                problems += _check_scaffold(scaffold_env, samples, name, rel)
            elif name.startswith(f"{questions.FOLDER}/") and name.count("/") == 1:
                problems += _check_set(env, samples, path, rel)
            elif name.startswith(f"{drafts.FOLDER}/") and name.count("/") == 1:
                problems += _check_draft(env, samples, path.stem, rel)
        except TemplateProblem as exc:
            problems.append(_problem(exc, rel))
    return problems


def _problem(exc: TemplateProblem, rel: str, detail: str = "") -> Problem:
    where = str(exc.path) if exc.path else rel
    return Problem(where, exc.line or 1, 1, "error", exc.message + detail, "template")


def _check_set(env: Environment, kb: KnowledgeBase, path: Path, rel: str) -> list[Problem]:
    qset = questions.read_set(path, path.stem)
    out = [Problem(rel, i.line, i.col, "error", i.message, i.rule) for i in qset.issues]
    if qset.purpose is not None and qset.purpose not in PURPOSES:
        out.append(
            Problem(
                rel,
                1,
                1,
                "warning",
                f"purpose must be one of {', '.join(PURPOSES)}, not {qset.purpose!r}",
                "template",
            )
        )
    for label, person, _ in _samples(kb):
        context = template_context(kb, person, SAMPLE_DAY, None, qset.purpose)
        try:
            found = questions.render_set(env, kb.root, qset, context)
        except TemplateProblem as exc:
            out.append(_problem(exc, rel, f" (rendering for {label})"))
            break  # the next sample would most likely hit the same line
        if not found:
            out.append(
                Problem(rel, 1, 1, "warning", f"renders no questions for {label}", "template")
            )
    return out


def _check_draft(env: Environment, kb: KnowledgeBase, kind: str, rel: str) -> list[Problem]:
    out = []
    for label, person, past in _samples(kb):
        introducer = kb.people["kim-lee"] if kind == "intro-request" else None
        context = drafts.draft_context(kb, kind, person, SAMPLE_DAY, past, introducer, past)
        try:
            drafts.render_draft(env, kb.root, kind, context)
        except TemplateProblem as exc:
            out.append(_problem(exc, rel, f" (rendering for {label})"))
            break
    return out


def scaffold_samples(kb: KnowledgeBase, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """What `tool new person` or `tool new interview` gives its scaffold, for sample people."""
    out = []
    # The first sample has every field: its options are all given; the second, none.
    for (label, person, _), full in zip(_samples(kb), (True, False), strict=True):
        if kind == "person":
            fields = {f: getattr(person, f) for f in PERSON_OPTIONS} | {"tags": list(person.tags)}
            context = {"name": person.name, **fields}
            ident = person.id
        else:
            fields = {
                "requested": date(2026, 1, 2) if full else None,
                "duration": 45 if full else None,
                "purpose": "career" if full else None,
                "status": "scheduled",
                "format": "video" if full else None,
                "time": "14:30" if full else None,
                "uid": "00000000-0000-4000-8000-000000000000",  # `tool new` gives a random one
            }
            questions = ["What does a typical week look like?", "What would you learn first?"]
            context = {"person": person, "date": SAMPLE_DAY, "questions": questions if full else []}
            context |= fields
            ident = f"{SAMPLE_DAY.isoformat()}-{person.id}"
        out.append((label, context | {"today": SAMPLE_DAY, "me": kb.config.me, "id": ident}))
    return out


def _check_scaffold(env: Environment, kb: KnowledgeBase, name: str, rel: str) -> list[Problem]:
    """Render a scaffold as `tool new` would, and read back the file it would create."""
    kind = SCAFFOLDS[name]
    builder = person_from if kind == "person" else interview_from
    for label, context in scaffold_samples(kb, kind):
        try:
            text = render(env, name, context, kb.root)
        except TemplateProblem as exc:
            return [_problem(exc, rel, f" (rendering for {label})")]
        folder = "people" if kind == "person" else "interviews"
        record, issues = builder(split(text), PurePosixPath(folder, f"{context['id']}.md"))
        errors = [i for i in issues if i.severity == "error"]
        if errors or record is None:
            # The line is one of the file made, which need not be the template's own.
            first = errors[0] if errors else None
            detail = f"line {first.line}: {first.message}" if first else "a required field is empty"
            message = f"makes an invalid {kind} file (for {label}): {detail}"
            return [Problem(rel, 1, 1, "error", message, "template")]
    return []
