"""Minutes from a speaker-attributed transcript: the model, build_minutes() and the summarisers."""

from __future__ import annotations

from pipeline.summarize.minutes import build_minutes, make_summarizer, speaking_shares
from pipeline.summarize.model import (
    ActionItem,
    Digest,
    GateCounts,
    MeetingMeta,
    Minutes,
    Participant,
    Provenance,
    Statement,
    Summarizer,
    SummaryContext,
    Topic,
)
from pipeline.summarize.offline import OfflineSummarizer

__all__ = [
    "ActionItem",
    "Digest",
    "GateCounts",
    "MeetingMeta",
    "Minutes",
    "OfflineSummarizer",
    "Participant",
    "Provenance",
    "Statement",
    "Summarizer",
    "SummaryContext",
    "Topic",
    "build_minutes",
    "make_summarizer",
    "speaking_shares",
]
