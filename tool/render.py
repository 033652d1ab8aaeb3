"""The one Jinja2 factory: templates from the KB are untrusted and run sandboxed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from tool.errors import TemplateProblem

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
    from tool.document import Scalar

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
            base = folder.resolve()
            path = folder.joinpath(*parts)
            if not path.exists() and not path.is_symlink():
                continue
            resolved = path.resolve()
            if not resolved.is_relative_to(base):
                raise TemplateProblem(
                    f"template {template!r} points outside {folder.name}/; refused"
                )
            if not resolved.is_file():
                continue
            source = resolved.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
            mtime = resolved.stat().st_mtime
            return source, str(path), lambda p=resolved, m=mtime: p.stat().st_mtime == m
        raise jinja2.TemplateNotFound(template)


def make_env(folder: Path, fallback: Path | None = None) -> SandboxedEnvironment:
    """A sandboxed, strict environment for Markdown/YAML output (no HTML escaping)."""
    env = SandboxedEnvironment(
        loader=KBLoader(folder, fallback),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yaml"] = yaml_scalar
    return env


def render(
    env: jinja2.Environment, name: str, context: dict[str, Any], display_root: Path | None = None
) -> str:
    """Render a template; any template failure becomes a TemplateProblem with path:line."""
    try:
        return env.get_template(name).render(context)
    except TemplateProblem:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            exc.message or "syntax error", _shown(exc.filename, name, display_root), exc.lineno
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        path, line = _template_position(exc, name)
        raise TemplateProblem(_message(exc), _shown(path, name, display_root), line) from None


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
