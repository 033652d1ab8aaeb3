"""What must never reach a shared digest, and the scan that proves it did not."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from tool.digest.markdown import EMAIL, PHONE
from tool.kb import KnowledgeBase
from tool.model import Interview

_TAG = re.compile(r"<[^>]*>")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_MARKUP = re.compile(r"[*_`\[\]()<>#|!]+|^\s*(?:[-+>]|\d+[.)])\s+", re.MULTILINE)
MIN_FRAGMENT = 24  # shorter fragments of a private note are too likely to occur elsewhere


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
        if self.secret.source:
            return f"{self.file}: contains the {self.secret.kind} from {self.secret.source}"
        return f"{self.file}: contains {self.secret.kind} {self.secret.value!r}"


def is_private(kb: KnowledgeBase, interview: Interview) -> bool:
    """An interview is private if it says so or if its person is private."""
    person = kb.person_of(interview)
    return interview.private or bool(person and person.private)


def secrets(kb: KnowledgeBase, pages: dict[str, str]) -> list[Secret]:
    """Every value of the KB that a digest without --include-private must not contain.

    `pages` maps private record ids to the page URLs they would have had.
    """
    found: list[Secret] = []
    public_bodies = [p.body for p in kb.people.values() if not p.private] + [
        i.body for i in kb.interviews.values() if not is_private(kb, i)
    ]
    public_text = " ".join(_normal(_MARKUP.sub(" ", body)) for body in public_bodies)
    for person in kb.people.values():
        source = str(person.path)
        found += [Secret("email", v, source) for v in [person.email] if v]
        # Fewer than 7 digits is not a phone number one could dial, and would match dates.
        found += [Secret("phone", v, source) for v in [person.phone] if v and len(_digits(v)) >= 7]
        found += [Secret("linkedin", v, source) for v in [person.linkedin] if v]
        if person.private:
            found += [Secret("name", person.name, source)] if len(person.name) >= 4 else []
            found += _private_body(person.body, source, public_text)
    for interview in kb.interviews.values():
        if is_private(kb, interview):
            found += _private_body(interview.body, str(interview.path), public_text)
    found += [Secret("page", url, "the private record " + rid) for rid, url in pages.items()]
    return found


def _private_body(body: str, source: str, public_text: str) -> list[Secret]:
    out = []
    for line in body.splitlines():
        for piece in _MARKUP.split(line):
            text = _normal(piece)
            if len(text) >= MIN_FRAGMENT and text not in public_text:
                out.append(Secret("note", text, source))
    return out


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def readable(data: str) -> str:
    """Output text as a reader sees it: tags dropped, HTML and JSON escapes decoded."""
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), data)
    return html.unescape(_TAG.sub(" ", text)) + " " + html.unescape(text)


def scan(folder: Path, found: list[Secret]) -> list[Leak]:
    """Every secret, and every email address or phone number, in the files under `folder`."""
    leaks: list[Leak] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        text = readable(path.read_text(encoding="utf-8", errors="replace"))
        normal = _normal(text)
        runs = [_digits(m) for m in re.findall(r"\d[\d\s().-]{5,}\d", text)]
        for secret in found:
            if secret.kind == "phone":
                hit = any(_digits(secret.value) in run for run in runs)
            elif secret.kind == "name":
                words = r"\s+".join(re.escape(w) for w in _normal(secret.value).split())
                hit = re.search(rf"(?<!\w){words}(?!\w)", normal) is not None
            else:
                hit = _normal(secret.value) in normal
            if hit:
                leaks.append(Leak(rel, secret))
        if leaks and leaks[-1].file == rel:
            continue  # one file's known leaks are enough; skip the generic patterns
        for pattern, kind in ((EMAIL, "the email address"), (PHONE, "the phone number")):
            leaks += [Leak(rel, Secret(kind, m.group(), "")) for m in pattern.finditer(text)]
    return list(dict.fromkeys(leaks))
