"""The first stage of minutes from an existing transcript: the file read, the request applied.

It stands where decode, transcribe, diarize and attribute stand for a recording; the minutes and
documents stages that follow are the same (:func:`pipeline.run.minutes_from_transcript` in one
process, the service's flow as tasks).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

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
        written in the file: "JB=Jordan Bardella"), and the meeting's facts; its date is the
        request's, else the file's modification date.

    Raises:
        TranscriptFormatError: The file is not a transcript minutier reads.
        SpeakerLabelError: A name is given for a raw label ("SPEAKER_00").
    """
    language = None if request.language in (None, AUTO_LANGUAGE) else request.language
    if request.num_speakers or request.min_speakers or request.max_speakers or request.voices_dir:
        logger.info("%s is a transcript: its speakers are named in it; speaker counts and voices are not used", path)
    st = rename_speakers(read_transcript(path, language), dict(request.speaker_names))
    meta = MeetingMeta(
        title=request.title,
        client=request.client,
        held_on=request.held_on or _file_date(path),
        language=language,
    )
    return st, meta


def _file_date(path: Path) -> date:
    return datetime.fromtimestamp(path.stat().st_mtime).date()
