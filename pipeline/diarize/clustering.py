"""Speaker clustering without PLDA, for the bundled CAM++ embeddings.

The numerical core is plain numpy/scipy (unit-testable without models):

* :func:`spectral_labels`: spectral clustering of the cosine affinity matrix after p-pruning,
  with the number of speakers read from the largest eigengap of the graph Laplacian
  (Park et al., 2019; the recipe 3D-Speaker pairs with CAM++). No distance threshold to tune.
* :func:`merge_close_clusters`: merges clusters whose centroids are more similar than a cosine
  threshold, which also lets a one-speaker recording come out as one speaker (eigengaps cannot).
  The threshold relaxes for clusters with little speech, whose centroids are noisier.
* :func:`absorb_small_clusters`: clusters backed by too few embeddings join their closest large one.

:class:`SpeakerClustering` wraps them as a pyannote clustering sub-pipeline: it clusters a
bounded, evenly spread subset of the (chunk, speaker) embeddings (memory and time stay bounded
on long recordings: the affinity matrix is at most ``max_train`` squared) and then assigns every
embedding to the nearest centroid, never giving two speakers of one chunk the same cluster.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyannote.audio.pipelines.clustering import BaseClustering
from pyannote.core import SlidingWindowFeature
from pyannote.pipeline.parameter import Integer, Uniform
from scipy.linalg import eigh
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans

from pipeline.diarize.counting import merge_threshold

DEFAULT_PRUNING = 0.05
# Merge threshold for clusters with DEFAULT_SETTLED_SPEECH seconds of speech or more, up to
# DEFAULT_MERGE_RELAX lower for less (0.60 with none): one fixed 0.62 split the long recordings'
# speakers (60 min: DER 0.196, 0.113 with these), and 0.66-0.75 without the relaxation broke
# counts on short ones (README, "Speaker counts (issue 16)").
DEFAULT_MERGE_THRESHOLD = 0.70
DEFAULT_MIN_CLUSTER_SIZE = 3
DEFAULT_MAX_TRAIN = 2000
DEFAULT_MERGE_RELAX = 0.10
DEFAULT_SETTLED_SPEECH = 30.0
DEFAULT_MIN_SPEECH_SHARE = 0.0
# A speaker needs a second of speech to be reported: shorter pieces (0.5 s apart) otherwise turn a
# cough or a laugh into a speaker (0 s: 4 of 6 shared counts right; 1 s: 6 of 6; 2 s broke the assembled ones).
DEFAULT_MIN_CLUSTER_SPEECH = 1.0


def normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def spectral_labels(
    x: np.ndarray,
    *,
    min_clusters: int = 1,
    max_clusters: int = 20,
    num_clusters: int | None = None,
    pruning: float = DEFAULT_PRUNING,
) -> np.ndarray:
    """Spectral clustering of embeddings with p-pruned cosine affinities and eigengap counting.

    Args:
        x: (n, d) embeddings.
        min_clusters: lower bound on the number of clusters.
        max_clusters: upper bound on the number of clusters.
        num_clusters: exact number of clusters, when known.
        pruning: fraction of the strongest affinities each row keeps (at least 6 neighbours).

    Returns:
        (n,) labels in 0..k-1.
    """
    n = x.shape[0]
    if n <= 2:  # too few for a graph: one cluster each, unless fewer clusters are asked for
        return np.zeros(n, dtype=int) if num_clusters == 1 else np.arange(n)
    xn = normalize(x)
    affinity = xn @ xn.T
    keep = max(6, int(round(pruning * n)))
    if keep < n:
        # Zero all but the `keep` strongest affinities of each row, then symmetrise.
        weakest = np.argpartition(affinity, n - keep, axis=1)[:, : n - keep]
        np.put_along_axis(affinity, weakest, 0.0, axis=1)
    affinity = 0.5 * (affinity + affinity.T)
    np.fill_diagonal(affinity, 0.0)
    laplacian = np.diag(np.abs(affinity).sum(axis=1)) - affinity
    hi = min(n - 1, max_clusters)
    eigenvalues, eigenvectors = eigh(laplacian, subset_by_index=[0, hi])
    if num_clusters is None:
        lo = max(1, min_clusters)
        gaps = np.diff(eigenvalues[lo - 1 : hi + 1])
        num_clusters = int(np.argmax(gaps)) + lo if len(gaps) else lo
    num_clusters = max(1, min(num_clusters, n))
    if num_clusters == 1:
        return np.zeros(n, dtype=int)
    spectral = eigenvectors[:, :num_clusters]
    return KMeans(n_clusters=num_clusters, n_init=10, random_state=0).fit_predict(spectral)


def _centroids(x: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ids = np.unique(labels)
    return ids, normalize(np.stack([x[labels == k].mean(axis=0) for k in ids]))


def merge_close_clusters(
    x: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    min_clusters: int = 1,
    *,
    speech: np.ndarray | None = None,
    relax: float = 0.0,
    settled: float = DEFAULT_SETTLED_SPEECH,
) -> np.ndarray:
    """Repeatedly merge the two clusters whose centroids are the most similar above their threshold.

    The threshold is `threshold` for clusters with `settled` seconds of speech or more, and up to
    `relax` lower for a pair whose smaller cluster has less (`speech`: seconds behind each embedding;
    see :func:`pipeline.diarize.counting.merge_threshold`). The most similar pair above its own
    threshold merges first.
    """
    labels = labels.copy()
    xn = normalize(x)
    weights = np.ones(len(x)) if speech is None else np.asarray(speech, dtype=float)
    while True:
        ids, cents = _centroids(xn, labels)
        if len(ids) <= max(1, min_clusters):
            break
        sim = cents @ cents.T
        np.fill_diagonal(sim, -np.inf)
        if speech is None or relax == 0.0:
            limit = np.full(sim.shape, threshold)
        else:
            limit = merge_threshold(threshold, relax, np.array([weights[labels == k].sum() for k in ids]), settled)
        margin = np.where(sim >= limit, sim, -np.inf)
        if not np.isfinite(margin).any():
            break
        i, j = np.unravel_index(np.argmax(margin), margin.shape)
        labels[labels == ids[j]] = ids[i]
    return np.unique(labels, return_inverse=True)[1]


def absorb_small_clusters(
    x: np.ndarray,
    labels: np.ndarray,
    min_size: int,
    min_clusters: int = 1,
    *,
    speech: np.ndarray | None = None,
    min_share: float = 0.0,
    min_seconds: float = 0.0,
) -> np.ndarray:
    """Give the members of small clusters to the closest large cluster.

    A cluster is small with fewer than `min_size` embeddings, or (given `speech`, the seconds behind each
    embedding) less than `min_seconds` of speech or `min_share` of all the speech: the bar grows with the recording.
    """
    ids, counts = np.unique(labels, return_counts=True)
    if speech is not None and (min_share > 0.0 or min_seconds > 0.0):
        seconds = np.array([speech[labels == k].sum() for k in ids])
        enough = (seconds >= min_share * seconds.sum()) & (seconds >= min_seconds)
        counts = np.where(enough, counts, np.minimum(counts, min_size - 1))
    order = np.argsort(-counts)
    large = [ids[k] for k in order if counts[k] >= min_size]
    # Keep the biggest clusters large enough to honour `min_clusters`.
    for k in order:
        if len(large) >= min_clusters:
            break
        if ids[k] not in large:
            large.append(ids[k])
    if not large or len(large) == len(ids):
        return np.unique(labels, return_inverse=True)[1]
    xn = normalize(x)
    cents = normalize(np.stack([xn[labels == k].mean(axis=0) for k in large]))
    out = labels.copy()
    small = ~np.isin(labels, large)
    out[small] = np.asarray(large)[np.argmax(xn[small] @ cents.T, axis=1)]
    return np.unique(out, return_inverse=True)[1]


def cluster_embeddings(
    x: np.ndarray,
    *,
    min_clusters: int = 1,
    max_clusters: int = 20,
    num_clusters: int | None = None,
    pruning: float = DEFAULT_PRUNING,
    merge_threshold: float = DEFAULT_MERGE_THRESHOLD,
    min_cluster_size: int = DEFAULT_MIN_CLUSTER_SIZE,
    speech: np.ndarray | None = None,
    merge_relax: float = DEFAULT_MERGE_RELAX,
    settled_speech: float = DEFAULT_SETTLED_SPEECH,
    min_speech_share: float = DEFAULT_MIN_SPEECH_SHARE,
    min_cluster_speech: float = DEFAULT_MIN_CLUSTER_SPEECH,
) -> np.ndarray:
    """Spectral clustering, then small-cluster absorption and centroid merging (see module doc).

    `speech` (seconds behind each embedding), `merge_relax` and `settled_speech`: see :func:`merge_close_clusters`.
    """
    labels = spectral_labels(
        x, min_clusters=min_clusters, max_clusters=max_clusters, num_clusters=num_clusters, pruning=pruning
    )
    if num_clusters is not None:
        return labels
    labels = absorb_small_clusters(
        x,
        labels,
        min(min_cluster_size, max(1, len(x) // 10)),
        min_clusters,
        speech=speech,
        min_share=min_speech_share,
        min_seconds=min_cluster_speech,
    )
    return merge_close_clusters(
        x, labels, merge_threshold, min_clusters, speech=speech, relax=merge_relax, settled=settled_speech
    )


def spread_subset(n: int, limit: int) -> np.ndarray:
    """Indices of at most `limit` items evenly spread over `range(n)`."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


class SpeakerClustering(BaseClustering):
    """pyannote clustering sub-pipeline around :func:`cluster_embeddings`.

    Hyper-parameters: ``pruning``, ``merge_threshold``, ``min_cluster_size``.

    Args:
        max_train: most embeddings clustered directly; the others are assigned to centroids.
    """

    expects_num_clusters: bool = False

    def __init__(self, max_train: int = DEFAULT_MAX_TRAIN) -> None:
        super().__init__(metric="cosine", constrained_assignment=True)
        self.max_train = max_train
        self.pruning = Uniform(0.01, 0.3)
        self.merge_threshold = Uniform(0.0, 1.0)
        self.min_cluster_size = Integer(1, 20)
        self.merge_relax = Uniform(0.0, 0.5)
        self.settled_speech = Uniform(1.0, 300.0)
        self.min_speech_share = Uniform(0.0, 0.2)
        self.min_cluster_speech = Uniform(0.0, 10.0)

    @staticmethod
    def default_parameters() -> dict[str, Any]:
        return {
            "pruning": DEFAULT_PRUNING,
            "merge_threshold": DEFAULT_MERGE_THRESHOLD,
            "min_cluster_size": DEFAULT_MIN_CLUSTER_SIZE,
            "merge_relax": DEFAULT_MERGE_RELAX,
            "settled_speech": DEFAULT_SETTLED_SPEECH,
            "min_speech_share": DEFAULT_MIN_SPEECH_SHARE,
            "min_cluster_speech": DEFAULT_MIN_CLUSTER_SPEECH,
        }

    def __call__(  # type: ignore[override]  # pyannote's BaseClustering is annotated as returning one array
        self,
        embeddings: np.ndarray,
        segmentations: SlidingWindowFeature | None = None,
        num_clusters: int | None = None,
        min_clusters: int | None = None,
        max_clusters: int | None = None,
        **kwargs: Any,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        num_chunks, num_speakers, dimension = embeddings.shape
        train, chunk_idx, speaker_idx = self.filter_embeddings(embeddings, segmentations=segmentations)
        if len(train) == 0:
            # Too little clean speech to cluster: every active local speaker is one speaker.
            valid = ~np.isnan(embeddings).any(axis=2)
            train, chunk_idx, speaker_idx = embeddings[valid], *np.nonzero(valid)
        if len(train) == 0:
            hard = np.zeros((num_chunks, num_speakers), dtype=np.int8)
            return hard, np.ones((num_chunks, num_speakers, 1)), np.zeros((1, dimension))
        subset = spread_subset(len(train), self.max_train)
        speech = _speech_seconds(segmentations, chunk_idx, speaker_idx) * (len(train) / len(subset))
        train, chunk_idx, speaker_idx, speech = train[subset], chunk_idx[subset], speaker_idx[subset], speech[subset]
        num_clusters, min_clusters, max_clusters = self.set_num_clusters(
            len(train), num_clusters=num_clusters, min_clusters=min_clusters, max_clusters=max_clusters
        )
        labels = cluster_embeddings(
            train,
            min_clusters=min_clusters,
            max_clusters=max(min_clusters, min(max_clusters, 20)),
            num_clusters=num_clusters,
            pruning=self.pruning,
            merge_threshold=self.merge_threshold,
            min_cluster_size=self.min_cluster_size,
            speech=speech,
            merge_relax=self.merge_relax,
            settled_speech=self.settled_speech,
            min_speech_share=self.min_speech_share,
            min_cluster_speech=self.min_cluster_speech,
        )
        centroids = np.stack([train[labels == k].mean(axis=0) for k in range(labels.max() + 1)])
        scores = normalize(np.nan_to_num(embeddings)) @ normalize(centroids).T
        hard = assign_constrained(scores, ~np.isnan(embeddings).any(axis=2))
        return hard, scores, centroids


def _speech_seconds(segmentations: SlidingWindowFeature | None, chunks: np.ndarray, speakers: np.ndarray) -> np.ndarray:
    """Seconds of speech new to each (window, local speaker) embedding: its active frames, scaled by
    the share of the window that the next window does not cover again (windows overlap)."""
    if segmentations is None:
        return np.ones(len(chunks))
    window = segmentations.sliding_window
    active = np.nan_to_num(segmentations.data[chunks, :, speakers], nan=0.0).mean(axis=1)
    return active * min(window.step, window.duration)


def assign_constrained(scores: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Best cluster per (chunk, speaker), distinct clusters within a chunk when possible.

    Args:
        scores: (chunks, speakers, clusters) similarities.
        active: (chunks, speakers) which local speakers have an embedding.

    Returns:
        (chunks, speakers) cluster indices; -2 for inactive speakers.
    """
    num_chunks, num_speakers, num_clusters = scores.shape
    hard = np.full((num_chunks, num_speakers), -2, dtype=np.int8)
    for c in range(num_chunks):
        speakers = np.flatnonzero(active[c])
        if len(speakers) == 0:
            continue
        if len(speakers) <= num_clusters:
            rows, cols = linear_sum_assignment(scores[c, speakers], maximize=True)
            hard[c, speakers[rows]] = cols
        else:
            hard[c, speakers] = np.argmax(scores[c, speakers], axis=1)
    return hard
