"""Generate a realistic, deterministic knowledge base for benchmarks.

python bench/generate.py /tmp/bench-kb --people 3000 --interviews-per-person 4
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

FIRST = [
    "Ann",
    "Bo",
    "Cy",
    "Dee",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jo",
    "Kai",
    "Lena",
    "Mo",
    "Nia",
    "Oz",
    "Pia",
    "Quinn",
    "Ravi",
    "Sol",
    "Tess",
    "Uma",
    "Vic",
    "Wen",
    "Zoë",
]
LAST = [
    "Lee",
    "Chen",
    "Diaz",
    "Fox",
    "Okafor",
    "Brandt",
    "Reyes",
    "Malhotra",
    "Kobayashi",
    "Lindqvist",
    "Natarajan",
    "Oyelaran",
    "Núñez",
    "Smith",
    "Ivanova",
    "Haddad",
]
COMPANIES = [
    "Acme Robotics",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Hooli",
    "Vandelay",
    "Stark Analytics",
    "Wayne Logistics",
    "Soylent Foods",
    "Tyrell Systems",
]
CAREERS = [
    "Product management",
    "Data science",
    "UX research",
    "Engineering management",
    "Developer relations",
    "Technical writing",
]
TOPICS = [
    "skills",
    "day-to-day",
    "hiring",
    "culture",
    "career-path",
    "tools",
    "remote",
    "compensation",
    "interviews",
    "portfolio",
    "mentoring",
    "industry-trends",
]
STATUSES = ["done"] * 6 + ["scheduled", "requested", "idea", "declined", "cancelled"]
SENTENCES = [
    "Most of the week goes into aligning engineering and design on scope.",
    "They moved over from consulting after two years of evening courses.",
    "The team hires for curiosity first and for specific tools second.",
    "A portfolio of two small, finished projects mattered more than a certificate.",
    "Remote work is the norm, with one week a quarter on site.",
    "Expect a take-home exercise and a presentation to the whole team.",
]


def generate(root: Path, people: int, per_person: int, seed: int = 7) -> int:
    """Write `people` people and about `per_person` interviews each; return the file count."""
    rng = random.Random(seed)
    (root / "people").mkdir(parents=True, exist_ok=True)
    (root / "interviews").mkdir(exist_ok=True)
    (root / "tool.toml").write_text(
        '[me]\nname = "Bench Mark"\n[targets]\n'
        f"careers = {CAREERS[:3]!r}\ncompanies = {COMPANIES[:4]!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    ids: list[str] = []
    files = 1
    for n in range(people):
        pid = f"{rng.choice(FIRST).lower()}-{rng.choice(LAST).lower()}-{n}".replace("ë", "e")
        pid = pid.replace("ú", "u").replace("ñ", "n")
        introduced = f"introduced_by: {rng.choice(ids)}\n" if ids and rng.random() < 0.4 else ""
        (root / "people" / f"{pid}.md").write_text(
            f"---\nname: {pid.replace('-', ' ').title()}\ncompany: {rng.choice(COMPANIES)}\n"
            f"role: Senior {rng.choice(['PM', 'Researcher', 'Scientist', 'Manager'])}\n"
            f"career: {rng.choice(CAREERS)}\nemail: {pid}@example.com\n"
            f'phone: "+1 555 01{n % 100:02d}"\n{introduced}relationship: '
            f"{rng.choice(['alumni', 'colleague', 'friend', 'referral', 'cold'])}\n"
            f"tags: [{rng.choice(TOPICS)}]\n---\n{rng.choice(SENTENCES)}\n",
            encoding="utf-8",
        )
        ids.append(pid)
        files += 1
        for k in range(per_person):
            when = date(2025, 1, 1) + timedelta(days=rng.randrange(700))
            status = rng.choice(STATUSES)
            insights = (
                "\n".join(
                    f"- {rng.choice(SENTENCES)} #{rng.choice(TOPICS)} #{rng.choice(TOPICS)}"
                    for _ in range(rng.randrange(1, 5))
                )
                if status == "done"
                else ""
            )
            referrals = f"referrals: [{rng.choice(ids)}]\n" if rng.random() < 0.3 else ""
            (root / "interviews" / f"{when.isoformat()}-{pid}-{k}.md").write_text(
                f"---\nperson: {pid}\ndate: {when.isoformat()}\nstatus: {status}\n"
                f"format: video\nduration: 25\npurpose: career\n{referrals}---\n"
                "## Questions\n1. What does a normal week look like?\n2. What surprised you?\n\n"
                f"## Notes\n{rng.choice(SENTENCES)} {rng.choice(SENTENCES)}\n\n"
                f"## Insights\n{insights}\n\n## Next steps\n- [ ] Send thank-you\n"
                "- [x] Prepare questions\n",
                encoding="utf-8",
            )
            files += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--interviews-per-person", type=int, default=4)
    args = parser.parse_args()
    count = generate(args.root, args.people, args.interviews_per_person)
    print(f"wrote {count} files to {args.root}")


if __name__ == "__main__":
    main()
