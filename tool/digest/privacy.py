"""What must never reach a shared digest, and the scan that proves it did not."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress, count
from pathlib import Path

from tool.digest import contacts
from tool.digest.markdown import EMAIL, LINKEDIN, LINKEDIN_HINT
from tool.model import Interview, KnowledgeBase, Person

_TAG = re.compile(r"<[^>]*>")
# The tags of _TAG that hold an `=`, so may have attributes: the same matches, found in C.
_TAG_WITH_VALUES = re.compile(r"<[^>=]*=[^>]*>")
# A site repeats its tags (links, classes) from page to page: each is read once.
_VALUES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_MAX_VALUES = 100_000
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# Tags a reader does not see as a break: "030<b>123</b>4567" reads as one number.
_INLINE = (
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
    r"|strong|sub|sup|time|u|var|wbr)(?=[\s/>])[^>]*>"
)
_INLINE_TAG = re.compile(_INLINE, re.IGNORECASE)
# The same matches, found three times faster, in a file whose tag names have none of the
# letters that match the names' letters only when case is ignored (upper case, and four
# more: tests/test_digest_privacy.py finds them all).
_INLINE_TAG_LOWER = re.compile(_INLINE)
_CASED_TAG = re.compile("</?[a-z]*[A-Z\u0130\u0131\u017f\u212a]")
# Attributes whose values people read or follow; others (an SVG's points) are only numbers.
_TEXT_ATTRIBUTES = frozenset({"href", "src", "title", "alt", "content", "value", "label"})
_BREAK = " \x00 "  # between texts that a reader does not see as one run
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_MARKUP = re.compile(r"[*_`\[\]()<>#|!]+|^\s*(?:[-+>]|\d+[.)])\s+", re.MULTILINE)
_WORD = re.compile(r"\w+")
_RUN = re.compile(r"\d[\d\s().-]{5,}\d")
_URL_START = {"http", "https", "www", "mailto"}
PHONE_KEY = 7  # phones have at least this many digits (see phone_digits())
MIN_FRAGMENT = 24  # shorter fragments of a private note are too likely to occur elsewhere
MIN_NAME = 4  # a shorter name ("Bo") is too likely to be a word of its own to hide or look for
EMAIL_KIND, PHONE_KIND, LINKEDIN_KIND = "the email address", "the phone number", "the LinkedIn URL"


@dataclass(frozen=True)
class Secret:
    """A value that must not appear in a shared digest, and where it comes from."""

    kind: str  # email | phone | linkedin | name | page | note
    value: str
    source: str  # the KB file it comes from


@dataclass(frozen=True)
class Leak:
    """A secret found in an output file."""

    file: str
    secret: Secret

    def format(self) -> str:
        """One line naming the file and what it contains; a value found is shown masked."""
        if self.secret.source:
            return f"{self.file}: contains the {self.secret.kind} from {self.secret.source}"
        return f"{self.file}: contains {self.secret.kind} {mask(self.secret.value)!r}"


def mask(value: str) -> str:
    """A contact detail as much as a reader needs to find it, and no more."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if "linkedin.com" in value.casefold():
        end = value.casefold().index("linkedin.com") + len("linkedin.com")
        return value[:end] + ("/***" if value[end:] else "")
    digits = len(_digits(value))
    count = iter(range(digits))
    return re.sub(r"\d", lambda m: m.group() if next(count) >= digits - 2 else "*", value)


def is_private(kb: KnowledgeBase, interview: Interview) -> bool:
    """An interview is private if it says so or if its person is private.

    A person file that cannot be read, or is missing, may say `private: true`: the
    interview stays out of a shared digest until the file is fixed.
    """
    person = kb.person_of(interview)
    if person is None or interview.person in kb.unreadable_people:
        return True
    return interview.private or person.private


def secret_name(person: Person) -> str | None:
    """The name that a shared digest hides in notes, and its scan looks for, if any."""
    return person.name if person.private and len(person.name) >= MIN_NAME else None


def secret_names(kb: KnowledgeBase) -> tuple[str, ...]:
    """The names of the KB's private people that a shared digest hides, sorted."""
    return tuple(sorted(name for p in kb.people.values() if (name := secret_name(p))))


def secrets(kb: KnowledgeBase, pages: dict[str, str]) -> list[Secret]:
    """Every value of the KB that a digest without --include-private must not contain.

    `pages` maps private record ids to the page URLs they would have had.
    """
    public = [p.body for p in kb.people.values() if not p.private]
    public += [i.body for i in kb.interviews.values() if not is_private(kb, i)]
    # A line of a private note that a public note has too (a template's question) is no secret.
    lines: dict[str, list[tuple[str, ...]]] = {}  # notes repeat their template's lines
    shared = {words for body in public for words in _fragments(body, lines)}
    found: list[Secret] = []
    for person in kb.people.values():
        source = str(person.path)
        found += [Secret("email", v, source) for v in [person.email] if v]
        if person.phone and phone_digits(person.phone):
            found.append(Secret("phone", person.phone, source))
        found += [Secret("linkedin", v, source) for v in [person.linkedin] if v]
        found += [Secret("name", name, source) for name in [secret_name(person)] if name]
        if person.private:
            found += _private_body(person.body, source, shared)
    for interview in kb.interviews.values():
        if is_private(kb, interview):
            found += _private_body(interview.body, str(interview.path), shared)
    found += [Secret("page", url, "the private record " + rid) for rid, url in pages.items()]
    return found


def _fragments(
    body: str, lines: dict[str, list[tuple[str, ...]]] | None = None
) -> list[tuple[str, ...]]:
    """The runs of words of a note between Markdown syntax, long enough to be telling.

    `lines` keeps each line's runs, for the next note that has the same line.
    """
    found: list[tuple[str, ...]] = []
    for line in body.splitlines():
        if len(line) < MIN_FRAGMENT:  # spacing only shrinks when runs are measured
            continue
        runs = None if lines is None else lines.get(line)
        if runs is None:
            pieces = [p for p in _MARKUP.split(line) if len(p) >= MIN_FRAGMENT]
            runs = [_words(p) for p in pieces if len(" ".join(p.split())) >= MIN_FRAGMENT]
            if lines is not None:
                lines[line] = runs
        found += runs
    return found


def _private_body(body: str, source: str, shared: set[tuple[str, ...]]) -> list[Secret]:
    return [
        Secret("note", " ".join(words), source)
        for words in _fragments(body)
        if words and words not in shared
    ]


def _words(text: str) -> tuple[str, ...]:
    """Text as lower-case words: punctuation, markup and spacing do not hide a value."""
    words = _WORD.findall(text.casefold())
    while words and words[0] in _URL_START:
        words.pop(0)
    return tuple(words)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def phone_digits(phone: str | None) -> str | None:
    """The digits of a phone number, or None if too few to dial (they would match dates)."""
    digits = _digits(phone or "")
    return digits if len(digits) >= PHONE_KEY else None


@dataclass(frozen=True)
class Text:
    """An output file as a reader sees it, escapes decoded.

    `words` has all text and attribute values, for the KB's own values. `shown` keeps
    apart what the page shows apart, with the attribute values people read or follow
    (not an SVG's numbers); `other` has the other attribute values.
    """

    words: str
    shown: str
    other: str


def readable(data: str) -> Text:
    """An output file's text and attribute values as a reader sees them (see Text)."""
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), data)
    shown: list[str] = []
    other: list[str] = []
    for tag in _TAG_WITH_VALUES.findall(text):
        values = _VALUES.get(tag)
        if values is None:
            values = _values(tag)
            if len(_VALUES) >= _MAX_VALUES:
                _VALUES.clear()
            _VALUES[tag] = values
        shown += values[0]
        other += values[1]
    # Inline tags join what they split: "Zebulon Qu<b>artermaine</b>" reads as one name.
    inline = _INLINE_TAG if _CASED_TAG.search(text) else _INLINE_TAG_LOWER
    pieces = _TAG.split(inline.sub("", text))
    words = " ".join(pieces) + " " + " ".join(shown + other)
    body = _BREAK.join(pieces)
    return Text(
        _decoded(words), _decoded(_BREAK.join([body, *shown])), _decoded(_BREAK.join(other))
    )


def _values(tag: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A tag's attribute values: those people read or follow, and the others."""
    shown: list[str] = []
    other: list[str] = []
    for name, *quoted in _ATTRIBUTE.findall(tag):
        name = name.casefold()
        keep = name in _TEXT_ATTRIBUTES or name.startswith("aria-")
        (shown if keep else other).append("".join(quoted))
    return tuple(shown), tuple(other)


def _decoded(text: str) -> str:
    """Entities decoded twice (a note's own `&#64;` shows as written) and letters folded."""
    return unicodedata.normalize("NFKC", html.unescape(html.unescape(text)))


class _Index:
    """The secrets, indexed so that scanning a file costs time in its length, not theirs.

    The secrets' words make one automaton (Aho-Corasick, over words rather than letters):
    a file's words are read once, each step follows at most as many links as it matched
    words, and every secret that ends at a word is known there.
    """

    def __init__(self, found: list[Secret]):
        # Each phone by its last 7 digits.
        self.phones: dict[str, list[tuple[str, Secret]]] = {}
        # Each other secret with its length in words and its longest (rarest) word: hits
        # are reported in the order of that word, then of the secrets.
        self.entries: list[tuple[Secret, int, int]] = []
        self.next: list[dict[str, int]] = [{}]  # state -> word -> state; state 0 is the start
        self.ends: list[list[int]] = [[]]  # the entries that end in a state
        for secret in found:
            if secret.kind == "phone":
                digits = _digits(secret.value)
                self.phones.setdefault(digits[-PHONE_KEY:], []).append((digits, secret))
                continue
            words = _words(secret.value)
            if not words:
                continue
            state = 0
            for word in words:
                state = self.next[state].get(word) or self._add(state, word)
            anchor = max(range(len(words)), key=lambda i: len(words[i]))
            self.ends[state].append(len(self.entries))
            self.entries.append((secret, len(words), anchor))
        self._link()
        self._runs: dict[str, list[Secret]] = {}  # a site repeats its runs of digits (dates)

    def _add(self, state: int, word: str) -> int:
        self.next[state][word] = len(self.next)
        self.next.append({})
        self.ends.append([])
        return len(self.next) - 1

    def _link(self) -> None:
        """Each state's longest proper suffix that is a state, and its nearest that ends one."""
        self.fallback = [0] * len(self.next)
        self.output = [0] * len(self.next)  # the next state down the fallbacks with ends
        queue = deque(self.next[0].values())
        while queue:
            state = queue.popleft()
            for word, child in self.next[state].items():
                back = self.fallback[state]
                while back and word not in self.next[back]:
                    back = self.fallback[back]
                suffix = self.next[back].get(word, 0) if state else 0
                self.fallback[child] = suffix
                self.output[child] = suffix if self.ends[suffix] else self.output[suffix]
                queue.append(child)

    def find(self, text: str) -> list[Secret]:
        found: list[tuple[int, int]] = []  # (position of the anchor word, entry)
        words = _WORD.findall(text.casefold()) if self.entries else []
        # From the start state, a word that starts no secret leads back to it and ends
        # none: the automaton only has to read on from each word that starts one.
        first = self.next[0]
        starts = compress(count(), map(first.__contains__, words))
        done = -1  # the words read so far
        for start in starts:
            if start <= done:
                continue
            state, i = 0, start
            while i < len(words):
                word = words[i]
                while state and word not in self.next[state]:
                    state = self.fallback[state]
                state = self.next[state].get(word, 0)
                end = state if self.ends[state] else self.output[state]
                while end:
                    for entry in self.ends[end]:
                        _, length, anchor = self.entries[entry]
                        found.append((i - length + 1 + anchor, entry))
                    end = self.output[end]
                if not state:
                    break
                i += 1
            done = i
        hits = [self.entries[entry][0] for _, entry in sorted(found)]
        for run in _RUN.findall(text) if self.phones else ():
            hits += self._phones_in(run)
        return hits

    def _phones_in(self, run: str) -> list[Secret]:
        """The phone numbers that a run of digits ends with, at any of its digits."""
        found = self._runs.get(run)
        if found is None:
            digits = _digits(run)
            found = [
                secret
                for end in range(PHONE_KEY, len(digits) + 1)
                for phone, secret in self.phones.get(digits[end - PHONE_KEY : end], ())
                if digits[:end].endswith(phone)
            ]
            if len(self._runs) >= _MAX_VALUES:
                self._runs.clear()
            self._runs[run] = found
        return found


class Scanner:
    """Looks for secrets, and any email address, phone number or LinkedIn URL, in files."""

    def __init__(self, found: list[Secret]):
        self.index = _Index(found)

    def file(self, rel: str, data: str) -> list[Leak]:
        """The leaks in one output file, `rel` its path in the site."""
        text = readable(data)
        known = [Leak(rel, secret) for secret in self.index.find(text.words)]
        if known:
            return known  # one file's known leaks are enough; skip the general patterns
        return [Leak(rel, Secret(kind, value, "")) for kind, value in _contacts(text)]

    def known(self, rel: str, data: str) -> list[Leak]:
        """Only the secrets in one output file (its other patterns were scanned before)."""
        return [Leak(rel, secret) for secret in self.index.find(readable(data).words)]


def scan(folder: Path, found: list[Secret]) -> list[Leak]:
    """Every secret, and any email address, phone number or LinkedIn URL, under `folder`."""
    scanner = Scanner(found)
    leaks: list[Leak] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        leaks += scanner.file(rel, path.read_text(encoding="utf-8", errors="replace"))
    return list(dict.fromkeys(leaks))


def _contacts(text: Text) -> Iterator[tuple[str, str]]:
    """Any email address, phone number or LinkedIn URL in an output file."""
    everything = text.shown + _BREAK + text.other
    if "@" in everything:  # in every address the pattern finds
        yield from ((EMAIL_KIND, m.group()) for m in EMAIL.finditer(everything))
    yield from ((EMAIL_KIND, address) for address in contacts.emails(everything))
    yield from ((PHONE_KIND, number) for number in contacts.phones(text.shown))
    if LINKEDIN_HINT.search(everything):  # a quick search; the pattern tries every word
        yield from ((LINKEDIN_KIND, m.group()) for m in LINKEDIN.finditer(everything))
