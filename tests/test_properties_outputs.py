"""Properties of what `tool` writes: safe HTML, no private value shared, the same bytes."""

from __future__ import annotations

import html
import os
import random
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import run, write
from hypothesis import example, given
from hypothesis import strategies as st
from robustness import (
    HOSTILE_MARKDOWN,
    OUTPUTS,
    examples,
    leaks,
    listing_order,
    make_kb,
    markdown_bodies,
    snapshot,
    unsafe_markup,
)

from tool.digest.markdown import Policy, render, render_inline

# --- Any Markdown: only allowlisted HTML ---------------------------------------------------


@given(markdown_bodies(), st.booleans())
@examples(300)
@example("[x](java\u200bscript:alert(1))", False)
@example("<a href=javascript:x>[y](javascript:z)</a>", True)
def test_any_markdown_renders_to_allowlisted_html_only(body, include_private):
    policy = Policy(include_private=include_private, pages={"ann-lee": "people/ann-lee.html"})
    assert unsafe_markup(str(render(body, policy))) == []
    assert unsafe_markup(str(render_inline(body, policy))) == []


def test_the_allowlist_check_is_not_vacuous():
    assert unsafe_markup("<p><script>alert(1)</script></p>") == ["inline script"]
    assert unsafe_markup('<script type="application/json">{"a": 1}</script>') == []
    assert unsafe_markup('<script type="application/json">{"a": </script>') == [
        "script data that is not JSON"
    ]
    assert unsafe_markup("<img src=x onerror=alert(1)>") == ["element <img>"]
    assert unsafe_markup('<a href="jav&#x09;ascript:x">y</a>') == [
        "URL 'jav\\tascript:x' in <a href>"
    ]
    assert unsafe_markup('<a href="https://x" onclick="y">z</a>') == ["attribute onclick on <a>"]
    assert unsafe_markup('<a href="/people/a.html" class="c">z</a>') == []


# --- A KB whose notes are hostile: the digest, shared and private ---------------------------

PRIVATE_NAME = "Zebulon Quartermaine"
PRIVATE_NOTE = "secret merger with Initech next spring"
ZEB = f"""---
name: {PRIVATE_NAME}
company: Initech
email: zeb.q@initech.example
phone: "+44 20 7946 0958"
linkedin: https://www.linkedin.com/in/zebulon-q
private: true
---
Told me about the {PRIVATE_NOTE}.
"""
SECRETS = [
    "ann@example.com",
    "+1 555 0100",
    "linkedin.com/in/ann-lee-example",
    "cy@example.com",
    PRIVATE_NAME,
    "zeb.q@initech.example",
    "+44 20 7946 0958",
    "linkedin.com/in/zebulon-q",
    PRIVATE_NOTE,
]


def _entities(value: str) -> str:
    return "".join(f"&#{ord(c)};" if i % 2 else c for i, c in enumerate(value))


def _split(value: str) -> str:
    middle = len(value) // 2
    return f"{value[:middle]}**{value[middle:]}**"


WRITINGS = [
    str,
    str.upper,
    str.title,
    _entities,
    _split,
    lambda v: v.replace(" ", "  ").replace("@", " @ "),
    lambda v: v.replace("@", " [at] ").replace(".", " [dot] "),
    lambda v: v.replace(" ", "\u00a0"),
    lambda v: v.replace(" ", "-"),
    lambda v: f"`{v}`",
    lambda v: f"[see](https://x.example/?q={quote(v)})",
    lambda v: f'[see](https://x.example/ "{v}")',
    lambda v: f"![{v}](https://x.example/i.png)",
    lambda v: f"<span>{html.escape(v)}</span>",
    lambda v: f"[{v}](../people/zebulon-quartermaine.md)",
    lambda v: f"mailto:{v}",
    lambda v: "\n".join(v.split(" ", 1)),  # across a line break
]


@st.composite
def mentions(draw: st.DrawFn) -> str:
    """A note mentioning private values as a note might: any case, spacing, encoding, markup."""
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        # A private note's words written in a public note too are that note's: not secret.
        secret = draw(st.sampled_from([s for s in SECRETS if s != PRIVATE_NOTE]))
        writing = draw(st.sampled_from(WRITINGS))
        pieces.append(f"Ask about {writing(secret)} soon.")
    pieces += draw(st.lists(st.sampled_from(HOSTILE_MARKDOWN), max_size=2))
    return "\n\n".join(draw(st.permutations(pieces)))


def hostile_kb(root: Path, person_note: str, interview_note: str, value: str) -> Path:
    make_kb(root, {"people/zebulon-quartermaine.md": ZEB})
    person = root / "people/ann-lee.md"
    text = person.read_text(encoding="utf-8").replace(
        "role: Senior Product Manager", f"role: {_yaml(value)}"
    )
    write(person, text + "\n" + person_note + "\n")
    interview = root / "interviews/2026-03-10-ann-lee.md"
    text = (
        interview.read_text(encoding="utf-8")
        .replace("Ann leads the arm team.", interview_note)
        .replace(
            "- Shipping beats certificates. #skills", f"- {interview_note.splitlines()[0]} #skills"
        )
    )
    write(interview, text.replace("tags: [robotics]", f"tags: [{_yaml(value)}]"))
    return root


def _yaml(value: str) -> str:
    import json

    return json.dumps(value)


@given(markdown_bodies(), markdown_bodies(), st.sampled_from(HOSTILE_MARKDOWN))
@examples(10)
def test_any_note_gives_a_digest_of_allowlisted_html(person_note, interview_note, value):
    with tempfile.TemporaryDirectory() as folder:
        root = hostile_kb(Path(folder) / "kb", person_note, interview_note or "x", value)
        for private in (False, True):
            site = Path(folder) / f"site-{private}"
            args = ["--root", root, "digest", "--output", site]
            result = run(*args, *(["--include-private"] if private else []))
            assert result.exit_code in (0, 1), result.output
            if result.exit_code == 1:  # refused: a leak it could not hide; nothing written
                assert "\nError: " in "\n" + result.stderr and not site.exists()
                continue
            for rel, data in snapshot(site).items():
                if rel.endswith(".html"):
                    assert unsafe_markup(data.decode()) == [], rel


@given(mentions(), mentions())
@examples(20)
@example(f"Ask {PRIVATE_NAME.upper()} about it.", "x")
@example("Mail ann&#64;example&#46;com today", "Call +1&nbsp;555&nbsp;0100")
@example(f"Ask {_split(PRIVATE_NAME)} and {_entities('zeb.q@initech.example')}", "x")
def test_the_shared_digest_has_no_private_value_however_it_is_written(person_note, interview_note):
    with tempfile.TemporaryDirectory() as folder:
        root = hostile_kb(Path(folder) / "kb", person_note, interview_note, "Product")
        site = Path(folder) / "site"
        result = run("--root", root, "digest", "--output", site)
        assert result.exit_code in (0, 1), result.output
        if result.exit_code == 1:  # refused rather than published
            assert "\nError: " in "\n" + result.stderr and not site.exists(), result.stderr
            assert "Traceback" not in result.stderr
            return
        found = {rel: leaks(data, SECRETS) for rel, data in snapshot(site).items()}
        assert {rel: found for rel, found in found.items() if found} == {}


def test_the_leak_check_finds_the_values_the_private_edition_shows(tmp_path):
    note = f"Ask {_split(PRIVATE_NAME)} or {_entities('zeb.q@initech.example')}."
    root = hostile_kb(tmp_path / "kb", note, "x", "Product")
    private = tmp_path / "private"
    run("--root", root, "digest", "--output", private, "--include-private", "--force")
    shown = set().union(*(leaks(data, SECRETS) for data in snapshot(private).values()))
    assert {"ann@example.com", "+1 555 0100", PRIVATE_NAME, "zeb.q@initech.example"} <= shown


# --- Any KB: the same bytes, whatever the listing order; incremental == cold ----------------

words = st.text(st.characters(categories=["L", "N"], max_codepoint=0x2FF), min_size=1, max_size=8)


@st.composite
def knowledge_bases(draw: st.DrawFn) -> dict[str, str]:
    """A few people and interviews with insights, topics and tasks, of any names."""
    files: dict[str, str] = {}
    people = draw(st.lists(words, min_size=1, max_size=4, unique_by=str.casefold))
    companies = ["Acme Robotics", "Globex", "acme robotics", "Zeta"]
    for i, name in enumerate(people):
        ident = f"p{i}-{name.encode('ascii', 'ignore').decode().lower() or 'x'}"
        company = draw(st.sampled_from(companies))
        files[f"people/{ident}.md"] = (
            f"---\nname: {_yaml(name + ' ' + str(i))}\ncompany: {company}\n"
            f"career: {draw(st.sampled_from(['Data science', 'Product management']))}\n"
            f"email: {ident}@example.com\n---\n{draw(words)} note.\n"
        )
        for day in draw(st.lists(st.integers(1, 28), max_size=2, unique=True)):
            insights = draw(st.lists(words, max_size=3))
            files[f"interviews/2026-02-{day:02d}-{ident}.md"] = (
                f"---\nperson: {ident}\ndate: 2026-02-{day:02d}\nstatus: done\n---\n"
                "## Insights\n"
                + "".join(f"- {w} matters. #{w.lower()} #topic\n" for w in insights)
                + "\n## Next steps\n- [ ] Read more\n"
            )
    return files


def build(root: Path, files: dict[str, str], order: int) -> None:
    """Write the KB with its files created in an order of `order`'s."""
    make_kb(root)
    items = sorted(files.items())
    random.Random(order).shuffle(items)
    for rel, text in items:
        write(root / rel, text)


def outputs(root: Path, out: Path) -> dict[str, dict[str, bytes]]:
    """Every output of OUTPUTS, by name: the bytes of each file it wrote."""
    found = {}
    for name, args in OUTPUTS.items():
        target = out / name.replace(" ", "-")
        result = run("--root", root, *(a.replace("{out}", str(target)) for a in args))
        assert result.exit_code == 0, (name, result.output)
        if "{out}" not in args:  # a command that prints its output
            found[name] = {"": result.stdout.encode()}
        else:
            found[name] = snapshot(target) if target.is_dir() else {"": target.read_bytes()}
    return found


@given(knowledge_bases(), st.integers(0, 1000))
@examples(8)
def test_outputs_are_the_same_bytes_whatever_the_listing_and_creation_order(files, seed):
    with tempfile.TemporaryDirectory() as folder:
        root, cache = Path(folder) / "kb", os.environ["TOOL_CACHE_DIR"]
        build(root, files, order=seed)
        first = outputs(root, Path(folder) / "out1")
        shutil.rmtree(root)
        build(root, files, order=seed + 1)
        os.environ["TOOL_CACHE_DIR"] = str(Path(folder) / "cache2")  # cold, and then warm
        try:
            with listing_order(seed):
                second = outputs(root, Path(folder) / "out2")
                third = outputs(root, Path(folder) / "out2")
        finally:
            os.environ["TOOL_CACHE_DIR"] = cache
        assert second == first
        assert third == first


CHANGES = st.sampled_from(
    ["edit note", "add person", "remove interview", "rename company", "title"]
)


@given(knowledge_bases(), st.lists(CHANGES, min_size=1, max_size=3))
@examples(8)
def test_an_incremental_digest_is_the_cold_digest(files, changes):
    with tempfile.TemporaryDirectory() as folder:
        root, cache = Path(folder) / "kb", os.environ["TOOL_CACHE_DIR"]
        build(root, files, order=0)
        warm = Path(folder) / "site"
        assert run("--root", root, "digest", "--output", warm).exit_code == 0
        for change in changes:
            _change(root, change)
        assert run("--root", root, "digest", "--output", warm).exit_code == 0
        os.environ["TOOL_CACHE_DIR"] = str(Path(folder) / "cold-cache")
        try:
            cold = Path(folder) / "cold" / "site"
            assert run("--root", root, "digest", "--output", cold).exit_code == 0
        finally:
            os.environ["TOOL_CACHE_DIR"] = cache
        assert snapshot(warm) == snapshot(cold)


def _change(root: Path, change: str) -> None:
    ann = root / "people/ann-lee.md"
    if change == "edit note":
        write(ann, ann.read_text(encoding="utf-8") + "\nNow at Globex. #moves\n")
    elif change == "add person":
        write(root / "people/new-person.md", "---\nname: New Person\ncompany: Zeta\n---\nHi.\n")
    elif change == "remove interview":
        (root / "interviews/2026-03-20-bo-chen.md").unlink(missing_ok=True)
    elif change == "rename company":
        write(ann, ann.read_text(encoding="utf-8").replace("Acme Robotics", "Acme Robots"))
    else:
        toml = root / "tool.toml"
        write(toml, toml.read_text(encoding="utf-8").replace("Test digest", "Another title"))


def test_a_private_name_split_by_inline_markup_is_found_by_the_leak_scan(tmp_path):
    root = hostile_kb(tmp_path / "kb", "Ask Zebulon Qu**artermaine** about it.", "x", "Product")
    result = run("--root", root, "digest", "--output", tmp_path / "site")
    assert result.exit_code == 1
    assert (
        "people/ann-lee.html: contains the name from people/zebulon-quartermaine.md"
        in result.stderr
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "link",
    [
        "[see](https://x.example/?q=%2B1%20555%200100)",
        "[see](https://x.example/?who=Zebulon%20Quartermaine)",
        "[see](https://x.example/?q=ann&#64;example.com)",
    ],
)
def test_a_private_value_encoded_into_a_link_is_not_published(tmp_path, link):
    root = hostile_kb(tmp_path / "kb", f"Look: {link} now.", "x", "Product")
    result = run("--root", root, "digest", "--output", tmp_path / "site")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site/people/ann-lee.html").read_text(encoding="utf-8")
    assert "Look: see now." in page
    assert "x.example" not in page
