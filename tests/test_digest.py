"""`tool digest`: pages, links, escaping, privacy, safety on disk. No browser here."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
from pathlib import Path

import pytest
from conftest import run, write
from digest_helpers import copy_example, hostile_kb, parse

from tool.digest.build import MARKER, Gatherer, Options, Pages, json_script, make_env
from tool.digest.markdown import Policy, render, render_inline, safe_href
from tool.digest.privacy import Secret, phone_digits, scan
from tool.store.loading import load

SECRETS = [
    "ann@example.com",
    "ann.lee@backup.example",
    "cy@home.example",
    "617 555 0100",
    "617 555 0199",
    "20 7946 0958",
    "linkedin.com",
    "mailto:",
    "tel:",
    "Dee Secretson",
    "dee-secretson",
    "pricing team is leaving",
    "salary band",
    "Lisbon",
    "2026-04-02-cy-diaz",
]


def build(root: Path, *args: str) -> Path:
    out = root / "site"
    result = run("digest", "--root", root, "--output", out, *args)
    assert result.exit_code == 0, result.output
    return out


def site_files(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def links_of(page: Path) -> list[str]:
    return [str(a.attrs.get("href")) for a in parse(page).find("a")]


def test_builds_every_page_and_reports(make_kb):
    root = make_kb("digest")
    result = run("digest", "--root", root)
    assert result.exit_code == 0
    assert result.stdout == (
        f"Wrote 21 pages to {root / 'site'} (contact details and private records left out)\n"
    )
    assert sorted(site_files(root / "site")) == [
        MARKER,
        "careers.html",
        "careers/data-science.html",
        "careers/product-management.html",
        "companies.html",
        "companies/acme-robotics.html",
        "companies/globex.html",
        "index.html",
        "interviews.html",
        "interviews/2026-03-10-ann-lee.html",
        "interviews/2026-03-20-bo-chen.html",
        "network.html",
        "people.html",
        "people/ann-lee.html",
        "people/bo-chen.html",
        "people/cy-diaz.html",
        "search.html",
        "search.js",
        "style.css",
        "topics.html",
        "topics/day-to-day.html",
        "topics/hiring.html",
        "topics/skills.html",
        "you.html",
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "people/ann-lee.html",
            [
                "../companies/acme-robotics.html",
                "../careers/product-management.html",
                "../interviews/2026-03-10-ann-lee.html",
                "../people/bo-chen.html",  # introduced, and the Markdown link to bo-chen.md
            ],
        ),
        (
            "people/bo-chen.html",
            ["../people/ann-lee.html", "../interviews/2026-03-20-bo-chen.html"],
        ),
        (
            "interviews/2026-03-10-ann-lee.html",
            ["../people/ann-lee.html", "../companies/acme-robotics.html", "../people/bo-chen.html"],
        ),
        (
            "companies/acme-robotics.html",
            [
                "../people/ann-lee.html",
                "../people/bo-chen.html",
                "../interviews/2026-03-20-bo-chen.html",
                "../topics/hiring.html",
            ],
        ),
        ("topics/hiring.html", ["../interviews/2026-03-20-bo-chen.html"]),
        ("index.html", ["companies/acme-robotics.html", "interviews/2026-03-20-bo-chen.html"]),
    ],
)
def test_pages_link_both_ways(make_kb, page, expected):
    out = build(make_kb("digest"))
    hrefs = links_of(out / page)
    for href in expected:
        assert href in hrefs
    # Every relative link resolves to a file of the site: it works from file:// anywhere.
    for href in hrefs:
        if not href.startswith(("http", "#")):
            assert (out / page).parent.joinpath(href).resolve().is_file(), href


GOLDEN = Path(__file__).parent / "golden" / "digest"


def test_site_matches_the_golden_files(make_kb, request):
    """The whole shared site of the digest fixture; read the diff when it changes."""
    out = build(make_kb("digest"))
    files = {n: t for n, t in site_files(out).items() if n not in ("style.css", "search.js")}
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in files.items():
            write(GOLDEN / name, text)
    assert files == site_files(GOLDEN)


def test_every_link_of_the_site_resolves(make_kb):
    out = build(make_kb("digest"), "--include-private")
    for page in out.rglob("*.html"):
        for element in parse(page).elements:
            for attr in ("href", "src"):
                url = element.attrs.get(attr)
                if url and not url.startswith(("http", "mailto:", "#")):
                    assert page.parent.joinpath(url.split("?")[0]).resolve().is_file(), url


def test_company_spellings_are_one_page_and_targets_show_coverage(make_kb):
    out = build(make_kb("digest"))
    text = " ".join(" ".join(parse(out / "index.html").text).split())
    assert "Acme Robotics 2 2" in text  # "acme  robotics" counts with "Acme Robotics"
    assert "Nobody Inc 0 0 nobody yet" in text
    assert "Data science 1 0" in text  # Dee (private) does not count
    assert not (out / "companies" / "acme-robotics-2.html").exists()


def test_home_shows_what_is_due_only_with_include_private(make_kb):
    root = make_kb("digest")
    shared = (build(root) / "index.html").read_text(encoding="utf-8")
    assert "What is due" not in shared
    private = (build(root, "--include-private") / "index.html").read_text(encoding="utf-8")
    assert "What is due" in private
    assert "Practise a written product exercise" in private
    assert "Thank-yous owed" in private  # Bo's and Dee's conversations were never thanked


def test_no_private_value_anywhere_by_default(make_kb):
    out = build(make_kb("digest"))
    files = site_files(out)
    assert "contact details hidden" in files["index.html"]
    for name, text in files.items():
        lowered = text.lower()
        for secret in SECRETS:
            assert secret.lower() not in lowered, (name, secret)
        assert "<!--" not in text, name


@pytest.mark.parametrize(
    ("secret", "page"),
    [
        ("ann@example.com", "people/ann-lee.html"),
        ("ann.lee@backup.example", "people/ann-lee.html"),
        ("+1 617 555 0100", "people/ann-lee.html"),
        ("https://www.linkedin.com/in/ann-lee-example", "people/ann-lee.html"),
        ("mailto:ann@example.com", "interviews/2026-03-10-ann-lee.html"),
        ("+44 20 7946 0958", "people/cy-diaz.html"),
        ("London (write to cy@home.example)", "people/cy-diaz.html"),
        ("Dee Secretson", "people/dee-secretson.html"),
        ("pricing team is leaving", "people/dee-secretson.html"),
        ("../people/dee-secretson.html", "people/ann-lee.html"),
        ("Lisbon", "interviews/2026-04-02-cy-diaz.html"),
        ("Hospitals buy analytics", "interviews/2026-04-09-dee-secretson.html"),
    ],
)
def test_include_private_shows_each_value_where_expected(make_kb, secret, page):
    out = build(make_kb("digest"), "--include-private")
    assert secret in (out / page).read_text(encoding="utf-8")
    assert "Private edition" in (out / page).read_text(encoding="utf-8")


def test_scan_fails_the_build_and_keeps_the_previous_site(make_kb):
    root = make_kb("digest")
    out = build(root)
    before = site_files(out)
    # A user's theme that prints a contact detail: the scan must catch it.
    write(root / "templates/digest/list.html", "<p>Write to ann@example.com</p>\n")
    result = run("digest", "--root", root, "--output", out)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: private values found in the digest; nothing was written:\n"
        "  careers.html: contains the email from people/ann-lee.md\n"
        "  companies.html: contains the email from people/ann-lee.md\n"
        "  people.html: contains the email from people/ann-lee.md\n"
        "  topics.html: contains the email from people/ann-lee.md\n"
    )
    assert site_files(out) == before
    assert sorted(p.name for p in root.iterdir()) == [
        "interviews",
        "people",
        "site",
        "templates",
        "tool.toml",
    ]


def test_user_theme_overrides_by_name(make_kb):
    root = make_kb("digest")
    write(root / "templates/digest/style.css", "body { color: rebeccapurple }\n")
    write(
        root / "templates/digest/list.html",
        '{% extends "base.html" %}{% block main %}<h1>My {{ title }}</h1>{% endblock %}\n',
    )
    out = build(root)
    assert (out / "style.css").read_text() == "body { color: rebeccapurple }\n"
    assert "<h1>My People</h1>" in (out / "people.html").read_text()
    assert '<h1 id="' not in (out / "index.html").read_text()  # home keeps the default


def test_user_theme_runs_sandboxed_with_path_and_line(make_kb):
    root = make_kb("digest")
    write(root / "templates/digest/list.html", "ok\n{{ ''.__class__.__mro__ }}\n")
    result = run("digest", "--root", root)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: templates/digest/list.html:2: not allowed")
    assert not (root / "site").exists()


def test_output_is_byte_identical_and_timestamp_is_opt_in(make_kb, tmp_path):
    root = make_kb("digest")
    first = site_files(build(root))
    second = site_files(build(root))
    assert first == second
    run("digest", "--root", root, "--output", tmp_path / "stamped", "--timestamp")
    stamped = (tmp_path / "stamped" / "index.html").read_text()
    assert re.search(r"Built \d{4}-\d\d-\d\dT\d\d:\d\d", stamped)
    assert "Built " not in first["index.html"]


def test_title_option_and_no_progress_bar_off_a_terminal(make_kb):
    root = make_kb("digest")
    result = run("digest", "--root", root, "--title", "For my mentor")
    assert "Building the digest" not in result.output
    assert "<title>For my mentor</title>" in (root / "site/index.html").read_text()


def test_progress_bar_on_a_terminal(make_kb, monkeypatch):
    monkeypatch.setattr("tool.cli.digest_commands.is_terminal", lambda: True)
    result = run("digest", "--root", make_kb("hostile"))
    assert result.exit_code == 0
    # Click draws the bar itself on a real terminal; here it prints only the label.
    assert result.stdout.startswith("Building the digest\nWrote 15 pages to ")


@pytest.mark.parametrize("fixture", ["digest", "hostile", "basic"])
@pytest.mark.parametrize("private", [False, True])
def test_page_count_for_the_progress_bar_is_exact(make_kb, fixture, private):
    kb = load(make_kb(fixture))
    pages = Pages(Gatherer(kb, Options(private)), make_env(kb.root), kb.root)
    assert pages.count() == len(list(pages.all()))


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("people", "refusing to write the digest inside people/"),
        ("interviews/site", "refusing to write the digest inside interviews/"),
        ("templates", "refusing to write the digest inside templates/"),
        (".", "refusing to write the digest over the knowledge base itself"),
        ("..", "refusing to write the digest over the knowledge base itself"),
        ("notes", "is not empty and is not a previous digest"),
    ],
)
def test_output_refuses_folders_that_are_not_a_digest(make_kb, output, message):
    root = make_kb("digest")
    write(root / "notes/keep.md", "mine\n")
    before = sorted(p.as_posix() for p in root.rglob("*"))
    result = run("digest", "--root", root, "--output", root / output)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert sorted(p.as_posix() for p in root.rglob("*")) == before


@pytest.mark.parametrize("kind", ["file", "fifo", "socket"])
def test_output_refuses_a_target_that_is_not_a_folder(make_kb, kind):
    root = make_kb("digest")
    target = root / "site"  # the default --output
    if kind == "file":
        write(target, "mine\n")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
        server.close()
    before = sorted((p.name, p.stat().st_mode) for p in root.iterdir())
    result = run("digest", "--root", root)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {target} exists and is not a folder; choose another --output\n"
    )
    assert sorted((p.name, p.stat().st_mode) for p in root.iterdir()) == before
    if kind == "file":
        assert target.read_text() == "mine\n"


def test_output_replaces_a_previous_digest_entirely(make_kb):
    root = make_kb("digest")
    out = build(root)
    write(out / "stale.html", "old\n")
    (root / "people/cy-diaz.md").unlink()
    build(root)
    assert not (out / "stale.html").exists()
    assert not (out / "people/cy-diaz.html").exists()
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []


def test_broken_files_are_reported_and_the_rest_is_built(make_kb):
    root = make_kb("digest")
    write(root / "people/broken.md", "---\nname: [unclosed\n---\n")
    write(root / "interviews/2026-05-01-ghost.md", "---\nperson: ghost\ndate: 2026-05-01\n---\n")
    result = run("digest", "--root", root, "--include-private")
    assert result.exit_code == 0
    assert result.stderr.startswith("people/broken.md:")
    page = (root / "site-private/interviews/2026-05-01-ghost.html").read_text()
    assert "<h1>ghost, <time" in page  # an unknown person is named by the id, not linked


@pytest.mark.parametrize("damage", ["unreadable", "missing"])
def test_interviews_of_an_unreadable_or_missing_person_are_private(make_kb, damage):
    """Dee is private: if her file cannot be read, her interviews must not be shared."""
    root = make_kb("digest")
    dee = root / "people/dee-secretson.md"
    if damage == "unreadable":
        write(dee, dee.read_text().replace("name: Dee Secretson", "name: [Dee Secretson"))
    else:
        dee.unlink()
    result = run("digest", "--root", root)
    assert result.exit_code == 0, result.output
    files = site_files(root / "site")
    assert "interviews/2026-04-09-dee-secretson.html" not in files
    for name, text in files.items():
        assert "Hospitals buy analytics" not in text, name
        assert "2026-04-09-dee-secretson" not in text, name
        if damage == "unreadable":  # not even as a referral: her file may say private
            assert "secretson" not in text.lower(), name
    private = site_files(build(root, "--include-private"))
    assert "Hospitals buy analytics" in private["interviews/2026-04-09-dee-secretson.html"]


def test_help_has_an_example():
    result = run("digest", "--help")
    assert result.exit_code == 0
    assert "Example:\n    tool digest\n" in result.stdout


def test_example_knowledge_base_builds(tmp_path):
    root = copy_example(tmp_path)
    result = run("digest", "--root", root)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


# --- Hostile notes -------------------------------------------------------------------------

DANGEROUS_URL = re.compile(r"^\s*(javascript|data|vbscript|file):|^\s*//|^\\", re.IGNORECASE)


@pytest.mark.parametrize("private", [True, False])
def test_hostile_notes_emit_no_script_handler_or_dangerous_url(make_kb, private):
    out = build(hostile_kb(make_kb), *(["--include-private"] if private else []))
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        parsed = parse(page)
        scripts = [e.attrs for e in parsed.find("script")]
        allowed = [{"type": "application/json", "id": "search-index"}, {"src": "search.js"}]
        assert all(s in allowed for s in scripts), (page, scripts)
        for tag in ("iframe", "base", "img", "style", "object", "embed", "foreignobject", "use"):
            assert not parsed.find(tag), (page, tag)
        # The only pictures are the theme's charts, drawn by the tool.
        assert all(e.attrs["class"].startswith("chart-svg") for e in parsed.find("svg")), page
        # The only forms are the theme's search boxes, which submit to the site's own page.
        search = {"action": "../" * page.relative_to(out).as_posix().count("/") + "search.html"}
        search |= {"method": "get", "role": "search"}
        forms = [e.attrs for e in parsed.find("form")]
        assert [{k: v for k, v in f.items() if k != "class"} for f in forms] == [search], page
        metas = [e.attrs["http-equiv"] for e in parsed.find("meta") if "http-equiv" in e.attrs]
        assert metas == ["Content-Security-Policy"], page
        assert parsed.comments == [], page
        for element in parsed.elements:
            for attr, value in element.attrs.items():
                assert not attr.startswith("on"), (page, element)
                if attr in ("href", "src", "action") and value:
                    assert not DANGEROUS_URL.search(value), (page, element)
    # The hostile values are shown as text, and the comment is gone.
    mallory = out / "people/mallory.html"
    text = "".join(parse(mallory).text)
    shown = [
        "<script>alert('body')</script>",
        "\"><script>alert('name')</script>",
        "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    ]
    for value in shown + (["\"><script>alert('email')</script>@example.com"] if private else []):
        assert value in text
    assert "candid comment" not in mallory.read_text()


def test_hostile_file_names_become_safe_slugs(make_kb):
    out = build(hostile_kb(make_kb))
    names = sorted(p.relative_to(out).as_posix() for p in out.glob("people/*.html"))
    assert names == [
        "people/2e-2e-2fescape.html",
        "people/con.html",
        "people/img-src-x-onerror-alert-file.html",
        "people/mallory.html",
        "people/person.html",
        "people/script-alert-file-script.html",
    ]


def test_hostile_title_is_escaped_everywhere(make_kb):
    out = build(hostile_kb(make_kb))
    html = (out / "index.html").read_text()
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(&#39;title&#39;)" in html
    assert "<script>alert" not in html


# --- Units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "private", "expected"),
    [
        ("https://example.org/a?b=1#c", False, "https://example.org/a?b=1#c"),
        ("http://example.org", False, "http://example.org"),
        ("#notes", False, "#notes"),
        ("mailto:a@example.com", False, None),
        ("mailto:a@example.com", True, "mailto:a@example.com"),
        ("https://www.linkedin.com/in/x", False, None),
        ("https://www.linkedin.com/in/x", True, "https://www.linkedin.com/in/x"),
        ("https://example.org/?to=a@example.com", False, None),
        ("tel:+15550100", True, None),
        ("javascript:alert(1)", True, None),
        ("JaVaScRiPt:alert(1)", True, None),
        ("jav&#x61;script:alert(1)", True, None),
        ("jav&#97;script:alert(1)", True, None),
        ("java%0ascript:alert(1)", True, None),
        ("java\tscript:alert(1)", True, None),
        ("\x01javascript:alert(1)", True, None),
        (" javascript:alert(1)", True, None),
        ("java\u200bscript:alert(1)", True, None),
        ("%6Aavascript:alert(1)", True, None),
        ("data:text/html,<script>", True, None),
        ("vbscript:x", True, None),
        ("file:///etc/passwd", True, None),
        ("//evil.example/", True, None),
        ("\\\\evil.example\\x", True, None),
        ("other.html", True, None),
        ("bo-chen.md", True, "people/bo-chen.html"),
        ("../people/bo-chen.md#intro", True, "people/bo-chen.html"),
        ("../people/ghost.md", True, None),
        # The id is the file name, as written: upper case and percent-escapes included.
        ("Zoe-Park.md", False, "people/zoe-park.html"),
        ("../people/Zoe%2DPark.md#notes", False, "people/zoe-park.html"),
        ("zoe-park.md", False, None),
    ],
)
def test_safe_href(url, private, expected):
    pages = {"bo-chen": "people/bo-chen.html", "Zoe-Park": "people/zoe-park.html"}
    policy = Policy(include_private=private, pages=pages)
    assert safe_href(url, policy) == expected


@pytest.mark.parametrize(
    ("source", "private", "html"),
    [
        ("<b>x</b>", False, "<p>&lt;b&gt;x&lt;/b&gt;</p>\n"),
        ("a <!-- hidden --> b", False, "<p>a  b</p>\n"),
        (
            "[x](https://e.org)",
            False,
            '<p><a href="https://e.org" rel="nofollow noopener noreferrer">x</a></p>\n',
        ),
        ("![alt](https://tracker.example/p.png)", False, "<p>alt</p>\n"),
        ("[](javascript:alert(1))", True, "<p></p>\n"),  # a dropped link with no text
        ("- [](javascript:alert(1))", True, "<ul>\n<li></li>\n</ul>\n"),
        ("Mail a&#64;example.com now", False, "<p>Mail [email hidden] now</p>\n"),
        ("<a@example.com>", False, "<p>[email hidden]</p>\n"),
        (
            "<a@example.com>",
            True,
            '<p><a href="mailto:a@example.com" rel="nofollow noopener noreferrer">'
            "a@example.com</a></p>\n",
        ),
        ("Call +1 (555) 010-0199", False, "<p>Call [phone hidden]</p>\n"),
        ("See linkedin.com/in/someone", False, "<p>See [LinkedIn hidden]</p>\n"),
        ("Ask Dee  Secretson", False, "<p>Ask a private contact</p>\n"),
        ("Ask Dee Secretson", True, "<p>Ask Dee Secretson</p>\n"),
        (
            "- [ ] open\n- [x] done",
            False,
            '<ul>\n<li class="task">\u2610 open</li>\n<li class="task">\u2611 done</li>\n</ul>\n',
        ),
    ],
)
def test_render_markdown(source, private, html):
    policy = Policy(include_private=private, private_names=("Dee Secretson",))
    assert render(source, policy) == html


def test_a_link_to_a_file_name_with_upper_case_is_kept(make_kb):
    root = make_kb("digest")
    write(root / "people/Zoe-Park.md", "---\nname: Zoe Park\n---\n")
    write(root / "people/yan-li.md", "---\nname: Yan Li\n---\nMet through [Zoe](Zoe-Park.md).\n")
    out = build(root)
    assert (out / "people/zoe-park.html").is_file()
    assert "../people/zoe-park.html" in links_of(out / "people/yan-li.html")


def test_render_inline_rewrites_note_links_from_the_page_depth():
    policy = Policy(pages={"bo-chen": "people/bo-chen.html"}).with_root("../")
    assert render_inline("[Bo](bo-chen.md)", policy) == '<a href="../people/bo-chen.html">Bo</a>'


def test_json_script_cannot_close_the_script_element():
    data = {"t": "</script><!-- & \u2028\u2029 >"}
    encoded = str(json_script(data))
    assert encoded == '{"t":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 \\u003e"}'
    assert json.loads(encoded) == data


def test_network_survives_cycles_and_long_chains(tmp_path):
    root = tmp_path / "kb"
    people = {"ava": "bea", "bea": "ava", "cal": "cal"}  # a cycle, and a self-introduction
    people |= {f"p{n:04d}": f"p{n - 1:04d}" for n in range(1, 1500)}  # one long chain
    people["p0000"] = ""
    for pid, by in people.items():
        write(root / f"people/{pid}.md", f"---\nname: {pid.title()}\nintroduced_by: {by}\n---\n")
    out = build(root)
    parsed = parse(out / "network.html")
    shown = [a.attrs["href"] for a in parsed.find("a") if a.attrs["href"].startswith("people/")]
    assert len(shown) == len(set(shown)) == len(people)  # everyone exactly once
    text = " ".join(" ".join(parsed.text).split())
    assert "Ava Bea Met without an introduction Cal" in text
    assert text.count("P1499") == 1


def test_a_large_note_page_is_built(tmp_path):
    """Digest pages are not held to the 200,000-character limit of questions and drafts."""
    root = tmp_path / "kb"
    body = "Engineer on the platform team, with a long story.\n\n" * 5_000
    write(root / "people/ann.md", f"---\nname: Ann\n---\n{body}")
    page = (build(root) / "people/ann.html").read_text(encoding="utf-8")
    assert len(page) > 200_000
    assert page.count("Engineer on the platform team") == 5_000


def test_a_large_company_is_paged(tmp_path):
    """A company's people come 100 to a page, each page linking to its neighbours."""
    root = tmp_path / "kb"
    role = "Engineer on the " + "platform " * 50
    for n in range(250):
        write(
            root / f"people/p{n:03d}.md", f"---\nname: P{n:03d}\ncompany: Acme\nrole: {role}\n---\n"
        )
    out = build(root)
    urls = ["companies/acme.html", "companies/p2/acme.html", "companies/p3/acme.html"]
    pages = [(out / url).read_text(encoding="utf-8") for url in urls]
    assert not (out / "companies/p4").exists()
    assert [page.count(role.strip()) for page in pages] == [100, 100, 50]
    assert [re.findall(r"P\d{3}", page)[0] for page in pages] == ["P000", "P100", "P200"]
    assert links_of(out / urls[0])[-1:] == ["../companies/p2/acme.html"]
    assert "../../companies/acme.html" in links_of(out / urls[1])
    assert "../../companies/p3/acme.html" in links_of(out / urls[1])
    assert "Page 3 of 3" in pages[2]
    assert 'rel="next"' not in pages[2]


SCAN_SECRETS = [
    Secret("email", "ann@example.com", "people/ann-lee.md"),
    Secret("phone", "+1 617 555 0100", "people/ann-lee.md"),
    Secret("name", "Dee Secretson", "people/dee-secretson.md"),
    Secret("page", "people/dee-secretson.html", "the private record dee-secretson"),
    Secret("note", "the whole pricing team is leaving", "people/dee-secretson.md"),
]


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ("<p>ann&#64;example.com</p>", ["email from people/ann-lee.md"]),
        ('{"t":"ann\\u0040example.com"}', ["email from people/ann-lee.md"]),
        ("<p>Call 1 (617) 555-0100</p>", ["phone from people/ann-lee.md"]),
        ("<p>Call +16175550100</p>", ["phone from people/ann-lee.md"]),
        ("<p>Dee\n   <b>Secretson</b></p>", ["name from people/dee-secretson.md"]),
        (
            '<a href="../people/dee-secretson.html">x</a>',
            ["name from people/dee-secretson.md", "page from the private record dee"],
        ),
        ("<p>The WHOLE pricing-team is leaving!</p>", ["note from people/dee-secretson.md"]),
        ("<p>write to bo@example.org</p>", ["email address 'b***@example.org'"]),
        ("<p>+44 20 7946 0958</p>", ["phone number '+** ** **** **58'"]),
        ("<p>linkedin.com/in/someone</p>", ["LinkedIn URL 'linkedin.com/***'"]),
        ("<p>2026-03-10, 40% of 1000 days; Deeper Secretsonia</p>", []),
    ],
)
def test_privacy_scan(tmp_path, content, found):
    write(tmp_path / "site/page.html", content)
    leaks = [leak.format() for leak in scan(tmp_path / "site", SCAN_SECRETS)]
    assert len(leaks) == len(found)
    for leak, expected in zip(leaks, found, strict=True):
        assert leak.startswith("page.html: contains ") and expected in leak


@pytest.mark.parametrize(
    ("phone", "digits"),
    [
        ("+1 (617) 555-0100", "16175550100"),
        ("555-0100", "5550100"),
        ("555 010", None),  # too short to dial, and would match dates
        ("ask me", None),
        (None, None),
    ],
)
def test_phone_digits(phone, digits):
    assert phone_digits(phone) == digits


def test_the_packaged_theme_runs_as_code_and_a_user_theme_sandboxed(tmp_path):
    from jinja2.sandbox import SandboxedEnvironment

    assert not isinstance(make_env(tmp_path), SandboxedEnvironment)
    (tmp_path / "templates" / "digest").mkdir(parents=True)  # even empty: the user's theme
    assert isinstance(make_env(tmp_path), SandboxedEnvironment)


def test_template_syntax_and_html_in_notes_stay_inert_in_the_packaged_theme(make_kb):
    # The packaged theme runs unsandboxed: notes reach it only as data, autoescaped.
    root = make_kb("digest")
    write(
        root / "people/tess-template.md",
        '---\nname: "{{ 7*7 }} Tess"\ncompany: "{% raw %}Acme{{ 6*7 }}"\n'
        'role: "<script>alert(4)</script>"\n---\n'
        "Notes {{ 7*7 }} and {% raw %}x{% endraw %} and <script>alert(1)</script> "
        "and [click](javascript:alert(1)).\n",
    )
    write(
        root / "interviews/2026-05-01-tess-template.md",
        "---\nperson: tess-template\ndate: 2026-05-01\nstatus: done\n---\n"
        "## Insights\n- {{ 7*7 }} <script>alert(2)</script> [go](javascript:alert(3)) #jinja\n",
    )
    out = build(root)
    person = (out / "people/tess-template.html").read_text()
    assert "<h1>{{ 7*7 }} Tess</h1>" in person
    assert (
        "<p>Notes {{ 7*7 }} and {% raw %}x{% endraw %} and "
        "&lt;script&gt;alert(1)&lt;/script&gt; and click.</p>"
    ) in person
    assert '<a href="../companies/raw-acme-6-7.html">{% raw %}Acme{{ 6*7 }}</a>' in person
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in person
    insight = "{{ 7*7 }} &lt;script&gt;alert(2)&lt;/script&gt; go"
    for page in ("people/tess-template.html", "topics/jinja.html", "companies/raw-acme-6-7.html"):
        html = (out / page).read_text()
        assert insight in html, page
        assert "<script>alert" not in html and "javascript:" not in html, page
        assert "49" not in html and "42" not in html, page
