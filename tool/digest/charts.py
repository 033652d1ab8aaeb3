"""The digest's pictures as inline SVG text: timeline, funnel, coverage, activity, network.

Pure: figures in, markup out, the same bytes for the same figures. No script and no style
attribute (the site's Content-Security-Policy allows neither): colours come from classes
that style.css maps to the theme's variables, a colour-vision-safe palette (Okabe-Ito)
whose series also differ by pattern, marker shape or dash, and every text is escaped.
Each chart has a <title> and <desc>; the pages put a table or sentence beside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from tool.rules.stats import Coverage, Period, Step

# The network's size on the page, in CSS pixels per unit, until the page is narrower.
SCALE = 1.5
FONT = 12  # text size in the charts' own units (about 1 CSS pixel at their usual width)
# The timeline's series, their labels and fills (solid, hatched, dotted: not colour alone).
SERIES = (("held", "held"), ("requested", "requested"), ("declined", "declined"))
MARK_GAP = 11.0  # the least distance between marks on an activity strip
SHOWN_PLANS = 5  # plans an activity strip's sentence names, at most
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _t(text: object) -> str:
    """Text or an attribute value, escaped for HTML and SVG alike."""
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate, short and stable: at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(
    ident: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: list[str],
    fit: bool = True,
) -> str:
    """The <svg> element, labelled by its title and description.

    `fit` charts fill their box's width; the others keep their size, and only shrink.
    """
    kind = "chart-svg fit" if fit else "chart-svg"
    scale = 1.0 if fit else SCALE
    head = (
        f'<svg class="{kind}" id="{_t(ident)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width * scale)}" height="{_n(height * scale)}" role="img" '
        f'aria-labelledby="{_t(ident)}-svg-title {_t(ident)}-svg-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
    )
    return "\n".join(
        [
            head,
            f'<title id="{_t(ident)}-svg-title">{_t(title)}</title>',
            f'<desc id="{_t(ident)}-svg-desc">{_t(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _patterns(ident: str) -> list[str]:
    """Hatching and dots for the second and third series, drawn in their colours."""
    return [
        "<defs>",
        f'<pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">',
        '<rect class="s2-tint" width="6" height="6"/>',
        '<line class="s2-ink" x1="0" y1="0" x2="0" y2="6" stroke-width="3"/>',
        "</pattern>",
        f'<pattern id="{ident}-dots" width="5" height="5" patternUnits="userSpaceOnUse">',
        '<rect class="s3-tint" width="5" height="5"/>',
        '<circle class="s3-ink" cx="2.5" cy="2.5" r="1.4"/>',
        "</pattern>",
        "</defs>",
    ]


def _fill(ident: str, series: int) -> str:
    """The class and fill of a bar of the given series (1, 2 or 3)."""
    if series == 1:
        return 'class="bar s1"'
    pattern = "hatch" if series == 2 else "dots"
    return f'class="bar s{series}-edge" fill="url(#{ident}-{pattern})"'


def _legend(ident: str, names: Sequence[str], x: float, y: float) -> list[str]:
    out = []
    for n, name in enumerate(names, 1):
        out.append(f'<rect {_fill(ident, n)} x="{_n(x)}" y="{_n(y - 9)}" width="10" height="10"/>')
        out.append(f'<text class="label" x="{_n(x + 14)}" y="{_n(y)}">{_t(name)}</text>')
        x += 22 + len(name) * FONT * 0.55
    return out


def _ticks(most: int) -> list[int]:
    """Values for the horizontal grid lines: 0, the largest, and a round one between."""
    if most <= 1:
        return [0, 1]
    middle = most // 2
    return [0, middle, most] if middle not in (0, most) else [0, most]


def timeline(months: Sequence[Period], ident: str = "timeline") -> str:
    """Conversations per month: held, requested and declined, side by side."""
    width, height = 400.0, 210.0
    left, right, top, bottom = 30.0, 6.0, 30.0, 36.0
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max([max(p.held, p.requested, p.declined) for p in months] + [1])
    body = _patterns(ident)
    body += _legend(ident, [label for _, label in SERIES], left, 14)
    base = top + plot_h
    for value in _ticks(most):
        y = base - plot_h * value / most
        body.append(
            f'<line class="grid" x1="{_n(left)}" y1="{_n(y)}" x2="{_n(width - right)}" '
            f'y2="{_n(y)}"/>'
        )
        body.append(
            f'<text class="tick" x="{_n(left - 5)}" y="{_n(y + 4)}" '
            f'text-anchor="end">{value}</text>'
        )
    count = max(len(months), 1)
    group = plot_w / count
    bar = min(group * 0.8 / 3, 14.0)
    every = math.ceil(count / 8)  # at most eight month labels
    for n, period in enumerate(months):
        x0 = left + group * n + (group - bar * 3) / 2
        for s, (field, label) in enumerate(SERIES):
            value = getattr(period, field)
            if not value:
                continue
            h = plot_h * value / most
            body.append(
                f'<rect {_fill(ident, s + 1)} x="{_n(x0 + bar * s)}" y="{_n(base - h)}" '
                f'width="{_n(bar)}" height="{_n(h)}"><title>{_t(period.label)}: {value} '
                f"{_t(label)}</title></rect>"
            )
        if n % every == 0:
            month = MONTHS[period.start.month - 1]
            x = left + group * (n + 0.5)
            body.append(
                f'<text class="tick" x="{_n(x)}" y="{_n(base + 15)}" '
                f'text-anchor="middle">{month}</text>'
            )
            if n == 0 or period.start.month == 1:
                body.append(
                    f'<text class="tick" x="{_n(x)}" y="{_n(base + 29)}" '
                    f'text-anchor="middle">{period.start.year}</text>'
                )
    body.append(
        f'<line class="axis" x1="{_n(left)}" y1="{_n(base)}" x2="{_n(width - right)}" '
        f'y2="{_n(base)}"/>'
    )
    held = sum(p.held for p in months)
    asked = sum(p.requested for p in months)
    declined = sum(p.declined for p in months)
    span = f"from {months[0].label} to {months[-1].label}" if months else "none yet"
    desc = (
        f"Bars per month {span}: {held} conversations held, {asked} requests sent, "
        f"{declined} declined. The table below gives each month."
    )
    return _svg(ident, width, height, "Conversations per month", desc, body)


def funnel(steps: Sequence[Step], ident: str = "funnel") -> str:
    """The outreach funnel as bars shrinking from the requests, each with its count."""
    width, row = 400.0, 28.0
    label_w, count_w = 92.0, 78.0
    height = row * len(steps) + 8
    first = max([s.count for s in steps[:1]] + [1])
    body = []
    for n, step in enumerate(steps):
        y = 4 + row * n
        w = (width - label_w - count_w) * step.count / first
        body.append(f'<text class="label" x="0" y="{_n(y + 17)}">{_t(step.name)}</text>')
        if step.count:
            body.append(
                f'<rect class="bar s1 step{n}" x="{_n(label_w)}" y="{_n(y + 4)}" width="{_n(w)}" '
                f'height="{_n(row - 8)}"><title>{_t(step.name)}: {step.count}</title></rect>'
            )
        share = "" if step.conversion is None else f" ({round(step.conversion * 100)}%)"
        body.append(
            f'<text class="value" x="{_n(label_w + w + 6)}" y="{_n(y + 17)}">'
            f"{step.count}{_t(share)}</text>"
        )
    desc = "; ".join(f"{s.name}: {s.count}" for s in steps) + ". The table below has the details."
    return _svg(ident, width, height, "Outreach funnel", desc, body)


def coverage(rows: Sequence[Coverage], ident: str = "coverage") -> str:
    """For each target, people known there (hatched) and conversations held (solid)."""
    width, row = 400.0, 34.0
    label_w, value_w, top = 140.0, 28.0, 22.0
    height = top + row * len(rows) + 4
    most = max([max(r.people, r.conversations) for r in rows] + [1])
    plot_w = width - label_w - value_w
    body = _patterns(ident)
    body += _legend(ident, ["conversations held", "people"], label_w, 13)
    for n, r in enumerate(rows):
        y = top + row * n
        name = r.name if len(r.name) <= 21 else r.name[:20] + "…"
        body.append(f'<text class="label" x="0" y="{_n(y + 20)}">{_t(name)}</text>')
        for k, (value, series, what) in enumerate(
            ((r.conversations, 1, "conversations held"), (r.people, 2, "people"))
        ):
            by = y + 5 + k * 12
            w = plot_w * value / most
            if value:
                body.append(
                    f'<rect {_fill(ident, series)} x="{_n(label_w)}" y="{_n(by)}" '
                    f'width="{_n(w)}" height="10"><title>{_t(r.name)}: {value} {what}'
                    "</title></rect>"
                )
            body.append(
                f'<text class="value small" x="{_n(label_w + w + 4)}" y="{_n(by + 9)}">'
                f"{value}</text>"
            )
    gaps = [r.name for r in rows if not r.people]
    gap = f" Nobody yet at: {', '.join(gaps)}." if gaps else ""
    desc = f"People and conversations held for {len(rows)} targets.{gap}"
    return _svg(ident, width, height, "Coverage of targets", desc, body)


@dataclass(frozen=True)
class Event:
    """One mark on an activity strip."""

    day: date
    # "done"; "planned" (idea, requested, scheduled); "off" (declined, cancelled); "follow-up"
    kind: str
    label: str


def activity(events: Iterable[Event], ident: str = "activity") -> str:
    """A strip along time: held conversations, planned ones, and follow-ups to come."""
    marks = sorted(events, key=lambda e: (e.day, e.kind, e.label))
    width, height, pad = 400.0, 46.0, 14.0
    body = [f'<line class="axis" x1="{_n(pad)}" y1="18" x2="{_n(width - pad)}" y2="18"/>']
    if marks:
        first, last = marks[0].day, marks[-1].day
        span = max((last - first).days, 1)
        xs: list[float] = []
        for mark in marks:
            x = (
                width / 2
                if first == last
                else pad + (width - 2 * pad) * (mark.day - first).days / span
            )
            # Marks of nearby days would hide each other: keep each a little apart.
            xs.append(max(x, xs[-1] + MARK_GAP) if xs else x)
        # Pushed past the end, the last ones come back and push the others left instead.
        for n in range(len(xs) - 1, -1, -1):
            limit = width - pad if n == len(xs) - 1 else xs[n + 1] - MARK_GAP
            xs[n] = min(xs[n], limit)
        for mark, x in zip(marks, xs, strict=True):
            body.append(_marker(mark, x, 18.0))
        body.append(f'<text class="tick" x="{_n(pad)}" y="40">{first.isoformat()}</text>')
        if last != first:
            body.append(
                f'<text class="tick" x="{_n(width - pad)}" y="40" '
                f'text-anchor="end">{last.isoformat()}</text>'
            )
    desc = activity_text(marks)
    return _svg(ident, width, height, "Activity", desc, body)


def activity_text(marks: Sequence[Event]) -> str:
    """The strip in words: what happened when, and what was planned."""
    held = [m for m in marks if m.kind == "done"]
    planned = [m for m in marks if m.kind in ("planned", "follow-up")]
    parts = []
    if held:
        when = f"on {held[0].day}" if len(held) == 1 else f"from {held[0].day} to {held[-1].day}"
        parts.append(f"{len(held)} held {when}")
    else:
        parts.append("none held yet")
    if planned:
        shown = ", ".join(f"{m.label} {m.day}" for m in planned[:SHOWN_PLANS])
        more = len(planned) - SHOWN_PLANS
        parts.append(f"planned: {shown}" + (f" and {more} more" if more > 0 else ""))
    return "Conversations: " + "; ".join(parts) + "."


def _marker(mark: Event, x: float, y: float) -> str:
    title = f"<title>{_t(mark.label)} {mark.day.isoformat()}</title>"
    at = f'cx="{_n(x)}" cy="{_n(y)}"'
    if mark.kind == "done":
        return f'<circle class="mark s1" {at} r="6">{title}</circle>'
    if mark.kind == "planned":
        return f'<circle class="mark hollow s2-edge" {at} r="5.5">{title}</circle>'
    if mark.kind == "follow-up":
        d = f"M{_n(x)} {_n(y - 7)}L{_n(x + 7)} {_n(y)}L{_n(x)} {_n(y + 7)}L{_n(x - 7)} {_n(y)}Z"
        return f'<path class="mark hollow s4-edge" d="{d}">{title}</path>'
    a, b = f"{_n(x - 5)} {_n(y - 5)}", f"{_n(x + 5)} {_n(y + 5)}"
    c, d = f"{_n(x + 5)} {_n(y - 5)}", f"{_n(x - 5)} {_n(y + 5)}"
    d = f"M{a}L{b}M{c}L{d}"
    return f'<path class="mark cross s3-edge" d="{d}">{title}</path>'


@dataclass(frozen=True)
class Node:
    """A person on the network graph."""

    id: str
    name: str
    url: str  # relative to the site root
    conversations: int


@dataclass(frozen=True)
class Edge:
    """Who led to whom: `kind` is "introduction" or "referral"."""

    source: str  # a person id, or "" for you
    target: str
    kind: str


@dataclass(frozen=True)
class Placed:
    """A node with its ring (1: met directly) and position."""

    node: Node
    ring: int
    x: float
    y: float
    angle: float  # radians, 0 pointing right, clockwise (SVG's y grows downwards)


RING_GAP = 70.0
NODE_SPACING = 13.0  # arc length per person on a crowded ring: room for a 10-unit label
SPREAD = 40.0  # arc length wanted between people on an uncrowded ring
CROWDED = 16  # people on a ring from which labels turn to point outwards
MAX_RINGS = 8  # people further away share the outermost ring
MAX_DRAWN = 400  # people: beyond, the graph would be unreadable, and only the list is shown


def rings(nodes: Sequence[Node], edges: Sequence[Edge]) -> list[Placed]:
    """Concentric rings by distance from you, each person near who led you to them.

    You reach directly everyone nobody shown led you to; each other person sits one ring
    outside the nearest person who introduced or referred them. People only reachable
    through a cycle go on one ring outside all others. Deterministic: ties go by id.
    """
    by_id = {n.id: n for n in nodes}
    children: dict[str, list[str]] = {}
    led: set[str] = set()
    for e in sorted(edges, key=lambda e: (e.source, e.target, e.kind)):
        if e.source in by_id and e.target in by_id and e.source != e.target:
            children.setdefault(e.source, []).append(e.target)
            led.add(e.target)
    ring: dict[str, int] = {n.id: 1 for n in nodes if n.id not in led}
    parent_of: dict[str, str] = {}
    frontier = sorted(ring)
    level = 1
    while frontier:
        level += 1
        found: list[str] = []
        for pid in frontier:
            for kid in children.get(pid, []):
                if kid not in ring:
                    ring[kid] = level
                    parent_of[kid] = pid
                    found.append(kid)
        frontier = sorted(set(found))
    outer = min(max(ring.values(), default=0) + 1, MAX_RINGS)
    for n in nodes:
        ring.setdefault(n.id, outer)
        ring[n.id] = min(ring[n.id], MAX_RINGS)
    placed: dict[str, Placed] = {}
    radius, gap = 0.0, RING_GAP
    for level in sorted(set(ring.values())):
        members = sorted(nid for nid in ring if ring[nid] == level)
        radius = max(radius + gap, len(members) * NODE_SPACING / (2 * math.pi))
        # A crowded ring's labels point outwards: the next ring starts beyond them.
        longest = max(len(by_id[m].name) for m in members)
        gap = RING_GAP + (min(longest, 30) * 6.0 if len(members) > CROWDED else 0.0)
        for nid, angle in zip(members, _angles(members, parent_of, placed, radius), strict=True):
            x, y = radius * math.cos(angle), radius * math.sin(angle)
            placed[nid] = Placed(by_id[nid], level, x, y, angle)
    return sorted(placed.values(), key=lambda p: (p.ring, p.angle, p.node.id))


def _angles(
    members: list[str], parent_of: dict[str, str], placed: dict[str, Placed], radius: float
) -> list[float]:
    """Angles for one ring's people: beside their parents, kept apart, in a stable order."""
    count = len(members)
    even = [-math.pi / 2 + 2 * math.pi * k / count for k in range(count)]
    # A parent on an inner ring; on the outermost ring, the parent may be on it as well.
    wanted = {
        m: placed[parent_of[m]].angle if parent_of.get(m) in placed else None for m in members
    }
    if all(a is None for a in wanted.values()):
        return even
    gap = min(2 * math.pi / count, SPREAD / radius)
    # People without a parent (a cycle) go where the even spread would put them.
    order = sorted(
        members,
        key=lambda m: (
            a if (a := wanted[m]) is not None else even[members.index(m)],
            m,
        ),
    )
    wants = [a if (a := wanted[m]) is not None else even[members.index(m)] for m in order]
    angles: list[float] = []
    for want in wants:
        angles.append(want if not angles else max(want, angles[-1] + gap))
    # Pushed apart, they drift one way: shift them all back, on average, to what they wanted.
    shift = (sum(wants) - sum(angles)) / count
    angles = [a + shift for a in angles]
    if angles[-1] - angles[0] > 2 * math.pi - gap:  # too many to keep beside their parents
        angles = [angles[0] + 2 * math.pi * k / count for k in range(count)]
    found = dict(zip(order, angles, strict=True))
    return [found[m] for m in members]


def _size(conversations: int) -> float:
    return min(4.0 + 2.5 * math.sqrt(conversations), 14.0)


def network(nodes: Sequence[Node], edges: Sequence[Edge], root: str, ident: str = "network") -> str:
    """The referral network: you in the centre, people on rings, links to their pages."""
    layout = rings(nodes, edges)
    where = {p.node.id: p for p in layout}
    crowded = {
        ring for ring in {p.ring for p in layout} if sum(p.ring == ring for p in layout) > CROWDED
    }
    labels = []
    xs, ys = [-RING_GAP, RING_GAP], [-RING_GAP, RING_GAP]
    for p in layout:
        r = _size(p.node.conversations)
        # Few people: larger labels, which stay legible when a phone shrinks the graph.
        size = 10.0 if p.ring in crowded else 14.0
        reach = len(p.node.name) * size * 0.6  # about 0.6 of the font size a letter, at most
        cos, sin = math.cos(p.angle), math.sin(p.angle)
        if p.ring in crowded:
            # Labels point away from the centre; on the left half they are turned to read.
            flip = cos < -1e-9
            lx, ly = p.x + cos * (r + 3), p.y + sin * (r + 3)
            turn = math.degrees(p.angle) + (180 if flip else 0)
            anchor = "end" if flip else "start"
            extra = f' class="node-label" transform="rotate({_n(turn)} {_n(lx)} {_n(ly)})"'
            xs += [lx + cos * reach]
            ys += [ly + sin * reach]
            ly += 3
        else:
            # Beside the node, across its ring: edges to parents and children run along
            # the radius, so a label there stays clear of them. Upright.
            # Neighbours on the next ring sit at about the same angle: alternate the side.
            side = 1 if p.ring % 2 else -1
            tx, ty = -sin * side, cos * side
            anchor = "start" if tx > 0.3 else ("end" if tx < -0.3 else "middle")
            lx = p.x + tx * (r + 4)
            ly = p.y + ty * (r + 4) + (size if ty > 0.3 else -2 if ty < -0.3 else size * 0.35)
            extra = ' class="node-label big"'
            width = reach if anchor != "middle" else reach / 2
            xs += [lx - width if anchor != "start" else lx, lx + width if anchor != "end" else lx]
            ys += [ly - size, ly + 4]
        xs += [p.x - r, p.x + r]
        ys += [p.y - r, p.y + r]
        labels.append((p, r, lx, ly, anchor, extra))
    outer = max([math.hypot(p.x, p.y) for p in layout] + [RING_GAP])
    xs += [-outer, outer]
    ys += [-outer, outer]
    pad = 8.0
    x0, y0 = min(xs) - pad, min(ys) - pad
    width, height = max(xs) + pad - x0, max(ys) + pad - y0
    body = [f'<g transform="translate({_n(-x0)} {_n(-y0)})">']
    for ring_radius in sorted({round(math.hypot(p.x, p.y), 1) for p in layout}):
        body.append(f'<circle class="ring" cx="0" cy="0" r="{_n(ring_radius)}"/>')
    for p in layout:
        if p.ring == 1:  # met directly: a faint spoke from you
            body.append(f'<line class="edge direct" x1="0" y1="0" x2="{_n(p.x)}" y2="{_n(p.y)}"/>')
    for e in sorted(edges, key=lambda e: (e.kind, e.source, e.target)):
        a, b = where.get(e.source), where.get(e.target)
        if a is None or b is None:
            continue
        body.append(
            f'<line class="edge {e.kind}" x1="{_n(a.x)}" y1="{_n(a.y)}" '
            f'x2="{_n(b.x)}" y2="{_n(b.y)}"/>'
        )
    body.append('<circle class="you" cx="0" cy="0" r="16"/>')
    body.append('<text class="you-label" x="0" y="4" text-anchor="middle">you</text>')
    for p, r, lx, ly, anchor, extra in labels:
        halo = extra.replace('class="node-label', 'class="halo node-label')
        talks = p.node.conversations
        what = f"{talks} conversation{'s' if talks != 1 else ''}"
        body.append(
            f'<a href="{_t(root + p.node.url)}">'
            f'<circle class="node ring{min(p.ring, 4)}" cx="{_n(p.x)}" cy="{_n(p.y)}" '
            f'r="{_n(r)}"><title>{_t(p.node.name)}: {what}</title></circle>'
            # The label twice: first a halo of the background, which keeps it readable
            # where lines cross it, then the text itself.
            f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}"{halo}>'
            f"{_t(p.node.name)}</text>"
            f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}"{extra}>'
            f"{_t(p.node.name)}</text></a>"
        )
    body.append("</g>")
    intro = sum(e.kind == "introduction" for e in edges)
    refs = sum(e.kind == "referral" for e in edges)
    rings_used = max((p.ring for p in layout), default=0)
    desc = (
        f"{len(layout)} people on {rings_used} rings around you; {intro} introductions "
        f"(solid lines) and {refs} referrals (dashed lines). Larger circles: more "
        "conversations. The list below gives the same links."
    )
    return _svg(ident, width, height, "Referral network", desc, body, fit=False)
