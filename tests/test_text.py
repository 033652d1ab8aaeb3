"""Text folding, the one way case, accents and inner punctuation are ignored when matching."""

from __future__ import annotations

import pytest

from tool.text import comparable, comparable_with_origin, fold_case_and_accents


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Zoë", "zoe"), ("ÉCOLE", "ecole"), ("Straße", "strasse"), ("ﬁle", "file"), ("李", "李")],
)
def test_fold_case_and_accents(text: str, expected: str):
    assert fold_case_and_accents(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O'Brien", "obrien"),
        ("O\u2019Brien", "obrien"),
        ("e-mail", "email"),
        ("Zoë's", "zoes"),
        ("end. Next", "end. next"),  # between words, punctuation stays
        ("- item", "- item"),
        ("Straße", "strasse"),
    ],
)
def test_comparable(text: str, expected: str):
    assert comparable(text) == expected


@pytest.mark.parametrize("text", ["O'Brien", "Zoë Straße", "ﬁle e-mail", "plain", ""])
def test_comparable_with_origin_points_back_into_the_text(text: str):
    folded, origin = comparable_with_origin(text)
    assert folded == comparable(text)
    assert len(origin) == len(folded)
    assert origin == sorted(origin)
    assert all(c in fold_case_and_accents(text[i]) for c, i in zip(folded, origin, strict=True))
