"""Many runs of `tool` at once: distinct files created or changed, none lost, no cache damage."""

from __future__ import annotations

import contextlib
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from robustness import REPO, make_kb, snapshot, tool, tool_process

from tool.store import loading

PEOPLE = [f"Person {chr(65 + i)}{chr(97 + i)}" for i in range(5)]


def _interview(day: int) -> str:
    return (
        f"---\nperson: ann-lee\ndate: 2020-01-{day:02d}\nstatus: requested\n---\n"
        "## Next steps\n- [ ] Read the paper\n"
    )


def test_many_runs_at_once_create_and_change_distinct_files_and_lose_none(tmp_path):
    extra = {f"interviews/2020-01-{d:02d}-ann-lee.md": _interview(d) for d in range(1, 4)}
    kb = make_kb(tmp_path / "kb", extra)
    cache = tmp_path / "cache"
    before = snapshot(kb)
    runs: list[tuple[str, ...]] = [("new", "person", name) for name in PEOPLE]
    runs.append(("new", "person", "Zoë Müller-Łukasz"))  # also in the vCard: one of them wins
    runs.append(("import", "vcf", str(REPO / "tests/imports/contacts.vcf")))
    for day in range(1, 4):
        rel = f"interviews/2020-01-{day:02d}-ann-lee.md"
        runs += [("done", rel), ("thanked", rel, "--on", "2020-01-20"), ("check", rel, "paper")]
    runs += [("validate",), ("digest",), ("index",)]

    def start(args: tuple[str, ...]) -> tuple[tuple[str, ...], int, str]:
        process = tool_process(kb, args, cache)
        out, err = process.communicate(timeout=120)
        return args, process.returncode, err.decode() + out.decode()

    with ThreadPoolExecutor(len(runs)) as pool:  # all started at once, none waits for another
        results = list(pool.map(start, runs))

    for args, code, err in results:
        assert "Traceback" not in err and "internal error" not in err, (args, err)
        assert code in (0, 1), (args, err)
        if args[0] in ("new", "done", "thanked", "check"):
            # Three edits of one file at once: an edit may find the file changed under it,
            # and says so; it never writes over another's change (checked below).
            assert code == 0 or args[-1] == "Zoë Müller-Łukasz" or err.startswith("Error: "), err

    after = snapshot(kb)
    assert set(before) <= set(after)  # nothing lost
    kb_read = loading.load(kb)
    names = {p.name for p in kb_read.people.values()}
    assert set(PEOPLE) <= names
    # The import and `new` may both add Zoë (each planned before the other wrote): two
    # files then, never one lost or written over.
    assert (kb / "people/ivan-petrov.md").exists() and "Zoë Müller-Łukasz" in names
    assert not [p for p in (kb / "people").iterdir() if p.name.startswith(".")]
    # Each interview has every change of the three runs that succeeded on it.
    for day in range(1, 4):
        found = next(
            i for i in kb_read.interviews.values() if i.date.day == day and i.date.year == 2020
        )
        edits = {
            a[0]: c
            for a, c, _ in results
            if len(a) > 1 and a[1].startswith(f"interviews/2020-01-{day:02d}")
        }
        if edits["done"] == 0:
            assert found.status == "done"
        if edits["thanked"] == 0:
            assert str(found.thanked) == "2020-01-20"
        if edits["check"] == 0:
            assert [a.done for a in found.actions] == [True]

    # The cache the runs shared still gives what a cold read gives.
    warm = tool(kb, ("validate", "--format", "json"), cache)
    cold = tool(kb, ("validate", "--format", "json"), tmp_path / "cold-cache")
    assert warm == cold
    warm = tool(kb, ("export", "json"), cache)
    assert warm == tool(kb, ("export", "json"), tmp_path / "cold-cache")


def test_readers_and_writers_at_once_leave_a_cache_that_reads_like_a_cold_one(tmp_path):
    kb = make_kb(tmp_path / "kb")
    cache = tmp_path / "cache"
    note = kb / "people/ann-lee.md"
    processes: list[subprocess.Popen[bytes]] = []
    for round_ in range(3):
        processes += [tool_process(kb, args, cache) for args in (("validate",), ("digest",))]
        note.write_text(note.read_text(encoding="utf-8") + f"\nRound {round_}.\n", encoding="utf-8")
        processes.append(tool_process(kb, ("new", "person", f"Round {round_}"), cache))
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode in (0, 1) and b"Traceback" not in err, err

    assert tool(kb, ("validate",), cache) == tool(kb, ("validate",), tmp_path / "cold")
    listed = tool(kb, ("list", "people", "--format", "json"), cache)
    assert listed == tool(kb, ("list", "people", "--format", "json"), tmp_path / "cold")
    assert all(f'"Round {i}"' in listed[1] for i in range(3))
    assert tool(kb, ("digest",), cache)[0] == 0
    assert "Round 2." in (kb / "site/people/ann-lee.html").read_text(encoding="utf-8")
    assert not [p for p in Path(kb).rglob(".*") if p.name != ".tool-digest" and p.parent == kb]


def test_an_edit_waits_for_another_edit_of_the_same_file(tmp_path):
    """`done` read the file and is about to write it when `thanked` runs: neither is lost."""
    rel = "interviews/2020-01-01-ann-lee.md"
    kb = make_kb(tmp_path / "kb", {rel: _interview(1)})
    cache, gate = tmp_path / "cache", tmp_path / "gate"
    first = tool_process(kb, ("done", rel), cache, ("pause", str(gate)))
    while not gate.exists() and first.poll() is None:
        time.sleep(0.01)
    second = tool_process(kb, ("thanked", rel, "--on", "2020-01-20"), cache)
    with contextlib.suppress(subprocess.TimeoutExpired):
        second.wait(timeout=3)  # finishes at once if edits do not wait for each other
    gate.unlink()
    assert first.wait(timeout=60) == 0 and second.wait(timeout=60) == 0

    text = (kb / rel).read_text(encoding="utf-8")
    assert "status: done\n" in text and "thanked: 2020-01-20\n" in text
