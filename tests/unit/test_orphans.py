"""Which runs lost their process: the lock a live run holds, read with a real child process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from uuid import uuid4

import pytest

from flows import orphans
from flows.orphans import GRACE_S, process_gone

# A child that holds a run's lock as `flows.orphans.run_lock` does, until it is killed.
HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def _run(state_age_s: float) -> SimpleNamespace:
    changed = datetime.now(UTC) - timedelta(seconds=state_age_s)
    return SimpleNamespace(id=uuid4(), state=SimpleNamespace(timestamp=changed))


def test_a_run_is_lost_once_its_process_no_longer_holds_its_lock(tmp_path: Path) -> None:
    run = _run(state_age_s=5)
    lock = tmp_path / "runs" / f"{run.id}.lock"
    lock.parent.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
        assert not process_gone(tmp_path, run, datetime.now(UTC))
        assert not process_gone(tmp_path, run, datetime.now(UTC)), "a check must not keep the lock"
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert process_gone(tmp_path, run, datetime.now(UTC))  # the lock file is left, nobody holds it


def test_a_run_without_a_lock_is_lost_only_after_the_grace_period(tmp_path: Path) -> None:
    assert not process_gone(tmp_path, _run(state_age_s=10), datetime.now(UTC))  # still starting, perhaps
    assert process_gone(tmp_path, _run(state_age_s=GRACE_S + 10), datetime.now(UTC))


@pytest.mark.parametrize(("marked", "asked"), [(2, ["reconcile"]), (0, [])])
def test_a_reconcile_is_asked_for_once_orphans_were_marked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, marked: int, asked: list[str]
) -> None:
    """Marked Crashed, an orphan's recording is scheduled again by a reconcile: asked for at once,
    not left to the next scheduled one; none is asked for when nothing was marked."""
    checked = threading.Event()

    def crash(deployments: tuple[str, ...], home: Path) -> int:  # the Prefect API is not the subject
        assert home == tmp_path
        return marked

    monkeypatch.setattr(orphans, "crash_orphaned_runs", crash)
    reconciles: list[str] = []
    orphans.crash_orphaned_runs_later(
        ("process-recording/minutier",),
        tmp_path,
        delay_s=0.01,
        then=lambda: [reconciles.append("reconcile"), checked.set()],
    )
    checked.wait(1 if marked else 0.5)
    assert reconciles == asked
