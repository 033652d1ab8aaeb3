"""The shared digest's leak scan: contact details however a note writes them, and no more."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import run, write
from hypothesis import given, settings
from hypothesis import strategies as st

from tool.digest import contacts, markdown, privacy
from tool.digest.contacts import emails, phones
from tool.digest.privacy import scan


def leaks_in(tmp_path: Path, html: str) -> list[str]:
    write(tmp_path / "site/page.html", html)
    return [leak.format() for leak in scan(tmp_path / "site", [])]


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("030 1234567", "*** *****67"),
        ("(030) 123-4567", "(***) ***-**67"),
        ("555.123.4567", "***.***.**67"),
        ("+1 (555) 123 4567", "+* (***) *** **67"),
        ("0049-30-1234567", "****-**-*****67"),
        ("030/1234567", "***/*****67"),
        ("030 / 123 45 67", "*** / *** ** 67"),
        ("+49 (0)30 1234567", "+** (*)** *****67"),
        ("01 23 45 67 89", "** ** ** ** 89"),
        ("555-123-4567", "***-***-**67"),
        ("1-800-555-0100", "*-***-***-**00"),
        ("912 34 56 78", "*** ** ** 78"),
        ("+4930123456", "+********56"),
        ("020&nbsp;7946&nbsp;0958", "*** **** **58"),
        ("<b>030</b> 1234567", "*** *****67"),
        ("\uff10\uff13\uff10 1234567", "*** *****67"),  # full-width digits
    ],
)
def test_scan_finds_phone_numbers_however_written(tmp_path, written, masked):
    assert leaks_in(tmp_path, f"<p>Call {written} today</p>") == [
        f"page.html: contains the phone number {masked!r}"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-14",
        "2026-03-14 10:30",
        "2026-03-14T10:30:00+01:00",
        "14.03.2026 and 03/14/2026 and 2026/3/14",
        "from 2015-2019, then 2019 2020 2021",
        "at 10:30-11:45, 14:30:00",
        "ISO 9001:2015, ISO 27001, ISO 3166-1",
        "ISBN 978-3-16-148410-0 and ISBN 0-306-40615-2",
        "40% of 1000 days, 12.5% or 99.95%",
        "version 1.2.3, v10.0.19041.1234 and 3.12.1",
        "$1,234,567.89, \u20ac 1.234.567, 1 000 000 users, 12.345.678",
        "salary 80000-95000, USD 120 000 - 150 000",
        "192.168.100.200 and 172.16.254.10",
        "scores 88 92 75 64, steps 1000 2000 3000",
        "pages 123-145",
        "3.14159 2.71828",
        "https://example.com/orders/2026/03/14/story-12345678",
        "<td>1200</td><td>340</td><td>120</td>",
        '<svg viewBox="0 0 1200 800"><polyline points="10 20 300 40 50 60"/></svg>',
    ],
)
def test_scan_leaves_numbers_that_are_not_phone_numbers(tmp_path, text):
    assert leaks_in(tmp_path, f"<p>{text}</p>") == []


@pytest.mark.parametrize(
    "written",
    [
        "jane at example dot com",
        "jane AT example DOT com",
        "jane [at] example [dot] com",
        "jane(at)example(dot)com",
        "jane {at} example {dot} com",
        "jane [at] example.com",
        "jane@example[dot]com",
        "jane @ example.com",
        "jane&#64;example.com",
        "jane&#x40;example&#46;com",
        "jane&commat;example.com",
        "jane&amp;#64;example.com",  # a note's own entity, shown as written
        "jane&#32;at&#32;example&#32;dot&#32;com",
        "jane@<b></b>example.com",
        "jane\uff20example.com",  # a full-width @
    ],
)
def test_scan_finds_email_addresses_however_written(tmp_path, written):
    assert leaks_in(tmp_path, f"<p>Write to {written}, she said</p>") == [
        "page.html: contains the email address 'j***@example.com'"
    ]


def test_scan_sees_email_addresses_in_attributes_and_scripts(tmp_path):
    html = (
        '<a title="jane&#64;example.com">x</a>'
        '<script type="application/json">{"t":"bo\\u0040example.org"}</script>'
    )
    assert leaks_in(tmp_path, html) == [
        "page.html: contains the email address 'b***@example.org'",
        "page.html: contains the email address 'j***@example.com'",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "I looked at the dot com bubble",
        "she worked at a dot com startup",
        "she works at example.com now",
        "we met at noon dot tv",
        "AT&amp;T and Procter &amp; Gamble",
        "look at this",
        "jane at example",
    ],
)
def test_scan_leaves_sentences_that_are_not_email_addresses(tmp_path, text):
    assert leaks_in(tmp_path, f"<p>{text}</p>") == []


def test_scan_masks_what_it_reports(tmp_path):
    assert leaks_in(tmp_path, "<p>linkedin.com/in/someone</p>") == [
        "page.html: contains the LinkedIn URL 'linkedin.com/***'"
    ]


def test_detectors_return_what_was_written():
    text = "Call 030 1234567 or mail jane [at] example [dot] com on 2026-03-14."
    assert list(phones(text)) == ["030 1234567"]
    assert list(emails(text)) == ["jane@example.com"]


def test_contacts_written_in_a_note_are_hidden_in_the_shared_build(make_kb):
    root = make_kb("digest")
    with (root / "people/bo-chen.md").open("a", encoding="utf-8") as note:
        note.write("\nHer cell: (617) 555-0123, or bo [at] globex [dot] example.\n")
    result = run("digest", "--root", root)
    assert result.exit_code == 0, result.stderr
    page = (root / "site/people/bo-chen.html").read_text(encoding="utf-8")
    assert "Her cell: [phone hidden], or [email hidden]." in page
    assert "555-0123" not in page and "globex [dot]" not in page


def test_the_scan_stops_a_contact_that_redaction_missed(make_kb, monkeypatch):
    # The redactor misses what the scan finds: only the scan stands between note and page.
    blind = SimpleNamespace(phones=lambda text: iter(()), spelled_emails=lambda text: iter(()))
    monkeypatch.setattr(markdown, "contacts", blind)
    markdown._redactor.cache_clear()
    root = make_kb("digest")
    with (root / "people/bo-chen.md").open("a", encoding="utf-8") as note:
        note.write("\nHer cell: (617) 555-0123, or bo [at] globex [dot] example.\n")
    result = run("digest", "--root", root)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: private values found in the digest; nothing was written:\n"
        "  people/bo-chen.html: contains the email address 'b***@globex.example'\n"
        "  people/bo-chen.html: contains the phone number '(***) ***-**23'\n"
    )
    assert not (root / "site").exists()
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 +()-./a\n", max_size=40))
def test_phone_candidates_are_the_matches_of_the_one_pattern(text):
    found = [m.span() for m in contacts._candidates(text)]
    assert found == [m.span() for m in contacts._CANDIDATE.finditer(text)]


def _walk(index: privacy._Index, text: str) -> list[privacy.Secret]:
    """The word automaton stepped over every word: what find() must agree with."""
    found, state = [], 0
    for i, word in enumerate(privacy._WORD.findall(text.casefold())):
        while state and word not in index.next[state]:
            state = index.fallback[state]
        state = index.next[state].get(word, 0)
        end = state if index.ends[state] else index.output[state]
        while end:
            for entry in index.ends[end]:
                _, length, anchor = index.entries[entry]
                found.append((i - length + 1 + anchor, entry))
            end = index.output[end]
    return [index.entries[entry][0] for _, entry in sorted(found)]


_SECRETS = [
    privacy.Secret("name", value, "people/x.md")
    for value in ("Ann Lee", "Lee Ann Marie", "Ann", "Marie Ann Lee Ann", "lee lee")
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ann", "LEE", "marie", "bo", "<b>", "x.y", "Ann"]), max_size=14))
def test_the_scan_skips_only_words_that_start_no_secret(words):
    index = privacy._Index(_SECRETS)
    text = " ".join(words)
    assert index.find(text) == _walk(index, text)


def test_a_text_redacted_again_is_hidden_again_and_long_texts_too():
    policy = markdown.Policy(private_names=("Dee Secretson",), private_phones=("6175550100",))
    short = "Call Dee Secretson on 617 555 0100."
    long = short + " Filler." * 40  # longer than the redactor keeps
    hidden = "Call a private contact on [phone hidden]."
    for _ in range(3):
        assert policy.redact(short) == hidden
        assert policy.with_root("../").redact(short) == hidden
        assert policy.redact(long) == hidden + " Filler." * 40


@pytest.mark.parametrize(
    "text",
    [
        "linkedin.com",
        "LinkedIn.COM",
        "xLINKEDIN.COMx",
        "l\u0131nked\u0131n.com",
        "lin\u212aedin.com",
    ],
)
def test_the_linkedin_hint_ignores_case_as_the_flag_does(text):
    assert markdown.LINKEDIN_HINT.search(text)
    assert not markdown.LINKEDIN_HINT.search(text.replace(".", "-"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Ask about the pricing team today", "- ", "x", "## ", "\n"])))
def test_a_notes_runs_are_the_same_with_lines_kept_for_the_next_note(pieces):
    body = "".join(pieces)
    kept: dict[str, list[tuple[str, ...]]] = {}
    assert privacy._fragments(body, kept) == privacy._fragments(body)
    assert privacy._fragments(body, kept) == privacy._fragments(body)


def test_the_quick_inline_tag_pattern_is_used_only_where_it_finds_the_same():
    # Every character that matches a letter of the inline tags' names only when case is
    # ignored makes the scan use the pattern with the flag.
    letters = set(re.sub(r"[^a-z]", "", privacy._INLINE))
    flagged = re.compile(f"[{''.join(sorted(letters))}]", re.IGNORECASE)
    others = [chr(c) for c in range(sys.maxunicode + 1) if flagged.fullmatch(chr(c))]
    for char in others:
        assert ("a" <= char <= "z") or privacy._CASED_TAG.search(f"<b{char}"), hex(ord(char))
    page = "x<SPAN>a</SPAN>b <\u017fpan>c</\u017fpan>d <b>e</B> <sTrong k=1>f</strong><p>g</p>"
    found = privacy.readable(page)
    assert (found.words, found.shown) == ("xab cd e f g  1", "xab cd e f \x00 g \x00 ")
