"""The model worker: a long-lived Prefect task worker that keeps Whisper and pyannote loaded.

Flow runs are short-lived processes; their model stages are sent here (`task.delay`) so the
models load once per worker process and are reused by every recording. They are loaded before
the worker serves, so the first recording does not wait for them. A worker serves its service's
stages only (:func:`flows.tasks.service_stages`), even on a Prefect server that several services
share. Start one per GPU (`CUDA_VISIBLE_DEVICES=N python -m flows.worker`) or one per CPU host.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from prefect.task_worker import serve

from flows.tasks import service_key, service_stages
from pipeline.errors import PipelineError
from pipeline.models import preload
from service.settings import load_config

logger = logging.getLogger("flows.worker")

# serve() returning means the Prefect server ended the subscription: temporary (EX_TEMPFAIL), restart it.
SERVE_RETURNED_EXIT = 75
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flows.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="settings file (TOML), the one the service runs with")
    parser.add_argument(
        "--ready-file",
        type=Path,
        help="written once the models are loaded (empty) or failed to load (the reason); `minutier serve` waits for it",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_stop_signals()
    try:
        settings = load_config(args.config)
    except PipelineError as e:
        parser.error(str(e))
    problem = ""
    try:
        preload(settings.asr, settings.diarize)
        logger.info("Models loaded: serving the model stages")
    except PipelineError as e:
        # Keep serving: each model stage then fails with this same named error, shown on its run in
        # the UI and alerted, instead of recordings waiting for a worker that never comes up.
        logger.error("Models not loaded: %s", e)
        problem = str(e)
    if args.ready_file is not None:
        write_ready_file(args.ready_file, problem)
    # Only this service's stages (their task keys name it), two at a time: one recording's
    # transcription and diarization side by side.
    logger.info("Serving the model stages of service %s", service_key(settings.service))
    serve_until_stopped(lambda: serve(*service_stages(settings.service).all(), limit=2))


def serve_until_stopped(serve_stages: Callable[[], object]) -> None:
    """Serve, and say in the log why serving stops: a signal, an exception, or serve() returning.

    A worker that stops without a word leaves the operator a bare exit code: each way out is logged
    here, and the supervisor adds the exit code and these last lines to its own report.

    Raises:
        SystemExit: with `SERVE_RETURNED_EXIT` when serve() returned (nobody asked it to stop).
    """
    log_stop_signals()
    try:
        serve_stages()
    except SystemExit as e:
        logger.warning("Model worker stopping: exit requested (code %s)", e.code)
        raise
    except BaseException as e:  # KeyboardInterrupt included: say why, then go
        logger.critical("Model worker stopping: %s: %s", type(e).__name__, e, exc_info=True)
        raise
    logger.error(
        "Model worker stopping: serving returned (the Prefect server ended the subscription to scheduled"
        " stages); exiting with code %d so that the service starts it again",
        SERVE_RETURNED_EXIT,
    )
    raise SystemExit(SERVE_RETURNED_EXIT)


def log_stop_signals() -> None:
    """Log SIGTERM, SIGINT and SIGHUP before they end the worker (while loading its models, too)."""
    for signum in _STOP_SIGNALS:
        signal.signal(signum, _log_signal_and_die)


def _log_signal_and_die(signum: int, frame: FrameType | None) -> None:
    """Log the signal, then let it end the process as it would have: the exit status still names it."""
    logger.warning("Model worker stopping: received %s", signal.Signals(signum).name)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def write_ready_file(path: Path, problem: str) -> None:
    """Say the worker is up: an empty file, or why its models did not load (renamed into place whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    staging.write_text(problem, encoding="utf-8")
    os.replace(staging, path)


if __name__ == "__main__":
    main()
