"""Prefect tasks: each a thin shell over one :mod:`pipeline.stages` function.

Model stages are cached on the recording's content hash and the settings that shape their
output, with persisted results, so a re-run after a later failure skips them. SERIALIZABLE
isolation with a file lock makes a second concurrent run of the same recording wait for the
first one's result instead of computing it again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import socket
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import Task, task
from prefect.cache_policies import CacheKeyFnPolicy
from prefect.context import TaskRunContext
from prefect.locking.filesystem import FileSystemLockManager

from flows.stage_wait import PrefectProbe, worker_result
from pipeline import stages
from pipeline.config import AsrSettings, AudioSettings, DiarizeSettings, MinutesSettings
from pipeline.models import get_diarizer, get_transcriber
from pipeline.stages import MeetingRequest
from pipeline.summarize import MeetingMeta, Minutes
from pipeline.transcripts import meeting as transcripts_meeting
from pipeline.types import (
    Audio,
    Diarization,
    Recording,
    SpeakerTranscript,
    SpeakerTurn,
    Transcript,
    TranscriptSegment,
    Word,
)
from pipeline.workspace import decode_to_file, load_decoded
from service.layout import Home
from service.settings import ServiceConfig, ServiceSettings, default_home

logger = logging.getLogger(__name__)

CACHE_EXPIRY = timedelta(days=30)


class ServiceLocks(FileSystemLockManager):
    """File locks under the service's home, resolved when used (the home is set per process)."""

    def __init__(self) -> None:
        self._locks = {}

    @property  # type: ignore[override]
    def lock_files_directory(self) -> Path:
        return Home(default_home()).locks

    @lock_files_directory.setter
    def lock_files_directory(self, value: Path) -> None:  # the base class assigns it; ours is derived
        pass

    def acquire_lock(
        self, key: str, holder: str, acquire_timeout: float | None = None, hold_timeout: float | None = None
    ) -> bool:
        acquired = super().acquire_lock(key, holder, acquire_timeout, hold_timeout)
        if acquired:
            self._owner_path(key).write_text(f"{socket.gethostname()}:{os.getpid()}", encoding="utf-8")
        return acquired

    def release_lock(self, key: str, holder: str) -> None:
        super().release_lock(key, holder)
        self._owner_path(key).unlink(missing_ok=True)

    def is_locked(self, key: str, use_cache: bool = False) -> bool:
        """Locked, unless its owner was a process of this host that is gone (killed mid-stage):
        Prefect's lock has no expiry, so a stale one would block every later run of the recording."""
        if not super().is_locked(key, use_cache=use_cache):
            return False
        if not self._owner_gone(key):
            return True
        logger.warning("Removing the lock of %s left by a process that no longer exists", key)
        self._lock_path_for_key(key).unlink(missing_ok=True)
        self._owner_path(key).unlink(missing_ok=True)
        self._locks.pop(key, None)
        return False

    def _owner_path(self, key: str) -> Path:
        return self.lock_files_directory / f"{key}.owner"

    def _owner_gone(self, key: str) -> bool:
        try:
            host, _, pid = self._owner_path(key).read_text(encoding="utf-8").rpartition(":")
        except FileNotFoundError:  # being written, or a lock taken by another tool: keep it
            return False
        if host != socket.gethostname() or not pid.isdigit():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, another user's
            return False
        return False


def settings_digest(settings: Any) -> str:
    """A stable digest of frozen settings (their repr leaves secrets out)."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


# The types the model stages return, whose pickles the cache keeps (Prefect's default serializer).
CACHED_TYPES: tuple[type, ...] = (Transcript, TranscriptSegment, Word, Diarization, SpeakerTurn)


def result_shape(types: tuple[type, ...] = CACHED_TYPES) -> str:
    """A digest of the cached types' fields. A field added to one (an upgrade) makes new keys: an older
    pickle would load without that field, and reading it would fail the run (slots dataclasses)."""
    shape = ";".join(f"{t.__qualname__}:{','.join(f.name for f in fields(t))}" for t in types)
    return hashlib.sha256(shape.encode()).hexdigest()[:8]


def _stage_key(stage: str, shape: str | None = None) -> Callable[[TaskRunContext, dict[str, Any]], str]:
    shape = shape or result_shape()

    def key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
        recording: Recording = parameters["recording"]
        # Transcription's channels mode comes from [diarize] too: a change of it is another transcript.
        channels = f"-{parameters['channels']}" if parameters.get("channels") else ""
        return f"{stage}-{recording.sha256}-{settings_digest(parameters['settings'])}{channels}-{shape}"

    return key


def stage_cache(stage: str) -> CacheKeyFnPolicy:
    return CacheKeyFnPolicy(cache_key_fn=_stage_key(stage)).configure(
        isolation_level="SERIALIZABLE", lock_manager=ServiceLocks()
    )


@contextmanager
def gpu_slot(device: str, limit_name: str) -> Iterator[None]:
    """One GPU job at a time across every process, through a Prefect global concurrency limit."""
    if device != "cuda":
        yield
        return
    from prefect.concurrency.sync import concurrency

    with concurrency(limit_name, occupy=1):
        yield


def _audio(recording: Recording, audio_path: Path, channels: str = "mix") -> Audio:
    """The run's decoded audio (with the channel scan the decode saved beside it, if any); a model
    worker on another host (no shared work folder) decodes its own, scanning its channels per `channels`."""
    if audio_path.exists():
        return load_decoded(audio_path)
    logger.info("Decoded audio not found here (%s): decoding %s on this host", audio_path, recording.path.name)
    return stages.decode(recording.path, AudioSettings(), channels)


def model_stage(name: str, tags: set[str]) -> Any:
    """The task decorator of a model stage: cached per recording and settings, retried once."""
    return task(
        name=name,
        cache_policy=stage_cache(name),
        cache_expiration=CACHE_EXPIRY,
        retries=1,
        retry_delay_seconds=15,
        tags=tags,
    )


@task(name="decode", retries=0, persist_result=False)
def decode(recording: Recording, settings: AudioSettings, work_dir: Path, channels: str | None = None) -> Path:
    """Decode once; later stages map the returned file instead of passing samples around.

    `channels` is ``[diarize] channels`` (None: its default): a recording whose channels may be
    diarized apart has them scanned by this same decode, the scan saved beside the audio.
    """
    return decode_to_file(recording, settings, work_dir, channels or DiarizeSettings().channels)


def transcribe_stage(
    recording: Recording, audio_path: Path, settings: AsrSettings, gpu_limit: str, channels: str | None = None
) -> Transcript:
    """`channels`: :func:`pipeline.stages.transcription_channels`; a recording diarized by channel is
    transcribed by channel, its channels decoded again from `recording`."""
    transcriber = get_transcriber(settings)
    with gpu_slot(transcriber.device, gpu_limit):
        audio = _audio(recording, audio_path, channels or "mix")
        return stages.transcribe(audio, transcriber, None, recording.path, channels)


def diarize_stage(recording: Recording, audio_path: Path, settings: DiarizeSettings, gpu_limit: str) -> Diarization:
    diarizer = get_diarizer(settings)
    with gpu_slot(diarizer.device, gpu_limit):
        audio = _audio(recording, audio_path, settings.channels)
        return stages.diarize(audio, diarizer, recording.path, settings.channels)


def identify_stage(
    recording: Recording, audio_path: Path, diarization: Diarization, settings: DiarizeSettings, gpu_limit: str
) -> dict[str, str]:
    """Known voices, in the model worker: it holds the diarizer whose embeddings recognise them."""
    diarizer = get_diarizer(settings)
    with gpu_slot(diarizer.device, gpu_limit):
        return stages.identify_speakers(_audio(recording, audio_path), diarization, diarizer, settings)


@task(name="read-transcript", persist_result=False)
def read_meeting_transcript(path: Path, request: MeetingRequest) -> tuple[SpeakerTranscript, MeetingMeta]:
    """A transcript file in place of decode, the models and attribution (not retried: a bad file stays bad)."""
    return transcripts_meeting.read_meeting_transcript(path, request)


@task(name="attribute-speakers", persist_result=False)
def attribute(
    transcript: Transcript, diarization: Diarization, known: dict[str, str], speaker_names: tuple[tuple[str, str], ...]
) -> SpeakerTranscript:
    return stages.attribute(transcript, diarization, known, speaker_names)


@task(name="write-minutes", retries=1, retry_delay_seconds=5, persist_result=False)
def write_minutes(st: SpeakerTranscript, settings: MinutesSettings, meta: MeetingMeta) -> Minutes:
    return stages.write_minutes(st, settings, meta)


@task(name="write-documents", persist_result=False)
def write_documents(
    minutes: Minutes, out_dir: Path, formats: str, stem: str, settings: MinutesSettings, request: MeetingRequest
) -> dict[str, Path]:
    return stages.write_documents(minutes, out_dir, formats, stem, settings, request)


def service_key(service: ServiceSettings) -> str:
    """What tells this service's model stages from another's on one Prefect server: its `[service] name`,
    else its home folder (readable, with a digest that keeps two homes of the same name apart)."""
    source = service.name or str(service.home_dir.expanduser().resolve())
    ascii_name = unicodedata.normalize("NFKD", service.name or service.home_dir.name).encode("ascii", "ignore")
    readable = re.sub(r"[^a-z0-9]+", "_", ascii_name.decode().lower()).strip("_")[:24]
    digest = hashlib.sha256(source.encode()).hexdigest()[:8]
    return f"{readable}_{digest}" if readable else digest


def stage_tag(service: ServiceSettings) -> str:
    """The tag every model stage of the service carries (shown in the UI, and how its stages are found)."""
    return _tag(service_key(service))


def _tag(key: str) -> str:
    return f"service:{key}"


def model_worker_log(home: Path) -> Path:
    return Home(home).logs / "model-worker.log"


def model_worker_ready_file(home: Path) -> Path:
    """Written by the service's model worker once its models are loaded (empty) or failed (the reason)."""
    return Home(home).work / "model-worker.ready"


@dataclass(frozen=True, slots=True)
class ModelStages:
    """The stages that need a loaded model, as the tasks of one service (see :func:`service_stages`)."""

    transcribe: Task[..., Transcript]
    diarize: Task[..., Diarization]
    identify_speakers: Task[..., dict[str, str]]

    def all(self) -> tuple[Task[..., Any], ...]:
        """What the service's model worker serves."""
        return (self.transcribe, self.diarize, self.identify_speakers)


def service_stages(service: ServiceSettings) -> ModelStages:
    """The model stages of `service`, the same in the flow that sends them and in the worker that serves them.

    A task worker takes the task runs of the task keys it serves, and Prefect derives a task's key
    from its function's qualified name: each stage is wrapped in a function named after the service
    (``transcribe_stage_<key>``), so a model worker never takes the stages of another service that
    shares its Prefect server.
    """
    return _stages_of(service_key(service))


@functools.lru_cache(maxsize=8)
def _stages_of(key: str) -> ModelStages:
    tags = {_tag(key)}
    return ModelStages(
        transcribe=model_stage("transcribe", tags)(_named_for(transcribe_stage, key)),
        diarize=model_stage("diarize", tags)(_named_for(diarize_stage, key)),
        identify_speakers=task(
            name="identify-speakers", retries=1, retry_delay_seconds=15, persist_result=False, tags=tags
        )(_named_for(identify_stage, key)),
    )


def _named_for(stage: Callable[..., Any], key: str) -> Callable[..., Any]:
    """`stage` under a qualified name of its own to one service (its signature and docs kept)."""

    @functools.wraps(stage)
    def named(*args: Any, **kwargs: Any) -> Any:
        return stage(*args, **kwargs)

    named.__qualname__ = f"{stage.__name__}_{key}"
    return named


def run_model_stages(
    recording: Recording, audio_path: Path, settings: ServiceConfig
) -> tuple[Transcript, Diarization, dict[str, str]]:
    """The model stages: transcription and diarization at once, then known voices; in the long-lived
    task worker when the service runs one (models stay loaded there), else in this process."""
    limit = settings.service.gpu_limit
    own = service_stages(settings.service)
    args_t = (recording, audio_path, settings.asr, limit, stages.transcription_channels(settings))
    args_d = (recording, audio_path, settings.diarize, limit)
    if settings.service.task_worker:
        probe = PrefectProbe(stage_tag(settings.service), model_worker_ready_file(settings.service.home_dir))
        hint = f"is the model worker running? See {model_worker_log(settings.service.home_dir)}"

        def send(stage: Task[..., Any], *args: Any) -> tuple[Any, Callable[[], Any], str]:
            resend = functools.partial(stage.delay, *args)
            return resend(), resend, stage.name

        def result(sent: tuple[Any, Callable[[], Any], str]) -> Any:
            future, resend, name = sent
            return worker_result(future, resend, probe=probe, what=name, hint=hint)

        sent_t, sent_d = send(own.transcribe, *args_t), send(own.diarize, *args_d)  # both run at once
        transcript, diarization = result(sent_t), result(sent_d)
        known = result(send(own.identify_speakers, recording, audio_path, diarization, settings.diarize, limit))
        return transcript, diarization, known
    future_t = own.transcribe.submit(*args_t)
    future_d = own.diarize.submit(*args_d)
    transcript, diarization = future_t.result(), future_d.result()
    return transcript, diarization, own.identify_speakers(recording, audio_path, diarization, settings.diarize, limit)
