"""A plain-text, git-friendly knowledge base for informational interviews."""

# The one place the version is written: pyproject.toml reads it from here, and `tool
# --version` prints it without asking importlib.metadata (which costs more than Click).
__version__ = "0.1.0"
