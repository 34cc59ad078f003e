"""A client's vocabulary with the bundled Whisper on a real clip: a term misheard in noise is spelled right."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from pipeline.asr.whisper import WhisperTranscriber
from pipeline.audio import load_audio
from pipeline.evaluation import normalise_text, word_error_rate
from pipeline.types import Audio

SNR_DB = 3.0  # bench/vocabulary_eval.py: the term is lost from 10 dB down without the vocabulary


def _noisy(audio: Audio) -> Audio:
    power = float(np.mean(np.square(audio.samples, dtype=np.float64)))
    noise = np.random.default_rng(16).normal(0.0, np.sqrt(power / 10 ** (SNR_DB / 10)), len(audio.samples))
    return Audio((audio.samples + noise).astype(np.float32))


def test_a_vocabulary_term_is_recalled(transcriber: WhisperTranscriber, eval_dir: Path) -> None:
    """Picovoice's "…au bord de la mer Jaune" (the Yellow Sea), 5 s, under white noise."""
    audio = _noisy(load_audio(eval_dir / "picovoice_cheetah/test_fr.wav"))
    reference = (eval_dir / "picovoice_cheetah/test_fr.txt").read_text(encoding="utf-8")
    plain = transcriber.transcribe(audio)
    told = transcriber.with_recording_settings(
        replace(transcriber.settings, vocabulary=("Lefèvre", "mer Jaune", "Qualiopi"))
    ).transcribe(audio)
    assert "mer jaune" in normalise_text(told.text), told.text
    assert word_error_rate(reference, told.text) <= word_error_rate(reference, plain.text)
    assert not any(term in told.text for term in ("Lefèvre", "Qualiopi"))  # the others are not made up
