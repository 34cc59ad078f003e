"""The shape of a language's cue lexicon (:class:`Lexicon`) and the pattern fragments every language shares.

The lexicons themselves are in ``lexicon_fr`` and ``lexicon_en``; ``lexicon`` picks one per language.
"""

from __future__ import annotations

from dataclasses import dataclass


def words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (stopword lists)."""
    return frozenset(text.split())


# A person's name as ASR writes it: one or two capitalised words ("Marie", "Jean-Paul Martin"), never part of a word.
NAME = r"\b[A-ZÀ-Ý][\w’-]+(?:\s[A-ZÀ-Ý][\w’-]+)?(?![\w’-])"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Cues of one language.

    Attributes:
        stopwords: Function words ignored for topic segmentation and key points.
        fillers: Spoken fillers removed from the start of a sentence ("euh", "so").
        decisions: Patterns of a decision; a ``what`` group, where the cue introduces a clause
            ("nous avons décidé de ..."), is the decision itself; otherwise the whole sentence is.
        actions: Patterns of a commitment or assignment, with ``who`` and ``what`` groups.
        requests: Patterns of a request to the listener ("can you ..."), with a ``what`` group.
        team_actions: Collective intentions ("we need to"), kept only with a due date.
        questions: Patterns of a point left open.
        transitions: Phrases that open a new agenda item.
        acceptances: Openings of a reply that accepts a request ("oui", "sure").
        self_pronouns: Words by which a speaker names themself as owner.
        due_cues: Words that introduce or open a deadline ("d'ici", "by", "next").
        end_of: Words meaning "the end of" before a month ("fin", "end").
        date_suffixes: Words that qualify a date just before them ("prochain", "morning").
        vague_objects: Objects that only point back to something said before ("it", "ça").
        numbers: Number words, which alone are quantities, not dates ("trois semaines de travail").
        irregular_futures: Future stems whose infinitive is not regular ("enverr" -> "envoyer").
    """

    stopwords: frozenset[str]
    fillers: tuple[str, ...]
    decisions: tuple[str, ...]
    actions: tuple[str, ...]
    requests: tuple[str, ...]
    team_actions: tuple[str, ...]
    questions: tuple[str, ...]
    transitions: tuple[str, ...]
    acceptances: tuple[str, ...]
    self_pronouns: frozenset[str]
    due_cues: frozenset[str]
    end_of: frozenset[str]
    date_suffixes: frozenset[str]
    vague_objects: frozenset[str]
    numbers: frozenset[str] = frozenset()
    irregular_futures: tuple[tuple[str, str], ...] = ()
