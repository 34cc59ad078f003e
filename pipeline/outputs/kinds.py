"""Document types: which minutes a client receives, by a stable id, and how a person may name them.

- ``detailed``: compte rendu détaillé (summary, participants, decisions, actions, topics, open
  questions, transcript);
- ``decisions``: relevé de décisions (a short header, the decisions and the actions only);
- ``formal``: procès-verbal (present, agenda, the proceedings in order, closing formula, signatures);
- ``call_note``: note d'appel (caller, subject, request, callback number and time).
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.errors import DocumentError

DETAILED = "detailed"
DECISIONS = "decisions"
FORMAL = "formal"
CALL_NOTE = "call_note"
DOCUMENT_TYPES: tuple[str, ...] = (DETAILED, DECISIONS, FORMAL, CALL_NOTE)

# What people write for each type, in French and English, compared without accents, case or punctuation.
_ALIASES: dict[str, str] = {
    "detailed": DETAILED,
    "detail": DETAILED,
    "detailed minutes": DETAILED,
    "minutes": DETAILED,
    "compte rendu": DETAILED,
    "compte rendu detaille": DETAILED,
    "cr": DETAILED,
    "decisions": DECISIONS,
    "decision": DECISIONS,
    "record of decisions": DECISIONS,
    "releve": DECISIONS,
    "releve de decisions": DECISIONS,
    "releve des decisions": DECISIONS,
    "formal": FORMAL,
    "formal minutes": FORMAL,
    "proces verbal": FORMAL,
    "pv": FORMAL,
    "call note": CALL_NOTE,
    "call": CALL_NOTE,
    "phone message": CALL_NOTE,
    "note d appel": CALL_NOTE,
    "note dappel": CALL_NOTE,
    "appel": CALL_NOTE,
}


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def parse_document_type(value: str) -> str:
    """The document type id of `value`: an id ("call_note") or a French or English name ("relevé de décisions").

    Raises:
        DocumentError: `value` names no document type; the message lists the ids.
    """
    found = _ALIASES.get(_key(value))
    if found is None:
        raise DocumentError(
            f"unknown document type {value!r}: use one of {', '.join(DOCUMENT_TYPES)}"
            " (or compte rendu, relevé de décisions, procès-verbal, note d'appel)"
        )
    return found
