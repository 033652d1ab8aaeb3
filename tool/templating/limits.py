"""What a sandboxed template may build: sizes are known before the text is built.

A value the template builds (a result of an operator, call, filter or format) may hold at
most `max_size` characters or items, and all of them together `max_size * BUILT_PER_SIZE`:
a loop cannot pile up many values of the limit. Operations that can build much more than
they are given (repetition, padding to a width, formats, joins, replacements, indentation)
are estimated from their arguments first and refused before anything is allocated.

Text is counted where it is made: turning a list into text costs the text of all its items,
however they were gathered, so `{{ [big] * 1000 }}` is refused where it would be written.

A sandboxed template repeats work only by looping (`for`, over at most what it is given or
can build) and by calling (macros, `caller()`, `loop()` of a recursive loop, blocks) or
including templates; it has no `while`. Each loop turn, call and template loaded is a step,
and a render may take at most `max_steps` of them, so nested loops and recursion that
branches stop after a known amount of work, whatever the machine, without tracing. Where a
run is interactive, a wall-clock limit can stop a render too (see `applying`).
"""

from __future__ import annotations

import math
import reprlib
import signal
import threading
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, ValuesView
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, time
from types import FrameType
from typing import Any, TypeVar

MAX_SIZE = 200_000  # characters or items of any one value, and of the output, by default
MAX_NUMBER = 10_000_000  # larger counts or widths can only be meant to build a huge value
BUILT_PER_SIZE = 10  # one render may build this many times its size limit, all values together
MAX_POWER = 64
MAX_STEPS = 250_000  # loop turns, calls and templates loaded in one render, by default
_T = TypeVar("_T")

_TEXT = (str, bytes, bytearray)
_SIZED = (str, bytes, bytearray, list, tuple, dict, set, frozenset)
_COLLECTIONS = (list, tuple, set, frozenset, KeysView, ValuesView)
_PLAIN = (int, float, date, time)  # short text; ints are kept below MAX_NUMBER


class LimitExceeded(Exception):
    """A template ran too long or built too much."""


@dataclass
class Limits:
    """The limits of one render, and what it has built and done so far."""

    max_size: int
    built_left: int
    max_steps: int = MAX_STEPS
    steps_left: int = MAX_STEPS
    stopped: str | None = None  # why the render must stop at its next step, if it must
    reprs: dict[int, tuple[object, int]] = field(default_factory=dict)  # id -> (obj, size)

    def stop(self) -> LimitExceeded:
        """The error for a render out of steps, or stopped by the clock."""
        why = self.stopped or f"more than {self.max_steps:,} loop turns and calls"
        return LimitExceeded(f"{why} (an endless loop?)")


_current: ContextVar[Limits | None] = ContextVar("render_limits", default=None)


@contextmanager
def applying(
    max_size: int, max_steps: int | None = None, seconds: float | None = None
) -> Iterator[Limits]:
    """Apply the limits of one render to the template code run inside the block.

    With `seconds`, the render is also stopped by the clock: an interval timer raises in the
    template code, so that the stop comes however long one step takes. Only the main thread
    gets signals, and only while no one else uses the timer; elsewhere the count alone stops.
    """
    steps = MAX_STEPS if max_steps is None else max_steps
    limit = Limits(max_size, max_size * BUILT_PER_SIZE, steps, steps)
    token = _current.set(limit)
    try:
        if seconds is None or not _timer_free():
            yield limit
        else:
            with _alarm(limit, seconds):
                yield limit
    finally:
        _current.reset(token)


def _limits() -> Limits:
    # Outside render() (a template compiled and run directly) the defaults apply.
    return _current.get() or Limits(MAX_SIZE, MAX_SIZE * BUILT_PER_SIZE)


def step() -> None:
    """Count one step (a call, a template loaded) of the render; stop it past its limit."""
    limit = _limits()
    limit.steps_left -= 1
    if limit.steps_left < 0:
        raise limit.stop()


class Turns:
    """The iterable of a template's `for` loop, each item it gives counted as a step."""

    __slots__ = ("items", "limit")

    def __init__(self, items: Any):
        self.items = items
        self.limit = _limits()

    def __len__(self) -> int:  # `loop.length` and `loop.revindex` ask for it
        return len(self.items)

    def __iter__(self) -> Iterator[Any]:
        limit = self.limit
        for item in self.items:
            limit.steps_left -= 1
            if limit.steps_left < 0:
                raise limit.stop()
            yield item


def _timer_free() -> bool:
    """Whether this thread may use the process's interval timer: the main one, unused."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN)
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


@contextmanager
def _alarm(limit: Limits, seconds: float) -> Iterator[None]:
    """Stop the render after `seconds`: the timer's signal raises wherever the code is."""
    running = True

    def expire(signum: int, frame: FrameType | None) -> None:
        if not running:
            return
        limit.stopped = f"rendering took more than {seconds:g} seconds"
        limit.steps_left = -1  # the next step stops the render
        # Stopped right here only in template code at a known line: Jinja can map that line
        # back to the template (between two lines it cannot), and no library code is left
        # half way through. Anywhere else the next step, a moment later, stops it.
        if frame is not None and frame.f_lineno and not frame.f_code.co_filename.endswith(".py"):
            raise limit.stop()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        running = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def too_large() -> LimitExceeded:
    """The error for a value over the size limit."""
    return LimitExceeded(f"a value of more than {_limits().max_size:,} characters or items")


def check_size(size: int) -> None:
    """Refuse to build a value of about `size` characters or items if that is over the limit."""
    if size > _limits().max_size:
        raise too_large()


def check_number(value: Any) -> None:
    """Refuse a number too large to be anything but a runaway count or width."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        shown = f"{value}" if value.bit_length() < 200 else f"of {_digits(value)} digits"
        raise LimitExceeded(f"the number {shown} is too large for a template")


def check_built(value: _T) -> _T:
    """Check a value a template has just built, and count it against the render's total."""
    # Called for every result: written out rather than through the helpers, for speed.
    if isinstance(value, _SIZED):
        size = len(value)
        limit = _limits()
        if size > limit.max_size:
            raise too_large()
        limit.built_left -= size
        if limit.built_left < 0:
            raise _built_too_much(limit)
    elif isinstance(value, int):
        check_number(value)
    return value


def charge(size: int) -> None:
    """Count `size` characters or items against all a render may build."""
    limit = _limits()
    limit.built_left -= size
    if limit.built_left < 0:
        raise _built_too_much(limit)


def _built_too_much(limit: Limits) -> LimitExceeded:
    total = limit.max_size * BUILT_PER_SIZE
    return LimitExceeded(f"the template built more than {total:,} characters or items in all")


def check_text(values: Iterable[Any]) -> None:
    """Refuse to turn values into text longer than the size limit, before doing it."""
    cap = _limits().max_size
    total = 0
    for value in values:
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, _PLAIN) or value is None:
            total += 24
        else:
            total += _shape(value, cap - total).size
        if total > cap:
            raise too_large()


def size_of(value: Any, cap: int | None = None) -> int:
    """About len(str(value)), counting into collections; counting stops once past `cap`."""
    return _shape(value, _limits().max_size if cap is None else cap).size


@dataclass
class Shape:
    """How a value prints: its characters, the values inside it, how deeply they nest."""

    size: int = 0
    nodes: int = 0
    depth: int = 0
    indent: int = 0  # the widest indentation `pprint` could give one of its lines


_END = object()


def _shape(value: Any, cap: int) -> Shape:
    shape = Shape()
    # Iterators, not lists of items, so that counting stops early in a huge collection; each
    # level knows its indentation and whether it yields (key, value) pairs of a mapping.
    stack: list[tuple[Iterator[Any], int, bool]] = [(iter((value,)), 0, False)]
    while stack and shape.size <= cap:
        items, indent, pairs = stack[-1]
        item: Any = next(items, _END)
        if item is _END:
            stack.pop()
            continue
        if pairs:  # pprint writes a value after its key, indented past it
            key_size = size_of(item[0], cap) + 2
            shape.size += key_size
            stack.append((iter((item[1],)), indent + key_size, False))
            continue
        shape.nodes += 1
        shape.depth = max(shape.depth, len(stack))
        shape.indent = max(shape.indent, indent)
        inner = 0 if len(stack) == 1 else 4  # quotes and a separator inside a collection
        if isinstance(item, _TEXT):
            shape.size += len(item) + inner
        elif isinstance(item, bool) or item is None:
            shape.size += 5 + inner
        elif isinstance(item, int):
            shape.size += _digits(item) + inner
        elif isinstance(item, float):
            shape.size += 24 + inner
        elif isinstance(item, (dict, ItemsView)):
            shape.size += 2 + inner
            stack.append((iter(item.items() if isinstance(item, dict) else item), indent + 1, True))
        elif isinstance(item, _COLLECTIONS):
            shape.size += 2 + inner
            stack.append((iter(item), indent + 1, False))
        else:
            shape.size += _repr_size(item) + inner
    return shape


def _repr_size(obj: Any) -> int:
    """The length of an object's text: records from the KB, dates... Computed once per render."""
    known = _limits().reprs
    if id(obj) not in known:
        try:
            size = len(repr(obj))
        except Exception:  # a repr that fails builds nothing
            size = 0
        known[id(obj)] = (obj, size)  # holding obj keeps its id from being reused
    return known[id(obj)][1]


def _digits(number: int) -> int:
    return int(abs(number).bit_length() * 0.30103) + 2


def _number_size(value: Any) -> int:
    """Characters of a number in any base, with grouping separators, before any precision."""
    if isinstance(value, int):
        return abs(value).bit_length() * 5 // 4 + 3
    if isinstance(value, float) and math.isfinite(value) and abs(value) >= 1:
        return int(math.log10(abs(value)) + 2) * 4 // 3 + 2
    return 4


def _count(digits: str) -> int | None:
    """A width or precision written in a format: huge ones stay huge without being parsed."""
    if not digits:
        return None
    return int(digits) if len(digits) <= 12 else 10**12


# --- printf-style formats: "%5d" % n, "%(name)s" % mapping, the `format` filter


def percent_size(template: Any, args: Any) -> int:
    """About the length of `template % args`, from the widths and values it would use."""
    text = template.decode("latin-1") if isinstance(template, (bytes, bytearray)) else template
    values = list(args) if isinstance(args, tuple) else [args]
    mapping = None if isinstance(args, (tuple, str)) else args
    total, at, used = len(text), 0, 0

    def take() -> Any:
        nonlocal used
        used += 1
        return values[used - 1] if used <= len(values) else None

    while (at := text.find("%", at) + 1) > 0:
        value: Any = _END
        if text.startswith("(", at):
            depth, start = 1, at + 1
            at += 1
            while at < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[at], 0)
                at += 1
            value = _lookup(mapping, text[start : at - 1])
        while at < len(text) and text[at] in "-+ #0":
            at += 1
        width, at = _percent_count(text, at, take)
        precision = None
        if text.startswith(".", at):
            precision, at = _percent_count(text, at + 1, take)
            precision = precision or 0
        while at < len(text) and text[at] in "hlL":
            at += 1
        kind = text[at : at + 1]
        at += 1
        if kind in ("%", ""):
            continue
        if value is _END:
            value = take()
        total += max(abs(width or 0), _field_size(kind, value, precision))
    return total


def _lookup(mapping: Any, key: str) -> Any:
    try:
        return mapping[key]
    except Exception:  # the format itself will report the missing key
        return None


def _percent_count(text: str, at: int, take: Callable[[], Any]) -> tuple[int | None, int]:
    if text.startswith("*", at):
        value = take()
        return (value if isinstance(value, int) else 0), at + 1
    end = at
    while end < len(text) and text[end].isdigit():
        end += 1
    return _count(text[at:end]), end


def _field_size(kind: str, value: Any, precision: int | None) -> int:
    """Characters of one formatted value of type `kind` (s, r, d, f, x...), before padding."""
    if kind in "sbra":
        size = size_of(value) * (1 if kind in "sb" else 10)  # repr escapes: at most \Uxxxxxxxx
        return min(size, precision) if precision is not None and kind in "sb" else size
    if kind in "diuoxXeEfFgGn%":
        return _number_size(value) + (6 if precision is None else precision) + 8
    return 1


# --- str.format and format_map: each field is estimated as the formatter reaches it


def format_field_size(value: Any, spec: str) -> int:
    """About the length of format(value, spec) for one field of str.format."""
    if isinstance(value, (date, time)) and spec:
        return strftime_size(spec)
    fill_align = 2 if len(spec) > 1 and spec[1] in "<>=^" else int(spec[:1] in ("<", ">", "=", "^"))
    rest = spec[fill_align:].lstrip("+- z#0")
    digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
    rest = rest[len(digits) :].lstrip(",_")
    precision = None
    if rest.startswith("."):
        rest = rest[1:]
        precision = _count(rest[: len(rest) - len(rest.lstrip("0123456789"))]) or 0
    width = _count(digits) or 0
    if isinstance(value, str):
        base = len(value) if precision is None else min(len(value), precision)
    elif isinstance(value, (int, float)):
        base = _number_size(value) + (6 if precision is None else precision) + 8
    else:
        base = size_of(value) + len(spec)
    return max(width, base)


def strftime_size(spec: Any) -> int:
    """The most strftime may allocate: it gives up at 256 times the format's length."""
    return 256 * len(spec) if isinstance(spec, str) else 0


# --- methods of str and bytes that build more than they are given


def method_size(
    method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[int, tuple[Any, ...]]:
    """About the size of what a method call builds, and its arguments (an iterable made a list).

    Only calls that can build much more than they are given are estimated; others give 0.
    """
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    try:
        if isinstance(owner, _TEXT) and name == "join":
            items = list(args[0])  # read once here: a generator would be empty for the join
            text = sum(len(i) for i in items if isinstance(i, _TEXT))
            return text + len(owner) * max(len(items) - 1, 0), (items,)
        if isinstance(owner, _TEXT) and name in _TEXT_METHODS:
            return _TEXT_METHODS[name](owner, *args, **kwargs), args
        if isinstance(owner, (date, time)) and name == "strftime":
            return strftime_size(args[0] if args else kwargs.get("format")), args
        if isinstance(owner, list) and name == "index":
            check_text(args)  # "x is not in list" shows x
    except (TypeError, IndexError):  # wrong arguments: the call itself says what is wrong
        pass
    return 0, args


def _padded(owner: Any, width: Any, fillchar: Any = " ") -> int:
    return max(len(owner), width) if isinstance(width, int) else len(owner)


def _expandtabs(owner: Any, tabsize: int = 8) -> int:
    tabs: int = owner.count("\t" if isinstance(owner, str) else b"\t")
    return len(owner) + tabs * max(tabsize, 0)


def replace_size(text: Any, old: Any, new: Any, count: Any = -1) -> int:
    """The length of text.replace(old, new, count), from the number of occurrences."""
    try:
        found: int = text.count(old)  # an empty `old` is found len(text) + 1 times
    except TypeError:
        return len(text)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


def _translate(owner: Any, table: Any) -> int:
    if not isinstance(owner, str):
        return len(owner)  # bytes.translate maps one byte to one byte
    values = table.values() if isinstance(table, dict) else table
    longest = max((size_of(v) for v in values), default=1) if isinstance(values, Iterable) else 1
    return len(owner) * max(longest, 1)


_TEXT_METHODS: dict[str, Callable[..., int]] = {
    "center": _padded,
    "ljust": _padded,
    "rjust": _padded,
    "zfill": _padded,
    "expandtabs": _expandtabs,
    "replace": replace_size,
    "translate": _translate,
}

# Methods that grow a collection: its size is checked after each call.
GROWING = frozenset({"append", "extend", "insert", "update", "setdefault", "add"})


def check_grown(method: Any) -> None:
    """After a call that may have grown a list, dict or set, check its size."""
    owner = getattr(method, "__self__", None)
    if isinstance(owner, (list, dict, set)) and getattr(method, "__name__", "") in GROWING:
        check_size(len(owner))


# --- filters that build much more than they are given


def filter_size(name: str, value: Any, *args: Any, **kwargs: Any) -> tuple[int, Any]:
    """About the size of what filter `name` builds, and the value to give it (read once)."""
    estimate = FILTERS.get(name)
    if estimate is None:
        return 0, value
    try:
        return estimate(value, *args, **kwargs)
    except TypeError:  # wrong arguments: the filter itself says what is wrong
        return 0, value


def _center(value: Any, width: Any = 80) -> tuple[int, Any]:
    return max(size_of(value), width if isinstance(width, int) else 0), value


def _indent(
    value: Any, width: Any = 4, first: bool = False, blank: bool = False
) -> tuple[int, Any]:
    text = str(value)
    step = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    return len(text) + (len(text.splitlines()) + 1) * step, value


def _wordwrap(
    value: Any, width: Any = 79, break_long_words: bool = True, wrapstring: Any = None, *_: Any
) -> tuple[int, Any]:
    text = str(value)
    lines = len(text.split()) + text.count("\n") + 1
    if isinstance(width, int) and width > 0:
        lines += len(text) // width
    return len(text) + lines * len(str(wrapstring or "\n")), value


def _join_filter(value: Any, d: Any = "", attribute: Any = None) -> tuple[int, Any]:
    items = list(value)  # read once here: a generator would be empty for the join itself
    cap = _limits().max_size
    size = size_of(d) * max(len(items) - 1, 0)
    for item in items:
        size += size_of(item, cap - size) + (64 if attribute is not None else 0)
        if size > cap:
            break
    return size, items


def _replace_filter(value: Any, old: Any, new: Any, count: Any = None) -> tuple[int, Any]:
    return replace_size(str(value), str(old), str(new), -1 if count is None else count), value


def _format_filter(value: Any, *args: Any, **kwargs: Any) -> tuple[int, Any]:
    return percent_size(str(value), kwargs or args), value


def _batch(value: Any, count: Any, fill_with: Any = None) -> tuple[int, Any]:
    return (count if isinstance(count, int) else 0), value


def _sum(value: Any, attribute: Any = None, start: Any = 0) -> tuple[int, Any]:
    if not isinstance(start, (list, tuple)):
        return 0, value  # numbers; text cannot be summed
    items = list(value)
    parts = items if attribute is None else [_attribute(i, attribute) for i in items]
    return len(start) + sum(len(p) for p in parts if isinstance(p, _SIZED)), items


def _attribute(item: Any, attribute: Any) -> Any:
    """What `make_attrgetter` finds, for counting only: "a.b", indexes, no private names."""
    for part in str(attribute).split("."):
        key: Any = int(part) if part.isdigit() else part
        try:
            item = item[key]
        except Exception:
            item = None if part.startswith("_") else getattr(item, part, None)
    return item


def _urlize(value: Any, trim_url_limit: Any = None, nofollow: Any = False, target: Any = None,
            rel: Any = None, *_: Any) -> tuple[int, Any]:  # fmt: skip
    text = str(value)
    per_link = size_of(target or "") + size_of(rel or "") + 64
    return 3 * len(text) + len(text.split()) * per_link, value


def _tojson(value: Any, indent: Any = None) -> tuple[int, Any]:
    shape = _shape(value, _limits().max_size)
    step = len(indent) if isinstance(indent, str) else indent if isinstance(indent, int) else 0
    # JSON writes a character as up to twelve (a surrogate pair: \ud83d\ude00).
    return 12 * shape.size + shape.nodes * (1 + shape.depth * step), value


def _pprint(value: Any) -> tuple[int, Any]:
    shape = _shape(value, _limits().max_size)
    # Each value on its own line, and long text cut into lines about 80 wide less the indent.
    lines = shape.nodes + shape.size // max(1, 78 - shape.indent)
    return shape.size + lines * (shape.indent + 1), value


FILTERS: dict[str, Callable[..., tuple[int, Any]]] = {
    "center": _center,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "join": _join_filter,
    "replace": _replace_filter,
    "format": _format_filter,
    "batch": _batch,
    "slice": _batch,
    "sum": _sum,
    "urlize": _urlize,
    "tojson": _tojson,
    "pprint": _pprint,
}

# Filters that do not turn their value into text: their arguments need no size check.
NOT_TEXT = frozenset(
    {
        "abs", "attr", "batch", "count", "d", "default", "dictsort", "first", "float",
        "groupby", "int", "items", "last", "length", "list", "map", "max", "min", "random",
        "reject", "rejectattr", "reverse", "round", "select", "selectattr", "slice", "sort",
        "sum", "unique",
    }
)  # fmt: skip


def lipsum_size(n: Any = 5, html: Any = True, min: Any = 20, max: Any = 100) -> int:
    """The most `lipsum()` writes: n paragraphs of at most `max` words."""
    counts = [c if isinstance(c, int) else 0 for c in (n, max)]
    return counts[0] * (counts[1] * 12 + 16)


def bounded_repr(value: Any) -> str:
    """A repr short enough for an error message, whatever the value holds."""
    return reprlib.repr(value)
