"""The Prefect server down while recordings arrive: nothing lost, each processed once, each email sent once.

Two outages: the server `minutier serve` started is killed (SIGKILL) in the middle of a run, and
the service must notice it and start it again; or the remote server the service is pointed at
stops for longer than Prefect's runner tolerates, and the service must keep retrying, not crash.
Real Prefect servers, a real SMTP server on loopback, fake models.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.environment import prefect_environment
from flows.server import is_healthy, start_local_server
from service.intake import RecordingLedger
from service.ledger import default_ledger_path
from service.settings import ServiceSettings
from tests.flows.conftest import free_port
from tests.flows.fakes import child_environment
from tests.flows.service_harness import (
    CLIENTS_TOML,
    Service,
    SmtpServer,
    descendants,
    log_lines,
    reconciles_settled,
    service_config,
    wait_for,
)
from tests.flows.test_faults import tone

RECIPIENT = {
    "acme": "direction@acme.example",
    "acme-corp": "minutes@acme-corp.example",
    "acme_sa": "board@acme-sa.example",
}
PROCESSING_TIMEOUT_S = 300


def _drop(root: Path, client: str, name: str, frequency: int) -> Path:
    """Write the recording beside the inbox, then move it in whole, as a secretary's copy ends."""
    staged = tone(root / f"staged-{frequency}.wav", 2, frequency)
    return Path(shutil.move(staged, root / "inbox" / client / name))


def _inbox(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "inbox").rglob("*") if p.is_file())


def _log(service: Service) -> str:
    return service.log.read_text(errors="replace")


def _run_pid(api_url: str, home: Path, name: str) -> int:
    """The process executing the flow run called `name`: the holder of its lock (flows.orphans)."""
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        [run] = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
    inode = (home / "runs" / f"{run.id}.lock").stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if fields[1] == "FLOCK" and int(fields[5].rsplit(":", 1)[1]) == inode:
            return int(fields[4])
    raise AssertionError(f"no process holds the lock of run {name}")


def _server_pid(service: Service) -> int:
    """The `prefect server start` process the service started."""
    assert service.process is not None
    for pid in descendants(service.process.pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"server" in argv and b"start" in argv:
            return pid
    raise AssertionError("the service runs no Prefect server")


def _client_emails(smtp: SmtpServer) -> list[str]:
    return [rcpts[0] for _, rcpts, _ in smtp.recorder.messages if rcpts != ["ops@cabinet.example"]]


def _whereabouts(root: Path) -> str:
    """Where the recordings are, and why those under failed/ failed: what a timed-out wait must say."""
    where = {
        stage: sorted(p.name for p in (root / stage).rglob("*.wav")) for stage in ("inbox", "processing", "failed")
    }
    reasons = [p.read_text(errors="replace").strip() for p in sorted((root / "failed").rglob("*.reason.txt"))]
    logs = [root / "serve.log", root / "home" / "logs" / "model-worker.log"]
    return (
        f"recordings: {where}"
        + "".join(f"\n--- failed:\n{reason}" for reason in reasons)
        + "".join(f"\n--- {log.name} ends:\n{log_lines(log)}" for log in logs)
    )


def _wait_until_served(root: Path, smtp: SmtpServer, count: int) -> None:
    """Until `count` recordings are emailed or filed under failed/ (a failed one fails the test at once,
    with its reason); a recording that is neither in time is stuck, and the message says where it is."""

    def settled() -> bool:
        return len(_client_emails(smtp)) + len(list((root / "failed").rglob("*.wav"))) >= count

    try:
        wait_for(settled, PROCESSING_TIMEOUT_S, f"{count} recordings to be emailed or filed under failed/")
    except AssertionError as e:
        raise AssertionError(f"{e}; {_whereabouts(root)}") from None


def _check_each_recording_served_once(root: Path, smtp: SmtpServer, dropped: list[Path]) -> None:
    assert not list((root / "failed").rglob("*.wav")), _whereabouts(root)
    clients = [p.parent.name for p in dropped]
    assert sorted(_client_emails(smtp)) == sorted(RECIPIENT[c] for c in clients)
    with RecordingLedger(default_ledger_path(root / "home")) as ledger:
        assert sorted((e.client, e.name, e.state) for e in ledger.entries()) == sorted(
            (p.parent.name, p.name, "done") for p in dropped
        )
    assert len(list((root / "archive").rglob("*.wav"))) == len(dropped)
    assert (
        not _inbox(root)
        and not list((root / "processing").rglob("*.wav"))
        and not list((root / "failed").rglob("*.wav"))
    )


def _transcriptions(fakes: Path) -> int:
    log = fakes / "calls.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_killed_server_is_restarted_and_recordings_dropped_meanwhile_are_processed_once(tmp_path: Path) -> None:
    smtp = SmtpServer()
    smtp.start()
    fakes = tmp_path / "fake-models"
    fakes.mkdir()
    (fakes / "hold").touch()  # transcriptions wait while the server is killed
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    config = service_config(tmp_path, smtp_port=smtp.port, settle_s=1, own_port=port)
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    service = Service(config, tmp_path / "serve.log", env=child_environment(fakes), session_server=False)
    service.start()
    try:
        # Three recordings in flight: two held in the model worker's two slots, the third's stages
        # waiting in the server's queue, which lives in its memory; one run's process is killed too.
        before = [
            _drop(tmp_path, client, "avant la panne.wav", 600 + 10 * n)
            for n, client in enumerate(("acme", "acme-corp", "acme_sa"))
        ]
        wait_for(lambda: _transcriptions(fakes) == 2, 180, "two transcriptions to be under way")
        wait_for(lambda: _log(service).count("Created task run 'diarize") == 3, 120, "the third run's stages")
        wait_for(lambda: reconciles_settled(service), 60, "the reconciles to end")
        killed, run_killed = _server_pid(service), _run_pid(api_url, tmp_path / "home", "acme / avant la panne.wav")
        os.kill(killed, signal.SIGKILL)
        down_at = time.monotonic()
        wait_for(lambda: not is_healthy(api_url), 30, "the server to stop answering", every=0.2)
        os.kill(run_killed, signal.SIGKILL)  # one run's process dies too, and the server cannot be told
        during = [
            _drop(tmp_path, "acme", "pendant la panne.wav", 700),
            _drop(tmp_path, "acme-corp", "pendant la panne.wav", 710),
        ]
        checks = 0
        while not is_healthy(api_url):  # meanwhile nothing can take them: they wait in their inbox, whole
            assert _inbox(tmp_path) == ["pendant la panne.wav"] * 2
            checks += 1
            time.sleep(0.5)
            assert time.monotonic() - down_at < 240, "the server was not restarted"
        outage = time.monotonic() - down_at
        assert checks >= 2 and all(p.exists() for p in during)
        assert f"The Prefect server (pid {killed}) was killed by SIGKILL; restarting it" in _log(service)
        assert _server_pid(service) != killed and service.process is not None and service.process.poll() is None

        (fakes / "hold").unlink()  # the runs in flight go on
        _wait_until_served(tmp_path, smtp, 5)
        back = time.monotonic() - down_at - outage
        time.sleep(5)  # a late duplicate would show now
        _check_each_recording_served_once(tmp_path, smtp, before + during)
        log = _log(service)
        assert "The Prefect server is back" in log and "answers again" in log
        assert "Queued again" in log, "the stages the server lost were not queued again"
        print(
            f"\nOwn server killed with 3 recordings in flight (one run's process killed too): down "
            f"{outage:.0f} s (restarted by the service); 2 recordings dropped meanwhile waited in their inbox; "
            f"all 5 emailed once, the last {back:.0f} s after it was back; {_transcriptions(fakes)} "
            f"transcription(s), {len(_client_emails(smtp))} client email(s), "
            f"{len(smtp.messages_to('ops@cabinet.example'))} operator alert(s)"
        )
    finally:
        if service.process is not None and service.process.poll() is None:
            service.stop()
        smtp.stop()


def test_remote_server_down_longer_than_prefect_tolerates_service_keeps_retrying(tmp_path: Path) -> None:
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    remote = ServiceSettings(home_dir=tmp_path / "remote-server", api_url=None, port=port)
    env = prefect_environment(remote)
    Path(env["PREFECT_HOME"]).mkdir(parents=True)
    server_log = tmp_path / "remote-server.log"
    server = start_local_server(remote.host, port, env, server_log)
    fakes = tmp_path / "fake-models"
    # With this runner (below), a slow API just back can make it give up again mid-run; what it leaves
    # is taken again at once (orphans, a reconcile), and at worst by the scheduled reconcile: one a minute.
    config = service_config(tmp_path, smtp_port=smtp.port, settle_s=1, reconcile_s=60, api_url=env["PREFECT_API_URL"])
    (tmp_path / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    # Prefect's runner gives up after three failed polls; polled often, with few client retries, it
    # gives up within seconds instead of minutes, so a short outage exercises the service's recovery.
    quick = {"PREFECT_RUNNER_POLL_FREQUENCY": "2", "PREFECT_CLIENT_MAX_RETRIES": "1"}
    service = Service(config, tmp_path / "serve.log", env={**child_environment(fakes), **quick}, session_server=False)
    service.start()
    try:
        wait_for(lambda: reconciles_settled(service), 120, "the first reconcile")
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        down_at = time.monotonic()
        dropped = [_drop(tmp_path, "acme", "réunion 1.wav", 640), _drop(tmp_path, "acme-corp", "réunion 2.wav", 650)]
        wait_for(lambda: "Serving the deployments stopped" in _log(service), 120, "Prefect's runner to give up")
        time.sleep(5)
        assert service.process is not None and service.process.poll() is None, "the service died with the server"
        assert _inbox(tmp_path) == ["réunion 1.wav", "réunion 2.wav"]
        server = start_local_server(remote.host, port, env, server_log)  # the same database: nothing forgotten
        up_at = time.monotonic()
        outage = up_at - down_at
        _wait_until_served(tmp_path, smtp, 2)
        back = time.monotonic() - up_at
        time.sleep(5)
        _check_each_recording_served_once(tmp_path, smtp, dropped)
        log = _log(service)
        assert "does not answer" in log and "answers again" in log
        print(
            f"\nRemote server down {outage:.0f} s: Prefect's runner gave up and was restarted by the service, "
            f"2 recordings waited in their inbox; both emailed {back:.0f} s after it was back"
        )
    finally:
        if service.process is not None and service.process.poll() is None:
            service.stop()
        server.stop()
        smtp.stop()
