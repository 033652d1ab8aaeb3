"""Who a referral names: an id, or free text naming one person ("Sam Okoro at Duolingo"). Pure.

One matching for every reader of `referrals` (due, brief, drafts, the digest, validate), and
the edit that writes a referral's id into an interview's front matter in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from tool.model import Person
from tool.parse import fmt
from tool.parse.frontmatter import Map, Scalar, Seq, split, to_python
from tool.text import comparable

# How a company follows a name: "Sam Okoro at Duolingo", "Sam Okoro @ Duolingo",
# "Sam Okoro (Duolingo)", "Sam Okoro, Duolingo"; "Fay from finance" reads the same way.
_WITH_COMPANY = (
    re.compile(r"(?P<name>.+?)\s+(?:at|@|from)\s+(?P<company>.+)"),
    re.compile(r"(?P<name>.+?)\s*\((?P<company>[^()]+)\)"),
    re.compile(r"(?P<name>.+?)\s*,\s*(?P<company>.+)"),
)


def fold(text: str) -> str:
    """A name or company for matching: case, accents, inner punctuation and spacing folded."""
    return " ".join(comparable(text).split())


def readings(ref: str) -> Iterator[tuple[str, str | None]]:
    """The ways to read a free-text referral as (name, company or None), the whole text first."""
    text = " ".join(ref.split())
    yield text, None
    for pattern in _WITH_COMPANY:
        match = pattern.fullmatch(text)
        if match:
            yield match["name"], match["company"]


def _same_company(a: str, b: str) -> bool:
    """Equal when folded, or one the other's first words ("Duolingo" and "Duolingo Inc.")."""
    a, b = fold(a), fold(b)
    return a == b or a.startswith(b + " ") or b.startswith(a + " ")


def _pick(candidates: list[Person], company: str | None) -> Person | None:
    """The one person meant, or None when none or several fit."""
    if company is not None:
        there = [p for p in candidates if p.company and _same_company(p.company, company)]
        if there:
            return there[0] if len(there) == 1 else None
        # Someone whose file has no company yet is still the one named; another company's
        # namesake is not.
        candidates = [p for p in candidates if not p.company]
    return candidates[0] if len(candidates) == 1 else None


class Referrals:
    """Finds the person each referral names, over one set of people."""

    def __init__(self, people: Mapping[str, Person]):
        self.people = people
        self._by_name: dict[str, list[Person]] = {}
        for person in sorted(people.values(), key=lambda p: p.id):
            self._by_name.setdefault(fold(person.name), []).append(person)

    def find(self, ref: str) -> Person | None:
        """The person `ref` names: by id, else by folded name (and company, when given)."""
        if ref in self.people:
            return self.people[ref]
        for name, company in readings(ref):
            candidates = self._by_name.get(fold(name))
            if candidates:
                return _pick(candidates, company)
        return None


def names(ref: str, person: Person) -> bool:
    """Whether the referral `ref` names `person`, by id or by free text."""
    return Referrals({person.id: person}).find(ref) is person


# --- Writing a referral's id into an interview, in place ------------------------------------

_NULLS = {"", "~", "null", "Null", "NULL"}


class CannotEdit(ValueError):
    """The front matter is not in a shape this edit changes safely; edit it by hand."""


def with_referral(text: str, person: Person) -> str:
    """The interview `text` with `person.id` in its referrals, changing only the lines it must.

    A free-text entry naming the person is replaced by the id; without one the id is added
    (to a flow list, a block list, an empty value, or as a new `referrals:` line). Line ends,
    comments and every other byte stay as they were. Unchanged if the id is there already.
    """
    lines = text.split("\n")
    meta = _meta(text)
    ident = _scalar(person.id)
    entry = next(((k, v) for k, v in meta.items if k.text == "referrals"), None)
    if entry is None:  # a new line, where `tool fmt` puts it
        return _checked(
            text, fmt.insert_field(text, "referrals", f"[{ident}]", "interview")[0], person
        )
    key, value = entry
    if isinstance(value, Scalar):
        if value.plain and value.text in _NULLS:
            line = lines[key.line - 1]
            lines[key.line - 1] = f"{line[: key.col - 1]}referrals: [{ident}]{_eol(line)}"
        elif value.text == person.id:
            return text
        elif names(value.text, person):
            _replace(lines, value, ident, flow=False)
        else:
            old = fmt.scalar(value.text, flow=True)
            _replace(lines, value, f"[{old}, {ident}]", flow=False)
        return _checked(text, "\n".join(lines), person)
    if not isinstance(value, Seq) or not all(isinstance(i, Scalar) for i in value.items):
        raise CannotEdit("referrals is not a list of names and ids")
    items = [i for i in value.items if isinstance(i, Scalar)]
    if any(i.text == person.id for i in items):
        return text
    flow = lines[value.line - 1][value.col - 1 : value.col] == "["
    named = next((i for i in items if names(i.text, person)), None)
    if named is not None:
        _replace(lines, named, ident, flow)
    elif flow:
        _append_flow(lines, value, ident)
    else:
        last = items[-1]
        line = lines[last.line - 1]
        lines.insert(last.line, f"{line[: last.col - 1]}{ident}{_eol(line)}")
    return _checked(text, "\n".join(lines), person)


def _meta(text: str) -> Map:
    doc = split(text.removeprefix("\ufeff").replace("\r\n", "\n"))
    if doc.meta is None:
        raise CannotEdit("its front matter cannot be read")
    return doc.meta


def _eol(line: str) -> str:
    return "\r" if line.endswith("\r") else ""


def _scalar(ident: str) -> str:
    """An id as a YAML scalar in a flow list: plain when every YAML reader reads it as that text."""
    return fmt.scalar(ident, flow=True)


def _end(line: str, start: int, flow: bool) -> int:
    """Where the scalar starting at `start` of `line` ends (exclusive)."""
    quote = line[start]
    if quote in "\"'":
        i = start + 1
        while i < len(line):
            if quote == '"' and line[i] == "\\":
                i += 2
                continue
            if line[i] == quote:
                if quote == "'" and line[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        raise CannotEdit("a quoted referral runs over several lines")
    stop = len(line.rstrip("\r"))
    comment = line.find(" #", start)
    if comment != -1:
        stop = min(stop, comment)
    if flow:
        for i in range(start, stop):
            if line[i] in ",]}":
                stop = i
                break
    return len(line[:stop].rstrip())


def _replace(lines: list[str], node: Scalar, new: str, flow: bool) -> None:
    line = lines[node.line - 1]
    start = node.col - 1
    lines[node.line - 1] = line[:start] + new + line[_end(line, start, flow) :]


def _append_flow(lines: list[str], seq: Seq, ident: str) -> None:
    line = lines[seq.line - 1]
    i, depth = seq.col, 1  # just after the "["
    while i < len(line):
        char = line[i]
        if char in "\"'":
            i = _end(line, i, flow=True)
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                inside = line[seq.col : i]
                if not inside.strip():
                    lines[seq.line - 1] = f"{line[: seq.col]}{ident}{line[i:]}"
                else:
                    at = seq.col + len(inside.rstrip())
                    lines[seq.line - 1] = f"{line[:at]}, {ident}{line[at:]}"
                return
        i += 1
    raise CannotEdit("the referrals list runs over several lines")


def _checked(old: str, new: str, person: Person) -> str:
    """The edit, once it is certain that only the referrals changed, and as meant."""
    before, after = _fields(old), _fields(new)
    refs = after.pop("referrals", None)
    refs = [refs] if isinstance(refs, str) else refs
    was = before.pop("referrals", None)
    kept = was if isinstance(was, list) else [was] if was else []
    if (
        before != after
        or not isinstance(refs, list)
        or person.id not in refs
        or len(refs) not in (len(kept), len(kept) + 1)
    ):
        raise CannotEdit("the edit would change more than the referrals")
    return new


def _fields(text: str) -> dict[str, object]:
    return {key.text: to_python(value) for key, value in _meta(text).items}
