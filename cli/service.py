"""`minutier serve`, `minutier run` and `minutier process`: the Prefect service and its runs.

Prefect is imported inside the commands only, after its environment is set from the settings.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import click

from cli.base import main
from service.settings import ServiceConfig

logger = logging.getLogger("cli")

FORMATS_HELP = "Comma-separated: docx, srt, vtt, json, md, txt."


def _config_path(ctx: click.Context) -> Path | None:
    path: Path | None = ctx.obj.get("config_path")
    return path.resolve() if path else None


@main.command()
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Run the service: Prefect server (unless one is configured), deployments and model worker.

    Stops cleanly, child processes included, on Ctrl-C or SIGTERM.

    \b
    Examples:
      minutier serve
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


def _parameters(
    file: Path,
    client: str,
    out_dir: Path | None,
    config: Path | None,
    title: str | None,
    held_on: date | None,
    formats: str,
) -> dict[str, Any]:
    return {
        "recording_path": str(file.resolve()),
        "client": client,
        "out_dir": str(out_dir.resolve()) if out_dir else None,
        "config": str(config) if config else None,
        "title": title,
        "held_on": held_on.isoformat() if held_on else None,
        "formats": formats,
    }


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
        click.option("--title", help="Title of the minutes."),
        click.option("--date", "held_on", type=click.DateTime(["%Y-%m-%d"]), help="Meeting date (YYYY-MM-DD)."),
        click.option("--formats", default="docx,srt,vtt,json,md,txt", show_default=True, help=FORMATS_HELP),
    ]
    for option in reversed(options):
        func = option(func)
    return func


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
def run(
    ctx: click.Context,
    file: Path,
    client: str,
    out_dir: Path | None,
    title: str | None,
    held_on: Any,
    formats: str,
    wait: bool,
    deployment: str,
) -> None:
    """Submit FILE to the running service (`minutier serve`) and wait for its documents.

    \b
    Examples:
      minutier run reunion.m4a --client acme
      minutier run call.mp3 --client acme --no-wait
    """
    from flows.submit import submit_recording

    settings: ServiceConfig = ctx.obj["settings"]
    params = _parameters(file, client, out_dir, _config_path(ctx), title, held_on.date() if held_on else None, formats)
    outcome = submit_recording(settings, params, wait=wait, deployment=f"process-recording/{deployment}")
    click.echo(outcome)


@main.command()
@_run_options
@click.pass_context
def process(
    ctx: click.Context, file: Path, client: str, out_dir: Path | None, title: str | None, held_on: Any, formats: str
) -> None:
    """Process FILE now, in this process, as a Prefect flow run (starts a local Prefect server if none runs).

    \b
    Examples:
      minutier process samples/meeting_en.wav --client demo -o out/
      minutier process reunion.m4a --client acme --title "Comité de pilotage" --date 2026-11-20
    """
    from flows.serve import prefect_service

    settings: ServiceConfig = ctx.obj["settings"]
    with prefect_service(settings) as api_url:
        from flows.process import process_recording

        written = process_recording(
            recording_path=file.resolve(),
            client=client,
            out_dir=out_dir.resolve() if out_dir else None,
            config=_config_path(ctx),
            title=title,
            held_on=held_on.date() if held_on else None,
            formats=formats,
        )
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
    from pipeline.config import clients_file, service_root
    from pipeline.errors import ConfigError
    from service.clients import load_clients
    from service.delivery import DeliveryLedger
    from service.delivery.resend import resend_minutes, undelivered
    from service.intake import RecordingLedger
    from service.ledger import default_ledger_path

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
