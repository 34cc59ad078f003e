"""The process-recording flow on a real Prefect server, with the real models."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from uuid import UUID

import docx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

import pipeline.stages
from flows.process import process_recording
from pipeline.asr.whisper import WhisperTranscriber
from pipeline.errors import PipelineError
from tests.flows.conftest import latest_run
from tests.media import run_ffmpeg


def _variant(source: Path, target: Path, pad_seconds: float) -> Path:
    """A copy with a little silence appended: same speech, new content hash (so no cache is shared)."""
    run_ffmpeg("-i", source, "-af", f"apad=pad_dur={pad_seconds}", "-ar", "16000", "-ac", "1", target)
    return target


class CallCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self._lock = threading.Lock()
        original = WhisperTranscriber.transcribe

        def counted(transcriber: WhisperTranscriber, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.count += 1
            return original(transcriber, *args, **kwargs)

        monkeypatch.setattr(WhisperTranscriber, "transcribe", counted)


def _artifacts(run_id: UUID) -> dict[str, Any]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))
    return {a.key or a.type or str(a.id): a for a in found}


def test_real_run_publishes_artifacts(completed_run: tuple[Any, dict[str, str]]) -> None:
    run, written = completed_run
    document = docx.Document(written["docx"])
    assert any("Speaker 2" in p.text for p in document.paragraphs)
    assert run.state.is_completed()
    assert {"client:acme", "device:cpu", "language:en"} <= set(run.tags)
    artifacts = _artifacts(run.id)
    keys = set(artifacts)
    for prefix in ("transcript-", "speakers-", "minutes-", "documents-"):
        assert any(k.startswith(prefix) for k in keys), (prefix, keys)
    transcript = next(a for k, a in artifacts.items() if k.startswith("transcript-"))
    assert "New Jersey" in transcript.data and "Speaker 1" in transcript.data
    speakers = next(a for k, a in artifacts.items() if k.startswith("speakers-"))
    assert "Speaker 2" in str(speakers.data)
    progress = next(a for k, a in artifacts.items() if k.startswith("progress-"))
    assert float(progress.data) == 100.0


def test_failure_then_rerun_reuses_cached_models(
    prefect_server: Any, eval_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = _variant(eval_dir / "faster_whisper/jfk.flac", tmp_path / "jfk-rerun.wav", 0.5)
    counter = CallCounter(monkeypatch)
    original = pipeline.stages.build_minutes

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise PipelineError("forced failure in the minutes step")

    monkeypatch.setattr(pipeline.stages, "build_minutes", broken)
    with pytest.raises(PipelineError, match="forced failure"):
        process_recording(recording_path=clip, client="beta", out_dir=tmp_path / "out", formats="md")
    failed = latest_run("beta / jfk-rerun.wav")
    assert failed.state.is_failed() and "forced failure in the minutes step" in (failed.state.message or "")
    assert any(k.startswith("failure-") for k in _artifacts(failed.id))
    assert counter.count == 1

    monkeypatch.setattr(pipeline.stages, "build_minutes", original)
    written = process_recording(recording_path=clip, client="beta", out_dir=tmp_path / "out", formats="md")
    assert "ask not what your country" in Path(written["md"]).read_text(encoding="utf-8").lower()
    assert counter.count == 1, "the transcription was recomputed instead of read from the cache"


def test_concurrent_runs_of_one_file_transcribe_once(
    prefect_server: Any, eval_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = _variant(eval_dir / "faster_whisper/jfk.flac", tmp_path / "jfk-twice.wav", 0.7)
    counter = CallCounter(monkeypatch)
    results: list[dict[str, str]] = []
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            results.append(
                process_recording(recording_path=clip, client="gamma", out_dir=tmp_path / f"out{n}", formats="txt")
            )
        except BaseException as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors
    assert len(results) == 2
    assert counter.count == 1


TEAMS_VTT = (
    "WEBVTT\n\n3f2a1b9c-1/12-0\n00:00:01.000 --> 00:00:06.500\n"
    "<v Marie Dupont>Bonjour à tous. Nous devons valider le budget du fournisseur avant la fin du mois.</v>\n\n"
    "3f2a1b9c-1/13-0\n00:00:07.000 --> 00:00:12.000\n"
    "<v Jean-Luc Moreau>Nous avons décidé de signer le contrat avec le fournisseur lundi prochain.</v>\n"
)


def test_a_run_asked_for_a_document_type_and_language_names_its_documents_after_the_meeting(
    prefect_server: Any, tmp_path: Path
) -> None:
    """`minutier process --template decisions` and a client's minutes language reach the documents; the
    documents are named after the date and title; the operator sees how the minutes were made."""
    source = tmp_path / "2026-11-20 Comité de pilotage.vtt"  # a transcript: no model runs
    source.write_text(TEAMS_VTT, encoding="utf-8")
    config = tmp_path / "minutier.toml"
    config.write_text('[minutes]\nsummarizer = "offline"\n', encoding="utf-8")
    written = process_recording(
        recording_path=source,
        client="acme",
        out_dir=tmp_path,  # beside the transcript, which is kept
        config=config,
        formats="md,vtt",
        template="relevé",
        minutes_language="en",
        timezone="Europe/Paris",
    )
    assert {fmt: Path(path).name for fmt, path in written.items()} == {
        "md": "2026-11-20 Comité de pilotage.minutes.md",
        "vtt": "2026-11-20 Comité de pilotage.minutes.vtt",
    }
    assert source.read_text(encoding="utf-8") == TEAMS_VTT
    text = Path(written["md"]).read_text(encoding="utf-8")
    assert "Record of decisions" in text and "## Decisions" in text and "Marie Dupont" in text
    run = latest_run("acme / 2026-11-20 Comité de pilotage.vtt")
    assert run.state.is_completed() and "source:transcript" in run.tags
    minutes = next(a for k, a in _artifacts(run.id).items() if k.startswith("minutes-"))
    assert "**Drafted by:** automatic offline summary (extractive)" in minutes.data
    assert "**Faithfulness gate:** owners removed: " in minutes.data
