"""The `minutier` command line: a thin shell over the library."""

from __future__ import annotations

from pipeline.cli import meeting, service, transcribe  # noqa: F401  (registers the commands)
from pipeline.cli.base import main

__all__ = ["main"]
