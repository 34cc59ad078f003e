"""How many speakers a recording holds at least, and how sure a cluster's centroid is (pure numpy).

The segmentation model sees up to three local speakers per 10 s chunk. A chunk where it hears k of
them, each for long enough, is evidence of k different voices: embedding clustering, which compares
voices across the whole recording, must not find fewer (far-field or similar voices otherwise
collapse into one). One chunk is not enough: the model sometimes splits one voice for a moment.

A cluster's centroid averages its pieces' embeddings: with few pieces it is noisy, and two
clusters of one voice look less alike than they are. The merge threshold therefore relaxes for a
pair whose smaller cluster holds little speech (:func:`merge_threshold`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class CountFloor:
    """When local speakers count: each active for `min_speech` seconds of one chunk, in `min_chunks` chunks."""

    min_speech: float = 2.0
    min_chunks: int = 2


DEFAULT_COUNT_FLOOR = CountFloor()


def local_speaker_floor(segmentations: np.ndarray, frame_step: float, rule: CountFloor) -> int:
    """The largest k such that `rule.min_chunks` chunks each hold k local speakers with enough speech.

    Args:
        segmentations: (chunks, frames, local speakers) binary activity (NaN counts as silent).
        frame_step: seconds per frame.
        rule: how much speech makes a local speaker, and in how many chunks.

    Returns:
        0 for silence, else at least 1.
    """
    if segmentations.size == 0:
        return 0
    speech = np.nan_to_num(segmentations, nan=0.0).sum(axis=1) * frame_step  # (chunks, speakers) seconds
    per_chunk = (speech >= rule.min_speech).sum(axis=1)
    if not np.any(speech > 0):
        return 0
    # k-th largest per-chunk count, k = min_chunks (fewer chunks than that: the smallest).
    ranked = np.sort(per_chunk)[::-1]
    return max(1, int(ranked[min(rule.min_chunks, len(ranked)) - 1]))


def merge_threshold(base: float, relax: float, speech: np.ndarray, reference: float) -> np.ndarray:
    """Pairwise cosine merge thresholds: `base`, lowered by up to `relax` when the smaller of two
    clusters holds less than `reference` seconds of speech.

    Args:
        base: threshold for two well-backed clusters.
        relax: how much lower it is for a cluster with no speech at all (linear in between).
        speech: (clusters,) seconds of speech behind each cluster.
        reference: seconds of speech from which a centroid counts as settled.

    Returns:
        (clusters, clusters) thresholds.
    """
    smaller = np.minimum.outer(speech, speech)
    shortfall = np.clip(1.0 - smaller / max(reference, 1e-9), 0.0, 1.0)
    return base - relax * shortfall


def bounded_minimum(floor: int, min_speakers: int, max_speakers: float) -> int:
    """The lower bound clustering gets: the evidence's `floor` raises the client's minimum, never above
    the client's maximum (a client's hint wins over the model's evidence)."""
    return int(min(max(min_speakers, floor), max_speakers))
