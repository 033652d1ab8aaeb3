"""The digest's charts in Chromium: drawn, inside the page, and saying what their tables say.

Screenshots go to $TOOL_ARTIFACTS when set (CI keeps that folder), else to the test's tmp
folder: look at them after changing the charts or the theme.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import run
from digest_helpers import browser, copy_example  # noqa: F401  (browser: a fixture)

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("charts"))
    result = run("digest", "--root", root)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("TOOL_ARTIFACTS") or tmp_path) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, site: Path, url: str, viewport: str, scheme: str = "light"):  # noqa: F811
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.goto((site / url).as_uri())
    return context, page, problems


def check_charts_fit(page, viewport: str) -> int:
    """Every chart is drawn with a size, inside the viewport; the page does not scroll sideways."""
    width = VIEWPORTS[viewport]["width"]
    boxes = page.locator("svg.chart-svg").evaluate_all(
        "svgs => svgs.map(s => { const r = s.getBoundingClientRect();"
        " return [s.id, r.left, r.right, r.width, r.height]; })"
    )
    assert boxes
    for ident, left, right, w, h in boxes:
        assert w > 0 and h > 0, ident
        assert left >= 0 and right <= width, (ident, left, right)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    return len(boxes)


def texts(page, selector: str) -> list[str]:
    """The text of each element (SVG elements have no innerText)."""
    return page.locator(selector).evaluate_all("es => es.map(e => e.textContent)")


def bar_titles(page, chart: str) -> list[str]:
    return texts(page, f"#{chart} rect title")


def table(page, ident: str) -> list[list[str]]:
    return page.locator(f"#{ident} tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.children].map(c => c.textContent.trim()))"
    )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_home_charts_render_and_match_their_tables(
    browser,  # noqa: F811
    example_site,
    artifacts,
    viewport,
):
    context, page, problems = open_page(browser, example_site, "index.html", viewport)
    assert check_charts_fit(page, viewport) == 3  # timeline, funnel, coverage
    page.screenshot(path=artifacts / f"home-{viewport}.png", full_page=True)
    page.locator(".progress").screenshot(path=artifacts / f"home-progress-{viewport}.png")

    # Each bar's label says the number of its row and column in the table beside it.
    months = {
        row[0]: dict(zip(("held", "requested", "declined"), row[1:], strict=True))
        for row in table(page, "timeline-data")
    }
    bars = bar_titles(page, "timeline")
    assert bars
    for bar in bars:
        month, value, series = re.fullmatch(r"(\S+): (\d+) (\w+)", bar).groups()
        assert months[month][series] == value, bar
    shown = sum(int(v) > 0 for row in months.values() for v in row.values())
    assert len(bars) == shown  # a bar for every number above zero, and no other

    funnel = table(page, "funnel-data")
    assert [row[:2] for row in funnel] == [
        ["requested", "9"],
        ["replied", "7"],
        ["held", "5"],
        ["thanked", "4"],
        ["followed up", "0"],
    ]
    assert bar_titles(page, "funnel") == [
        f"{s}: {n}" for s, n in (r[:2] for r in funnel) if n != "0"
    ]
    # The funnel's table agrees with the home page's own count of conversations.
    held = page.locator(".counts li").nth(1).inner_text()
    assert held.split()[0] == funnel[2][1]
    assert problems == []
    context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_network_graph_renders_everyone_listed(browser, example_site, artifacts, viewport):  # noqa: F811
    context, page, problems = open_page(browser, example_site, "network.html", viewport)
    assert check_charts_fit(page, viewport) == 1
    page.screenshot(path=artifacts / f"network-{viewport}.png", full_page=True)
    nodes = texts(page, "#network a circle title")
    listed = page.locator("main .tree a, main .chips a").all_inner_texts()
    assert sorted(n.split(":")[0] for n in nodes) == sorted(listed)
    caption = page.locator("#network-caption").inner_text()
    assert f"{len(nodes)} people" in caption
    # Every node links to its person's page.
    hrefs = page.locator("#network a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert all((example_site / h).is_file() for h in hrefs)
    for circle in page.locator("#network circle.node").all():
        box = circle.bounding_box()
        assert box and box["width"] > 0
    assert problems == []
    context.close()


def test_dark_theme_colours_the_charts(browser, example_site, artifacts):  # noqa: F811
    context, page, _ = open_page(browser, example_site, "you.html", "desktop", "dark")
    page.screenshot(path=artifacts / "you-desktop-dark.png", full_page=True)
    fill = page.evaluate("getComputedStyle(document.querySelector('#funnel rect')).fill")
    assert fill == "rgb(86, 180, 233)"  # Okabe-Ito sky blue, for a dark background
    text = page.evaluate("getComputedStyle(document.querySelector('#funnel text')).fill")
    assert text == page.evaluate("getComputedStyle(document.body).color")
    context.close()
    context, page, _ = open_page(browser, example_site, "you.html", "phone")
    assert check_charts_fit(page, "phone") == 3
    page.screenshot(path=artifacts / "you-phone.png", full_page=True)
    facts = page.locator("#follow-through dd").all_inner_texts()
    # Thanked after 0, 1, 1 and 0 days; Zoë's conversation of 2026-11-20 not yet.
    assert facts[0] == "4 of 5 (80%); median 0.5 days"
    context.close()
