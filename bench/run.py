"""Time the main commands on generated knowledge bases of two sizes, in one run.

    python bench/run.py                 # 3,000 people / 12,000 interviews, and a quarter of it
    python bench/run.py --people 500    # quicker

Reports seconds per command and the ratio large/small: a ratio near the size ratio (4.0)
means the command scales linearly. Compare ratios from one run only: shared machines are noisy.
"""

from __future__ import annotations

import argparse
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


def timed(args: list[str], root: Path, tmp: Path) -> float:
    argv = [sys.executable, "-m", "tool", "--root", str(root), *[a.format(tmp=tmp) for a in args]]
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
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
        base = timed(["--version"], tmp / "small", tmp)
        print(f"start-up (tool --version): {base:.2f}s")
        print(
            f"{'command':32} {'small':>8} {'large':>8} {'ratio':>6}   "
            f"(files: {sizes['small']} / {sizes['large']})"
        )
        for command in COMMANDS:
            if command[0] not in names:
                continue
            small = timed(command, tmp / "small", tmp)
            large = timed(command, tmp / "large", tmp)
            shown = " ".join(command).replace("{tmp}/", "")
            print(f"{shown:32} {small:7.2f}s {large:7.2f}s {large / small:6.2f}")


if __name__ == "__main__":
    main()
