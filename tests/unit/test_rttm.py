"""RTTM writing and reading (no model)."""

from __future__ import annotations

import io

from pipeline.diarize import format_rttm, read_rttm, write_rttm
from pipeline.types import Diarization, SpeakerTurn


def test_rttm_lines_and_round_trip() -> None:
    turns = (SpeakerTurn(1.5, 3.25, "SPEAKER_01"), SpeakerTurn(0.0, 1.0, "SPEAKER_00"))
    d = Diarization(turns, turns, 4.0)
    text = format_rttm(d, "réunion du lundi")
    assert text.splitlines() == [
        "SPEAKER réunion_du_lundi 1 0.000 1.000 <NA> <NA> SPEAKER_00 <NA> <NA>",
        "SPEAKER réunion_du_lundi 1 1.500 1.750 <NA> <NA> SPEAKER_01 <NA> <NA>",
    ]
    assert read_rttm(text) == {"réunion_du_lundi": tuple(sorted(turns, key=lambda t: t.start))}
    out = io.StringIO()
    write_rttm(d, out, "x")
    assert out.getvalue().count("\n") == 2


def test_empty_diarization_writes_nothing() -> None:
    assert format_rttm(Diarization((), ()), "a") == ""


def test_importing_diarize_loads_no_model_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pipeline, pipeline.diarize, pipeline.merge; "
        "print([m for m in ('torch', 'pyannote.audio') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
