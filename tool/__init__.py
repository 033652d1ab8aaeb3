"""A plain-text, git-friendly knowledge base for informational interviews."""

# The one place the version is written: pyproject.toml reads it from here, and `tool
# --version` prints it without asking importlib.metadata (which costs more than Click).
__version__ = "0.1.0"
# The settings file at the root of a knowledge base: here, so that finding a knowledge
# base (tool.store.root) and a kept output (tool.store.kept) import no model.
CONFIG_NAME = "tool.toml"
