"""Private phone numbers and names hidden in text, at a cost that does not grow with their number.

A shared digest hides every person's phone number, however a note spaces or brackets its
digits, and every private person's name, however it is cased. One pattern per value,
tried on every text, made the digest quadratic in the size of the knowledge base. Here a
text is read once: its digit groups and its words are looked up in tables built once,
and only the values the text can contain are tried on it.

The result is the same as replacing each value in turn, in the order given: where two
values overlap, the first one given wins.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

PHONE_HIDDEN = "[phone hidden]"
NAME_HIDDEN = "a private contact"

# Digit groups joined by what a note may write between them: `030 (123) 45-67`.
_DIGIT_CHAIN = re.compile(r"\d+(?:[\s().-]++\d+)*")
_DIGIT_GROUP = re.compile(r"\d+")
_WORD = re.compile(r"\w+")
# The one character that is not part of a word but matches a letter of one when case is
# ignored (the combining iota matches the Greek iota): a name may then span it, so a text
# that has it is tried with every name.
_WORD_IN_DISGUISE = "\u0345"


class Phones:
    """Hides phone numbers given as their digits, written with any separators between them.

    A number matches where its digits appear with spaces, brackets, dots or dashes between
    them, and no other digit right before or after: "0301234567" hides `030 123-45 67`
    but not the end of `90301234567`.
    """

    def __init__(self, digits: Iterable[str]):
        # Earlier numbers win an overlap, as if each were replaced in turn.
        self._rank: dict[str, int] = {}
        for number in digits:
            if not number.isdecimal():
                raise ValueError(f"not the digits of a phone number: {number!r}")
            self._rank.setdefault(number, len(self._rank))
        self._shortest = min(map(len, self._rank), default=0)
        # Every prefix, so that a run of groups stops being read once it cannot be a number.
        self._prefixes = {n[:end] for n in self._rank for end in range(1, len(n) + 1)}

    def __call__(self, text: str) -> str:
        """`text` with each number replaced by PHONE_HIDDEN."""
        if not self._rank:
            return text
        found: list[tuple[int, int]] = []
        for chain in _DIGIT_CHAIN.finditer(text):
            # A chain has at least as many characters as digits: a short one holds no number.
            if chain.end() - chain.start() >= self._shortest:
                found += self._in_chain(text, chain.start(), chain.end())
        return _replaced(text, sorted(found), PHONE_HIDDEN)

    def _in_chain(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The spans to hide among one run of digit groups."""
        groups = [(m.start(), m.end(), m.group()) for m in _DIGIT_GROUP.finditer(text, start, end)]
        # A number matches whole groups: its first digit has no digit before it, its last
        # none after it. Each candidate is (rank, first group, last group).
        candidates: list[tuple[int, int, int]] = []
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                digits += groups[last][2]
                if digits not in self._prefixes:
                    break
                rank = self._rank.get(digits)
                if rank is not None:
                    candidates.append((rank, first, last))
        # Replaced in turn, a number matches only groups that no earlier number took,
        # since the replacement text holds no digit and breaks the run.
        taken = [False] * len(groups)
        spans: list[tuple[int, int]] = []
        for _, first, last in sorted(candidates):
            if not any(taken[first : last + 1]):
                taken[first : last + 1] = [True] * (last - first + 1)
                spans.append((groups[first][0], groups[last][1]))
        return spans


class Names:
    """Hides names, word for word, ignoring case and the spacing between words.

    A name matches where it is not part of a longer word: "Anna Li" hides `anna  LI` but
    not `Anna Lin`. Each name has a pattern of its own, tried only on a text that has all
    the name's words, so a text costs time in its length and in the names it contains.
    """

    def __init__(self, names: Iterable[str]):
        self._names = list(dict.fromkeys(names))
        self._patterns: dict[int, re.Pattern[str]] = {}
        # A name matches only where its words stand whole, since it starts and ends where
        # no word continues: each name is filed under its rarest word, and tried on a text
        # that has all its words.
        self._words = [frozenset(fold(w) for w in _WORD.findall(name)) for name in self._names]
        count = Counter(w for words in self._words for w in words)
        self._by_word: dict[str, list[int]] = {}
        self._always: list[int] = []  # names with no word to look for, or one in disguise
        for index, (name, words) in enumerate(zip(self._names, self._words, strict=True)):
            if not words or _WORD_IN_DISGUISE in name:
                self._always.append(index)
            else:
                rarest = min(words, key=lambda w: (count[w], -len(w), w))
                self._by_word.setdefault(rarest, []).append(index)
        self._filed = frozenset(self._by_word)
        # A replacement brings its own words, which a later name may then match.
        self._echoes = frozenset(fold(w) for w in _WORD.findall(NAME_HIDDEN))

    def candidates(self, text: str) -> list[int]:
        """The indexes of the names that may match in `text`, in the order given."""
        if not self._names:
            return []
        if _WORD_IN_DISGUISE in text:
            return list(range(len(self._names)))
        if text.isascii():  # most text: folding is lower-casing, done at once
            words = set(_WORD.findall(text.lower()))
        else:
            words = {fold(w) for w in set(_WORD.findall(text))}
        found = self._having(words)
        if found or self._always:
            found = self._having(words | self._echoes)
        return sorted(found.union(self._always))

    def _having(self, words: set[str]) -> set[int]:
        """The names filed under one of `words` that have all their words among them."""
        return {
            index
            for word in words & self._filed
            for index in self._by_word[word]
            if self._words[index] <= words
        }

    def __call__(self, text: str) -> str:
        """`text` with each name replaced by NAME_HIDDEN, one name after the other."""
        for index in self.candidates(text):
            text = self._pattern(index).sub(NAME_HIDDEN, text)
        return text

    def _pattern(self, index: int) -> re.Pattern[str]:
        pattern = self._patterns.get(index)
        if pattern is None:
            words = r"\s+".join(re.escape(w) for w in self._names[index].split())
            pattern = re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)
            self._patterns[index] = pattern
        return pattern


def fold(word: str) -> str:
    """A word in one case: letters that match when case is ignored fold alike."""
    # Upper case first, so that the dotless i and "i", the long s and "s", the final sigma
    # and sigma meet; the dotted capital I lower-cases to "i" and a combining dot, which
    # would keep it apart from "i".
    return word.upper().casefold().replace("\u0307", "")


def _replaced(text: str, spans: list[tuple[int, int]], replacement: str) -> str:
    """`text` with each of the sorted, disjoint `spans` replaced."""
    if not spans:
        return text
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces += [text[done:start], replacement]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)
