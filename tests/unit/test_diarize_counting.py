"""The counting rules on synthetic segmentations and embeddings (numpy only, no model)."""

from __future__ import annotations

import numpy as np

from pipeline.diarize.clustering import absorb_small_clusters, merge_close_clusters
from pipeline.diarize.counting import CountFloor, bounded_minimum, local_speaker_floor, merge_threshold

FRAME = 10.0 / 589  # segmentation-3.0's frame step


def _chunks(*speech: tuple[float, ...]) -> np.ndarray:
    """One 10 s chunk per argument: the seconds each of its three local speakers is active."""
    data = np.zeros((len(speech), 589, 3))
    for c, seconds in enumerate(speech):
        for k, s in enumerate(seconds):
            data[c, : int(round(s / FRAME)), k] = 1.0
    return data


def test_floor_needs_enough_speech_in_enough_chunks() -> None:
    rule = CountFloor(min_speech=2.0, min_chunks=2)
    assert local_speaker_floor(_chunks((4, 3, 2.5), (4, 3, 2.5), (8, 0, 0)), FRAME, rule) == 3
    # One chunk with three voices is not enough: the model sometimes splits one voice for a moment.
    assert local_speaker_floor(_chunks((4, 3, 2.5), (4, 3, 0), (8, 0, 0)), FRAME, rule) == 2
    # Short blips of a second local speaker do not count.
    assert local_speaker_floor(_chunks((6, 0.5, 0), (6, 1.0, 0), (6, 0, 0)), FRAME, rule) == 1
    assert local_speaker_floor(_chunks((4, 3, 0)), FRAME, rule) == 2  # fewer chunks than min_chunks
    assert local_speaker_floor(_chunks((0, 0, 0), (0, 0, 0)), FRAME, rule) == 0
    with_nan = _chunks((4, 3, 0), (4, 3, 0))
    with_nan[0, -5:, 2] = np.nan
    assert local_speaker_floor(with_nan, FRAME, rule) == 2


def test_client_hints_win_over_the_floor() -> None:
    assert bounded_minimum(3, 1, np.inf) == 3
    assert bounded_minimum(3, 5, np.inf) == 5  # the client's minimum above the evidence
    assert bounded_minimum(3, 1, 2) == 2  # the client's maximum below it
    assert bounded_minimum(0, 1, np.inf) == 1


def test_merge_threshold_relaxes_with_the_smaller_clusters_speech() -> None:
    t = merge_threshold(0.7, 0.1, np.array([60.0, 45.0, 15.0, 0.0]), 30.0)
    assert t[0, 1] == 0.7  # both settled
    assert np.isclose(t[0, 2], 0.65) and np.isclose(t[1, 2], 0.65)  # half the settled speech
    assert np.isclose(t[0, 3], 0.6)
    assert np.allclose(t, t.T)


def _pair(similarity: float, sizes: tuple[int, int], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two tight clusters whose centroids have the given cosine similarity."""
    rng = np.random.default_rng(seed)
    a, b = np.linalg.qr(rng.normal(size=(192, 2)))[0].T
    centres = [a, similarity * a + np.sqrt(1 - similarity**2) * b]
    x = np.concatenate([c + 0.01 * rng.normal(size=(n, 192)) for c, n in zip(centres, sizes, strict=True)])
    return x, np.repeat([0, 1], sizes)


def test_a_short_cluster_merges_where_a_settled_one_would_not() -> None:
    x, labels = _pair(0.66, (60, 60))
    settled = np.ones(len(x))  # 60 s behind each cluster
    short = np.where(labels == 1, 0.1, 1.0)  # 6 s behind the second
    assert len(set(merge_close_clusters(x, labels, 0.7, speech=settled, relax=0.1, settled=30.0))) == 2
    assert len(set(merge_close_clusters(x, labels, 0.7, speech=short, relax=0.1, settled=30.0))) == 1
    assert len(set(merge_close_clusters(x, labels, 0.7))) == 2  # fixed threshold: as before


def test_min_speech_share_grows_with_the_recording() -> None:
    x, labels = _pair(0.0, (200, 10))
    speech = np.ones(len(x))  # the second cluster: 10 s of 210 s, under 5 %
    assert len(set(absorb_small_clusters(x, labels, 3, speech=speech, min_share=0.05))) == 1
    assert len(set(absorb_small_clusters(x, labels, 3, speech=speech, min_share=0.02))) == 2
    assert len(set(absorb_small_clusters(x, labels, 3, speech=speech, min_share=0.05, min_clusters=2))) == 2
