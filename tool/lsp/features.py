"""What the editor asks of a document, answered from the knowledge base as it stands.

Every function takes the document's text and the `Knowledge`, and answers in LSP terms;
the server (tool.lsp.server) only routes requests here. Positions inside the document go
through `Text`, which counts columns as the client does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import PurePosixPath

from lsprotocol import types

from tool.edits import set_field
from tool.errors import ToolError
from tool.ids import id_problem, slugify
from tool.lsp.state import Knowledge
from tool.lsp.text import Text
from tool.model import (
    FORMATS,
    PURPOSES,
    RELATIONSHIPS,
    STATUSES,
    Interview,
    KnowledgeBase,
    Person,
    Problem,
    display_names,
    heading_matches,
)
from tool.parse.body import DEFAULT_HEADINGS, extract
from tool.parse.frontmatter import Scalar, split
from tool.parse.hints import without_hints
from tool.rules.due import add_business_days, due
from tool.rules.referrals import CannotEdit, Referrals, names, with_referral

SOURCE = "tool"
CREATE_PERSON = "tool.createPerson"  # the command behind "Create people/<id>.md"

PERSON_KEYS = ("person", "introduced_by", "referrals")
CHOICES = {
    "status": STATUSES,
    "format": FORMATS,
    "purpose": PURPOSES,
    "relationship": RELATIONSHIPS,
}
DATE_KEYS = ("date", "requested", "thanked", "follow_up", "connected")
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_ITEM = re.compile(r"^[ \t]+-(?:[ \t]|$)|^-(?:[ \t]|$)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t#]*$")
_TOPIC_START = re.compile(r"(?<![\w&#/])#([\w-]*)$")


def uri_range(text: Text, line: int, col: int = 1) -> types.Range:
    """From a 1-based line and column to the end of that line."""
    number = max(line - 1, 0)
    end = len(text.line(number))
    start = min(max(col - 1, 0), end)
    return text.range(number, start, end if end > start else start)


def diagnostic(text: Text, problem: Problem) -> types.Diagnostic:
    """A problem as validate finds it: the rule in `code`, the source `tool`."""
    severity = (
        types.DiagnosticSeverity.Error
        if problem.severity == "error"
        else types.DiagnosticSeverity.Warning
    )
    return types.Diagnostic(
        range=uri_range(text, problem.line, problem.col),
        message=problem.message,
        severity=severity,
        code=problem.rule,
        source=SOURCE,
    )


# --- completion ------------------------------------------------------------------------------


def _field_at(text: Text, line: int, end: int | None) -> str | None:
    """The top-level front-matter key a line belongs to (a list item: the key above it)."""
    if end is None or not 0 < line < end:
        return None
    for number in range(line, 0, -1):
        current = text.line(number)
        found = _KEY.match(current)
        if found and not current[:1].isspace():
            return found.group(1)
        if number != line and not _ITEM.match(current) and current.strip():
            return None
    return None


def _value_start(before: str) -> int:
    """Where the value being typed starts, on the text before the cursor."""
    start = len(before)
    while start > 0 and before[start - 1] not in " \t:[,-\"'":
        start -= 1
    return start


def _person_item(person: Person, edit: types.Range) -> types.CompletionItem:
    work = " at ".join(x for x in (person.role, person.company) if x)
    return types.CompletionItem(
        label=person.id,
        kind=types.CompletionItemKind.Reference,
        detail=f"{person.name} — {work}" if work else person.name,
        filter_text=f"{person.id} {person.name}",
        text_edit=types.TextEdit(range=edit, new_text=person.id),
    )


def _word_items(
    values: list[str], edit: types.Range, kind: types.CompletionItemKind, detail: str = ""
) -> list[types.CompletionItem]:
    return [
        types.CompletionItem(
            label=value,
            kind=kind,
            detail=detail or None,
            sort_text=f"{n:05d}",
            text_edit=types.TextEdit(range=edit, new_text=value),
        )
        for n, value in enumerate(values)
    ]


def _known(kb: KnowledgeBase, key: str) -> list[str]:
    """Target careers or companies first, then the other spellings already in the KB."""
    targets = kb.config.target_careers if key == "career" else kb.config.target_companies
    records: list[Person | Interview] = [*kb.people.values(), *kb.interviews.values()]
    used = display_names(getattr(r, key) for r in records if getattr(r, key))
    seen = {" ".join(t.split()).casefold() for t in targets}
    return [*targets, *sorted(v for k, v in used.items() if k not in seen)]


def completion(knowledge: Knowledge, text: Text, at: types.Position) -> list[types.CompletionItem]:
    """Person ids, allowed values, targets, dates or #topics, for where the cursor is."""
    kb = knowledge.current
    line = text.line(at.line)
    col = text.column(at)
    before = line[:col]
    end = text.front_matter_end()
    key = _field_at(text, at.line, end)
    if key is not None:
        start = _value_start(before)
        if not line[:1].isspace() and ":" not in line[:start]:
            return []  # typing the key itself
        edit = text.range(at.line, start, col)
        if key in PERSON_KEYS:
            return [_person_item(p, edit) for p in sorted(kb.people.values(), key=lambda p: p.id)]
        if key in CHOICES:
            return _word_items(list(CHOICES[key]), edit, types.CompletionItemKind.EnumMember)
        if key in ("career", "company"):
            return _word_items(_known(kb, key), edit, types.CompletionItemKind.Value)
        if key in DATE_KEYS:
            today = knowledge.today
            after = add_business_days(today, 1, kb.config.holidays)
            return [
                types.CompletionItem(
                    label=today.isoformat(),
                    kind=types.CompletionItemKind.Constant,
                    detail="today",
                    filter_text=f"today {today.isoformat()}",
                    sort_text="0",
                    text_edit=types.TextEdit(range=edit, new_text=today.isoformat()),
                ),
                types.CompletionItem(
                    label=after.isoformat(),
                    kind=types.CompletionItemKind.Constant,
                    detail=f"next weekday ({after.strftime('%A')})",
                    filter_text=f"next {after.isoformat()}",
                    sort_text="1",
                    text_edit=types.TextEdit(range=edit, new_text=after.isoformat()),
                ),
            ]
        return []
    topic = _TOPIC_START.search(before)
    if (
        topic is None
        or (end is not None and at.line <= end)
        or not _in_insights(knowledge, text, at.line)
    ):
        return []
    edit = text.range(at.line, topic.start(1), col)
    counts: dict[str, int] = {}
    for iv in kb.interviews.values():
        for insight in iv.insights:
            for name in insight.topics:
                counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    return [
        types.CompletionItem(
            label=f"#{name}",
            kind=types.CompletionItemKind.Keyword,
            detail=f"used {counts[name]} time{'s' * (counts[name] != 1)}",
            filter_text=name,
            sort_text=f"{n:05d}",
            text_edit=types.TextEdit(range=edit, new_text=name),
        )
        for n, name in enumerate(ranked)
    ]


def _in_insights(knowledge: Knowledge, text: Text, line: int) -> bool:
    """Whether a line is under the Insights heading (or what tool.toml calls it)."""
    headings = {**DEFAULT_HEADINGS, **knowledge.current.config.headings}
    for number in range(line, -1, -1):
        found = _HEADING.match(text.line(number))
        if found and text.line(number).startswith("## "):
            return heading_matches(found.group(1), headings["insights"])
    return False


# --- hover, definition, references -----------------------------------------------------------


def person_at(knowledge: Knowledge, text: Text, at: types.Position) -> Person | None:
    """The person whose id is under the cursor."""
    word, _, _ = text.word_at(at)
    return knowledge.current.people.get(word) if word else None


def hover(knowledge: Knowledge, text: Text, at: types.Position) -> types.Hover | None:
    """Who a person id is: name, work, how you met, the last conversation, what is due."""
    person = person_at(knowledge, text, at)
    if person is None:
        return None
    kb = knowledge.current
    work = " at ".join(x for x in (person.role, person.company) if x)
    lines = [f"**{person.name}**" + (f" — {work}" if work else "")]
    met = []
    if person.relationship:
        met.append(person.relationship)
    if person.introduced_by:
        met.append(f"introduced by {kb.name_of(person.introduced_by)}")
    if person.connected:
        met.append(f"connected {person.connected.isoformat()}")
    if met:
        lines.append("How you met: " + ", ".join(met))
    talks = kb.interviews_with(person.id)
    held = [iv for iv in talks if iv.status == "done"]
    if held:
        last = held[-1]
        how = f" ({last.format})" if last.format else ""
        lines.append(f"Last conversation: {last.date.isoformat()}{how} — {last.path}")
    else:
        lines.append("Last conversation: none yet")
    items = [d for d in due(kb, knowledge.today) if d.person == person.id]
    if items:
        lines.append("\n".join(["Due:", *(f"- {d.urgency}: {d.reason}" for d in items)]))
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(lines))
    )


def location(knowledge: Knowledge, rel: str, line: int = 1) -> types.Location:
    """The start of a line of a file of the KB."""
    where = types.Position(line=max(line - 1, 0), character=0)
    return types.Location(
        uri=(knowledge.root / rel).as_uri(), range=types.Range(start=where, end=where)
    )


def definition(knowledge: Knowledge, text: Text, at: types.Position) -> types.Location | None:
    """From a person id, in front matter or body, to their file."""
    person = person_at(knowledge, text, at)
    return location(knowledge, str(person.path)) if person else None


def references(knowledge: Knowledge, rel: str) -> list[types.Location]:
    """From a person file: every interview with them, and every referral or introduction."""
    kb = knowledge.current
    ident = PurePosixPath(rel).stem
    person = kb.people.get(ident)
    if not rel.startswith("people/") or person is None:
        return []
    found: list[types.Location] = []
    for iv in sorted(kb.interviews.values(), key=lambda i: i.id):
        if iv.person == ident:
            found.append(location(knowledge, str(iv.path), iv.line_of("person")))
        if any(names(ref, person) for ref in iv.referrals):
            found.append(location(knowledge, str(iv.path), iv.line_of("referrals")))
    for other in kb.people.values():
        if other.introduced_by == ident:
            found.append(location(knowledge, str(other.path), other.line_of("introduced_by")))
    return found


# --- code actions ----------------------------------------------------------------------------


def whole_edit(text: Text, new: str) -> types.TextEdit:
    """One edit turning the text into `new`: the lines between their common start and end."""
    a, b = text.lines, new.split("\n")
    top = 0
    while top < min(len(a), len(b)) and a[top] == b[top]:
        top += 1
    bottom = 0
    while bottom < min(len(a), len(b)) - top and a[-1 - bottom] == b[-1 - bottom]:
        bottom += 1
    start = types.Position(line=top, character=0)
    end = types.Position(line=len(a) - bottom, character=0)
    replaced = "".join(line + "\n" for line in b[top : len(b) - bottom])
    if len(a) - bottom == len(a):  # the change reaches the last line, which has no "\n"
        end_line = len(a) - 1
        end = text.position(end_line, len(a[end_line]))
        replaced = replaced.removesuffix("\n")
    return types.TextEdit(range=types.Range(start=start, end=end), new_text=replaced)


def _action(
    title: str, uri: str, edit: types.TextEdit, fixes: list[types.Diagnostic] | None = None
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=fixes,
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
    )


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _scalars(node: object) -> list[Scalar]:
    if isinstance(node, Scalar):
        return [node]
    items = getattr(node, "items", ())
    return [s for item in items for s in _scalars(item[1] if isinstance(item, tuple) else item)]


def code_actions(
    knowledge: Knowledge,
    rel: str,
    uri: str,
    text: Text,
    wanted: types.Range,
    diagnostics: Sequence[types.Diagnostic],
) -> list[types.CodeAction]:
    """Quick fixes for the problems under the cursor, and `thanked:` filled with today."""
    kb = knowledge.current
    source = text.source
    out: list[types.CodeAction] = []
    doc = split(source)
    scalars = _scalars(doc.meta) if doc.meta is not None else []
    for diag in diagnostics:
        if diag.source != SOURCE:
            continue
        line = diag.range.start.line + 1
        if diag.code == "yaml-1.1":
            for scalar in scalars:
                raw = text.line(scalar.line - 1)
                start = scalar.col - 1
                if scalar.line == line and scalar.plain and raw.startswith(scalar.text, start):
                    edit = types.TextEdit(
                        range=text.range(line - 1, start, start + len(scalar.text)),
                        new_text=_quoted(scalar.text),
                    )
                    out.append(_action(f"Quote {scalar.text!r} as text", uri, edit, [diag]))
        elif diag.code == "referral-name":
            record = knowledge.records.get(rel)
            matcher = Referrals(kb.people)
            for ref in getattr(record, "referrals", ()):
                person = None if ref in kb.people else matcher.find(ref)
                if person is None:
                    continue
                try:
                    new = with_referral(source, person)
                except (CannotEdit, ValueError):
                    continue
                if new != source:
                    title = f"Replace {ref!r} with {person.id}"
                    out.append(_action(title, uri, whole_edit(text, new), [diag]))
        elif diag.code in ("reference", "unknown-referral"):
            found = re.match(r"(?:person|introduced_by|referral) '([^']+)' is not", diag.message)
            ident = found.group(1) if found else None
            if ident and not id_problem(ident) and ident not in kb.unreadable_people:
                name = ident.replace("-", " ").replace("_", " ").title()
                if slugify(name) == ident:
                    out.append(
                        types.CodeAction(
                            title=f"Create people/{ident}.md",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diag],
                            command=types.Command(
                                title=f"Create people/{ident}.md",
                                command=CREATE_PERSON,
                                arguments=[name],
                            ),
                        )
                    )
    record = knowledge.records.get(rel)
    if isinstance(record, Interview) and record.thanked is None and record.status == "done":
        try:
            new, _ = set_field(source, "thanked", knowledge.today.isoformat())
        except (ToolError, ValueError):
            new = source
        if new != source:
            title = f"Set thanked: {knowledge.today.isoformat()} (today)"
            out.append(_action(title, uri, whole_edit(text, new)))
    return out


def create_person(knowledge: Knowledge, name: str, today: date) -> str:
    """Create the person named, as `tool new person` does; their file's root-relative path."""
    from tool.scaffold import add_person

    created = add_person(knowledge.current, name, {}, today)
    return created.path.relative_to(knowledge.root).as_posix()


# --- symbols ---------------------------------------------------------------------------------


def _symbol(
    text: Text, name: str, kind: types.SymbolKind, first: int, last: int
) -> types.DocumentSymbol:
    whole = types.Range(
        start=types.Position(line=first, character=0),
        end=text.position(last, len(text.line(last))),
    )
    pick = text.range(first, 0, len(text.line(first)))
    return types.DocumentSymbol(
        name=name or "(untitled)", kind=kind, range=whole, selection_range=pick, children=[]
    )


def document_symbols(knowledge: Knowledge, text: Text) -> list[types.DocumentSymbol]:
    """Sections, with the insights and action items under each."""
    doc = split(text.source)
    insights, actions, sections = extract(
        without_hints(doc.body), doc.body_line, knowledge.current.config.headings
    )
    last = len(text.lines) - 1
    out: list[types.DocumentSymbol] = []
    starts = [s.line - 1 for s in sections]
    for n, section in enumerate(sections):
        end = starts[n + 1] - 1 if n + 1 < len(starts) else last
        out.append(_symbol(text, section.title, types.SymbolKind.Namespace, starts[n], end))
    items = [
        *((i.line - 1, i.text, types.SymbolKind.String) for i in insights),
        *(
            (a.line - 1, ("[x] " if a.done else "[ ] ") + a.text, types.SymbolKind.Event)
            for a in actions
        ),
    ]
    loose: list[types.DocumentSymbol] = []
    children: dict[int, list[types.DocumentSymbol]] = {}
    for line, name, kind in sorted(items, key=lambda item: item[0]):
        symbol = _symbol(text, " ".join(name.split()), kind, line, line)
        parent = next((n for n in reversed(range(len(out))) if starts[n] <= line), None)
        if parent is None:
            loose.append(symbol)
        else:
            children.setdefault(parent, []).append(symbol)
    for n, children_of in children.items():
        out[n].children = children_of
    return [*loose, *out]


def workspace_symbols(knowledge: Knowledge, query: str) -> list[types.WorkspaceSymbol]:
    """People and conversations whose name, id or date contains the query (any case)."""
    kb = knowledge.current
    wanted = query.casefold()
    out: list[types.WorkspaceSymbol] = []
    for person in sorted(kb.people.values(), key=lambda p: p.id):
        if wanted in f"{person.name} {person.id}".casefold():
            out.append(
                types.WorkspaceSymbol(
                    name=person.name,
                    kind=types.SymbolKind.Class,
                    container_name=person.company,
                    location=location(knowledge, str(person.path)),
                )
            )
    for iv in sorted(kb.interviews.values(), key=lambda i: i.id):
        name = f"{iv.date.isoformat()} {kb.name_of(iv.person)}"
        if wanted in f"{name} {iv.id}".casefold():
            out.append(
                types.WorkspaceSymbol(
                    name=name,
                    kind=types.SymbolKind.Event,
                    container_name=iv.status,
                    location=location(knowledge, str(iv.path)),
                )
            )
    return out
