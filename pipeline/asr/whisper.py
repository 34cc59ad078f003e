"""faster-whisper behind the Transcriber role. The only module that imports faster_whisper."""

from __future__ import annotations

import functools
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.asr.coverage import MAX_PIECE_S, Span, merge_recovered, uncovered_speech
from pipeline.asr.guards import screen_segments
from pipeline.asr.languages import DETECTION_S, window_language
from pipeline.asr.model_store import bundled_whisper_base
from pipeline.asr.vocabulary import echoes_hint, tokenizer_hint
from pipeline.asr.windows import Window, plan_windows
from pipeline.config import BUNDLED_WHISPER, AsrSettings
from pipeline.device import resolve_device
from pipeline.errors import ModelUnavailableError
from pipeline.roles import Progress
from pipeline.types import Audio, RejectedSegment, Transcript, TranscriptSegment, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

logger = logging.getLogger(__name__)

UNDETERMINED = "und"  # ISO 639-2 code for "no language could be determined" (e.g. silence)
CPU_BATCH_SIZE = 4
GPU_BATCH_SIZE = 8
# The decoder input that carries the vocabulary: "hotwords" (every 30 s chunk, both decoding paths)
# or "initial_prompt" (the sequential path gives it to the first chunk only when, as here, previous
# text is not carried on). bench/vocabulary_eval.py compares them.
HINT_FIELDS = ("hotwords", "initial_prompt")


def model_settings(settings: AsrSettings) -> AsrSettings:
    """What of `settings` loads the model; settings equal in it share one loaded model, whatever each
    recording asks of the decoding (language, vocabulary, windows, beam)."""
    s = settings
    return AsrSettings(
        model=s.model,
        device=s.device,
        compute_type=s.compute_type,
        threads=s.threads,
        batch_size=s.batch_size,
        offline=s.offline,
        cache_dir=s.cache_dir,
    )


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def device_and_compute(settings: AsrSettings) -> tuple[str, str]:
    """(device, compute_type): CUDA + float16 where a GPU is present, else CPU + int8."""
    device = resolve_device(settings.device, "ctranslate2")
    compute = settings.compute_type
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    return device, compute


@functools.cache
def whisper_languages() -> frozenset[str]:
    """The language codes Whisper knows ("fr", "en", ...), from faster-whisper's tokenizer."""
    from faster_whisper import tokenizer

    codes = getattr(tokenizer, "_LANGUAGE_CODES", None) or tokenizer.LANGUAGE_CODES  # renamed across versions
    return frozenset(codes)


def resolve_batch_size(settings: AsrSettings, device: str) -> int:
    """The batch size to decode with (0: sequential); unset, 4 on a CPU and 8 on a GPU.

    On the 2-core benchmark machine batches of 4, 8 and 16 took the same CPU time and gave the
    same WER on the 60-minute recording, and each doubling added 0.35-0.6 GB of peak memory
    (activations for the whole batch). 8 is faster-whisper's own default.
    """
    if settings.batch_size is not None:
        return settings.batch_size
    return GPU_BATCH_SIZE if device == "cuda" else CPU_BATCH_SIZE


def resolve_model_path(settings: AsrSettings) -> str:
    """A local directory for the bundled model, or the name/path as the user gave it."""
    if settings.model == BUNDLED_WHISPER:
        return str(bundled_whisper_base(settings.cache_dir))
    return settings.model


def _to_word(word: Any, offset: float) -> Word:
    return Word(
        start=float(word.start) + offset,
        end=float(word.end) + offset,
        text=str(word.word),
        probability=float(word.probability),
    )


def _to_segment(segment: Any, offset: float = 0.0) -> TranscriptSegment:
    """Our segment from faster-whisper's, its times moved by `offset` (the window's start)."""
    return TranscriptSegment(
        start=float(segment.start) + offset,
        end=float(segment.end) + offset,
        text=str(segment.text).strip(),
        words=tuple(_to_word(w, offset) for w in (segment.words or ())),
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
    )


def speech_spans(samples: np.ndarray, sample_rate: int) -> tuple[Span, ...]:
    """Voice activity (Silero, bundled with faster-whisper), in seconds of `samples`."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    # The batched pipeline's own settings: 160 ms pauses split speech; no piece exceeds a window.
    options = VadOptions(min_silence_duration_ms=160, max_speech_duration_s=MAX_PIECE_S)
    return tuple((s["start"] / sample_rate, s["end"] / sample_rate) for s in get_speech_timestamps(samples, options))


@dataclass(slots=True)
class _Loaded:
    """The loaded model, shared by the transcribers of every recording that runs it."""

    model: Any = None
    pipeline: Any = None
    batch_size: int = 0
    seconds: float = 0.0


class WhisperTranscriber:
    """Speech-to-text with faster-whisper; the model loads on first use and is then reused.

    Args:
        settings: Which model, where, and what to tell it (language, vocabulary).
        hint_field: The decoder input that carries the vocabulary (one of `HINT_FIELDS`).
    """

    def __init__(self, settings: AsrSettings | None = None, *, hint_field: str = "hotwords") -> None:
        if hint_field not in HINT_FIELDS:
            raise ValueError(f"hint_field = {hint_field!r}: use one of {', '.join(HINT_FIELDS)}")
        self._settings = settings or AsrSettings()
        self._hint_field = hint_field
        self._hint: str | None = None
        self._loaded = _Loaded()

    def with_recording_settings(self, settings: AsrSettings) -> WhisperTranscriber:
        """This transcriber, sharing its loaded model, with another recording's language and vocabulary.

        Raises:
            ValueError: `settings` differ in the model itself (model, device, threads, batch size...).
        """
        if model_settings(settings) != model_settings(self._settings):
            raise ValueError("these settings need a model of their own: make a new WhisperTranscriber")
        other = WhisperTranscriber(settings, hint_field=self._hint_field)
        other._loaded = self._loaded
        return other

    @property
    def settings(self) -> AsrSettings:
        return self._settings

    @property
    def load_seconds(self) -> float:
        return self._loaded.seconds

    @property
    def hint(self) -> str:
        """The vocabulary as Whisper is given it: as many terms as fit in its prompt (loads the model)."""
        if self._hint is None:
            self._hint = tokenizer_hint(self._settings.vocabulary, self._load().hf_tokenizer)
        return self._hint

    @property
    def device(self) -> str:
        """ "cuda" or "cpu", without loading the model."""
        return resolve_device(self._settings.device, "ctranslate2")

    @property
    def label(self) -> str:
        """The model as the minutes name it: "Whisper base", "Whisper large-v3", "Whisper my-model"."""
        return f"Whisper {Path(self._settings.model).name or self._settings.model}"

    def _load(self) -> WhisperModel:
        loaded = self._loaded
        if loaded.model is None:
            from faster_whisper import WhisperModel

            s = self._settings
            device, compute = device_and_compute(s)
            path = resolve_model_path(s)
            started = time.perf_counter()
            try:
                loaded.model = WhisperModel(
                    path,
                    device=device,
                    compute_type=compute,
                    cpu_threads=s.threads or available_cpus(),
                    download_root=str(s.cache_dir / "hub"),
                    local_files_only=s.offline and not Path(path).is_dir(),
                )
            except Exception as e:  # faster-whisper raises bare RuntimeError/OSError/hub errors
                hint = (
                    ""
                    if Path(path).is_dir()
                    else " (set [asr] offline = false to download it, or give a local directory)"
                )
                raise ModelUnavailableError(f"Whisper model '{s.model}' cannot be loaded: {e}{hint}") from e
            loaded.seconds = time.perf_counter() - started
            loaded.batch_size = resolve_batch_size(s, device)
            logger.info(
                "Loaded Whisper '%s' on %s/%s in %.2f s (batch size %d)",
                s.model,
                device,
                compute,
                loaded.seconds,
                loaded.batch_size,
            )
        model: WhisperModel = loaded.model
        return model

    def load(self) -> None:
        """Load the model now, e.g. when a worker starts, so that no recording waits for it.

        Raises:
            ModelUnavailableError: the model cannot be found or loaded.
        """
        self._load()

    def _run(
        self, samples: np.ndarray, language: str | None, clips: tuple[Span, ...] | None, hint: bool = True
    ) -> tuple[Any, Any]:
        """One faster-whisper pass over `samples`: where VAD finds speech, or over `clips` (seconds) only."""
        s = self._settings
        model = self._load()
        options: dict[str, Any] = {
            "language": language,
            "beam_size": s.beam_size,
            "word_timestamps": True,
            "vad_filter": s.vad and clips is None,
            # Each window decodes on its own: previous text as prompt is what feeds repetition loops.
            "condition_on_previous_text": False,
            "hallucination_silence_threshold": 2.0,
        }
        if hint and s.vocabulary and self.hint:
            options[self._hint_field] = self.hint
        loaded = self._loaded
        if loaded.batch_size > 0:
            from faster_whisper import BatchedInferencePipeline

            if loaded.pipeline is None:
                loaded.pipeline = BatchedInferencePipeline(model)
            if clips is not None:
                options["clip_timestamps"] = [{"start": start, "end": end} for start, end in clips]
            return loaded.pipeline.transcribe(samples, batch_size=loaded.batch_size, **options)
        if clips is not None:
            options["clip_timestamps"] = [t for clip in clips for t in clip]
        return model.transcribe(samples, **options)

    def _recover(
        self, samples: np.ndarray, sample_rate: int, decoded: list[TranscriptSegment], offset: float, language: str
    ) -> tuple[TranscriptSegment, ...]:
        """Decode again the speech no decoded word covers (see pipeline.asr.coverage)."""
        if not self._settings.vad:
            return ()
        words = [(w.start - offset, w.end - offset) for segment in decoded for w in segment.words]
        gaps = uncovered_speech(speech_spans(samples, sample_rate), words)
        if not gaps:
            return ()
        logger.info(
            "Decoding again %d stretch(es) of speech no word covered (%.1f s, from %.1f s)",
            len(gaps),
            sum(end - start for start, end in gaps),
            offset + gaps[0][0],
        )
        # Without the vocabulary: what it made Whisper write back was dropped, and is decoded here.
        raw, _ = self._run(samples, language, gaps, hint=False)
        return tuple(_to_segment(segment, offset) for segment in raw)

    def detect_language(self, samples: np.ndarray, sample_rate: int = 16_000) -> tuple[str, float] | None:
        """Whisper's language of the first 30 s of speech in `samples` and its probability; None without speech."""
        model = self._load()
        spans = speech_spans(samples, sample_rate)
        if not spans or not model.model.is_multilingual:
            return None
        speech = np.concatenate([samples[int(a * sample_rate) : int(b * sample_rate)] for a, b in spans])
        language, probability, _ = model.detect_language(audio=speech)
        return str(language), float(probability)

    def _window_language(self, audio: Audio, window: Window, meeting: str) -> str:
        """The language to decode `window` in: its own where Whisper is sure of it, else the meeting's."""
        head = audio.samples[window.start : min(window.end, window.start + int(DETECTION_S * audio.sample_rate))]
        found = self.detect_language(head, audio.sample_rate)
        language = meeting if found is None else window_language(meeting, *found)
        if found is not None and language != meeting:
            logger.info(
                "Window at %.0f s is in %s (p=%.2f), not %s: decoded in it",
                window.offset(audio.sample_rate),
                *found,
                meeting,
            )
        return language

    def _window(
        self, audio: Audio, window: Window, language: str | None, progress: Progress | None
    ) -> tuple[tuple[TranscriptSegment, ...], Any]:
        """Decoded segments of one window, in recording time, and faster-whisper's info on it."""
        offset = window.offset(audio.sample_rate)
        samples = audio.samples[window.start : window.end]  # a view: the recording is never copied
        raw, info = self._run(samples, language, None)
        decoded: list[TranscriptSegment] = []
        for segment in raw:  # the generator decodes as it is consumed
            converted = _to_segment(segment, offset)
            if progress is not None:
                progress(min(converted.end, window.end / audio.sample_rate))
            if echoes_hint(converted.text, self._settings.vocabulary):
                logger.info(
                    "Dropped %.1f-%.1f s (vocabulary written back): %r", converted.start, converted.end, converted.text
                )
                continue
            decoded.append(converted)
        recovered = self._recover(samples, audio.sample_rate, decoded, offset, info.language)
        return merge_recovered(decoded, recovered), info

    def transcribe(self, audio: Audio, progress: Progress | None = None) -> Transcript:
        """Transcribe decoded audio; hallucinated text is moved to `Transcript.rejected`.

        Recordings longer than `window_s` are transcribed window by window (cut at pauses) so that
        memory does not grow with their length. The language found in the first window with
        speech is the meeting's; with `language_per_window`, a later window is decoded in its own
        language when Whisper is sure of it (see :mod:`pipeline.asr.languages`), else in the meeting's.
        """
        duration = audio.duration
        windows = plan_windows(audio.samples, audio.sample_rate, self._settings.window_s)
        language, probability = self._settings.language, 1.0
        per_window = self._settings.language_per_window and self._settings.language is None
        segments: list[TranscriptSegment] = []
        rejected: list[RejectedSegment] = []
        for number, window in enumerate(windows, 1):
            asked = self._window_language(audio, window, language) if per_window and language else language
            decoded, info = self._window(audio, window, asked, progress)
            end = window.end / audio.sample_rate
            kept, dropped = screen_segments(decoded, end)
            segments += kept
            rejected += dropped
            if language is None and kept:
                language, probability = info.language, float(info.language_probability)
            if len(windows) > 1:
                logger.info(
                    "Window %d/%d (%.0f-%.0f s): %d segments",
                    number,
                    len(windows),
                    window.offset(audio.sample_rate),
                    end,
                    len(kept),
                )
            if progress is not None:
                progress(end)
        if not segments:
            language, probability = language if self._settings.language else UNDETERMINED, 0.0
        logger.info(
            "Transcribed %.1f s: %d segments, language %s (p=%.2f), %d rejected",
            duration,
            len(segments),
            language,
            probability,
            len(rejected),
        )
        return Transcript(
            language=language or UNDETERMINED,
            duration=duration,
            model=self.label,
            segments=tuple(segments),
            language_probability=probability,
            rejected=tuple(rejected),
        )
