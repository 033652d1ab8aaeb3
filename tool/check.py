"""`tool validate`: every problem of a knowledge base, from every rule, sorted.

The rules are imported by the functions that run them: a run whose result is kept from the
last one (nothing changed) imports none of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from tool.model import KnowledgeBase, Problem
from tool.store.loading import Computed, Partial, computed, load


def check(kb: KnowledgeBase, today: date | None = None) -> list[Problem]:
    """Every problem in the KB: reading problems plus cross-file rules, sorted.

    Without `today`, the rules about the calendar are left out.
    """
    from tool.formats.ics import problems as calendar_problems
    from tool.rules.insights import topic_problems
    from tool.rules.records import record_problems
    from tool.template_checks import check_templates
    from tool.validation import ordered

    problems = list(kb.problems)
    problems += record_problems(kb, today)
    problems += check_templates(kb)
    problems += topic_problems(kb)
    problems += calendar_problems(kb)
    return ordered(problems)


def check_root(root: Path, today: date | None = None) -> Computed:
    """`check` of the KB at `root`: kept from the last run while no file or template changed,
    else worked out again from what changed since."""

    def update(part: Partial) -> list[Problem]:
        from tool.validation import Stale, update

        try:
            return update(part, today)
        except Stale:
            return check(load(part.root), today)

    name = f"validate {today.isoformat() if today else ''}"  # the calendar rules' day
    return computed(root, name, lambda kb: check(kb, today), watch=("templates",), update=update)


def within(path: str, selection: Iterable[str]) -> bool:
    """Whether a root-relative path is one of, or inside one of, the selected paths."""
    return any(
        w in ("", ".") or path == w or path.startswith(w.rstrip("/") + "/") for w in selection
    )


def select(problems: list[Problem], paths: Iterable[str]) -> list[Problem]:
    """Only the problems in the given files or folders (relative to the root)."""
    wanted = list(paths)
    return [p for p in problems if within(p.path, wanted)]
