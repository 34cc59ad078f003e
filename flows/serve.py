"""`minutier serve`: the Prefect server (unless a remote one is configured), the deployments, a model worker."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from flows.environment import apply_prefect_environment
from flows.server import LocalServer, ServiceError, is_healthy, start_local_server
from pipeline.config import Settings

logger = logging.getLogger(__name__)



@contextmanager
def prefect_service(settings: Settings) -> Iterator[str]:
    """Prefect's environment applied, and a server answering: the configured one, or our own."""
    service = settings.service
    env = apply_prefect_environment(service)
    api_url = env["PREFECT_API_URL"]
    server: LocalServer | None = None
    if service.api_url is None and not is_healthy(api_url):
        server = start_local_server(service.host, service.port, env, service.home_dir / "logs" / "prefect-server.log")
    elif not is_healthy(api_url):
        raise ServiceError(f"the Prefect server at {api_url} does not answer: start it, or unset [service] api_url")
    try:
        yield api_url
    finally:
        if server is not None:
            _flush_run_logs()
            server.stop()


def _flush_run_logs() -> None:
    """Ship the log records still queued for the API while our server still listens."""
    import sys

    if "prefect" in sys.modules:
        from prefect.logging.handlers import APILogHandler

        APILogHandler().flush()


def ensure_gpu_limit(name: str) -> None:
    """The global concurrency limit that serialises GPU work, created if missing."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            logger.info("Created global concurrency limit %r (1 GPU job at a time)", name)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _start_model_worker(log_path: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "flows.worker"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def serve_forever(settings: Settings, config: Path | None, ui_message: bool = True) -> None:
    """Serve the deployments until Ctrl-C or SIGTERM; stops every child process it started."""
    os.environ["MINUTIER_TASK_WORKER"] = "1"  # flow runs send model stages to the worker below
    signal.signal(signal.SIGTERM, _raise_interrupt)
    config_arg = str(config.resolve()) if config else None
    with prefect_service(settings) as api_url:
        from datetime import timedelta

        from prefect import serve
        from prefect.deployments import run_deployment
        from prefect.types.entrypoint import EntrypointType

        from flows.intake import InboxTrigger, crash_orphaned_runs, ensure_service_folders, reconcile_inbox
        from flows.process import process_recording
        from flows.submit import PROCESS_DEPLOYMENT, RECONCILE_DEPLOYMENT

        watched = ensure_service_folders(settings)  # an invalid clients file stops the start here
        crash_orphaned_runs((PROCESS_DEPLOYMENT, RECONCILE_DEPLOYMENT))  # before anything new is started
        ensure_gpu_limit(settings.service.gpu_limit)
        worker = _start_model_worker(settings.service.home_dir / "logs" / "model-worker.log")
        deployments = [
            process_recording.to_deployment(
                name="minutier", entrypoint_type=EntrypointType.MODULE_PATH, parameters={"config": config_arg}, tags=["minutier"],
                description="One recording in, minutes and documents out.",
            ),
            reconcile_inbox.to_deployment(
                name="minutier", entrypoint_type=EntrypointType.MODULE_PATH, parameters={"config": config_arg}, tags=["minutier"],
                interval=timedelta(seconds=settings.service.reconcile_s), concurrency_limit=1,
                description="Takes complete recordings from the watched client folders, once each.",
            ),
        ]
        try:
            if ui_message:
                logger.warning("Prefect UI: %s  (API: %s)", api_url.removesuffix("/api"), api_url)
            if watched is None:
                serve(*deployments, print_starting_message=False)
            else:
                for deployment in deployments:
                    deployment.apply()  # registered now, so the first reconcile can be asked for at once
                with InboxTrigger(settings, config_arg):
                    run_deployment(RECONCILE_DEPLOYMENT, parameters={"config": config_arg}, timeout=0)
                    serve(*deployments, print_starting_message=False)
        except KeyboardInterrupt:
            logger.warning("Stopping minutier serve")
        finally:
            _stop(worker)


def deploy_to_pool(settings: Settings, config: Path | None, pool: str) -> str:
    """Register process-recording on a Prefect work pool (created as a process pool if missing).

    Any host with minutier installed then joins with `prefect worker start --pool POOL`; runs
    import the flow by module path, so no code is shipped. Returns the deployment's full name.
    """
    apply_prefect_environment(settings.service)
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.types.entrypoint import EntrypointType

    from flows.process import process_recording

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
            logger.warning("Created process work pool %r", pool)
    ensure_gpu_limit(settings.service.gpu_limit)
    deployment = process_recording.to_deployment(
        name=pool, entrypoint_type=EntrypointType.MODULE_PATH, tags=["minutier", f"pool:{pool}"],
        parameters={"config": str(config.resolve()) if config else None},
        description=f"One recording in, minutes out; runs on the workers of pool {pool!r}.",
    )
    deployment.apply(work_pool_name=pool)
    return f"process-recording/{pool}"
