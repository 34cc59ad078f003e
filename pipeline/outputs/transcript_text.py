"""Plain-text transcript: one timed line per utterance, with the speaker's name when known."""

from __future__ import annotations

from pipeline.summarize.humanize import format_timestamp
from pipeline.types import SpeakerTranscript


def transcript_to_text(transcript: SpeakerTranscript) -> str:
    lines = []
    for utt in transcript.utterances:
        speaker = f"{transcript.display_name(utt.speaker)}: " if utt.speaker else ""
        lines.append(f"[{format_timestamp(utt.start, compact=True)}] {speaker}{utt.text}")
    return "\n".join(lines) + ("\n" if lines else "")
