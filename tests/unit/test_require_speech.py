"""No minutes of silence or noise: a recording without speech stops right after the model stages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.config import Settings
from pipeline.errors import AudioDecodeError, NoSpeechError, UnsupportedAudioError
from pipeline.run import run_meeting
from pipeline.stages import require_speech
from pipeline.types import Audio, Diarization, RejectedSegment, SpeakerTurn, Transcript, TranscriptSegment, Word
from service.intake import RecordingVanishedError, plain_reason
from tests.media import write_wav

PATH = Path("/srv/inbox/acme/salle vide.wav")


def _transcript(*texts: str, rejected: tuple[RejectedSegment, ...] = ()) -> Transcript:
    segments = tuple(
        TranscriptSegment(i, i + 1.0, text, (Word(i, i + 0.5, text, 0.9),)) for i, text in enumerate(texts, start=0)
    )
    return Transcript("und" if not segments else "fr", 600.0, "base", segments, rejected=rejected)


def test_an_empty_transcript_is_no_speech_and_says_which_file() -> None:
    with pytest.raises(NoSpeechError) as caught:
        require_speech(_transcript(), 600.0, PATH)
    message = str(caught.value)
    assert message.startswith(f"{PATH}: no speech found in 600 s of audio")
    assert "silence, noise or music" in message and "audio track" in message
    assert not isinstance(caught.value, AudioDecodeError)  # the audio was read: its content is the problem


def test_symbols_only_are_no_speech_and_rejected_passages_are_counted() -> None:
    credits = (
        RejectedSegment(0.0, 4.0, "Sous-titrage ST' 501", "credits"),
        RejectedSegment(10.0, 14.0, "Merci d'avoir regardé", "credits"),
    )
    with pytest.raises(NoSpeechError, match="2 passage\\(s\\) rejected as non-speech"):
        require_speech(_transcript("...", " ♪ ♪ ", rejected=credits), 300.0, PATH)


@pytest.mark.parametrize("text", ["Bonjour.", "OK", "42"])
def test_one_word_is_speech(text: str) -> None:
    require_speech(_transcript("...", text), 12.0, PATH)


class _SilentTranscriber:
    """What Whisper returns on silence: no segment."""

    device = "cpu"

    def transcribe(self, audio: Audio, progress: Any = None) -> Transcript:
        return Transcript("und", audio.duration, "stub", ())


class _Diarizer:
    device = "cpu"

    def diarize(self, audio: Audio) -> Diarization:
        turn = SpeakerTurn(0.0, audio.duration, "SPEAKER_00")
        return Diarization((turn,), (turn,), audio.duration)


def test_run_meeting_on_silence_writes_no_minutes(tmp_path: Path) -> None:
    silent = write_wav(tmp_path / "silence.wav", np.zeros((16_000 * 3, 1)), 16_000)
    out = tmp_path / "out"
    with pytest.raises(NoSpeechError, match="silence.wav: no speech found in 3 s of audio"):
        run_meeting(silent, Settings(), out, transcriber=_SilentTranscriber(), diarizer=_Diarizer())
    assert not out.exists() or not any(out.iterdir()), "documents were written for a recording without speech"


@pytest.mark.parametrize(
    ("error", "french", "english"),
    [
        (NoSpeechError("x"), "Aucune parole n'a été trouvée", "No speech was found in this recording"),
        (UnsupportedAudioError("x"), "n'est pas pris en charge", "format is not supported"),
        (RecordingVanishedError("x"), "déplacé ou supprimé du dossier de traitement", "moved or deleted"),
    ],
)
def test_each_new_error_has_its_own_sentence_for_the_secretary(error: Exception, french: str, english: str) -> None:
    assert french in plain_reason(error, "fr")
    assert english in plain_reason(error, "en")
