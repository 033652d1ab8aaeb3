"""Write a digest: each page rendered and scanned as it comes, or kept from the last build."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tool.digest import manifest
from tool.digest.build import Page, Plan, Progress
from tool.digest.output import remove_leftovers, swap_in, temp_folder
from tool.digest.privacy import Leak, Scanner
from tool.errors import ToolError

SHOWN_LEAKS = 10
WORKERS = 2  # processes that render at once, at most; each holds the site's model
# Pages in a site that workers are started for: a smaller build is not worth one.
PARALLEL_FROM = 200
CHUNK = 50  # consecutive pages that a worker makes at a time


@dataclass(frozen=True)
class Written:
    """What a build did: the leftover folders it removed, its pages, how many it rendered."""

    removed: list[Path]
    pages: int  # HTML pages in the site
    rendered: int  # files rendered and written; the others are the last build's, kept
    replaced: bool  # False when nothing changed, so the site was left as it was


def write_site(plan: Plan, output: Path, progress: Progress | None = None) -> Written:
    """Write the site beside `output`, scanning each file, then swap it into place.

    A page whose fingerprint is the one recorded for the file of the last build, and
    whose file is untouched since, is not rendered: the file is linked (or copied with
    its time) into the new site, so it keeps its bytes and its modification time. It was
    scanned when written; it is scanned again only for private values new since then.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    removed = remove_leftovers(output)
    old = manifest.load(output) if output.is_dir() else manifest.Manifest()
    if old.inputs and old.inputs == plan.inputs and manifest.intact(output, old):
        pages = sum(url.endswith(".html") for url in old.files)
        return Written(removed, pages, 0, False)
    keys = None if plan.secrets is None else {manifest.secret_key(s): s for s in plan.secrets}
    scanner = None if plan.secrets is None else Scanner(plan.secrets)
    rescan = None
    if keys is not None:
        if old.secrets is None:  # never scanned: nothing of it can be kept
            old = manifest.Manifest()
        else:
            new = [secret for key, secret in keys.items() if key not in old.secrets]
            rescan = Scanner(new) if new else None
    entries: dict[str, manifest.Entry] = {}
    leaks: list[Leak] = []
    rendered = 0
    with temp_folder(output, "new") as fresh:
        job = _Job(plan, scanner, rescan, old, output, fresh)
        done = _build(job)
        for url, entry, seen, made in done if progress is None else progress(done, job.count):
            entries[url] = entry
            leaks += seen
            rendered += made
        if leaks:
            leaks = sorted(dict.fromkeys(leaks), key=lambda leak: leak.file.split("/"))
            shown = "\n  ".join(leak.format() for leak in leaks[:SHOWN_LEAKS])
            more = len(leaks) - SHOWN_LEAKS
            shown += f"\n  ... and {more} more" if more > 0 else ""
            raise ToolError(f"private values found in the digest; nothing was written:\n  {shown}")
        same = rendered == 0 and entries.keys() == old.files.keys()
        replaced = not (same and manifest.files_in(output) == entries.keys())
        if replaced:
            os.chmod(fresh, 0o755)  # mkdtemp makes it private to the owner
            swap_in(fresh, output)
    secrets = None if keys is None else frozenset(keys)
    manifest.save(output, manifest.Manifest(entries, secrets, plan.inputs))
    pages_count = sum(url.endswith(".html") for url in entries)
    return Written(removed, pages_count, rendered, replaced)


# One page done: its manifest entry, the leaks found in it, and 1 if rendered (0 if kept).
_Done = tuple[str, manifest.Entry, list[Leak], int]


class _Job:
    """A build's pages, and how to make each: kept from the last build, or rendered."""

    def __init__(
        self,
        plan: Plan,
        scanner: Scanner | None,
        rescan: Scanner | None,
        old: manifest.Manifest,
        output: Path,
        fresh: Path,
    ):
        self.plan = plan
        self.scanner = scanner
        self.rescan = rescan
        self.old = old
        self.output = output
        self.fresh = fresh
        self.folders = {fresh}

    @cached_property
    def builders(self) -> list[Callable[[], Page]]:
        return self.plan.builders()

    @property
    def count(self) -> int:
        return len(self.builders)

    def make(self, start: int, stop: int) -> list[_Done]:
        """Pages start to stop (excluded) of the build, written; on failure none of them is."""
        made: list[_Done] = []
        try:
            for build in self.builders[start:stop]:
                made.append(self._make(build()))
        except BaseException:
            for url, *_ in made:
                with contextlib.suppress(OSError):
                    (self.fresh / url).unlink()
            raise
        return made

    def _make(self, page: Page) -> _Done:
        target = self.fresh / page.url
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        fingerprint = self.plan.fingerprint(page)
        before = self.old.files.get(page.url)
        kept = before is not None and before.fingerprint == fingerprint
        if kept and before is not None and _keep(self.output, page.url, before, target):
            seen = [] if self.rescan is None else self.rescan.known(page.url, _read(target))
            return page.url, _entry(target, fingerprint), seen, 0
        try:
            data = self.plan.render(page)
            with open(target, "xb") as out:
                out.write(data)
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()
            raise
        seen = [] if self.scanner is None else self.scanner.file(page.url, _text(data))
        return page.url, _entry(target, fingerprint), seen, 1


def _build(job: _Job) -> Iterator[_Done]:
    """Make every page of the job, here or in forked workers, and yield each when done.

    Each page is independent of the others and making them is most of a cold build, so
    where the system can fork and has cores to spare, workers share the work in chunks
    of consecutive pages, each making its pages itself from the build it inherited: only
    the chunks' bounds go to a worker, and their results back. A chunk that failed in a
    worker is made here again, in order, to fail (or not) as it would have.
    """
    total = job.count
    workers = min(WORKERS, os.cpu_count() or 1)
    parallel = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
    if not parallel or total < PARALLEL_FROM:
        yield from job.make(0, total)
        return
    chunks = [(start, min(start + CHUNK, total)) for start in range(0, total, CHUNK)]
    failed: list[tuple[int, int]] = []
    global _job
    _job = job
    # The build's objects live until the workers end: kept out of the collector's way,
    # they are not copied into each worker as the collector visits them.
    gc.freeze()
    pool = ProcessPoolExecutor(workers, multiprocessing.get_context("fork"))
    try:
        futures = {pool.submit(_work, *chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            try:
                made = future.result()
            except BrokenProcessPool:
                made = None
            if made is None:
                failed.append(futures[future])
            else:
                yield from made
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()
        _job = None
    for chunk in sorted(failed):
        yield from job.make(*chunk)


_job: _Job | None = None  # the build a worker makes its chunks of, inherited by fork


def _work(start: int, stop: int) -> list[_Done] | None:
    """`_Job.make` in a worker; None on any failure, which the build then meets itself."""
    assert _job is not None
    try:
        return _job.make(start, stop)
    except Exception:  # its exception may not survive pickling: the parent makes it again
        return None


def _entry(target: Path, fingerprint: str) -> manifest.Entry:
    """The manifest entry of a file written."""
    info = target.stat()
    return manifest.Entry(fingerprint, info.st_size, info.st_mtime_ns)


def _read(target: Path) -> str:
    return _text(target.read_bytes())


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _keep(output: Path, url: str, before: manifest.Entry, target: Path) -> bool:
    """Put the last build's file for `url` at `target`, if it is untouched; else False."""
    old = output / url
    try:
        info = old.lstat()
        if not stat.S_ISREG(info.st_mode) or not before.matches(info):
            return False
        try:
            os.link(old, target)
        except OSError:  # a file system without hard links: a copy with the same time
            shutil.copy2(old, target)
    except OSError:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        return False
    return True
