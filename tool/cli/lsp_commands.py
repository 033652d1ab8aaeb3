"""`tool lsp`: a language server for editors, over standard input and output."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from tool.cli.common import on_option, root_option
from tool.store import root as roots


@click.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over standard input and output (the only way; accepted as editors pass it).",
)
@on_option
@root_option
def lsp_command(stdio: bool, on: date | None, root: Path | None) -> None:
    """Serve the knowledge base to an editor: diagnostics, completion, hover and more.

    Speaks the language server protocol on stdin and stdout; the editor starts it. The
    knowledge base is --root, else $TOOL_ROOT, else the one holding the editor's folder
    or the first file opened. docs/editors.md shows how to set up each editor.

    \b
    Example:
      tool lsp
      tool lsp --root ~/notes/interviews
    """
    from tool.lsp.server import serve

    given = None
    if root is not None or os.environ.get("TOOL_ROOT"):
        given = roots.find_root(Path.cwd(), root)
    serve(given, on)


COMMANDS = [lsp_command]
