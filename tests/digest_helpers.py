"""Helpers for the digest tests: an HTML parser, the example KB, and one shared browser."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import write

CHROMIUM = Path("/usr/bin/chromium")
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


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session; under CI=true it must be there."""
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci:
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed")
    if not CHROMIUM.exists():
        if in_ci:
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
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
