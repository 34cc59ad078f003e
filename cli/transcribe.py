"""`minutier transcribe`: speech-to-text of one file."""

from __future__ import annotations

from pathlib import Path

import click

from cli.base import (
    TRANSCRIPT_FORMATS,
    check_language,
    main,
    meeting_request,
    progress_bar,
    render_transcript,
    settings_with,
    speaker_options,
    vocabulary_options,
    write_output,
)
from pipeline.models import get_transcriber
from pipeline.stages import recording_settings


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--language", callback=check_language, help="Force a language (fr, en, ...); default: detect it ('auto')."
)
@click.option("--model", help="Whisper model: 'base' (bundled), small, large-v3, ... or a local directory.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), help="Where to run the model.")
@click.option("--threads", type=int, help="CPU threads (default: all available cores).")
@click.option("--format", "fmt", type=click.Choice(TRANSCRIPT_FORMATS), default="txt", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option("--diarize", is_flag=True, help="Also find who speaks: every line gets its speaker.")
@speaker_options
@vocabulary_options
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
    diarize: bool,
    speakers: int | None,
    min_speakers: int | None,
    max_speakers: int | None,
    voices: Path | None,
) -> None:
    """Transcribe FILE (any audio or video file) to text, JSON, SRT or WebVTT.

    \b
    Examples:
      minutier transcribe interview.wav
      minutier transcribe reunion.mp4 --language fr --format vtt -o reunion.vtt
      minutier transcribe call.m4a --model large-v3 --device cuda --format json
      minutier transcribe meeting.wav --diarize --min-speakers 2 --max-speakers 5 --format srt
      minutier transcribe comite.m4a --diarize --voices voices/
      minutier transcribe comite.m4a --vocabulary "Lefèvre, SIRH, Qualiopi"
    """
    from pipeline import stages

    request = meeting_request(ctx.params)
    if not diarize and any(v is not None for v in (speakers, min_speakers, max_speakers, voices)):
        raise click.UsageError("--speakers, --min-speakers, --max-speakers and --voices need --diarize")
    settings = recording_settings(
        settings_with(ctx, language=language, model=model, device=device, threads=threads), request
    )
    audio = stages.decode(file, settings.audio, settings.diarize.channels if diarize else "mix")
    with progress_bar(audio, "transcribing") as progress:
        # Channel by channel only with --diarize: it is the speakers' attribution that uses it.
        channels = stages.transcription_channels(settings) if diarize else None
        transcript = stages.transcribe(audio, get_transcriber(settings.asr), progress, file, channels, settings.audio)
    if not diarize:
        write_output(render_transcript(transcript, fmt), output)
        return
    from pipeline.models import get_diarizer

    diarizer = get_diarizer(settings.diarize)
    diarization = stages.diarize(audio, diarizer, file, settings.diarize.channels)
    known = stages.identify_speakers(audio, diarization, diarizer, settings.diarize)
    write_output(render_transcript(stages.attribute(transcript, diarization, known), fmt), output)
