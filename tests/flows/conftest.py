"""A real Prefect server for the flow tests, started once per session on a free loopback port.

Prefect's environment is set when this module is imported, before any test module imports
Prefect, so every flow run of the session lands in this server and this temporary home.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flows.environment import apply_prefect_environment
from flows.server import LocalServer, free_port, start_local_server
from service.settings import ServiceSettings

HOME = Path(tempfile.mkdtemp(prefix="minutier-flows-"))
SERVICE = ServiceSettings(home_dir=HOME, api_url=None, port=free_port(), task_worker=False)
for _key in ("PREFECT_API_URL", "PREFECT_HOME", "MINUTIER_HOME", "PREFECT_LOCAL_STORAGE_PATH"):
    os.environ.pop(_key, None)
ENV = apply_prefect_environment(SERVICE)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[LocalServer]:
    server = start_local_server(SERVICE.host, SERVICE.port, ENV, HOME / "logs" / "prefect-server.log")
    try:
        yield server
    finally:
        from prefect.logging.handlers import APILogHandler

        try:
            APILogHandler().flush()  # ship the last log records while the server still listens
        finally:
            server.stop()


@pytest.fixture(scope="session")
def service_home() -> Path:
    return HOME


def latest_run(name_part: str) -> Any:
    """The newest flow run whose name contains `name_part`."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(sort="START_TIME_DESC", limit=50)
    return next(r for r in runs if name_part in r.name)


@pytest.fixture(scope="session")
def completed_run(
    prefect_server: Any, eval_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, dict[str, str]]:
    """One real run of the whole flow on a real two-speaker call, shared by the tests that inspect it."""
    from flows.process import process_recording

    work = tmp_path_factory.mktemp("real-run")
    clip = shutil.copy(eval_dir / "pyannote_sample/sample.wav", work / "appel client.wav")
    written = process_recording(recording_path=Path(clip), client="acme", out_dir=work / "out", formats="docx,md")
    return latest_run("acme / appel client.wav"), written
