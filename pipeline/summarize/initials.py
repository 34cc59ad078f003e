"""Speakers labelled by their initials get the full name the meeting itself says.

Transcripts typed by people often label speakers "CA", "JB": minutes need "Clémentine Autain".
When a label is initials and a capitalised name with exactly those initials is spoken in the
meeting ("Clémentine Autain, est-ce que…"), that name replaces the label. The name is taken
only from what was said, never guessed; a label with no such name, or with two different
candidates equally often, stays as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from pipeline.types import SpeakerTranscript

_INITIALS = re.compile(r"[A-ZÀ-Ý]{2,4}")
_CAP = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?"
# Two or three capitalised words, with an optional particle before the last ("Marine Le Pen", "Jean de La Fontaine").
_FULL_NAME = re.compile(rf"\b{_CAP}(?:\s+(?:de\s+|d'|du\s+|von\s+|van\s+)?{_CAP}){{1,2}}\b")


def initials_of(name: str) -> str:
    """ "Jean-Luc Mélenchon" -> "JLM": the capitals that start each word or hyphenated part."""
    return "".join(part[0] for part in re.split(r"[\s-]+", name) if part[:1].isupper())


def expand_initials(st: SpeakerTranscript) -> SpeakerTranscript:
    """The transcript with speakers' initials replaced by the full names spoken in it.

    Args:
        st: A transcript whose display names may be initials.

    Returns:
        The same transcript, with ``speaker_names`` expanded where the meeting names the person.
    """
    labels = {raw: name for raw, name in st.speaker_names if _INITIALS.fullmatch(name)}
    if not labels:
        return st
    spoken = Counter(m.group() for u in st.utterances for m in _FULL_NAME.finditer(u.text))
    taken = {name for _, name in st.speaker_names}
    expanded = dict(st.speaker_names)
    for raw, label in labels.items():
        found = [(n, c) for n, c in spoken.most_common() if initials_of(n) == label and n not in taken]
        if not found or (len(found) > 1 and found[0][1] == found[1][1]):
            continue
        expanded[raw] = found[0][0]
        taken.add(found[0][0])
    return replace(st, speaker_names=tuple(expanded.items()))
