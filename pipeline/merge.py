"""Pure functions that combine a Transcript with speakers. No model is touched here."""

from __future__ import annotations

from pipeline.types import SpeakerTranscript, Transcript, Utterance


def unattributed(transcript: Transcript) -> SpeakerTranscript:
    """A SpeakerTranscript with one speakerless utterance per segment (no diarization run)."""
    utterances = tuple(
        Utterance(speaker=None, start=s.start, end=s.end, text=s.text.strip(), words=s.words)
        for s in transcript.segments
        if s.text.strip()
    )
    return SpeakerTranscript(transcript.language, transcript.duration, utterances)
