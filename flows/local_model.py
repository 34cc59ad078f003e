"""The local model's server as one of `minutier serve`'s supervised children.

With ``[minutes] summarizer = "local"``, the service starts one llama.cpp server for all its runs
(the model is loaded once, ≈ 1.1 GB, instead of once per flow run), restarts it when it dies like
the Prefect server and the model worker, and stops it with the service. Flow runs find it through
``MINUTIER_LOCAL_MODEL_URL``; while it is down or restarting, their minutes fall back to the
deterministic writer and say so in the provenance, so no recording waits for it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from pathlib import Path

from flows.server import free_port, stop_process_group
from flows.supervise import Supervisor, launch_child
from pipeline.config import LOCAL_MODEL_URL_ENV, MinutesSettings, default_cache_dir
from pipeline.errors import PipelineError
from pipeline.summarize.local.server import START_TIMEOUT_S, answers, machine_threads, serve_command
from pipeline.summarize.local.store import model_label, resolve_model

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
_POLL_S = 0.5


def _wait_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if answers(url):
            return True
        time.sleep(_POLL_S)
    return False


def supervise_local_model(supervisor: Supervisor, settings: MinutesSettings, log_path: Path) -> str | None:
    """Start the local model server when the minutes need it, and have `supervisor` keep it running.

    Returns:
        Its URL, also put in ``MINUTIER_LOCAL_MODEL_URL`` for the processes started after this call;
        None when no local model is needed (another writer, or ``local_url`` names a server someone
        else runs) or it could not be started (logged: the runs then fall back to the offline writer).
    """
    if settings.summarizer != "local" or settings.local_url:
        return None
    try:
        path = resolve_model(settings.local_model, default_cache_dir())  # assembles the bundled one, once
    except PipelineError as e:
        logger.error("The local model cannot be started, minutes will use the offline writer: %s", e)
        return None
    port = free_port(HOST)  # kept for every restart: the runs know the server by its URL
    url = f"http://{HOST}:{port}"
    command = serve_command(
        path, threads=settings.local_threads or machine_threads(), ctx=settings.local_ctx, port=port
    )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    process = launch_child(command, log_path)
    if not _wait_ready(process, url, START_TIMEOUT_S):
        stop_process_group(process)
        logger.error("The local model server did not start (see %s): minutes will use the offline writer", log_path)
        return None
    logger.info(
        "Local model %s ready at %s after %.1f s (log: %s)",
        model_label(path),
        url,
        time.monotonic() - started,
        log_path,
    )
    supervisor.add(
        "local model server",
        process,
        lambda: launch_child(command, log_path),
        ready=lambda: answers(url),
        log=log_path,
    )
    os.environ[LOCAL_MODEL_URL_ENV] = url
    return url
