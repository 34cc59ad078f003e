"""Where a model runs: the one place that asks whether a CUDA GPU is there.

Each model library answers for itself (CTranslate2 for Whisper, torch for pyannote): a CPU build
of torch sees no GPU even where CTranslate2 can use one, so "auto" is resolved per library.
"""

from __future__ import annotations

import functools
import logging
from typing import Literal

logger = logging.getLogger(__name__)

Library = Literal["ctranslate2", "torch"]
DEVICES = ("auto", "cpu", "cuda")


@functools.cache
def cuda_available(library: Library) -> bool:
    """Whether `library` can run on a CUDA GPU in this process (a broken driver counts as none)."""
    try:
        if library == "ctranslate2":
            import ctranslate2

            return bool(ctranslate2.get_cuda_device_count() > 0)
        import torch

        return bool(torch.cuda.is_available())
    except (RuntimeError, OSError) as e:  # CUDA driver missing or broken: behave as a CPU machine
        logger.info("No usable CUDA device for %s (%s): running on the CPU", library, e)
        return False


def resolve_device(setting: str, library: Library) -> str:
    """ "cuda" or "cpu" for a device setting; "auto" asks `library` whether a GPU is there."""
    if setting != "auto":
        return setting
    return "cuda" if cuda_available(library) else "cpu"
