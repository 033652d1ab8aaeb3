"""What the last build of an output folder wrote: each file's fingerprint and stamp.

It lives in the user's cache folder, never in the site: the site is shared, and the
manifest holds hashes of the private values the site was scanned for (phone numbers are
few enough to be found again from their hash). A missing, damaged or foreign manifest
only means a full build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tool.store.cache import cache_dir

if TYPE_CHECKING:
    from tool.digest.privacy import Secret

FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """One file of a built site: its fingerprint, and its size and time as written."""

    fingerprint: str
    size: int
    mtime_ns: int

    def matches(self, info: os.stat_result) -> bool:
        """Whether the file on disk is still the one written (nobody changed it since)."""
        return (info.st_size, info.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass
class Manifest:
    """The files of a site, and the secrets that every one of them was scanned for.

    `secrets` is None when the files were not scanned (a private edition).
    """

    files: dict[str, Entry] = field(default_factory=dict)
    secrets: frozenset[str] | None = None
    inputs: str = ""  # the hash of everything the site was made of (build.Plan.inputs)


def secret_key(secret: Secret) -> str:
    """A secret's hash: what the manifest keeps of it."""
    text = f"{secret.kind}\0{secret.value}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def location(output: Path) -> Path | None:
    """Where the manifest of `output` is kept; None when the cache is turned off."""
    folder = cache_dir()
    if folder is None:
        return None
    name = hashlib.blake2b(os.fsencode(str(output)), digest_size=16).hexdigest()
    return folder / "digest" / f"{name}.json"


def load(output: Path) -> Manifest:
    """The manifest of the last build of `output`, or an empty one."""
    path = location(output)
    try:
        if path is None or path.is_symlink():
            return Manifest()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("output") != str(output):
            return Manifest()
        files = {url: Entry(str(f), int(s), int(m)) for url, (f, s, m) in data["files"].items()}
        found = data["secrets"]
        inputs = str(data["inputs"])
        return Manifest(files, None if found is None else frozenset(map(str, found)), inputs)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return Manifest()


def save(output: Path, manifest: Manifest) -> None:
    """Keep the manifest for the next build; without a cache folder, nothing is kept."""
    path = location(output)
    if path is None:
        return
    data = {
        "format": FORMAT,
        "output": str(output),
        "files": {
            url: [e.fingerprint, e.size, e.mtime_ns] for url, e in sorted(manifest.files.items())
        },
        "secrets": None if manifest.secrets is None else sorted(manifest.secrets),
        "inputs": manifest.inputs,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", errors="surrogateescape") as out:
                out.write(text)
            os.replace(temp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


def forget(output: Path) -> None:
    """Drop the manifest of `output` (its files are about to change under it)."""
    path = location(output)
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()


def up_to_date(output: Path, inputs: str) -> int | None:
    """The number of pages of `output` if it is the site of `inputs`, untouched; else None."""
    built = load(output)
    if not built.inputs or built.inputs != inputs or not intact(output, built):
        return None
    return sum(url.endswith(".html") for url in built.files)


def intact(output: Path, built: Manifest) -> bool:
    """Whether `output` holds exactly the files of the manifest, untouched since."""
    try:
        base = os.fspath(output)
        return files_in(output) == built.files.keys() and all(
            stat.S_ISREG((info := os.lstat(os.path.join(base, url))).st_mode)
            and entry.matches(info)
            for url, entry in built.files.items()
        )
    except OSError:
        return False


def files_in(output: Path) -> set[str]:
    """The files in a built site, by their path in it."""
    found: set[str] = set()
    base = os.fspath(output)
    for folder, _, names in os.walk(base):
        rel = os.path.relpath(folder, base).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found.update(prefix + name for name in names)
    return found
