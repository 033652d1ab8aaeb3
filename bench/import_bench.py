"""Time `tool import linkedin` on a large, realistic Connections.csv, in one run.

    python bench/import_bench.py                      # 30,000 rows, into an empty KB and
                                                      # into one with 10,000 people
    python bench/import_bench.py --rows 5000 --existing 2000 --profile
    git archive main tool | tar -x -C /tmp/old && python bench/import_bench.py --baseline /tmp/old

The export has what LinkedIn writes: a byte-order mark, the `Notes:` preamble with its
quoted paragraph, the seven columns, `15 Mar 2024` dates, missing emails (most rows, as in
real exports), names with commas, quotes, accents, emoji and non-Latin scripts, and blank
trailing lines. Every row is a distinct person (name, email and URL), except for a few that
repeat a row earlier in the file. The knowledge base "with people" has `--existing` person
files, a tenth of which are rows of the export (same LinkedIn URL), so the import skips
them. Each import runs in a fresh process (`python -m tool`, of the checkout this script
sits in, and with `--baseline` of another revision's tool/ too, on the same files), timed on
the clock and in user and system time: on a busy machine the clock also counts other work.
With `--profile` it runs under cProfile and the costliest functions are printed.
The same sizes and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = 13
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
GIVEN = (
    "Anna", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Giulia", "Hiro", "Ines", "Jonas",
    "Kwame", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rafael", "Sofía", "Tomás",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë", "Ahmed", "Björn", "Camille", "Deepa",
    "Émile", "Fatima", "Gustavo", "Hana", "Ivan", "Jiwoo", "Kofi", "Laila", "Mei", "Noah",
)  # fmt: skip
FAMILY = (
    "Andersson", "Bianchi", "Chen", "Dubois", "Evans", "Fernández", "García", "Haddad",
    "Ivanova", "Jensen", "Kim", "López", "Müller", "Nakamura", "Okafor", "Petrov", "Quispe",
    "Rossi", "Schmidt", "Tanaka", "Újvári", "Van der Berg", "Wójcik", "Xu", "Yılmaz", "Zhang",  # noqa: RUF001
    "O'Brien", "Da Silva", "Nguyễn", "Kowalski", "Mensah", "Novak", "Sato", "Lindqvist",
)  # fmt: skip
SCRIPTS = (
    ("李", "伟"),
    ("محمد", "علي"),
    ("Алексей", "Смирнов"),
    ("さくら", "山田"),
    ("민준", "박"),
)
COMPANIES = (
    "Acme Robotics", "Globex", "Initech", "Umbrella Health", "Vandelay Analytics",
    "Hooli", "Stark Industries", "Wayne Enterprises", "Soylent Corp", "Tyrell Corporation",
    "Cyberdyne Systems", "Wonka Industries", "Oscorp", "Massive Dynamic", "Aperture Science",
    "Pied Piper", "Dunder Mifflin", "Prestige Worldwide", "Gringotts", "Monsters, Inc.",
)  # fmt: skip
POSITIONS = (
    "Product Manager", "Senior Software Engineer", "Data Scientist", "UX Researcher",
    "Engineering Manager", "Head of Growth", "Analytics Lead", "Recruiter", "Designer",
    "VP Sales, EMEA", 'Principal "Staff" Engineer', "Founder & CEO", "",
)  # fmt: skip
NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _quote(field: str) -> str:
    if any(c in field for c in ',"\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


def _person(rng: random.Random, n: int) -> tuple[str, str, str]:
    """First name, last name and URL slug of the n-th person: distinct for every n."""
    if rng.random() < 0.05:
        given, family = rng.choice(SCRIPTS)
    else:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    if rng.random() < 0.01:
        family += ", PhD"  # a comma inside a quoted field
    elif rng.random() < 0.01:
        given += " 🚀"
    # Distinct names: real exports have namesakes, but a namesake at the same company is
    # skipped as a duplicate, and this export is meant to be all new people.
    family = f"{family} {_letters(n)}"
    return given, family, f"{_ascii(given)}-{_ascii(family)}-{n:x}"


def _letters(n: int) -> str:
    """A distinct capitalised word for each n (a middle-name-like tag: `Bac`, `Qez`)."""
    consonants, vowels = "bcdfghjklmnprstvz", "aeiou"
    word = ""
    n += 17 * 5
    while n:
        n, c = divmod(n, len(consonants))
        n, v = divmod(n, len(vowels))
        word += consonants[c] + vowels[v]
    return word.capitalize()


def _ascii(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isascii() and c.isalnum()) or "x"


def export(rows: int, seed: int = SEED, repeats: int = 50) -> tuple[str, list[str]]:
    """A Connections.csv of `rows` data rows, and the profile URLs it has (in order)."""
    rng = random.Random(seed)
    lines, urls = [NOTES, HEADER], []
    first_day = date(2012, 1, 1)
    for n in range(rows - repeats):
        given, family, slug = _person(rng, n)
        url = f"https://www.linkedin.com/in/{slug}"
        email = f"{_ascii(given)}.{slug}@example.com" if rng.random() < 0.15 else ""
        day = first_day + timedelta(days=rng.randrange(5000))
        connected = f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"
        fields = (
            given,
            family,
            url,
            email,
            rng.choice(COMPANIES) if rng.random() < 0.9 else "",
            rng.choice(POSITIONS),
            connected,
        )
        lines.append(",".join(_quote(f) for f in fields) + "\n")
        urls.append(url)
    # The same person twice in one file (LinkedIn does not, a merged spreadsheet does).
    lines += [rng.choice(lines[2:]) for _ in range(repeats)]
    return "\ufeff" + "".join(lines) + "\n\n", urls


def existing_kb(root: Path, people: int, urls: list[str], seed: int = SEED) -> None:
    """A knowledge base with `people` person files; every tenth is a row of the export."""
    rng = random.Random(seed + 1)
    folder = root / "people"
    folder.mkdir(parents=True)
    (root / "tool.toml").write_text('[me]\nname = "Bench"\n', encoding="utf-8")
    for n in range(people):
        given, family = rng.choice(GIVEN), f"{rng.choice(FAMILY)} {_letters(10**6 + n)}"
        url = urls[n * 3] if n % 10 == 0 and n * 3 < len(urls) else f"https://example.org/p{n}"
        ident = f"{_ascii(given)}-{_ascii(family)}-{n}"
        (folder / f"{ident}.md").write_text(
            f"---\nname: {given} {family}\ncompany: {rng.choice(COMPANIES)!r}\n"
            f"role: Engineer\nlinkedin: {url}\nrelationship: colleague\n---\nMet at work.\n",
            encoding="utf-8",
        )


def run_import(
    root: Path, csv: Path, profile: Path | None, code: Path = REPO
) -> tuple[float, tuple[float, float], str]:
    """Seconds taken by one `tool import linkedin` in a fresh process (on the clock, and of
    processor time: on a busy machine the clock also counts other people's work), and its
    summary line.

    `code` is the checkout whose `tool` runs: this one, or another revision to compare with.
    """
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "tool", "--root", str(root), "import", "linkedin", str(csv)]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TOOL_")},
        "PYTHONPATH": str(code),
        "TOOL_CACHE_DIR": str(root / ".cache"),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Run from the knowledge base: `python -m` puts the working directory first on the path,
    # and a checkout's own tool/ there would shadow the one asked for.
    done = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        sys.exit(f"import failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, cpu, (done.stdout.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000, help="rows of the export")
    parser.add_argument("--existing", type=int, default=10_000, help="people already there")
    parser.add_argument("--work", type=Path, help="folder to work in (default: a temporary one)")
    parser.add_argument("--profile", action="store_true", help="print the costliest functions")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a folder holding another revision's tool/ (`git archive REV tool | tar -x -C "
        "DIR`), to time beside this one on the same files in the same run",
    )
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    text, urls = export(args.rows)
    csv = work / "Connections.csv"
    csv.write_text(text, encoding="utf-8")
    print(f"{csv}: {args.rows:,} rows, {len(text.encode()):,} bytes", file=sys.stderr)
    versions = [("this checkout", REPO)]
    if args.baseline is not None:
        versions.insert(0, ("baseline", args.baseline.resolve()))
    try:
        for label, people in (
            ("empty KB", 0),
            (f"KB with {args.existing:,} people", args.existing),
        ):
            for version, code in versions:
                root = work / f"kb-{people}"
                shutil.rmtree(root, ignore_errors=True)
                root.mkdir()
                if people:
                    existing_kb(root, people, urls)
                else:
                    (root / "tool.toml").write_text('[me]\nname = "Bench"\n', encoding="utf-8")
                stats = work / f"import-{people}.prof" if args.profile else None
                seconds, cpu, summary = run_import(root, csv, stats, code)
                print(
                    f"{label:<24} {version:<14} {seconds:6.1f} s  (user {cpu[0]:5.1f} s, "
                    f"system {cpu[1]:5.1f} s)   {summary}",
                    flush=True,
                )
                if stats is not None:
                    import pstats

                    pstats.Stats(str(stats), stream=sys.stdout).sort_stats(
                        "cumulative"
                    ).print_stats(30)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
