"""The naive baseline: what a plain script does with the same models, no minutier around them.

faster-whisper transcribes the file (decoding it itself with PyAV), then pyannote.audio's
diarization pipeline (the same bundled offline pipeline minutier uses: segmentation-3.0 +
CAM++) runs on the file decoded a second time with torchaudio. Models load in the script, one
after the other; nothing overlaps; library defaults everywhere except the settings named here
(on a GPU machine: device "cuda", compute type float16, and the pyannote pipeline moved to the GPU);
the diarization pipeline keeps pyannote's defaults (0.1 segmentation step, batches of 32/8, all cores):

    WhisperModel(dir, compute_type="int8").transcribe(path, beam_size=5, vad_filter=True,
                                                      word_timestamps=True)
    pipeline({"waveform": torchaudio.load(path)[0], "sample_rate": 16000})

Usage: python bench/naive_baseline.py RECORDING [--model-dir DIR]
Prints one JSON object (timings in seconds, words, speakers, peak memory) on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bundled_whisper_dir() -> str:
    """The bundled Whisper base directory (assembled by minutier's model store on first use)."""
    from pipeline.asr.whisper import resolve_model_path
    from pipeline.config import AsrSettings

    return resolve_model_path(AsrSettings())


def bundled_diarization_pipeline() -> Any:
    """pyannote's pipeline object behind minutier's PyannoteDiarizer (bundled offline weights)."""
    from pipeline.config import DiarizeSettings
    from pipeline.diarize import PyannoteDiarizer

    # pyannote's own defaults, not minutier's tuned ones: a 0.1 segmentation step, batches of 32
    # and 8, every core. The adapter builds the pyannote SpeakerDiarization pipeline on first use.
    library_defaults = DiarizeSettings(
        segmentation_step=0.1, threads=0, segmentation_batch_size=32, embedding_batch_size=8
    )
    return PyannoteDiarizer(library_defaults)._load()


class Stopwatch:
    """Wall and CPU (user + system, all threads) seconds per named step."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        before, started = os.times(), time.perf_counter()
        yield
        after = os.times()
        self.wall[name] = time.perf_counter() - started
        self.cpu[name] = (after.user + after.system) - (before.user + before.system)


def decode_again(recording: Path) -> tuple[Any, int]:
    """torchaudio.load, as most scripts do; soundfile where torchaudio has no decoder (no torchcodec/FFmpeg libs)."""
    import torch
    import torchaudio

    try:
        return torchaudio.load(str(recording))
    except (ImportError, RuntimeError):
        import soundfile

        samples, sample_rate = soundfile.read(str(recording), dtype="float32", always_2d=True)
        return torch.from_numpy(samples.T.copy()), sample_rate


def run(recording: Path, model_dir: str) -> dict[str, Any]:
    import torch
    from faster_whisper import WhisperModel

    gpu = torch.cuda.is_available()
    watch = Stopwatch()
    with watch.step("load_whisper"):
        model = WhisperModel(model_dir, device="cuda" if gpu else "cpu", compute_type="float16" if gpu else "int8")
    with watch.step("transcribe"):
        segments, info = model.transcribe(str(recording), beam_size=5, vad_filter=True, word_timestamps=True)
        words = [(w.start, w.end, w.word) for s in segments for w in (s.words or ())]  # consumes the generator
    with watch.step("load_pyannote"):
        pipeline = bundled_diarization_pipeline()
        if gpu:
            pipeline.to(torch.device("cuda"))
    with watch.step("decode_again"):
        waveform, sample_rate = decode_again(recording)
    with watch.step("diarize"):
        output = pipeline({"waveform": waveform.mean(dim=0, keepdim=True), "sample_rate": sample_rate})
        speakers = output.exclusive_speaker_diarization.labels()
    return {
        "timings": watch.wall,
        "cpu": watch.cpu,
        "duration": info.duration,
        "language": info.language,
        "words": words,
        "speakers": len(speakers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recording", type=Path, help="Audio file to transcribe and diarize.")
    parser.add_argument("--model-dir", help="CTranslate2 Whisper directory (default: minutier's bundled base).")
    args = parser.parse_args()
    result = run(args.recording, args.model_dir or bundled_whisper_dir())
    from benchlib import vm_hwm_mb

    result["vm_hwm_mb"] = vm_hwm_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
