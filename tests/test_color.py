"""Colour as terminals expect: on a terminal only, never with NO_COLOR or TERM=dumb.

Runs `python -m tool` under a real pseudo-terminal, as a user's shell would.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write

REPO = Path(__file__).resolve().parents[1]
ESC = b"\x1b["


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    write(root / "people" / "ann-lee.md", "---\nname: Ann Lee\ncompany: Acme\n---\nLikes SQL.\n")
    return root


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "TOOL_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    return {**env, **extra}


def on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Exit status and output of `python -m tool ARGS` with a pseudo-terminal as its tty."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tool", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the program has ended
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return proc.wait(timeout=60), output


def test_search_is_coloured_on_a_terminal(kb: Path, tmp_path: Path):
    status, output = on_a_terminal(["--root", str(kb), "search", "sql"], environment(tmp_path))
    assert status == 0, output
    assert b"\x1b[31m\x1b[1mSQL\x1b[0m" in output


@pytest.mark.parametrize(
    ("options", "extra"),
    [
        ([], {"NO_COLOR": "1"}),
        ([], {"NO_COLOR": "yes please"}),
        ([], {"TERM": "dumb"}),
        (["--color", "never"], {}),
        (["--color=never"], {"NO_COLOR": ""}),
    ],
    ids=["NO_COLOR=1", "NO_COLOR=text", "TERM=dumb", "--color never", "--color=never"],
)
def test_no_colour_when_asked(kb: Path, tmp_path: Path, options: list[str], extra: dict):
    env = environment(tmp_path, **extra)
    for command in (["search", "sql"], ["due", "--on", "2026-01-01"]):
        status, output = on_a_terminal([*options, "--root", str(kb), *command], env)
        assert ESC not in output, (command, output)
    status, output = on_a_terminal([*options, "--root", str(kb), "search", "sql"], env)
    assert (status, output) == (0, b"people/ann-lee.md:5: Likes SQL.\r\n1 line in 1 file\r\n")


def test_an_empty_no_color_is_not_set(kb: Path, tmp_path: Path):
    env = environment(tmp_path, NO_COLOR="")
    status, output = on_a_terminal(["--root", str(kb), "search", "sql"], env)
    assert status == 0
    assert ESC in output


def test_no_colour_into_a_pipe_unless_always(kb: Path, tmp_path: Path):
    def piped(*options: str) -> bytes:
        return subprocess.run(
            [sys.executable, "-m", "tool", *options, "--root", str(kb), "search", "sql"],
            capture_output=True,
            env=environment(tmp_path),
            timeout=60,
        ).stdout

    assert piped() == b"people/ann-lee.md:5: Likes SQL.\n1 line in 1 file\n"
    assert piped("--color", "auto") == piped()
    coloured = piped("--color", "always")
    assert coloured == (
        b"\x1b[35mpeople/ann-lee.md:5: \x1b[0mLikes \x1b[31m\x1b[1mSQL\x1b[0m.\n1 line in 1 file\n"
    )
    env = environment(tmp_path, NO_COLOR="1")
    always = subprocess.run(
        [sys.executable, "-m", "tool", "--color", "always", "--root", str(kb), "search", "sql"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert always.stdout == coloured  # an explicit option wins over the environment
