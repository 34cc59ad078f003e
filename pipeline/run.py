"""The one sequence of stages for one recording, in this process, from already-loaded models; and
the shorter one for a transcript that already exists (no decoding, no model).

`minutier minutes` and the benchmarks call :func:`run_meeting` or :func:`minutes_from_transcript`;
the Prefect flow runs the same stage functions as tasks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pipeline import stages
from pipeline.config import Settings
from pipeline.roles import Diarizer, Progress, Transcriber
from pipeline.stages import DEFAULT_FORMATS, MeetingRequest
from pipeline.summarize import Minutes
from pipeline.transcripts.meeting import read_meeting_transcript
from pipeline.types import Audio, Diarization, Recording, Transcript

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class MeetingResult:
    minutes: Minutes
    documents: tuple[tuple[str, Path], ...]
    # Wall time of each stage in seconds, in the order they ran ("decode", "transcribe", ...).
    timings: tuple[tuple[str, float], ...] = field(default=())


class _Timer:
    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []

    def run(self, name: str, func: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = func()
        self.stages.append((name, time.perf_counter() - started))
        return result


def transcribe_and_diarize(
    audio: Audio,
    transcriber: Transcriber,
    diarizer: Diarizer,
    *,
    concurrent: bool,
    progress: Progress | None = None,
    timer: _Timer | None = None,
    source: Path | None = None,
    channels: str = "mix",
    asr_channels: str | None = None,
) -> tuple[Transcript, Diarization]:
    """Both model stages on the same decoded audio, side by side or one after the other.

    `source` and `channels` let a recording with one speaker per channel be diarized by channel
    (see :func:`pipeline.stages.diarize`), and `asr_channels` (:func:`pipeline.stages.transcription_channels`)
    transcribed by channel.
    """
    timer = timer or _Timer()
    if not concurrent:
        transcript = timer.run(
            "transcribe", lambda: stages.transcribe(audio, transcriber, progress, source, asr_channels)
        )
        return transcript, timer.run("diarize", lambda: stages.diarize(audio, diarizer, source, channels))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="model") as pool:
        started = time.perf_counter()
        future_t = pool.submit(stages.transcribe, audio, transcriber, progress, source, asr_channels)
        future_d = pool.submit(stages.diarize, audio, diarizer, source, channels)
        transcript, diarization = future_t.result(), future_d.result()
    timer.stages.append(("transcribe+diarize", time.perf_counter() - started))
    return transcript, diarization


def run_meeting(
    path: Path,
    settings: Settings,
    out_dir: Path,
    *,
    transcriber: Transcriber,
    diarizer: Diarizer,
    request: MeetingRequest | None = None,
    formats: str = DEFAULT_FORMATS,
    concurrent: bool = False,
    progress: Progress | None = None,
) -> MeetingResult:
    """Recording in, minutes and documents out.

    Args:
        path: The recording (any audio or video file ffmpeg reads).
        settings: The recording's settings, request applied (:func:`pipeline.stages.recording_settings`);
            the models must have been made from them.
        out_dir: Folder for the documents, named after the meeting's date and title
            ("2026-11-20 Comité de pilotage.docx", see :func:`pipeline.stages.documents_stem`).
        transcriber: A loaded (or lazily loading) speech-to-text model.
        diarizer: A loaded (or lazily loading) diarization model.
        request: Title, date, language, speaker names and client of this recording.
        formats: Comma-separated document formats.
        concurrent: Run transcription and diarization side by side (two threads).
        progress: Called with the seconds of audio transcribed so far.

    Returns:
        The minutes, the documents written (format, path) and each stage's wall time.

    Raises:
        PipelineError: a named error of the stage that failed (bad audio, missing model...);
            NoSpeechError when the recording holds no speech (no minutes are written).
    """
    request = request or MeetingRequest()
    timer = _Timer()
    recording = Recording.from_path(path)
    audio = timer.run("decode", lambda: stages.decode(path, settings.audio, settings.diarize.channels))
    transcript, diarization = transcribe_and_diarize(
        audio,
        transcriber,
        diarizer,
        concurrent=concurrent,
        progress=progress,
        timer=timer,
        source=path,
        channels=settings.diarize.channels,
        asr_channels=stages.transcription_channels(settings),
    )
    stages.require_speech(transcript, audio.duration, path)
    known = timer.run("voices", lambda: stages.identify_speakers(audio, diarization, diarizer, settings.diarize))
    st = timer.run("attribute", lambda: stages.attribute(transcript, diarization, known, request.speaker_names))
    meta = stages.meeting_meta(recording, request, transcript, diarization)
    minutes = timer.run("minutes", lambda: stages.write_minutes(st, settings.minutes, meta))
    stem = stages.documents_stem(path, minutes, out_dir, formats, request)
    written = timer.run(
        "documents", lambda: stages.write_documents(minutes, out_dir, formats, stem, settings.minutes, request)
    )
    logger.info("Minutes of %s written to %s", path.name, out_dir)
    return MeetingResult(minutes, tuple(written.items()), tuple(timer.stages))


def minutes_from_transcript(
    path: Path,
    settings: Settings,
    out_dir: Path,
    *,
    request: MeetingRequest | None = None,
    formats: str = DEFAULT_FORMATS,
) -> MeetingResult:
    """Transcript in (Teams or Zoom WebVTT, Teams .docx, SRT, minutier JSON, "Name: text"), minutes and documents out.

    Args:
        path: The transcript file (see :func:`pipeline.transcripts.read_transcript`).
        settings: The settings; only the minutes' are used.
        out_dir: Folder for the documents, named after the meeting's date and title
            ("2026-11-20 Comité de pilotage.docx"). When a document would overwrite the transcript
            itself (the minutes of ``2026-11-20 Weekly.vtt`` written beside it), they are all
            named ``2026-11-20 Weekly.minutes.*`` instead.
        request: Title, date, language, speaker names and client (see :func:`read_meeting_transcript`).
        formats: Comma-separated document formats.

    Returns:
        The minutes, the documents written (format, path) and each stage's wall time
        ("read", "minutes", "documents").

    Raises:
        TranscriptFormatError: the file is not a transcript minutier reads (nothing is written).
        PipelineError: another named error (a bad speaker name, an unwritable folder...).
    """
    request = request or MeetingRequest()
    timer = _Timer()
    st, meta = timer.run("read", lambda: read_meeting_transcript(path, request))
    minutes = timer.run("minutes", lambda: stages.write_minutes(st, settings.minutes, meta))
    stem = stages.documents_stem(path, minutes, out_dir, formats, request)
    written = timer.run(
        "documents", lambda: stages.write_documents(minutes, out_dir, formats, stem, settings.minutes, request)
    )
    logger.info("Minutes of the transcript %s written to %s", path.name, out_dir)
    return MeetingResult(minutes, tuple(written.items()), tuple(timer.stages))
