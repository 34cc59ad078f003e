"""The model worker: a long-lived Prefect task worker that keeps Whisper and pyannote loaded.

Flow runs are short-lived processes; their model stages are sent here (`task.delay`) so the
models load once per worker process and are reused by every recording. A worker serves one
service's stages only (:func:`flows.tasks.service_stages`), even on a Prefect server that
several services share. They are loaded before
the worker serves, so the first recording does not wait for them. Start one per GPU
(`CUDA_VISIBLE_DEVICES=N python -m flows.worker`) or one per CPU host.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from prefect.task_worker import serve

from flows.tasks import service_key, service_stages
from pipeline.errors import PipelineError
from pipeline.models import preload
from service.settings import load_config

logger = logging.getLogger("flows.worker")


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
    serve(*service_stages(settings.service).all(), limit=2)


def write_ready_file(path: Path, problem: str) -> None:
    """Say the worker is up: an empty file, or why its models did not load (renamed into place whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    staging.write_text(problem, encoding="utf-8")
    os.replace(staging, path)


if __name__ == "__main__":
    main()
