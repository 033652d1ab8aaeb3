"""The one Jinja2 factory: templates from the KB are untrusted and run sandboxed."""

from __future__ import annotations

import functools
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from tool.errors import TemplateProblem
from tool.store.files import read_text_file

# Questions, drafts and scaffolds are a few kilobytes; these limits only stop runaways.
# A caller rendering larger pages (the digest) passes its own limits to render().
MAX_OUTPUT = 200_000  # characters of output, and of any one value built while rendering
MAX_NUMBER = 10_000_000  # larger counts or widths can only be meant to build a huge value
TIME_LIMIT = 2.0  # seconds of rendering
# The size limit of the render() running now, for the checks the sandbox calls back into.
_max_size: ContextVar[int] = ContextVar("max_size", default=MAX_OUTPUT)
# A width of a million or more in a %-format or {}-format spec: "%9999999d", "{:>9999999}".
_BIG_WIDTH = re.compile(r"%[-+ #0]*\d{7,}|\{[^{}]*:[^{}]*\d{7,}")

_PLAIN = re.compile(r"[^\W\d_][\w .'()/+&-]*", re.UNICODE)
_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _needs_escape(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code in (0x2028, 0x2029, 0xFEFF)
        or 0xD800 <= code <= 0xDFFF
        or code in (0xFFFE, 0xFFFF)
    )


def yaml_scalar(value: Any) -> str:
    """A YAML scalar that any YAML reader reads back as exactly this text."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a number field: written as the number it is
    if isinstance(value, date):
        return value.isoformat()  # every YAML reader takes an unquoted ISO date as that date
    text = str(value)
    if _PLAIN.fullmatch(text) and text == text.strip() and _is_yaml_text(text):
        return text
    out = []
    for char in text:
        if char in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[char])
        elif _needs_escape(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _is_yaml_text(text: str) -> bool:
    from tool.parse.frontmatter import Scalar

    return Scalar(text, 0, 0, plain=True).yaml11_type() is None


class KBLoader(jinja2.BaseLoader):
    """Loads templates by name from one folder; refuses anything that resolves outside it."""

    def __init__(self, folder: Path, fallback: Path | None = None):
        self.folders = [f for f in (folder, fallback) if f is not None]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        parts = template.replace("\\", "/").split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise TemplateProblem(f"template name {template!r} is not allowed")
        for folder in self.folders:
            base = Path(os.path.realpath(folder))
            path = folder.joinpath(*parts)
            if not os.path.lexists(path):
                continue
            resolved = Path(os.path.realpath(path))  # a looping link: read_text_file says so
            if not resolved.is_relative_to(base):
                raise TemplateProblem(
                    f"template {template!r} points outside {folder.name}/; refused"
                )
            # A regular file only (never a FIFO), of bounded size, UTF-8, no NUL bytes.
            source, issues = read_text_file(base, path)
            if source is None:
                issue = issues[0]
                raise TemplateProblem(issue.message, f"{folder.name}/{template}", issue.line)
            mtime = resolved.stat().st_mtime
            return source, str(path), lambda p=resolved, m=mtime: p.stat().st_mtime == m
        raise jinja2.TemplateNotFound(template)


class LimitExceeded(Exception):
    """A template ran too long or built too much text."""


def _check_size(value: Any) -> Any:
    """Refuse a value too large to be anything but a runaway (huge text, count or width)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise LimitExceeded(f"the number {value} is too large for a template")
    if isinstance(value, (str, list, tuple, dict)) and len(value) > _max_size.get():
        raise _too_large()
    return value


def _too_large() -> LimitExceeded:
    return LimitExceeded(f"a value of more than {_max_size.get():,} characters or items")


def _check_format(spec: Any) -> None:
    if isinstance(spec, str) and _BIG_WIDTH.search(spec):
        raise LimitExceeded("a format width of a million or more is not allowed")


class LimitedEnvironment(SandboxedEnvironment):
    """The sandbox, plus limits on the size of values that operators and calls build."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and right > 64:
            raise LimitExceeded(f"the power {right} is too large for a template")
        if operator == "*":
            sizes = [len(v) for v in (left, right) if isinstance(v, (str, list, tuple))]
            counts = [v for v in (left, right) if isinstance(v, int)]
            if sizes and counts and sizes[0] * counts[0] > _max_size.get():
                raise _too_large()
        if operator == "%":
            _check_format(left)
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            _check_size(value)
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped


class _LimitedNamespace(jinja2.utils.Namespace):
    """`namespace()` whose attributes cannot grow past the size limit in a loop."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, _check_size(value))


def _limited_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """Filters are called directly by Jinja, not through `call`: check them the same way."""

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            _check_size(value)
        if func.__name__ == "do_format":
            _check_format(args[0])
        return _check_size(func(*args, **kwargs))

    return checked


def make_env(
    folder: Path, fallback: Path | None = None, *, autoescape: bool = False
) -> SandboxedEnvironment:
    """A sandboxed, strict environment: Markdown/YAML output, or HTML with `autoescape`."""
    env = LimitedEnvironment(
        loader=KBLoader(folder, fallback),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yaml"] = yaml_scalar
    env.globals["namespace"] = _LimitedNamespace
    env.filters = {name: _limited_filter(f) for name, f in env.filters.items()}
    return env


def render(
    env: jinja2.Environment,
    name: str,
    context: dict[str, Any],
    display_root: Path | None = None,
    *,
    max_output: int | None = None,
    time_limit: float | None = None,
) -> str:
    """Render a template; any template failure becomes a TemplateProblem with path:line.

    Rendering stops with an error after `time_limit` seconds (default TIME_LIMIT), or when
    the output or any one value built is larger than `max_output` (default MAX_OUTPUT).
    """
    size = _max_size.set(max_output or MAX_OUTPUT)
    try:
        chunks = env.get_template(name).generate(context)
        return _generate_limited(chunks, _max_size.get(), time_limit or TIME_LIMIT)
    except TemplateProblem as exc:
        path, line = _template_position(exc, name)
        if exc.path is not None or path is None:
            raise
        # A refused include or extends: point at the line that asked for it.
        raise TemplateProblem(exc.message, _shown(path, name, display_root), line) from None
    except (LimitExceeded, RecursionError, MemoryError) as exc:
        path, line = _template_position(exc, name)
        message = "templates call themselves too deeply" if isinstance(exc, RecursionError) else ""
        raise TemplateProblem(
            f"template stopped: {message or exc}", _shown(path, name, display_root), line
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_problem(exc, name, display_root) from None
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        AttributeError,
        ArithmeticError,
        LookupError,
    ) as exc:
        path, line = _template_position(exc, name)
        raise TemplateProblem(_message(exc), _shown(path, name, display_root), line) from None
    finally:
        _max_size.reset(size)


def compile_template(env: jinja2.Environment, name: str, display_root: Path | None = None) -> None:
    """Compile a template without running it; a syntax error becomes a TemplateProblem."""
    try:
        env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_problem(exc, name, display_root) from None


def _syntax_problem(
    exc: jinja2.TemplateSyntaxError, name: str, display_root: Path | None
) -> TemplateProblem:
    where = _shown(exc.filename, name, display_root)
    return TemplateProblem(exc.message or "syntax error", where, exc.lineno)


def render_body(
    env: jinja2.Environment, name: str, context: dict[str, Any], display_root: Path | None = None
) -> str:
    """Render a template whose own front matter (title, description...) is not output."""
    from tool.parse.frontmatter import split

    rendered = render(env, name, context, display_root)
    return split(rendered).body if rendered.startswith("---") else rendered


def _generate_limited(chunks: Iterator[str], max_output: int, time_limit: float) -> str:
    """Join a template's output, stopping it when it runs too long or writes too much."""
    deadline = time.monotonic() + time_limit

    def check_time(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise LimitExceeded(
                f"rendering took more than {time_limit:g} seconds (an endless loop?)"
            )
        # Line events only for template code, where loops spin: library code runs untraced.
        return check_time if not frame.f_code.co_filename.endswith(".py") else None

    previous = sys.gettrace()
    sys.settrace(check_time)
    try:
        out: list[str] = []
        size = 0
        for chunk in chunks:
            out.append(chunk)
            size += len(chunk)
            if size > max_output:
                # Thrown into the template so the error points at the line writing the output.
                chunks.throw(LimitExceeded(f"output is larger than {max_output:,} characters"))  # type: ignore[attr-defined]
        return "".join(out)
    finally:
        sys.settrace(previous)


def _message(exc: Exception) -> str:
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"not allowed in a template: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined variable: {exc.message}"
    return str(exc)


def _template_position(exc: BaseException, name: str) -> tuple[str | None, int | None]:
    """The innermost template frame of a traceback: Jinja maps it back to template lines."""
    tb = exc.__traceback__
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename and not code.co_filename.endswith(".py"):
            found = (code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _shown(path: str | None, name: str, root: Path | None) -> str:
    if path is None:
        return name
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path
