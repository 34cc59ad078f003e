"""`minutier transcribe` end to end with the bundled model, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import srt
import webvtt
from click.testing import CliRunner

from cli import main
from pipeline.evaluation import word_error_rate


def test_transcribe_formats(tmp_path: Path, eval_dir: Path) -> None:
    clip = eval_dir / "faster_whisper/jfk.flac"
    reference = (eval_dir / "faster_whisper/jfk.txt").read_text(encoding="utf-8")
    runner = CliRunner()
    outputs = {}
    for fmt in ("txt", "json", "srt", "vtt"):
        out = tmp_path / f"jfk.{fmt}"
        result = runner.invoke(main, ["transcribe", str(clip), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        outputs[fmt] = out.read_text(encoding="utf-8")
    data = json.loads(outputs["json"])
    assert data["type"] == "Transcript" and data["language"] == "en"
    assert word_error_rate(reference, " ".join(s["text"] for s in data["segments"])) <= 0.05
    assert outputs["txt"].startswith("[00:00] ")
    subtitles = list(srt.parse(outputs["srt"]))
    assert word_error_rate(reference, " ".join(s.content for s in subtitles)) <= 0.05
    assert subtitles[-1].end.total_seconds() <= 11.1
    assert len(webvtt.from_string(outputs["vtt"])) == len(subtitles)


def test_transcribe_to_stdout_with_forced_language(eval_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["transcribe", str(eval_dir / "picovoice_cheetah/test_fr.wav"), "--language", "fr"]
    )
    assert result.exit_code == 0, result.output
    assert "mer jaune" in result.output.lower()
