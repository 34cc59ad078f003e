"""The `minutier` command group and what its commands share. Only the CLI configures logging."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from pipeline import serialize
from pipeline.asr.vocabulary import parse_terms
from pipeline.errors import DocumentError, PipelineError
from pipeline.locale import normalise_language
from pipeline.merge import unattributed
from pipeline.outputs.documents import FORMATS, parse_formats
from pipeline.outputs.kinds import DOCUMENT_TYPES, parse_document_type
from pipeline.outputs.subtitles import to_srt, to_vtt
from pipeline.outputs.transcript_text import transcript_to_text
from pipeline.stages import MeetingRequest
from pipeline.types import Audio, SpeakerTranscript, Transcript
from service.settings import ServiceConfig, load_config

logger = logging.getLogger("cli")

TRANSCRIPT_FORMATS = ("txt", "json", "srt", "vtt")
DOCUMENT_FORMATS = ",".join(FORMATS)
AUTO_LANGUAGE = "auto"
PROGRESS_MIN_SECONDS = 60.0
# Where --template keeps the document type it read (see _keep_template).
_TEMPLATE_KEY = "minutier.template"
# Where --vocabulary and --vocabulary-file keep their terms (see _keep_vocabulary).
_VOCABULARY_KEY = "minutier.vocabulary"
_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


class ConsoleFormatter(logging.Formatter):
    """Log lines for a person: a PipelineError is a named, actionable failure, so its message is
    the whole story and its traceback (Prefect logs one per failed task and flow run) only noise.
    Other exceptions are bugs and keep theirs; -vv keeps every traceback."""

    def __init__(self, *, tracebacks: bool = False) -> None:
        super().__init__(_LOG_FORMAT)
        self._tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        error = record.exc_info[1] if record.exc_info else None
        if self._tracebacks or not isinstance(error, PipelineError):
            return super().format(record)
        # A copy: the record may go on to other handlers (Prefect's UI) that keep the traceback.
        quiet = logging.makeLogRecord(record.__dict__)
        quiet.exc_info, quiet.exc_text, quiet.stack_info = None, None, None
        return super().format(quiet)


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(ConsoleFormatter(tracebacks=verbose >= 2))
    logging.basicConfig(level=level, handlers=[console])
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


def check_speaker_counts(speakers: int | None, min_speakers: int | None, max_speakers: int | None) -> None:
    """Refuse speaker hints that contradict each other, before any work starts."""
    if min_speakers and max_speakers and min_speakers > max_speakers:
        raise click.UsageError(f"--min-speakers {min_speakers} is above --max-speakers {max_speakers}")
    if speakers and (min_speakers or max_speakers):
        raise click.UsageError("--speakers sets the exact count: give it without --min-speakers/--max-speakers")


def check_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback for --language: 'auto' or a Whisper language code, lower-cased."""
    if value is None:
        return None
    from pipeline.asr.whisper import whisper_languages  # imports faster-whisper's tokenizer only

    code = value.strip().lower()
    if code == AUTO_LANGUAGE:
        return code
    base = normalise_language(code)  # a regional code ("fr-CA") is its language ("fr")
    if base in whisper_languages() and base == code.replace("_", "-").split("-")[0]:
        return base
    raise click.BadParameter(
        f"{value!r} is not a language Whisper knows: give 'auto' or a code such as fr, en, de, es, nl"
    )


def check_formats(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Click callback for --format/--formats: known document formats, normalised ("DOCX, .srt" -> "docx,srt")."""
    try:
        names = parse_formats(value)
    except DocumentError as e:
        raise click.BadParameter(str(e)) from e
    if not names:
        raise click.BadParameter(f"no format given (known: {', '.join(FORMATS)})")
    return ",".join(names)


def parse_names(pairs: Iterable[str]) -> dict[str, str]:
    """--name values ('Speaker 1=Marie Dupont') as label -> name."""
    renames = {}
    for pair in pairs:
        label, sep, name = pair.partition("=")
        if not sep or not label.strip() or not name.strip():
            raise click.BadParameter(
                f"{pair!r}: expected LABEL=NAME, e.g. 'Speaker 1=Marie Dupont'", param_hint="--name"
            )
        renames[label.strip()] = name.strip()
    return renames


def _check_names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> dict[str, str]:
    return parse_names(value)


def _as_date(ctx: click.Context, param: click.Parameter, value: datetime | None) -> date | None:
    return value.date() if value else None


def _keep_template(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Click callback for --template: the document type, checked, kept in the context for meeting_request().

    Kept in ``ctx.meta`` rather than passed as an argument, so every command with the meeting
    options takes it without naming it in its signature.
    """
    if value is None:
        return
    try:
        ctx.meta[_TEMPLATE_KEY] = parse_document_type(value)
    except DocumentError as e:
        raise click.BadParameter(str(e)) from e


def _keep_vocabulary(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Click callback for --vocabulary ("A,B", repeatable) and --vocabulary-file: terms kept in the context."""
    texts: list[str] = []
    if param.name == "vocabulary_file" and value is not None:
        try:
            texts.append(Path(value).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as e:
            raise click.BadParameter(f"{value}: cannot read it as UTF-8 text ({e})") from e
    elif param.name == "vocabulary":
        texts += value
    try:
        terms = tuple(term for text in texts for term in parse_terms(text))
    except ValueError as e:
        raise click.BadParameter(str(e)) from e
    ctx.meta[_VOCABULARY_KEY] = ctx.meta.get(_VOCABULARY_KEY, ()) + terms


def vocabulary_options(func: Any) -> Any:
    """--vocabulary / --vocabulary-file: names and terms for the transcription to spell."""
    options = [
        click.option(
            "--vocabulary",
            metavar="TERMS",
            multiple=True,
            expose_value=False,
            callback=_keep_vocabulary,
            help="Names and terms the meeting uses, comma-separated, e.g. --vocabulary 'Lefèvre, SIRH, Qualiopi'.",
        ),
        click.option(
            "--vocabulary-file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            expose_value=False,
            callback=_keep_vocabulary,
            help="A text file of names and terms, one per line or comma-separated ('#' starts a comment).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _asked_vocabulary() -> tuple[str, ...]:
    ctx = click.get_current_context(silent=True)
    return tuple(ctx.meta.get(_VOCABULARY_KEY, ())) if ctx is not None else ()


def _asked_template(options: Mapping[str, Any]) -> str | None:
    if options.get("template"):
        return str(options["template"])
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_TEMPLATE_KEY) if ctx is not None else None


def formats_option(func: Any) -> Any:
    """--format/--formats: the documents to write, checked when the command line is read."""
    return click.option(
        "--format",
        "--formats",
        "formats",
        default=DOCUMENT_FORMATS,
        show_default=True,
        callback=check_formats,
        help=f"Documents to write, comma-separated: {', '.join(FORMATS)}.",
    )(func)


def meeting_options(func: Any) -> Any:
    """--title / --date / --language / --name / --template / --vocabulary: what a person knows about one meeting.

    The command receives `title`, `held_on` (a date), `language` ('auto', a Whisper code or
    None) and `names` (label -> name), each checked when the command line is read; the document
    type of --template and the terms of --vocabulary reach :func:`meeting_request` through the context.
    """
    options = [
        click.option(
            "--title", help='Title of the minutes (default: « Compte rendu de réunion » / "Meeting minutes").'
        ),
        click.option(
            "--date",
            "held_on",
            type=click.DateTime(["%Y-%m-%d"]),
            callback=_as_date,
            help="Meeting date, YYYY-MM-DD (default: the recording's own date); due dates resolve against it.",
        ),
        click.option(
            "--language",
            callback=check_language,
            help="Language of the meeting (fr, en, ...: a Whisper code); default: detected ('auto').",
        ),
        click.option(
            "--name",
            "names",
            multiple=True,
            metavar="LABEL=NAME",
            callback=_check_names,
            help="Rename a speaker, e.g. --name 'Speaker 1=Marie Dupont' (repeatable).",
        ),
        click.option(
            "--template",
            metavar="TYPE",
            expose_value=False,
            callback=_keep_template,
            help=(
                f"Document type: {', '.join(DOCUMENT_TYPES)} (or compte rendu, relevé de décisions, "
                "procès-verbal, note d'appel); default: the client's, else detailed."
            ),
        ),
        vocabulary_options,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def meeting_request(options: Mapping[str, Any]) -> MeetingRequest:
    """The meeting request of a command's parsed meeting and speaker options (absent ones stay unset).

    Raises:
        click.UsageError: contradictory speaker counts.
    """
    check_speaker_counts(options.get("speakers"), options.get("min_speakers"), options.get("max_speakers"))
    return MeetingRequest(
        title=options.get("title"),
        held_on=options.get("held_on"),
        language=options.get("language"),
        num_speakers=options.get("speakers"),
        min_speakers=options.get("min_speakers"),
        max_speakers=options.get("max_speakers"),
        voices_dir=options.get("voices"),
        speaker_names=tuple((options.get("names") or {}).items()),
        template=_asked_template(options),
        vocabulary=_asked_vocabulary(),
    )


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
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (TOML) over the built-in defaults; see the README.",
)
@click.option("-v", "--verbose", count=True, help="-v for progress messages, -vv for debug.")
@click.version_option(package_name="minutier")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, verbose: int) -> None:
    """minutier: meeting recordings to speaker-attributed transcripts and minutes, on your machine.

    One recording from the command line (transcribe, diarize, minutes), or a service that watches
    clients' folders and emails their minutes (serve; run, process and resend work with it).
    `minutier COMMAND --help` tells more.

    \b
    Examples:
      minutier transcribe call.mp3 --language fr --format srt -o call.srt
      minutier diarize call.m4a --speakers 2 -o call.rttm
      minutier minutes reunion.m4a -o minutes/ --title "Comité de pilotage"
      minutier minutes appel.m4a --template call_note
      minutier serve
      minutier run reunion.m4a --client acme
      minutier process reunion.m4a --client acme -o minutes/
      minutier resend --client acme
      minutier deploy --pool minutier-cpu
      minutier desk add-user claire
    """
    _setup_logging(verbose)
    try:
        ctx.obj = {"settings": load_config(config_path), "config_path": config_path}
    except PipelineError as e:
        raise click.ClickException(str(e)) from e
