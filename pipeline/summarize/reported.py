"""Reported speech: a speaker's sentence as minutes state it, in the third person, attributed.

"Je pense que le budget suffit." said by Marie Dupont becomes "Marie Dupont pense que le budget
suffit."; "C'était important d'y aller." becomes "Marie Dupont explique que c'était important d'y
aller.". Only the sentence's opening is rewritten (the subject pronoun and its verb, from a short
table of conjugations per language); when first-person words remain further in ("mon projet"),
a rewrite would need grammar this module does not have, so the sentence is quoted verbatim
instead ("Marie Dupont : « … »"). Either way every word after the opening is the speaker's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reporting:
    """How one language reports speech.

    Attributes:
        says: The verb that introduces a statement ("explique que").
        adds: The verb for the same speaker's next statement ("ajoute que").
        quote: How a verbatim quote is attributed, with {name} and {text}.
        subject: The first-person subject at a sentence's start, its verb captured as ``verb``.
        first_person: First-person words which, left in the sentence, force a quote.
        third_person: Conjugates the captured first-person verb in the third person singular.
        elide: Makes "que" + vowel the language's elision ("qu'il"), or leaves the text alone.
    """

    says: str
    adds: str
    quote: str
    subject: re.Pattern[str]
    first_person: re.Pattern[str]
    third_person: Callable[[str], str]
    elide: Callable[[str], str]


_FR_IRREGULAR = {
    "suis": "est",
    "ai": "a",
    "vais": "va",
    "peux": "peut",
    "veux": "veut",
    "dois": "doit",
    "sais": "sait",
    "fais": "fait",
    "vaux": "vaut",
}
# -dre verbs drop the -s ("je prends" -> "il prend"); other -s verbs take -t ("je crois" -> "il croit").
_FR_DRE = re.compile(r"(?:d|ds)$")


def _fr_third(verb: str) -> str:
    low = verb.lower()
    if low in _FR_IRREGULAR:
        return _FR_IRREGULAR[low]
    if low.endswith("e"):
        return verb
    if low.endswith("ds"):
        return verb[:-1]
    if low.endswith(("is", "ois", "ais", "ts")):
        return verb[:-1] + "t"
    return verb


def _fr_elide(text: str) -> str:
    return re.sub(r"\bque ([aeiouyéèêàâîôûh])", r"qu'\1", text, flags=re.IGNORECASE)


_EN_IRREGULAR = {"am": "is", "have": "has", "do": "does", "go": "goes", "was": "was", "'m": "is", "'ve": "has"}
_EN_MODAL = {"can", "could", "should", "would", "will", "must", "might", "may", "shall", "'ll", "'d", "did", "had"}
_EN_NEGATED = {"don't": "doesn't", "didn't": "didn't", "can't": "can't", "won't": "won't", "wouldn't": "wouldn't"}


def _en_third(verb: str) -> str:
    low = verb.lower()
    if low in _EN_IRREGULAR:
        return _EN_IRREGULAR[low]
    if low in _EN_NEGATED:
        return _EN_NEGATED[low]
    if low in _EN_MODAL:
        return {"'ll": "will", "'d": "would"}.get(low, low)
    if re.search(r"(?:s|sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


FRENCH = Reporting(
    says="explique que",
    adds="ajoute que",
    quote="{name} : « {text} »",
    # "je pense", "j'ai", "je ne pense", "je me demande", "moi je crois".
    subject=re.compile(
        r"^(?:moi,?\s+)?(?:je\s+|j')(?P<neg>ne\s+|n')?(?P<refl>me\s+|m')?(?P<verb>[^\W\d_]+)\b",
        re.IGNORECASE,
    ),
    first_person=re.compile(r"\b(?:je|j'|moi|me|m'|mon|ma|mes|moi-même)(?=\W|$)", re.IGNORECASE),
    third_person=_fr_third,
    elide=_fr_elide,
)
ENGLISH = Reporting(
    says="says that",
    adds="adds that",
    quote="{name}: “{text}”",
    subject=re.compile(r"^(?:I\s+|I(?='))(?P<neg>)(?P<refl>)(?P<verb>'?(?:[^\W\d_]+?n't|[^\W\d_]+))", re.IGNORECASE),
    first_person=re.compile(r"\b(?:I|me|my|mine|myself)\b|\bI'", re.IGNORECASE),
    third_person=_en_third,
    elide=lambda text: text,
)
_BY_LANGUAGE = {"fr": FRENCH, "en": ENGLISH}


def reporting_for(language: str) -> Reporting:
    """The language's reporting rules (English for a language without its own)."""
    return _BY_LANGUAGE.get(language, ENGLISH)


# Object pronouns between the subject and its verb ("je vous ai dit"): the verb is further on, left unshifted.
_OBJECT_PRONOUNS = frozenset("vous te le la les lui leur y en nous l'".split())
_DETERMINERS = frozenset("le la les un une des ce cette ces the a an this these".split())


def _shift(text: str, rules: Reporting) -> str | None:
    """The sentence with its first-person opening in the third person, minus the subject; None if none."""
    match = rules.subject.match(text)
    if match is None or match.group("verb").lower() in _OBJECT_PRONOUNS:
        return None
    neg, refl = match.group("neg") or "", match.group("refl") or ""
    if refl and rules is FRENCH:
        refl = "s'" if refl.lower().startswith("m'") else "se "
    if neg and rules is FRENCH:
        neg = "n'" if neg.lower().startswith("n'") else "ne "
    return f"{neg}{refl}{rules.third_person(match.group('verb'))}{text[match.end() :]}"


def report(text: str, speaker: str, rules: Reporting, same_speaker: bool = False) -> str:
    """One readable sentence of the speaker, reported in the third person.

    Args:
        text: The cleaned sentence (capitalised, ended).
        speaker: The speaker's display name.
        rules: The language's reporting rules.
        same_speaker: The previous reported sentence was this speaker's ("ajoute que").

    Returns:
        "Name <verb> …", "Name explique que …" or "Name : « … »".
    """
    shifted = _shift(text, rules)
    if shifted is not None and not rules.first_person.search(shifted):
        return f"{speaker} {shifted}"
    if rules.first_person.search(text):
        return rules.quote.format(name=speaker, text=text)
    verb = rules.adds if same_speaker else rules.says
    body = text[:1].lower() + text[1:] if not _starts_with_name(text) else text
    return rules.elide(f"{speaker} {verb} {body}")


def _starts_with_name(text: str) -> bool:
    """Keep the capital of a sentence that opens on an acronym ("UE") or a full name ("Emmanuel Macron")."""
    words = text.split(" ", 2)
    if words[0].lower() in _DETERMINERS:
        return False
    if len(words[0]) > 1 and words[0].isupper():
        return True
    return len(words) > 1 and all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words[:2])
