"""`minutier minutes`, `minutier diarize` and `transcribe --diarize` with the real models, in-process."""

from __future__ import annotations

from pathlib import Path

import docx
import numpy as np
import srt
from click.testing import CliRunner
from pyannote.database.util import load_rttm

from cli import main
from pipeline import serialize
from pipeline.summarize import Minutes
from tests.media import write_wav


def test_minutes_whole_chain(tmp_path: Path, eval_dir: Path) -> None:
    out = tmp_path / "docs"
    result = CliRunner().invoke(
        main,
        [
            "minutes",
            str(eval_dir / "pyannote_sample/sample.wav"),
            "-o",
            str(out),
            "--date",
            "2026-03-12",
            "--title",
            "Appel client",
            "--formats",
            "docx,json,srt",
            "--name",
            "Speaker 1=Diane",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        f"2026-03-12 Appel client.{fmt}" for fmt in ("docx", "json", "srt")
    ]
    minutes = serialize.loads(Minutes, (out / "2026-03-12 Appel client.json").read_text(encoding="utf-8"))
    assert minutes.title == "Appel client" and minutes.held_on.isoformat() == "2026-03-12"
    assert minutes.language == "en"
    assert {p.name for p in minutes.participants} == {"Diane", "Speaker 2"}
    text = "\n".join(p.text for p in docx.Document(str(out / "2026-03-12 Appel client.docx")).paragraphs)
    assert "Appel client" in text and "Diane" in text
    cues = list(srt.parse((out / "2026-03-12 Appel client.srt").read_text(encoding="utf-8")))
    assert any(c.content.startswith("Diane: ") for c in cues)


def test_diarize_writes_rttm(tmp_path: Path, eval_dir: Path) -> None:
    out = tmp_path / "call.rttm"
    result = CliRunner().invoke(
        main, ["diarize", str(eval_dir / "picovoice_leopard/diarization_test.wav"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    annotation = load_rttm(str(out))["diarization_test"]
    assert len(annotation.labels()) == 3


def test_forced_speaker_count_reaches_the_diarizer(tmp_path: Path, eval_dir: Path) -> None:
    out = tmp_path / "sample.rttm"
    result = CliRunner().invoke(
        main, ["diarize", str(eval_dir / "pyannote_sample/sample.wav"), "--speakers", "3", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert len(load_rttm(str(out))["sample"].labels()) == 3


def test_transcribe_diarize_names_speakers(eval_dir: Path) -> None:
    result = CliRunner().invoke(main, ["transcribe", str(eval_dir / "pyannote_sample/sample.wav"), "--diarize"])
    assert result.exit_code == 0, result.output
    speakers = {line.split("] ", 1)[1].split(":", 1)[0] for line in result.output.splitlines() if "] " in line}
    assert speakers == {"Speaker 1", "Speaker 2"}


def test_speaker_hints_need_diarize(eval_dir: Path) -> None:
    result = CliRunner().invoke(main, ["transcribe", str(eval_dir / "faster_whisper/jfk.flac"), "--speakers", "2"])
    assert result.exit_code == 2 and "need --diarize" in result.output


def test_minutes_of_silence_is_one_line_and_exit_1(tmp_path: Path) -> None:
    silent = write_wav(tmp_path / "salle vide.wav", np.zeros((16_000 * 8, 1)), 16_000)
    out = tmp_path / "docs"
    result = CliRunner().invoke(main, ["minutes", str(silent), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        f"Error: {silent}: no speech found in 8 s of audio: silence, noise or music only;"
        " check the file, or the audio track if the recording has several"
    ]
    assert not out.exists() or not any(out.iterdir()), "minutes were written for a silent recording"
