"""`minutier serve`, `minutier run` and `minutier process`: the Prefect service and its runs.

Prefect is imported inside the commands only, after its environment is set from the settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import click

from cli.base import formats_option, main, meeting_options, meeting_request, speaker_options
from pipeline.stages import MeetingRequest
from service.settings import ServiceConfig

logger = logging.getLogger("cli")


def _config_path(ctx: click.Context) -> Path | None:
    path: Path | None = ctx.obj.get("config_path")
    return path.resolve() if path else None


@main.command()
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Run the service: Prefect server (unless one is configured), deployments and model worker.

    \b
    Where things are:
      state        $MINUTIER_HOME, default ./.minutier (of the folder serve starts in):
                   Prefect's database, ledgers, work files, alerts/ and logs/
      recordings   inbox/<client>/ (drop files here), processing/, archive/, failed/,
                   outbox/<client>/ under the same folder, or [service] root_dir
      clients      clients.toml in that folder, or the file [service] clients_path names
      Prefect UI   http://127.0.0.1:4200 ([service] host and port), or the server that
                   PREFECT_API_URL / [service] api_url names (without its /api)
      review desk  http://127.0.0.1:4300 ([desk] host and port), when [desk.users] declares
                   secretaries (passwords: minutier desk add-user NAME)

    Stop it with Ctrl-C, or SIGTERM (`kill PID`, `systemctl stop`): the Prefect server, the model
    worker and every run it started stop with it; unfinished recordings are taken again at the
    next start.

    \b
    Examples:
      minutier serve
      MINUTIER_HOME=/srv/minutier minutier serve
      minutier --config /etc/minutier.toml serve
      PREFECT_API_URL=http://prefect.internal:4200/api minutier serve
    """
    from flows.serve import serve_forever

    serve_forever(ctx.obj["settings"], _config_path(ctx))


@main.command()
@click.option("--pool", required=True, help="Prefect work pool (created as a process pool if missing).")
@click.pass_context
def deploy(ctx: click.Context, pool: str) -> None:
    """Register the flow on a work pool, for hosts that join with `prefect worker start`.

    \b
    Examples:
      minutier deploy --pool minutier-cpu
      prefect worker start --pool minutier-cpu --limit 2
      CUDA_VISIBLE_DEVICES=0 prefect worker start --pool minutier-gpu --limit 1
      minutier run reunion.m4a --client acme --deployment minutier-cpu
    """
    from flows.serve import deploy_to_pool

    click.echo(deploy_to_pool(ctx.obj["settings"], _config_path(ctx), pool))


@dataclass(frozen=True, slots=True)
class RunRequest:
    """One recording for the `process-recording` flow, as `minutier run` and `minutier process` read it."""

    recording: Path
    client: str = "default"
    out_dir: Path | None = None
    config: Path | None = None
    formats: str | None = None
    meeting: MeetingRequest = field(default_factory=MeetingRequest)

    def parameters(self) -> dict[str, Any]:
        """The flow's parameters, JSON-ready (Prefect casts them back to Path and date).

        The meeting request's fields are the flow's parameters of the same names. A parameter
        left unset is left out, not sent as None: the flow's default (or the deployment's, e.g.
        the service's own --config) applies, and a flow without the parameter still accepts the run.
        """
        m = self.meeting
        values: dict[str, Any] = {
            "recording_path": str(self.recording.resolve()),
            "client": self.client,
            "out_dir": str(self.out_dir.resolve()) if self.out_dir else None,
            "config": str(self.config) if self.config else None,
            "formats": self.formats,
            **{f.name: getattr(m, f.name) for f in fields(m) if f.name not in ("speaker_names", "client")},
            "held_on": m.held_on.isoformat() if m.held_on else None,
            "voices_dir": str(m.voices_dir.resolve()) if m.voices_dir else None,
            "speaker_names": dict(m.speaker_names) or None,
            "vocabulary": list(m.vocabulary) or None,
        }
        return {key: value for key, value in values.items() if value is not None}


def _run_options(func: Any) -> Any:
    options = [
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--client", default="default", show_default=True, help="Client the recording belongs to."),
        click.option(
            "-o",
            "--out-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Where the documents go (default: the service's outbox/<client>/<meeting>).",
        ),
        meeting_options,
        formats_option,
        speaker_options,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run_request(ctx: click.Context, options: dict[str, Any]) -> RunRequest:
    """The flow's request from the parsed options; contradictory speaker counts are refused here."""
    return RunRequest(
        recording=options["file"],
        client=options["client"],
        out_dir=options["out_dir"],
        config=_config_path(ctx),
        formats=options["formats"],
        meeting=meeting_request(options),
    )


@main.command()
@_run_options
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait for the run to finish.")
@click.option(
    "--deployment",
    default="minutier",
    show_default=True,
    help="Which deployment: 'minutier' (served by `minutier serve`) or a pool given to `minutier deploy`.",
)
@click.pass_context
def run(ctx: click.Context, wait: bool, deployment: str, **options: Any) -> None:
    """Submit FILE to the running service (`minutier serve`) and wait for its documents.

    \b
    Examples:
      minutier run reunion.m4a --client acme
      minutier run call.mp3 --client acme --no-wait
      minutier run comite.m4a --client acme --language fr --speakers 4 --name "Speaker 2=Marie Dupont"
    """
    request = _run_request(ctx, options)  # refused before Prefect is even imported
    from flows.submit import submit_recording

    settings: ServiceConfig = ctx.obj["settings"]
    outcome = submit_recording(settings, request.parameters(), wait=wait, deployment=f"process-recording/{deployment}")
    click.echo(outcome)


@main.command()
@_run_options
@click.pass_context
def process(ctx: click.Context, **options: Any) -> None:
    """Process FILE now, in this process, as a Prefect flow run (starts a local Prefect server if none runs).

    \b
    Examples:
      minutier process samples/meeting_en.wav --client demo -o out/
      minutier process reunion.m4a --client acme --title "Comité de pilotage" --date 2026-11-20
      minutier process call.mp3 --language en --min-speakers 2 --max-speakers 3 --format docx,srt
    """
    request = _run_request(ctx, options)  # refused before a Prefect server starts
    from flows.serve import prefect_service

    settings: ServiceConfig = ctx.obj["settings"]
    with prefect_service(settings) as api_url:
        from flows.process import process_recording

        written = process_recording(**request.parameters())
    for fmt, path in written.items():
        click.echo(f"{fmt}: {path}")
    logger.info("Run recorded in Prefect at %s", api_url)


@main.command()
@click.option("--client", "client_folder", required=True, help="Client folder (as under inbox/).")
@click.argument("meetings", nargs=-1)
@click.pass_context
def resend(ctx: click.Context, client_folder: str, meetings: tuple[str, ...]) -> None:
    """Email again minutes that were written but not sent (e.g. the mail server was down).

    Without MEETINGS, every processed recording of the client that a recipient has not received.
    The audio is not processed again; recipients who already have the minutes get nothing.

    \b
    Examples:
      minutier resend --client acme
      minutier resend --client acme reunion-du-12-mars-3fa81c2e
    """
    from pipeline.errors import ConfigError
    from service.clients import load_clients
    from service.delivery import DeliveryLedger
    from service.delivery.resend import resend_minutes, undelivered
    from service.intake import RecordingLedger
    from service.ledger import default_ledger_path
    from service.settings import clients_file, service_root

    settings: ServiceConfig = ctx.obj["settings"]
    client = load_clients(clients_file(settings.service)).get(client_folder)
    if client is None:
        raise ConfigError(f"{clients_file(settings.service)}: no client {client_folder!r}")
    path = default_ledger_path(settings.service.home_dir)
    with RecordingLedger(path) as recordings, DeliveryLedger(path) as deliveries:
        pending = undelivered(recordings, deliveries, client)
        chosen = [e for e in pending if not meetings or e.meeting_id in meetings]
        for meeting in sorted(set(meetings) - {e.meeting_id for e in chosen}):
            click.echo(f"{meeting}: nothing to send (unknown, or every recipient has it)")
        for entry in chosen:
            report = resend_minutes(service_root(settings.service), client, entry, settings.email, deliveries)
            click.echo(f"{entry.meeting_id}: sent to {len(report.sent_to)} recipient(s) via {report.transport}")
