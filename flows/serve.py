"""`minutier serve`: the Prefect server (unless a remote one is configured), the deployments, a model worker.

One service per state folder (:mod:`flows.home_lock`), and never on a server it did not start
unless `[service] api_url` (or PREFECT_API_URL) names it: with none configured, a port that
something already answers on is refused, not joined.

The service outlives its parts: the server and the model worker are restarted when they die
(:mod:`flows.supervise`), and serving the deployments starts again when the Prefect API went
away long enough for Prefect's runner to give up. Recordings dropped meanwhile wait in their
inbox and are taken by the reconcile asked for when the API answers again.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, cast

from flows.environment import SERVICE_LOGGERS, apply_prefect_environment, apply_service_logging
from flows.home_lock import hold_home
from flows.ready import ReadyAnnouncer, ready_line
from flows.runner_thread import RunnerThread
from flows.server import (
    LocalServer,
    ServiceError,
    answers_as,
    is_healthy,
    launch_local_server,
    start_local_server,
)
from flows.supervise import STABLE_S, Backoff, Supervisor, launch_child, wait_for_api
from service.layout import Home
from service.settings import ServiceConfig, ServiceSettings, clients_file, default_home

logger = logging.getLogger(__name__)

_EXTERNAL_HINT = "start it, or unset [service] api_url and PREFECT_API_URL to use minutier's own server"


def _owns_server(service: ServiceSettings, api_url: str) -> bool:
    """Whether a one-off command (`minutier process`) starts a server: none configured, and none answering
    on the port (a running `minutier serve`'s is used). `minutier serve` itself never joins one unasked."""
    return service.api_url is None and not is_healthy(api_url)


def _server_log(service: ServiceSettings) -> Path:
    return Home(service.home_dir).logs / "prefect-server.log"


@contextmanager
def prefect_service(settings: ServiceConfig) -> Iterator[str]:
    """Prefect's environment applied, and a server answering: the configured one, or our own."""
    service = settings.service
    env = apply_prefect_environment(service)
    api_url = env["PREFECT_API_URL"]
    server: LocalServer | None = None
    if _owns_server(service, api_url):
        server = start_local_server(service.host, service.port, env, _server_log(service))
    elif not is_healthy(api_url):
        raise ServiceError(f"the Prefect server at {api_url} does not answer: {_EXTERNAL_HINT}")
    try:
        yield api_url
    finally:
        if server is not None:
            _flush_run_logs()
            server.stop()


def _flush_run_logs() -> None:
    """Ship the log records still queued for the API while our server still listens."""
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


def _start_model_worker(log_path: Path, config_arg: str | None, ready_file: Path) -> subprocess.Popen[bytes]:
    ready_file.unlink(missing_ok=True)  # written again by this worker once its models are loaded
    command = [sys.executable, "-m", "flows.worker", "--ready-file", str(ready_file)]
    return launch_child([*command, *(["--config", config_arg] if config_arg else [])], log_path)


def _supervise_server(supervisor: Supervisor, service: ServiceSettings, env: dict[str, str]) -> None:
    """Start our own Prefect server, restarted by `supervisor` on the same port and database if it dies."""
    log = _server_log(service)
    server = start_local_server(service.host, service.port, env, log)
    supervisor.add(
        "Prefect server",
        server.process,
        lambda: launch_local_server(service.host, service.port, env, log).process,
        ready=lambda: answers_as(server.api_url, server.home),  # ours, not another taking the port meanwhile
        log=log,
        serves_api=True,
    )


def _root_cause(error: BaseException) -> BaseException:
    """The first leaf of an exception group (anyio wraps the runner's errors), else the error itself."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _serve(
    deployments: list[Any], api_url: str, backoff: Backoff, on_serving_again: Callable[[], object] = lambda: None
) -> None:
    """Serve the deployments until Ctrl-C or SIGTERM (raised as KeyboardInterrupt), serving again whenever
    Prefect's runner gives up.

    `on_serving_again` is called before serving again: the runner that gave up may have ended runs
    the API could not be told of, and the runs submitted meanwhile wait for a reconcile. The API's own
    outage is acted on by the supervisor, but a runner can give up without one it notices (a slow API).
    """
    failures = 0
    while True:
        started = time.monotonic()
        try:
            RunnerThread(deployments).serve()
            return
        except Exception as e:  # the runner stops after repeated API errors: an outage, not a reason to quit
            failures = 0 if time.monotonic() - started >= STABLE_S else failures + 1
            delay = backoff.delay(failures)
            cause = _root_cause(e)
            logger.error(
                "Serving the deployments stopped (%s: %s); serving again in %.0f s, once the Prefect API at %s answers",
                type(cause).__name__,
                cause,
                delay,
                api_url,
            )
            time.sleep(delay)
            wait_for_api(api_url, "flow runs wait until it is back")
            try:
                on_serving_again()
            except Exception:
                logger.exception("Could not look for the runs the runner left")


def show_service_logs() -> None:
    """minutier's INFO lines on the console of `minutier serve`: its start-up, each run's outcome.

    The CLI shows WARNING and above unless -v is given; the service is meant to be watched, so its
    own loggers show INFO (DEBUG with -vv). Called once Prefect's environment is set: Prefect's
    logging set-up, on import, sets these loggers to its own level first.
    """
    import prefect.main  # noqa: F401  (configures Prefect's logging, once; `import prefect` alone does not)

    level = min(logging.getLogger().getEffectiveLevel(), logging.INFO)
    for name in SERVICE_LOGGERS:
        logging.getLogger(name).setLevel(level)


def serve_forever(settings: ServiceConfig, config: Path | None, ui_message: bool = True) -> None:
    """Serve the deployments until Ctrl-C or SIGTERM; stops every child process it started.

    Raises:
        ServiceError: another `minutier serve` uses the same home, or (no server configured) the port
            of the service's own Prefect server is taken.
    """
    service = settings.service
    with hold_home(service.home_dir):  # before anything is started or touched
        _serve_forever(settings, config, ui_message)


def _serve_forever(settings: ServiceConfig, config: Path | None, ui_message: bool) -> None:
    os.environ["MINUTIER_TASK_WORKER"] = "1"  # flow runs send model stages to the worker below
    signal.signal(signal.SIGTERM, _raise_interrupt)
    config_arg = str(config.resolve()) if config else None
    service = settings.service
    env = apply_prefect_environment(service)
    apply_service_logging(service)
    show_service_logs()
    api_url = env["PREFECT_API_URL"]
    backoff = Backoff()
    with Supervisor(api_url, backoff=backoff) as supervisor:
        try:
            if service.api_url is None:  # our own server, on a free port (launch_local_server checks)
                _supervise_server(supervisor, service, env)
            else:
                wait_for_api(api_url, _EXTERNAL_HINT, backoff)
            supervisor.start()
            with review_desk(settings):
                _serve_with(supervisor, settings, config_arg, api_url, ui_message, backoff)
        except KeyboardInterrupt:
            logger.info("Stopping minutier serve")
        finally:
            _flush_run_logs()


@contextmanager
def review_desk(settings: ServiceConfig) -> Iterator[None]:
    """The secretaries' review desk (:mod:`desk`) served meanwhile, when ``[desk]`` declares users."""
    if not settings.desk.users:
        yield
        return
    from desk.server import DeskServer

    with DeskServer(settings) as desk:
        logger.info("Review desk: %s", desk.url)
        yield


def _serve_with(
    supervisor: Supervisor,
    settings: ServiceConfig,
    config_arg: str | None,
    api_url: str,
    ui_message: bool,
    backoff: Backoff,
) -> None:
    from datetime import timedelta

    from prefect.deployments import run_deployment
    from prefect.deployments.runner import RunnerDeployment
    from prefect.types.entrypoint import EntrypointType

    from flows.intake import InboxTrigger, ensure_service_folders, reconcile_inbox
    from flows.local_model import supervise_local_model
    from flows.orphans import crash_orphaned_runs, crash_orphaned_runs_later
    from flows.process import process_recording
    from flows.recovery import requeue_waiting_stages
    from flows.submit import PROCESS_DEPLOYMENT, RECONCILE_DEPLOYMENT
    from flows.tasks import model_worker_log, model_worker_ready_file, stage_tag

    watched = ensure_service_folders(settings)  # an invalid clients file stops the start here
    crash_orphaned_runs((PROCESS_DEPLOYMENT, RECONCILE_DEPLOYMENT))  # before anything new is started
    ensure_gpu_limit(settings.service.gpu_limit)
    home = Home(settings.service.home_dir)
    # Before the runs start, so that they inherit its URL.
    supervise_local_model(supervisor, settings.minutes, home.logs / "local-model.log")
    worker_log, worker_ready = model_worker_log(home.path), model_worker_ready_file(home.path)
    supervisor.add(
        "model worker",
        _start_model_worker(worker_log, config_arg, worker_ready),
        lambda: _start_model_worker(worker_log, config_arg, worker_ready),
        log=worker_log,
    )
    deployments = [
        process_recording.to_deployment(
            name="minutier",
            entrypoint_type=EntrypointType.MODULE_PATH,
            parameters={"config": config_arg},
            tags=["minutier"],
            description="One recording in, minutes and documents out.",
        ),
        reconcile_inbox.to_deployment(
            name="minutier",
            entrypoint_type=EntrypointType.MODULE_PATH,
            parameters={"config": config_arg},
            tags=["minutier"],
            interval=timedelta(seconds=settings.service.reconcile_s),
            concurrency_limit=1,
            description="Takes complete recordings from the watched client folders, once each.",
        ),
    ]
    # When the API answers again: what the server lost, orphaned runs (later), and a reconcile (below).
    tag = stage_tag(settings.service)
    supervisor.on_api_back(lambda: requeue_waiting_stages(tag))
    # Made now (it watches once entered, below) so that orphans found after an outage ask it for a reconcile.
    trigger = None if watched is None else InboxTrigger(settings, config_arg)

    def look_for_orphans() -> None:
        then = None if trigger is None else trigger.request
        crash_orphaned_runs_later((PROCESS_DEPLOYMENT, RECONCILE_DEPLOYMENT), default_home(), then=then)

    supervisor.on_api_back(look_for_orphans)
    if ui_message:
        logger.info("Prefect UI: %s  (API: %s)", api_url.removesuffix("/api"), api_url)
    announcer = ReadyAnnouncer(
        ready_line(api_url, watched, clients_file(settings.service)),
        worker_ready,
        worker_log,
        polled_since_start((PROCESS_DEPLOYMENT, RECONCILE_DEPLOYMENT)),
    )
    if trigger is None:
        with announcer:
            _serve(deployments, api_url, backoff, look_for_orphans)
        return
    for deployment in deployments:
        # Registered now, so the first reconcile can be asked for at once (the sync call: see `cast`).
        cast(RunnerDeployment, deployment).apply()
    with trigger, announcer:
        supervisor.on_api_back(trigger.request)
        run_deployment(RECONCILE_DEPLOYMENT, parameters={"config": config_arg}, timeout=0)

        def serving_again() -> None:
            look_for_orphans()
            trigger.request()

        _serve(deployments, api_url, backoff, serving_again)


def polled_since_start(
    names: tuple[str, ...], read_stamps: Callable[[tuple[str, ...]], Mapping[str, object]] | None = None
) -> Callable[[], bool]:
    """A check that a runner polled each deployment since the first call: its ``last_polled`` changed.

    A change, not a comparison with this machine's clock (a remote server's clock may differ), nor
    the deployment's status (still "ready" for a while after a previous `minutier serve` stopped).
    `read_stamps` replaces reading them from the Prefect API.
    """
    read = read_stamps or _last_polled
    first: dict[str, object] = {}

    def polled() -> bool:
        stamps = read(names)
        for name, stamp in stamps.items():
            first.setdefault(name, stamp)
        return all(stamps.get(name) is not None and stamps[name] != first[name] for name in names)

    return polled


def _last_polled(names: tuple[str, ...]) -> dict[str, object]:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return {name: client.read_deployment_by_name(name).last_polled for name in names}


def deploy_to_pool(settings: ServiceConfig, config: Path | None, pool: str) -> str:
    """Register process-recording on a Prefect work pool (created as a process pool if missing).

    Any host with minutier installed then joins with `prefect worker start --pool POOL`; runs
    import the flow by module path, so no code is shipped. Returns the deployment's full name.
    """
    apply_prefect_environment(settings.service)
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.deployments.runner import RunnerDeployment
    from prefect.exceptions import ObjectNotFound
    from prefect.types.entrypoint import EntrypointType

    from flows.process import process_recording

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
            logger.info("Created process work pool %r", pool)
    ensure_gpu_limit(settings.service.gpu_limit)
    deployment = process_recording.to_deployment(
        name=pool,
        entrypoint_type=EntrypointType.MODULE_PATH,
        tags=["minutier", f"pool:{pool}"],
        parameters={"config": str(config.resolve()) if config else None},
        description=f"One recording in, minutes out; runs on the workers of pool {pool!r}.",
    )
    cast(RunnerDeployment, deployment).apply(work_pool_name=pool)  # the sync call
    return f"process-recording/{pool}"
