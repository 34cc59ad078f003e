"""The whole chain for one recording, in this process: decode once, transcribe and diarize,
attribute words to speakers, write the minutes and the documents.

The Prefect flow runs the same stages as tasks; this is the plain-Python path used by
`minutier minutes` and by the benchmarks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.audio import load_audio, probe, recorded_on
from pipeline.config import Settings
from pipeline.merge import assign_speakers
from pipeline.outputs.documents import write_documents
from pipeline.speakers import known_voice_names, rename_speakers
from pipeline.summarize import MeetingMeta, Minutes, build_minutes, make_summarizer
from pipeline.types import Audio, Diarization, Recording, SpeakerTranscript, Transcript

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MeetingResult:
    minutes: Minutes
    documents: tuple[tuple[str, Path], ...]
    # Wall time of each stage in seconds, in the order they ran ("decode", "transcribe", ...).
    timings: tuple[tuple[str, float], ...] = field(default=())


class _Timer:
    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []

    def run(self, name: str, func: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = func()
        self.stages.append((name, time.perf_counter() - started))
        return result


def transcribe_and_diarize(
    audio: Audio, transcriber: Any, diarizer: Any, *, concurrent: bool, timer: _Timer | None = None
) -> tuple[Transcript, Diarization]:
    """Both model stages on the same decoded audio, side by side or one after the other."""
    timer = timer or _Timer()
    if not concurrent:
        transcript = timer.run("transcribe", lambda: transcriber.transcribe(audio))
        return transcript, timer.run("diarize", lambda: diarizer.diarize(audio))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="model") as pool:
        started = time.perf_counter()
        future_t = pool.submit(transcriber.transcribe, audio)
        future_d = pool.submit(diarizer.diarize, audio)
        transcript, diarization = future_t.result(), future_d.result()
    timer.stages.append(("transcribe+diarize", time.perf_counter() - started))
    return transcript, diarization


def meeting_meta(
    recording: Recording,
    settings: Settings,
    title: str | None,
    held_on: date | None,
    language: str | None,
    client: str | None = None,
) -> MeetingMeta:
    info = probe(recording.path)
    start = info.created.astimezone().time().replace(microsecond=0) if info.created else None
    return MeetingMeta(
        title=title,
        client=client,
        held_on=held_on or recorded_on(recording.path, info),
        start_time=start if held_on is None else None,
        language=language,
        models=(f"Whisper {settings.asr.model}", "pyannote segmentation-3.0 + CAM++"),
    )


def process_meeting(
    path: Path,
    settings: Settings,
    out_dir: Path,
    *,
    transcriber: Any,
    diarizer: Any,
    formats: str = "docx,srt,vtt,json,md,txt",
    title: str | None = None,
    held_on: date | None = None,
    language: str | None = None,
    renames: dict[str, str] | None = None,
    concurrent: bool = False,
) -> MeetingResult:
    """Recording in, minutes and documents out. Collaborators are injected (models loaded once)."""
    timer = _Timer()
    recording = Recording.from_path(path)
    audio = timer.run("decode", lambda: load_audio(path, settings.audio))
    transcript, diarization = transcribe_and_diarize(audio, transcriber, diarizer, concurrent=concurrent, timer=timer)
    known = timer.run("voices", lambda: known_voice_names(diarizer, audio, diarization, settings.diarize))
    st: SpeakerTranscript = timer.run(
        "attribute", lambda: rename_speakers(assign_speakers(transcript, diarization, names=known), renames or {})
    )
    meta = meeting_meta(recording, settings, title, held_on, language)
    minutes = timer.run("minutes", lambda: build_minutes(st, make_summarizer(settings.minutes), meta))
    written = timer.run(
        "documents",
        lambda: write_documents(
            minutes, out_dir, formats, stem=recording.meeting_id, template=settings.minutes.template_path
        ),
    )
    logger.info("Minutes of %s written to %s", path.name, out_dir)
    return MeetingResult(minutes, tuple(written.items()), tuple(timer.stages))


def with_language(settings: Settings, language: str | None) -> Settings:
    return replace(settings, asr=replace(settings.asr, language=language)) if language else settings
