"""The one Jinja2 factory: templates from the KB are untrusted and run sandboxed."""

from __future__ import annotations

import functools
import os
import re
import string
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup

from tool.errors import TemplateProblem
from tool.parse.fmt import misread
from tool.parse.frontmatter import split
from tool.store.files import read_text_file
from tool.templating import limits
from tool.templating.limits import LimitExceeded

# Questions, drafts and scaffolds are a few kilobytes; these limits only stop runaways.
# A caller rendering larger pages (the digest) passes its own limits to render().
MAX_OUTPUT = limits.MAX_SIZE  # characters of output, and of any one value built while rendering
TIME_LIMIT = 2.0  # seconds of rendering, in the commands that run inside `time_limited`
MAX_NAME = 255  # characters of a template name given to include, import or extends

_time_limit: ContextVar[float | None] = ContextVar("time_limit", default=None)

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
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'  # nothing to escape: every character escaped is unprintable
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
    return not misread(text)  # the one test, shared with `tool fmt`


class KBLoader(jinja2.BaseLoader):
    """Loads templates by name from one folder; refuses anything that resolves outside it."""

    def __init__(self, folder: Path, fallback: Path | None = None):
        self.folders = [f for f in (folder, fallback) if f is not None]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if len(template) > MAX_NAME:
            raise TemplateProblem(f"a template name of {len(template):,} characters is not allowed")
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


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` so that its parts are measured first, and loops so that turns count."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loop_iterables: set[int] = set()  # ids of the nodes a `for` loops over

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        # Jinja allows no new node types: the loop's iterable is marked, and wrapped in visit.
        self._loop_iterables.add(id(node.iter))
        super().visit_For(node, frame)

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) not in self._loop_iterables:
            return super().visit(node, *args, **kwargs)
        self.write("environment.loop_turns(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # As CodeGenerator.visit_Concat, with the parts passed through environment.text_parts.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"{join}(environment.text_parts((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write(")))")


class _SizedFields(string.Formatter):
    """A str.format formatter that estimates each field, and the total, before formatting it."""

    _built = 0

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        self._built = 0
        return super().vformat(format_string, args, kwargs)

    def parse(self, format_string: str) -> Iterator[tuple[str, str | None, str | None, str | None]]:
        for literal, name, spec, conversion in super().parse(format_string):
            self._built += len(literal)
            yield literal, name, spec, conversion

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None:  # !s, !r, !a turn the value into text right away
            limits.check_size(
                self._built + limits.size_of(value) * (1 if conversion == "s" else 10)
            )
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        self._built += limits.format_field_size(value, format_spec)
        limits.check_size(self._built)
        return super().format_field(value, format_spec)


class _Formatter(_SizedFields, SandboxedFormatter):
    pass


class _EscapeFormatter(_SizedFields, SandboxedEscapeFormatter):
    pass


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined whose message stays short whatever was looked up (`d[huge_tuple]`)."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        name, owner = self._undefined_name, self._undefined_obj
        if self._undefined_hint or isinstance(name, str) or owner is jinja2.utils.missing:
            return super()._undefined_message
        shown = jinja2.utils.object_type_repr(owner)
        return f"{shown} has no element {limits.bounded_repr(name)}"


class LimitedEnvironment(SandboxedEnvironment):
    """The sandbox, plus limits on what operators, calls, filters and formats may build."""

    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset({"+", "*", "%", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and right > limits.MAX_POWER:
            raise LimitExceeded(f"the power {right} is too large for a template")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, bytes, list, tuple)) and isinstance(count, int):
                    limits.check_number(count)
                    limits.check_size(len(seq) * count)
        if operator == "+" and isinstance(left, (str, bytes, list, tuple)):
            limits.check_size(len(left) + (len(right) if isinstance(right, type(left)) else 0))
        if operator == "%" and isinstance(left, (str, bytes)):
            limits.check_size(limits.percent_size(left, right))
        return limits.check_built(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        limits.step()
        if isinstance(__obj, LoopContext) and len(args) == 1:
            args = (limits.Turns(args[0]),)  # `loop(children)` of a recursive loop: a loop too
        for value in (*args, *kwargs.values()):
            limits.check_number(value)
        size, args = limits.method_size(__obj, args, kwargs)
        limits.check_size(size)
        result = super().call(__context, __obj, *args, **kwargs)
        limits.check_grown(__obj)
        return limits.check_built(result)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # As SandboxedEnvironment.wrap_str_format, with formatters that measure each field.
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or (
            value.__name__ not in ("format", "format_map")
        ):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        formatter: SandboxedFormatter
        if isinstance(text, Markup):
            formatter = _EscapeFormatter(self, escape=text.escape)
        else:
            formatter = _Formatter(self)
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                kwargs, args = args[0], ()
            return limits.check_built(type(text)(formatter.vformat(text, args, kwargs)))

        return functools.update_wrapper(wrapper, value)

    @staticmethod
    def concat(parts: Iterable[str]) -> str:
        """Join the output of a macro, call or `{% set %}` block, measured first."""
        parts = list(parts)
        size = sum(map(len, parts))
        limits.check_size(size)
        limits.charge(size)
        return "".join(parts)

    @staticmethod
    def text_parts(parts: tuple[Any, ...]) -> tuple[Any, ...]:
        """The parts of `a ~ b`, once their text is known to fit."""
        limits.check_text(parts)
        limits.charge(sum(len(p) for p in parts if isinstance(p, str)))
        return parts

    @staticmethod
    def loop_turns(items: Any) -> limits.Turns:
        """The iterable of a `for` loop, each turn counted as a step of the render."""
        return limits.Turns(items)

    def get_template(self, *args: Any, **kwargs: Any) -> jinja2.Template:
        limits.step()  # include, import, extends: a template that includes itself twice...
        return super().get_template(*args, **kwargs)

    def select_template(self, names: Any, *args: Any, **kwargs: Any) -> jinja2.Template:
        limits.step()
        if isinstance(names, (list, tuple)):  # an error message would list every name
            limits.check_text(names)
        return super().select_template(names, *args, **kwargs)


def _finalize(value: Any) -> Any:
    """Measure a value written with {{ }} before it is turned into text."""
    if not isinstance(value, (str, int, float)) and value is not None:
        limits.check_text((value,))
    return value


class _LimitedNamespace(jinja2.utils.Namespace):
    """`namespace()` whose attributes cannot grow past the size limit in a loop."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, limits.check_built(value))

    def __repr__(self) -> str:
        # Short and fixed: a list holding this namespace many times must not grow as it does.
        return "<namespace>"


def _limited_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Filters are called directly by Jinja, not through `call`: check them the same way."""
    text = name not in limits.NOT_TEXT
    estimated = name in limits.FILTERS
    passed = 1 if getattr(func, "jinja_pass_arg", None) else 0  # context or environment first

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        values = args[passed:]
        for value in (*values[1:], *kwargs.values()):
            if isinstance(value, int):
                limits.check_number(value)
        if text:
            limits.check_text((*values, *kwargs.values()))
        if estimated and values:
            size, value = limits.filter_size(name, *values, **kwargs)
            limits.check_size(size)
            args = (*args[:passed], value, *values[1:])
        return limits.check_built(func(*args, **kwargs))

    return checked


class _LimitedFilters(dict[str, Callable[..., Any]]):
    """The filters of an environment: each one is wrapped with the checks as it is added."""

    def __setitem__(self, name: str, func: Callable[..., Any]) -> None:
        super().__setitem__(name, _limited_filter(name, func))


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """`lipsum()`, measured before it writes."""
    limits.check_size(limits.lipsum_size(n, html, min, max))
    return generate_lorem_ipsum(n, html, min, max)


def make_env(
    folder: Path, fallback: Path | None = None, *, autoescape: bool = False
) -> SandboxedEnvironment:
    """A sandboxed, strict environment: Markdown/YAML output, or HTML with `autoescape`."""
    env = LimitedEnvironment(
        loader=KBLoader(folder, fallback),
        undefined=_Undefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["yaml"] = yaml_scalar
    env.globals["namespace"] = _LimitedNamespace
    env.globals["lipsum"] = _lipsum
    filters = env.filters
    env.filters = _LimitedFilters()
    for name, func in filters.items():
        env.filters[name] = func
    return env


def make_trusted_env(folder: Path, *, autoescape: bool = False) -> jinja2.Environment:
    """An environment for the package's own templates only: strict, but not sandboxed.

    The sandbox and its limits guard against templates from the KB, and cost more than
    the rendering itself; templates shipped with the code need neither. Output is the
    same as make_env's for the same templates.
    """
    return jinja2.Environment(
        loader=KBLoader(folder),
        undefined=_Undefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@contextmanager
def time_limited(seconds: float | None = None) -> Iterator[None]:
    """Stop each template rendered in the block after `seconds` (default TIME_LIMIT).

    For interactive commands, whose templates are the user's: a clock makes a render's
    outcome depend on the machine, so batch work (validate, the digest) counts steps only.
    """
    token = _time_limit.set(TIME_LIMIT if seconds is None else seconds)
    try:
        yield
    finally:
        _time_limit.reset(token)


def render(
    env: jinja2.Environment,
    name: str,
    context: dict[str, Any],
    display_root: Path | None = None,
    *,
    max_output: int | None = None,
    max_steps: int | None = None,
) -> str:
    """Render a template; any template failure becomes a TemplateProblem with path:line.

    Rendering stops with an error when the output or any one value built is larger than
    `max_output` (default MAX_OUTPUT), after `max_steps` loop turns and calls (default
    limits.MAX_STEPS), and inside `time_limited` after that many seconds.
    """
    max_size = max_output or MAX_OUTPUT
    try:
        with limits.applying(max_size, max_steps, _time_limit.get()):
            chunks = env.get_template(name).generate(context)
            return _generate_limited(chunks, max_size)
    except TemplateProblem as exc:
        path, line = _template_position(exc, name)
        if exc.path is not None or path is None:
            raise
        # A refused include or extends: point at the line that asked for it.
        raise TemplateProblem(exc.message, _shown(path, name, display_root), line) from None
    except (LimitExceeded, RecursionError, MemoryError) as exc:
        path, line = _template_position(exc, name)
        if isinstance(exc, RecursionError):
            message = "templates call themselves too deeply"
        else:
            message = str(exc) if isinstance(exc, LimitExceeded) else "out of memory"
        raise TemplateProblem(
            f"template stopped: {message}", _shown(path, name, display_root), line
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
    rendered = render(env, name, context, display_root)
    return split(rendered).body if rendered.startswith("---") else rendered


def _generate_limited(chunks: Iterator[str], max_output: int) -> str:
    """Join a template's output, stopping it when it writes too much."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        out.append(chunk)
        size += len(chunk)
        if size > max_output:
            # Thrown into the template so the error points at the line writing the output
            # (jinja2 types Template.generate as returning an Iterator; it is a generator).
            chunks.throw(LimitExceeded(f"output is larger than {max_output:,} characters"))  # type: ignore[attr-defined]
    return "".join(out)


def _message(exc: Exception) -> str:
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"not allowed in a template: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined variable: {exc.message}"
    if isinstance(exc, KeyError) and exc.args:
        return limits.bounded_repr(exc.args[0])  # its text is the key's repr, however large
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
