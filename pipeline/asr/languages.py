"""Which language each window of a long recording is decoded in.

The first window with speech sets the meeting's language. A meeting can switch language (an
international client's French half after an English one): decoding French audio as English makes
Whisper translate it (WER about 0.9). So each later window's own language is detected, and the
window is decoded in it when Whisper is sure; an unsure detection keeps the meeting's language,
because a window decoded in a wrong language is worse than a foreign phrase decoded in the
meeting's one.
"""

from __future__ import annotations

# A window is decoded in another language than the meeting's when Whisper gives that language at
# least this probability: a majority, not a mere plurality. Sweep (docs/benchmarks.md,
# bench/language_eval.py): over 116 pieces of 19 shared clips (or halves), clean and in noise, Whisper never
# named a wrong language first; the French and German pieces all scored >= 0.958, English ones as
# little as 0.35 in noise, so every step up from 0.5 only missed more switches (6 -> 22 of 116 at 0.8).
SWITCH_PROBABILITY = 0.5
# Seconds of a window's start handed to language detection; faster-whisper detects on the first
# 30 s of speech in it, which a minute of meeting nearly always holds.
DETECTION_S = 60.0


def window_language(meeting: str, detected: str, probability: float) -> str:
    """The language to decode one window in.

    Args:
        meeting: The meeting's language (from its first window with speech).
        detected: The language Whisper detects in this window.
        probability: Whisper's probability of `detected`.
    """
    return detected if detected != meeting and probability >= SWITCH_PROBABILITY else meeting
