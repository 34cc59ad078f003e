"""Speaker names: enrolled voices recognised by the diarizer's embeddings, and renames by people."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.config import DiarizeSettings
from pipeline.types import Audio, Diarization, SpeakerTranscript, SpeakerTurn

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _enrolled(directory: Path, stamp: tuple[tuple[str, float], ...], threshold: float, diarizer: Any) -> Any:
    from pipeline.diarize import KnownVoices

    return KnownVoices.enrol(directory, diarizer, threshold=threshold)


def _folder_stamp(directory: Path) -> tuple[tuple[str, float], ...]:
    """Names and modification times: a clip added or replaced re-enrols the folder."""
    return tuple(sorted((str(p), p.stat().st_mtime) for p in directory.rglob("*") if p.is_file()))


def known_voice_names(
    diarizer: Any, audio: Audio, diarization: Diarization, settings: DiarizeSettings
) -> dict[str, str]:
    """Raw speaker label -> person, for speakers whose voice matches an enrolled one; {} without a folder."""
    if settings.voices_dir is None or not diarization.turns:
        return {}
    directory = Path(settings.voices_dir).expanduser().resolve()
    voices = _enrolled(directory, _folder_stamp(directory), settings.voice_threshold, diarizer)
    names: dict[str, str] = voices.identify(diarizer.speaker_embeddings(audio, diarization))
    logger.info("Known voices recognised: %s", ", ".join(sorted(names.values())) or "none")
    return names


def number_speakers(diarization: Diarization) -> Diarization:
    """Relabel speakers by the order of their first turn: ``SPEAKER_00`` is the first to speak.

    Public labels derive from these ("SPEAKER_00" is "Speaker 1" everywhere), so the numbering
    must not depend on the order in which a model happened to cluster its speakers.

    Args:
        diarization: Turns with any labels.

    Returns:
        A new diarization whose turns and exclusive turns carry ``SPEAKER_00``, ``SPEAKER_01``, ...
    """
    first: dict[str, tuple[float, float]] = {}
    for turn in (*diarization.turns, *diarization.exclusive):
        seen = first.get(turn.speaker)
        if seen is None or (turn.start, turn.end) < seen:
            first[turn.speaker] = (turn.start, turn.end)
    order = sorted(first, key=lambda label: first[label])  # stable: ties keep the model's order
    mapping = {label: f"SPEAKER_{i:02d}" for i, label in enumerate(order)}

    def relabel(turns: tuple[SpeakerTurn, ...]) -> tuple[SpeakerTurn, ...]:
        return tuple(replace(t, speaker=mapping[t.speaker]) for t in turns)

    return replace(diarization, turns=relabel(diarization.turns), exclusive=relabel(diarization.exclusive))


def rename_speakers(st: SpeakerTranscript, renames: Mapping[str, str]) -> SpeakerTranscript:
    """Rename speakers by display name ("Speaker 2") or raw label ("SPEAKER_01"); others unchanged.

    Used for names given on the command line and by an operator reviewing the minutes.
    """
    if not renames:
        return st
    cleaned = {k.strip(): v.strip() for k, v in renames.items() if k.strip() and v.strip()}
    named = tuple((raw, cleaned.get(raw, cleaned.get(shown, shown))) for raw, shown in st.speaker_names)
    return replace(st, speaker_names=named)
