"""File names within the file system's limit: 255 bytes per name on Linux, macOS and SMB/NFS shares."""

from __future__ import annotations

import os

MAX_NAME_BYTES = 255


def fit_name(stem: str, suffix: str, *, reserve: int = 0) -> str:
    """``stem + suffix``, the stem cut at a character boundary so the name fits in 255 bytes.

    Args:
        stem: The part that may be shortened (a recording's own name).
        suffix: The part kept whole (an extension, " (2).wav").
        reserve: Bytes left free for names derived from this one later (e.g. ``.reason.txt``).
    """
    budget = MAX_NAME_BYTES - reserve - len(os.fsencode(suffix))
    encoded = os.fsencode(stem)
    if len(encoded) <= budget:
        return stem + suffix
    return encoded[: max(budget, 0)].decode("utf-8", "ignore") + suffix
