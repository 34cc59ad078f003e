"""Quality measures against references written by others (used by tests and benchmarks)."""

from __future__ import annotations

import re
import unicodedata

import jiwer

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def normalise_text(text: str) -> str:
    """Lower case, Unicode NFKC, punctuation turned into spaces (French elisions split alike)."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = re.sub(r"[^\w\s]|_", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def word_error_rate(reference: str | list[str], hypothesis: str | list[str]) -> float:
    """WER after normalisation; lists are scored pooled (sum of errors over sum of reference words)."""
    refs = [reference] if isinstance(reference, str) else list(reference)
    hyps = [hypothesis] if isinstance(hypothesis, str) else list(hypothesis)
    return float(jiwer.wer([normalise_text(r) for r in refs], [normalise_text(h) or "" for h in hyps]))
