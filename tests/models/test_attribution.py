"""Who said which word, by the real models on the pyannote telephone sample, scored as cpWER (meeteval)."""

from __future__ import annotations

from pathlib import Path

from meeteval.wer import cp_word_error_rate

from pipeline import stages
from pipeline.asr.whisper import WhisperTranscriber
from pipeline.config import AudioSettings
from pipeline.diarize import PyannoteDiarizer
from pipeline.evaluation import normalise_text
from pipeline.merge import assign_speakers
from pipeline.run import transcribe_and_diarize
from pipeline.types import SpeakerTranscript

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"

# Measured 0.149 with the boundary rules (= the sample's plain WER: no word left with the wrong
# speaker), 0.241 with each word on its own (bench/cpwer_eval.py, docs/benchmarks.md).
CPWER_BOUND = 0.20


def _cpwer(st: SpeakerTranscript) -> float:
    reference: dict[str, list[str]] = {}
    for line in (EVAL / "pyannote_sample" / "sample.stm").read_text(encoding="utf-8").splitlines():
        _, _, speaker, _, _, text = line.split(maxsplit=5)
        reference.setdefault(speaker, []).append(normalise_text(text))
    hypothesis: dict[str, list[str]] = {}
    for u in st.utterances:
        hypothesis.setdefault(u.speaker or "", []).append(normalise_text(u.text))
    result = cp_word_error_rate(
        {s: " ".join(t) for s, t in reference.items()},
        {s: " ".join(t) for s, t in hypothesis.items()},
        reference_sort=False,
        hypothesis_sort=False,
    )
    return float(result.error_rate)


def test_words_at_turn_changes_go_to_their_speaker(transcriber: WhisperTranscriber, diarizer: PyannoteDiarizer) -> None:
    audio = stages.decode(EVAL / "pyannote_sample" / "sample.wav", AudioSettings())
    transcript, diarization = transcribe_and_diarize(audio, transcriber, diarizer, concurrent=False)
    st = stages.attribute(transcript, diarization, {})
    assert _cpwer(st) <= CPWER_BOUND
    assert _cpwer(st) <= _cpwer(assign_speakers(transcript, diarization, rules=None))
    # The example: "Neither did I." was cut between two speakers at the turn change.
    assert any("neither did i" in normalise_text(u.text) for u in st.utterances)
    # The sample's speakers talk over each other at some turn changes (its RTTM): some words are marked.
    assert any(w.overlap for u in st.utterances for w in u.words)
    assert all(u.overlap == any(w.overlap for w in u.words) for u in st.utterances)
