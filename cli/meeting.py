"""`minutier diarize` and `minutier minutes`: who spoke when, and the whole chain to minutes (or from a transcript)."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

import click

from cli.base import formats_option, main, meeting_options, meeting_request, speaker_options
from pipeline.stages import MeetingRequest, recording_settings

logger = logging.getLogger("cli")


@main.command()
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@speaker_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="RTTM file (default: stdout).")
@click.pass_context
def diarize(
    ctx: click.Context,
    file: Path,
    speakers: int | None,
    min_speakers: int | None,
    max_speakers: int | None,
    voices: Path | None,
    output: Path | None,
) -> None:
    """Who speaks when in FILE, as RTTM (the NIST format scoring tools read).

    A recording with one speaker per channel (a call recorder's two sides) is diarized by
    channel ([diarize] channels). FILE may also be a folder or zip of participants' tracks
    ("Marie Dupont.m4a", ...): each track's speech is its participant's.

    \b
    Examples:
      minutier diarize meeting.wav
      minutier diarize call.m4a --speakers 2 -o call.rttm
      minutier diarize zoom-tracks.zip
    """
    from pipeline import stages
    from pipeline.audio_tracks import recording_from
    from pipeline.diarize import format_rttm
    from pipeline.models import get_diarizer

    request = MeetingRequest(num_speakers=speakers, min_speakers=min_speakers, max_speakers=max_speakers)
    settings = recording_settings(ctx.obj["settings"], request)
    with recording_from(file) as recording:
        audio = stages.decode(recording, settings.audio, settings.diarize.channels)
        diarization = stages.diarize(audio, get_diarizer(settings.diarize), recording, settings.diarize.channels)
    text = format_rttm(diarization, file.stem)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


@main.command()
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the documents.",
)
@meeting_options
@formats_option
@speaker_options
@click.pass_context
def minutes(
    ctx: click.Context,
    file: Path,
    out_dir: Path,
    title: str | None,
    held_on: date | None,
    language: str | None,
    formats: str,
    names: dict[str, str],
    speakers: int | None,
    min_speakers: int | None,
    max_speakers: int | None,
    voices: Path | None,
) -> None:
    """Minutes of FILE: decode, transcribe, diarize, attribute, summarise, write the documents.

    The documents are named after the meeting's date and title ("2026-11-20 Comité de
    pilotage.docx", from --title/--date, a sidecar, the file's name or its creation date), or
    keep FILE's name when nothing gives a title; they never overwrite FILE itself.

    FILE may also be a transcript that already exists: WebVTT from Teams or Zoom, Teams' Word
    transcript (.docx), SRT, minutier's JSON or "Name: text" turns (.txt). Its speakers are named
    in it, so no model runs: only the minutes and documents are written (--title, --date,
    --language and --name apply; the speaker counts and --voices do not).

    FILE may also be a folder or zip of participants' tracks, one audio file each named after
    its participant (Zoom's "separate audio file per participant", Craig): one meeting, mixed
    for transcription, each track's speech attributed to the participant it is named after.

    \b
    Examples:
      minutier minutes reunion.m4a -o minutes/
      minutier minutes comite.mp4 --title "Comité de pilotage" --date 2026-11-20 --speakers 4
      minutier minutes call.mp3 --format docx,srt --name "Speaker 2=Marie Dupont"
      minutier minutes comite.m4a --vocabulary "Lefèvre, SIRH, Qualiopi"
      minutier minutes "Comité de pilotage.vtt" --date 2026-11-20 -o minutes/
      minutier minutes debat.txt --name "JB=Jordan Bardella" --format docx,json
      minutier minutes "2026-11-20 Comité" -o minutes/     (a folder of participants' tracks)
    """
    from pipeline.run import minutes_from_transcript, run_meeting
    from pipeline.transcripts import is_transcript_file

    request = meeting_request(ctx.params)
    if file.is_file() and is_transcript_file(file):
        result = minutes_from_transcript(file, ctx.obj["settings"], out_dir, request=request, formats=formats)
    else:
        from pipeline.audio_tracks import recording_from
        from pipeline.models import get_diarizer, get_transcriber
        from pipeline.stages import with_participants

        settings = recording_settings(ctx.obj["settings"], request)
        with recording_from(file) as recording:
            settings = with_participants(settings, recording)
            result = run_meeting(
                recording,
                settings,
                out_dir,
                transcriber=get_transcriber(settings.asr),
                diarizer=get_diarizer(settings.diarize),
                request=request,
                formats=formats,
            )
    for fmt, path in result.documents:
        click.echo(f"{fmt}: {path}")
