"""The `process-recording` flow: one recording in, minutes and documents out (and, for a
watched-folder run, the recording archived and the minutes emailed to its client).

A thin shell: every step is a `pipeline` function wrapped in a task. Transcription and
diarization run concurrently; decoded audio travels as a file path, never through Prefect.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from prefect import flow, task
from prefect.runtime import flow_run

from flows.delivery import alert, archive, client_config, deliver, file_failure, meeting_folder
from flows.operator import RunReport, add_run_tags, alert_operators, publish_results
from flows.orphans import run_lock
from flows.review import await_review
from flows.tasks import decode, diarize, transcribe
from pipeline.config import MinutesSettings
from pipeline.meeting import meeting_meta
from pipeline.merge import assign_speakers
from pipeline.models import resolved_device
from pipeline.outputs.documents import write_documents
from pipeline.speakers import rename_speakers
from pipeline.summarize import MeetingMeta, Minutes, build_minutes, make_summarizer
from pipeline.types import Diarization, Recording, SpeakerTranscript, Transcript
from pipeline.workspace import discard_decoded
from service.clients import ClientConfig, settings_for_client
from service.intake import Layout, RecordingLedger
from service.ledger import default_ledger_path
from service.settings import ServiceConfig, default_home, load_config, service_root

logger = logging.getLogger(__name__)

DEFAULT_FORMATS = "docx,srt,vtt,json,md,txt"
FLOW_TIMEOUT_S = 8 * 3600
# Crashes (a killed process, a lost server) before a recording is filed as failed.
MAX_ATTEMPTS = 3


def run_name() -> str:
    params = flow_run.get_parameters()
    return f"{params.get('client', 'default')} / {Path(str(params.get('recording_path', '?'))).name}"


@task(name="attribute-speakers", persist_result=False)
def attribute(transcript: Transcript, diarization: Diarization, names: dict[str, str]) -> SpeakerTranscript:
    return assign_speakers(transcript, diarization, names=names)


@task(name="write-minutes", retries=1, retry_delay_seconds=5, persist_result=False)
def summarize(st: SpeakerTranscript, settings: MinutesSettings, meta: MeetingMeta) -> Minutes:
    return build_minutes(st, make_summarizer(settings), meta)


@task(name="write-documents", persist_result=False)
def documents(minutes: Minutes, out_dir: Path, formats: str, stem: str, template: Path | None) -> dict[str, Path]:
    return write_documents(minutes, out_dir, formats, stem=stem, template=template)


def _run_models(recording: Recording, audio_path: Path, settings: ServiceConfig) -> tuple[Transcript, Diarization]:
    """Both model stages at once: in a long-lived task worker when the service runs one, else in threads."""
    limit = settings.service.gpu_limit
    args_t = (recording, audio_path, settings.asr, limit)
    args_d = (recording, audio_path, settings.diarize, limit)
    if settings.service.task_worker:
        future_t: Any = transcribe.delay(*args_t)
        future_d: Any = diarize.delay(*args_d)
        return _worker_result(future_t), _worker_result(future_d)
    future_t = transcribe.submit(*args_t)
    future_d = diarize.submit(*args_d)
    return future_t.result(), future_d.result()


def _worker_result(future: Any, poll_s: float = 5.0) -> Any:
    """Wait for a task worker's result, re-reading its state now and then: a completion event
    that fires before Prefect's waiter is subscribed would otherwise be missed for good.

    While the Prefect server is unreachable or restarting (requests fail, or a task run has no
    state yet) the wait goes on: the stage goes on in the worker, and `minutier serve` queues it
    again if the server lost it (:mod:`flows.recovery`). Failing here would file a good recording
    under failed/ because of the orchestrator.
    """
    lost_since: float | None = None
    while True:
        try:
            if future.state.is_final():
                break
            future.wait(timeout=poll_s)
        except (httpx.HTTPError, RuntimeError) as e:
            if isinstance(e, RuntimeError) and "has no state" not in str(e):
                raise
            if lost_since is None:
                lost_since = time.monotonic()
                logger.warning(
                    "Lost track of model stage %s (%s: %s): waiting for the Prefect server",
                    future.task_run_id,
                    type(e).__name__,
                    e,
                )
            time.sleep(poll_s)
            continue
        if lost_since is not None:
            logger.warning("Model stage %s found again after %.0f s", future.task_run_id, time.monotonic() - lost_since)
            lost_since = None
    return future.result()


def _known_names(client: ClientConfig | None) -> dict[str, str]:
    return dict(client.speaker_names) if client is not None else {}


def on_run_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """Operators are told; a watched-folder recording goes to failed/ with a readable reason."""
    cause = _failure_cause(state)
    if isinstance(cause, httpx.TransportError):  # the Prefect server, not the recording, failed
        on_run_crashed(flow, flow_run, state)
        return
    alert_operators(flow, flow_run, state)
    params = flow_run.parameters or {}
    settings = load_config(params.get("config"))
    client = client_config(settings, str(params.get("client")))
    reason = state.message or state.name
    if params.get("sha256") and client is not None:
        file_failure(settings, client, str(params["sha256"]), cause or reason)
    _alert_secretaries(settings, params, client, reason)


def _alert_secretaries(settings: Any, params: dict[str, Any], client: Any, reason: str) -> None:
    """The alert both run hooks send about one recording, in its client's language."""
    alert(
        settings,
        str(params.get("client")),
        Path(str(params.get("recording_path"))).name,
        reason,
        None,
        client.language if client else "fr",
    )


def on_run_crashed(flow: Any, flow_run: Any, state: Any) -> None:
    """A crash is the machine's doing (a process killed, the Prefect server lost), not the recording's:
    operators are told and the recording stays in processing/, where the next reconcile takes it
    again. Only one that crashed `MAX_ATTEMPTS` times goes to failed/, with its reason."""
    params = flow_run.parameters or {}
    settings = load_config(params.get("config"))
    client = client_config(settings, str(params.get("client")))
    attempts = _attempts(settings, str(params.get("client")), params.get("sha256"))
    if client is None or attempts is None or attempts >= MAX_ATTEMPTS:
        alert_operators(flow, flow_run, state)
        if client is not None and params.get("sha256"):
            file_failure(settings, client, str(params["sha256"]), state.message or state.name)
        reason = state.message or state.name
    else:
        reason = f"{state.message or state.name} (attempt {attempts} of {MAX_ATTEMPTS}: it will be tried again)"
        logger.warning(
            "Run of %s / %s crashed: %s", params.get("client"), Path(str(params.get("recording_path"))).name, reason
        )
        _ask_for_reconcile(params.get("config"))
    _alert_secretaries(settings, params, client, reason)


def _ask_for_reconcile(config: str | None) -> None:
    """A reconcile now rather than at the next scheduled one: it schedules the crashed run again."""
    from prefect.deployments import run_deployment

    from flows.submit import RECONCILE_DEPLOYMENT

    try:
        run_deployment(RECONCILE_DEPLOYMENT, parameters={"config": config}, timeout=0, as_subflow=False)
    except Exception as e:  # not served here, or the API is away: the schedule will do it
        logger.info("No reconcile asked for (%s); the next scheduled one takes the recording again", e)


def _attempts(settings: ServiceConfig, client: str, sha256: str | None) -> int | None:
    """How many times the recording was handed to processing; None if it is not a watched-folder recording."""
    if not sha256:
        return None
    with RecordingLedger(default_ledger_path(settings.service.home_dir)) as ledger:
        entry = ledger.get(client, sha256)
    return entry.attempts if entry is not None else None


def _failure_cause(state: Any) -> BaseException | None:
    """The exception that failed the run, so the secretary's note can say in plain words what went wrong."""
    try:
        error = state.result(raise_on_failure=False)
    except Exception:  # a crash, or a result that cannot be read: the state's message will do
        return None
    return error if isinstance(error, BaseException) else None


@flow(
    name="process-recording",
    flow_run_name=run_name,
    on_failure=[on_run_failure],
    on_crashed=[on_run_crashed],
    persist_result=False,
    timeout_seconds=FLOW_TIMEOUT_S,
)
def process_recording(
    recording_path: Path,
    client: str = "default",
    out_dir: Path | None = None,
    config: Path | None = None,
    title: str | None = None,
    held_on: date | None = None,
    formats: str = DEFAULT_FORMATS,
    sha256: str | None = None,
) -> dict[str, str]:
    """Transcribe, diarize and write the minutes of one recording; returns format -> document path.

    `sha256` marks a watched-folder recording (the intake hashed it): it is archived when its
    documents are written, and its minutes are emailed to the client's recipients.
    """
    with run_lock(default_home()):  # tells the service this run's process lives (flows.orphans)
        base = load_config(config)
        client_cfg = client_config(base, client)
        settings = settings_for_client(base, client_cfg)
        report = RunReport(client, recording_path.name)
        recording = (
            Recording(recording_path, meeting_folder(base, client, sha256, recording_path), sha256)
            if sha256
            else Recording.from_path(recording_path)
        )
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
        st = attribute(transcript, diarization, _known_names(client_cfg))
        report.stage("attributed")
        meta = meeting_meta(recording, settings, title, held_on, None, client_cfg.name if client_cfg else client)
        minutes = summarize(st, settings.minutes, meta)
        report.stage("minutes")
        target = out_dir or Layout(service_root(settings.service)).outbox(client, recording.meeting_id)
        stem = recording_path.stem  # the documents keep the recording's own (readable) name
        written = documents(minutes, target, formats, stem, settings.minutes.template_path)
        if client_cfg is not None and client_cfg.review:
            decision = await_review(minutes, client_cfg.review_timeout_s)
            minutes = summarize(rename_speakers(minutes.transcript, decision.speaker_names), settings.minutes, meta)
            written = documents(minutes, target, formats, stem, settings.minutes.template_path)
        report.stage("documents")
        publish_results(report.key, minutes, written)
        if sha256 and client_cfg is not None:
            archive(settings, client, sha256)
            if "docx" in written:
                deliver(minutes, written["docx"], client_cfg, sha256, settings)
        return {fmt: str(path) for fmt, path in written.items()}
