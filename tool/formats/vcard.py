"""vCard files (3.0 and 4.0, and the quoted-printable of 2.1) as contacts, and people as vCards."""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator
from typing import Any

import vobject

from tool.formats.contacts import BadValue, Contact, NotReadable, Rejected, note_text, one_line
from tool.formats.ics import escape, fold_line
from tool.model import Person

_BEGIN = re.compile(r"begin[ \t]*:[ \t]*vcard[ \t]*", re.IGNORECASE)
_END = re.compile(r"end[ \t]*:[ \t]*vcard[ \t]*", re.IGNORECASE)
_QP = re.compile(r";[ \t]*encoding[ \t]*=[ \t]*quoted-printable", re.IGNORECASE)
_CHARSET = re.compile(r";[ \t]*charset[ \t]*=[ \t]*([\w.:-]+)", re.IGNORECASE)
_SKIPPED = ("photo", "logo", "sound", "key")  # binary data: never read, never kept
_STRUCTURED = ("n", "org", "adr")  # values whose parts `;` separates
_READ = ("fn", "n", "org", "title", "note", "email", "tel", "url")
_BARE_COMMA = re.compile(r"(?<!\\)((?:\\\\)*),")


def read(text: str) -> tuple[list[Contact], list[Rejected]]:
    """The contacts of a vCard file, and the cards that cannot be read (with their line).

    NotReadable when the file holds no card at all.
    """
    contacts: list[Contact] = []
    rejected: list[Rejected] = []
    seen = False
    for line, lines, complete in _cards(text.removeprefix("\ufeff")):
        seen = True
        if not complete:
            rejected.append(Rejected(line, "the card has no END:VCARD line"))
            continue
        try:
            contacts.append(_contact(line, lines))
        except BadValue as exc:
            rejected.append(Rejected(line, str(exc)))
    if not seen:
        raise NotReadable("no BEGIN:VCARD line; is this a vCard (.vcf) file?")
    return contacts, rejected


def _cards(text: str) -> Iterator[tuple[int, list[str], bool]]:
    """(line of BEGIN, lines, whether END came) of each card; lines outside cards are skipped."""
    start, lines = 0, list[str]()
    for number, line in enumerate(text.splitlines(), 1):
        if _BEGIN.fullmatch(line.strip()):
            if start:
                yield start, lines, False
            start, lines = number, [line.strip()]
        elif start and _END.fullmatch(line.strip()):
            yield start, [*lines, line.strip()], True
            start, lines = 0, []
        elif start:
            lines.append(line)
    if start:
        yield start, lines, False


def _logical(lines: list[str]) -> Iterator[str]:
    """Content lines unfolded: a leading space or tab continues, as does a soft `=` break."""
    current: str | None = None
    for line in lines:
        if current is not None and line[:1] in (" ", "\t"):
            current += line[1:]
            continue
        if current is not None and _is_qp(current) and current.endswith("="):
            current = current[:-1] + line
            continue
        if current is not None:
            yield current
        current = line
    if current is not None:
        yield current


def _is_qp(line: str) -> bool:
    return bool(_QP.search(line.partition(":")[0]))


def _decoded(line: str) -> str | None:
    """A content line as vobject should read it; None for binary data, never read.

    Quoted-printable (vCard 2.1) is decoded here, since vobject reads it as it is. A bare
    comma is escaped in the fields read: 2.1 allows one, some 3.0 writers leave one, and
    vobject would otherwise keep only the text before it.
    """
    head, colon, value = line.partition(":")
    name = head.split(";", 1)[0].split(".")[-1].strip().casefold()
    if not colon or name in _SKIPPED:
        return None
    if _is_qp(line):
        charset = _CHARSET.search(head)
        raw = quopri.decodestring(value.encode("latin-1", "replace"))
        try:
            text = raw.decode(charset[1] if charset else "utf-8", "replace")
        except LookupError:
            text = raw.decode("utf-8", "replace")
        value = text.replace("\\", "\\\\").replace("\r\n", "\\n").replace("\n", "\\n")
        if name not in _STRUCTURED:
            value = value.replace(";", "\\;")
        head = _CHARSET.sub("", _QP.sub("", head))
    if name in _READ:
        value = _BARE_COMMA.sub(r"\1\\,", value)
    return f"{head}:{value}"


def _contact(line: int, lines: list[str]) -> Contact:
    kept = [d for d in (_decoded(logical) for logical in _logical(lines)) if d is not None]
    try:
        card = vobject.readOne("\r\n".join(kept) + "\r\n", ignoreUnreadable=True)
    except Exception as exc:  # the library's errors have no common base; any one is this card's
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadValue(f"the card cannot be read ({reason})") from None
    name = one_line(_text(_first(card, "fn")), "name") or _from_n(_first(card, "n"))
    if not name:
        raise BadValue("the card has no name (FN or N)")
    org = _first(card, "org")
    company = org[0] if isinstance(org, list) and org else org
    urls = [str(u) for u in _values(card, "url") if str(u).strip()]
    urls += [str(u) for u in _values(card, "x-socialprofile") if "linkedin." in str(u).casefold()]
    linkedin = next((u.strip() for u in urls if "linkedin.com/" in u.casefold()), None)
    others = [u.strip() for u in urls if u.strip() != linkedin]
    note = "\n".join(filter(None, [note_text(_text(_first(card, "note"))), *others]))
    return Contact(
        line=line,
        name=name,
        company=one_line(_text(company), "company"),
        role=one_line(_text(_first(card, "title")), "title"),
        email=one_line(_text(_preferred(card, "email")), "email"),
        phone=_phone(one_line(_text(_preferred(card, "tel")), "phone")),
        linkedin=one_line(linkedin, "URL"),
        note=note or None,
    )


def _values(card: Any, name: str) -> list[Any]:
    return [item.value for item in card.contents.get(name, [])]


def _first(card: Any, name: str) -> Any:
    values = _values(card, name)
    return values[0] if values else None


def _preferred(card: Any, name: str) -> Any:
    """The value marked preferred (3.0 TYPE=pref, 4.0 PREF=1), else the first."""
    items = card.contents.get(name, [])

    def rank(item: Any) -> int:
        params = {key.casefold(): value for key, value in item.params.items()}
        types = [str(t).casefold() for t in params.get("type", [])]
        pref = params.get("pref", [])
        if pref and str(pref[0]).isdigit():
            return int(pref[0])
        return 0 if "pref" in types else 101

    ranked = sorted(items, key=rank)  # stable: among equals, the card's order
    return ranked[0].value if ranked else None


def _phone(value: str | None) -> str | None:
    """A number without the `tel:` of 4.0's URI form."""
    if value and value[:4].casefold() == "tel:":
        return value[4:].strip() or None
    return value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _from_n(value: Any) -> str | None:
    """A name from the structured N (family; given; additional; prefix; suffix)."""
    if value is None:
        return None
    parts = [value.prefix, value.given, value.additional, value.family, value.suffix]
    words = [" ".join(p) if isinstance(p, list) else str(p or "") for p in parts]
    return one_line(" ".join(w for w in words if w.strip()), "name")


PRODID = "-//tool//informational interviews//EN"


def write(people: Iterable[Person]) -> str:
    """People as vCard 4.0, sorted by id, with CRLF line ends and lines folded at 75 octets.

    Written by hand, as the calendar is (see tool.formats.ics), so that the bytes stay the
    same across library versions: name, company, role, email, phone and LinkedIn URL.
    """
    cards = []
    for person in sorted(people, key=lambda p: p.id):
        lines = ["BEGIN:VCARD", "VERSION:4.0", f"PRODID:{PRODID}", f"FN:{escape(person.name)}"]
        if person.company:
            lines.append(f"ORG:{escape(person.company)}")
        if person.role:
            lines.append(f"TITLE:{escape(person.role)}")
        if person.email:
            lines.append(f"EMAIL:{escape(person.email)}")
        if person.phone:
            lines.append(f"TEL;VALUE=text:{escape(person.phone)}")
        if person.linkedin:
            lines.append(f"URL:{' '.join(person.linkedin.split())}")
        lines.append("END:VCARD")
        cards.append("".join(fold_line(line) + "\r\n" for line in lines))
    return "".join(cards)


def is_generated(text: str) -> bool:
    """True if a file holds vCards written by `write` (safe to replace), or nothing."""
    return text == "" or (
        text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and f"\r\nPRODID:{PRODID}\r\n" in text
    )
