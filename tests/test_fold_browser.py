"""The digest's search folds as `tool search` does, in a real browser (Chromium via Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run, write
from digest_helpers import browser  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

PEOPLE = {
    "zoe-muller-lukasz": "name: Zoë Müller-Łukasz\ncompany: Łódź Learning\nrole: Researcher",
    "soren-odegard": "name: Søren Ødegård\ncompany: Globex\nrole: Designer",
    "ann-lee": "name: Ann Lee\ncompany: Acme\nrole: Joined in 2023",
    "bo-chen": "name: Bo Chen\ncompany: Acme\nrole: Leads 2\u20133 designers",
}


@pytest.fixture
def search_page(browser, tmp_path: Path):  # noqa: F811
    """The search page of a digest of people with accented names, and its problems."""
    root = tmp_path / "kb"
    write(root / "tool.toml", '[me]\nname = "Me"\n')
    for ident, front in PEOPLE.items():
        write(root / "people" / f"{ident}.md", f"---\n{front}\n---\n")
    result = run("digest", "--root", root)
    assert result.exit_code == 0, result.output
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.goto((root / "site" / "search.html").as_uri())
    yield page
    context.close()
    assert problems == []


def titles(page, query: str) -> list[str]:
    page.fill("#search-input", query)
    return page.locator("#search-results li a").all_inner_texts()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lodz", ["Zoë Müller-Łukasz", "Łódź Learning"]),
        ("ŁÓDŹ", ["Zoë Müller-Łukasz", "Łódź Learning"]),
        ("lukasz", ["Zoë Müller-Łukasz"]),
        ("muller lukasz", ["Zoë Müller-Łukasz"]),
        ("soren odegard", ["Søren Ødegård"]),
        ("2\u20133", ["Bo Chen"]),
        ("2-3", ["Bo Chen"]),
        ("2023", ["Ann Lee"]),
    ],
)
def test_typing_folds_every_letter(search_page, query: str, expected: list[str]):
    assert titles(search_page, query) == expected
