"""`tool init`: start a knowledge base."""

from __future__ import annotations

from pathlib import Path

import click

from tool.cli.common import echo


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Start a knowledge base in DIRECTORY (default: here).

    Creates people/, interviews/, a commented tool.toml, the default templates
    and a .gitignore that keeps the digest (site/, site-private/) out of git.
    A folder that already holds a knowledge base is left untouched.

    \b
    Example:
      tool init ~/career-change
    """
    from tool import scaffold
    from tool.store.outputs import PRIVATE_FOLDER, SHARED_FOLDER

    scaffold.init(directory)
    ignored = scaffold.ignore_digest(directory)
    folders = f"{SHARED_FOLDER}/, {PRIVATE_FOLDER}/"
    if ignored == "added":
        echo(f"note: added the digest's folders to the existing .gitignore ({folders})", err=True)
    elif ignored == "skipped":
        echo(
            "note: .gitignore is not a regular file, so it was left alone; make git ignore "
            f"{SHARED_FOLDER}/ and {PRIVATE_FOLDER}/ (the digest's output) yourself",
            err=True,
        )
    echo(f"Created a knowledge base in {directory}")
    step = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory}, "
    echo(f'Next: {step}set your name in tool.toml, then `tool new person "Jane Doe"`.')


COMMANDS = [init]
