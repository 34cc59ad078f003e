"""SRT and WebVTT output parses with real parsers and keeps cues readable."""

from __future__ import annotations

import io

import srt
import webvtt

from pipeline.outputs.subtitles import LINE_CHARS, MAX_CUE_SECONDS, to_srt, to_vtt
from pipeline.types import SpeakerTranscript, Utterance, Word


def _words(text: str, start: float, step: float = 0.35) -> tuple[Word, ...]:
    return tuple(
        Word(start + i * step, start + (i + 1) * step - 0.05, f" {w}", 0.9) for i, w in enumerate(text.split())
    )


LONG = (
    "Alors pour commencer je voudrais qu'on fasse le point sur le budget du troisième trimestre, "
    "parce que les dépenses de déplacement ont beaucoup augmenté et il faut qu'on décide aujourd'hui."
)
ST = SpeakerTranscript(
    "fr",
    60.0,
    (
        Utterance("S0", 0.0, 12.0, LONG, _words(LONG, 0.0)),
        Utterance("S1", 13.0, 14.0, "D'accord, je m'en occupe.", _words("D'accord, je m'en occupe.", 13.0)),
        Utterance(None, 20.0, 22.0, "Texte sans mots horodatés."),
    ),
    speaker_names=(("S0", "Intervenant 1"), ("S1", "Marie Dupont")),
)


def test_srt_parses_and_is_readable() -> None:
    cues = list(srt.parse(to_srt(ST)))
    assert len(cues) >= 4
    assert cues[0].content.startswith("Intervenant 1: ")
    assert any(c.content.startswith("Marie Dupont: ") for c in cues)
    starts = [c.start.total_seconds() for c in cues]
    assert starts == sorted(starts)
    for cue in cues:
        assert (cue.end - cue.start).total_seconds() <= MAX_CUE_SECONDS + 0.5
        assert len(cue.content.splitlines()) <= 2
        assert all(len(line) <= LINE_CHARS + 20 for line in cue.content.splitlines())


def test_vtt_parses_with_voices() -> None:
    captions = webvtt.from_buffer(io.StringIO(to_vtt(ST)))
    assert len(captions) >= 4
    assert "Marie Dupont" in captions.content or any("Marie Dupont" in (c.voice or "") for c in captions)
    assert captions[-1].text == "Texte sans mots horodatés."
    assert captions[-1].start == "00:00:20.000"
