"""The public surface: what `import pipeline` offers, and that it stays light."""

from __future__ import annotations

import subprocess
import sys

import pipeline


def test_public_api_is_pinned() -> None:
    assert set(pipeline.__all__) >= {
        "Recording",
        "Audio",
        "Transcript",
        "SpeakerTranscript",
        "Diarization",
        "load_audio",
        "probe",
        "load_settings",
        "PipelineError",
        "AudioDecodeError",
        "ModelUnavailableError",
        "EmptyRecordingError",
        "MeetingRequest",
        "run_meeting",
        "minutes_from_transcript",
        "TranscriptFormatError",
        "recording_settings",
        "Transcriber",
        "Diarizer",
    }
    assert all(hasattr(pipeline, name) for name in pipeline.__all__)


def test_import_loads_no_model_library() -> None:
    code = (
        "import sys, pipeline, cli;"
        "heavy = {'torch', 'ctranslate2', 'faster_whisper', 'pyannote.audio', 'prefect'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
