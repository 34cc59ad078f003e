"""The recording as a browser plays it: mono Opus at ~32 kb/s in Ogg, small enough to seek in a long meeting.

Made once when the review opens, from the file the run heard (for participants' tracks, the
assembled recording). A failure is logged and leaves no file: the review opens without a player.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from pipeline.audio import probe
from pipeline.errors import PipelineError

logger = logging.getLogger(__name__)

BITRATE = "32k"
# libopus's effort (0-10, default 10): 5 encodes a 10-minute recording in 11.6 s instead of 20.3 s on
# one busy core, for a file of the same size (1.93 MB, 1.96 MB at 10); speech to listen to loses nothing.
COMPRESSION_LEVEL = "5"
_ENCODER = (
    "-c:a",
    "libopus",
    "-b:a",
    BITRATE,
    "-application",
    "voip",
    "-compression_level",
    COMPRESSION_LEVEL,
    "-f",
    "ogg",
)
# A 3-hour meeting encodes in about 4 minutes on one busy core; past this something is stuck.
ENCODE_TIMEOUT_S = 1800


def _mono(channels: int, tracks: bool) -> list[str]:
    """Participants' tracks are summed as a call mixes them (a layout's down-mix would weigh them unequally)."""
    if tracks and channels > 1:
        return ["-af", "pan=mono|c0=" + "+".join(f"c{i}" for i in range(channels))]
    return ["-ac", "1"]


def encode_listening(heard: Path, out: Path) -> bool:
    """Write `heard` as Ogg Opus mono to `out` (atomically); False, with the reason logged, if it cannot.

    Args:
        heard: The recording the run heard.
        out: Where the listening copy goes.
    """
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        logger.warning("No audio for the review of %s: ffmpeg is not installed", heard.name)
        return False
    try:
        info = probe(heard)
    except (PipelineError, OSError) as e:
        logger.warning("No audio for the review of %s: %s", heard.name, e)
        return False
    staging = out.with_name(f".{out.name}.encoding")
    command = [
        *(ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-v", "error", "-threads", "1", "-y"),
        *("-i", "file:" + str(heard.resolve()), "-map", f"0:a:{info.track_index}", "-vn"),
        *_mono(info.channels, bool(info.participants)),
        *_ENCODER,
        "file:" + str(staging),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=ENCODE_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        staging.unlink(missing_ok=True)
        logger.warning("No audio for the review of %s: ffmpeg did not finish (%s)", heard.name, e)
        return False
    if done.returncode != 0 or not staging.exists() or staging.stat().st_size == 0:
        staging.unlink(missing_ok=True)
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        logger.warning("No audio for the review of %s: ffmpeg failed (%s)", heard.name, reason[0])
        return False
    os.replace(staging, out)
    logger.info("Listening copy of %s: %s (%.1f MB)", heard.name, out.name, out.stat().st_size / 1e6)
    return True
