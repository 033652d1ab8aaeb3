"""Where templates come from: the KB's templates/, else the defaults shipped in the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment

from tool.templating.engine import make_env


def package_data() -> Path:
    """The default templates and settings shipped with the package."""
    return Path(str(resources.files("tool") / "data"))


def templates_env(root: Path) -> SandboxedEnvironment:
    """Templates from the KB's templates/, falling back to the packaged defaults."""
    return make_env(root / "templates", package_data() / "templates")
