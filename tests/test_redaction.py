"""Redaction in one pass: the same text as one pattern per private value, at a cost that does not
grow with the number of people."""

from __future__ import annotations

import gc
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write

from tool.digest import contacts
from tool.digest.markdown import EMAIL, LINKEDIN, PHONE, Policy
from tool.digest.privacy import Secret, scan
from tool.digest.redaction import Names, Phones, fold


def one_pattern_per_value(names: tuple[str, ...], phones: tuple[str, ...]) -> Callable[[str], str]:
    """The redactor as it was: every phone number, then every name, replaced in turn."""
    rules = [(LINKEDIN, "[LinkedIn hidden]"), (EMAIL, "[email hidden]"), (PHONE, "[phone hidden]")]
    for digits in phones:
        pattern = r"[\s().-]*".join(re.escape(d) for d in digits)
        rules.append((re.compile(rf"(?<!\d){pattern}(?!\d)"), "[phone hidden]"))
    for name in names:
        words = r"\s+".join(re.escape(w) for w in name.split())
        rules.append((re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE), "a private contact"))

    def redact(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        for written, _ in contacts.spelled_emails(text):
            text = text.replace(written, "[email hidden]")
        for run in sorted(set(contacts.phones(text)), key=len, reverse=True):
            text = text.replace(run, "[phone hidden]")
        return text

    return redact


def redact(names: tuple[str, ...], phones: tuple[str, ...], text: str) -> str:
    return Policy(private_names=names, private_phones=phones).redact(text)


@pytest.mark.parametrize(
    ("names", "phones", "text", "shown"),
    [
        # Overlapping numbers: the one given first wins, wherever the other starts.
        (
            (),
            ("0301234567", "990301234567"),
            "Call 99 030 123 4567 or 030-123-4567.",
            "Call 99 [phone hidden] or [phone hidden].",
        ),
        (
            (),
            ("990301234567", "0301234567"),
            "Call 99 030 123 4567 or 030-123-4567.",
            "Call [phone hidden] or [phone hidden].",
        ),
        ((), ("1234567", "4567890"), "Ring 123 4567 890.", "Ring [phone hidden] 890."),
        # The digits inside a longer number are another number.
        (
            (),
            ("1234567",),
            "Order 912345678, code 12345678, or ring 1234567.",
            "Order 912345678, code 12345678, or ring [phone hidden].",
        ),
        (
            (),
            ("1234567",),
            "Ring 123 45 67, 1.2.3.4.5.6.7, (123)4567 or 12 3456 7.",
            "Ring [phone hidden], [phone hidden], ([phone hidden] or [phone hidden].",
        ),
        (
            (),
            ("\u0663\u0664\u0665\u0666\u0667\u0668\u0669",),  # Arabic-Indic digits
            "Ring \u0663\u0664\u0665 \u0666\u0667\u0668\u0669 or 3456789.",
            "Ring [phone hidden] or 3456789.",
        ),
        # A name that starts another: the one given first wins.
        (
            ("Ann Lee", "Ann Lee Smith"),
            (),
            "Ann Lee Smith met ann  LEE.",
            "a private contact Smith met a private contact.",
        ),
        (
            ("Ann Lee Smith", "Ann Lee"),
            (),
            "Ann Lee Smith met ann  LEE.",
            "a private contact met a private contact.",
        ),
        (
            ("Adams Cole", "Bo Adams"),
            (),
            "Bo Adams Cole and Bo Adams.",
            "Bo a private contact and a private contact.",
        ),
        (
            ("Anna",),
            (),
            "Anna, Annabel, Anna's, anna_b, Hanna and ANNA.",
            "a private contact, Annabel, a private contact's, anna_b, Hanna and a private contact.",
        ),
        # Case as Python's patterns ignore it: letter for letter, accents kept.
        (
            ("I\u015f\u0131k Lee", "Zo\u00eb Park", "\u0130sa Ren"),
            (),
            "I\u015eIK LEE, \u0131\u015f\u0131k lee, Isik Lee, ZO\u00cb PARK, Zoe Park, isa ren.",
            "a private contact, a private contact, Isik Lee, a private contact, Zoe Park, "
            "a private contact.",
        ),
        (
            ("Stra\u00dfe Ko", "Sof\u00eda \u03a3\u03bf\u03c6\u03af\u03b1"),
            (),
            "STRASSE KO, STRA\u1e9eE KO, SOF\u00cdA \u03a3\u039f\u03a6\u038a\u0391.",
            "STRASSE KO, a private contact, a private contact.",
        ),
        # A combining iota matches an iota when case is ignored, though it is no letter.
        (("\u0391\u03b9 Lee",), (), "\u0391\u0345 lee", "a private contact"),
        # A later name may match the words a replacement brought.
        (("Ann Lee", "Contact Smith"), (), "Ann Lee Smith.", "a private a private contact."),
        (
            ("Anna",),
            ("0301234567",),
            "Anna0301234567 and Anna 0301234567x.",
            "a private contact[phone hidden] and a private contact [phone hidden]x.",
        ),
        (
            ("O'Brien Ng",),
            (),
            "(O'BRIEN NG) and O'Briens Ng and O Brien Ng.",
            "(a private contact) and O'Briens Ng and O Brien Ng.",
        ),
    ],
)
def test_redaction_of_overlaps_prefixes_and_case(names, phones, text, shown):
    assert redact(names, phones, text) == shown
    assert one_pattern_per_value(names, phones)(text) == shown


WORDS = [
    *["Ann", "ann", "ANN", "Lee", "lee", "Smith", "Anna", "Li", "Lin", "private", "contact"],
    *["a", "A", "x", "the", "met", "Ann-Marie"],
    *["I\u015f\u0131k", "I\u015eIK", "i\u015fik", "\u0130sa", "isa", "Stra\u00dfe", "STRASSE"],
    *["stra\u1e9ee", "Kelvin", "\u212aelvin", "\u017fam", "Sam", "O'Brien", "o'brien", "ann_lee"],
    *["Zo\u00eb", "ZO\u00cb", "Zoe\u0308", "(Ann", "Lee)", "-Ann", "Jos\u00e9", "Jose\u0301"],
    *["\u03a3\u03bf\u03c6\u03af\u03b1", "\u03c3\u03bf\u03c6\u03af\u03b1\u03c2"],
    *["\u0391\u0345", "\u0345Ann", "\u65e5\u672c", "[phone hidden]", "+49 30 1234567"],
]
NAMES = [
    *["Ann Lee", "Ann Lee Smith", "Lee Smith", "Anna", "Anna Li", "Anna Lin", "Bo Ann", "Kelvin"],
    *["I\u015f\u0131k Lee", "\u0130sa Lee", "Stra\u00dfe", "\u017fam Lee", "Sam Lee", "a Lee"],
    *["Contact Smith", "Private Person", "A private", "Zo\u00eb Park", "O'Brien", "(Ann", "Lee)"],
    *["-Ann Lee", "Ann-Marie", "ann_lee", "Jos\u00e9 N\u00fa\u00f1ez", "\u0391\u03b9 Lee", "    "],
]
SEPARATORS = [" ", "  ", "\n", "\t", ", ", ". ", "-", "(", ")", ".", "", "\u00a0", " (", ") "]


def random_case(rng: random.Random) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """Names, phone numbers that overlap, and texts that write them in many ways."""
    names = tuple(rng.sample(NAMES, rng.randrange(8)))
    phones = [str(rng.randrange(10**6, 10**10)) for _ in range(rng.randrange(4))]
    phones += [rng.choice(["9", ""]) + p[rng.randrange(2) :] for p in phones]
    texts = []
    for _ in range(5):
        parts = []
        for _ in range(rng.randrange(1, 20)):
            pick = rng.random()
            if pick < 0.3 and names:
                words = rng.choice(names).split()
                parts.append(" ".join(rng.choice([w, w.upper(), w.swapcase()]) for w in words))
            elif pick < 0.55 and phones:
                digits = rng.choice(phones)[rng.randrange(2) :] + rng.choice(["", "5"])
                parts.append("".join(d + rng.choice(["", "", " ", "-", ") ", "."]) for d in digits))
            else:
                parts.append(rng.choice(WORDS))
            parts.append(rng.choice(SEPARATORS))
        texts.append("".join(parts))
    return names, tuple(phones), texts


@pytest.mark.parametrize("seed", range(4))
def test_redaction_is_the_same_as_one_pattern_per_value(seed):
    rng = random.Random(seed)
    for _ in range(60):
        names, phones, texts = random_case(rng)
        before = one_pattern_per_value(names, phones)
        for text in texts:
            assert redact(names, phones, text) == before(text), (names, phones, text)


def cased_letters() -> list[str]:
    return [c for c in map(chr, range(0x3000)) if c.lower() != c or c.upper() != c]


def test_letters_that_match_ignoring_case_fold_alike():
    for letter in cased_letters():
        pattern = re.compile(re.escape(letter), re.IGNORECASE)
        for other in {letter.lower(), letter.upper(), letter.casefold(), letter.upper().lower()}:
            if len(other) == 1 and pattern.fullmatch(other):
                assert fold(letter) == fold(other), (letter, other)


def test_phone_numbers_must_be_digits():
    with pytest.raises(ValueError, match="not the digits of a phone number: '\\+1 555'"):
        Phones(["+1 555"])


def work(call: Callable[[], object]) -> int:
    """The Python lines run and built-in functions called by `call()`: a count, not a clock."""
    count = 0

    def on_line(frame, event, arg):
        nonlocal count
        count += 1
        return on_line

    def on_call(frame, event, arg):
        nonlocal count
        count += event == "c_call"

    tracer, profiler = sys.gettrace(), sys.getprofile()
    gc.disable()  # a collection runs other code's finalizers in the middle of the count
    sys.settrace(on_line)
    sys.setprofile(on_call)
    try:
        call()
    finally:
        sys.settrace(tracer)
        sys.setprofile(profiler)
        gc.enable()
    return count


def people(count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`count` private names, many sharing a first name, and as many phone numbers."""
    firsts = ["Ann", "Bo", "Chen", "Dee"]
    names = tuple(sorted(f"{firsts[i % 4]} Surname{i:05d}" for i in range(count)))
    return names, tuple(sorted(f"0301{i:06d}" for i in range(count)))


def test_the_work_on_a_text_does_not_grow_with_people():
    text = (
        "Ann said Bo Surname00005 knows Chen Surname00006; call 030 1000005 or 030 9999999 "
        "before 2026-03-14, and ask Ann about the 12 teams."
    )
    done = []
    for count in (10, 1000):
        names, phones = people(count)
        hide = Policy(private_names=names, private_phones=phones).redact
        shown = hide(text)  # the names met so far have their patterns made
        done.append(work(lambda: hide(text)))  # noqa: B023 - called at once
        assert shown == (
            "Ann said a private contact knows a private contact; call [phone hidden] or "
            "[phone hidden] before 2026-03-14, and ask Ann about the 12 teams."
        )
    assert done[0] == done[1]
    assert done[0] < 2000  # one step per person and value would pass it at 1,000 people


def test_names_are_tried_only_on_texts_that_have_all_their_words():
    names, _ = people(1000)
    hide = Names(names)
    assert hide.candidates("Ann and Bo met") == []
    assert [names[i] for i in hide.candidates("Ann Surname00000 and Surname00001")] == [
        "Ann Surname00000"
    ]


def test_the_scan_of_a_page_does_not_grow_with_people(tmp_path: Path):
    # Every address at example.com once shared one entry of the index: a page that says
    # "example" was compared with each of them.
    page = "<p>For example, an example: Ann Surname00004 at example.com.</p>\n" * 20
    extra = []
    for count in (10, 1000):
        names, phones = people(count)
        found = [Secret("email", f"p{i}@x.example.com", f"people/p{i}.md") for i in range(count)]
        found += [Secret("name", name, "people/x.md") for name in names]
        found += [Secret("phone", phone, "people/x.md") for phone in phones]
        site = tmp_path / str(count)
        write(site / "a.html", page)
        scan(site, found)  # the patterns it uses are compiled and cached
        one = work(lambda: scan(site, found))  # noqa: B023 - called at once
        write(site / "b.html", page)
        two = work(lambda: scan(site, found))  # noqa: B023 - called at once
        extra.append(two - one)
        assert {leak.format() for leak in scan(site, found)} == {
            "a.html: contains the name from people/x.md",
            "b.html: contains the name from people/x.md",
        }
    assert extra[0] == extra[1]
    assert extra[0] < 10_000  # one step per person would pass it at 1,000 people
