"""Which sentences carry a meeting: centrality and coverage, not position.

Each sentence is a TF-IDF vector of its content-word stems (IDF over the meeting's own sentences,
so words every sentence uses weigh little). A sentence is central when it is close to the
meeting's centroid — it speaks of what the meeting speaks of most. Sentences are then taken by
maximal marginal relevance: central, and unlike those already taken, so the selection covers the
meeting's subjects instead of repeating its main one. Short interjections and over-long run-ons
are not candidates; questions are left to the open-questions cues.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

Vector = dict[str, float]

# Fewer words is an interjection ("je suis d'accord avec vous"), more a run-on no reader wants quoted.
MIN_WORDS = 8
MAX_WORDS = 45
# Weight of centrality against redundancy in MMR; 0.7 = mostly central, clearly penalising repeats.
_RELEVANCE = 0.7
# A sentence this close to one already chosen says the same thing again: never chosen.
_DUPLICATE = 0.8
# MMR looks only at this many best-ranked candidates at each step: the rest would never win.
_POOL = 200


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may be selected: its position, readable text and content terms."""

    index: int
    text: str
    terms: tuple[str, ...]


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(x * b.get(t, 0.0) for t, x in a.items())
    if not dot:
        return 0.0
    return dot / (math.sqrt(sum(x * x for x in a.values())) * math.sqrt(sum(x * x for x in b.values())))


def tfidf(bags: Sequence[Sequence[str]]) -> list[Vector]:
    """TF-IDF vectors of term bags, the IDF taken over these bags (smoothed)."""
    df = Counter(t for bag in bags for t in set(bag))
    n = len(bags)
    idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
    return [{t: c * idf[t] for t, c in Counter(bag).items()} for bag in bags]


def centroid(vectors: Sequence[Vector]) -> Vector:
    """The sum of the vectors (its direction is all cosine needs)."""
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    return dict(total)


def select(
    candidates: Sequence[Candidate],
    context: Sequence[Sequence[str]],
    budget_words: int,
    limit: int | None = None,
) -> list[Candidate]:
    """The most central, least redundant candidates within a word budget, in spoken order.

    Args:
        candidates: Sentences that may be chosen.
        context: Term bags of every sentence of the stretch summarised (the IDF and the centroid).
        budget_words: Stop once the chosen sentences hold this many words.
        limit: Most sentences chosen, if any.

    Returns:
        The chosen candidates, sorted by position.
    """
    if not candidates:
        return []
    vectors = tfidf([*context, *(c.terms for c in candidates)])
    middle = centroid(vectors[: len(context)])
    own = vectors[len(context) :]
    relevance = [_cosine(v, middle) for v in own]
    pool = sorted(range(len(candidates)), key=lambda i: (-relevance[i], i))
    chosen: list[int] = []
    words = 0
    while pool and words < budget_words and (limit is None or len(chosen) < limit):
        redundancy = {i: max((_cosine(own[i], own[j]) for j in chosen), default=0.0) for i in pool[:_POOL]}
        best = max(redundancy, key=lambda i: _RELEVANCE * relevance[i] - (1 - _RELEVANCE) * redundancy[i])
        pool.remove(best)
        if relevance[best] <= 0:
            break
        if redundancy[best] > _DUPLICATE:
            continue
        chosen.append(best)
        words += len(candidates[best].text.split())
    return sorted((candidates[i] for i in chosen), key=lambda c: c.index)
