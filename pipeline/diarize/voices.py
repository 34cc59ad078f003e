"""Known voices: name the speakers whose voice matches a reference clip.

A voices folder holds one clip per person, named after them (``voices/Marie Dupont.wav``), or a
sub-folder per person with several clips (``voices/Marie Dupont/*.m4a``). Enrolment and matching
use the diarizer's own embedding model, so the similarities are comparable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.errors import ConfigError
from pipeline.types import Audio

logger = logging.getLogger(__name__)

MEDIA_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".webm", ".mp4", ".aac", ".wma"})


def voice_clips(directory: Path) -> dict[str, list[Path]]:
    """Person's name -> their clips in a voices folder (see module doc); empty when there is no folder."""
    clips: dict[str, list[Path]] = {}
    if not directory.is_dir():
        return clips
    for entry in sorted(directory.iterdir()):
        if entry.is_dir():
            found = sorted(p for p in entry.iterdir() if p.suffix.lower() in MEDIA_SUFFIXES)
            if found:
                clips.setdefault(entry.name, []).extend(found)
        elif entry.suffix.lower() in MEDIA_SUFFIXES:
            clips.setdefault(entry.stem, []).append(entry)
    return clips


class VoiceEmbedder(Protocol):
    """What enrolment needs from a diarizer (:class:`~pipeline.diarize.pyannote.PyannoteDiarizer` fits)."""

    def embed(self, audio: Audio) -> np.ndarray: ...


@dataclass(frozen=True, slots=True, eq=False)
class KnownVoice:
    """One enrolled person: a display name and a unit-length voice embedding."""

    name: str
    embedding: np.ndarray


@dataclass(frozen=True, slots=True)
class KnownVoices:
    """Enrolled voices and the cosine similarity a speaker needs to be named after one."""

    voices: tuple[KnownVoice, ...] = ()
    threshold: float = 0.6
    sources: tuple[Path, ...] = field(default=(), compare=False)

    @classmethod
    def enrol(
        cls,
        directory: Path | str,
        embedder: VoiceEmbedder,
        *,
        threshold: float = 0.6,
        loader: Callable[[Path], Audio] | None = None,
    ) -> KnownVoices:
        """Embed every clip of a voices folder.

        Args:
            directory: the voices folder (see module doc).
            embedder: computes embeddings with the diarization model.
            threshold: minimum cosine similarity for a match.
            loader: decodes a clip; defaults to :func:`pipeline.audio.load_audio`.

        Raises:
            ConfigError: the folder is missing or holds no audio clip.
        """
        directory = Path(directory).expanduser()
        if not directory.is_dir():
            raise ConfigError(f"{directory}: voices folder not found (one clip per person, e.g. 'Marie Dupont.wav')")
        if loader is None:
            from pipeline.audio import load_audio

            loader = load_audio
        clips = voice_clips(directory)
        if not clips:
            raise ConfigError(f"{directory}: no audio clip found (expected e.g. 'Marie Dupont.wav')")
        voices = []
        for name, paths in clips.items():
            vectors = [_unit(embedder.embed(loader(p))) for p in paths]
            voices.append(KnownVoice(name, _unit(np.mean(vectors, axis=0))))
            logger.info("Enrolled voice %r from %d clip(s)", name, len(paths))
        sources = tuple(p for paths in clips.values() for p in paths)
        return cls(tuple(voices), threshold, sources)

    def identify(self, speakers: Mapping[str, np.ndarray]) -> dict[str, str]:
        """Match speakers to enrolled voices, one person per speaker at most.

        Args:
            speakers: raw speaker label -> voice embedding (same model as the enrolment).

        Returns:
            raw speaker label -> person name, for matches at or above the threshold only.
        """
        labels = [k for k, v in speakers.items() if np.all(np.isfinite(v))]
        if not labels or not self.voices:
            return {}
        from scipy.optimize import linear_sum_assignment

        scores = self.similarities({k: speakers[k] for k in labels})
        rows, cols = linear_sum_assignment(scores, maximize=True)
        names = {}
        for r, c in zip(rows, cols, strict=True):
            logger.debug("Speaker %s vs %s: cosine %.3f", labels[r], self.voices[c].name, scores[r, c])
            if scores[r, c] >= self.threshold:
                names[labels[r]] = self.voices[c].name
        return names

    def similarities(self, speakers: Mapping[str, np.ndarray]) -> np.ndarray:
        """(speakers, voices) cosine similarities, rows in the mapping's order."""
        a = np.stack([_unit(v) for v in speakers.values()])
        b = np.stack([v.embedding for v in self.voices])
        return a @ b.T


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    return v / max(float(np.linalg.norm(v)), 1e-12)
