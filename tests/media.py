"""Generating test media with the ffmpeg command line (quiet, never prompting, overwriting)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_ffmpeg(*args: str | Path) -> None:
    """Run ffmpeg with `args` after the common options; raises CalledProcessError if it fails."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *map(str, args)], check=True)
