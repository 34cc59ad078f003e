"""Topic titles: the agenda item announced, else the topic's most distinctive noun phrase.

A title is a noun phrase a secretary would write ("Réforme des retraites", "Remote control"), not a
bag of keywords. Without a parser, a noun phrase is what follows a determiner — content words,
optionally joined by "de"/"of" — said at least twice in the topic and weighted by how distinctive
its words are of this topic. Only when no phrase qualifies are the top keywords listed.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.summarize.lexicon import Lexicon
from pipeline.summarize.sentences import Sentence, content_terms, tokens

_TITLE_TERMS = 3
_TITLE_WORDS = 7


# A noun phrase as a title: what follows a determiner — up to three content words, then optionally
# "de/of" and one or two more ("la réforme des retraites", "the remote control", "le pouvoir d'achat").
_DETERMINERS = (
    r"(?:(?:le|la|les|un|une|des|du|au|aux|ce|cet|cette|ces|notre|nos|votre|vos|leur|leurs|son|sa|ses"
    r"|the|a|an|our|your|their|this|these|that|those)\s+|l')"
)
_LINK = r"(?:de la|de l'|de|d'|du|des|à la|au|aux|of the|of|for the|for)"
_WORD = r"[^\W\d_][\w'-]*"
_PHRASE = re.compile(
    rf"(?<![\w'-]){_DETERMINERS}(?P<np>{_WORD}(?:\s+{_WORD}){{0,2}}(?:\s+{_LINK}\s*{_WORD}(?:\s+{_WORD})?)?)",
    re.IGNORECASE,
)
_LINK_WORDS = frozenset("de la l' d' du des à au aux of the for".split())


def _phrases(text: str, lexicon: Lexicon) -> list[list[str]]:
    """Noun-phrase candidates of a sentence, as word lists cut at the first function word."""
    found = []
    for match in _PHRASE.finditer(text):
        if match.start() > 0 and match.group()[0].isupper():  # "Marine Le Pen": a name, not a determiner
            continue
        words: list[str] = []
        for word in match.group("np").split():
            low = word.lower()
            if low in _LINK_WORDS or (low.endswith("'") and low in {"d'", "l'"}):
                words.append(word)
                continue
            stem = low.split("'", 1)[-1]
            if len(stem) < 3 or stem in lexicon.stopwords:
                break
            words.append(word)
        while words and (words[-1].lower() in _LINK_WORDS or words[-1].endswith("'")):
            words.pop()
        if words and words[0].lower() not in _LINK_WORDS:
            found.append(words)
    return found


def noun_phrase_title(part: tuple[Sentence, ...], weights: dict[str, float], lexicon: Lexicon) -> str | None:
    """The topic's most distinctive noun phrase, said at least twice, capitalised; None if there is none."""
    counts: Counter[str] = Counter()
    forms: dict[str, str] = {}
    for sentence in part:
        for words in _phrases(sentence.text, lexicon):
            key = " ".join(words).lower()
            counts[key] += 1
            forms.setdefault(key, " ".join(words))

    def score(key: str) -> float:
        terms = content_terms(key, lexicon)
        return counts[key] * sum(weights.get(t, 0.0) for t in terms) / (1 + 0.25 * len(key.split()))

    ranked = sorted((k for k in counts if counts[k] >= 2 and content_terms(k, lexicon)), key=lambda k: (-score(k), k))
    if not ranked:
        return None
    title = forms[ranked[0]]
    return title[:1].upper() + title[1:]


def surface_forms(sentences: tuple[Sentence, ...], lexicon: Lexicon) -> dict[str, str]:
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


def announced_title(part: tuple[Sentence, ...], lexicon: Lexicon) -> str | None:
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


# Capitalised words inside a sentence, joined ("New Jersey", "Parlement européen" -> "Parlement").
_PROPER = re.compile(r"(?<=[\w,;] )[A-ZÀ-Ý][\w'-]+(?: [A-ZÀ-Ý][\w'-]+)*")


def proper_name_title(part: tuple[Sentence, ...]) -> str | None:
    """The place, body or person the topic names most (twice at least), or None."""
    counts = Counter(m.group() for s in part for m in _PROPER.finditer(s.text) if len(m.group()) > 2)
    ranked = sorted((n for n, c in counts.items() if c >= 2), key=lambda n: (-counts[n], -len(n), n))
    return ranked[0] if ranked else None


def title_of(part: tuple[Sentence, ...], weights: dict[str, float], forms: dict[str, str], lexicon: Lexicon) -> str:
    """The topic's title: announced, else a noun phrase, else a name it keeps citing, else its top keywords."""
    announced = announced_title(part, lexicon) or noun_phrase_title(part, weights, lexicon) or proper_name_title(part)
    if announced:
        return announced
    top = sorted(weights, key=lambda t: (-weights[t], t))[:_TITLE_TERMS]
    keywords = ", ".join(forms.get(t, t) for t in top)
    return keywords[:1].upper() + keywords[1:]
