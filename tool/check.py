"""`tool validate`: every problem of a knowledge base, from every rule, sorted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from tool.formats.ics import problems as calendar_problems
from tool.model import KnowledgeBase, Problem
from tool.rules.insights import topic_problems
from tool.rules.records import record_problems
from tool.store.loading import Computed, computed
from tool.template_checks import check_templates


def check(kb: KnowledgeBase, today: date | None = None) -> list[Problem]:
    """Every problem in the KB: reading problems plus cross-file rules, sorted.

    Without `today`, the rules about the calendar are left out.
    """
    problems = list(kb.problems)
    problems += record_problems(kb, today)
    problems += check_templates(kb)
    problems += topic_problems(kb)
    problems += calendar_problems(kb)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.rule, p.message))


def check_root(root: Path, today: date | None = None) -> Computed:
    """`check` of the KB at `root`, kept from the last run while no file or template changed."""
    name = f"validate {today.isoformat() if today else ''}"  # the calendar rules' day
    return computed(root, name, lambda kb: check(kb, today), watch=("templates",))


def within(path: str, selection: Iterable[str]) -> bool:
    """Whether a root-relative path is one of, or inside one of, the selected paths."""
    return any(
        w in ("", ".") or path == w or path.startswith(w.rstrip("/") + "/") for w in selection
    )


def select(problems: list[Problem], paths: Iterable[str]) -> list[Problem]:
    """Only the problems in the given files or folders (relative to the root)."""
    wanted = list(paths)
    return [p for p in problems if within(p.path, wanted)]
