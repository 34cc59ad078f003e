"""The first stage of minutes from an existing transcript: the file read, the request applied.

It stands where decode, transcribe, diarize and attribute stand for a recording; the minutes and
documents stages that follow are the same (:func:`pipeline.run.minutes_from_transcript` in one
process, the service's flow as tasks).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.meeting_names import meeting_facts, time_zone
from pipeline.speakers import rename_speakers
from pipeline.stages import AUTO_LANGUAGE, MeetingRequest
from pipeline.summarize import MeetingMeta
from pipeline.transcripts.read import read_transcript
from pipeline.types import SpeakerTranscript

logger = logging.getLogger(__name__)


def read_meeting_transcript(path: Path, request: MeetingRequest) -> tuple[SpeakerTranscript, MeetingMeta]:
    """The speaker transcript of a transcript file, and what the minutes say about its meeting.

    Args:
        path: A transcript file (see :func:`pipeline.transcripts.read_transcript`).
        request: Title, date, language, speaker names and client, as for a recording. A forced
            language is the meeting's; "auto" or None detects it from the text. Speaker counts
            and known voices have no use here: the file names its speakers.

    Returns:
        The transcript, renamed by the request's names ("Speaker 2=Marie Dupont", or a name
        written in the file: "JB=Jordan Bardella"), and the meeting's facts: the title and date
        asked, else the transcript's sidecar or file name ("2026-11-20 Comité de pilotage.vtt"),
        as for a recording (:func:`pipeline.meeting_names.meeting_facts`); no date when none says one.

    Raises:
        TranscriptFormatError: The file is not a transcript minutier reads.
        SpeakerLabelError: A name is given for a raw label ("SPEAKER_00").
        ConfigError: The transcript's sidecar cannot be read.
    """
    language = None if request.language in (None, AUTO_LANGUAGE) else request.language
    if request.num_speakers or request.min_speakers or request.max_speakers or request.voices_dir:
        logger.info("%s is a transcript: its speakers are named in it; speaker counts and voices are not used", path)
    st = rename_speakers(read_transcript(path, language), dict(request.speaker_names))
    facts = meeting_facts(path, None, language=language or st.language, zone=time_zone(request.timezone))
    held_on = request.held_on or facts.held_on
    meta = MeetingMeta(
        title=request.title or facts.title,
        client=request.client,
        held_on=held_on,
        start_time=facts.start_time if facts.held_on == held_on else None,
        language=language,
        write_in=request.minutes_language,
    )
    return st, meta
