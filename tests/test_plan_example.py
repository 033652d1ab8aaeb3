"""Smoke test: the planning commands run cleanly on the example knowledge base of the repo."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run

EXAMPLE = Path(__file__).parent.parent


@pytest.mark.parametrize(
    "args",
    [
        ("due", "--on", "2026-11-22"),
        ("due", "--on", "2026-11-22", "--format", "json"),
        ("list", "people"),
        ("list", "interviews", "--format", "csv"),
        ("search", "hiring", "manager"),
        ("export", "ics"),
    ],
)
def test_runs_on_the_example(args: tuple[str, ...]):
    result = run(*args, "--root", EXAMPLE)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout
