"""A speaker the secretary named, saved as a known voice of the client: their next meetings name them.

The clip is cut from the review's listening copy: the speaker's longest utterances said over nobody,
up to 30 s, written as ``<voices>/<name>/<review id>.wav`` (a folder per person holds several clips,
see :mod:`pipeline.diarize.voices`), so a voice saved again from another meeting adds to it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from pipeline.speakers import parse_speaker_label
from pipeline.summarize.model import Minutes
from service.errors import IntakeError
from service.layout import check_component
from service.review.edits import InvalidEdit

logger = logging.getLogger(__name__)

MAX_CLIP_S = 30.0
MIN_CLIP_S = 3.0  # below this an embedding says little about a voice


def cut_voice(minutes: Minutes, speaker: str, audio: Path, voices_dir: Path, clip_name: str) -> Path:
    """Save `speaker`'s voice, from `audio`, as a known voice named after their current name; the clip written.

    Raises:
        InvalidEdit: unknown speaker, not named yet, a name that cannot be a file name, no audio,
            too little speech of theirs alone, or the clip could not be cut.
    """
    names = dict(minutes.transcript.speaker_names)
    if speaker not in names:
        raise InvalidEdit(f"save_voice: no speaker {speaker!r} in these minutes")
    name = names[speaker]
    if parse_speaker_label(name) is not None:
        raise InvalidEdit(f"save_voice: name {name!r} first: a voice is saved under the person's name")
    try:
        folder = voices_dir / check_component(name)
    except IntakeError:
        raise InvalidEdit(f"save_voice: {name!r} cannot name a file") from None
    ffmpeg = shutil.which("ffmpeg")
    if not audio.exists() or ffmpeg is None:
        raise InvalidEdit("save_voice: this review has no audio to take the voice from")
    spans = _longest_alone(minutes, speaker)
    total = sum(end - start for start, end in spans)
    if total < MIN_CLIP_S:
        raise InvalidEdit(f"save_voice: {name} speaks alone for {total:.1f} s; at least {MIN_CLIP_S:.0f} s are needed")
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / f"{clip_name}.wav"
    select = "+".join(f"between(t,{start:.3f},{end:.3f})" for start, end in sorted(spans))
    command = [
        *(ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", "file:" + str(audio)),
        *("-af", f"aselect='{select}',asetpts=N/SR/TB", "-ac", "1", "-ar", "16000", "file:" + str(clip)),
    ]
    done = subprocess.run(command, capture_output=True, timeout=300, check=False)
    if done.returncode != 0:
        clip.unlink(missing_ok=True)
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise InvalidEdit(f"save_voice: the clip could not be cut ({reason[0]})")
    logger.info("Voice of %s saved (%.1f s): %s", name, total, clip)
    return clip


def _longest_alone(minutes: Minutes, speaker: str) -> list[tuple[float, float]]:
    """The speaker's longest utterances said over nobody, longest first, up to 30 s in all."""
    own = sorted(
        ((u.start, u.end) for u in minutes.transcript.utterances if u.speaker == speaker and not u.overlap),
        key=lambda span: span[0] - span[1],
    )
    spans: list[tuple[float, float]] = []
    total = 0.0
    for start, end in own:
        if total >= MAX_CLIP_S:
            break
        end = min(end, start + MAX_CLIP_S - total)
        spans.append((start, end))
        total += end - start
    return spans
