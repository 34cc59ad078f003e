"""pyannote.audio adapter: the only diarization code that touches torch and pyannote.

Nothing heavy is imported at module import: the pipeline is built on the first call.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.config import BUNDLED_DIARIZATION, DiarizeSettings, disable_pyannote_telemetry
from pipeline.device import resolve_device
from pipeline.errors import ModelUnavailableError, PipelineError
from pipeline.types import SAMPLE_RATE, Audio, Diarization, SpeakerTurn

if TYPE_CHECKING:
    from pyannote.core import Annotation

logger = logging.getLogger(__name__)

# Longest piece of speech embedded at once, and the total kept per speaker for voice matching.
_EMBED_PIECE = 10.0
_EMBED_BUDGET = 120.0
_MIN_PIECE = 1.0
# (segmentation chunks, CAM++ blocks) per batch when the settings leave them unset.
_CPU_BATCHES = (8, 1)
_GPU_BATCHES = (32, 8)
BUNDLED_LABEL = "pyannote segmentation-3.0 + CAM++"


def model_settings(settings: DiarizeSettings) -> DiarizeSettings:
    """`settings` without what only one recording asks of the model (a client's speaker counts and known
    voices): equal model settings can share one loaded model."""
    return replace(settings, num_speakers=None, min_speakers=None, max_speakers=None, voices_dir=None)


@dataclass(slots=True)
class _Loaded:
    """The loaded model, shared by the diarizers of every recording that runs it."""

    pipeline: Any = None
    device: Any = None


class PyannoteDiarizer:
    """Speaker diarization with pyannote.audio 4, offline by default.

    Args:
        settings: which model, device, speaker-count bounds and batch sizes to use.

    Example:
        >>> diarizer = PyannoteDiarizer(DiarizeSettings(max_speakers=6))
        >>> diarization = diarizer.diarize(load_audio("meeting.m4a"))
    """

    def __init__(self, settings: DiarizeSettings | None = None) -> None:
        self._settings = settings or DiarizeSettings()
        self._loaded = _Loaded()

    @property
    def settings(self) -> DiarizeSettings:
        return self._settings

    def with_recording_settings(self, settings: DiarizeSettings) -> PyannoteDiarizer:
        """This diarizer, sharing its loaded model, with another recording's speaker hints and known voices.

        Raises:
            ValueError: `settings` differ in the model itself (model, device, batches, step, threads...).
        """
        if model_settings(settings) != model_settings(self._settings):
            raise ValueError("these settings need a model of their own: make a new PyannoteDiarizer")
        other = PyannoteDiarizer(settings)
        other._loaded = self._loaded
        return other

    @property
    def _pipeline(self) -> Any:
        return self._loaded.pipeline

    @property
    def _device(self) -> Any:
        return self._loaded.device

    @property
    def model_name(self) -> str:
        return self._settings.model

    @property
    def device(self) -> str:
        """ "cuda" or "cpu", without loading the model."""
        return resolve_device(self._settings.device, "torch")

    @property
    def label(self) -> str:
        """The model as the minutes name it: the bundled pair, or the configured pipeline's name."""
        if self._settings.model == BUNDLED_DIARIZATION:
            return BUNDLED_LABEL
        return f"pyannote {Path(self._settings.model).name or self._settings.model}"

    def load(self) -> None:
        """Load the model now, e.g. when a worker starts, so that no recording waits for it.

        Raises:
            ModelUnavailableError: the model cannot be found or loaded.
        """
        self._load()

    def _load(self) -> Any:
        if self._pipeline is None:
            disable_pyannote_telemetry()
            import torch

            s = self._settings
            started = time.perf_counter()
            device = self.device
            if s.threads:
                # Process-wide; diarization is this process's only torch user. The segmentation LSTM
                # runs thousands of tiny parallel steps, and with two threads each one stalls while
                # another process (transcription, say) holds a core: 15x the CPU time (README).
                torch.set_num_threads(s.threads)
            try:
                torch_device = torch.device(device)
            except (RuntimeError, ValueError) as e:
                raise _unusable_device(s.device, e) from e
            if s.model == BUNDLED_DIARIZATION:
                pipeline = _bundled_pipeline(s, _batch_sizes(s, torch_device))
            else:
                pipeline = _hub_pipeline(s)
            try:
                pipeline.to(torch_device)
            except (RuntimeError, ValueError) as e:
                raise _unusable_device(s.device, e) from e
            self._loaded.device, self._loaded.pipeline = torch_device, pipeline
            logger.info("Loaded diarization model %s on %s in %.1f s", s.model, device, time.perf_counter() - started)
        return self._pipeline

    def diarize(
        self,
        audio: Audio,
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
    ) -> Diarization:
        """Who speaks when.

        Speaker-count arguments override the settings for this call. `num_speakers` forces the
        count; `min_speakers`/`max_speakers` bound the estimate.

        Returns:
            All turns (overlapping speech gives simultaneous turns) and the exclusive turns (one
            speaker at a time), labelled "SPEAKER_00", "SPEAKER_01", ... and sorted by start.

        Raises:
            ModelUnavailableError: the model cannot be loaded.
            PipelineError: diarization failed (e.g. out of memory: lower the batch sizes).
        """
        if audio.sample_rate != SAMPLE_RATE:
            raise ValueError(f"diarization expects {SAMPLE_RATE} Hz audio, got {audio.sample_rate} Hz")
        s = self._settings
        count = _speaker_bounds(
            num_speakers if num_speakers is not None else s.num_speakers,
            min_speakers if min_speakers is not None else s.min_speakers,
            max_speakers if max_speakers is not None else s.max_speakers,
        )
        if audio.duration < 0.1 or not np.any(audio.samples):
            return Diarization((), (), audio.duration, self.label)
        pipeline = self._load()
        started = time.perf_counter()
        output = self._run(pipeline, audio, count)
        overlapping = getattr(output, "speaker_diarization", output)
        exclusive = getattr(output, "exclusive_speaker_diarization", None)
        turns = _turns(overlapping)
        exclusive_turns = _turns(exclusive) if exclusive is not None else _exclusive(turns)
        result = Diarization(turns, exclusive_turns, audio.duration, self.label)
        elapsed = time.perf_counter() - started
        logger.info(
            "Diarized %.1f s of audio in %.1f s (%.3f x real time): %d speakers, %d turns",
            audio.duration, elapsed, elapsed / max(audio.duration, 1e-9), len(result.speakers), len(turns),
        )  # fmt: skip
        return result

    def _run(self, pipeline: Any, audio: Audio, count: dict[str, int]) -> Any:
        import torch

        samples = np.ascontiguousarray(audio.samples, dtype=np.float32)
        with warnings.catch_warnings():
            # Decoded audio is memory-mapped read-only and shared with transcription; pyannote
            # only reads the waveform, so no copy of the whole recording is made.
            warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
            waveform = torch.from_numpy(samples)[None]
        file: dict[str, Any] = {"waveform": waveform, "sample_rate": audio.sample_rate, "uri": "audio"}
        try:
            return pipeline(file, **count)
        except RuntimeError as e:
            if "out of memory" in str(e).lower():
                raise PipelineError(
                    "Diarization ran out of memory: lower [diarize] segmentation_batch_size / "
                    "embedding_batch_size, or use device = 'cpu'"
                ) from e
            raise PipelineError(f"Diarization failed: {e}") from e

    def embed(self, audio: Audio) -> np.ndarray:
        """Unit-length voice embedding of a clip (the pipeline's own embedding model).

        Raises:
            ModelUnavailableError: the model cannot be loaded.
            ValueError: the clip is shorter than 0.5 s.
        """
        if audio.duration < 0.5:
            raise ValueError(f"a voice clip needs at least 0.5 s of audio, got {audio.duration:.2f} s")
        return self._embed_spans(audio, [(0.0, audio.duration)])

    def speaker_embeddings(self, audio: Audio, diarization: Diarization) -> dict[str, np.ndarray]:
        """One unit-length embedding per speaker, from (up to 2 min of) their exclusive turns."""
        spans: dict[str, list[tuple[float, float]]] = {}
        for turn in diarization.exclusive or diarization.turns:
            spans.setdefault(turn.speaker, []).append((turn.start, turn.end))
        result = {}
        for speaker, turns in spans.items():
            turns.sort(key=lambda t: t[0] - t[1])  # longest first
            long_enough = [t for t in turns if t[1] - t[0] >= _MIN_PIECE] or turns
            kept, total = [], 0.0
            for start, end in long_enough:
                if total >= _EMBED_BUDGET:
                    break
                kept.append((start, end))
                total += end - start
            result[speaker] = self._embed_spans(audio, kept)
        return result

    def _embed_spans(self, audio: Audio, spans: list[tuple[float, float]]) -> np.ndarray:
        import torch

        embedding = self._load()._embedding
        rate = audio.sample_rate
        min_samples = int(getattr(embedding, "min_num_samples", 400))
        pieces, weights = [], []
        for start, end in spans:
            t = start
            while t < end - 1e-3:
                stop = min(end, t + _EMBED_PIECE)
                piece = audio.samples[int(t * rate) : int(stop * rate)]
                if len(piece) >= min_samples:
                    pieces.append(piece)
                    weights.append(len(piece))
                t = stop
        if not pieces:
            raise ValueError("not enough speech to compute a voice embedding")
        vectors = []
        for piece in pieces:  # one at a time: pieces differ in length
            waveform = torch.from_numpy(np.ascontiguousarray(piece, dtype=np.float32))[None, None]
            vectors.append(np.asarray(embedding(waveform.to(self._device)), dtype=np.float64)[0])
        stacked = np.stack(vectors)
        stacked /= np.maximum(np.linalg.norm(stacked, axis=1, keepdims=True), 1e-12)
        mean = np.average(stacked, axis=0, weights=np.asarray(weights, dtype=np.float64))
        return mean / max(float(np.linalg.norm(mean)), 1e-12)


def _speaker_bounds(num: int | None, low: int | None, high: int | None) -> dict[str, int]:
    if num is not None:
        return {"num_speakers": num}
    bounds = {}
    if low is not None:
        bounds["min_speakers"] = low
    if high is not None:
        bounds["max_speakers"] = high
    return bounds


def _unusable_device(device: str, error: Exception) -> ModelUnavailableError:
    return ModelUnavailableError(f"[diarize] device = {device!r} cannot be used ({error}); try 'cpu'")


def _batch_sizes(s: DiarizeSettings, device: Any) -> tuple[int, int]:
    """(segmentation, CAM++) batch sizes: the settings', else the best measured for the device.

    On a CPU, small batches keep SincNet's and CAM++'s activations in cache: 8 segmentation
    chunks and 1 CAM++ block cost 23 % and 38 % less CPU than 32 and 8 (README, diarization).
    """
    auto = _GPU_BATCHES if device.type == "cuda" else _CPU_BATCHES
    return s.segmentation_batch_size or auto[0], s.embedding_batch_size or auto[1]


def _bundled_pipeline(s: DiarizeSettings, batches: tuple[int, int]) -> Any:
    from pipeline.diarize.campp import CamPlusPlusEmbedding, bundled_segmentation_checkpoint
    from pipeline.diarize.clustering import SpeakerClustering
    from pipeline.diarize.offline import OfflineSpeakerDiarization

    segmentation = bundled_segmentation_checkpoint()
    try:
        pipeline = OfflineSpeakerDiarization(
            segmentation,
            CamPlusPlusEmbedding(),
            SpeakerClustering(),
            segmentation_batch_size=batches[0],
            embedding_batch_size=batches[1],
            segmentation_step=s.segmentation_step,
        )
    except (OSError, RuntimeError, KeyError) as e:
        raise ModelUnavailableError(f"{segmentation}: cannot load the bundled diarization models ({e})") from e
    params = pipeline.default_parameters()
    if s.clustering_threshold is not None:
        params["clustering"]["merge_threshold"] = s.clustering_threshold
    return pipeline.instantiate(params)


def _hub_pipeline(s: DiarizeSettings) -> Any:
    from pyannote.audio import Pipeline

    local = Path(s.model).expanduser()
    hint = (
        f"accept the model's conditions at https://hf.co/{s.model}, set HF_TOKEN, and run once with "
        "internet access (or point [diarize] model to a local copy of the pipeline)"
        if not local.exists()
        else "the directory must hold a pyannote pipeline (config.yaml and its model folders)"
    )
    try:
        pipeline = Pipeline.from_pretrained(
            str(local) if local.exists() else s.model, token=s.token, cache_dir=str(s.cache_dir / "pyannote")
        )
    except Exception as e:  # the hub client raises many unrelated types
        raise ModelUnavailableError(f"[diarize] model = {s.model!r} cannot be loaded ({e}): {hint}") from e
    if pipeline is None:
        raise ModelUnavailableError(f"[diarize] model = {s.model!r} cannot be loaded: {hint}")
    # Unset batch sizes keep the pipeline's own (the CPU figures above are for CAM++).
    batch = {"segmentation_batch_size": s.segmentation_batch_size, "embedding_batch_size": s.embedding_batch_size}
    for name, value in batch.items():
        if value is not None and hasattr(pipeline, name):
            setattr(pipeline, name, value)
    return pipeline


def _turns(annotation: Annotation) -> tuple[SpeakerTurn, ...]:
    turns = [
        SpeakerTurn(round(segment.start, 3), round(segment.end, 3), str(label))
        for segment, _, label in annotation.itertracks(yield_label=True)
        if segment.end > segment.start
    ]
    return tuple(sorted(turns, key=lambda t: (t.start, t.end, t.speaker)))


def _exclusive(turns: tuple[SpeakerTurn, ...]) -> tuple[SpeakerTurn, ...]:
    """One speaker at a time (for pipelines that give no exclusive output): the latest starter wins."""
    bounds = sorted({t.start for t in turns} | {t.end for t in turns})
    pieces: list[SpeakerTurn] = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        active = [t for t in turns if t.start <= start and t.end >= end]
        if not active:
            continue
        speaker = max(active, key=lambda t: (t.start, t.speaker)).speaker
        if pieces and pieces[-1].speaker == speaker and pieces[-1].end == start:
            pieces[-1] = SpeakerTurn(pieces[-1].start, end, speaker)
        else:
            pieces.append(SpeakerTurn(start, end, speaker))
    return tuple(pieces)
