"""What operators see in the Prefect UI: progress, transcript, speakers, minutes, documents, failures."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run

from pipeline.outputs import provenance_rows
from pipeline.summarize import Minutes
from pipeline.summarize.humanize import format_timestamp
from pipeline.types import SpeakerTranscript

logger = logging.getLogger(__name__)

MAX_TRANSCRIPT_ARTIFACT_CHARS = 200_000
# The Prefect UI's artifacts are in English, whatever the minutes' language.
OPERATOR_LANGUAGE = "en"


def artifact_key(*parts: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    text = unicodedata.normalize("NFKD", "-".join(parts)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:120] or "run"


class RunReport:
    """A progress artifact updated after each stage, plus a log line per stage."""

    STAGES = {
        "queued": 0,
        "decoded": 10,
        "transcribed": 50,
        "diarized": 70,
        "attributed": 75,
        "minutes": 85,
        "documents": 100,
    }

    def __init__(self, client: str, recording: str) -> None:
        self._key = artifact_key(client, recording)
        self._id = cast(  # the sync call: Prefect's return type also lists its coroutine
            UUID | None,
            create_progress_artifact(
                progress=0.0, key=f"progress-{self._key}", description=f"{client} / {recording}: started"
            ),
        )

    @property
    def key(self) -> str:
        return self._key

    def stage(self, name: str) -> None:
        progress = float(self.STAGES[name])
        if self._id is not None:
            update_progress_artifact(self._id, progress=progress, description=f"{name} ({progress:.0f} %)")
        logger.info("Stage done: %s (%.0f %%)", name, progress)


def add_run_tags(*tags: str) -> None:
    """Add tags to the current flow run once they are known (language, device)."""
    run_id = flow_run.get_id()
    if run_id is None:
        return
    with get_client(sync_client=True) as client:
        current = client.read_flow_run(UUID(run_id)).tags
        client.update_flow_run(UUID(run_id), tags=sorted({*current, *tags}))


def transcript_markdown(st: SpeakerTranscript) -> str:
    lines = [
        f"**[{format_timestamp(u.start, compact=True)}] {st.display_name(u.speaker) or '—'}:** {u.text}  "
        for u in st.utterances
    ]
    text = "\n".join(lines) or "_No speech was found in this recording._"
    if len(text) > MAX_TRANSCRIPT_ARTIFACT_CHARS:
        text = text[:MAX_TRANSCRIPT_ARTIFACT_CHARS] + "\n\n_… truncated here; the full transcript is in the documents._"
    return text


def minutes_markdown(minutes: Minutes) -> str:
    parts = [f"# {minutes.title}", "", minutes.summary or "_(no summary)_", "", "## Decisions"]
    parts += [
        f"{i}. {d.text} _({format_timestamp(d.start, compact=True)})_" for i, d in enumerate(minutes.decisions, 1)
    ] or ["_none_"]
    parts += ["", "## Action items", "", "| Action | Owner | Due |", "|---|---|---|"]
    parts += [
        f"| {a.text} | {a.owner or '—'} | {a.due.isoformat() if a.due else (a.due_text or '—')} |"
        for a in minutes.action_items
    ] or ["| _none_ | | |"]
    # How they were made: kept out of the client's documents, shown to the operator.
    parts += ["", "## How these minutes were made", ""]
    parts += [f"- **{label}:** {value}" for label, value in provenance_rows(minutes, OPERATOR_LANGUAGE)]
    if minutes.provenance.fallback_reason:
        parts += ["", f"> Summariser fallback: {minutes.provenance.fallback_reason}"]
    return "\n".join(parts)


def publish_results(key: str, minutes: Minutes, documents: Mapping[str, Path]) -> None:
    """Transcript, speakers, minutes and document locations, as artifacts on the run."""
    create_markdown_artifact(
        transcript_markdown(minutes.transcript), key=f"transcript-{key}", description="Speaker-attributed transcript"
    )
    create_table_artifact(
        [
            {
                "speaker": p.name,
                "speaking time": format_timestamp(p.speaking_time, compact=True),
                "share": f"{p.share:.0%}",
            }
            for p in minutes.participants
        ],
        key=f"speakers-{key}",
        description="Who spoke, and how much",
    )
    create_markdown_artifact(minutes_markdown(minutes), key=f"minutes-{key}", description="Summary, decisions, actions")
    create_table_artifact(
        [{"format": fmt, "path": str(path)} for fmt, path in documents.items()],
        key=f"documents-{key}",
        description="Where the documents are",
    )


def publish_failure(flow: Any, run: Any, state: Any) -> None:
    """on_failure / on_crashed hook's part in the UI: a log line and an artifact with the readable reason.

    It alerts nobody: the operators' alert is :func:`flows.delivery.alert`.
    """
    reason = state.message or state.name
    params = run.parameters or {}
    what = f"{params.get('client', '?')} / {Path(str(params.get('recording_path', '?'))).name}"
    named = "Run" if run.name == what else f"Run {run.name}"  # a served run is named after its recording
    logger.error("%s failed for %s: %s", named, what, reason)
    create_markdown_artifact(
        f"# Run failed\n\n**Recording:** {what}\n\n**Reason:** {reason}\n",
        key=artifact_key("failure", str(params.get("client", "")), Path(str(params.get("recording_path", ""))).name),
        description="Why this run failed",
    )
