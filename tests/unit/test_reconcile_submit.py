"""The reconcile's submissions after an outage: a run that failed through no fault of its recording is
scheduled again (never left Failed with its recording in processing/ for ever), and a submission the
Prefect API refuses for a moment (a busy SQLite database answers 503) is made again, not given up.
A fake Prefect API stands in for the server; the ledger is real."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prefect.client.schemas.objects import State
from prefect.exceptions import ConfigurationError, PrefectHTTPStatusError
from prefect.states import Cancelled, Completed, Crashed, Failed, Running

from flows import intake, recovery
from flows.recovery import is_orchestration_error
from flows.stage_wait import StageLostError
from service.intake import Ready, RecordingLedger
from service.settings import ServiceSettings
from tests.unit.fake_prefect import FakeApi, Run, TaskRun, install, status_error

SHA = "ab" * 32


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    return install(monkeypatch)


def _ready(tmp_path: Path, *, resumed: bool, present: bool = True) -> Ready:
    path = tmp_path / "processing" / "acme" / "réunion.wav"
    if present:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF")
    return Ready("acme", path, SHA, "reunion-abab", "réunion.wav", resumed=resumed)


def _service(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(home_dir=tmp_path / "home")


def _run_of(api: FakeApi, tmp_path: Path, ready: Ready, state: State) -> Run:
    """The run the reconcile will find for `ready` (created with its key), in `state`."""
    intake.submit_ready(ready, None, _service(tmp_path))
    run = api.runs[api.keys[-1]]
    run.state = state
    api.keys.clear()
    api.scheduled.clear()
    return run


def test_a_resumed_recording_whose_run_failed_for_the_orchestration_is_scheduled_again(
    api: FakeApi, tmp_path: Path
) -> None:
    # A lost model stage (or the API's 503) failed the run; its hook kept the recording in processing/
    # for another attempt. The reconcile that hook asks for must start it again, not find it Failed.
    ready = _ready(tmp_path, resumed=True)
    run = _run_of(api, tmp_path, ready, Failed(message="StageLostError: the model stage diarize was lost"))
    api.task_runs[run.id] = [
        TaskRun("transcribe-0", Completed()),
        TaskRun("diarize-0", Cancelled(message="lost")),
        TaskRun("diarize-1", Cancelled(message="lost")),
        TaskRun("identify-speakers-0", Failed()),
    ]

    assert intake.submit_ready(ready, None, _service(tmp_path)) == str(run.id)

    assert api.scheduled == [run.id] and run.state is not None and run.state.is_scheduled()
    # The rerun finds its task runs by key: the finished one is reused, those without a result are sent anew.
    assert api.deleted == ["diarize-0", "diarize-1", "identify-speakers-0"]
    assert [t.name for t in api.task_runs[run.id]] == ["transcribe-0"]


@pytest.mark.parametrize("state", [Crashed(), Cancelled()])
def test_an_interrupted_run_is_scheduled_again(api: FakeApi, tmp_path: Path, state: State) -> None:
    ready = _ready(tmp_path, resumed=True)
    run = _run_of(api, tmp_path, ready, state)
    intake.submit_ready(ready, None, _service(tmp_path))
    assert api.scheduled == [run.id]


def test_a_run_in_progress_is_left_alone(api: FakeApi, tmp_path: Path) -> None:
    ready = _ready(tmp_path, resumed=True)
    run = _run_of(api, tmp_path, ready, Running())
    assert intake.submit_ready(ready, None, _service(tmp_path)) == str(run.id)
    assert api.scheduled == [] and len(api.keys) == 1


def test_a_failed_run_whose_recording_was_filed_meanwhile_is_not_scheduled_again(api: FakeApi, tmp_path: Path) -> None:
    # The failure hook moved the recording to failed/ while the reconcile was looking at processing/.
    ready = _ready(tmp_path, resumed=True, present=False)
    _run_of(api, tmp_path, ready, Failed(message="NoSpeechError"))
    intake.submit_ready(ready, None, _service(tmp_path))
    assert api.scheduled == []


def test_a_recording_dropped_again_after_a_failed_run_is_a_new_run(api: FakeApi, tmp_path: Path) -> None:
    ready = _ready(tmp_path, resumed=False)
    with RecordingLedger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.receive(ready.client, SHA, ready.name, ready.path, ready.meeting_id)
        failed = _run_of(api, tmp_path, ready, Failed(message="NoSpeechError"))
        new = intake.submit_ready(ready, None, _service(tmp_path), ledger)
        assert ledger.get(ready.client, SHA).retries == 1  # type: ignore[union-attr]
    assert new != str(failed.id) and len(set(api.keys)) == 2 and api.scheduled == []


def test_a_submission_the_api_refuses_for_a_moment_is_made_again_with_the_same_key(
    api: FakeApi, tmp_path: Path
) -> None:
    api.refusals = [
        PrefectHTTPStatusError.from_httpx_error(status_error(503)),  # SQLite busy, after the client's own retries
        httpx.ConnectError("All connection attempts failed"),
    ]
    run_id = intake.submit_ready(_ready(tmp_path, resumed=False), None, _service(tmp_path))
    assert len(api.keys) == 3 and len(set(api.keys)) == 1  # one run: the idempotency key never changes
    assert list(api.runs) == api.keys[:1] and run_id == str(api.runs[api.keys[0]].id)


def test_a_refusal_that_lasts_leaves_the_recording_for_the_next_reconcile_and_the_others_still_go(
    api: FakeApi, tmp_path: Path
) -> None:
    first, second = _ready(tmp_path, resumed=False), _ready(tmp_path / "b", resumed=False)
    api.refusals = [status_error(503)] * recovery.API_TRIES
    unsent: list[Ready] = []
    submitted = intake.submit_each([first, second], lambda r: intake.submit_ready(r, None, _service(tmp_path)), unsent)
    assert unsent == [first] and len(submitted) == 1


def test_an_error_of_the_request_itself_is_not_retried(api: FakeApi, tmp_path: Path) -> None:
    api.refusals = [status_error(422)]
    with pytest.raises(httpx.HTTPStatusError):
        intake.submit_each(
            [_ready(tmp_path, resumed=False)], lambda r: intake.submit_ready(r, None, _service(tmp_path)), []
        )
    assert len(api.keys) == 1


@pytest.mark.parametrize(
    ("error", "orchestration"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (status_error(503), True),
        (PrefectHTTPStatusError.from_httpx_error(status_error(503)), True),
        (status_error(500), True),
        (status_error(429), True),
        (StageLostError("the model stage diarize was lost"), True),
        (
            ConfigurationError(
                "Isolation level SERIALIZABLE is not supported by provided configuration. Please ensure you've "
                "provided a lock file directory or lock manager when using the SERIALIZABLE isolation level."
            ),
            True,
        ),
        (ConfigurationError("some other misconfiguration"), False),
        (status_error(404), False),
        (status_error(422), False),
        (ValueError("not audio"), False),
        (None, False),
    ],
)
def test_which_errors_are_the_orchestrations(error: BaseException | None, orchestration: bool) -> None:
    assert is_orchestration_error(error) is orchestration
