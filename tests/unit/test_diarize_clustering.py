"""The clustering core and voice matching on synthetic embeddings (numpy only, no model)."""

from __future__ import annotations

import numpy as np

from pipeline.diarize.clustering import (
    absorb_small_clusters,
    assign_constrained,
    cluster_embeddings,
    merge_close_clusters,
    spread_subset,
)
from pipeline.diarize.voices import KnownVoice, KnownVoices


def _speakers(counts: list[int], spread: float = 0.35, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(counts), 192))
    x = np.concatenate([c + spread * rng.normal(size=(n, 192)) * np.linalg.norm(c) / np.sqrt(192)
                        for c, n in zip(centres, counts, strict=True)])  # fmt: skip
    return x, np.repeat(np.arange(len(counts)), counts)


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return len(set(zip(a.tolist(), b.tolist(), strict=True))) == len(set(a.tolist())) == len(set(b.tolist()))


def test_finds_the_number_of_speakers_without_being_told() -> None:
    for counts in ([40, 25], [30, 20, 15], [50], [12, 40, 8, 20]):
        x, truth = _speakers(counts)
        assert _same_partition(cluster_embeddings(x), truth), counts


def test_forced_counts_are_exact() -> None:
    x, _ = _speakers([30, 30, 30])
    assert len(set(cluster_embeddings(x, num_clusters=2))) == 2
    assert len(set(cluster_embeddings(x, num_clusters=5))) == 5
    assert len(set(cluster_embeddings(x, min_clusters=4, max_clusters=6))) >= 4


def test_tiny_inputs() -> None:
    x, _ = _speakers([1, 1])
    assert len(set(cluster_embeddings(x))) == 2  # two unrelated voices stay apart
    assert cluster_embeddings(x[:1]).tolist() == [0]
    assert len(set(cluster_embeddings(x, num_clusters=1))) == 1


def test_merge_and_absorb() -> None:
    x, truth = _speakers([20, 20])
    split = truth.copy()
    split[:10] = 2  # speaker 0 cut in two
    assert _same_partition(merge_close_clusters(x, split, 0.6), truth)
    noisy = truth.copy()
    noisy[0] = 7
    assert _same_partition(absorb_small_clusters(x, noisy, 3), truth)


def test_constrained_assignment_keeps_local_speakers_apart() -> None:
    scores = np.array([[[0.9, 0.2], [0.8, 0.3]], [[0.1, 0.7], [0.0, 0.0]]])
    active = np.array([[True, True], [True, False]])
    assert assign_constrained(scores, active).tolist() == [[0, 1], [1, -2]]


def test_spread_subset_is_bounded_and_even() -> None:
    assert spread_subset(5, 10).tolist() == [0, 1, 2, 3, 4]
    picked = spread_subset(10_000, 100)
    assert len(picked) == 100 and picked[0] == 0 and picked[-1] == 9_999


def test_known_voices_match_one_to_one_above_threshold() -> None:
    rng = np.random.default_rng(1)
    marie, paul, other = (v / np.linalg.norm(v) for v in rng.normal(size=(3, 192)))
    voices = KnownVoices((KnownVoice("Marie", marie), KnownVoice("Paul", paul)), threshold=0.6)
    noisy = lambda v: v + 0.3 * rng.normal(size=192) / np.sqrt(192)  # noqa: E731
    names = voices.identify({"SPEAKER_00": noisy(paul), "SPEAKER_01": other, "SPEAKER_02": noisy(marie)})
    assert names == {"SPEAKER_00": "Paul", "SPEAKER_02": "Marie"}
    assert voices.identify({}) == {}
    assert voices.identify({"SPEAKER_00": np.full(192, np.nan)}) == {}


def test_a_cluster_under_a_second_of_speech_joins_its_closest_speaker_whatever_its_pieces() -> None:
    x, truth = _speakers([20, 20, 4])
    short = np.where(truth == 2, 0.2, 0.5)  # the third voice: 4 pieces, 0.8 s in all (a cough, a laugh)
    kept = np.where(truth == 2, 0.5, 0.5)  # the same pieces holding 2 s of speech: a speaker
    absorbed = absorb_small_clusters(x, truth, 3, speech=short, min_seconds=1.0)
    assert len(set(absorbed.tolist())) == 2
    assert _same_partition(absorbed[truth != 2], truth[truth != 2])
    assert _same_partition(absorb_small_clusters(x, truth, 3, speech=kept, min_seconds=1.0), truth)
