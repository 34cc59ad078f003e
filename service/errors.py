"""The service's named errors: delivery and intake. Each is a PipelineError, so every shell reports them alike."""

from __future__ import annotations

from pipeline.errors import PipelineError


class DeliveryError(PipelineError):
    """Minutes or an alert could not be delivered."""


class DeliveryTransientError(DeliveryError):
    """Delivery failed for now (server down, timeout, 4xx reply): retrying later may succeed."""


class DeliveryRefusedError(DeliveryError):
    """The mail server refused for good (5xx reply, rejected login, untrusted certificate): do not retry."""


class IntakeError(PipelineError):
    """A recording cannot be moved between the service folders (unsafe name, unwritable folder)."""


class RecordingVanishedError(IntakeError):
    """A recording left ``processing/`` while its run was using it (moved or deleted by hand).

    The run cannot finish without it: it fails with this reason, its note is filed under
    ``failed/<client>/`` without the file, and dropping the file again processes it anew.
    """
