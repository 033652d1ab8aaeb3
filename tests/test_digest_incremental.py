"""`tool digest` again: only the pages whose inputs changed are rendered and written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import run, write

from tool.digest import build, writing
from tool.store import cache

INTERVIEW = "interviews/2026-03-10-ann-lee.md"
# The pages that show an insight of Ann's interview, and the two that show every insight.
ANN_INSIGHT_PAGES = {
    "interviews/2026-03-10-ann-lee.html",
    "people/ann-lee.html",
    "companies/acme-robotics.html",
    "careers/product-management.html",
    "topics/skills.html",
    "index.html",
    "search.html",
}


def digest(root: Path, out: str = "site", *args: str) -> Path:
    result = run("digest", "--root", root, "--output", root / out, *args)
    assert result.exit_code == 0, result.output
    return root / out


def snapshot(out: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file of a site: its bytes, modification time and inode (a rewrite changes it)."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            info = path.stat()
            found[path.relative_to(out).as_posix()] = (
                path.read_bytes(),
                info.st_mtime_ns,
                info.st_ino,
            )
    return found


def rewritten(before: dict, after: dict) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


def contents(site: dict[str, tuple[bytes, int, int]]) -> dict[str, bytes]:
    return {name: data for name, (data, _, _) in site.items()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def cold(root: Path) -> dict[str, bytes]:
    """The site built from nothing, in a folder of its own (so with no last build)."""
    out = root.parent / "cold-site"
    shutil.rmtree(out, ignore_errors=True)
    result = run("digest", "--root", root, "--output", out)
    assert result.exit_code == 0, result.output
    return contents(snapshot(out))


def test_one_changed_insight_rewrites_exactly_the_pages_that_show_it(make_kb):
    root = make_kb("digest")
    before = snapshot(digest(root))
    edit(root / INTERVIEW, "Shipping beats certificates.", "Shipping beats diplomas.")
    after = snapshot(digest(root))
    assert rewritten(before, after) == ANN_INSIGHT_PAGES
    assert after.keys() == before.keys()
    for name in ANN_INSIGHT_PAGES:
        assert b"Shipping beats diplomas." in after[name][0], name
        assert b"Shipping beats certificates." not in after[name][0], name
    assert contents(after) == cold(root)


def test_nothing_changed_rewrites_nothing(make_kb):
    root = make_kb("digest")
    out = digest(root)
    folder = out.stat().st_ino
    before = snapshot(out)
    result = run("digest", "--root", root, "--output", out)
    assert result.stdout == (
        f"Nothing changed since the last build: 21 pages in {out} "
        "(contact details and private records left out)\n"
    )
    assert snapshot(out) == before
    assert out.stat().st_ino == folder  # not even swapped


def test_a_setting_no_page_shows_rewrites_nothing(make_kb):
    root = make_kb("digest")
    before = snapshot(digest(root))
    with (root / "tool.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[defaults]\nstay_in_touch = 30\n")
    assert snapshot(digest(root)) == before


def test_a_changed_title_in_tool_toml_rewrites_every_page(make_kb):
    root = make_kb("digest")
    before = snapshot(digest(root))
    edit(root / "tool.toml", 'title = "Digest fixture"', 'title = "Retitled"')
    after = snapshot(digest(root))
    pages = {name for name in after if name.endswith(".html")}
    assert rewritten(before, after) == pages
    assert all(b"Retitled" in after[name][0] for name in pages)
    assert contents(after) == cold(root)


def test_a_changed_template_rewrites_the_pages(make_kb):
    root = make_kb("digest")
    before = snapshot(digest(root))
    theme = (build.THEME / "person.html").read_text(encoding="utf-8")
    write(root / "templates/digest/person.html", theme.replace("<h1>", "<h1>Person: "))
    after = snapshot(digest(root))
    people = {"people/ann-lee.html", "people/bo-chen.html", "people/cy-diaz.html"}
    assert people <= rewritten(before, after)
    assert all(b"<h1>Person: " in after[name][0] for name in people)
    assert contents(after) == cold(root)
    # Edited again: the new template is seen, though nothing else changed.
    write(root / "templates/digest/person.html", theme.replace("<h1>", "<h1>Who: "))
    again = snapshot(digest(root))
    assert people <= rewritten(after, again)
    assert all(b"<h1>Who: " in again[name][0] for name in people)


def test_a_removed_interview_removes_its_page(make_kb):
    root = make_kb("digest")
    out = digest(root)
    assert (out / "interviews/2026-03-10-ann-lee.html").is_file()
    (root / INTERVIEW).unlink()
    after = snapshot(digest(root))
    assert "interviews/2026-03-10-ann-lee.html" not in after
    assert not any(b"2026-03-10-ann-lee" in data for data, _, _ in after.values())
    assert contents(after) == cold(root)


def test_a_page_edited_by_hand_is_rewritten(make_kb):
    root = make_kb("digest")
    out = digest(root)
    page = out / "people/bo-chen.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"Bo Chen", b"Someone else"))
    digest(root)
    assert page.read_bytes() == original


def test_many_changes_in_a_row_give_the_cold_site(make_kb):
    root = make_kb("digest")
    digest(root)
    write(
        root / "people/eve-park.md",
        "---\nname: Eve Park\ncompany: Acme Robotics\ncareer: Data science\n---\nMet at a fair.\n",
    )
    digest(root)
    write(
        root / "interviews/2026-05-01-eve-park.md",
        "---\nperson: eve-park\ndate: 2026-05-01\nstatus: done\n---\n"
        "## Insights\n- Ask about [Ann](../people/ann-lee.md) first. #skills #new-topic\n",
    )
    digest(root)
    (root / "interviews/2026-03-20-bo-chen.md").unlink()
    site = snapshot(digest(root))
    assert contents(site) == cold(root)
    assert b"../people/ann-lee.html" in site["topics/new-topic.html"][0]


def test_a_person_made_private_leaves_the_shared_site(make_kb):
    root = make_kb("digest")
    out = digest(root)
    assert b"Bo Chen" in (out / "index.html").read_bytes()
    edit(root / "people/bo-chen.md", "name: Bo Chen\n", "name: Bo Chen\nprivate: true\n")
    after = snapshot(digest(root))
    assert "people/bo-chen.html" not in after
    leaking = [name for name, (data, _, _) in after.items() if b"Bo Chen" in data]
    assert leaking == []
    assert contents(after) == cold(root)


def test_a_kept_page_is_scanned_for_values_private_since_it_was_written(make_kb):
    """A page whose inputs did not change is still checked for the newly private values."""
    root = make_kb("digest")
    write(root / "people/bo.md", "---\nname: Bo\n---\n")
    write(root / "people/zed.md", "---\nname: Zed\n---\nHis page: people/bo.html\n")
    out = digest(root)
    before = snapshot(out)
    # "Bo" is too short a name to hide, so no page is rendered again for it; but the URL
    # of a private record's page is a secret, and Zed's kept page shows it.
    edit(root / "people/bo.md", "name: Bo\n", "name: Bo\nprivate: true\n")
    result = run("digest", "--root", root, "--output", out)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: private values found in the digest; nothing was written:\n"
        "  people/zed.html: contains the page from the private record bo\n"
    )
    assert snapshot(out) == before
    # The cold build refuses it too.
    shutil.rmtree(out)
    assert run("digest", "--root", root, "--output", out).stderr == result.stderr


def test_without_a_cache_every_build_is_whole(make_kb, monkeypatch):
    monkeypatch.setenv("TOOL_NO_CACHE", "1")
    root = make_kb("digest")
    out = digest(root)
    os.utime(out / "index.html", ns=(0, 0))
    digest(root)
    assert (out / "index.html").stat().st_mtime_ns != 0


def test_workers_build_the_same_site(make_kb, monkeypatch):
    root = make_kb("digest")
    alone = contents(snapshot(digest(root, "alone")))
    monkeypatch.setattr(writing, "PARALLEL_FROM", 0)  # every page to the workers
    monkeypatch.setattr(writing, "WORKERS", 2)
    monkeypatch.setattr(writing.os, "cpu_count", lambda: 2)
    assert contents(snapshot(digest(root, "shared"))) == alone


def test_a_template_failing_in_a_worker_fails_the_build_as_usual(make_kb, monkeypatch):
    root = make_kb("digest")
    write(root / "templates/digest/person.html", "{{ person.name.nope() }}\n")
    alone = run("digest", "--root", root, "--output", root / "alone")
    assert alone.exit_code == 1
    assert alone.stderr.startswith("Error: templates/digest/person.html:1: ")
    monkeypatch.setattr(writing, "PARALLEL_FROM", 0)
    monkeypatch.setattr(writing, "WORKERS", 2)
    monkeypatch.setattr(writing.os, "cpu_count", lambda: 2)
    shared = run("digest", "--root", root, "--output", root / "shared")
    assert (shared.exit_code, shared.stderr) == (1, alone.stderr)
    assert not (root / "shared").exists()


def test_a_build_after_a_cold_one_stops_early_with_records_from_the_store(make_kb, monkeypatch):
    root = make_kb("digest")
    old = 1_700_000_000 * 1_000_000_000
    for path in root.rglob("*.md"):
        os.utime(path, ns=(old, old))  # settled files: the next run takes them from the store
    monkeypatch.setattr(cache, "time_ns", lambda: old + 100 * 1_000_000_000)
    out = digest(root)  # parses every file, and stores it
    monkeypatch.setattr(writing, "write_site", lambda *a: pytest.fail("built again"))
    result = run("digest", "--root", root, "--output", out)
    assert result.stdout.startswith("Nothing changed since the last build: 21 pages")


def test_a_later_thank_you_rewrites_the_figures_and_the_interview_only(make_kb):
    root = make_kb("digest")
    before = snapshot(digest(root))
    edit(root / INTERVIEW, "thanked: 2026-03-10", "thanked: 2026-03-13")
    after = snapshot(digest(root))
    # The thank-you's delay is in the figures of the home and You pages; no strip shows it.
    assert rewritten(before, after) == {
        "interviews/2026-03-10-ann-lee.html",
        "index.html",
        "you.html",
    }
    assert contents(after) == cold(root)


def workers_take_every_page(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(writing, "PARALLEL_FROM", 0)
    monkeypatch.setattr(writing, "WORKERS", 2)
    monkeypatch.setattr(writing, "CHUNK", chunk)
    monkeypatch.setattr(writing.os, "cpu_count", lambda: 2)


def test_workers_rewrite_exactly_the_pages_that_changed(make_kb, monkeypatch):
    root = make_kb("digest")
    workers_take_every_page(monkeypatch, chunk=4)  # chunks of pages, some kept, some not
    before = snapshot(digest(root))
    edit(root / INTERVIEW, "Shipping beats certificates.", "Shipping beats diplomas.")
    after = snapshot(digest(root))
    assert rewritten(before, after) == ANN_INSIGHT_PAGES
    assert contents(after) == cold(root)


def test_a_chunk_failing_in_a_worker_is_made_again_here(make_kb, monkeypatch):
    root = make_kb("digest")
    alone = contents(snapshot(digest(root, "alone")))
    workers_take_every_page(monkeypatch, chunk=5)
    parent, render = os.getpid(), build.Plan.render

    def fails_in_workers(plan: build.Plan, page: build.Page) -> bytes:
        # The last page of its chunk: the pages before it in the chunk are written.
        if os.getpid() != parent and page.url == "interviews/2026-03-10-ann-lee.html":
            raise OSError("a worker failed")
        return render(plan, page)

    monkeypatch.setattr(build.Plan, "render", fails_in_workers)
    assert contents(snapshot(digest(root, "shared"))) == alone
