"""faster-whisper behind the Transcriber role. The only module that imports faster_whisper."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.asr.guards import screen_segment
from pipeline.asr.model_store import bundled_whisper_base
from pipeline.config import BUNDLED_WHISPER, AsrSettings
from pipeline.errors import ModelUnavailableError
from pipeline.types import Audio, RejectedSegment, Transcript, TranscriptSegment, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]
"""Called with the number of audio seconds transcribed so far."""

UNDETERMINED = "und"  # ISO 639-2 code for "no language could be determined" (e.g. silence)


class Transcriber(Protocol):
    def transcribe(self, audio: Audio, progress: Progress | None = None) -> Transcript: ...


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def cuda_available() -> bool:
    import ctranslate2

    try:
        return ctranslate2.get_cuda_device_count() > 0
    except RuntimeError:  # CUDA driver missing or broken: behave as a CPU machine
        return False


def resolve_device(settings: AsrSettings) -> tuple[str, str]:
    """(device, compute_type): CUDA + float16 where a GPU is present, else CPU + int8."""
    device = settings.device
    if device == "auto":
        device = "cuda" if cuda_available() else "cpu"
    compute = settings.compute_type
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    return device, compute


def resolve_model_path(settings: AsrSettings) -> str:
    """A local directory for the bundled model, or the name/path as the user gave it."""
    if settings.model == BUNDLED_WHISPER:
        return str(bundled_whisper_base(settings.cache_dir))
    return settings.model


def _to_word(word: Any) -> Word:
    return Word(start=float(word.start), end=float(word.end), text=str(word.word), probability=float(word.probability))


def _to_segment(segment: Any) -> TranscriptSegment:
    return TranscriptSegment(
        start=float(segment.start),
        end=float(segment.end),
        text=str(segment.text).strip(),
        words=tuple(_to_word(w) for w in (segment.words or ())),
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
    )


def _clamp(segment: TranscriptSegment, duration: float) -> TranscriptSegment:
    """Keep times monotonic and inside the recording (Whisper can overshoot the end by a frame)."""
    words = tuple(
        Word(min(w.start, duration), min(max(w.end, w.start), duration), w.text, w.probability) for w in segment.words
    )
    start = min(segment.start, duration)
    return TranscriptSegment(
        start=start,
        end=min(max(segment.end, start), duration),
        text=segment.text,
        words=words,
        avg_logprob=segment.avg_logprob,
        no_speech_prob=segment.no_speech_prob,
    )


def screen_segments(
    raw: Iterable[TranscriptSegment], duration: float, progress: Progress | None = None
) -> tuple[tuple[TranscriptSegment, ...], tuple[RejectedSegment, ...]]:
    kept: list[TranscriptSegment] = []
    rejected: list[RejectedSegment] = []
    for segment in raw:
        good, bad = screen_segment(_clamp(segment, duration))
        if good is not None and good.text:
            kept.append(good)
        if bad is not None:
            logger.info("Dropped %.1f-%.1f s (%s): %r", bad.start, bad.end, bad.reason, bad.text[:80])
            rejected.append(bad)
        if progress is not None:
            progress(min(segment.end, duration))
    return tuple(kept), tuple(rejected)


class WhisperTranscriber:
    """Speech-to-text with faster-whisper; the model loads on first use and is then reused."""

    def __init__(self, settings: AsrSettings | None = None) -> None:
        self._settings = settings or AsrSettings()
        self._model: WhisperModel | None = None
        self._pipeline: Any = None
        self.load_seconds = 0.0

    @property
    def settings(self) -> AsrSettings:
        return self._settings

    def _load(self) -> WhisperModel:
        if self._model is None:
            from faster_whisper import WhisperModel

            s = self._settings
            device, compute = resolve_device(s)
            path = resolve_model_path(s)
            started = time.perf_counter()
            try:
                self._model = WhisperModel(
                    path,
                    device=device,
                    compute_type=compute,
                    cpu_threads=s.threads or available_cpus(),
                    download_root=str(s.cache_dir / "hub"),
                    local_files_only=s.offline and not Path(path).is_dir(),
                )
            except Exception as e:  # faster-whisper raises bare RuntimeError/OSError/hub errors
                hint = "" if Path(path).is_dir() else " (set [asr] offline = false to download it, or give a local directory)"
                raise ModelUnavailableError(f"Whisper model '{s.model}' cannot be loaded: {e}{hint}") from e
            self.load_seconds = time.perf_counter() - started
            logger.info("Loaded Whisper '%s' on %s/%s in %.2f s", s.model, device, compute, self.load_seconds)
        return self._model

    def _segments(self, audio: Audio) -> tuple[Iterable[Any], Any]:
        s = self._settings
        model = self._load()
        options: dict[str, Any] = {
            "language": s.language,
            "beam_size": s.beam_size,
            "word_timestamps": True,
            "vad_filter": s.vad,
            # Each window decodes on its own: previous text as prompt is what feeds repetition loops.
            "condition_on_previous_text": False,
            "hallucination_silence_threshold": 2.0,
        }
        if s.batch_size > 0:
            from faster_whisper import BatchedInferencePipeline

            if self._pipeline is None:
                self._pipeline = BatchedInferencePipeline(model)
            return self._pipeline.transcribe(audio.samples, batch_size=s.batch_size, **options)
        return model.transcribe(audio.samples, **options)

    def transcribe(self, audio: Audio, progress: Progress | None = None) -> Transcript:
        """Transcribe decoded audio; hallucinated text is moved to `Transcript.rejected`."""
        duration = audio.duration
        raw, info = self._segments(audio)
        segments, rejected = screen_segments((_to_segment(s) for s in raw), duration, progress)
        language = info.language if segments or self._settings.language else UNDETERMINED
        logger.info(
            "Transcribed %.1f s: %d segments, language %s (p=%.2f), %d rejected",
            duration,
            len(segments),
            language,
            info.language_probability,
            len(rejected),
        )
        return Transcript(
            language=language,
            duration=duration,
            model=self._settings.model,
            segments=segments,
            language_probability=float(info.language_probability) if segments else 0.0,
            rejected=rejected,
        )
