"""The `minutier` command line: a thin shell over the library."""

from __future__ import annotations

from cli import desk, meeting, service, transcribe  # noqa: F401  (registers the commands)
from cli.base import main

__all__ = ["main"]
