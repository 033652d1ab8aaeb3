"""The digest's SVG charts: golden files for the example KB, escaping, and the network layout.

The golden files are the charts of the example knowledge base at the repository root, as
the shared digest draws them. After a deliberate change to tool/digest/charts.py, rewrite
them with `pytest tests/test_charts.py --update-golden` and read the diff (or open the
.svg files: each is a standalone picture, without the site's colours).
"""

from __future__ import annotations

import math
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from conftest import write
from digest_helpers import REPO
from kb_builder import kb_of

from tool.digest import charts
from tool.digest.build import Gatherer, Pages
from tool.digest.inputs import Options
from tool.rules.stats import Coverage, Period, Step

GOLDEN = Path(__file__).parent / "golden" / "charts"
SVG = "{http://www.w3.org/2000/svg}"


def example_charts() -> dict[str, str]:
    """Every chart of the example KB's shared digest, by file name."""
    files = {"tool.toml": (REPO / "tool.toml").read_text(encoding="utf-8")}
    for folder in ("people", "interviews"):
        for path in sorted((REPO / folder).glob("*.md")):
            files[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    gather = Gatherer(kb_of(files), Options())
    pages = Pages(gather, None, REPO)  # type: ignore[arg-type]  # no page is rendered
    figures = gather.figures
    nodes, edges = pages.graph()
    found = {
        "timeline.svg": charts.timeline(figures.months),
        "funnel.svg": charts.funnel(figures.funnel),
        "coverage.svg": charts.coverage(figures.coverage),
        "network.svg": charts.network(nodes, edges, ""),
    }
    found["activity-jordan-reyes.svg"] = str(
        gather.activity(gather.talks["jordan-reyes"], "activity")["svg"]
    )
    _, acme = gather.members("company", "acme robotics")
    found["activity-acme-robotics.svg"] = str(gather.activity(acme, "activity")["svg"])
    return found


def test_example_charts_match_the_golden_files(request):
    found = example_charts()
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in found.items():
            write(GOLDEN / name, text + "\n")
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.svg"))}
    assert {name: text + "\n" for name, text in found.items()} == on_disk


def test_example_charts_are_well_formed_and_labelled():
    for name, text in example_charts().items():
        svg = ET.fromstring(text)  # well-formed XML, so valid inline in HTML too
        assert svg.get("role") == "img", name
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text, name
        assert desc is not None and desc.text, name
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert not [e for e in svg.iter() if e.tag in (f"{SVG}script", f"{SVG}foreignObject")]
        assert "style=" not in text  # the Content-Security-Policy forbids inline styles


def test_the_example_funnel_chart_says_its_numbers():
    svg = ET.fromstring(example_charts()["funnel.svg"])
    bars = [t.text for t in svg.iter(f"{SVG}title")][1:]
    assert bars == ["requested: 9", "replied: 7", "held: 5", "thanked: 4"]  # none followed up
    desc = svg.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text == (
        "requested: 9; replied: 7; held: 5; thanked: 4; followed up: 0. "
        "The table below has the details."
    )


def test_text_is_escaped_everywhere():
    hostile = '<script>alert("x")</script> & co'
    node = charts.Node("p", hostile, 'people/"><b>.html', 1)
    text = charts.network([node], [], "../")
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in text
    assert 'href="../people/&quot;&gt;&lt;b&gt;.html"' in text
    ET.fromstring(text)
    period = Period(date(2026, 1, 1), '2026-01"><i>', 1, 0, 0)
    ET.fromstring(charts.timeline([period]))
    ET.fromstring(charts.coverage([Coverage("career", hostile, 1, 1)]))
    ET.fromstring(charts.funnel([Step(hostile, 1, None, None)]))
    event = charts.Event(date(2026, 1, 1), "done", hostile)
    assert "<script>" not in charts.activity([event])


def test_timeline_bars_scale_to_the_largest_month():
    months = [
        Period(date(2026, 1, 1), "2026-01", 4, 2, 0),
        Period(date(2026, 2, 1), "2026-02", 1, 0, 1),
    ]
    svg = ET.fromstring(charts.timeline(months))
    bars = {
        r.findtext(f"{SVG}title"): float(r.get("height", "0"))
        for r in svg.iter(f"{SVG}rect")
        if r.findtext(f"{SVG}title")
    }
    assert bars == {
        "2026-01: 4 held": 144.0,  # the whole plot
        "2026-01: 2 requested": 72.0,
        "2026-02: 1 held": 36.0,
        "2026-02: 1 declined": 36.0,
    }


def test_activity_in_words():
    events = [
        charts.Event(date(2026, 3, 1), "done", "done"),
        charts.Event(date(2026, 5, 1), "done", "done"),
        charts.Event(date(2026, 6, 1), "follow-up", "follow-up"),
        charts.Event(date(2026, 7, 1), "planned", "scheduled"),
    ]
    assert charts.activity_text(events) == (
        "Conversations: 2 held from 2026-03-01 to 2026-05-01; "
        "planned: follow-up 2026-06-01, scheduled 2026-07-01."
    )
    assert charts.activity_text([]) == "Conversations: none held yet."
    plans = [charts.Event(date(2026, 8, d), "planned", "idea") for d in range(1, 8)]
    assert charts.activity_text(plans) == (
        "Conversations: none held yet; planned: idea 2026-08-01, idea 2026-08-02, "
        "idea 2026-08-03, idea 2026-08-04, idea 2026-08-05 and 2 more."
    )


def test_marks_of_nearby_days_keep_apart_within_the_strip():
    days = [date(2026, 1, 1), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]
    svg = ET.fromstring(charts.activity(charts.Event(d, "done", "done") for d in days))
    xs = [float(c.get("cx", "")) for c in svg.iter(f"{SVG}circle")]
    assert xs == [14.0, 364.0, 375.0, 386.0]  # the last at the end, the others pushed left


def node(pid: str) -> charts.Node:
    return charts.Node(pid, pid.title(), f"people/{pid}.html", 0)


def test_rings_go_by_distance_from_you_and_cycles_go_outside():
    nodes = [node(p) for p in ("ann", "bo", "cy", "di", "ed")]
    edges = [
        charts.Edge("ann", "bo", "introduction"),
        charts.Edge("bo", "cy", "referral"),
        charts.Edge("di", "ed", "introduction"),  # di and ed: a cycle nobody leads into
        charts.Edge("ed", "di", "introduction"),
    ]
    placed = {p.node.id: p.ring for p in charts.rings(nodes, edges)}
    assert placed == {"ann": 1, "bo": 2, "cy": 3, "di": 4, "ed": 4}
    # The same picture whatever order the records come in.
    assert charts.network(nodes, edges, "") == charts.network(nodes[::-1], edges[::-1], "")


def test_a_long_chain_shares_the_outermost_ring():
    nodes = [node(f"p{n:02d}") for n in range(20)]
    edges = [charts.Edge(f"p{n - 1:02d}", f"p{n:02d}", "introduction") for n in range(1, 20)]
    rings = [p.ring for p in charts.rings(nodes, edges)]
    assert max(rings) == charts.MAX_RINGS
    assert rings.count(charts.MAX_RINGS) == 20 - charts.MAX_RINGS + 1


def test_two_hundred_people_keep_apart():
    nodes = [node(f"p{n:03d}") for n in range(200)]
    # 40 met directly; each later one introduced by someone earlier.
    edges = [
        charts.Edge(f"p{(n * 7) % 40:03d}", f"p{n:03d}", "introduction") for n in range(40, 120)
    ]
    edges += [charts.Edge(f"p{n - 80:03d}", f"p{n:03d}", "referral") for n in range(120, 200)]
    layout = charts.rings(nodes, edges)
    assert len(layout) == 200
    closest = min(
        math.hypot(a.x - b.x, a.y - b.y) for i, a in enumerate(layout) for b in layout[i + 1 :]
    )
    assert closest >= charts.NODE_SPACING * 0.95  # room for a label between neighbours
    ET.fromstring(charts.network(nodes, edges, ""))


@pytest.mark.parametrize(
    ("most", "ticks"), [(0, [0, 1]), (1, [0, 1]), (2, [0, 1, 2]), (3, [0, 1, 3]), (9, [0, 4, 9])]
)
def test_ticks(most, ticks):
    assert charts._ticks(most) == ticks


def test_a_users_own_template_can_use_the_figures(make_kb):
    from conftest import run

    root = make_kb("digest")
    write(
        root / "templates" / "digest" / "you.html",
        '{% extends "base.html" %}{% block main %}'
        '<p id="mine">{{ figures.funnel[2].count }} held, '
        "{{ figures.thank_yous.within_window }} thanked in time</p>{{ charts.funnel }}"
        "{% endblock %}\n",
    )
    result = run("digest", "--root", root)
    assert result.exit_code == 0, result.output
    page = (root / "site" / "you.html").read_text(encoding="utf-8")
    # Ann and Bo held (Dee is private); only Ann thanked within the day.
    mine = '<p id="mine">2 held, 1 thanked in time</p><svg class="chart-svg fit" id="funnel"'
    assert mine in page
