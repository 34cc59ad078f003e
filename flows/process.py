"""The `process-recording` flow: one recording in, minutes and documents out.

A thin shell: every step is a `pipeline` function wrapped in a task. Transcription and
diarization run concurrently; decoded audio travels as a file path, never through Prefect.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.runtime import flow_run

from pipeline.models import resolved_device
from flows.operator import RunReport, add_run_tags, alert_operators, publish_results
from flows.tasks import decode, diarize, transcribe
from pipeline.config import MinutesSettings, Settings, load_settings
from pipeline.meeting import meeting_meta
from pipeline.merge import assign_speakers
from pipeline.outputs.documents import write_documents
from pipeline.summarize import MeetingMeta, Minutes, build_minutes, make_summarizer
from pipeline.types import Diarization, Recording, SpeakerTranscript, Transcript
from pipeline.workspace import discard_decoded

logger = logging.getLogger(__name__)

DEFAULT_FORMATS = "docx,srt,vtt,json,md,txt"


def run_name() -> str:
    params = flow_run.get_parameters()
    return f"{params.get('client', 'default')} / {Path(str(params.get('recording_path', '?'))).name}"


def outbox_dir(settings: Settings, client: str, recording: Recording) -> Path:
    return settings.service.home_dir / "outbox" / client / recording.meeting_id


@task(name="attribute-speakers", persist_result=False)
def attribute(transcript: Transcript, diarization: Diarization, names: dict[str, str] | None) -> SpeakerTranscript:
    return assign_speakers(transcript, diarization, names=names)


@task(name="write-minutes", retries=1, retry_delay_seconds=5, persist_result=False)
def summarize(st: SpeakerTranscript, settings: MinutesSettings, meta: MeetingMeta) -> Minutes:
    return build_minutes(st, make_summarizer(settings), meta)


@task(name="write-documents", persist_result=False)
def documents(minutes: Minutes, out_dir: Path, formats: str, template: Path | None) -> dict[str, Path]:
    return write_documents(minutes, out_dir, formats, template=template)


def _run_models(recording: Recording, audio_path: Path, settings: Settings) -> tuple[Transcript, Diarization]:
    """Both model stages at once: in a long-lived task worker when the service runs one, else in threads."""
    limit = settings.service.gpu_limit
    args_t = (recording, audio_path, settings.asr, limit)
    args_d = (recording, audio_path, settings.diarize, limit)
    if settings.service.task_worker:
        future_t: Any = transcribe.delay(*args_t)
        future_d: Any = diarize.delay(*args_d)
    else:
        future_t = transcribe.submit(*args_t)
        future_d = diarize.submit(*args_d)
    return future_t.result(), future_d.result()


@flow(
    name="process-recording",
    flow_run_name=run_name,
    on_failure=[alert_operators],
    on_crashed=[alert_operators],
    persist_result=False,
)
def process_recording(
    recording_path: Path,
    client: str = "default",
    out_dir: Path | None = None,
    config: Path | None = None,
    title: str | None = None,
    held_on: date | None = None,
    formats: str = DEFAULT_FORMATS,
    speaker_names: dict[str, str] | None = None,
) -> dict[str, str]:
    """Transcribe, diarize and write the minutes of one recording; returns format -> document path."""
    settings = load_settings(config)
    report = RunReport(client, recording_path.name)
    recording = Recording.from_path(recording_path)
    work_dir = settings.service.home_dir / "work"
    add_run_tags(f"client:{client}", f"device:{resolved_device(settings.asr.device)}")
    audio_path = decode(recording, settings.audio, work_dir)
    report.stage("decoded")
    try:
        transcript, diarization = _run_models(recording, audio_path, settings)
    finally:
        discard_decoded(work_dir, recording)
    add_run_tags(f"language:{transcript.language}")
    report.stage("diarized")
    st = attribute(transcript, diarization, speaker_names)
    report.stage("attributed")
    meta = meeting_meta(recording, settings, title, held_on, None, client)
    minutes = summarize(st, settings.minutes, meta)
    report.stage("minutes")
    target = out_dir or outbox_dir(settings, client, recording)
    written = documents(minutes, target, formats, settings.minutes.template_path)
    report.stage("documents")
    publish_results(report.key, minutes, written)
    return {fmt: str(path) for fmt, path in written.items()}
