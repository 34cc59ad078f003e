"""What the secretaries' corrections teach the transcription: the names and terms they fixed.

Kept per approved review (``learned.json``) and gathered per client, most recent first, for the
vocabulary Whisper is given on the client's next recordings (after the client's own terms).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.asr.vocabulary import hint_terms
from service.review.files import REVIEW_ID, client_folder

logger = logging.getLogger(__name__)

# The most recent corrections first; older ones drop off rather than crowd out the client's own terms.
MAX_LEARNED_TERMS = 60
_EDGE_PUNCTUATION = ".,;:!?…\"'«»()[]"


def _term(text: str) -> str | None:
    """A corrected word worth teaching Whisper: a name, an acronym, a code (a capital or a digit in it)."""
    term = " ".join(text.split()).strip(_EDGE_PUNCTUATION)
    if len(term) < 2 or not any(c.isupper() or c.isdigit() for c in term):
        return None
    return term


def corrected_terms(edits: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The names given to speakers and the words corrected (names, acronyms) by `edits`, latest first, once each."""
    found: list[str] = []
    for edit in edits:
        op = edit.get("op")
        if op == "rename_speaker":
            found.append(str(edit.get("name", "")))
        elif op == "word" and (term := _term(str(edit.get("text", "")))):
            found.append(term)
    return hint_terms(reversed(found))


def learned_vocabulary(home: Path, client: str) -> tuple[str, ...]:
    """Names and terms the client's secretaries corrected in approved reviews, most recent first, at most 60."""
    try:
        parent = client_folder(home, client)
    except ValueError:
        return ()
    files = [p for p in parent.glob("*/learned.json") if REVIEW_ID.fullmatch(p.parent.name)] if parent.is_dir() else []
    terms: list[str] = []
    for path in sorted(files, key=lambda p: p.stat().st_mtime_ns, reverse=True):
        try:
            terms += [str(t) for t in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError) as e:
            logger.warning("%s: cannot be read (%s); its terms are left out", path, e)
    return hint_terms(terms)[:MAX_LEARNED_TERMS]
