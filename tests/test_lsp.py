"""`tool lsp`, driven over stdio by a real LSP client: one server for the whole module."""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import pytest
from conftest import write
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-01-15"  # a Thursday: the next weekday is Friday the 16th

JANE = """\
---
name: Jane Doe
company: Globex
role: Data Analyst
relationship: alumni
---
Met at the alumni meetup.
"""
KIM = """\
---
name: Kim Lee
company: Initech
introduced_by: jane-doe
---
"""
HELD = """\
---
person: jane-doe
date: 2026-01-10
status: done
format: coffee
referrals: [kim-lee]
---
## Insights
- Analysts spend half their time cleaning data #data-quality
- Dashboards matter less than people think #data-quality #tools

## Notes
- [ ] send the article
"""


@dataclass
class Session:
    """The client, run on an event loop of its own thread: no other test's loop is in the way.

    (The browser tests keep Playwright's loop running in the main thread for the session.)
    """

    client: LanguageClient
    root: Path
    loop: asyncio.AbstractEventLoop
    registered: list[types.Registration] = field(default_factory=list)

    def run(self, call: Callable[[], Any]) -> Any:
        """Call on the client's loop, and wait for the answer."""

        async def on_loop() -> Any:
            result = call()
            return await result if inspect.isawaitable(result) else result

        return asyncio.run_coroutine_threadsafe(on_loop(), self.loop).result(timeout=30)

    def ask(self, method: str, params: Any) -> Any:
        """A request, and its answer."""
        return self.run(lambda: getattr(self.client, method)(params))

    def tell(self, method: str, params: Any) -> None:
        """A notification."""
        self.run(lambda: getattr(self.client, method)(params))

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def open(self, rel: str, text: str) -> list[types.Diagnostic]:
        """Open a document as typed and wait for its diagnostics."""
        uri = self.uri(rel)
        self.client.diagnostics.pop(uri, None)
        self.tell(
            "text_document_did_open",
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="markdown", version=1, text=text
                )
            ),
        )
        return self.diagnostics(uri)

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        for _ in range(200):
            if uri in self.client.diagnostics:
                return self.client.diagnostics.pop(uri)
            time.sleep(0.02)
        raise AssertionError(f"no diagnostics for {uri}")

    def close(self, rel: str) -> None:
        self.tell(
            "text_document_did_close",
            types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri(rel))
            ),
        )


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def shown(diagnostics: list[types.Diagnostic]) -> list[str]:
    """Diagnostics as `line:col-line:col severity message [rule]`, 1-based as validate."""
    out = []
    for d in diagnostics:
        start, end = d.range.start, d.range.end
        kind = "error" if d.severity == types.DiagnosticSeverity.Error else "warning"
        where = f"{start.line + 1}:{start.character + 1}-{end.line + 1}:{end.character + 1}"
        out.append(f"{where} {kind}: {d.message} [{d.code}] ({d.source})")
    return out


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """The text with the edits made (positions in ASCII text: units are characters)."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        return sum(len(line) + 1 for line in lines[: p.line]) + p.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest.fixture(scope="module")
def lsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    root = tmp_path_factory.mktemp("lsp") / "kb"
    write(root / "tool.toml", '[me]\nname = "Ana"\n[targets]\ncareers = ["Data science"]\n')
    write(root / "people/jane-doe.md", JANE)
    write(root / "people/kim-lee.md", KIM)
    write(root / "interviews/2026-01-10-jane-doe.md", HELD)
    env = {k: v for k, v in os.environ.items() if k != "TOOL_ROOT"}
    env |= {"PYTHONPATH": str(REPO), "TOOL_CACHE_DIR": str(root.parent / "cache")}
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "tool", "lsp", "--on", TODAY], server_env=env
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    session = Session(None, root, loop)  # type: ignore[arg-type]
    client = session.run(config.start)
    assert isinstance(client, LanguageClient)
    session.client = client
    # lsprotocol reads any code action with a `command` as a bare Command; a client reading
    # the JSON tells them apart by the type of `command`, as the protocol does.
    converter = client.protocol._converter
    converter.register_structure_hook(
        Union[types.Command, types.CodeAction],  # noqa: UP007 - the type lsprotocol registers
        lambda data, _: converter.structure(
            data, types.Command if isinstance(data.get("command"), str) else types.CodeAction
        ),
    )

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        session.registered.extend(params.registrations)

    watched = types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
    session.ask(
        "initialize_session",
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                workspace=types.WorkspaceClientCapabilities(did_change_watched_files=watched)
            ),
            root_uri=root.as_uri(),
        ),
    )
    try:
        yield session
    finally:
        session.run(client.shutdown_session)
        session.run(client.stop)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


TYPO = """\
---
person: jane-do
date: 2026-01-12
status: scheduld
---
"""


def test_a_buffer_as_typed_gets_validates_problems_with_rule_and_position(lsp):
    found = lsp.open("interviews/2026-01-12-jane-doe.md", TYPO)
    assert shown(found) == [
        "1:1-1:4 warning: file name does not follow its date and person: expected "
        "2026-01-12-jane-do.md [file-name] (tool)",
        "2:1-2:16 error: person 'jane-do' is not in people/ (did you mean jane-doe?) "
        "[reference] (tool)",
        "4:1-4:17 error: status must be one of idea, requested, scheduled, done, declined, "
        "cancelled, not 'scheduld' (did you mean scheduled?); see docs/format.md#status "
        "[value] (tool)",
    ]
    # The next keystroke fixes the id: the problems of the buffer as it is now.
    lsp.tell(
        "text_document_did_change",
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=lsp.uri("interviews/2026-01-12-jane-doe.md"), version=2
            ),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=at(1, 15), end=at(1, 15)), text="e"
                )
            ],
        ),
    )
    found = lsp.diagnostics(lsp.uri("interviews/2026-01-12-jane-doe.md"))
    assert [d.code for d in found] == ["value"]
    lsp.close("interviews/2026-01-12-jane-doe.md")


# The values are empty but for the space typed after the colon.
DRAFT = (
    "---\nperson: \ndate: \nstatus: \nreferrals: [kim-lee, ]\n---\n"
    "## Insights\n- Hiring is slow this year #da\n"
)


def complete(lsp: Session, rel: str, line: int, character: int) -> list[types.CompletionItem]:
    found = lsp.ask(
        "text_document_completion_async",
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=lsp.uri(rel)),
            position=at(line, character),
        ),
    )
    assert isinstance(found, types.CompletionList)
    return found.items


def test_completion_offers_people_values_dates_and_topics(lsp):
    rel = "interviews/2026-01-20-jane-doe.md"
    lsp.open(rel, DRAFT)
    people = complete(lsp, rel, 1, 8)
    assert [(i.label, i.detail) for i in people] == [
        ("jane-doe", "Jane Doe — Data Analyst at Globex"),
        ("kim-lee", "Kim Lee — Initech"),
    ]
    assert people[0].text_edit == types.TextEdit(
        range=types.Range(start=at(1, 8), end=at(1, 8)), new_text="jane-doe"
    )
    assert [i.label for i in complete(lsp, rel, 4, 20)] == ["jane-doe", "kim-lee"]
    assert [i.label for i in complete(lsp, rel, 3, 8)] == [
        "idea",
        "requested",
        "scheduled",
        "done",
        "declined",
        "cancelled",
    ]
    dates = complete(lsp, rel, 2, 6)
    assert [(i.label, i.detail) for i in dates] == [
        ("2026-01-15", "today"),
        ("2026-01-16", "next weekday (Friday)"),
    ]
    topics = complete(lsp, rel, 7, 30)
    assert [(i.label, i.detail) for i in topics] == [
        ("#data-quality", "used 2 times"),
        ("#tools", "used 1 time"),
    ]
    assert topics[0].text_edit == types.TextEdit(
        range=types.Range(start=at(7, 28), end=at(7, 30)), new_text="data-quality"
    )
    assert list(complete(lsp, rel, 0, 3)) == []  # on the `---` line: nothing
    lsp.close(rel)


def test_hover_definition_and_references_of_a_person(lsp):
    rel = "interviews/2026-01-10-jane-doe.md"
    lsp.open(rel, HELD)
    document = types.TextDocumentIdentifier(uri=lsp.uri(rel))
    hover = lsp.ask(
        "text_document_hover_async", types.HoverParams(text_document=document, position=at(1, 11))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.split("\n\n") == [
        "**Jane Doe** — Data Analyst at Globex",
        "How you met: alumni",
        "Last conversation: 2026-01-10 (coffee) — interviews/2026-01-10-jane-doe.md",
        "Due:\n"
        "- overdue: Thank Jane Doe for the conversation on Sat 2026-01-10 "
        "(due Sun 2026-01-11, 4 days ago)\n"
        "- open: Contact Kim Lee, a referral from Jane Doe on Sat 2026-01-10: "
        "tool new interview kim-lee --status requested\n"
        "- open: Jane Doe (Sat 2026-01-10): send the article",
    ]
    target = lsp.ask(
        "text_document_definition_async",
        types.DefinitionParams(text_document=document, position=at(5, 14)),
    )
    assert target == types.Location(
        uri=lsp.uri("people/kim-lee.md"), range=types.Range(start=at(0, 0), end=at(0, 0))
    )
    nothing = lsp.ask(
        "text_document_definition_async",
        types.DefinitionParams(text_document=document, position=at(3, 9)),
    )
    assert nothing is None  # `done` is nobody's id
    lsp.close(rel)
    found = lsp.ask(
        "text_document_references_async",
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=lsp.uri("people/jane-doe.md")),
            position=at(0, 0),
            context=types.ReferenceContext(include_declaration=False),
        ),
    )
    assert [(loc.uri.rsplit("/", 2)[-2:], loc.range.start.line) for loc in found or []] == [
        (["interviews", "2026-01-10-jane-doe.md"], 1),
        (["people", "kim-lee.md"], 3),
    ]


def actions(lsp: Session, rel: str, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    found = lsp.ask(
        "text_document_code_action_async",
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=lsp.uri(rel)),
            range=types.Range(start=at(0, 0), end=at(0, 0)),
            context=types.CodeActionContext(diagnostics=diagnostics),
        ),
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def edits_of(lsp: Session, rel: str, action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    assert list(action.edit.changes) == [lsp.uri(rel)]
    return [e for e in action.edit.changes[lsp.uri(rel)] if isinstance(e, types.TextEdit)]


MISREAD = """\
---
person: jane-doe
date: 2026-01-11
status: done
company: yes
referrals: [Kim Lee]
thanked: 2026-01-12
---
"""


def test_code_actions_quote_a_value_and_write_a_referrals_id(lsp):
    rel = "interviews/2026-01-11-jane-doe.md"
    found = lsp.open(rel, MISREAD)
    assert [(d.range.start.line, d.code) for d in found] == [(4, "yaml-1.1"), (5, "referral-name")]
    quote, referral = actions(lsp, rel, found[:1]), actions(lsp, rel, found[1:])
    assert [a.title for a in quote] == ["Quote 'yes' as text"]
    assert applied(MISREAD, edits_of(lsp, rel, quote[0])) == MISREAD.replace(
        "company: yes", "company: 'yes'"
    )
    assert [a.title for a in referral] == ["Replace 'Kim Lee' with kim-lee"]
    assert applied(MISREAD, edits_of(lsp, rel, referral[0])) == MISREAD.replace(
        "[Kim Lee]", "[kim-lee]"
    )
    lsp.close(rel)


def test_code_action_fills_thanked_with_today(lsp):
    rel = "interviews/2026-01-10-jane-doe.md"
    lsp.open(rel, HELD)
    found = actions(lsp, rel, [])
    assert [a.title for a in found] == ["Set thanked: 2026-01-15 (today)"]
    assert applied(HELD, edits_of(lsp, rel, found[0])) == HELD.replace(
        "referrals: [kim-lee]\n", "thanked: 2026-01-15\nreferrals: [kim-lee]\n"
    )
    lsp.close(rel)


def test_code_action_creates_the_missing_person_as_tool_new_does(lsp):
    rel = "interviews/2026-01-13-sam-rivera.md"
    text = "---\nperson: sam-rivera\ndate: 2026-01-13\nstatus: idea\n---\n"
    found = lsp.open(rel, text)
    assert [d.code for d in found] == ["reference"]
    create = actions(lsp, rel, found)
    assert [a.title for a in create] == ["Create people/sam-rivera.md"]
    assert create[0].command is not None
    lsp.ask(
        "workspace_execute_command_async",
        types.ExecuteCommandParams(
            command=create[0].command.command, arguments=create[0].command.arguments
        ),
    )
    assert list(lsp.diagnostics(lsp.uri(rel))) == []
    made = (lsp.root / "people/sam-rivera.md").read_text(encoding="utf-8")
    assert made.startswith("---\nname: Sam Rivera\n")
    lsp.close(rel)


def test_symbols_of_a_document_and_the_workspace(lsp):
    rel = "interviews/2026-01-10-jane-doe.md"
    lsp.open(rel, HELD)
    found = lsp.ask(
        "text_document_document_symbol_async",
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=lsp.uri(rel))),
    )
    assert [
        (s.name, s.range.start.line, [(c.name, c.range.start.line) for c in s.children or []])
        for s in found or []
        if isinstance(s, types.DocumentSymbol)
    ] == [
        (
            "Insights",
            7,
            [
                ("Analysts spend half their time cleaning data #data-quality", 8),
                ("Dashboards matter less than people think #data-quality #tools", 9),
            ],
        ),
        ("Notes", 11, [("[ ] send the article", 12)]),
    ]
    lsp.close(rel)
    people = lsp.ask("workspace_symbol_async", types.WorkspaceSymbolParams(query="jane"))
    assert [(s.name, s.kind) for s in people or []] == [
        ("Jane Doe", types.SymbolKind.Class),
        ("2026-01-10 Jane Doe", types.SymbolKind.Event),
    ]


def test_a_file_changed_on_disk_updates_the_open_documents(lsp):
    # The server asked to hear of the files it reads (the options come as JSON).
    globs = ["**/people/*.md", "**/interviews/*.md", "**/templates/**/*.md", "**/tool.toml"]
    assert [(r.method, r.register_options) for r in lsp.registered] == [
        ("workspace/didChangeWatchedFiles", {"watchers": [{"globPattern": g} for g in globs]})
    ]
    rel = "interviews/2026-01-14-lena-ortiz.md"
    text = "---\nperson: lena-ortiz\ndate: 2026-01-14\nstatus: idea\n---\n"
    found = lsp.open(rel, text)
    assert [d.code for d in found] == ["reference"]
    person = write(lsp.root / "people/lena-ortiz.md", "---\nname: Lena Ortiz\n---\n")
    lsp.tell(
        "workspace_did_change_watched_files",
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=person.as_uri(), type=types.FileChangeType.Created)]
        ),
    )
    assert list(lsp.diagnostics(lsp.uri(rel))) == []
    person.unlink()
    lsp.tell(
        "workspace_did_change_watched_files",
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=person.as_uri(), type=types.FileChangeType.Deleted)]
        ),
    )
    assert [d.code for d in lsp.diagnostics(lsp.uri(rel))] == ["reference"]
    lsp.close(rel)


def test_bad_files_outside_files_and_missing_files_answer_nothing(lsp, tmp_path):
    broken = lsp.open("people/broken.md", "---\nname: [Unclosed\n---\n")
    assert [d.code for d in broken] == ["yaml-syntax"]
    lsp.close("people/broken.md")
    outside = tmp_path / "elsewhere.md"
    lsp.tell(
        "text_document_did_open",
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=outside.as_uri(), language_id="markdown", version=1, text="person: x\n"
            )
        ),
    )
    assert list(lsp.diagnostics(outside.as_uri())) == []
    missing = types.TextDocumentIdentifier(uri=lsp.uri("people/nobody.md"))
    for uri in (missing, types.TextDocumentIdentifier(uri=outside.as_uri())):
        hover = lsp.ask(
            "text_document_hover_async", types.HoverParams(text_document=uri, position=at(0, 0))
        )
        assert hover is None
        completion = lsp.ask(
            "text_document_completion_async",
            types.CompletionParams(text_document=uri, position=at(5, 5)),
        )
        assert completion is None or list(completion.items) == []  # type: ignore[union-attr]
    # The server still answers after all that.
    assert [i.label for i in complete(lsp, "interviews/2026-01-10-jane-doe.md", 1, 8)]
