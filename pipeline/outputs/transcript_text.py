"""Plain-text transcript: one timed line per utterance, with the speaker's name when known."""

from __future__ import annotations

from pipeline.types import SpeakerTranscript


def clock(seconds: float) -> str:
    """H:MM:SS for a time in seconds (hours shown only when needed)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def to_text(transcript: SpeakerTranscript) -> str:
    lines = []
    for utt in transcript.utterances:
        speaker = f"{transcript.display_name(utt.speaker)}: " if utt.speaker else ""
        lines.append(f"[{clock(utt.start)}] {speaker}{utt.text}")
    return "\n".join(lines) + ("\n" if lines else "")
