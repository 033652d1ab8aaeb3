"""`validate` after some files changed: only they are read, and the result is never stale.

Each run is compared with `check` on a KB loaded afresh, without any cache: the answer a
run that reuses what it kept must give.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import fat_like, run, write

from tool.check import check, check_root
from tool.model import Problem
from tool.store import cache, loading

TODAY = date(2026, 3, 1)
SECOND = 1_000_000_000
WHEN = 1_700_000_000 * SECOND  # files last written long ago
NOW = WHEN + 10_000 * SECOND  # when the runs take place
FILES = {
    "tool.toml": '[me]\nname = "Ana"\n',
    "people/jane-doe.md": "---\nname: Jane Doe\ncompany: Globex\n---\nMet at a meetup.\n",
    "people/kim-lee.md": "---\nname: Kim Lee\nintroduced_by: jane-doe\n---\n",
    "people/bo-chen.md": "---\nname: Bo Chen\nrelationship: friend\n---\n",
    "interviews/2026-01-10-jane-doe.md": (
        "---\nperson: jane-doe\ndate: 2026-01-10\nstatus: done\n"
        "referrals: [Bo Chen, kim-lee]\n---\n## Insights\n- Slow hiring #hiring\n"
    ),
    "interviews/2026-01-11-kim-lee.md": (
        "---\nperson: kim-lee\ndate: 2026-01-11\nstatus: done\nuid: talk-1\n---\n"
        "## Insights\n- Fast hiring #hiring\n- Same again #Hirings\n## Insigths\n"
    ),
    "interviews/2026-01-12-bo-chen.md": (
        "---\nperson: bo-chen\ndate: 2026-01-12\nstatus: scheduled\n---\n"
        "## Insights\n- Teams #hiring #teams\n"
    ),
}


@pytest.fixture
def kb(tmp_path: Path, monkeypatch) -> Path:
    """A small KB whose files were all written long before the runs."""
    monkeypatch.setattr(cache, "time_ns", lambda: NOW)
    root = tmp_path / "kb"
    for rel, text in FILES.items():
        put(root, rel, text)
    return root


def put(root: Path, rel: str, text: str, when: int = WHEN) -> None:
    path = write(root / rel, text)
    os.utime(path, ns=(when, when))


def fresh(root: Path, monkeypatch, today: date = TODAY) -> list[Problem]:
    with monkeypatch.context() as m:
        m.setenv("TOOL_NO_CACHE", "1")
        return check(loading.load(root), today)


def parsed(monkeypatch) -> list[str]:
    """The record files parsed from now on."""
    seen: list[str] = []
    real = loading.parse_record

    def parse(data, rel, headings):
        seen.append(rel)
        return real(data, rel, headings)

    monkeypatch.setattr(loading, "parse_record", parse)
    return seen


def validated(root: Path, monkeypatch, today: date = TODAY) -> list[str]:
    """A run through the kept results, checked against a fresh one; its problems as text."""
    found = check_root(root, today).value
    assert found == fresh(root, monkeypatch, today)
    return [p.format() for p in found]


def test_a_run_after_an_edit_parses_only_the_edited_file(kb, monkeypatch):
    validated(kb, monkeypatch)
    put(kb, "interviews/2026-01-12-bo-chen.md", FILES["interviews/2026-01-12-bo-chen.md"] + "x\n")
    seen = parsed(monkeypatch)
    check_root(kb, TODAY)
    assert seen == ["interviews/2026-01-12-bo-chen.md"]


def test_a_person_renamed_away_leaves_references_to_them_unresolved(kb, monkeypatch):
    before = validated(kb, monkeypatch)
    (kb / "people/kim-lee.md").rename(kb / "people/kim-li.md")
    assert [p for p in validated(kb, monkeypatch) if p not in before] == [
        "interviews/2026-01-10-jane-doe.md:5:1: warning: referral 'kim-lee' is not a person "
        "in people/ (did you mean kim-li?) [unknown-referral]",
        "interviews/2026-01-11-kim-lee.md:2:1: error: person 'kim-lee' is not in people/ "
        "(did you mean kim-li?) [reference]",
        "people/kim-li.md:1:1: warning: file name does not follow the name 'Kim Lee': "
        "expected kim-lee.md [file-name]",
    ]


def test_a_person_who_cannot_be_read_is_quoted_where_referred_to(kb, monkeypatch):
    def quoted() -> list[str]:
        return [p for p in validated(kb, monkeypatch) if p.startswith("people/kim-lee.md:3:")]

    validated(kb, monkeypatch)
    put(kb, "people/jane-doe.md", "---\nname: [Jane\n---\n", WHEN + SECOND)
    assert quoted() == [
        "people/kim-lee.md:3:1: error: introduced_by 'jane-doe': people/jane-doe.md exists but "
        "cannot be used: people/jane-doe.md:2: YAML syntax: '[' is never closed [reference]",
    ]
    put(kb, "people/jane-doe.md", "---\ncompany: Globex\n---\n", WHEN + 2 * SECOND)
    assert quoted() != [] and "is never closed" not in quoted()[0]


def test_a_new_name_makes_and_unmakes_a_namesake_in_an_unchanged_file(kb, monkeypatch):
    validated(kb, monkeypatch)
    put(kb, "people/bo-chen.md", "---\nname: Jane Doe\n---\n", WHEN + SECOND)
    assert sum("[namesake]" in p for p in validated(kb, monkeypatch)) == 2
    put(kb, "people/bo-chen.md", "---\nname: Bo Chen\n---\n", WHEN + 2 * SECOND)
    assert not any("[namesake]" in p for p in validated(kb, monkeypatch))


def test_a_free_text_referral_that_becomes_someone_is_reported_in_its_unchanged_file(
    kb, monkeypatch
):
    put(kb, "people/bo-chen.md", "---\nname: Bo Chan\n---\n")
    assert not any("[referral-name]" in p for p in validated(kb, monkeypatch))
    put(kb, "people/bo-chen.md", "---\nname: Bo Chen\n---\n", WHEN + SECOND)
    assert [p for p in validated(kb, monkeypatch) if "[referral-name]" in p] == [
        "interviews/2026-01-10-jane-doe.md:5:1: warning: referral 'Bo Chen' is Bo Chen "
        "(people/bo-chen.md): write their id bo-chen instead [referral-name]"
    ]


def test_a_referral_at_another_company_than_an_unchanged_persons_is_not_them(kb, monkeypatch):
    validated(kb, monkeypatch)
    rel = "interviews/2026-01-10-jane-doe.md"
    for where, found in (
        ("Initech", []),
        ("Globex", ["referral 'Jane Doe at Globex' is Jane Doe"]),
    ):
        put(kb, rel, FILES[rel].replace("Bo Chen", f"Jane Doe at {where}"), WHEN + SECOND)
        problems = [p for p in validated(kb, monkeypatch) if "[referral-name]" in p]
        assert [p.split(": ", 2)[2].split(" (")[0] for p in problems] == found


def test_a_topic_spelling_elsewhere_changes_the_warnings_in_unchanged_files(kb, monkeypatch):
    def topics() -> list[str]:
        return [p for p in validated(kb, monkeypatch) if "[topic-spelling]" in p]

    assert topics() == [
        "interviews/2026-01-11-kim-lee.md:9:14: warning: topic #Hirings looks like #hiring "
        "(used 3 times); use one spelling for one topic [topic-spelling]"
    ]
    for rel in ("interviews/2026-01-10-jane-doe.md", "interviews/2026-01-12-bo-chen.md"):
        put(kb, rel, FILES[rel].replace("#hiring", "#Hirings"), WHEN + SECOND)
    assert topics() == [
        "interviews/2026-01-11-kim-lee.md:8:15: warning: topic #hiring looks like #Hirings "
        "(used 3 times); use one spelling for one topic [topic-spelling]"
    ]


def test_a_misspelt_topic_moved_along_its_line_is_reported_where_it_is(kb, monkeypatch):
    rel = "interviews/2026-01-11-kim-lee.md"
    validated(kb, monkeypatch)
    put(kb, rel, FILES[rel].replace("Same again", "The same again"), WHEN + SECOND)
    assert [p for p in validated(kb, monkeypatch) if "[topic-spelling]" in p] == [
        "interviews/2026-01-11-kim-lee.md:9:18: warning: topic #Hirings looks like #hiring "
        "(used 3 times); use one spelling for one topic [topic-spelling]"
    ]


def test_headings_in_the_settings_change_the_problems_of_unchanged_files(kb, monkeypatch):
    def headings() -> list[str]:
        return [p for p in validated(kb, monkeypatch) if "[heading]" in p]

    assert headings() == [
        "interviews/2026-01-11-kim-lee.md:10:1: warning: heading 'Insigths' is read as plain "
        "notes (did you mean Insights?) [heading]"
    ]
    put(kb, "tool.toml", FILES["tool.toml"] + '[headings]\ninsights = "Insigths"\n', WHEN + SECOND)
    assert headings() == [
        f"interviews/{name}.md:{line}:1: warning: heading 'Insights' is read as plain notes "
        "(did you mean Insigths?) [heading]"
        for name, line in (
            ("2026-01-10-jane-doe", 7),
            ("2026-01-11-kim-lee", 7),
            ("2026-01-12-bo-chen", 6),
        )
    ]


def test_an_edit_within_the_clock_tick_of_the_last_run_is_read(kb, monkeypatch):
    """Where stamps cannot tell an edit (no change time, the old modification time back)."""
    fat_like(monkeypatch)
    rel = "people/bo-chen.md"
    put(kb, rel, FILES[rel], NOW - SECOND)  # written in the last run's tick
    validated(kb, monkeypatch)
    put(kb, rel, FILES[rel].replace("friend", "fiend!"), NOW - SECOND)  # same size and time
    assert any("relationship must be one of" in p for p in validated(kb, monkeypatch))


def test_a_file_touched_with_an_older_time_is_read(kb, monkeypatch):
    validated(kb, monkeypatch)
    put(kb, "people/bo-chen.md", "---\nname: Bo Chen\nrelationship: fiend\n---\n", WHEN - SECOND)
    assert any("relationship must be one of" in p for p in validated(kb, monkeypatch))


def test_another_day_is_checked_for_that_day(kb, monkeypatch):
    validated(kb, monkeypatch, date(2026, 1, 1))
    assert any("[done-in-future]" in p for p in validated(kb, monkeypatch, date(2026, 1, 1)))
    assert not any("[done-in-future]" in p for p in validated(kb, monkeypatch))


def test_the_cli_prints_the_same_after_an_edit(kb, monkeypatch):
    run("--root", kb, "validate", "--on", "2026-03-01")
    put(kb, "people/kim-lee.md", "---\nname: Kim Lee\nintroduced_by: nobody\n---\n", WHEN + SECOND)
    warm = run("--root", kb, "validate", "--on", "2026-03-01")
    monkeypatch.setenv("TOOL_NO_CACHE", "1")
    cold = run("--root", kb, "validate", "--on", "2026-03-01")
    assert (warm.exit_code, warm.output) == (cold.exit_code, cold.output) == (1, warm.output)
    assert "introduced_by 'nobody' is not a person in people/" in warm.output


@pytest.mark.parametrize("damage", ["missing", "cut short"])
def test_kept_facts_lost_or_damaged_are_worked_out_again(kb, monkeypatch, damage):
    validated(kb, monkeypatch)
    (facts,) = cache.cache_dir().glob("*-validate-facts.pickle")
    if damage == "missing":
        facts.unlink()
    else:  # the first part, naming the columns it goes with, is whole: the rest is not
        facts.write_bytes(facts.read_bytes()[:-20])
    put(kb, "people/bo-chen.md", "---\nname: Jane Doe\n---\n", WHEN + SECOND)
    assert sum("[namesake]" in p for p in validated(kb, monkeypatch)) == 2


def on_two_cores(monkeypatch) -> None:
    """Parse in worker processes from the second file on, as on a machine with two cores."""
    monkeypatch.setattr(loading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(loading, "BATCH", 2)
    monkeypatch.setattr(loading.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    monkeypatch.setattr(loading, "_read_here", lambda count, total: False)


def read_here(monkeypatch) -> list[str]:
    """The record files this process reads from now on (a worker's reads are its own)."""
    seen: list[str] = []
    real = loading.read_file

    def read(root, path, *args):
        seen.append(os.path.basename(path))
        return real(root, path, *args)

    monkeypatch.setattr(loading, "read_file", read)
    return seen


def awkward(root: Path) -> None:
    """Files that cannot be read, or read into no record, for the reasons a KB can have."""
    put(root, "people/bad-yaml.md", "---\nname: [\n---\n")
    write(root / "interviews/2026-01-13-not-utf8.md", b"---\nperson: \xff\n---\n")
    put(root, "people/typo.md", "---\nname: Typo\ncompnay: Globex\n---\n")
    write(root.parent / "outside.md", "---\nname: Out Side\n---\n")
    (root / "people/out-side.md").symlink_to(root.parent / "outside.md")
    (root / "people/no-one.md").symlink_to(root / "people/nowhere.md")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "interviews/2026-01-14-pipe.md")


def test_files_parsed_in_worker_processes_are_read_there_with_the_same_problems(kb, monkeypatch):
    awkward(kb)
    expected = fresh(kb, monkeypatch)
    on_two_cores(monkeypatch)
    seen = read_here(monkeypatch)
    assert check_root(kb, TODAY).value == expected
    # Before, this process read every file and sent its bytes to the workers.
    assert seen == []
    found = "\n".join(p.format() for p in expected)
    assert "people/out-side.md:1:1: error: symbolic link points outside" in found
    assert "interviews/2026-01-13-not-utf8.md:2:9: error: file is not valid UTF-8" in found
    assert "people/typo.md:3:1: warning: unknown field 'compnay' is ignored" in found


class FailingPool:
    """Worker processes that cannot be started, or that give back one batch and die."""

    def __init__(self, *args, start: bool = True):
        if not start:
            raise OSError("no processes left")
        self.given = 0

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def submit(self, work, *args):
        import concurrent.futures.process

        future = concurrent.futures.Future()
        self.given += 1
        if self.given == 1:
            future.set_result(work(*args))
        else:
            future.set_exception(concurrent.futures.process.BrokenProcessPool("killed"))
        return future


@pytest.mark.parametrize("start", [True, False], ids=["dying", "not-starting"])
def test_workers_that_die_or_cannot_start_leave_the_files_to_this_process(kb, monkeypatch, start):
    import concurrent.futures

    awkward(kb)
    expected = fresh(kb, monkeypatch)
    on_two_cores(monkeypatch)
    pool = lambda *args: FailingPool(*args, start=start)  # noqa: E731
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", pool)
    assert check_root(kb, TODAY).value == expected
    assert validated(kb, monkeypatch) == [p.format() for p in expected]


def test_a_touched_file_whose_kept_row_is_damaged_is_parsed_again(kb, monkeypatch):
    import sqlite3

    before = validated(kb, monkeypatch)
    (database,) = cache.cache_dir().glob("*.sqlite3")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE files SET value = x'00'")
    db.close()
    for path in kb.glob("*/*.md"):  # the same bytes, a new time: their rows' bytes
        os.utime(path, ns=(WHEN + SECOND, WHEN + SECOND))
    on_two_cores(monkeypatch)
    assert validated(kb, monkeypatch) == before


def test_a_file_another_command_parsed_since_comes_from_its_row(kb, monkeypatch):
    validated(kb, monkeypatch)
    put(kb, "people/kim-lee.md", "---\nname: Kim Lee\nintroduced_by: nobody\n---\n", WHEN + 1)
    loading.load(kb)  # as `index` would: the edited file's row written anew
    monkeypatch.setattr(loading, "_read_here", lambda count, total: False)
    seen = parsed(monkeypatch)
    found = check_root(kb, TODAY).value
    assert seen == []  # validate's own kept results are stale for it, the cache's row is not
    assert found == fresh(kb, monkeypatch)
    assert "introduced_by 'nobody' is not a person" in "".join(p.format() for p in found)


def test_a_run_with_nothing_changed_imports_no_rule(kb):
    """What warm runs start with: the kept result, and none of the modules that compute one."""
    code = (
        "import sys; from datetime import date; from pathlib import Path\n"
        "from tool.check import check_root\n"
        f"check_root(Path({str(kb)!r}), date(2026, 3, 1))\n"
        "heavy = ('jinja2', 'tool.formats.ics', 'tool.rules.records',\n"
        "         'tool.rules.insights', 'tool.template_checks', 'tool.validation')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)]
    runs.append(
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    )
    assert [r.stdout for r in runs][1] == "[]\n", runs[1].stderr


# --- a random sequence of edits ---------------------------------------------------------------

NAMES = ["Jane Doe", "Kim Lee", "Bo Chen", "Cy Diaz", "jane doe"]
IDS = ["jane-doe", "kim-lee", "bo-chen", "cy-diaz", "Jane-Doe", "jane-doe-2"]
TOPICS = ["#hiring", "#Hiring", "#hirings", "#teams", "#team"]
HEADINGS = ["## Insights", "## Insight", "## Insigths", "## Next steps", "## Notes"]


def person_text(rng: random.Random) -> str:
    lines = [f"name: {rng.choice(NAMES)}"]
    if rng.random() < 0.3:
        lines.append(f"company: {rng.choice(['Globex', 'Initech'])}")
    if rng.random() < 0.4:
        lines.append(f"introduced_by: {rng.choice(IDS)}")
    if rng.random() < 0.2:
        lines.append(f"relationship: {rng.choice(['friend', 'fiend'])}")
    if rng.random() < 0.1:
        lines.append("name: [broken")
    return "---\n" + "\n".join(lines) + "\n---\n" + "Notes.\n" * rng.randint(0, 2)


def interview_text(rng: random.Random) -> str:
    day = f"2026-0{rng.randint(1, 4)}-1{rng.randint(0, 9)}"
    lines = [f"person: {rng.choice(IDS)}", f"date: {day}"]
    lines.append(f"status: {rng.choice(['done', 'scheduled', 'idea', 'dun'])}")
    if rng.random() < 0.5:
        refs = rng.sample([*IDS, "Bo Chen", "Kim Lee at Initech", "Someone Else"], 2)
        lines.append(f"referrals: [{', '.join(refs)}]")
    if rng.random() < 0.3:
        lines.append(f"uid: {rng.choice(['talk-1', 'talk-2', 'bad uid'])}")
    body = []
    for _ in range(rng.randint(0, 2)):
        body.append(rng.choice(HEADINGS))
        body += [f"- Point {rng.choice(TOPICS)} {rng.choice(TOPICS)}"] * rng.randint(0, 2)
    return "---\n" + "\n".join(lines) + "\n---\n" + "\n".join(body) + "\n"


def random_edit(root: Path, rng: random.Random, step: int) -> None:
    """One edit a user could make: to a file's text, its name, its time, or the settings."""
    records = sorted(p.relative_to(root).as_posix() for p in root.glob("*/*.md"))
    when = WHEN + step * SECOND
    kind = rng.choice(["person", "interview", "delete", "rename", "touch", "settings", "racy"])
    if kind == "person":
        put(root, f"people/{rng.choice(IDS)}.md", person_text(rng), when)
    elif kind == "interview":
        put(root, f"interviews/2026-01-1{rng.randint(0, 4)}-x.md", interview_text(rng), when)
    elif kind == "delete" and records:
        (root / rng.choice(records)).unlink()
    elif kind == "rename" and records:
        source = root / rng.choice(records)
        target = source.with_name(f"{rng.choice(IDS)}.md")
        if not target.exists():
            source.rename(target)
    elif kind == "touch" and records:
        path = root / rng.choice(records)
        os.utime(path, ns=(when - 5000 * SECOND, when - 5000 * SECOND))
    elif kind == "settings":
        heading = rng.choice(["", '[headings]\ninsights = "Insight"\n'])
        put(root, "tool.toml", FILES["tool.toml"] + heading, when)
    elif kind == "racy" and records:
        rel = rng.choice(records)
        text = person_text(rng) if rel.startswith("people/") else interview_text(rng)
        put(root, rel, text, NOW - SECOND)  # within the tick of the run that follows


@pytest.mark.parametrize("through_the_cache", [False, True], ids=["read-here", "cache"])
def test_a_random_sequence_of_edits_never_gives_a_stale_result(kb, monkeypatch, through_the_cache):
    """Files read by validate itself (a few changed), or through the cache (many changed)."""
    monkeypatch.setattr(loading, "_read_here", lambda count, total: not through_the_cache)
    rng = random.Random(11)
    for step in range(30):
        random_edit(kb, rng, step)
        validated(kb, monkeypatch, rng.choice([TODAY, date(2026, 1, 11)]))
