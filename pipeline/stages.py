"""The stages of one meeting, one plain function each, in the order they run:

decode -> transcribe + diarize -> identify known voices -> attribute -> write minutes -> write documents.

Every shell runs these same functions: :func:`pipeline.run.run_meeting` chains them in one process
(the CLI, the benchmarks); the Prefect flow wraps each one as a task and adds only orchestration.
A rule about the meeting (names, language, known voices, provenance) belongs here, never in a shell.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from pipeline.asr.by_channel import transcribe_by_channel
from pipeline.asr.vocabulary import clean_terms, hint_terms
from pipeline.audio import load_audio, probe
from pipeline.config import AudioSettings, DiarizeSettings, MinutesSettings, Settings
from pipeline.diarize.by_channel import MIX, ChannelsWhileDecoding, diarize_channels
from pipeline.diarize.voices import voice_clips
from pipeline.errors import ConfigError, NoSpeechError
from pipeline.locale import locale_for, normalise_language
from pipeline.meeting_names import meeting_facts, time_zone
from pipeline.merge import assign_speakers
from pipeline.outputs.documents import document_paths, document_stem
from pipeline.outputs.documents import write_documents as _write_documents
from pipeline.outputs.kinds import DETAILED, parse_document_type
from pipeline.outputs.labels import is_default_title
from pipeline.roles import Diarizer, Progress, Transcriber
from pipeline.speakers import known_voice_names, number_speakers, rename_speakers, speaker_number
from pipeline.summarize import MeetingMeta, Minutes, build_minutes, make_summarizer
from pipeline.types import Audio, Diarization, Recording, SpeakerTranscript, Transcript

logger = logging.getLogger(__name__)

DEFAULT_FORMATS = "docx,srt,vtt,json,md,txt"
AUTO_LANGUAGE = "auto"

S = TypeVar("S", bound=Settings)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    """What a person asks of one recording beyond the settings: the CLI's options, a flow's parameters.

    Attributes:
        title: Title of the minutes (default: the recording's sidecar or file name, else a
            localised "Meeting minutes").
        held_on: Meeting date (default: the recording's sidecar, file name or creation tag; none
            when they say nothing); due dates resolve against it.
        language: Forced language ("fr", "en"); None keeps the configured one (detection by
            default); "auto" detects it even when the configuration forces one.
        num_speakers: Exact number of speakers, if known.
        min_speakers: At least this many speakers.
        max_speakers: At most this many speakers.
        voices_dir: Folder of known voices that name the speakers they match.
        speaker_names: (label, name) pairs: a public label ("Speaker 2", "Intervenant 2") or a
            name already shown -> the person's name.
        client: The client's display name, printed in the minutes.
        template: Document type of the Word and Markdown documents: "detailed", "decisions",
            "formal" or "call_note" (or a French or English name of one); None is "detailed".
        timezone: IANA time zone the meeting's date and time are shown in (a client's own);
            None is the machine's.
        minutes_language: Language of the documents' labels and dates, whatever was spoken;
            None is the spoken language.
        vocabulary: Names and terms the meeting may use ("Lefèvre", "SIRH"), for Whisper to spell.
    """

    title: str | None = None
    held_on: date | None = None
    language: str | None = None
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    voices_dir: Path | None = None
    speaker_names: tuple[tuple[str, str], ...] = ()
    client: str | None = None
    template: str | None = None
    timezone: str | None = None
    minutes_language: str | None = None
    vocabulary: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "vocabulary", clean_terms(self.vocabulary))
        except ValueError as e:
            raise ConfigError(f"vocabulary: {e}") from None
        # Refused when asked, not after an hour of transcription: an unknown type or zone is a named error.
        if self.template is not None:
            object.__setattr__(self, "template", parse_document_type(self.template))
        if self.timezone is not None:
            time_zone(self.timezone)
        if self.minutes_language is not None:
            object.__setattr__(self, "minutes_language", normalise_language(self.minutes_language))


def recording_settings(settings: S, request: MeetingRequest) -> S:
    """The settings one recording runs with: the request's language and speaker hints over the configured ones.

    The only place a request changes settings, so the CLI and the service apply it alike. Whisper's
    vocabulary is the participants' names first (the request's, then the known voices'), then the
    request's terms and the configured ones.
    """
    asr = settings.asr
    if request.language:
        asr = replace(asr, language=None if request.language == AUTO_LANGUAGE else request.language)
    voices = _given(request.voices_dir, settings.diarize.voices_dir)
    names = (name for _, name in request.speaker_names)
    known = voice_clips(Path(voices).expanduser()) if voices else {}
    asr = replace(asr, vocabulary=hint_terms(names, known, request.vocabulary, asr.vocabulary))
    d = settings.diarize
    diarize = replace(
        d,
        num_speakers=_given(request.num_speakers, d.num_speakers),
        min_speakers=_given(request.min_speakers, d.min_speakers),
        max_speakers=_given(request.max_speakers, d.max_speakers),
        voices_dir=_given(request.voices_dir, d.voices_dir),
    )
    return replace(settings, asr=asr, diarize=diarize)


def with_participants(settings: S, recording: Path) -> S:
    """The settings with the participants a recording of tracks names (see :mod:`pipeline.audio_tracks`)
    first in Whisper's vocabulary; unchanged for any other recording."""
    participants = probe(recording).participants
    if not participants:
        return settings
    vocabulary = hint_terms(participants, settings.asr.vocabulary)
    return replace(settings, asr=replace(settings.asr, vocabulary=vocabulary))


def _given(asked: V | None, configured: V | None) -> V | None:
    return configured if asked is None else asked


def decode(path: Path, settings: AudioSettings, channels: str = MIX) -> Audio:
    """The recording's audio, decoded once to 16 kHz mono (see :func:`pipeline.audio.load_audio`).

    With `channels` "auto" or "split" (``[diarize] channels``), a recording of several channels
    that may carry one speaker each has them scanned by the same decode (`Audio.channel_scan`),
    for :func:`diarize` to judge without reading the file again.
    """
    scanning = ChannelsWhileDecoding(channels)
    audio = load_audio(path, settings, every_channel=scanning)
    scan = scanning.scan()
    return audio if scan is None else replace(audio, channel_scan=scan)


def transcription_channels(settings: Settings) -> str | None:
    """The `channels` :func:`transcribe` is given: ``[diarize] channels``, or None when ``[asr] channels``
    is "mix" (every recording, participants' tracks included, is then transcribed from the down-mix)."""
    return None if settings.asr.channels == MIX else settings.diarize.channels


def transcribe(
    audio: Audio,
    transcriber: Transcriber,
    progress: Progress | None = None,
    source: Path | None = None,
    channels: str | None = None,
    settings: AudioSettings | None = None,
) -> Transcript:
    """Speech to text; the transcript names the model that ran.

    Given `channels`, a recording that :func:`diarize` diarizes by channel (the same judgement,
    given the same `channels` and scan) is transcribed channel by channel, its words tagged with
    their channel and the other side's bleed removed (:mod:`pipeline.asr.by_channel`); every other
    recording, and every one without `channels` (:func:`transcription_channels`), from the decoded
    mono audio.

    Args:
        audio: The decoded recording (with its channel scan, if the decode took one).
        transcriber: The speech-to-text model.
        progress: Called with the seconds of audio transcribed so far.
        source: The recording, whose channels are decoded again when it is transcribed by channel.
        channels: ``[diarize] channels`` ("auto", "split" or "mix"), or None: the mix (see
            :func:`transcription_channels`).
        settings: How the channels are decoded.
    """
    split = None if source is None or channels is None else diarize_channels(source, channels, audio.channel_scan)
    if source is None or split is None or len(split.channel_speakers) < 2:
        return transcriber.transcribe(audio, progress)
    return transcribe_by_channel(source, split, transcriber, settings, progress)


def require_speech(transcript: Transcript, audio_duration: float, path: Path) -> None:
    """Stop here when the transcript holds no speech: minutes of silence or noise are never delivered.

    Run right after the model stages. No speech means no segment with a word in it once the
    hallucination guards have removed what Whisper makes up on silence, noise or music (credits,
    "...", loops); those removed passages stay in `transcript.rejected` and are counted here.

    Args:
        transcript: The transcript of the whole recording.
        audio_duration: Seconds of decoded audio (the message says how much was listened to).
        path: The recording, named in the message.

    Raises:
        NoSpeechError: not one word of speech was found.
    """
    if any(_has_word(segment.text) for segment in transcript.segments):
        return
    rejected = len(transcript.rejected)
    dropped = f"; {rejected} passage(s) rejected as non-speech" if rejected else ""
    raise NoSpeechError(
        f"{path}: no speech found in {audio_duration:.0f} s of audio{dropped}: silence, noise or music only;"
        " check the file, or the audio track if the recording has several"
    )


def _has_word(text: str) -> bool:
    return any(char.isalnum() for char in text)


def diarize(audio: Audio, diarizer: Diarizer, source: Path | None = None, channels: str = "mix") -> Diarization:
    """Who speaks when, speakers numbered by their first turn (SPEAKER_00 is the first to speak).

    Given `channels` "auto" or "split" (``[diarize] channels``), a recording that carries one
    speaker per channel is diarized by channel, without the model (:mod:`pipeline.diarize.by_channel`);
    participants' tracks keep their names as labels. The channels are judged on the scan the
    decode took (`audio.channel_scan`); audio decoded without one has the recording (`source`)
    read again.
    """
    by_channel = diarize_channels(source, channels, audio.channel_scan)
    if by_channel is not None:
        named = any(speaker_number(s) is None for s in by_channel.speakers)
        return by_channel if named else number_speakers(by_channel)
    return number_speakers(diarizer.diarize(audio))


def identify_speakers(
    audio: Audio, diarization: Diarization, diarizer: Diarizer, settings: DiarizeSettings
) -> dict[str, str]:
    """Raw speaker label -> person, for the speakers whose voice matches one of `settings.voices_dir`.

    Participants' tracks name their speakers themselves: their names win over a voice's.
    """
    tracks = {s: s for s in diarization.speakers if speaker_number(s) is None}
    return {**known_voice_names(diarizer, audio, diarization, settings), **tracks}


def attribute(
    transcript: Transcript,
    diarization: Diarization,
    known: Mapping[str, str],
    speaker_names: tuple[tuple[str, str], ...] = (),
) -> SpeakerTranscript:
    """Every word to its speaker; known voices name their speakers, then the request's names apply."""
    return rename_speakers(assign_speakers(transcript, diarization, names=known), dict(speaker_names))


def meeting_meta(
    recording: Recording, request: MeetingRequest, transcript: Transcript, diarization: Diarization
) -> MeetingMeta:
    """What the minutes say about the meeting: title, client, date and time, language, and the models that ran.

    The title and date asked win; otherwise they come from the recording's sidecar, its file name or
    its creation tag (:func:`pipeline.meeting_names.meeting_facts`), in the request's time zone.
    A start time is shown only when its source gives the date shown. Nothing known, no date.
    """
    info = probe(recording.path)
    spoken = request.language if request.language not in (None, AUTO_LANGUAGE) else transcript.language
    facts = meeting_facts(recording.path, info.created, language=spoken, zone=time_zone(request.timezone))
    held_on = request.held_on or facts.held_on
    models = tuple(m for m in (transcript.model, diarization.model) if m)
    if info.audio_tracks > 1:  # which track was heard is part of how the minutes were made
        wording = locale_for(request.language or transcript.language).document.audio_track
        models += (wording.format(number=info.track_index + 1, total=info.audio_tracks),)
    return MeetingMeta(
        title=request.title or facts.title,
        client=request.client,
        held_on=held_on,
        start_time=facts.start_time if facts.held_on == held_on else None,
        language=None if request.language == AUTO_LANGUAGE else request.language,
        models=models,
        write_in=request.minutes_language,
    )


def write_minutes(st: SpeakerTranscript, settings: MinutesSettings, meta: MeetingMeta) -> Minutes:
    """The minutes, by the configured summariser (see :func:`pipeline.summarize.build_minutes`)."""
    return build_minutes(st, make_summarizer(settings), meta)


def documents_stem(
    source: Path, minutes: Minutes, out_dir: Path, formats: str, request: MeetingRequest | None = None
) -> str:
    """The documents' file stem: the meeting's date and title as the document shows them
    ("2026-11-20 Comité de pilotage", see :func:`pipeline.outputs.document_stem`).

    A meeting with no title of its own (none asked, none in its sidecar or file name) keeps its
    source's name: "Compte rendu de réunion" would give two such meetings written into one
    folder the same documents, the second replacing the first. A document never overwrites its
    source: when one would (the minutes of ``2026-11-20 Weekly.vtt`` written beside it), all of
    them are named ``<stem>.minutes.*``.

    Args:
        source: The recording or transcript the minutes come from.
        minutes: The minutes (their title and date).
        out_dir: The documents' folder.
        formats: Comma-separated document formats.
        request: The document type and the labels' language asked (their title is the document's).
    """
    request = request or MeetingRequest()
    titled = not is_default_title(minutes.title)
    stem = document_stem(minutes, request.template or DETAILED, request.minutes_language) if titled else source.stem
    target = source.resolve()
    if all(path.resolve() != target for path in document_paths(out_dir, formats, stem).values()):
        return stem
    kept = next(iter(document_paths(out_dir, formats, stem, suffix=".minutes").values())).stem
    logger.info("%s is kept: the documents beside it are named %s.*", source.name, kept)
    return kept


def write_documents(
    minutes: Minutes,
    out_dir: Path,
    formats: str,
    stem: str | None,
    settings: MinutesSettings,
    request: MeetingRequest | None = None,
) -> dict[str, Path]:
    """The documents of the minutes (docx, srt, vtt, json, md, txt) in `out_dir`; format -> path.

    Args:
        minutes: The minutes to write.
        out_dir: Folder for the documents.
        formats: Comma-separated document formats.
        stem: File name without extension; None names them after the date and title
            ("2026-11-20 Comité de pilotage.docx").
        settings: The minutes' settings (the client's .docx template).
        request: The document type and the labels' language asked (default: detailed, spoken language).
    """
    request = request or MeetingRequest()
    return _write_documents(
        minutes,
        out_dir,
        formats,
        stem=stem,
        template=settings.template_path,
        document_type=request.template or DETAILED,
        language=request.minutes_language,
    )
