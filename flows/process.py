"""The `process-recording` flow: one recording in, minutes and documents out (and, for a
watched-folder run, the recording archived and the minutes emailed to its client).

A thin shell: every step is a :mod:`pipeline.stages` function wrapped in a task (:mod:`flows.tasks`),
the same sequence `minutier minutes` runs. Transcription and diarization run concurrently;
decoded audio travels as a file path, never through Prefect.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import fields, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.deployments import run_deployment
from prefect.runtime import flow_run

from flows.delivery import alert, archive, client_config, deliver, file_failure, log_finished, meeting_folder
from flows.operator import RunReport, add_run_tags, publish_failure, publish_results
from flows.orphans import run_lock
from flows.recovery import is_orchestration_error, with_api_retries
from flows.review import review_minutes
from flows.submit import RECONCILE_DEPLOYMENT
from flows.tasks import (
    attribute,
    decode,
    read_meeting_transcript,
    run_model_stages,
    write_documents,
    write_minutes,
)
from pipeline.audio_tracks import recording_from
from pipeline.models import get_transcriber
from pipeline.stages import (
    DEFAULT_FORMATS,
    MeetingRequest,
    documents_stem,
    meeting_meta,
    recording_settings,
    require_speech,
    with_participants,
)
from pipeline.summarize import MeetingMeta, Minutes
from pipeline.transcripts import is_transcript_file
from pipeline.types import Recording, SpeakerTranscript
from pipeline.workspace import discard_decoded
from service.clients import ClientConfig
from service.intake import RecordingLedger, RecordingVanishedError
from service.layout import Home, Layout
from service.past_names import past_participants
from service.requests import client_request, client_settings
from service.review import SENT, ReviewRecord, learned_vocabulary, mark_decided, open_review
from service.settings import ServiceConfig, default_home, load_config, service_root

logger = logging.getLogger(__name__)

FLOW_TIMEOUT_S = 8 * 3600
# Crashes (a killed process, a lost server) before a recording is filed as failed.
MAX_ATTEMPTS = 3


def run_name() -> str:
    params = flow_run.get_parameters()
    return f"{params.get('client', 'default')} / {Path(str(params.get('recording_path', '?'))).name}"


def on_run_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """Operators are told; a watched-folder recording goes to failed/ with a readable reason."""
    cause = _failure_cause(state)
    if is_orchestration_error(cause):  # the orchestration, not the recording, failed
        on_run_crashed(flow, flow_run, state)
        return
    publish_failure(flow, flow_run, state)
    params = flow_run.parameters or {}
    settings = load_config(params.get("config"))
    client = client_config(settings, str(params.get("client")))
    reason = state.message or state.name
    if params.get("sha256") and client is not None:
        reason = _file_failure(settings, client, str(params["sha256"]), cause or reason, reason)
    _alert_operators(settings, params, client, reason)


def _file_failure(
    settings: ServiceConfig, client: ClientConfig, sha256: str, cause: BaseException | str, reason: str
) -> str:
    """File the recording under failed/ (see :func:`file_failure`); the reason the operators are told.

    A hook that raised would leave the recording in processing/ and the ledger saying so, with
    nobody told: a failure to file it is logged and added to the operators' alert instead.
    """
    try:
        file_failure(settings, client, sha256, cause)
    except Exception as e:
        logger.exception("The failed recording %s of %s could not be filed under failed/", sha256[:12], client.folder)
        return f"{reason} (and it could not be filed under failed/: {e})"
    return reason


def _alert_operators(settings: Any, params: dict[str, Any], client: Any, reason: str) -> None:
    """The email (or .eml) both run hooks send the operators about one recording, in its client's language."""
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
        publish_failure(flow, flow_run, state)
        reason = state.message or state.name
        if client is not None and params.get("sha256"):
            reason = _file_failure(settings, client, str(params["sha256"]), reason, reason)
    else:
        reason = f"{state.message or state.name} (attempt {attempts} of {MAX_ATTEMPTS}: it will be tried again)"
        logger.warning(
            "Run of %s / %s crashed: %s", params.get("client"), Path(str(params.get("recording_path"))).name, reason
        )
        _ask_for_reconcile(params.get("config"), f"reconcile after run {flow_run.id} crashed ({state.id})")
    _alert_operators(settings, params, client, reason)


def _ask_for_reconcile(config: str | None, key: str) -> None:
    """A reconcile now rather than at the next scheduled one (up to `reconcile_s` later): it schedules
    the crashed run again. A busy or unreachable API is asked again with the intake's back-off; `key`
    (one per crash) makes a request sent twice, its first answer lost, one reconcile."""
    ask = partial(
        run_deployment,
        RECONCILE_DEPLOYMENT,
        parameters={"config": config},
        timeout=0,
        as_subflow=False,
        idempotency_key=key,
    )
    try:
        with_api_retries(ask, "the reconcile the crashed run needs")
    except Exception as e:  # not served here, or the API away for longer: the schedule will do it
        logger.warning(
            "No reconcile asked for (%s: %s); the next scheduled one takes the recording again", type(e).__name__, e
        )


def _attempts(settings: ServiceConfig, client: str, sha256: str | None) -> int | None:
    """How many times the recording was handed to processing; None if it is not a watched-folder recording."""
    if not sha256:
        return None
    with RecordingLedger(Home(settings.service.home_dir).ledger) as ledger:
        entry = ledger.get(client, sha256)
    return entry.attempts if entry is not None else None


# Flow parameters that are not MeetingRequest fields; `client` is the client's folder here (the
# request's `client`, its display name, comes from the client's configuration).
RUN_PARAMETERS = frozenset({"recording_path", "client", "out_dir", "config", "formats", "sha256"})


def asked_request(parameters: Mapping[str, Any]) -> MeetingRequest:
    """What a run's parameters ask of the meeting: each MeetingRequest field from the parameter of its name.

    The one place the flow's parameters become a request, so a field added to the request needs
    only its parameter (tests/unit/test_flow_parameters.py says when one is missing).

    Raises:
        DocumentError, ConfigError: an unknown document type or time zone (before any work).
    """
    values = {f.name: parameters[f.name] for f in fields(MeetingRequest) if f.name not in RUN_PARAMETERS}
    values["speaker_names"] = tuple((parameters["speaker_names"] or {}).items())
    values["vocabulary"] = tuple(parameters["vocabulary"] or ())
    return MeetingRequest(**values)


@contextmanager
def _kept_in_processing(path: Path, watched: bool) -> Iterator[None]:
    """A watched recording that leaves processing/ mid-run fails the run by that name, whichever stage noticed.

    Without it the run fails with whatever the stage raised (FileNotFoundError, a probe error), and
    the secretary's note would blame the recording itself.
    """
    try:
        yield
    except Exception as e:
        if watched and not os.path.lexists(path):
            raise RecordingVanishedError(
                f"{path}: the recording disappeared from processing/ during its run (moved or deleted);"
                " drop it again into the client's inbox to process it"
            ) from e
        raise


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
    language: str | None = None,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    voices_dir: Path | None = None,
    speaker_names: dict[str, str] | None = None,
    template: str | None = None,
    timezone: str | None = None,
    minutes_language: str | None = None,
    vocabulary: list[str] | None = None,
) -> dict[str, str]:
    """Transcribe, diarize and write the minutes of one recording; returns format -> document path.

    A transcript file (Teams or Zoom WebVTT, Teams .docx, SRT, minutier JSON, "Name: text") skips
    decoding and the models: it is read (a malformed one fails the run like bad audio), and the
    same minutes, documents and delivery follow.

    The stages are :mod:`pipeline.stages`, as `minutier minutes` runs them; the parameters named
    after :class:`~pipeline.stages.MeetingRequest`'s fields (title, date, language, speaker hints,
    names, document type, time zone, minutes' language, vocabulary) mean the same as the command
    line's, and the client's configuration fills those left unset. `sha256` marks a watched-folder recording
    (the intake hashed it): it is archived when its documents are written, and its minutes are
    emailed to the client's recipients. The documents are named after the meeting's date and title.
    """
    asked = asked_request(locals())  # first: the parameters are all the locals there are yet
    with run_lock(default_home()):  # tells the service this run's process lives (flows.orphans)
        base = load_config(config)
        client_cfg = client_config(base, client)
        learned = _client_names_and_terms(base, client_cfg)
        request = client_request(client_cfg, asked, client, learned)
        settings = recording_settings(client_settings(base, client_cfg), request)
        report = RunReport(client, recording_path.name)
        recording = (
            Recording(recording_path, meeting_folder(base, client, sha256, recording_path), sha256)
            if sha256
            else Recording.from_path(recording_path)
        )
        with _kept_in_processing(recording_path, watched=sha256 is not None):
            if is_transcript_file(recording_path):  # a transcript already names its speakers: no model runs
                add_run_tags(f"client:{client}", "source:transcript")
                st, meta = read_meeting_transcript(recording_path, request)
                add_run_tags(f"language:{st.language}")
            else:
                add_run_tags(f"client:{client}", f"device:{get_transcriber(settings.asr).device}")
                # Participants' tracks (a folder or zip) are heard as the one recording they make, assembled
                # beside the decoded audio: the model worker reads it there, and retention purges a crash's copy.
                with recording_from(recording_path, Home(settings.service.home_dir).decoded_audio) as heard:
                    assembled = replace(recording, path=heard)
                    st, meta = _speaker_transcript(assembled, request, with_participants(settings, heard), report)
            report.stage("attributed")
            minutes = write_minutes(st, settings.minutes, meta)
            report.stage("minutes")
            target = out_dir or Layout(service_root(settings.service)).outbox(client, recording.meeting_id)
            stem = documents_stem(recording_path, minutes, target, formats, request)  # date and title
            written = write_documents(minutes, target, formats, stem, settings.minutes, request)
            review = None
            if client_cfg is not None and client_cfg.review:
                reviewed = _review(settings, client_cfg, recording, minutes, (target, formats, written), request)
                minutes, written, request, review = reviewed
            report.stage("documents")
            publish_results(report.key, minutes, written)
            if sha256 and client_cfg is not None:
                archive(settings, client, sha256)
        # Archived: a delivery failure from here on is the mail's, never a vanished recording's.
        delivery = None
        watched = sha256 is not None and client_cfg is not None
        if sha256 and client_cfg is not None and "docx" in written:
            delivery = deliver(minutes, written["docx"], client_cfg, sha256, settings, request.template)
            if review is not None:
                mark_decided(review, state=SENT, who="delivery")
        log_finished(client, recording_path.name, target, watched=watched, delivery=delivery)
        return {fmt: str(path) for fmt, path in written.items()}


def _review(
    settings: ServiceConfig,
    client: ClientConfig,
    recording: Recording,
    minutes: Minutes,
    documents: tuple[Path, str, dict[str, Path]],
    request: MeetingRequest,
) -> tuple[Minutes, dict[str, Path], MeetingRequest, ReviewRecord]:
    """Open the review, wait for the decision, and write the documents again from her corrected
    minutes in the document type she chose (the secretary's text kept, never re-summarised); the
    draft's documents that the new ones do not replace are removed from the outbox.

    Args:
        documents: The draft's documents: their folder, formats and paths.
    """
    home = Home(settings.service.home_dir)
    path = recording.path
    heard_from = None if is_transcript_file(path) else recording_from(path, home.decoded_audio)
    with heard_from or nullcontext(None) as heard:
        record = open_review(
            home.path,
            client=client.folder,
            meeting_id=recording.meeting_id,
            flow_run_id=str(flow_run.get_id()),
            recording_name=path.name,
            minutes=minutes,
            heard=heard,
            template=request.template,
            voices_dir=request.voices_dir,
        )
    minutes, record = review_minutes(record, minutes, client.review_timeout_s)
    request = replace(request, template=record.template or request.template)
    target, formats, written = documents
    stem = documents_stem(path, minutes, target, formats, request)
    rewritten = write_documents(minutes, target, formats, stem, settings.minutes, request)
    for draft in set(written.values()) - set(rewritten.values()):
        draft.unlink(missing_ok=True)
    return minutes, rewritten, request, record


def _client_names_and_terms(base: ServiceConfig, client_cfg: ClientConfig | None) -> tuple[str, ...]:
    """What the client's past work taught: terms her reviews corrected, then the people its recent minutes named."""
    if client_cfg is None:
        return ()
    outbox = Layout(service_root(base.service)).stage("outbox", client_cfg.folder)
    return learned_vocabulary(base.service.home_dir, client_cfg.folder) + past_participants(outbox)


def _speaker_transcript(
    recording: Recording, request: MeetingRequest, settings: ServiceConfig, report: RunReport
) -> tuple[SpeakerTranscript, MeetingMeta]:
    """The recording's stages up to its speaker-attributed transcript: decode, the models, attribution."""
    work = Home(settings.service.home_dir).work
    audio_path = decode(recording, settings.audio, work, settings.diarize.channels)
    report.stage("decoded")
    try:
        transcript, diarization, known = run_model_stages(recording, audio_path, settings)
    finally:
        discard_decoded(work, recording)
    # The transcript's duration is the decoded audio's: the decoded file may be gone (a
    # concurrent run of the same content discards it), and the stages may come from the cache.
    require_speech(transcript, transcript.duration, recording.path)
    add_run_tags(f"language:{transcript.language}")
    report.stage("diarized")
    st = attribute(transcript, diarization, known, request.speaker_names)
    return st, meeting_meta(recording, request, transcript, diarization)
