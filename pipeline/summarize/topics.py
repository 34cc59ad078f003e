"""Topic segmentation and extractive key points, by lexical cohesion (TextTiling-style).

Adjacent windows of sentences are compared as bags of content-word stems; a topic boundary is
a deep valley in that similarity, and phrases that open an agenda item ("passons au",
"moving on to") deepen the valley. Key points are the sentences of a topic that carry most of
its distinctive vocabulary, chosen without near-duplicates.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from pipeline.summarize.lexicon import Lexicon
from pipeline.summarize.model import Statement, Topic
from pipeline.summarize.sentences import Sentence, content_terms, strip_fillers, tidy, tokens

_WINDOW = 4
_MIN_SENTENCES = 5
_MAX_TOPICS = 8
_TRANSITION_BONUS = 1.0
_TITLE_TERMS = 3
_TITLE_WORDS = 7
_KEY_MIN_TERMS = 4
_REDUNDANT = 0.5


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
        chosen.append(gap)
    bounds = [0, *sorted(chosen), n]
    return tuple((bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1))


def _surface_forms(sentences: tuple[Sentence, ...], lexicon: Lexicon) -> dict[str, str]:
    counts: Counter[tuple[str, str]] = Counter()
    for s in sentences:
        for tok in tokens(s.text):
            word = tok.split("'", 1)[-1]
            if len(word) >= 3 and word not in lexicon.stopwords and not word.isdigit():
                counts[(word[:6], word)] += 1
    forms: dict[str, str] = {}
    for (stem, word), _ in counts.most_common():
        forms.setdefault(stem, word)
    return forms


def _announced_title(part: tuple[Sentence, ...], lexicon: Lexicon) -> str | None:
    for sentence in part[:3]:
        for pattern in lexicon.transitions:
            match = re.search(pattern, sentence.text, re.IGNORECASE)
            if match is None:
                continue
            rest = re.split(r"[.?!;]", sentence.text[match.end() :], maxsplit=1)[0]
            words = rest.strip(" :,-").split()
            while words and words[0].lower() in lexicon.stopwords:
                words.pop(0)
            if words and "'" in words[0] and words[0].lower().split("'")[0] in lexicon.stopwords:
                words[0] = words[0].split("'", 1)[1]
            if words and len(content_terms(" ".join(words), lexicon)) >= 1 and len(words) <= _TITLE_WORDS:
                title = " ".join(words).strip(" ,:")
                return title[0].upper() + title[1:]
    return None


class TopicBuilder:
    """Turns sentence ranges into titled topics with key points.

    Args:
        lexicon: Cues of the meeting's language.
        key_points: Most key points per topic.
    """

    def __init__(self, lexicon: Lexicon, key_points: int = 4) -> None:
        self._lx = lexicon
        self._max_points = key_points

    def build(self, sentences: tuple[Sentence, ...], ranges: tuple[tuple[int, int], ...]) -> tuple[Topic, ...]:
        """Title each range and pick its key points.

        Args:
            sentences: The meeting's sentences.
            ranges: Topic ranges from :func:`segment`.

        Returns:
            One topic per range, in time order.
        """
        parts = [sentences[a:b] for a, b in ranges]
        bags = [Counter(t for s in part for t in content_terms(s.text, self._lx)) for part in parts]
        df = Counter(t for bag in bags for t in bag)
        forms = _surface_forms(sentences, self._lx)
        topics = []
        for part, bag in zip(parts, bags, strict=True):
            weights = {t: c * math.log(1 + len(parts) / df[t]) for t, c in bag.items()}
            top = sorted(weights, key=lambda t: (-weights[t], t))[:_TITLE_TERMS]
            keywords = ", ".join(forms.get(t, t) for t in top)
            title = _announced_title(part, self._lx) or (keywords[:1].upper() + keywords[1:])
            topics.append(Topic(title, part[0].start, part[-1].end, self._key_points(part, weights)))
        return tuple(topics)

    def _key_points(self, part: tuple[Sentence, ...], weights: dict[str, float]) -> tuple[Statement, ...]:
        scored = []
        for sentence in part:
            if sentence.text.rstrip().endswith("?"):
                continue
            terms = set(content_terms(sentence.text, self._lx))
            if len(terms) < _KEY_MIN_TERMS:
                continue
            score = sum(weights.get(t, 0.0) for t in terms) / math.sqrt(len(terms))
            scored.append((score, sentence, terms))
        scored.sort(key=lambda x: (-x[0], x[1].index))
        limit = max(1, min(self._max_points, len(part) // 4))
        chosen: list[tuple[Sentence, set[str]]] = []
        for _, sentence, terms in scored:
            if len(chosen) >= limit:
                break
            if any(len(terms & other) / len(terms | other) > _REDUNDANT for _, other in chosen):
                continue
            chosen.append((sentence, terms))
        chosen.sort(key=lambda x: x[0].index)
        return tuple(Statement(tidy(strip_fillers(s.text, self._lx)), s.start, s.end, s.speaker) for s, _ in chosen)
