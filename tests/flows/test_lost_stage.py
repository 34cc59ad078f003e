"""A model stage no worker takes is never waited for for ever, on a real Prefect server: it is sent again
once, then the wait fails with a reason, and neither copy is left for a worker to run later."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterTags

from flows.stage_wait import PrefectProbe, StageLostError, worker_result
from flows.tasks import service_stages, stage_tag
from pipeline.config import AsrSettings
from pipeline.types import Recording
from service.settings import ServiceSettings
from tests.flows.conftest import ENV


def _stage(tmp_path: Path) -> tuple[functools.partial[Any], PrefectProbe, str]:
    """Sends the transcription of a made-up recording for a service no model worker serves."""
    service = ServiceSettings(home_dir=tmp_path / "home", api_url=ENV["PREFECT_API_URL"])
    recording = Recording(tmp_path / "absent.wav", "absent", "0" * 64)
    send = functools.partial(
        service_stages(service).transcribe.delay, recording, tmp_path / "absent.npy", AsrSettings(), "gpu"
    )
    return send, PrefectProbe(stage_tag(service)), stage_tag(service)


def _states(tag: str) -> list[str]:
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(tags=TaskRunFilterTags(all_=[tag])))
    return sorted(run.state.name for run in runs if run.state is not None)


def test_a_stage_no_worker_takes_is_sent_again_then_fails_with_its_reason(prefect_server: Any, tmp_path: Path) -> None:
    send, probe, tag = _stage(tmp_path)
    with pytest.raises(StageLostError) as lost:
        worker_result(send(), send, probe=probe, what="transcribe", unclaimed_s=2, poll_s=0.5)
    assert (
        "transcribe was not taken by a model worker in 2 s while none was busy, and again once submitted anew"
        in str(lost.value)
    )
    assert _states(tag) == ["Cancelled", "Cancelled"]  # both copies final: no worker picks one up later


def test_a_stage_whose_task_run_was_deleted_is_sent_again(prefect_server: Any, tmp_path: Path) -> None:
    send, probe, tag = _stage(tmp_path)

    def deleted() -> Any:  # as Prefect's task worker does with a run whose parameters it cannot read
        future = send()
        with get_client(sync_client=True) as client:
            client.delete_task_run(future.task_run_id)
        return future

    with pytest.raises(StageLostError, match="was deleted before it ran.*, and again once submitted anew"):
        worker_result(deleted(), deleted, probe=probe, what="transcribe", unclaimed_s=60, poll_s=0.5)
    assert _states(tag) == []
