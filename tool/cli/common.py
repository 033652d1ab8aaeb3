"""Shared CLI plumbing: the root option, output formats, and the one place output is printed.

The store (and the parsers beneath it) is imported by the functions that read or write,
not at the top: a command's --help imports this module and should not pay for them.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import click
from click import _compat

from tool import model
from tool.errors import ToolError
from tool.model import Problem, parse_date, parse_time
from tool.printable import json_escaped, visible
from tool.store import root as roots

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def root_option(func: F) -> F:
    """`--root DIR`: the knowledge base to use (else TOOL_ROOT, else the nearest ancestor)."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Knowledge base folder (default: $TOOL_ROOT, else the nearest folder "
        "with tool.toml, people/ or interviews/).",
    )(func)


def format_option(*choices: str, default: str | None = None) -> Callable[[F], F]:
    """`--format` with the given choices, the first being the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default or choices[0],
        show_default=True,
        help="Output format.",
    )


# click 8.4 made ParamType generic and 8.5 changed its parameters: a subscripted base would
# fail at run time on the releases we support, and older ones see nothing to ignore.
class DateParam(click.ParamType):  # type: ignore[type-arg, unused-ignore]
    """A YYYY-MM-DD date."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateParam()


class TimeParam(click.ParamType):  # type: ignore[type-arg, unused-ignore]
    """A 24-hour HH:MM time of day, given back as `HH:MM`."""

    name = "HH:MM"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        try:
            return parse_time(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


TIME = TimeParam()
on_option = click.option("--on", "on", type=DATE, help="Take this date as today [default: today].")


def given_root(root: Path | None) -> Path | None:
    """The command's --root, else the group's --root, else None."""
    if root is None:
        ctx = click.get_current_context(silent=True)
        obj = ctx.find_root().obj if ctx else None
        root = obj.get("root") if isinstance(obj, dict) else None
    return root


def find_root(root: Path | None) -> Path:
    """The KB root from the command's --root, else the group's --root, else the usual search."""
    return roots.find_root(Path.cwd(), given_root(root))


def load_kb(
    root: Path | None, quiet: bool = False, keep: Callable[[str, bytes], None] | None = None
) -> model.KnowledgeBase:
    """Find and read the KB; unreadable files are reported on stderr, the rest is used."""
    from tool.store import loading

    kb = loading.load(find_root(root), keep)
    if not quiet:
        report_skipped(kb)
    return kb


def load_computed(
    root: Path | None,
    name: str,
    compute: Callable[[model.KnowledgeBase], T],
    keep: Callable[[str, bytes], None] | None = None,
) -> tuple[Path, T]:
    """The KB's root and `compute(kb)`, kept from an earlier run while no input changed.

    `name` must say everything else the result depends on (the command and its options);
    the store adds every file's stamp, the settings and the code.
    """
    from tool.store import loading

    found = loading.computed(
        find_root(root), name, lambda kb: (compute(kb), sorted(kb.errors)), keep=keep
    )
    value, errors = found.value
    _report_errors(errors)
    return found.root, value


def report_skipped(kb: model.KnowledgeBase) -> None:
    """Tell the user on stderr which files had errors (the command still runs on the rest)."""
    _report_errors(sorted(kb.errors))


def _report_errors(errors: list[Problem]) -> None:
    if not errors:
        return
    # A few lines, not a flood before the command's own output: validate has the rest.
    for problem in errors[:3]:
        echo(problem.format(), err=True)
    files = len({p.path for p in errors})
    count = f"{len(errors)} error{'s' * (len(errors) != 1)} in {files} file{'s' * (files != 1)}"
    echo(f"warning: {count} of the knowledge base; `tool validate` lists them all", err=True)


def print_problems(problems: Iterable[Problem], fmt: str) -> None:
    problems = list(problems)
    if fmt == "json":
        dump_json([p.as_dict() for p in problems])
        return
    for p in problems:
        if fmt == "github":
            kind = "error" if p.severity == "error" else "warning"
            message = _gh_escape(f"{p.message} [{p.rule}]")
            echo(f"::{kind} file={_gh_prop(p.path)},line={p.line},col={p.col}::{message}")
        else:
            echo(p.format())


def _gh_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_escape(text).replace(":", "%3A").replace(",", "%2C")


def dump_json(data: Any) -> None:
    """Print JSON for scripts: stable key order, UTF-8 as is, control characters escaped."""
    try:
        text = indented_json(data)
    except (TypeError, ValueError, RecursionError):  # worded by json.dumps, as it always was
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
    echo(json_escaped(text))


_SCALARS = (str, int, float, bool, type(None))


def indented_json(data: Any, level: int = 0) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`, byte for byte, many times faster.

    With an indent, json.dumps encodes in Python, value by value (tens of seconds for a
    large list); without one it encodes in C. So each run of plain values in a list or an
    object is encoded by the C encoder, its item separator carrying the line break and the
    indent of its depth, and only the containers are walked here.
    """
    values: Iterable[Any]
    if isinstance(data, dict):
        opening, closing, values = "{", "}", data.values()
    elif isinstance(data, list | tuple):
        opening, closing, values = "[", "]", data
    else:
        return _encoder("", "")(data)
    if not data:
        return opening + closing
    inner = "\n" + "  " * (level + 1)
    encode = _encoder("," + inner, ": ")
    # An empty list or object is written alike with or without an indent: plain as well.
    plain = [isinstance(v, _SCALARS) or not v for v in values]
    if all(plain):
        return opening + inner + encode(data)[1:-1] + "\n" + "  " * level + closing
    items = list(data.items()) if opening == "{" else list(data)
    pieces: list[str] = []
    start = 0
    while start < len(items):
        end = start
        while end < len(items) and plain[end]:
            end += 1
        if end > start:  # a run of plain values: one call of the C encoder
            run = items[start:end]
            pieces.append(encode(dict(run) if opening == "{" else run)[1:-1])
            start = end
        else:
            item = items[start]
            if opening == "{":
                key, value = item
                pieces.append(encode({key: None})[1:-5] + indented_json(value, level + 1))
            else:
                pieces.append(indented_json(item, level + 1))
            start += 1
    return opening + inner + ("," + inner).join(pieces) + "\n" + "  " * level + closing


@functools.cache
def _encoder(item_separator: str, key_separator: str) -> Callable[[Any], str]:
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(item_separator, key_separator))
    return encoder.encode


def is_terminal() -> bool:
    return sys.stdout.isatty()


class Styled(NamedTuple):
    """Text in the tool's own colours; only `echo` turns it into escape sequences."""

    text: str
    styles: tuple[tuple[str, Any], ...]


def style(text: str, **styles: Any) -> Styled:
    """`text` to print in colour (click.style's options: fg, bold, dim...)."""
    return Styled(text, tuple(styles.items()))


def colour() -> bool | None:
    """Whether to colour: True, False, or None for "on a terminal only" (click decides).

    `tool --color always|never` wins; else NO_COLOR (any non-empty value) or TERM=dumb
    turn colour off, as https://no-color.org asks.
    """
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx else None
    choice = obj.get("color") if isinstance(obj, dict) else None
    if choice in ("always", "never"):
        return bool(choice == "always")
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return None


def coloured(err: bool = False) -> bool:
    """Whether what is printed to stdout (or stderr) is to be coloured, as click would judge."""
    choice = colour()
    if choice is not None:
        return choice
    return not _compat.should_strip_ansi(sys.stderr if err else sys.stdout, None)


def echo(*parts: str | Styled, err: bool = False, nl: bool = True) -> None:
    """Print to the terminal: every command's output and messages go through here.

    Notes are untrusted, so control characters in the text are made visible (see
    tool.printable) before the tool's own colours are added around it.
    """
    if coloured(err):
        text = "".join(
            click.style(visible(p.text), **dict(p.styles)) if isinstance(p, Styled) else visible(p)
            for p in parts
        )
    else:  # no escape sequence is made only to be taken out again, and one pass of `visible`
        try:
            text = "".join(parts)  # type: ignore[arg-type]  # mostly plain text: joined in C
        except TypeError:
            text = "".join(p if isinstance(p, str) else p.text for p in parts)
        text = visible(text)
    # Written as it is: whatever colour it has was chosen above, and `visible` left no
    # escape character of the notes' own.
    _write(text, err, nl, color=True)


def echo_data(text: str, as_bytes: bool = False) -> None:
    """Print a data format (CSV, iCalendar): as is into a pipe or file, shown safely on a terminal.

    `as_bytes` writes UTF-8 whatever the locale, and line ends exactly as given.
    """
    if is_terminal():
        echo(text.replace("\r\n", "\n"), nl=False)
    else:
        # color=True: click would otherwise strip what looks like colour from the data.
        _write(text.encode("utf-8") if as_bytes else text, False, False, color=True)


# While a command's output is being kept (see tool.cli.kept): each piece printed, in order.
recording: list[tuple[bool, str | bytes]] | None = None


def _write(message: str | bytes, err: bool, nl: bool, color: bool | None = None) -> None:
    """click.echo, with a terminal that cannot encode a character being the user's to fix."""
    try:
        click.echo(message, err=err, nl=nl, color=color)
    except UnicodeEncodeError as exc:
        # The message must survive the same encoding: it names the character, not shows it.
        char = exc.object[exc.start]
        raise ToolError(
            f"{'standard error' if err else 'standard output'} uses the {exc.encoding} "
            f"encoding, which has no U+{ord(char):04X} ({unicodedata.name(char, 'character')}); "
            "set PYTHONIOENCODING=utf-8 or use a UTF-8 locale"
        ) from None
    if recording is not None:
        stream = sys.stderr if err else sys.stdout
        # As click printed it: colour taken out where it decided so.
        if isinstance(message, str) and _compat.should_strip_ansi(stream, color):
            message = click.unstyle(message)
        end = (b"\n" if isinstance(message, bytes) else "\n") if nl else message[:0]
        recording.append((err, message + end))  # type: ignore[operator]


def write_kept(pieces: list[tuple[bool, str | bytes]]) -> None:
    """Print again what a command printed (see tool.cli.kept)."""
    for err, message in pieces:
        _write(message, err, False, color=True)


def generated_output(
    root: Path, output: Path, what: str, command: str, is_ours: Callable[[str], bool]
) -> Path:
    """The absolute path for a generated file: never in the records, never over a user's file."""
    from tool.store import files
    from tool.store.outputs import KB_ITSELF, protected_place

    target = files.resolve_path(Path.cwd() / output)
    place = protected_place(root, target)
    if place is not None:
        where = "over the knowledge base itself" if place == KB_ITSELF else f"into {place}"
        raise ToolError(
            f"refusing to write {what} {where.rstrip('/')}: "
            "choose a file outside people/, interviews/ and templates/",
            str(output),
        )
    if target.exists():
        try:
            existing = files.read_regular(target, limit=None)[0].decode("utf-8")
        except (OSError, UnicodeDecodeError):
            existing = ""
        if not is_ours(existing):
            raise ToolError(
                f"refusing to overwrite a file that `{command}` did not write; "
                "remove it or choose another --output",
                str(output),
            )
    return target
