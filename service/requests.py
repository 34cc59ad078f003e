"""What a client's configuration asks of each of its recordings, under what one recording asks.

The service's one merge of a client's standing preferences: speaker counts, known voices, names,
vocabulary, display name, document type, time zone and the minutes' language into a
:class:`~pipeline.stages.MeetingRequest` (the recording's own request wins), its .docx template
into the settings. :func:`pipeline.stages.recording_settings` then
applies the request, as it does for the command line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from pipeline.config import Settings
from pipeline.stages import MeetingRequest
from service.clients import ClientConfig

S = TypeVar("S", bound=Settings)


def client_settings(settings: S, client: ClientConfig | None) -> S:
    """`settings` with the client's document template, when it has one."""
    if client is None or client.template_path is None:
        return settings
    return replace(settings, minutes=replace(settings.minutes, template_path=client.template_path))


def client_request(
    client: ClientConfig | None, asked: MeetingRequest, folder: str, learned: tuple[str, ...] = ()
) -> MeetingRequest:
    """The request one recording of `client` runs with.

    Args:
        client: The client's configuration; None for a recording outside any client.
        asked: What this recording's submission asked (command-line options, flow parameters).
        folder: The client folder name, shown as the client when there is no configuration.
        learned: Names and terms the client's secretaries corrected in reviews
            (:func:`service.review.learned_vocabulary`), after the client's own vocabulary.

    Returns:
        `asked`, with the client's speaker hints and known voices where `asked` has none, the
        client's speaker names under the recording's own, the recording's vocabulary then the
        client's then the learned terms, the client's display name, and the client's document type, time zone and
        minutes' language where `asked` has none.
    """
    if client is None:
        return replace(asked, client=asked.client or folder)
    counts_given = any(v is not None for v in (asked.num_speakers, asked.min_speakers, asked.max_speakers))
    names = dict(client.speaker_names) | dict(asked.speaker_names)
    return replace(
        asked,
        num_speakers=asked.num_speakers if counts_given else client.num_speakers,
        min_speakers=asked.min_speakers if counts_given else client.min_speakers,
        max_speakers=asked.max_speakers if counts_given else client.max_speakers,
        voices_dir=asked.voices_dir or client.voices_dir,
        speaker_names=tuple(names.items()),
        vocabulary=asked.vocabulary + client.vocabulary + learned,
        client=asked.client or client.name,
        template=asked.template or client.document_type,
        timezone=asked.timezone or client.timezone,
        minutes_language=asked.minutes_language or client.document_language,
    )
