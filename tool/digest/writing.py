"""Write a digest: each page rendered and scanned as it comes, or kept from the last build."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from tool.digest import manifest
from tool.digest.build import Plan, Progress
from tool.digest.output import remove_leftovers, swap_in, temp_folder
from tool.digest.privacy import Leak, Scanner
from tool.errors import ToolError

SHOWN_LEAKS = 10


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
        folders = {fresh}
        pages = plan.all() if progress is None else progress(plan.all(), plan.count())
        for page in pages:
            target = fresh / page.url
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            fingerprint = plan.fingerprint(page)
            before = old.files.get(page.url)
            kept = before and before.fingerprint == fingerprint
            if kept and _keep(output, page.url, before, target):
                if rescan is not None:
                    leaks += rescan.known(page.url, _text(target.read_bytes()))
            else:
                data = plan.render(page)
                with open(target, "xb") as out:
                    out.write(data)
                rendered += 1
                if scanner is not None:
                    leaks += scanner.file(page.url, _text(data))
            info = target.stat()
            entries[page.url] = manifest.Entry(fingerprint, info.st_size, info.st_mtime_ns)
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
    found = None if keys is None else frozenset(keys)
    manifest.save(output, manifest.Manifest(entries, found, plan.inputs))
    pages_count = sum(url.endswith(".html") for url in entries)
    return Written(removed, pages_count, rendered, replaced)


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
