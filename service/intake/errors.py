"""Intake's own named error (the others are in :mod:`service.errors`)."""

from __future__ import annotations

from service.errors import IntakeError


class RecordingVanishedError(IntakeError):
    """A recording left ``processing/`` while its run was using it (moved or deleted by hand).

    The run cannot finish without it: it fails with this reason, its note is filed under
    ``failed/<client>/`` without the file, and dropping the file again processes it anew.
    """
