"""RTTM writing and reading (no model)."""

from __future__ import annotations

import io

from pipeline.diarize import format_rttm, read_rttm, write_rttm
from pipeline.types import Diarization, SpeakerTurn


def test_rttm_lines_and_round_trip() -> None:
    turns = (SpeakerTurn(1.5, 3.25, "SPEAKER_01"), SpeakerTurn(0.0, 1.0, "SPEAKER_00"))
    d = Diarization(turns, turns, 4.0)
    text = format_rttm(d, "réunion du lundi")
    # Public labels: raw SPEAKER_0k is Speaker_<k+1>, the documents' "Speaker k+1".
    assert text.splitlines() == [
        "SPEAKER réunion_du_lundi 1 0.000 1.000 <NA> <NA> Speaker_1 <NA> <NA>",
        "SPEAKER réunion_du_lundi 1 1.500 1.750 <NA> <NA> Speaker_2 <NA> <NA>",
    ]
    assert read_rttm(text) == {
        "réunion_du_lundi": (SpeakerTurn(0.0, 1.0, "Speaker_1"), SpeakerTurn(1.5, 3.25, "Speaker_2"))
    }
    out = io.StringIO()
    write_rttm(d, out, "x")
    assert out.getvalue().count("\n") == 2


def test_labels_of_another_form_are_written_and_read_as_they_are() -> None:
    turns = (SpeakerTurn(0.0, 1.0, "speaker 90"), SpeakerTurn(1.0, 2.0, "SPEAKER_10"))
    text = format_rttm(Diarization(turns, turns, 2.0), "ref", exclusive=True)
    assert [line.split()[7] for line in text.splitlines()] == ["speaker_90", "Speaker_11"]
    reference = "SPEAKER ref 1 0.50 1.25 <NA> <NA> spk_A <NA> <NA>\nLEXEME ref 1 0.5 0.1 hi <NA> <NA> <NA>\n"
    assert read_rttm(reference) == {"ref": (SpeakerTurn(0.5, 1.75, "spk_A"),)}


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
