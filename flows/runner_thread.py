"""Prefect's runner in a thread of its own, so that a stop request always stops the service.

In the main thread, Prefect's runner turns SIGTERM into a `SystemExit` raised wherever the main thread
happens to be. Raised inside library code that catches broad exceptions (seen with Prefect 3.8.8 while
a flow run was starting), it is swallowed and the service runs on. In a thread of its own the runner
installs no signal handler: the main thread only waits, so minutier's own handler raises
`KeyboardInterrupt` where nothing can swallow it, and the runner is then stopped from its own loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

logger = logging.getLogger("flows.serve")

STOP_S = 30.0  # for the runner to cancel its runs and return; the service exits without it after that


class RunnerThread:
    """Serves `deployments` with Prefect's runner until it fails (raised by `serve`) or is interrupted."""

    def __init__(self, deployments: list[Any]) -> None:
        from prefect.runner import Runner

        self._runner = Runner(pause_on_shutdown=True)
        for deployment in deployments:
            self._runner.add_deployment(deployment)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="prefect-runner", daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._start())
        except BaseException as e:  # handed to the main thread, which decides
            self._error = e

    async def _start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._runner.start()

    def serve(self) -> None:
        """Block until the runner returns; raise its error, or stop it and re-raise KeyboardInterrupt."""
        self._thread.start()
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            self.stop()
            raise
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._thread.is_alive() and not loop.is_closed():
            future = asyncio.run_coroutine_threadsafe(self._runner.astop(), loop)
            try:
                future.result(STOP_S)
            except Exception as e:  # stopping is best effort: the process exits either way
                logger.warning("Prefect's runner did not stop cleanly: %s: %s", type(e).__name__, e)
        self._thread.join(STOP_S)
        if self._thread.is_alive():
            logger.warning("Prefect's runner did not stop within %.0f s; exiting without waiting for it", STOP_S)
