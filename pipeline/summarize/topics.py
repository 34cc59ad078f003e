"""Topic segmentation and extractive key points, by lexical cohesion (TextTiling-style).

Adjacent windows of sentences are compared as bags of content-word stems; a topic boundary is
a deep valley in that similarity, and phrases that open an agenda item ("passons au",
"moving on to") deepen the valley. Key points are the topic's most central sentences, chosen
without near-duplicates (:mod:`~pipeline.summarize.select`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from pipeline.summarize.lexicon import Lexicon
from pipeline.summarize.model import Statement, Topic
from pipeline.summarize.reported import Reporting, report
from pipeline.summarize.select import Candidate, select
from pipeline.summarize.sentences import Sentence, content_terms
from pipeline.summarize.titles import surface_forms, title_of

_WINDOW = 4
_MIN_SENTENCES = 5
_MAX_TOPICS = 8
_TRANSITION_BONUS = 1.0
KEY_POINTS = 3
MIN_TOPIC_SECONDS = 30.0


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _depths(scores: list[float]) -> list[float]:
    depths = []
    for i, score in enumerate(scores):
        left = i
        while left > 0 and scores[left - 1] >= scores[left]:
            left -= 1
        right = i
        while right < len(scores) - 1 and scores[right + 1] >= scores[right]:
            right += 1
        depths.append((scores[left] - score) + (scores[right] - score))
    return depths


def segment(sentences: tuple[Sentence, ...], lexicon: Lexicon) -> tuple[tuple[int, int], ...]:
    """Split the meeting into topics.

    Args:
        sentences: The meeting's sentences.
        lexicon: Cues of the meeting's language.

    Returns:
        Half-open ranges of sentence indices, one per topic, covering every sentence.
    """
    n = len(sentences)
    min_len = max(_MIN_SENTENCES, n // (_MAX_TOPICS * 2))
    if n < 2 * min_len:
        return ((0, n),) if n else ()
    bags = [Counter(content_terms(s.text, lexicon)) for s in sentences]
    transitions = [re.compile(p, re.IGNORECASE) for p in lexicon.transitions]
    scores = []
    for gap in range(1, n):
        left = sum((bags[i] for i in range(max(0, gap - _WINDOW), gap)), Counter())
        right = sum((bags[i] for i in range(gap, min(n, gap + _WINDOW))), Counter())
        scores.append(_cosine(left, right))
    depths = _depths(scores)
    for gap in range(1, n):
        if any(p.search(sentences[gap].text) for p in transitions):
            depths[gap - 1] += _TRANSITION_BONUS
    mean = sum(depths) / len(depths)
    spread = math.sqrt(sum((d - mean) ** 2 for d in depths) / len(depths))
    threshold = mean + spread / 2
    chosen: list[int] = []
    for gap in sorted(range(1, n), key=lambda g: (-depths[g - 1], g)):
        if depths[gap - 1] <= threshold or len(chosen) >= _MAX_TOPICS - 1:
            break
        if gap < min_len or n - gap < min_len or any(abs(gap - c) < min_len for c in chosen):
            continue
        at = sentences[gap].start
        edges = [sentences[0].start, sentences[-1].end, *(sentences[c].start for c in chosen)]
        if any(abs(at - edge) < MIN_TOPIC_SECONDS for edge in edges):
            continue  # a "topic" of a few seconds is a remark, not an agenda item
        chosen.append(gap)
    bounds = [0, *sorted(chosen), n]
    return tuple((bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1))


class TopicBuilder:
    """Turns sentence ranges into titled topics with key points.

    Key points are chosen like the summary's sentences — central to the topic, not redundant —
    among the candidates the summary did not already quote, and reported under their speaker.

    Args:
        lexicon: Cues of the meeting's language.
        rules: How the language reports speech.
        key_points: Most key points per topic.
    """

    def __init__(self, lexicon: Lexicon, rules: Reporting, key_points: int = KEY_POINTS) -> None:
        self._lx = lexicon
        self._rules = rules
        self._max_points = key_points

    def build(
        self,
        sentences: tuple[Sentence, ...],
        ranges: tuple[tuple[int, int], ...],
        pool: Sequence[Candidate] = (),
        quoted: frozenset[int] = frozenset(),
    ) -> tuple[Topic, ...]:
        """Title each range and pick its key points.

        Args:
            sentences: The meeting's sentences.
            ranges: Topic ranges from :func:`segment`.
            pool: Sentences fit to be quoted (cleaned); none gives topics without key points.
            quoted: Indices of sentences already in the summary, not repeated as key points.

        Returns:
            One topic per range, in time order; neighbours with the same title are one topic.
        """
        parts = [sentences[a:b] for a, b in ranges]
        bags = [Counter(t for s in part for t in content_terms(s.text, self._lx)) for part in parts]
        df = Counter(t for bag in bags for t in bag)
        forms = surface_forms(sentences, self._lx)
        topics: list[Topic] = []
        for (first, end), part, bag in zip(ranges, parts, bags, strict=True):
            weights = {t: c * math.log(1 + len(parts) / df[t]) for t, c in bag.items()}
            title = title_of(part, weights, forms, self._lx)
            mine = [c for c in pool if first <= c.index < end and c.index not in quoted]
            context = [content_terms(s.text, self._lx) for s in part]
            limit = max(1, min(self._max_points, len(part) // 8))
            points = self._report([sentences[c.index] for c in select(mine, context, 10**6, limit)], mine)
            if topics and topics[-1].title == title:
                previous = topics.pop()
                topics.append(Topic(title, previous.start, part[-1].end, previous.key_points + points))
            else:
                topics.append(Topic(title, part[0].start, part[-1].end, points))
        return tuple(topics)

    def _report(self, chosen: list[Sentence], pool: list[Candidate]) -> tuple[Statement, ...]:
        cleaned = {c.index: c.text for c in pool}
        return tuple(
            Statement(
                report(cleaned[s.index], s.speaker, self._rules) if s.speaker else cleaned[s.index],
                s.start,
                s.end,
                s.speaker,
            )
            for s in chosen
        )
