"""Speakers by channel on real recordings: the shared stereo clip, and participants' tracks through the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf
from click.testing import CliRunner

from cli import main
from pipeline import serialize, stages
from pipeline.asr.whisper import WhisperTranscriber
from pipeline.audio import load_audio
from pipeline.config import AudioSettings
from pipeline.diarize import PyannoteDiarizer
from pipeline.diarize.channels import BY_CHANNEL_MODEL
from pipeline.evaluation import word_error_rate
from pipeline.summarize import Minutes
from pipeline.types import SpeakerTurn

os.environ["PYANNOTE_METRICS_ENABLED"] = "0"

# Each channel's speech by Silero VAD on that channel alone (250 ms pauses bridged); Whisper's words
# on each channel match stereo_diarization.left.txt / right.txt (see docs/benchmarks.md).
STEREO_REFERENCE = ((0.29, 5.00, "left"), (0.38, 2.59, "right"))


def _der(turns: tuple[SpeakerTurn, ...]) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference, hypothesis = Annotation(), Annotation()
    for start, end, label in STEREO_REFERENCE:
        reference[Segment(start, end)] = label
    for i, t in enumerate(turns):
        hypothesis[Segment(t.start, t.end), i] = t.speaker
    return float(DiarizationErrorRate(collar=0.5)(reference, hypothesis))


def test_stereo_clip_is_diarized_by_channel(eval_dir: Path, diarizer: PyannoteDiarizer) -> None:
    path = eval_dir / "faster_whisper/stereo_diarization.wav"
    audio = stages.decode(path, AudioSettings(), "auto")  # the one read: mono for the models, the channels scanned
    assert audio.channel_scan is not None
    by_channel = stages.diarize(audio, diarizer, path, "auto")
    assert by_channel.model == BY_CHANNEL_MODEL
    # Audio decoded without the scan (an older service cache) has the channels read again: the same turns.
    assert stages.diarize(load_audio(path), diarizer, path, "auto") == by_channel
    assert by_channel.speakers == ("SPEAKER_00", "SPEAKER_01")
    assert _der(by_channel.turns) <= 0.05
    # "mix" keeps today's path: the model on the down-mix, where the two overlapping voices blur.
    mixed = stages.diarize(audio, diarizer, path, "mix")
    assert mixed.model != BY_CHANNEL_MODEL
    assert _der(mixed.turns) > _der(by_channel.turns)


def test_minutes_of_a_folder_of_tracks(tmp_path: Path, eval_dir: Path) -> None:
    folder = tmp_path / "2026-11-20 Point client"
    folder.mkdir()
    jfk, _ = sf.read(eval_dir / "faster_whisper/jfk.flac", dtype="float32", always_2d=True)
    reader = load_audio(eval_dir / "librivox/sense_and_sensibility_01_austen_64kb-0870.wav").samples
    jfk = jfk.mean(axis=1)
    pause = np.zeros(int(1.5 * 44_100), dtype=np.float32)
    # The participants take turns: each track is silent while the other speaks.
    sf.write(
        folder / "Claire Martin.flac",
        np.concatenate([jfk, pause, np.zeros(int(len(reader) * 44_100 / 16_000))]),
        44_100,
    )
    sf.write(
        folder / "Paul Durand.wav",
        np.concatenate([np.zeros(int((len(jfk) + len(pause)) * 16_000 / 44_100)), reader]),
        16_000,
    )
    out = tmp_path / "docs"
    result = CliRunner().invoke(main, ["minutes", str(folder), "-o", str(out), "--formats", "json", "--language", "en"])
    assert result.exit_code == 0, result.output
    minutes = serialize.loads(Minutes, (out / "2026-11-20 Point client.json").read_text(encoding="utf-8"))
    assert minutes.held_on.isoformat() == "2026-11-20"
    assert {p.name for p in minutes.participants} == {"Claire Martin", "Paul Durand"}
    assert sorted(p.name for p in folder.iterdir()) == ["Claire Martin.flac", "Paul Durand.wav"]


def test_stereo_clip_is_transcribed_by_channel(
    eval_dir: Path, diarizer: PyannoteDiarizer, transcriber: WhisperTranscriber
) -> None:
    path = eval_dir / "faster_whisper/stereo_diarization.wav"
    audio = stages.decode(path, AudioSettings(), "auto")
    transcript = stages.transcribe(audio, transcriber, None, path, "auto")
    st = stages.attribute(transcript, stages.diarize(audio, diarizer, path, "auto"), {})
    said = {
        speaker: " ".join(u.text for u in st.utterances if u.speaker == speaker)
        for speaker in ("SPEAKER_00", "SPEAKER_01")
    }
    left = (eval_dir / "faster_whisper/stereo_diarization.left.txt").read_text(encoding="utf-8")
    right = (eval_dir / "faster_whisper/stereo_diarization.right.txt").read_text(encoding="utf-8")
    # Both sides' words, each to its channel's speaker, including 0.4-2.5 s where both speak at once
    # (on the mix, the right speaker's sentence is lost: WER 0.59, docs/benchmarks.md).
    assert word_error_rate(left, said["SPEAKER_00"]) <= 0.1
    assert word_error_rate(right, said["SPEAKER_01"]) <= 0.2
    both = [w for w in transcript.words if 0.4 <= w.start <= 2.4]
    assert {w.channel for w in both} == {0, 1}
    assert any(u.overlap for u in st.utterances)
