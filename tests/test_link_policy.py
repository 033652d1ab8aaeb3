"""One link and HTML policy (`tool.links`) for every output that shows what notes say."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import run, write
from digest_helpers import parse
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tool import links

# (an insight as written in a note, the same insight in the index's Markdown)
HOSTILE = [
    # Entities, which CommonMark decodes in a link destination.
    ("[a](&#106;avascript:alert(1))", "a"),
    ("[a](&#x6A;avascript:alert(1))", "a"),
    ("[a](&#X6a;AVASCRIPT:alert(1))", "a"),
    ("[a](javascript&colon;alert(1))", "a"),
    ("[a](javascript&#58;alert(1))", "a"),
    ("[a](java&#x09;script:alert(1))", "a"),
    ("[a](java&Tab;script:alert(1))", "a"),
    # Case, blanks and control characters, which browsers ignore in a scheme.
    ("[a](JaVaScRiPt:alert(1))", "a"),
    ("[a]( javascript:alert(1) )", "a"),
    ("[a](<java\tscript:alert(1)>)", "a"),
    ("[a](<\x01javascript:alert(1)>)", "a"),
    ("[a](java%09script:alert(1))", "a"),
    ("[a](java\u200bscript:alert(1))", "a"),
    ("[a](<javascript:alert(1)>)", "a"),
    # Autolinks, references and images.
    ("<javascript:alert(1)>", "javascript:alert(1)"),
    ("<JAVASCRIPT:alert(1)>", "JAVASCRIPT:alert(1)"),
    ("[r]: javascript:alert(1)", "\\[r\\]: javascript:alert(1)"),
    ("[a][r]", "\\[a\\]\\[r\\]"),
    ("![x](javascript:alert(1))", "x"),
    ("![x](https://tracker.example/p.png)", "x"),
    ("\\![x](https://tracker.example/p.png)", "\\![x](https://tracker.example/p.png)"),
    # Other schemes.
    ("[a](data:text/html;base64,PHNjcmlwdD4=)", "a"),
    ("[a](vbscript:msgbox(1))", "a"),
    ("[a](file:///etc/passwd)", "a"),
    ("[a](tel:+15550100)", "a"),
    ("[a](//evil.example/x)", "a"),
    # Nesting, and text that would join up into markup once a link is gone.
    ("[[a](javascript:x)](https://ok.example)", "\\[a\\](https://ok.example)"),
    ("[![x](javascript:y)](javascript:z)", "x"),
    ("\\`[a](javascript:x)`", "\\`a\\`"),
    ("<[a](javascript:x)script>alert(1)</script>", "&lt;ascript>alert(1)&lt;/script>"),
    ("&[#106;](javascript:x)avascript:", "&amp;#106;avascript:"),
    # Raw HTML.
    ('<a href="javascript:alert(1)">a</a>', '&lt;a href="javascript:alert(1)">a&lt;/a>'),
    ("An <img src=x onerror=alert(1)>", "An &lt;img src=x onerror=alert(1)>"),
    ("Hi <script>alert(1)</script>", "Hi &lt;script>alert(1)&lt;/script>"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script>alert(1)&lt;/script>"),
    ("`<script>`{=html}", "`<script>`\\{=html}"),  # Pandoc's raw attribute
]
KEPT = [
    ("[a](https://ok.example) and 1 < 2", "[a](https://ok.example) and 1 < 2"),
    ('[a](HTTPS://ok.example/x?y=1&z=2 "title")', "[a](HTTPS://ok.example/x?y=1&z=2)"),
    ("[a](https://ok.example/(x))", "[a](https://ok.example/\\(x\\))"),
    ("[a](#notes)", "[a](#notes)"),
    ("[a](mailto:ann@example.com)", "[a](mailto:ann@example.com)"),
    ("<https://ok.example>", "[https://ok.example](https://ok.example)"),
    ("[Bo](bo-chen.md) and [Ghost](ghost.md)", "[Bo](people/bo-chen.md) and Ghost"),
    ("`<b>` and ``[x](javascript:y)`` stay code", "`<b>` and ``[x](javascript:y)`` stay code"),
    (
        "*em*, **strong**, _u_, snake_case, 2*3, \\*no\\*",
        "*em*, **strong**, _u_, snake_case, 2\\*3, \\*no\\*",
    ),
    ("C:\\Users and a\\", "C:\\Users and a\\\\"),
    ("R&D, &amp;copy; and &copy;", "R&D, &amp;copy; and \u00a9"),
    # Still one line of text inside the index's list item.
    ("\\# not a heading", "\\# not a heading"),
    ("1\\. not a list", "1\\. not a list"),
    ("\\- not a list", "\\- not a list"),
    ("\\> not a quote", "\\> not a quote"),
    ("\\~~~ not a fence", "\\~~~ not a fence"),
]

# What a note file may hold: validate reports control characters other than tab.
IN_A_FILE = [(s, w) for s, w in HOSTILE + KEPT if not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", s)]


def note_href(url: str) -> str | None:
    """The index's rule, with one known note: bo-chen."""
    found = links.target(url, mailto=True)
    if found is None or found.kind != "note":
        return url if found else None
    return "people/bo-chen.md" if found.note == "bo-chen" else None


def renderer() -> MarkdownIt:
    """A CommonMark renderer that lets raw HTML and every link through, to see them all."""
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True
    return md


def browser_scheme(url: str) -> str | None:
    """The scheme a browser follows (WHATWG URL): blanks around and tabs or newlines ignored."""
    url = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    found = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return found.group(1).lower() if found else None


def schemes_of(url: str) -> set[str | None]:
    """The scheme as written, and once more after entities and percent-escapes, to be strict."""
    return {browser_scheme(url), browser_scheme(html.unescape(unquote(url)))}


def walk(tokens: list[Token]) -> list[Token]:
    return [t for tok in tokens for t in (tok, *walk(tok.children or []))]


@pytest.mark.parametrize(
    ("url", "mailto", "kind"),
    [
        ("https://example.org/a?b=1#c", False, "web"),
        ("HTTP://example.org", False, "web"),
        (" https://example.org", False, "web"),
        ("#notes", False, "anchor"),
        ("mailto:a@example.com", False, None),
        ("mailto:a@example.com", True, "web"),
        ("MailTo:a@example.com", True, "web"),
        ("javascript:alert(1)", True, None),
        ("JaVaScRiPt:alert(1)", True, None),
        ("  javascript:alert(1)", True, None),
        ("java\tscript:alert(1)", True, None),
        ("java\nscript:alert(1)", True, None),
        ("\x00javascript:alert(1)", True, None),
        ("\ufeffjavascript:alert(1)", True, None),
        ("java\u200bscript:alert(1)", True, None),
        ("&#106;avascript:alert(1)", True, None),
        ("&#x6A;avascript:alert(1)", True, None),
        ("javascript&colon;alert(1)", True, None),
        ("java%09script:alert(1)", True, None),
        ("%6Aavascript:alert(1)", True, None),
        ("vbscript:msgbox(1)", True, None),
        ("VBScript:msgbox(1)", True, None),
        ("data:text/html;base64,PHNjcmlwdD4=", True, None),
        ("file:///etc/passwd", True, None),
        ("tel:+15550100", True, None),
        ("//evil.example/", True, None),
        ("\\\\evil.example\\x", True, None),
        ("other.html", True, None),
        ("bo-chen.md", False, "note"),
        ("../people/bo-chen.md#intro", False, "note"),
    ],
)
def test_target_reads_a_link_as_a_browser_does(url, mailto, kind):
    found = links.target(url, mailto=mailto)
    assert (found.kind if found else None) == kind


def test_a_note_link_names_the_record_as_written():
    assert links.target("../people/Zoe%2DPark.md#notes") == links.Target("note", "Zoe-Park")


@pytest.mark.parametrize(("source", "written"), HOSTILE + KEPT)
def test_markdown_keeps_text_and_allowed_links_only(source, written):
    assert links.markdown_inline(source, note_href) == written


@pytest.mark.parametrize("source", [source for source, _ in HOSTILE + KEPT])
def test_written_markdown_renders_as_the_cleaned_note(source):
    """In a list item, as in the index, any renderer shows what the digest would show."""
    md = links.parser()
    cleaned = links.clean(md.parseInline(source), note_href)
    expected = md.renderer.render(cleaned, md.options, {})
    written = links.markdown_inline(source, note_href)
    assert renderer().render(f"- {written} — Ann\n") == f"<ul>\n<li>{expected} — Ann</li>\n</ul>\n"


@pytest.fixture
def hostile_kb(make_kb) -> Path:
    """The basic KB with every variant as an insight of one conversation."""
    root = make_kb("basic")
    insights = "".join(f"- {source}\n" for source, _ in IN_A_FILE)
    body = f"---\nperson: ann-lee\ndate: 2026-05-05\nstatus: done\n---\n## Insights\n{insights}"
    write(root / "interviews/2026-05-05-ann-lee.md", body)
    return root


def test_the_written_index_has_no_html_and_only_allowed_links(hostile_kb):
    args = ("--by", "person", "--person", "ann-lee", "--since", "2026-05-05")
    index = hostile_kb / "INDEX.md"
    result = run("index", "--root", hostile_kb, *args, "--output", index)
    assert (result.exit_code, result.output) == (0, f"Wrote {index}\n")
    text = index.read_text(encoding="utf-8")
    bullets = [line.split(" — ")[0] for line in text.splitlines() if line.startswith("- ")]
    assert bullets == [f"- {written}" for _, written in IN_A_FILE]
    tokens = walk(renderer().parse(text))
    assert [t.content for t in tokens if t.type.startswith("html")] == [
        "<!-- Generated by `tool index`: edit the interviews, not this file. -->\n"
    ]
    assert [t for t in tokens if t.type == "image"] == []
    hrefs = [str(t.attrGet("href")) for t in tokens if t.type == "link_open"]
    assert {s for href in hrefs for s in schemes_of(href)} == {None, "https", "mailto"}
    assert sorted({h for h in hrefs if not h.startswith("interviews/")}) == [
        "#notes",
        "HTTPS://ok.example/x?y=1&z=2",
        "https://ok.example",
        "https://ok.example/(x)",
        "https://tracker.example/p.png",
        "mailto:ann@example.com",
        "people/bo-chen.md",
    ]


def test_names_in_the_index_are_text(kb_root):
    name = "> [M](javascript:alert(1)) <img src=x onerror=alert(1)> &#106; | x"
    write(kb_root / "people/mallory.md", f"---\nname: '{name}'\n---\n")
    body = "---\nperson: mallory\ndate: 2026-05-05\nstatus: done\n---\n## Insights\n- Fine.\n"
    write(kb_root / "interviews/2026-05-05-mallory.md", body)
    text = run("index", "--root", kb_root, "--person", "mallory").stdout
    shown = "\\> \\[M\\](javascript:alert(1)) &lt;img src=x onerror=alert(1)\\> &amp;#106; \\| x"
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert bullets == [f"- Fine. — {shown}, [2026-05-05](interviews/2026-05-05-mallory.md#L7)"]
    tokens = walk(renderer().parse(text))
    assert [t.type for t in tokens if t.type.startswith("html") or t.type == "image"] == [
        "html_block"  # the marker
    ]
    assert [t.attrGet("href") for t in tokens if t.type == "link_open"] == [
        "interviews/2026-05-05-mallory.md#L7"
    ]


def test_the_digest_has_no_html_from_notes_and_only_allowed_links(hostile_kb):
    result = run("digest", "--root", hostile_kb, "--output", hostile_kb / "site")
    assert result.exit_code == 0, result.output
    pages = sorted((hostile_kb / "site").rglob("*.html"))
    elements = [e for page in pages for e in parse(page).elements]
    urls = [v or "" for e in elements for k, v in e.attrs.items() if k in ("href", "src")]
    assert {s for url in urls for s in schemes_of(url)} <= {None, "http", "https"}
    assert [k for e in elements for k in e.attrs if k.startswith("on")] == []
    assert {e.tag for e in elements} & {"img", "iframe", "object", "embed"} == set()
    scripts = [e.attrs.get("src") or e.attrs.get("type") for e in elements if e.tag == "script"]
    assert set(scripts) <= {"search.js", "../search.js", "application/json"}
    page = parse(hostile_kb / "site/interviews/2026-05-05-ann-lee.html")
    hrefs = [str(a.attrs["href"]) for a in page.find("a")]
    assert "https://ok.example" in hrefs and "../people/bo-chen.html" in hrefs
    assert "<script>alert(1)</script>" in "".join(page.text)
