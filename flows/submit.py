"""Submit a recording to the served deployment, de-duplicated by an idempotency key."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, cast

from flows.environment import apply_prefect_environment
from flows.server import ServiceError, is_healthy
from pipeline.types import sha256_file
from service.settings import ServiceConfig

logger = logging.getLogger(__name__)

PROCESS_DEPLOYMENT = "process-recording/minutier"
RECONCILE_DEPLOYMENT = "reconcile-inbox/minutier"


def idempotency_key(client: str, content_sha256: str, extra: str = "") -> str:
    """One run per client and recording content: the same file submitted twice is one run."""
    return hashlib.sha256(f"{client}\0{content_sha256}\0{extra}".encode()).hexdigest()


def _request_digest(parameters: dict[str, Any]) -> str:
    """Everything asked of the run but the file's path: the same file asked for differently
    (another language, other names, another folder) is another run, the same ask is one run."""
    asked = {k: v for k, v in parameters.items() if k != "recording_path"}
    return json.dumps(asked, sort_keys=True, default=str)


def submit_recording(
    settings: ServiceConfig, parameters: dict[str, Any], *, wait: bool, deployment: str = PROCESS_DEPLOYMENT
) -> str:
    """Create (or find) the flow run for this recording; returns a one-line outcome."""
    env = apply_prefect_environment(settings.service)
    if not is_healthy(env["PREFECT_API_URL"]):
        raise ServiceError(f"no minutier service answers at {env['PREFECT_API_URL']}: start it with 'minutier serve'")
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    key = idempotency_key(
        parameters["client"], sha256_file(Path(parameters["recording_path"])), _request_digest(parameters)
    )
    run = cast(
        FlowRun,
        run_deployment(  # the sync call: Prefect's return type also lists its coroutine
            deployment,
            parameters=parameters,
            timeout=None if wait else 0,
            idempotency_key=key,
            tags=[f"client:{parameters['client']}"],
        ),
    )
    state = run.state
    ui = env["PREFECT_API_URL"].removesuffix("/api")
    outcome = f"{run.name}: {state.name if state else 'submitted'} — {ui}/runs/flow-run/{run.id}"
    if wait and state is not None and not state.is_completed():
        raise ServiceError(f"{outcome} ({state.message})")
    return outcome
