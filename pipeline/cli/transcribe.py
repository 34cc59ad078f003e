"""`minutier transcribe`: speech-to-text of one file."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.base import TRANSCRIPT_FORMATS, main, progress_bar, render_transcript, settings_with, write_output
from pipeline.models import get_transcriber


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--language", help="Force a language (fr, en, ...); default: detect it ('auto').")
@click.option("--model", help="Whisper model: 'base' (bundled), small, large-v3, ... or a local directory.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), help="Where to run the model.")
@click.option("--threads", type=int, help="CPU threads (default: all available cores).")
@click.option("--format", "fmt", type=click.Choice(TRANSCRIPT_FORMATS), default="txt", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.pass_context
def transcribe(
    ctx: click.Context,
    file: Path,
    language: str | None,
    model: str | None,
    device: str | None,
    threads: int | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Transcribe FILE (any audio or video file) to text, JSON, SRT or WebVTT.

    \b
    Examples:
      minutier transcribe interview.wav
      minutier transcribe reunion.mp4 --language fr --format vtt -o reunion.vtt
      minutier transcribe call.m4a --model large-v3 --device cuda --format json
    """
    from pipeline.audio import load_audio

    settings = settings_with(ctx, language=language, model=model, device=device, threads=threads)
    audio = load_audio(file, settings.audio)
    with progress_bar(audio, "transcribing") as progress:
        transcript = get_transcriber(settings.asr).transcribe(audio, progress)
    write_output(render_transcript(transcript, fmt), output)
