"""Time the main commands on generated knowledge bases of two sizes, in one run.

    python bench/run.py                 # 3,000 people / 12,000 interviews, and a quarter of it
    python bench/run.py --people 500    # quicker

Reports seconds per command without the parse cache ("cold") on both sizes and their ratio
(near the size ratio, 4.0, means the command scales linearly), then with a warm cache on the
large one: the cost of a run where nothing changed. Compare ratios from one run only: shared
machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate

COMMANDS = [
    ["validate"],
    ["index"],
    ["due", "--on", "2026-11-22"],
    ["list", "interviews", "--format", "json"],
    ["search", "portfolio"],
    ["digest", "--output", "{tmp}/site"],
]


def available() -> set[str]:
    from tool.cli import cli

    return set(cli.commands)


def timed(args: list[str], root: Path, tmp: Path, cache: bool) -> float:
    """Seconds for one run of `tool` in a fresh process."""
    argv = [sys.executable, "-m", "tool", "--root", str(root), *[a.format(tmp=tmp) for a in args]]
    env = {**os.environ, "TOOL_CACHE_DIR": str(tmp / "cache")}
    if not cache:
        env["TOOL_NO_CACHE"] = "1"
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--interviews-per-person", type=int, default=4)
    args = parser.parse_args()
    names = available()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        sizes = {}
        for label, people in (("small", max(1, args.people // 4)), ("large", args.people)):
            sizes[label] = generate(tmp / label, people, args.interviews_per_person)
        start = timed(["--version"], tmp / "small", tmp, cache=False)
        timed(["validate"], tmp / "large", tmp, cache=True)  # fills the cache
        print(f"start-up: {start:.2f}s; files: {sizes['small']} (small), {sizes['large']} (large)")
        print(f"{'command':30} {'small':>7} {'large':>7} {'ratio':>6} {'warm':>7} {'cold/warm':>9}")
        for command in COMMANDS:
            if command[0] not in names:
                continue
            small = timed(command, tmp / "small", tmp, cache=False)
            large = timed(command, tmp / "large", tmp, cache=False)
            warm = timed(command, tmp / "large", tmp, cache=True)
            shown = " ".join(command).replace("{tmp}/", "")
            print(
                f"{shown:30} {small:6.2f}s {large:6.2f}s {large / small:6.2f} "
                f"{warm:6.2f}s {large / warm:9.1f}"
            )


if __name__ == "__main__":
    main()
