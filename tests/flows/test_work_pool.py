"""Scale-out on Prefect itself: a process work pool served by `prefect worker start`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli import main
from tests.flows.conftest import ENV


def test_process_pool_worker_runs_a_recording(prefect_server: Any, eval_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    deployed = runner.invoke(main, ["deploy", "--pool", "test-pool"])
    assert deployed.exit_code == 0, deployed.output
    assert "process-recording/test-pool" in deployed.output
    prefect = str(Path(sys.executable).with_name("prefect"))
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [prefect, "worker", "start", "--pool", "test-pool", "--limit", "1"],
        env={**os.environ, **ENV},
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        clip = shutil.copy(eval_dir / "pyannote_sample/sample.wav", tmp_path / "via pool.wav")
        result = runner.invoke(
            main,
            [
                "run",
                str(clip),
                "--client",
                "pool",
                "--deployment",
                "test-pool",
                "--out-dir",
                str(tmp_path / "out"),
                "--formats",
                "md",
            ],
        )
        assert result.exit_code == 0, result.output + (tmp_path / "worker.log").read_text(errors="replace")
        assert "Completed" in result.output
        assert "New Jersey" in (tmp_path / "out" / "Via pool.md").read_text(encoding="utf-8")  # its title
    finally:
        # Prefect's own worker (not minutier's code) forwards SIGTERM as SIGINT to its process worker,
        # which has been seen to take minutes to stop: the test is about the run, so kill what is left.
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(30)
        log.close()
