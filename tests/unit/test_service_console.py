"""What an operator reads on the console of `minutier serve` and in its logs: start-up lines at INFO, one
"ready" line, one line per failed recording (the traceback kept in the log file), where each run's
minutes and email went, and the operator alert kept as a file when it cannot be emailed."""

from __future__ import annotations

import email
import email.policy
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flows.console import ServiceConsoleHandler, is_named_failure, without_traceback
from flows.delivery import alert, log_finished
from flows.environment import SERVICE_LOGGERS, apply_service_logging, log_file, logging_config
from flows.ready import ReadyAnnouncer, ready_line
from flows.serve import polled_since_start, show_service_logs
from flows.worker import write_ready_file
from pipeline.errors import NotMediaError
from service.delivery import DeliveryReport
from service.settings import EmailSettings, ServiceConfig, ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
BAD_FILE = "/srv/processing/acme/broken.m4a: not a readable audio or video file (Invalid data)"


def _record(error: BaseException, name: str = "prefect.flow_runs") -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        return logging.getLogger(name).makeRecord(
            name, logging.ERROR, __file__, 1, "Encountered exception during execution: %r", (error,), sys.exc_info()
        )


@pytest.fixture
def restore_levels() -> Iterator[None]:
    levels = {name: logging.getLogger(name).level for name in SERVICE_LOGGERS}
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_a_named_failure_is_one_console_line_and_keeps_its_traceback_elsewhere() -> None:
    record = _record(NotMediaError(BAD_FILE))
    assert is_named_failure(record) and not is_named_failure(_record(ValueError("a bug")))
    console = ServiceConsoleHandler(hint="traceback in the run's logs")
    line = console.format(record)
    assert "\n" not in line and "Traceback" not in line
    assert line.endswith(f"NotMediaError('{BAD_FILE}') (traceback in the run's logs)")
    # The other handlers (Prefect's API, the log file) get the same record after the console: untouched.
    full = logging.Formatter("%(message)s").format(record)
    assert "Traceback (most recent call last)" in full and "raise error" in full
    assert "Traceback" in console.format(_record(ValueError("a bug"))), "an unexpected error is a bug: keep it"
    assert without_traceback(record).getMessage() == record.getMessage()


def test_prefect_logging_config_shows_minutier_and_keeps_tracebacks_in_the_log_file(tmp_path: Path) -> None:
    """A real process with minutier's Prefect environment: what its console and the log file get."""
    service = ServiceSettings(home_dir=tmp_path / "home$1")
    config = logging_config(service)
    assert config is not None and config["handlers"]["console"]["class"] == "flows.console.ServiceConsoleHandler"
    script = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from flows.environment import apply_prefect_environment, apply_service_logging\n"
        "from service.settings import ServiceSettings\n"
        "service = ServiceSettings(home_dir=Path(sys.argv[1]))\n"
        "apply_prefect_environment(service)\n"
        "apply_service_logging(service)\n"
        "from prefect import flow\n"
        "from pipeline.errors import NotMediaError\n"
        "logging.getLogger('flows.delivery').info('Finished acme / a.m4a')\n"
        "logging.getLogger('service.intake').debug('not shown at INFO')\n"
        "try:\n"
        "    raise NotMediaError('broken.m4a: not a readable audio or video file')\n"
        "except NotMediaError as e:\n"
        "    run = {'flow_run_name': 'acme / broken.m4a'}\n"
        "    logging.getLogger('prefect.flow_runs').error('Encountered exception: %r', e, exc_info=True, extra=run)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "MINUTIER_HOME"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(service.home_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    console = done.stderr
    assert "Finished acme / a.m4a" in console and "not shown" not in console
    assert "Encountered exception: NotMediaError(" in console and "Traceback" not in console
    assert f"traceback in the run's logs in the Prefect UI and in {log_file(service)}" in console
    kept = log_file(service).read_text(encoding="utf-8")
    assert "Finished acme / a.m4a" in kept and "Traceback (most recent call last)" in kept


def test_an_exported_logging_config_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = ServiceSettings(home_dir=tmp_path / "home")
    monkeypatch.setenv("PREFECT_LOGGING_CONFIG_PATH", "")  # recorded, so the variable is restored afterwards
    monkeypatch.delenv("PREFECT_LOGGING_CONFIG_PATH")
    written = apply_service_logging(service)
    assert written is not None and written.is_file() and os.environ["PREFECT_LOGGING_CONFIG_PATH"] == str(written)
    written.unlink()
    monkeypatch.setenv("PREFECT_LOGGING_CONFIG_PATH", str(tmp_path / "mine.yml"))
    assert apply_service_logging(service) == tmp_path / "mine.yml" and not written.exists()


def test_serve_shows_minutier_info_lines_by_default(restore_levels: None) -> None:
    root = logging.getLogger()
    level = root.level
    try:
        root.setLevel(logging.WARNING)  # `minutier serve` without -v
        show_service_logs()
        assert all(logging.getLogger(name).getEffectiveLevel() == logging.INFO for name in SERVICE_LOGGERS)
        root.setLevel(logging.DEBUG)  # -vv
        show_service_logs()
        assert logging.getLogger("flows.intake").isEnabledFor(logging.DEBUG)
    finally:
        root.setLevel(level)


def test_the_ready_line_waits_for_the_deployments_and_the_model_worker(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="flows.serve")
    line = ready_line("http://127.0.0.1:4200/api", (2, tmp_path / "inbox"), tmp_path / "clients.toml")
    assert (
        line
        == f"minutier is ready: watching 2 client folder(s) under {tmp_path / 'inbox'}, Prefect UI at http://127.0.0.1:4200"
    )
    assert "no clients file at /x/clients.toml" in ready_line("http://h:1/api", None, Path("/x/clients.toml"))
    stamps: dict[str, object] = {"process-recording/minutier": None, "reconcile-inbox/minutier": "t0"}
    polled = polled_since_start(tuple(stamps), lambda names: dict(stamps))
    ready_file = tmp_path / "work" / "model-worker.ready"
    with ReadyAnnouncer(line, ready_file, tmp_path / "model-worker.log", polled, check_s=0.02):
        time.sleep(0.2)
        stamps["process-recording/minutier"] = "t1"  # the runner polled one deployment
        time.sleep(0.2)
        write_ready_file(ready_file, "")  # the model worker loaded its models
        time.sleep(0.2)
        assert "minutier is ready" not in caplog.text, "the reconcile deployment was not polled yet"
        stamps["reconcile-inbox/minutier"] = "t2"
        _wait(lambda: "minutier is ready" in caplog.text)
    assert [r.getMessage() for r in caplog.records].count(line) == 1
    assert caplog.records[-1].levelno == logging.INFO


def test_the_ready_line_says_when_the_models_did_not_load(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="flows.serve")
    ready_file = tmp_path / "model-worker.ready"
    write_ready_file(ready_file, "whisper model not found: set [asr] model_dir")
    with ReadyAnnouncer("minutier is ready: ...", ready_file, tmp_path / "w.log", lambda: True, check_s=0.02):
        _wait(lambda: "minutier is ready" in caplog.text)
    (record,) = [r for r in caplog.records if "minutier is ready" in r.getMessage()]
    assert record.levelno == logging.ERROR and "whisper model not found" in record.getMessage()


def _wait(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


REPORT = DeliveryReport("<m@x>", "smtp", ("direction@acme.fr", "assistante@acme.fr"), ())


@pytest.mark.parametrize(
    ("kwargs", "email_went"),
    [
        ({"watched": True, "delivery": REPORT}, "email: sent to direction@acme.fr, assistante@acme.fr"),
        (
            {"watched": True, "delivery": DeliveryReport("<m@x>", "eml", ("d@acme.fr",), (), Path("/o/a.eml"))},
            "email: not sent (no [email] host), written to /o/a.eml for d@acme.fr",
        ),
        (
            {"watched": True, "delivery": DeliveryReport("<m@x>", "none", (), ("d@acme.fr",))},
            "email: already sent to d@acme.fr",
        ),
        ({"watched": True, "review_pending": True}, "email: not emailed yet: review pending in the Prefect UI"),
        ({"watched": False}, "email: not emailed: not a watched-folder recording"),
    ],
)
def test_a_finished_run_says_where_its_minutes_and_email_went(
    caplog: pytest.LogCaptureFixture, kwargs: dict[str, object], email_went: str
) -> None:
    caplog.set_level(logging.INFO, logger="flows.delivery")
    log_finished("acme", "réunion.m4a", Path("/srv/outbox/acme/reunion-3fa81c2e"), **kwargs)  # type: ignore[arg-type]
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert (
        record.getMessage()
        == f"Finished acme / réunion.m4a: minutes in /srv/outbox/acme/reunion-3fa81c2e; {email_went}"
    )


def test_a_failed_run_alert_lands_in_the_home_alerts_folder(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="service.delivery")
    settings = ServiceConfig(service=ServiceSettings(home_dir=tmp_path / "home"), email=EmailSettings())
    alert(settings, "acme", "broken.m4a", BAD_FILE, None, "fr")
    (path,) = (tmp_path / "home" / "alerts").iterdir()
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "[minutier] Échec\u00a0: acme / broken.m4a" and path.suffix == ".eml"
    assert str(path) in caplog.text
