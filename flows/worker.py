"""The model worker: a long-lived Prefect task worker that keeps Whisper and pyannote loaded.

Flow runs are short-lived processes; their model stages are sent here (`task.delay`) so the
models load once per worker process and are reused by every recording. Start one per GPU
(`CUDA_VISIBLE_DEVICES=N python -m flows.worker`) or one per CPU host.
"""

from __future__ import annotations

import logging

from prefect.task_worker import serve

from flows.tasks import MODEL_TASKS


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # One recording's model stage at a time per worker: two would only share the same cores.
    serve(*MODEL_TASKS, limit=2)


if __name__ == "__main__":
    main()
