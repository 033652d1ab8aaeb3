"""A plain-text, git-friendly knowledge base for informational interviews."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tool")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
