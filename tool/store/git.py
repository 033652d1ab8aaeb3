"""The git edge: run `git` with fixed argument lists and read its history of the knowledge base.

Never a shell: every argument is passed as it is, and a path can never be taken for an option
(each comes after `--`). The user's git settings that change what `git log` prints (colour,
signatures, external diff programs, quoting of file names) are overridden on each call.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from tool.errors import ToolError
from tool.parse.gitlog import LOG_FORMAT, Commit, parse_log

_SETTINGS = ("-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "color.ui=never")
_LOG = ("log", "--no-color", "--no-ext-diff", "--no-textconv", "-z", "--name-status", "-M")


class GitUnavailable(ToolError):
    """git is not installed, or the knowledge base is not in a git repository."""


class Repository:
    """The git repository that holds a knowledge base's folder."""

    def __init__(self, root: Path, command: str = "history") -> None:
        self.root = root
        code, out, err = self._call(["rev-parse", "--show-prefix"])
        if code != 0 and "not a git repository" in err:
            raise GitUnavailable(
                f"{root} is not in a git repository, so `tool {command}` has no history to "
                'show; start one with `git init && git add . && git commit -m "Start"`'
            )
        if code != 0:
            raise GitUnavailable(f"git cannot read the repository of {root}: {_last(err)}")
        self.prefix = out.decode("utf-8", errors="replace").rstrip("\n")  # "" at the top

    def has_commits(self) -> bool:
        """Whether HEAD names a commit (a new repository has none)."""
        return self._call(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])[0] == 0

    def file_log(self, rel: str) -> list[Commit]:
        """The commits that changed one file, newest first, following it through renames."""
        out = self._run([*_LOG, "--follow", f"--format={LOG_FORMAT}", "--", rel])
        return parse_log(out, self.prefix)

    def log(self, folders: Sequence[str], since: date | None = None) -> list[Commit]:
        """The commits (no merges) that changed anything under `folders`, newest first.

        `since` only narrows git's walk, by a day to spare: the caller filters on the
        author's day, the one it shows.
        """
        args = [*_LOG, "--no-merges", f"--format={LOG_FORMAT}"]
        if since is not None:
            args.append(f"--since={(since - timedelta(days=1)).isoformat()}")
        out = self._run([*args, "--", *folders])
        return parse_log(out, self.prefix)

    def blobs(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes | None]:
        """The bytes of each (commit, root-relative path); None where the file did not exist."""
        keys = list(dict.fromkeys(wanted))
        found: dict[tuple[str, str], bytes | None] = {}
        asked = [k for k in keys if "\n" not in k[1]]  # cat-file reads one request per line
        found.update({k: None for k in keys if k not in asked})
        if not asked:
            return found
        request = "".join(f"{rev}:{self.prefix}{path}\n" for rev, path in asked)
        data = self._run_bytes(["cat-file", "--batch"], request.encode("utf-8"))
        at = 0
        for key in asked:
            end = data.index(b"\n", at)
            header = data[at:end].split(b" ")
            at = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found[key] = data[at : at + size]
                at += size + 1  # the content, then a newline
            else:
                found[key] = None  # "missing", or a folder where a file was expected
                if len(header) == 3:
                    at += int(header[2]) + 1
        return found

    def _run(self, args: list[str]) -> str:
        return self._run_bytes(args, None).decode("utf-8", errors="replace")

    def _run_bytes(self, args: list[str], given: bytes | None) -> bytes:
        code, out, err = self._call(args, given)
        if code != 0:
            raise ToolError(f"git {args[0]} failed: {_last(err)}")
        return out

    def _call(self, args: list[str], given: bytes | None = None) -> tuple[int, bytes, str]:
        try:
            done = subprocess.run(
                ["git", *_SETTINGS, *args],
                cwd=self.root,
                input=given,
                capture_output=True,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"},
                check=False,
            )
        except FileNotFoundError:
            raise GitUnavailable(
                "git is not installed (or not on PATH), and the history of the knowledge base "
                "is read from git; install it from https://git-scm.com"
            ) from None
        return done.returncode, done.stdout, done.stderr.decode("utf-8", errors="replace")


def _last(said: str) -> str:
    """The last line of what git said on stderr, without its `fatal: `."""
    lines = said.strip().splitlines()
    return lines[-1].removeprefix("fatal: ").removeprefix("error: ") if lines else "no reason given"
