"""Speakers as people see them: public labels, enrolled voices, and renames by people.

One public convention, mapped once: speakers are numbered 1..N by the order of their first
turn (:func:`number_speakers` makes raw ``SPEAKER_00`` the first to speak), and raw
``SPEAKER_0k`` is shown as number k+1: "Speaker 1" in English, "Intervenant 1" in French,
``Speaker_1`` in RTTM. :func:`parse_speaker_label` reads any of these back as typed by a person.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.config import DiarizeSettings
from pipeline.errors import ConfigError
from pipeline.locale import FALLBACK_LANGUAGE, locale_for, locales
from pipeline.types import Audio, Diarization, SpeakerTranscript, SpeakerTurn

logger = logging.getLogger(__name__)

# How diarizers label speakers ("SPEAKER_00"); never shown to a person.
_RAW = re.compile(r"SPEAKER_(\d+)")
# What a person may mistype from a raw label: "SPEAKER_01" (two digits or more), "speaker_01".
_RAW_TYPED = re.compile(r"SPEAKER_\d{2,}|(?i:speaker)_0\d*")
# The speaker word of every language: "Speaker 2", "speaker_2", "Intervenant2", or just "2".
_PUBLIC = re.compile(r"(?:(?:{})[\s_]*)?(\d+)".format("|".join(re.escape(loc.speaker.casefold()) for loc in locales())))


class SpeakerLabelError(ConfigError, ValueError):
    """A raw diarization label ("SPEAKER_00") was given where a person's label ("Speaker 1") is expected."""


def speaker_number(raw: str) -> int | None:
    """The public number of raw label ``SPEAKER_0k`` (k+1); None for a label of another form."""
    match = _RAW.fullmatch(raw)
    return int(match.group(1)) + 1 if match else None


def speaker_label(number: int, language: str) -> str:
    """ "Speaker 3", or "Intervenant 3" when `language` is French (the word is the locale's)."""
    return f"{locale_for(language).speaker} {number}"


def rttm_label(raw: str) -> str:
    """The public label in RTTM, whose columns cannot hold spaces: ``SPEAKER_00`` -> ``Speaker_1``.

    Labels of another form (a reference's own) are kept, whitespace made ``_``.
    """
    number = speaker_number(raw)
    if number is None:
        return "_".join(raw.split())
    return f"{locale_for('en').speaker}_{number}"


def speaker_numbers(speakers: Sequence[str]) -> dict[str, int]:
    """Public number of each speaker: k+1 for ``SPEAKER_0k``; labels of another form take the free
    numbers in the given order (so "A", "B" are 1, 2)."""
    numbers: dict[str, int] = {}
    for speaker in speakers:
        number = speaker_number(speaker)
        if number is not None and number not in numbers.values():
            numbers[speaker] = number
    free = 1
    for speaker in speakers:
        if speaker not in numbers:
            while free in numbers.values():
                free += 1
            numbers[speaker] = free
    return numbers


def is_raw_label(text: str) -> bool:
    """Whether a person typed a diarizer's raw label ("SPEAKER_00") instead of a public one."""
    return _RAW_TYPED.fullmatch(text.strip()) is not None


def label_example(number: int, name: str) -> str:
    """'"Speaker 2" = "Claire Martin" (or "Intervenant 2")': how a person names speaker `number`."""
    english = speaker_label(number, FALLBACK_LANGUAGE)
    others = " or ".join(f'"{label}"' for loc in locales() if (label := speaker_label(number, loc.code)) != english)
    return f'"{english}" = "{name}"' + (f" (or {others})" if others else "")


def raw_label_message(text: str, name: str = "Claire Martin") -> str:
    """What to tell a person who typed raw label `text`: the public label to type instead."""
    digits = re.sub(r"\D", "", text)
    number = int(digits) + 1 if digits else 1
    return (
        f"{text.strip()!r} is the diarizer's internal label; use the label the documents show, "
        f"e.g. {label_example(number, name)}"
    )


def parse_speaker_label(text: str) -> int | None:
    """The speaker number a person means: "Speaker 2", "speaker_2", "Intervenant 2", "intervenant2", "2" -> 2.

    Any case and surrounding spaces are accepted; anything else (a name, "Speaker 0", a raw
    label such as "SPEAKER_01", which means Speaker 2) gives None.
    """
    if is_raw_label(text):
        return None
    match = _PUBLIC.fullmatch(text.strip().casefold())
    if match is None:
        return None
    number = int(match.group(1))
    return number if number >= 1 else None


def public_labels(st: SpeakerTranscript, language: str | None = None) -> dict[str, str]:
    """Raw label -> public label ("Speaker 2") of every speaker of `st`, in `language` (default: `st`'s)."""
    numbers = speaker_numbers([raw for raw, _ in st.speaker_names])
    return {raw: speaker_label(number, language or st.language) for raw, number in numbers.items()}


def given_names(st: SpeakerTranscript) -> dict[str, str]:
    """Raw label -> name for the speakers named by someone (known voices, a person), not generically."""
    numbers = speaker_numbers([raw for raw, _ in st.speaker_names])
    return {raw: name for raw, name in st.speaker_names if parse_speaker_label(name) != numbers[raw]}


@functools.lru_cache(maxsize=8)
def _enrolled(directory: Path, stamp: tuple[tuple[str, float], ...], threshold: float, diarizer: Any) -> Any:
    from pipeline.diarize import KnownVoices

    return KnownVoices.enrol(directory, diarizer, threshold=threshold)


def _folder_stamp(directory: Path) -> tuple[tuple[str, float], ...]:
    """Names and modification times: a clip added or replaced re-enrols the folder."""
    return tuple(sorted((str(p), p.stat().st_mtime) for p in directory.rglob("*") if p.is_file()))


def known_voice_names(
    diarizer: Any, audio: Audio, diarization: Diarization, settings: DiarizeSettings
) -> dict[str, str]:
    """Raw speaker label -> person, for speakers whose voice matches an enrolled one; {} without a folder."""
    if settings.voices_dir is None or not diarization.turns:
        return {}
    directory = Path(settings.voices_dir).expanduser().resolve()
    voices = _enrolled(directory, _folder_stamp(directory), settings.voice_threshold, diarizer)
    names: dict[str, str] = voices.identify(diarizer.speaker_embeddings(audio, diarization))
    logger.info("Known voices recognised: %s", ", ".join(sorted(names.values())) or "none")
    return names


def number_speakers(diarization: Diarization) -> Diarization:
    """Relabel speakers by the order of their first turn: ``SPEAKER_00`` is the first to speak.

    Public labels derive from these ("SPEAKER_00" is "Speaker 1" everywhere), so the numbering
    must not depend on the order in which a model happened to cluster its speakers.

    Args:
        diarization: Turns with any labels.

    Returns:
        A new diarization whose turns and exclusive turns carry ``SPEAKER_00``, ``SPEAKER_01``, ...
    """
    first: dict[str, tuple[float, float]] = {}
    for turn in (*diarization.turns, *diarization.exclusive):
        seen = first.get(turn.speaker)
        if seen is None or (turn.start, turn.end) < seen:
            first[turn.speaker] = (turn.start, turn.end)
    order = sorted(first, key=lambda label: first[label])  # stable: ties keep the model's order
    mapping = {label: f"SPEAKER_{i:02d}" for i, label in enumerate(order)}

    def relabel(turns: tuple[SpeakerTurn, ...]) -> tuple[SpeakerTurn, ...]:
        return tuple(replace(t, speaker=mapping[t.speaker]) for t in turns)

    return replace(
        diarization,
        turns=relabel(diarization.turns),
        exclusive=relabel(diarization.exclusive),
        # A channel without a turn has no speaker to be numbered.
        channel_speakers=tuple(mapping.get(label, "") for label in diarization.channel_speakers),
    )


def rename_speakers(st: SpeakerTranscript, renames: Mapping[str, str]) -> SpeakerTranscript:
    """Rename speakers by public label, in either language ("Speaker 2", "intervenant 2", "2"), or by
    the name they show now (e.g. a name given by a known voice); others unchanged.

    Used for names given on the command line, in a client's file and by an operator reviewing
    the minutes. Every key is looked up in `st` as it is, so renames do not chain.

    Raises:
        SpeakerLabelError: a key is a raw diarization label ("SPEAKER_00"); the message says
            which public label to type instead.
    """
    cleaned = {k.strip(): v.strip() for k, v in renames.items() if k.strip() and v.strip()}
    for key in cleaned:
        if is_raw_label(key):
            raise SpeakerLabelError(f"speaker {raw_label_message(key, cleaned[key])}")
    if not cleaned:
        return st
    numbers = speaker_numbers([raw for raw, _ in st.speaker_names])
    by_number = {number: raw for raw, number in numbers.items()}
    by_shown = {shown: raw for raw, shown in st.speaker_names}
    named = dict(st.speaker_names)
    for key, name in cleaned.items():
        number = parse_speaker_label(key)
        raw = by_number.get(number) if number is not None else None
        raw = raw or by_shown.get(key)
        if raw is None:
            logger.warning("No speaker %r in this transcript: the name %r is not used", key, name)
            continue
        named[raw] = name
    return replace(st, speaker_names=tuple((raw, named[raw]) for raw, _ in st.speaker_names))
