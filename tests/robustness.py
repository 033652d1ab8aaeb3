"""What the property, fault and concurrency tests share: profiles, inputs, commands, checks.

A new command joins the robustness tests with one line here:
- a command whose output must be deterministic: `OUTPUTS` (e.g. `"stats": ("stats",)`);
- a command that sets fields of an interview in place: `EDITS`;
- a command that reports problems in notes: `DIAGNOSTICS` (e.g. the editor server's
  diagnostics, as a function of the KB root returning exit status and problem lines);
- a command that writes and may be killed while it does: `WRITERS` (e.g. `"fmt": ("fmt",)`).
`tool fmt`, which rewrites a whole file, has its own property in test_properties_edits.py.

Examples per property: `examples(n)` gives n in CI (profile `ci`, the default) and 25 n
with `HYPOTHESIS_PROFILE=long`. CI derandomizes: every run tries the same examples, so a
failure reproduces on any machine and the suite never fails by chance; the long profile
draws new ones each run and keeps the failures it finds in .hypothesis/ to replay first.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import run, write
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
WRAPPER = REPO / "tests" / "fault_wrapper.py"

# --- Hypothesis profiles -------------------------------------------------------------------

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "ci",
    derandomize=True,  # the same examples on every run and machine: reproducible, never flaky
    database=None,
    deadline=None,  # a run of the CLI takes what it takes on a busy CI machine
    suppress_health_check=_QUIET,
    print_blob=True,
)
settings.register_profile(
    "long",
    derandomize=False,
    database=DirectoryBasedExampleDatabase(str(REPO / ".hypothesis" / "robustness")),
    deadline=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
SCALE = {"ci": 1, "long": 25}.get(PROFILE, 1)
settings.load_profile(PROFILE if PROFILE in ("ci", "long") else "ci")


def examples(n: int) -> settings:
    """Settings for a property tried n times in CI (25 n in the long profile)."""
    return settings(max_examples=n * SCALE)


# --- The commands under test ---------------------------------------------------------------

# name -> arguments after `tool --root KB`; `{out}` is a fresh output path of the test's
# (a command without it is judged by what it prints).
OUTPUTS: dict[str, tuple[str, ...]] = {
    "index markdown": ("index", "--output", "{out}"),
    "index json": ("index", "--by", "topic", "--format", "json", "--output", "{out}"),
    "digest": ("digest", "--output", "{out}"),
    "export csv people": ("export", "csv", "--what", "people", "--output", "{out}"),
    "export csv interviews": ("export", "csv", "--what", "interviews", "--output", "{out}"),
    "export json": ("export", "json", "--output", "{out}"),
    "export vcf": ("export", "vcf", "--output", "{out}"),
    "export ics": ("export", "ics", "--output", "{out}"),
    "stats": ("stats", "--on", "2026-05-01", "--format", "json"),
    "leads": ("leads", "--format", "json"),
}

# name -> arguments for an in-place change of the interview `rel` (interviews/<id>.md).
EDITS: dict[str, Callable[[str], tuple[str, ...]]] = {
    "done": lambda rel: ("done", rel),
    "thanked": lambda rel: ("thanked", rel, "--on", "2026-03-11"),
    "schedule": lambda rel: ("schedule", rel, "--date", _DAY_OF(rel), "--time", "09:30"),
    "check": lambda rel: ("check", rel, "Read"),
}


def _DAY_OF(rel: str) -> str:  # keeps the file's name: nothing to rename
    return Path(rel).name[:10]


def validate_lines(root: Path) -> tuple[int, list[str]]:
    """`tool validate` over the KB: exit status and the lines it printed."""
    result = run("--root", root, "validate")
    return result.exit_code, (result.stdout + result.stderr).splitlines()


def editor_lines(root: Path) -> tuple[int, list[str]]:
    """The editor server's diagnostics of the whole KB as validate's lines, and a summary."""
    from datetime import date

    from tool.lsp.state import Knowledge

    found = Knowledge(root, date(2026, 5, 1)).every_problem()
    errors = sum(p.severity == "error" for p in found)
    summary = f"{errors} errors, {len(found) - errors} warnings in 0 files"
    return int(errors > 0), [p.format() for p in found] + [summary]


# name -> what reports the problems of a KB as lines: (exit status, lines).
DIAGNOSTICS: dict[str, Callable[[Path], tuple[int, list[str]]]] = {
    "validate": validate_lines,
    "lsp": editor_lines,
}

# name -> arguments of a command that writes, for the kill loop; `{kb}` and `{out}` filled in.
WRITERS: dict[str, tuple[str, ...]] = {
    "new person": ("new", "person", "Dana Kowalski", "--company", "Globex"),
    "import vcf": ("import", "vcf", str(REPO / "tests/imports/contacts.vcf")),
    "done": ("done", "interviews/2026-04-02-cy-diaz.md"),
    "schedule": ("schedule", "interviews/2026-04-02-cy-diaz.md", "--date", "2026-04-09"),
    "digest": ("digest", "--output", "{out}"),
    "validate (cache)": ("validate",),
}

PROBLEM = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+)(?::(?P<col>\d+))?: (error|warning): \S.*$")
SUMMARY = re.compile(r"^(?:\d+ errors?, \d+ warnings?|No problems) in \d+ files?$")


# --- Knowledge bases -----------------------------------------------------------------------


def make_kb(root: Path, files: Mapping[str, str | bytes] = {}, base: str = "basic") -> Path:
    """A copy of the fixture KB `base` with `files` written over it (relative paths)."""
    import shutil

    shutil.copytree(FIXTURES / base, root)
    for rel, text in files.items():
        write(root / rel, text)
    return root


def snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under root (links not followed) by relative path, with its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and not rel.startswith(skip):
            found[rel] = path.read_bytes()
    return found


@contextmanager
def listing_order(seed: int) -> Iterator[None]:
    """Folders list their entries in an order of `seed`'s, as another file system might."""
    scandir, listdir = os.scandir, os.listdir

    class Shuffled:
        def __init__(self, entries: list[os.DirEntry[str]]):
            self.entries = iter(entries)

        def __iter__(self) -> Iterator[os.DirEntry[str]]:
            return self.entries

        def __next__(self) -> os.DirEntry[str]:
            return next(self.entries)

        def __enter__(self) -> Shuffled:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def close(self) -> None:
            return None

    def shuffled(items: list) -> list:
        items = sorted(items, key=lambda e: getattr(e, "name", e))
        random.Random(seed).shuffle(items)
        return items

    def fake_scandir(path: str | os.PathLike[str] | int = ".") -> Shuffled:
        with scandir(path) as found:
            return Shuffled(shuffled(list(found)))

    def fake_listdir(path: str | os.PathLike[str] | int = ".") -> list[str]:
        return shuffled(listdir(path))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "scandir", fake_scandir)
        patch.setattr(os, "listdir", fake_listdir)
        yield


# --- Inputs ------------------------------------------------------------------------------

RESERVED = ["CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))]
RESERVED += [f"LPT{i}" for i in range(1, 10)]
YAML_WORDS = ["yes", "No", "null", "~", "true", "FALSE", "on", "1e3", "0x1F", ".nan", "2026-03-14"]
HOSTILE_NAMES = [
    *RESERVED,
    *(r.lower() + ".txt" for r in RESERVED[:4]),
    *YAML_WORDS,
    "",
    " ",
    ".",
    "..",
    ".hidden",
    "-rf",
    "--help",
    "a/b",
    "../../etc/passwd",
    "C:\\Windows",
    "name: value",
    "# comment",
    "- item",
    "[list]",
    "{map: 1}",
    "&anchor",
    "*alias",
    "!tag",
    "|",
    ">",
    "'single'",
    '"double"',
    "`back`",
    "O'Brien",
    "Anne-Marie d\u2019Arc",
    "\u202eevil\u202c",
    "\u200bzero\u200b",
    "e\u0301cole",
    "\u674e\u96f7",
    "\u0645\u062d\u0645\u062f",
    "\U0001f600",
    "Jane \U0001f600 Doe",
    "tab\there",
    "line\nbreak",
    "nul\x00byte",
    "bell\x07",
    "x" * 300,
    "\ufeffBOM",
    "{{ 7*7 }}",
    "{% raw %}",
]


def person_names() -> st.SearchStrategy[str]:
    """Any text, with the names most likely to break a file name or YAML drawn often."""
    return st.one_of(
        st.sampled_from(HOSTILE_NAMES),
        st.text(max_size=40),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=12).map(
            lambda s: random.Random(s).choice(RESERVED) + s
        ),
        st.builds(
            lambda a, b: f"{a} {b}",
            st.text(st.characters(categories=["L"]), min_size=1, max_size=10),
            st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=10),
        ),
    )


# Markdown that tries to run code, load things or escape the page, as notes may contain.
HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<iframe src='https://evil.example'></iframe>",
    "<a href='javascript:alert(1)'>x</a>",
    "<style>body{display:none}</style>",
    "<!-- comment --><div onclick=x>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](vbscript:msgbox)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](file:///etc/passwd)",
    "[x](//evil.example/path)",
    "[x](<javascript:alert(1)>)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<data:text/html,x>",
    "![img](javascript:alert(1))",
    "![img](https://tracker.example/p.gif)",
    '[t](https://ok.example "title\\" onmouseover=\\"x")',
    "[ok](https://example.com/a?b=c&d=e)",
    "[mail](mailto:someone@example.org)",
    "[note](../people/ann-lee.md)",
    "``` html\n<script>x</script>\n```",
    "`<b>code</b>`",
    "> <b>quote</b>",
    "- [ ] <i>task</i>\n- [x] done",
    "# <h1>Heading</h1>",
    "&lt;script&gt; &amp; &#x3C;script&#x3E;",
    '"><script>alert(1)</script>',
    "'); alert(1); //",
    "</textarea></title></script><script>x</script>",
    "\u202e\u2066bidi",
    "{{ config }} {% for x in y %}",
    "x" * 200,
]


def markdown_bodies() -> st.SearchStrategy[str]:
    """Markdown mixing hostile snippets with any text."""
    piece = st.one_of(st.sampled_from(HOSTILE_MARKDOWN), st.text(max_size=30))
    return st.lists(piece, max_size=6).flatmap(
        lambda pieces: st.sampled_from(["\n\n", "\n", " "]).map(lambda sep: sep.join(pieces))
    )


# --- Checks on outputs ---------------------------------------------------------------------

# What the digest may contain: the theme's elements and what notes' Markdown renders to.
_TAGS = """html head meta title link body header footer nav main section article aside
    h1 h2 h3 h4 h5 h6 p div span a ul ol li dl dt dd em strong code pre blockquote
    hr br table caption thead tbody tr th td time form label input noscript s del
    script svg g rect line text desc polyline path circle figure figcaption defs pattern"""
ALLOWED_TAGS = set(_TAGS.split())
GLOBAL_ATTRIBUTES = {"class", "id", "lang", "title", "role", "hidden"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "rel", "aria-current", "aria-label"},
    "meta": {"charset", "content", "http-equiv", "name"},
    "link": {"href", "rel"},
    "form": {"action", "method"},
    "input": {"autocomplete", "name", "placeholder", "type", "value"},
    "label": {"for"},
    "time": {"datetime"},
    "th": {"scope"},
    "ol": {"start"},
    "script": {"src", "type"},
    "p": {"aria-live"},
    "nav": {"aria-label"},
    "section": {"aria-label", "aria-labelledby"},
}
# The digest's charts (SVG): shapes and where they are; nothing that loads or runs.
_SVG = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "d", "width", "height", "fill"}
_SVG |= {"stroke-width", "text-anchor", "transform", "viewbox", "xmlns", "points"}
_SVG |= {"patterntransform", "patternunits"}
for _tag in ["svg", "g", "rect", "line", "text", "path", "circle", "polyline", "pattern", "defs"]:
    ALLOWED_ATTRIBUTES[_tag] = ALLOWED_ATTRIBUTES.get(_tag, set()) | _SVG
URL_ATTRIBUTES = {"href", "src", "action"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\ufeff]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in an attribute's value, or None if relative."""
    seen = _INVISIBLE.sub("", unquote(html.unescape(url))).lower()
    found = _SCHEME.match(seen)
    return None if found is None or "/" in seen[: found.start(1)] else found[1]


class Elements(HTMLParser):
    """Every start tag of a document with its attributes; text inside <script> too."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        _tag, attrs = self.tags[-1] if self.tags else ("", {})
        if self.cdata_elem == "script" and attrs.get("type") == "application/json":
            self.scripts.append(data)  # a data block's whole text, in one piece


def unsafe_markup(page: str) -> list[str]:
    """What in one HTML page is outside the allowlist: elements, attributes, URL schemes."""
    parser = Elements()
    parser.feed(page)
    parser.close()
    found = []
    for tag, attrs in parser.tags:
        if tag not in ALLOWED_TAGS:
            found.append(f"element <{tag}>")
            continue
        for name, value in attrs.items():
            allowed = GLOBAL_ATTRIBUTES | ALLOWED_ATTRIBUTES.get(tag, set())
            if name not in allowed and not (name.startswith("aria-") and tag != "script"):
                found.append(f"attribute {name} on <{tag}>")
            elif "url(" in (value or "").replace(" ", "") and "url(#" not in (value or ""):
                found.append(f"external url() in <{tag} {name}>")
            elif name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in ALLOWED_SCHEMES:
                    found.append(f"URL {value!r} in <{tag} {name}>")
        if tag == "script" and attrs.get("type") == "application/json":
            continue  # data, checked below
        if tag == "script" and "src" not in attrs:
            found.append("inline script")
        elif tag == "script" and not (attrs["src"] or "").endswith("search.js"):
            found.append(f"script from {attrs['src']!r}")
    for data in parser.scripts:
        try:
            json.loads(data)
        except ValueError:
            found.append("script data that is not JSON")
    return found


def readable_forms(data: bytes) -> list[str]:
    """The ways a reader or a program could read a file: text, tags out, entities decoded."""
    text = data.decode("utf-8", errors="replace")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)  # JSON escapes
    decoded = html.unescape(text)
    forms = [text, decoded, unquote(decoded)]
    for tags_as in ("", " "):
        forms.append(html.unescape(re.sub(r"<[^>]*>", tags_as, text)))
    return [unicodedata.normalize("NFKC", f).casefold() for f in forms]


def leaks(data: bytes, secrets: list[str]) -> list[str]:
    """The secrets found in a file however written: case, spacing, entities, markup between."""
    found = []
    forms = readable_forms(data)
    squeezed = [re.sub(r"[\s\u00ad\u200b-\u200d\u2060]+", "", f) for f in forms]
    for secret in secrets:
        key = unicodedata.normalize("NFKC", secret).casefold()
        key_squeezed = re.sub(r"\s+", "", key)
        digits = re.sub(r"\D", "", key)
        if (
            any(key in f for f in forms)
            or any(key_squeezed in f for f in squeezed)
            or (len(digits) >= 7 and any(re.search(r"[^\w]{0,3}".join(digits), f) for f in forms))
        ):
            found.append(secret)
    return found


# --- Subprocesses ------------------------------------------------------------------------


def env(cache: Path) -> dict[str, str]:
    """The environment of a `python -m tool` subprocess: this checkout, its own cache."""
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TOOL_CACHE_DIR": str(cache),
        "EDITOR": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def tool_process(
    root: Path, args: tuple[str, ...], cache: Path, wrapper: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """Start `python -m tool --root KB ARGS`, under the fault wrapper when it is given."""
    prefix = [str(WRAPPER), *wrapper, "--"] if wrapper else ["-m"]
    return subprocess.Popen(
        [sys.executable, *prefix, "tool", "--root", str(root), *args],
        env=env(cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
    )


def tool(
    root: Path, args: tuple[str, ...], cache: Path, timeout: float = 60
) -> tuple[int, str, str]:
    """Run `python -m tool` to the end: exit status, stdout, stderr."""
    process = tool_process(root, args, cache)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out.decode(), err.decode()


KILLED = -signal.SIGKILL


# --- Running the CLI in-process on a fresh KB per example --------------------------------


@contextmanager
def fresh_kb(files: Mapping[str, str | bytes] = {}, base: str = "basic") -> Iterator[Path]:
    """A KB of its own for one example, with a cache of its own, removed afterwards."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tool-prop-") as folder:
        cache = os.environ.get("TOOL_CACHE_DIR")
        os.environ["TOOL_CACHE_DIR"] = str(Path(folder) / "cache")
        try:
            yield make_kb(Path(folder) / "kb", files, base)
        finally:
            if cache is None:
                os.environ.pop("TOOL_CACHE_DIR", None)
            else:
                os.environ["TOOL_CACHE_DIR"] = cache


class Hung(Exception):
    """A run took longer than any run on a small KB should."""


@contextmanager
def no_hang(seconds: float = 20) -> Iterator[None]:
    """Raise Hung in the main thread after `seconds` (an infinite loop fails, not hangs)."""

    def alarm(signum: int, frame: object) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
