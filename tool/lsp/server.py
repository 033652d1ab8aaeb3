"""`tool lsp`: the language server, over stdio, for the knowledge base of the open files.

Requests are answered by tool.lsp.features from the `Knowledge` (tool.lsp.state). No
request ever takes the server down: a failure is logged, and answered with nothing.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from tool import __version__
from tool.errors import ToolError
from tool.lsp import features
from tool.lsp.state import Knowledge
from tool.lsp.text import Text
from tool.store import root as roots

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

# The files whose changes the server must hear of, relative to any workspace folder.
WATCHED = ("**/people/*.md", "**/interviews/*.md", "**/templates/**/*.md", "**/tool.toml")


class ToolServer(LanguageServer):
    """The server, with the one knowledge base it serves (found on first use)."""

    def __init__(self, root: Path | None, on: date | None):
        super().__init__("tool", __version__)
        self.given_root = root
        self.on = on
        self.knowledge: Knowledge | None = None
        self.published: dict[str, list[types.Diagnostic]] = {}

    def today(self) -> date:
        return self.on or date.today()

    def knowledge_for(self, path: Path) -> Knowledge | None:
        """The KB that holds `path`: the one the server has, or the one found from it."""
        if self.knowledge is None:
            # The editor's folder may hold the KB, or be beside it: then the file's own folder.
            starts = [self.given_root] if self.given_root else []
            if not starts and self.workspace.root_path:
                starts.append(Path(self.workspace.root_path))
            starts += [] if self.given_root else [path.parent]
            for start in starts:
                try:
                    root = roots.find_root(start, None)
                except (ToolError, OSError) as exc:
                    log.info("no knowledge base at %s: %s", start, exc)
                    continue
                self.knowledge = Knowledge(root, self.today())
                break
        return self.knowledge

    def locate(self, uri: str) -> tuple[Knowledge, str] | None:
        """The KB and root-relative path of a document, or None when it is not in the KB."""
        fs_path = to_fs_path(uri)
        if fs_path is None:
            return None
        path = Path(os.path.abspath(fs_path))
        knowledge = self.knowledge_for(path)
        if knowledge is None:
            return None
        rel = knowledge.relative(path)
        return None if rel is None or rel.startswith("..") else (knowledge, rel)

    def text(self, uri: str) -> Text:
        """The document as the editor has it (the file on disk when it is not open)."""
        encoding = self.workspace.position_encoding
        utf16 = encoding != types.PositionEncodingKind.Utf32
        document = self.workspace.text_documents.get(uri)
        if document is not None:
            return Text(document.source, utf16)
        found = self.locate(uri)
        source = found[0].text_of(found[1]) if found else None
        return Text(source or "", utf16)

    def publish(self, typed: str | None = None) -> None:
        """Send each open document's problems where they changed, and always the one typed in."""
        for uri in list(self.workspace.text_documents):
            found = self.locate(uri)
            diagnostics = []
            if found is not None:
                knowledge, rel = found
                text = self.text(uri)
                diagnostics = [features.diagnostic(text, p) for p in knowledge.problems(rel)]
            if uri == typed or uri not in self.published or self.published[uri] != diagnostics:
                self.published[uri] = diagnostics
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
                )


def guarded(default: Any = None) -> Callable[[F], F]:
    """Answer `default` and log, rather than fail, when a handler meets anything at all."""

    def wrap(handler: F) -> F:
        @functools.wraps(handler)
        def run(ls: ToolServer, *args: Any) -> Any:
            try:
                return handler(ls, *args)
            except Exception as exc:
                log.exception("%s failed", handler.__name__)
                ls.window_log_message(
                    types.LogMessageParams(
                        type=types.MessageType.Error,
                        message=f"tool lsp: {handler.__name__}: {type(exc).__name__}: {exc}",
                    )
                )
                return default() if callable(default) else default

        return run  # type: ignore[return-value]

    return wrap


def make_server(root: Path | None = None, on: date | None = None) -> ToolServer:
    """The server with every feature registered."""
    server = ToolServer(root, on)

    @server.feature(types.INITIALIZED)
    @guarded()
    def initialized(ls: ToolServer, params: types.InitializedParams) -> None:
        if ls.given_root or ls.workspace.root_path:
            start = ls.given_root or Path(ls.workspace.root_path or ".")
            ls.knowledge_for(start / "tool.toml")
        watched = ls.client_capabilities.workspace
        files = watched.did_change_watched_files if watched else None
        if files and files.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
            )
            registration = types.Registration(
                id="tool-watched-files",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(ls: ToolServer, params: types.DidOpenTextDocumentParams) -> None:
        changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(ls: ToolServer, params: types.DidChangeTextDocumentParams) -> None:
        changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(ls: ToolServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        found = ls.locate(uri)
        ls.published.pop(uri, None)
        if found is not None:
            found[0].close(found[1])
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        ls.publish()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def watched_files(ls: ToolServer, params: types.DidChangeWatchedFilesParams) -> None:
        rels = []
        for event in params.changes:
            found = ls.locate(event.uri)
            if found is not None:
                rels.append(found[1])
        if ls.knowledge is not None and rels:
            ls.knowledge.today = ls.today()
            ls.knowledge.changed_on_disk(rels)
        ls.publish()

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[":", " ", "#", "[", ",", "-"]),
    )
    @guarded()
    def completion(ls: ToolServer, params: types.CompletionParams) -> types.CompletionList | None:
        found = ls.locate(params.text_document.uri)
        if found is None:
            return None
        items = features.completion(found[0], ls.text(params.text_document.uri), params.position)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded()
    def hover(ls: ToolServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.locate(params.text_document.uri)
        if found is None:
            return None
        return features.hover(found[0], ls.text(params.text_document.uri), params.position)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded()
    def definition(ls: ToolServer, params: types.DefinitionParams) -> types.Location | None:
        found = ls.locate(params.text_document.uri)
        if found is None:
            return None
        return features.definition(found[0], ls.text(params.text_document.uri), params.position)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(list)
    def references(ls: ToolServer, params: types.ReferenceParams) -> list[types.Location]:
        found = ls.locate(params.text_document.uri)
        return features.references(*found) if found else []

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded(list)
    def code_action(ls: ToolServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        found = ls.locate(uri)
        if found is None:
            return []
        found[0].today = ls.today()
        return features.code_actions(
            found[0], found[1], uri, ls.text(uri), params.range, params.context.diagnostics
        )

    @server.command(features.CREATE_PERSON)
    @guarded()
    def create_person(ls: ToolServer, name: str) -> str | None:
        knowledge = ls.knowledge
        if knowledge is None:
            return None
        try:
            rel = features.create_person(knowledge, str(name), ls.today())
        except ToolError as exc:
            ls.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=str(exc))
            )
            return None
        knowledge.changed_on_disk([rel])
        ls.publish()
        uri = (knowledge.root / rel).as_uri()
        ls.window_show_document(types.ShowDocumentParams(uri=uri, take_focus=True))
        return rel

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(list)
    def document_symbol(
        ls: ToolServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        found = ls.locate(params.text_document.uri)
        if found is None:
            return []
        return features.document_symbols(found[0], ls.text(params.text_document.uri))

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded(list)
    def workspace_symbol(
        ls: ToolServer, params: types.WorkspaceSymbolParams
    ) -> list[types.WorkspaceSymbol]:
        return features.workspace_symbols(ls.knowledge, params.query) if ls.knowledge else []

    return server


def changed(ls: ToolServer, uri: str) -> None:
    """A buffer opened or changed: check it as typed, then every open document again."""
    found = ls.locate(uri)
    if found is not None:
        knowledge, rel = found
        knowledge.today = ls.today()
        knowledge.edit(rel, ls.workspace.get_text_document(uri).source)
    ls.publish(typed=uri)


def serve(root: Path | None = None, on: date | None = None) -> None:
    """Talk LSP over stdin and stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="tool lsp: %(levelname)s: %(message)s")
    make_server(root, on).start_io()
