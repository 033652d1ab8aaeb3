"""Measure `tool` on a generated knowledge base, beside peers on the same files, in one run.

    python bench/run.py --size 10000          # 40,000 files; the digest on 4,000 of them
    python bench/run.py --size 1000 --digest-size 250 --repeat 3
    python bench/run.py --size 1000 --json bench.json   # and every measurement, as JSON

`--size` counts people, as in bench/generate.py: each has three interviews on average, so
the knowledge base has 4 x size files. The digest, the slowest command, runs on a second
knowledge base of `--digest-size` people (default: 1,000, which is 4,000 files) and, to show
how it scales, on one of half that.

Every command runs three ways, each in a fresh process: cold (an empty cache folder, as on
a first run), warm (again, nothing changed) and after 1% of the files changed (a realistic
edit: a task item added to an interview, a dated line to a person). Beside them, on the same
files: `git status` (the knowledge base is a git repository, committed), loading every file
with python-frontmatter, `mkdocs build` over the digest's files with a lean configuration
(no plugins, a one-link nav), and `python -c "import click"` for start-up. Each repeat runs
everything once, in the same order, so that a slow minute on a shared machine hits every
column alike; the tables show the median time of the repeats and the largest peak memory
(resident set) seen.

It measures the `tool` of the checkout it sits in. A peer that is not installed is left out
with a note (`pip install mkdocs python-frontmatter`, or `pip install -e '.[bench]'`).
Progress goes to stderr, the Markdown tables to stdout (with `--json -`, every measurement).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import TODAY, generate  # noqa: E402

COMMANDS: dict[str, list[str]] = {
    "validate": ["validate"],
    "index": ["index"],
    "due": ["due", "--on", TODAY.isoformat()],
    "list": ["list", "interviews", "--format", "json"],
    "search": ["search", "portfolio"],
}
STATES = ("cold", "warm", "changed")
TIMES = "\N{MULTIPLICATION SIGN}"
CHANGED_SHARE = 0.01
# Files as a user has them: last edited a while ago, not in the clock tick of the next run.
SETTLED = time.time() - 86_400
FRONTMATTER_LOOP = (
    "import pathlib, sys, frontmatter\n"
    "for folder in ('people', 'interviews'):\n"
    "    for path in sorted(pathlib.Path(sys.argv[1], folder).glob('*.md')):\n"
    "        frontmatter.load(path)\n"
)
# Starts each measured process from a small one: a child's peak memory counts the memory
# of the process it was started from, and this one holds knowledge bases' worth of names.
LAUNCHER = (
    "import os, sys, time\n"
    "started = time.perf_counter()\n"
    "pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "took = time.perf_counter() - started\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    out.write(f'{took} {usage.ru_maxrss}')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)
_WAIT4 = hasattr(os, "wait4") and hasattr(os, "posix_spawnp")
_MACOS = sys.platform == "darwin"
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
GIT += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]


@dataclass
class Run:
    """One process: wall-clock seconds, peak resident memory in MB, exit status."""

    seconds: float
    peak_mb: float | None
    status: int


@dataclass
class Series:
    """The repeats of one measurement."""

    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.status == 0 for r in self.runs)

    @property
    def seconds(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.ok else None

    @property
    def peak_mb(self) -> float | None:
        peaks = [r.peak_mb for r in self.runs if r.peak_mb is not None]
        return max(peaks) if self.ok and peaks else None


class Bench:
    """The knowledge bases, caches and results of one benchmark run."""

    def __init__(self, work: Path, size: int, digest_size: int):
        self.work = work
        self.kb = work / "kb"
        self.digest_kb = work / "digest-kb"
        self.half_kb = work / "digest-half-kb"
        self.size, self.digest_size = size, digest_size
        self.files: dict[Path, int] = {}
        self.results: dict[str, Series] = {}
        self.caches = 0
        self.rounds = 0

    def series(self, name: str) -> Series:
        return self.results.setdefault(name, Series())

    # --- setting up -----------------------------------------------------------------------

    def prepare(self) -> None:
        """Generate the knowledge bases and commit the large one to git."""
        kbs = [(self.kb, self.size)]
        if self.digest_size:
            kbs += [
                (self.digest_kb, self.digest_size),
                (self.half_kb, max(1, self.digest_size // 2)),
            ]
        for root, people in kbs:
            started = time.perf_counter()
            self.files[root] = generate(root, people)
            _settle(root.rglob("*.md"))
            took = time.perf_counter() - started
            progress(f"generated {self.files[root]:,} files in {root.name} ({took:.1f} s)")
        if shutil.which("git"):
            subprocess.run([*GIT, "init", "-q", str(self.kb)], check=True)
            self.commit()
        else:
            self.series("git status").note = "git is not installed"

    def commit(self) -> None:
        """Commit whatever changed, so that `git status` always sees a clean tree."""
        subprocess.run([*GIT, "-C", str(self.kb), "add", "-A"], check=True)
        subprocess.run(
            [*GIT, "-C", str(self.kb), "commit", "-q", "--allow-empty", "-m", "bench"], check=True
        )

    def change(self, root: Path) -> list[Path]:
        """Edit 1% of the files of `root` as a user would; a different 1% each time."""
        self.rounds += 1
        files = sorted([*root.glob("people/*.md"), *root.glob("interviews/*.md")])
        count = max(1, round(len(files) * CHANGED_SHARE))
        chosen = random.Random(self.rounds).sample(files, count)
        for path in chosen:
            text = path.read_text(encoding="utf-8")
            if path.parent.name == "people":
                text += f"\nUpdate {self.rounds}: changed teams, still happy to talk.\n"
            else:
                text += f"- [ ] Send the article we discussed (round {self.rounds})\n"
            path.write_text(text, encoding="utf-8", newline="")
        return chosen

    def fresh_cache(self) -> Path:
        self.caches += 1
        return self.work / "caches" / str(self.caches)

    # --- measuring ------------------------------------------------------------------------

    def tool(self, name: str, root: Path, args: list[str], cache: Path) -> Run:
        env = {**_clean_env(), "TOOL_CACHE_DIR": str(cache)}
        run = measure([sys.executable, "-m", "tool", "--root", str(root), *args], env)
        self.series(name).runs.append(run)
        return run

    def command(self, name: str, root: Path, args: list[str]) -> None:
        """Cold, warm and after 1% changed, each in a fresh process, on one cache folder."""
        cache = self.fresh_cache()
        for state in ("cold", "warm"):
            report(f"{name} {state}", self.tool(f"{name} {state}", root, args, cache))
        changed = self.change(root)
        report(f"{name} changed", self.tool(f"{name} changed", root, args, cache))
        _settle(changed)  # the next command's cold and warm runs see settled files again

    def digest(self) -> None:
        site = self.work / "site"
        shutil.rmtree(site, ignore_errors=True)
        self.command("digest", self.digest_kb, ["digest", "--output", str(site)])
        half_site = self.work / "site-half"
        shutil.rmtree(half_site, ignore_errors=True)
        args = ["digest", "--output", str(half_site)]
        report(
            "digest cold half",
            self.tool("digest cold half", self.half_kb, args, self.fresh_cache()),
        )

    def peer(self, name: str, argv: list[str], missing: str | None = None) -> None:
        series = self.series(name)
        if missing:
            series.note = missing
            return
        run = measure(argv, _clean_env())
        series.runs.append(run)
        report(name, run)

    def peers(self) -> None:
        if shutil.which("git"):
            self.commit()
            self.peer("git status", ["git", "-C", str(self.kb), "status"])
        self.peer(
            "python-frontmatter",
            [sys.executable, "-c", FRONTMATTER_LOOP, str(self.kb)],
            _missing("frontmatter", "python-frontmatter"),
        )
        if self.digest_size:
            config = self.mkdocs_config()
            argv = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config)]
            self.peer("mkdocs build", argv, _missing("mkdocs", "mkdocs"))
        self.peer("tool --version", [sys.executable, "-m", "tool", "--version"])
        self.peer("import click", [sys.executable, "-c", "import click"])

    def mkdocs_config(self) -> Path:
        """A lean mkdocs configuration over the digest's Markdown files.

        No plugins (no search index), and a one-link nav: mkdocs would otherwise put a link
        to every page on every page, a site of 160 MB for 1,000 notes.
        """
        config = self.work / "mkdocs" / "mkdocs.yml"
        config.parent.mkdir(exist_ok=True)
        config.write_text(
            "site_name: Benchmark\n"
            f"docs_dir: {json.dumps(str(self.digest_kb))}\n"
            f"site_dir: {json.dumps(str(self.work / 'mkdocs-site'))}\n"
            "use_directory_urls: false\nplugins: []\nnav:\n  - Home: people/\n",
            encoding="utf-8",
        )
        return config

    def repeat(self, count: int) -> None:
        for n in range(1, count + 1):
            progress(f"--- repeat {n} of {count}")
            for name, args in COMMANDS.items():
                self.command(name, self.kb, args)
            if self.digest_size:
                self.digest()
            self.peers()


def measure(argv: list[str], env: dict[str, str]) -> Run:
    """Run argv once, output discarded; its wall time, peak memory and exit status."""
    with tempfile.TemporaryDirectory() as scratch:
        usage = Path(scratch, "usage")
        launch = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(usage)] if _WAIT4 else []
        with Path(scratch, "stderr").open("w+b") as errors:
            started = time.perf_counter()
            status = subprocess.run(
                [*launch, *argv], stdout=subprocess.DEVNULL, stderr=errors, env=env, check=False
            ).returncode
            seconds, peak = time.perf_counter() - started, None
            if _WAIT4 and usage.exists():
                took, kilobytes = usage.read_text().split()
                # Linux counts kilobytes, macOS bytes.
                seconds, peak = float(took), int(kilobytes) / (1 << 20 if _MACOS else 1 << 10)
            if status:
                errors.seek(0)
                tail = errors.read().decode(errors="replace").strip().splitlines()[-3:]
                progress(f"  {' '.join(argv[:6])}... exited {status}: {' | '.join(tail)}")
    return Run(round(seconds, 3), None if peak is None else round(peak, 1), status)


def _clean_env() -> dict[str, str]:
    """This environment, with the checkout's `tool` first and none of the user's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOL_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _settle(paths: Iterator[Path] | list[Path]) -> None:
    for path in paths:
        os.utime(path, (SETTLED, SETTLED))


def _missing(module: str, package: str) -> str | None:
    if importlib.util.find_spec(module) is None:
        return f"not installed (`pip install {package}`)"
    return None


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def report(name: str, run: Run) -> None:
    memory = f", {run.peak_mb:.0f} MB" if run.peak_mb is not None else ""
    failed = "" if run.status == 0 else f" (exit status {run.status})"
    progress(f"  {name}: {run.seconds:.2f} s{memory}{failed}")


# --- the tables ---------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the summary: our figure, the peer's, their ratio, the target, and verdict."""

    work: str
    tool: str
    peer: str
    ratio: str
    target: str
    met: bool | None


def summary(bench: Bench) -> list[Row]:
    r = bench.results
    digest_files = bench.files.get(bench.digest_kb, 0)
    git = r.get("git status", Series())
    rows = []
    for name in COMMANDS:
        rows.append(
            _ratio(
                f"`{name}`, nothing changed (warm cache)", r[f"{name} warm"], git, 3, "`git status`"
            )
        )
    validate_cold, validate_changed = r["validate cold"], r["validate changed"]
    rows.append(_share("`validate` after 1% of files changed", validate_changed, validate_cold))
    rows.append(
        _ratio(
            "cold `validate`",
            validate_cold,
            r.get("python-frontmatter", Series()),
            0.5,
            "loading every file with python-frontmatter",
        )
    )
    if digest_files:
        label = f"{digest_files:,} files"
        rows.append(
            _ratio(
                f"cold `digest`, {label}",
                r["digest cold"],
                r.get("mkdocs build", Series()),
                0.25,
                "`mkdocs build` (lean config)",
            )
        )
        rows.append(
            _scaling(
                r["digest cold half"], r["digest cold"], bench.files[bench.half_kb], digest_files
            )
        )
        warm = r["digest warm"].seconds
        rows.append(
            Row(
                f"`digest` again, nothing changed, {label}",
                _s(warm),
                "—",
                "—",
                "≤ 2 s",
                None if warm is None else warm <= 2,
            )
        )
    peaks = {name: s.peak_mb for name, s in r.items() if name.split()[0] in {*COMMANDS, "digest"}}
    shown = [peaks.get("validate cold"), peaks.get("validate changed"), peaks.get("index warm")]
    highest = max((name for name in peaks if peaks[name] is not None), key=lambda n: peaks[n] or 0)
    rows.append(
        Row(
            "peak memory: cold validate / 1% changed / warm index",
            " / ".join(_mb(p) for p in shown) + " MB",
            "—",
            "—",
            "< 400 MB",
            None if None in shown else max(shown) < 400,  # type: ignore[type-var]
        )
    )
    rows.append(
        Row(
            f"peak memory, largest of every run (`{highest}`)",
            f"{_mb(peaks[highest])} MB",
            "—",
            "—",
            "< 400 MB",
            (peaks[highest] or 0) < 400,
        )
    )
    click = r.get("import click", Series())
    row = _ratio("`tool --version`", r["tool --version"], click, None, '`python -c "import click"`')
    version = r["tool --version"].seconds
    row.target, row.met = "≤ 0.3 s", None if version is None else version <= 0.3
    rows.append(row)
    return rows


def _ratio(work: str, ours: Series, peer: Series, limit: float | None, peer_name: str) -> Row:
    mine, theirs = ours.seconds, peer.seconds
    ratio = mine / theirs if mine is not None and theirs else None
    return Row(
        work,
        _s(mine),
        f"{peer_name} {_s(theirs)}"
        if theirs is not None
        else f"{peer_name}: {peer.note or 'failed'}",
        f"{_times(ratio)}" if ratio is not None else "—",
        f"≤ {limit:g}{TIMES}" if limit is not None else "—",
        None if ratio is None or limit is None else ratio <= limit,
    )


def _share(work: str, ours: Series, cold: Series) -> Row:
    mine, whole = ours.seconds, cold.seconds
    share = mine / whole if mine is not None and whole else None
    return Row(
        work,
        _s(mine),
        f"cold `validate` {_s(whole)}",
        f"{share:.0%}" if share is not None else "—",
        "≤ 10%",
        None if share is None else share <= 0.10,
    )


def _scaling(half: Series, whole: Series, half_files: int, whole_files: int) -> Row:
    a, b = half.seconds, whole.seconds
    growth = b / a if a and b is not None else None
    files = whole_files / half_files
    return Row(
        f"cold `digest`, {half_files:,} / {whole_files:,} files",
        f"{_s(a)} / {_s(b)}",
        "—",
        f"{growth:.1f}{TIMES} time for {files:.0f}{TIMES} files" if growth is not None else "—",
        "linear",
        None if growth is None else growth <= files * 1.15,
    )


def details(bench: Bench) -> list[list[str]]:
    out = []
    for name in [*COMMANDS, "digest"]:
        if f"{name} cold" not in bench.results:
            continue
        cells = [bench.results[f"{name} {state}"] for state in STATES]
        out.append(
            [
                f"`{' '.join(COMMANDS.get(name, ['digest']))}`",
                *(_s(c.seconds) for c in cells),
                " / ".join(_mb(c.peak_mb) for c in cells),
            ]
        )
    return out


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "failed"
    return (
        f"{seconds:.2f} s"
        if seconds < 10
        else f"{seconds:.1f} s"
        if seconds < 100
        else f"{seconds:.0f} s"
    )


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _times(ratio: float) -> str:
    return f"{ratio:.2f}{TIMES}" if ratio < 10 else f"{ratio:.0f}{TIMES}"


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    revision = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": platform.platform(terse=True),
        "revision": revision or "unknown",
    }


def markdown(bench: Bench, repeat: int, took: float) -> str:
    m = machine()
    files = bench.files[bench.kb]
    head = (
        f"Measured {date.today().isoformat()} at revision {m['revision']} on {m['cpus']} {TIMES} "
        f"{m['cpu']}, Python {m['python']}, {m['system']}: {files:,} files "
        f"({bench.size:,} people, {files - bench.size:,} interviews)"
    )
    if bench.digest_size:
        head += f", the digest on {bench.files[bench.digest_kb]:,}"
    runs = f"medians of {repeat} runs" if repeat > 1 else "one run"
    length = f"{took:.0f} s" if took < 120 else f"{took / 60:.0f} min"
    head += f"; {runs}; the whole benchmark took {length}.\n"
    lines = [head, "| work | `tool` | peer on the same files | ratio | target | met |"]
    lines.append("|---|--:|--:|--:|--:|:-:|")
    for row in summary(bench):
        met = "—" if row.met is None else "yes" if row.met else "**no**"
        lines.append(
            f"| {row.work} | {row.tool} | {row.peer} | {row.ratio} | {row.target} | {met} |"
        )
    lines += ["", "| command | cold | warm | 1% changed | peak MB (cold / warm / changed) |"]
    lines.append("|---|--:|--:|--:|--:|")
    lines += ["| " + " | ".join(cells) + " |" for cells in details(bench)]
    notes = [f"{name}: {s.note}" for name, s in bench.results.items() if s.note]
    lines += ["", *(f"Left out: {note}." for note in notes)] if notes else []
    return "\n".join(lines) + "\n"


def as_json(bench: Bench, repeat: int, took: float) -> str:
    data = {
        "date": date.today().isoformat(),
        "machine": machine(),
        "size": bench.size,
        "files": bench.files[bench.kb],
        "digest_files": bench.files.get(bench.digest_kb, 0),
        "repeat": repeat,
        "seconds": round(took, 1),
        "results": {
            name: {
                "runs": [asdict(r) for r in s.runs],
                "median_seconds": s.seconds,
                "peak_mb": s.peak_mb,
                "note": s.note,
            }
            for name, s in bench.results.items()
        },
        "summary": [asdict(row) for row in summary(bench)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Example: python bench/run.py --size 1000 --digest-size 250 --repeat 3",
    )
    parser.add_argument(
        "--size", type=int, default=10_000, metavar="N", help="people (files: 4 x size)"
    )
    parser.add_argument(
        "--digest-size",
        metavar="N",
        type=int,
        help="people for the digest (default: 1,000, at most --size; 0: skip it)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, metavar="N", help="runs of everything (default: 3)"
    )
    parser.add_argument(
        "--json",
        metavar="FILE",
        help="also write every measurement as JSON to FILE (-: print it instead of the tables)",
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="work in this new folder, and keep it"
    )
    args = parser.parse_args()
    if args.size < 1 or args.repeat < 1:
        parser.error("--size and --repeat must be at least 1")
    if args.keep and args.keep.exists():
        parser.error(f"--keep: {args.keep} exists; name a new folder")
    digest_size = min(args.size, 1000) if args.digest_size is None else max(0, args.digest_size)
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True)
            work = args.keep
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tool-bench-")))
        bench = Bench(work, args.size, digest_size)
        bench.prepare()
        bench.repeat(args.repeat)
    took = time.perf_counter() - started
    data = as_json(bench, args.repeat, took)
    if args.json and args.json != "-":
        Path(args.json).write_text(data, encoding="utf-8")
    print(data if args.json == "-" else markdown(bench, args.repeat, took), end="")
    progress(f"done in {took:.0f} s")


if __name__ == "__main__":
    main()
