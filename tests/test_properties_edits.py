"""Properties of the in-place edits: idempotent, only what they must, the data kept."""

from __future__ import annotations

import dataclasses
import json

from conftest import run
from hypothesis import given
from hypothesis import strategies as st
from robustness import EDITS, examples, fresh_kb

from tool.store import loading

REL = "interviews/2020-05-04-ann-lee.md"
# What each edit may change in the record; everything else must read back the same.
CHANGES = {
    "done": {"status"},
    "thanked": {"thanked"},
    "schedule": {"status", "date", "time"},
    "check": {"actions", "body", "sections"},
}
KEYS = {"done": ("status",), "thanked": ("thanked",), "schedule": ("status", "date", "time")}

plain = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=20
)


def yaml_value(draw: st.DrawFn, value: str) -> str:
    """One of the ways YAML may write a string."""
    style = draw(st.sampled_from(["json", "single", "plain"]))
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "plain" and value.replace(" ", "").isalnum() and not value[:1].isdigit():
        return value
    return json.dumps(value, ensure_ascii=draw(st.booleans()))


@st.composite
def interviews(draw: st.DrawFn) -> bytes:
    """A valid interview in any of the shapes users give one: order, quoting, comments, ends."""
    lines = ["person: ann-lee", "date: " + draw(st.sampled_from(["2020-05-04", '"2020-05-04"']))]
    optional = {
        "status": st.sampled_from(["idea", "requested", "scheduled", "done", "declined"]),
        "thanked": st.sampled_from(["2020-05-04", "'2020-05-05'", ""]),
        "time": st.sampled_from(['"14:30"', "'09:00'"]),
        "format": st.sampled_from(["video", "coffee", "phone"]),
        "tags": st.sampled_from(["[a, b]", "\n  - a\n  - b", "[]"]),
        "referrals": st.sampled_from(['[bo-chen, "Dee from sales"]', "\n  - bo-chen"]),
        "my_field": plain.map(lambda v: json.dumps(v)),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            value = draw(strategy)
            comment = draw(st.sampled_from(["", "  # a comment", " # status: done"]))
            lines.append(f"{key}: {value}{comment if not value.startswith(chr(10)) else ''}")
    if draw(st.booleans()):
        lines.append("# a comment line: date: 2020-01-01")
    lines = draw(st.permutations(lines))
    tasks = draw(
        st.lists(
            st.sampled_from(
                ['- [ ] Read "Inspired"', "- [x] Send thanks", "* [ ] Call Bo", "- [ ] Read more"]
            ),
            max_size=3,
        )
    )
    notes = draw(plain)
    body = ["## Notes", notes.replace("---", "- - -"), "", "## Next steps", *tasks]
    end = draw(st.sampled_from(["\n", "\r\n"]))
    text = "\n".join(["---", *lines, "---", *body]) + draw(st.sampled_from(["", "\n"]))
    text = text.replace("\n", end)
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + text).encode("utf-8")


def record(root, rel=REL):
    kb = loading.load(root)
    found = [r for r in kb.interviews.values() if str(r.path) == rel]
    return found[0] if found else None


def _unplaced(value):
    """A value without the line numbers an added front-matter line shifts."""
    if isinstance(value, tuple):
        return tuple(_unplaced(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = {f.name for f in dataclasses.fields(value)}
        moved = {n: 0 for n in ("line", "start", "end", "body_line") if n in names}
        return dataclasses.replace(value, **moved)  # type: ignore[arg-type]
    return value


def fields(interview, leave_out):
    return {
        f.name: _unplaced(getattr(interview, f.name))
        for f in dataclasses.fields(interview)
        if f.name not in leave_out and f.name not in ("path", "lines", "body_line")
    }


@given(interviews(), st.sampled_from(sorted(EDITS)))
@examples(80)
def test_an_edit_is_idempotent_changes_only_its_lines_and_keeps_the_data(note, edit):
    with fresh_kb({REL: note}) as root:
        before = record(root)
        assert before is not None, note
        first = run("--root", root, *EDITS[edit](REL))
        once = (root / REL).read_bytes()
        if first.exit_code != 0:  # e.g. no open task to tick: refused, the file as it was
            assert first.exit_code == 1 and first.stderr.startswith("Error: "), first.output
            assert once == note
            return
        second = run("--root", root, *EDITS[edit](REL))
        assert (root / REL).read_bytes() == once  # idempotent
        if edit == "check":
            assert second.exit_code == 1 and "is already ticked" in second.stderr, second.output
        else:
            assert (second.exit_code, second.stdout) == (0, f"{REL}: nothing to change\n")

        # Only the lines of the fields set (or one added line) changed, byte for byte.
        old_lines, new_lines = note.splitlines(keepends=True), once.splitlines(keepends=True)
        changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=False) if a != b]
        if len(new_lines) == len(old_lines):
            for old, new in changed:
                if edit == "check":
                    assert old.replace(b"[ ]", b"[x]", 1) == new
                else:
                    key = new.split(b":", 1)[0].decode()
                    assert key in KEYS[edit], (old, new)
                    assert old.split(b":", 1)[0] == new.split(b":", 1)[0]
        else:
            assert edit != "check"
            added = len(new_lines) - len(old_lines)
            assert 1 <= added <= len(KEYS[edit])
            kept = [line for line in new_lines if line.split(b":", 1)[0].decode() not in KEYS[edit]]
            dropped = [
                line for line in old_lines if line.split(b":", 1)[0].decode() not in KEYS[edit]
            ]
            assert kept == dropped
        ending = b"\r\n" if b"\r\n" in note else b"\n"
        assert all(line.endswith(ending) for line in new_lines[:-1])

        after = record(root)
        assert fields(after, CHANGES[edit]) == fields(before, CHANGES[edit])
        if edit == "done":
            assert after.status == "done"
        elif edit == "thanked":
            assert str(after.thanked) == "2026-03-11"
        elif edit == "schedule":
            assert (after.status, str(after.date)) == ("scheduled", "2020-05-04")
        else:
            assert len([a for a in after.actions if a.done]) == 1 + len(
                [a for a in before.actions if a.done]
            )


@given(interviews())
@examples(40)
def test_fmt_is_idempotent_and_keeps_the_data(note):
    with fresh_kb({REL: note}) as root:
        before = record(root)
        path = str(root / REL)
        first = run("--root", root, "fmt", path)
        once = (root / REL).read_bytes()
        if first.exit_code != 0:  # left alone, with a reason
            assert first.exit_code == 1 and once == note, first.output
            assert "Traceback" not in first.stderr
            return
        assert run("--root", root, "fmt", "--check", path).exit_code == 0
        assert run("--root", root, "fmt", path).exit_code == 0
        assert (root / REL).read_bytes() == once  # idempotent
        assert fields(record(root), set()) == fields(before, set())
