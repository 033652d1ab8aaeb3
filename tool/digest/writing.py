"""Write a digest: each page rendered and scanned as it comes, or kept from the last build."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import stat
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from tool.digest import manifest
from tool.digest.build import Page, Plan, Progress
from tool.digest.output import remove_leftovers, swap_in, temp_folder
from tool.digest.privacy import Leak, Scanner
from tool.errors import ToolError

SHOWN_LEAKS = 10
WORKERS = 2  # processes that render at once, at most; each holds the site's model
# Pages rendered before workers are started: a build that renders fewer is not worth one.
PARALLEL_FROM = 200
WINDOW = 16  # pages in flight per worker


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
    with temp_folder(output, "new") as fresh, _Renderer(plan, scanner) as renderer:
        folders = {fresh}
        todo = plan.all() if progress is None else progress(plan.all(), plan.count())
        for page in todo:
            target = fresh / page.url
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            fingerprint = plan.fingerprint(page)
            before = old.files.get(page.url)
            kept = before is not None and before.fingerprint == fingerprint
            if kept and before is not None and _keep(output, page.url, before, target):
                if rescan is not None:
                    leaks += rescan.known(page.url, _text(target.read_bytes()))
                info = target.stat()
                entries[page.url] = manifest.Entry(fingerprint, info.st_size, info.st_mtime_ns)
            else:
                rendered += 1
                renderer.submit(page, target, fingerprint)
            for (url, entry), seen in renderer.finished():
                leaks += seen
                entries[url] = entry
        for (url, entry), seen in renderer.finished(everything=True):
            leaks += seen
            entries[url] = entry
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


def _render(plan: Plan, scanner: Scanner | None, page: Page, target: Path) -> list[Leak]:
    """Render one page, write it, and scan it."""
    data = plan.render(page)
    with open(target, "xb") as out:
        out.write(data)
    return [] if scanner is None else scanner.file(page.url, _text(data))


_Done = tuple[str, manifest.Entry]
_worker: tuple[Plan, Scanner | None] | None = None  # a worker's build, inherited by fork


def _start_worker(plan: Plan, scanner: Scanner | None) -> None:
    global _worker
    _worker = (plan, scanner)


def _work(page: Page, target: Path) -> list[Leak] | None:
    """`_render` in a worker; None on any failure, which the build then meets itself."""
    assert _worker is not None
    try:
        return _render(*_worker, page, target)
    except Exception:  # its exception may not survive pickling: the parent renders again
        with contextlib.suppress(OSError):
            target.unlink()
        return None


class _Renderer:
    """Renders, writes and scans pages: here, or in forked workers when it pays.

    Each page is independent of the others and rendering plus scanning is most of a cold
    build, so where the system can fork and has cores to spare, workers share the work.
    At most WINDOW pages per worker are in flight, so that memory stays flat; a page
    whose worker failed is rendered here again, to fail (or not) as it would have.
    """

    def __init__(self, plan: Plan, scanner: Scanner | None):
        self.plan = plan
        self.scanner = scanner
        self.pending: dict[Future[list[Leak] | None], tuple[Page, Path, str]] = {}
        self.ready: list[tuple[_Done, list[Leak]]] = []
        self.pool: ProcessPoolExecutor | None = None
        self.workers = min(WORKERS, os.cpu_count() or 1)
        self.parallel = self.workers > 1 and "fork" in multiprocessing.get_all_start_methods()
        self.submitted = 0

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, page: Page, target: Path, fingerprint: str) -> None:
        self.submitted += 1
        if not self.parallel or self.submitted < PARALLEL_FROM:
            found = _render(self.plan, self.scanner, page, target)
            self.ready.append((_done(page, target, fingerprint), found))
            return
        if self.pool is None:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(
                self.workers, context, initializer=_start_worker, initargs=(self.plan, self.scanner)
            )
        try:
            future = self.pool.submit(_work, page, target)
        except BrokenProcessPool:
            self.parallel = False
            self.submit(page, target, fingerprint)
            return
        self.pending[future] = (page, target, fingerprint)

    def finished(self, everything: bool = False) -> list[tuple[_Done, list[Leak]]]:
        """The pages written since last asked; waits while too many are in flight."""
        while self.pending and (everything or len(self.pending) >= WINDOW * self.workers):
            done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
            for future in done:
                page, target, fingerprint = self.pending.pop(future)
                try:
                    found = future.result()
                except BrokenProcessPool:
                    found = None
                if found is None:
                    with contextlib.suppress(OSError):
                        target.unlink()
                    found = _render(self.plan, self.scanner, page, target)
                self.ready.append((_done(page, target, fingerprint), found))
        ready, self.ready = self.ready, []
        return ready


def _done(page: Page, target: Path, fingerprint: str) -> _Done:
    """A page written: its URL and its manifest entry."""
    info = target.stat()
    return page.url, manifest.Entry(fingerprint, info.st_size, info.st_mtime_ns)


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
