"""Delivery and intake bookkeeping tasks of a watched-folder run, and the failure hook's work."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from prefect import task
from prefect.tasks import exponential_backoff

from pipeline.summarize import Minutes
from service.clients import ClientConfig, Clients
from service.delivery import DeliveryLedger, DeliveryReport, deliver_minutes, send_alert
from service.errors import DeliveryTransientError
from service.intake import RecordingLedger, archive_recording, fail_recording, meeting_id
from service.known_clients import load_running_clients, load_start_clients
from service.layout import Home
from service.ledger import default_ledger_path
from service.settings import ServiceConfig, clients_file, service_root

logger = logging.getLogger(__name__)


def service_clients(settings: ServiceConfig, *, starting: bool = False) -> Clients | None:
    """The configured clients, or None when the service has no clients file.

    Starting, an invalid file stops the service (its one-line ConfigError). Running, an invalid
    file is reported once per version and its last valid version is used meanwhile (see
    :mod:`service.known_clients`): no reconcile or run fails over an edit in progress.
    """
    path = clients_file(settings.service)
    if not path.exists():
        return None
    ledger = Home(settings.service.home_dir).ledger
    if starting:
        return load_start_clients(path, ledger)
    return load_running_clients(path, ledger).clients


def client_config(settings: ServiceConfig, client: str) -> ClientConfig | None:
    clients = service_clients(settings)
    return clients.get(client) if clients is not None else None


def _retry_transient(task: Any, run: Any, state: Any) -> bool:
    """Retry only what may pass later (server down, 4xx); a 5xx refusal fails at once."""
    try:
        state.result()
    except DeliveryTransientError:
        return True
    except Exception:
        return False
    return False


@task(
    name="deliver-minutes",
    retries=4,
    retry_delay_seconds=exponential_backoff(backoff_factor=10),
    retry_condition_fn=_retry_transient,
    persist_result=False,
)
def deliver(
    minutes: Minutes,
    docx_path: Path,
    client: ClientConfig,
    sha256: str,
    settings: ServiceConfig,
    document_type: str | None = None,
) -> DeliveryReport:
    """Email the minutes to the client's recipients (idempotent per recipient); what was done, for
    :func:`log_finished`. `document_type` is the attached document's (the run's, which may not be
    the client's): the email says what it holds."""
    with DeliveryLedger(default_ledger_path(settings.service.home_dir)) as ledger:
        return deliver_minutes(minutes, docx_path, client, sha256, settings.email, ledger, document_type=document_type)


def meeting_folder(settings: ServiceConfig, client: str, sha256: str, recording_path: Path) -> str:
    """The outbox folder of a watched-folder recording: the intake's name + hash slug, so two
    recordings with the same file name never share (and overwrite) one folder."""
    with RecordingLedger(default_ledger_path(settings.service.home_dir)) as ledger:
        entry = ledger.get(client, sha256)
    return entry.meeting_id if entry is not None else meeting_id(recording_path.name, sha256)


@task(name="archive-recording", persist_result=False)
def archive(settings: ServiceConfig, client: str, sha256: str) -> Path:
    with RecordingLedger(default_ledger_path(settings.service.home_dir)) as ledger:
        return archive_recording(service_root(settings.service), ledger, client, sha256)


def file_failure(
    settings: ServiceConfig, client: ClientConfig, sha256: str, reason: BaseException | str
) -> Path | None:
    """Move a recording still being processed to failed/ with a reason; leave an archived one alone."""
    with RecordingLedger(default_ledger_path(settings.service.home_dir)) as ledger:
        entry = ledger.get(client.folder, sha256)
        if entry is None or entry.state == "done":
            return None
        return fail_recording(service_root(settings.service), ledger, client, sha256, reason)


def alert(
    settings: ServiceConfig, client: str, recording: str, reason: str, run_url: str | None, language: str
) -> None:
    """Tell the operators (``[email] operators``) that a recording's run failed, in `language`.

    Emailed when SMTP and operators are configured; otherwise written as an ``.eml`` under the
    service home's ``alerts/`` (see :func:`service.delivery.send_alert`), and the log says where.
    """
    try:
        send_alert(
            settings.email,
            Home(settings.service.home_dir).alerts,
            client=client,
            recording=recording,
            reason=reason,
            run_url=run_url,
            language=language,
        )
    except Exception:  # an alert that cannot be sent must not hide the failure it reports
        logger.exception("Operator alert for %s / %s could not be sent", client, recording)


def log_finished(
    client: str,
    recording: str,
    out_dir: Path,
    *,
    watched: bool,
    delivery: DeliveryReport | None = None,
    review_pending: bool = False,
) -> None:
    """Log (INFO) one line saying where a finished run's minutes and email went.

    Args:
        client: The client folder.
        recording: The recording's file name.
        out_dir: The folder the documents were written to (the outbox folder, or the run's out dir).
        watched: Whether the recording came from a watched folder (only those are emailed).
        delivery: What :func:`deliver` did; None when nothing was delivered.
        review_pending: The minutes wait for an operator's review before they are emailed.
    """
    logger.info(
        "Finished %s / %s: minutes in %s; email: %s",
        client,
        recording,
        out_dir,
        _email_outcome(watched, delivery, review_pending),
    )


def _email_outcome(watched: bool, delivery: DeliveryReport | None, review_pending: bool) -> str:
    if not watched:
        return "not emailed: not a watched-folder recording"
    if review_pending:
        return "not emailed yet: review pending in the Prefect UI"
    if delivery is None:
        return "not emailed: no Word document was written to attach"
    if delivery.transport == "none":
        return f"already sent to {', '.join(delivery.already_sent)}"
    if delivery.eml_path is not None:
        return f"not sent (no [email] host), written to {delivery.eml_path} for {', '.join(delivery.sent_to)}"
    return f"sent to {', '.join(delivery.sent_to)}" + (
        f" ({', '.join(delivery.already_sent)} already had it)" if delivery.already_sent else ""
    )
