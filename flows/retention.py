"""RGPD retention, Prefect's side: finished runs older than the period go, with their artifacts.

A run's artifacts (transcript, speakers, minutes) and its logs hold what was said in the meeting.
The artifacts are deleted through the API, then the run itself (its task runs, states and review
input go with it). Prefect has no API that deletes logs: the logs of deleted runs are removed by
the server's database vacuum ("orphans"), which minutier turns on for the server it starts (see
:mod:`flows.environment`); a remote server needs it turned on there.

Only the runs of minutier's two flows are deleted, so a shared server keeps everyone else's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterEndTime,
    FlowRunFilterId,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.settings import get_current_settings

from service.intake import RecordingLedger
from service.layout import Home
from service.retention import AUDIT_LOG, FLOW_RUN, AuditLog, Purge, RetentionPolicy, purge_files
from service.settings import ServiceConfig

logger = logging.getLogger(__name__)

FLOW_NAMES = ("process-recording", "reconcile-inbox")
FINISHED = [StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED]
# Runs deleted per reconcile at most: a first purge of a long history is spread over a few reconciles.
BATCH = 200


def purge_flow_runs(policy: RetentionPolicy, audit: AuditLog, limit: int = BATCH) -> tuple[Purge, ...]:
    """Delete minutier's finished flow runs that ended longer ago than the period, with their artifacts."""
    cutoff = policy.now.astimezone() - timedelta(days=policy.days)
    purged: list[Purge] = []
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=list(FLOW_NAMES))),
            flow_run_filter=FlowRunFilter(
                end_time=FlowRunFilterEndTime(before_=cutoff),  # type: ignore[arg-type]  # pydantic takes a datetime
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=FINISHED)),
            ),
            limit=limit,
        )
        for run in runs:
            artifacts = client.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
            for artifact in artifacts:
                client.delete_artifact(artifact.id)
            client.delete_flow_run(run.id)
            parameters = run.parameters or {}
            ended = (run.end_time or policy.now).astimezone().date()
            purge = Purge(
                FLOW_RUN,
                parameters.get("client"),
                f"{run.name} ({run.id}; {len(artifacts)} artifact(s))",
                parameters.get("sha256"),
                ended,
            )
            audit.record(purge)
            purged.append(purge)
    if purged:
        logger.warning(
            "Retention (%d days): deleted %d Prefect flow run(s) and their artifacts", policy.days, len(purged)
        )
    return tuple(purged)


def apply_retention(settings: ServiceConfig, root: Path, ledger: RecordingLedger, languages: Mapping[str, str]) -> None:
    """Delete what the retention period covers (nothing when ``[service] retention_days`` is unset).

    Args:
        settings: The service settings (retention period, home).
        root: The service root.
        ledger: The recordings ledger.
        languages: Client folder -> language, for the notes left beside deleted failed recordings.
    """
    days = settings.service.retention_days
    if days is None:
        return
    policy = RetentionPolicy(days, datetime.now())
    home = settings.service.home_dir
    with AuditLog(Home(home).logs / AUDIT_LOG, ledger.path, policy) as audit:
        purge_files(
            root,
            home,
            ledger,
            policy,
            audit,
            languages=languages,
            result_storage=get_current_settings().results.local_storage_path,
        )
        try:
            purge_flow_runs(policy, audit)
        except Exception as e:  # the API did not answer: the next reconcile tries again
            logger.error(
                "Retention: could not delete old Prefect runs (%s: %s); the next reconcile tries again",
                type(e).__name__,
                e,
            )
