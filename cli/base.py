"""The `minutier` command group and what its commands share. Only the CLI configures logging."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from pipeline import serialize
from pipeline.errors import PipelineError
from pipeline.merge import unattributed
from pipeline.outputs.subtitles import to_srt, to_vtt
from pipeline.outputs.transcript_text import transcript_to_text
from pipeline.types import Audio, SpeakerTranscript, Transcript
from service.settings import ServiceConfig, load_config

logger = logging.getLogger("cli")

TRANSCRIPT_FORMATS = ("txt", "json", "srt", "vtt")
PROGRESS_MIN_SECONDS = 60.0


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose < 2:
        for noisy in ("faster_whisper", "httpx", "httpcore"):
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@contextmanager
def progress_bar(audio: Audio, label: str) -> Iterator[Callable[[float], None] | None]:
    """A progress bar on stderr for long recordings on a terminal; nothing otherwise."""
    if audio.duration < PROGRESS_MIN_SECONDS or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=round(audio.duration), unit="s", desc=label, file=sys.stderr, leave=False) as bar:

        def update(seconds: float) -> None:
            bar.update(max(0, round(seconds) - bar.n))

        yield update


def settings_with(ctx: click.Context, **overrides: Any) -> ServiceConfig:
    settings: ServiceConfig = ctx.obj["settings"]
    asr = {k: v for k, v in overrides.items() if v is not None}
    if asr.get("language") == "auto":
        asr["language"] = None
        if settings.asr.language is not None:
            return replace(settings, asr=replace(settings.asr, **asr))
    return replace(settings, asr=replace(settings.asr, **asr)) if asr else settings


def speaker_options(func: Any) -> Any:
    """--speakers / --min-speakers / --max-speakers / --voices, shared by the commands that diarize."""
    options = [
        click.option("--speakers", type=click.IntRange(min=1), help="Exact number of speakers, if known."),
        click.option("--min-speakers", type=click.IntRange(min=1), help="At least this many speakers."),
        click.option("--max-speakers", type=click.IntRange(min=1), help="At most this many speakers."),
        click.option(
            "--voices",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="Folder of known voices ('Marie Dupont.wav' ...) to name speakers.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def with_speakers(
    settings: ServiceConfig,
    speakers: int | None,
    min_speakers: int | None,
    max_speakers: int | None,
    voices: Path | None,
) -> ServiceConfig:
    """ServiceConfig with the command line's speaker hints applied over the configured ones."""
    changes = {
        key: value
        for key, value in (
            ("num_speakers", speakers),
            ("min_speakers", min_speakers),
            ("max_speakers", max_speakers),
            ("voices_dir", voices),
        )
        if value is not None
    }
    return replace(settings, diarize=replace(settings.diarize, **changes)) if changes else settings


def render_transcript(result: Transcript | SpeakerTranscript, fmt: str) -> str:
    if fmt == "json":
        return serialize.dumps(result) + "\n"
    speaker_transcript = result if isinstance(result, SpeakerTranscript) else unattributed(result)
    return {"txt": transcript_to_text, "srt": to_srt, "vtt": to_vtt}[fmt](speaker_transcript)


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    logger.info("Wrote %s", output)


class _Group(click.Group):
    """Turns the pipeline's named errors into one-line messages and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PipelineError as e:
            raise click.ClickException(str(e)) from e
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="ServiceConfig file (TOML)."
)
@click.option("-v", "--verbose", count=True, help="-v for progress messages, -vv for debug.")
@click.version_option(package_name="minutier")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, verbose: int) -> None:
    """minutier: meeting recordings to speaker-attributed transcripts and minutes, on your machine.

    \b
    Examples:
      minutier transcribe meeting.m4a
      minutier transcribe call.mp3 --language fr --format srt -o call.srt
    """
    _setup_logging(verbose)
    try:
        ctx.obj = {"settings": load_config(config_path), "config_path": config_path}
    except PipelineError as e:
        raise click.ClickException(str(e)) from e
