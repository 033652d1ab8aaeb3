"""Where a digest is written: checked first, built beside, scanned, then swapped into place.

Where the system can exchange two folders in one step (Linux), the output holds a whole
site at every instant, the old or the new; elsewhere a failed swap puts the old one back.
A build writes `.<output>.new-<pid>-<random>/` beside the output (see TEMP_KINDS); a
killed build leaves it behind, unscanned, and the next build removes it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

from tool.digest.inputs import MARKER
from tool.errors import ToolError
from tool.store.files import process_alive, resolve_path
from tool.store.outputs import KB_ITSELF, TEMP_KINDS, ignore_lines, protected_place

try:
    import fcntl
except ImportError:  # Windows: no locks, so only a leftover's process id tells if it is in use
    fcntl = None  # type: ignore[assignment]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# The errors of renameat2 where this system or file system cannot exchange: rename instead.
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM}


def check_output(root: Path, output: Path) -> Path:
    """Refuse an output folder whose replacement could destroy anything but an old digest."""
    out = resolve_path(output)
    place = protected_place(root, out)
    if place == KB_ITSELF:
        raise ToolError(f"refusing to write the digest over {place}: {output}")
    if place is not None:
        raise ToolError(f"refusing to write the digest inside {place}: {output}")
    if out.exists() and not out.is_dir():  # a file, FIFO or socket: the swap would delete it
        raise ToolError(f"{output} exists and is not a folder; choose another --output")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ToolError(
            f"{output} is not empty and is not a previous digest (no {MARKER} file); "
            "choose another --output"
        )
    return out


def check_unpublished(output: Path) -> None:
    """Refuse a private edition in a folder that git would track (and so publish).

    Nothing to check where git is missing or the folder is outside any git work tree.
    """
    git = shutil.which("git")
    anchor = next((p for p in (output, *output.parents) if p.is_dir()), None)
    if git is None or anchor is None:
        return
    found = _git(git, anchor, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        return  # not in a work tree (or one git cannot read: then it cannot add to it either)
    top = Path(os.fsdecode(found.stdout).strip()).resolve()
    if not output.is_relative_to(top):
        return
    rel = output.relative_to(top).as_posix()
    # A folder named site[1] is no pattern: ask for that path only.
    listed = _git(git, top, "ls-files", "-z", "--", f":(literal){rel}").stdout.split(b"\0")
    tracked = [os.fsdecode(name) for name in listed if name]
    if tracked:
        more = f" and {len(tracked) - 1} more" if len(tracked) > 1 else ""
        raise ToolError(
            f"git tracks files in {output} ({tracked[0]}{more}), so a commit could publish "
            "the contact details of this private edition. Stop tracking them with "
            f"`git rm -r --cached {output}`, choose another --output, or give --force."
        )
    parent = output.parent.relative_to(top).as_posix()
    base = "" if parent == "." else f"/{parent}"
    lines = [base + line for line in ignore_lines(output.name)]
    # The folder, and one of the names a build writes first (with a process id and more).
    names = [output.name, *(f".{output.name}.{kind}-0-x" for kind in TEMP_KINDS)]
    paths = [(output.parent / name).relative_to(top).as_posix() + "/" for name in names]
    ignored = _git(git, top, "check-ignore", "--stdin", "-z", stdin="\0".join(paths) + "\0")
    if ignored.returncode not in (0, 1):
        reason = os.fsdecode(ignored.stderr).strip().splitlines()[:1] or ["no reason given"]
        raise ToolError(
            f"git could not tell whether it ignores {output} ({reason[0]}); "
            "give --force to write the private edition there anyway"
        )
    said = {os.fsdecode(path) for path in ignored.stdout.split(b"\0") if path}
    missing = [line for line, path in zip(lines, paths, strict=True) if path not in said]
    if missing:
        shown = "".join(f"  {line}\n" for line in missing)
        raise ToolError(
            f"git would track {output}, so a `git add -A` could publish the contact details "
            f"of this private edition. Make git ignore it with these lines in "
            f"{top / '.gitignore'}:\n{shown}"
            "or choose an --output outside the repository, or give --force."
        )


def _git(
    git: str, where: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run git with a fixed argument list (no shell) in `where`."""
    return subprocess.run(
        [git, "-C", str(where), *args],
        input=None if stdin is None else os.fsencode(stdin),
        capture_output=True,
        check=False,
    )


def _temp_name(output: Path, kind: str) -> Path:
    """A new folder beside `output`, named as this process's (see remove_leftovers)."""
    prefix = f".{output.name}.{kind}-{os.getpid()}-"
    return Path(tempfile.mkdtemp(dir=output.parent, prefix=prefix))


@contextlib.contextmanager
def temp_folder(output: Path, kind: str) -> Iterator[Path]:
    """A new folder beside `output`, locked while in use, and removed after."""
    folder = _temp_name(output, kind)
    handle = os.open(folder, os.O_RDONLY) if fcntl is not None else None
    try:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield folder
    finally:
        if handle is not None:
            os.close(handle)
        if folder.exists():
            # After a swap this is the old site; what cannot be removed now, the next build removes.
            shutil.rmtree(folder, ignore_errors=True)


def swap_in(fresh: Path, output: Path) -> None:
    """Put `fresh` at `output`; on any failure the old site is left there, whole."""
    if not output.exists():
        os.replace(fresh, output)
        return
    try:
        if _exchange(fresh, output):
            return  # `fresh` now holds the old site, which the caller removes
    except OSError as exc:
        raise _not_replaced(output, exc) from exc
    # Without an exchange: move the old site away, the new one in, and back on failure.
    old = _temp_name(output, "old")
    try:
        os.replace(output, old / "site")
    except OSError as exc:
        old.rmdir()
        raise _not_replaced(output, exc) from exc
    try:
        os.replace(fresh, output)
    except OSError as exc:
        try:
            os.replace(old / "site", output)
        except OSError:
            raise ToolError(
                f"could not replace {output} with the new digest ({exc.strerror}), nor "
                f"put the previous one back: it is in {old / 'site'}"
            ) from exc
        old.rmdir()
        raise _not_replaced(output, exc) from exc
    shutil.rmtree(old, ignore_errors=True)


def _not_replaced(output: Path, exc: OSError) -> ToolError:
    return ToolError(
        f"could not replace {output} with the new digest ({exc.strerror or exc}); "
        "the previous one is still there"
    )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2); False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(b))


@cache
def _renameat2() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):
        return None  # not glibc (or not Linux): no exchange
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def remove_leftovers(output: Path) -> list[Path]:
    """Remove the folders that killed builds of `output` left beside it; return them.

    Only folders of this output's naming, made by a process that is gone and not locked
    (a build in another process namespace holds its lock): never anything else.
    """
    kinds = "|".join(TEMP_KINDS)
    pattern = re.compile(rf"\.{re.escape(output.name)}\.(?:{kinds})-(\d+)-[a-z0-9_]+")
    removed = []
    for path in sorted(output.parent.iterdir()):
        found = pattern.fullmatch(path.name)
        if not found or path.is_symlink() or not path.is_dir() or process_alive(int(found[1])):
            continue
        with contextlib.suppress(OSError):
            if _unlocked(path):
                shutil.rmtree(path)
                removed.append(path)
    return removed


def _unlocked(folder: Path) -> bool:
    """Whether no build holds `folder`'s lock (always, without locks)."""
    if fcntl is None:
        return True
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(handle)
    return True
