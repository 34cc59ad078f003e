"""Minutes written by extract-then-rewrite with the real local model, on a shared debate and a shared meeting.

Each meeting is cut to its opening turns so that one rewrite costs well under a minute on two cores;
the path is the product's: build_minutes -> RewritingSummarizer -> the faithfulness gate.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from pipeline.config import MinutesSettings
from pipeline.summarize import MeetingMeta, Minutes, OfflineSummarizer, build_minutes
from pipeline.summarize.grounding import Gate
from pipeline.summarize.local import LocalRewriter, LocalServer
from pipeline.summarize.rewrite import RewritingSummarizer
from pipeline.transcripts import Turn, read_transcript, transcript_from_turns
from pipeline.transcripts.language import detect_language
from pipeline.types import SpeakerTranscript

TIMEOUT_S = 900.0  # a loaded two-core machine; a hang still fails
DEBATE = "Autain_Attal_Bardella--Partie_1_Ukraine.txt"


def _opening(st: SpeakerTranscript, turns: int) -> SpeakerTranscript:
    kept = st.utterances[:turns]
    return transcript_from_turns([Turn(st.display_name(u.speaker), u.text) for u in kept], st.language)


def _debate(eval_dir: Path) -> SpeakerTranscript:
    return _opening(read_transcript(eval_dir / "fredsum" / "transcript" / DEBATE), 12)


def _meeting(eval_dir: Path) -> SpeakerTranscript:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from minutes_eval import qmsum_items  # the bench's reading of QMSum: the same turns it scores

    return _opening(qmsum_items(eval_dir)[0].transcript, 40)


def _write(st: SpeakerTranscript, server: LocalServer, write_in: str | None = None) -> Minutes:
    writer = RewritingSummarizer(MinutesSettings(summarizer="local"), LocalRewriter(server, timeout=TIMEOUT_S))
    return build_minutes(st, writer, MeetingMeta(write_in=write_in))


def _assert_faithful(minutes: Minutes) -> None:
    """Nothing kept names what was not said; every owner is a participant or named in the transcript."""
    people = tuple(p.name for p in minutes.participants)
    gate = Gate(minutes.transcript, people, minutes.held_on, minutes.language)
    texts = [minutes.summary, *(p.text for t in minutes.topics for p in t.key_points)]
    texts += [d.text for d in minutes.decisions] + [a.text for a in minutes.action_items]
    assert all(gate.mentions_missing(text) == [] for text in texts), texts
    said = " ".join(u.text for u in minutes.transcript.utterances)
    assert all(a.owner is None or a.owner in people or a.owner in said for a in minutes.action_items)


def test_a_debate_and_a_meeting_get_rewritten_summaries_that_pass_the_gate(
    local_server: LocalServer, eval_dir: Path
) -> None:
    debate = _write(_debate(eval_dir), local_server)
    assert debate.provenance.summarizer == "local", debate.provenance.fallback_reason
    assert debate.provenance.models[-1] == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    assert debate.language == "fr" and any(p.name.split()[-1] in debate.summary for p in debate.participants[:3])
    _assert_faithful(debate)
    meeting = _write(_meeting(eval_dir), local_server)
    assert meeting.language == "en" and meeting.provenance.summarizer in ("local", "offline")
    if meeting.provenance.summarizer == "offline":  # every rewritten sentence misattributed: said, not hidden
        assert meeting.provenance.fallback_reason
    _assert_faithful(meeting)


def test_a_model_killed_mid_minutes_leaves_the_offline_summary_and_the_reason(
    local_server: LocalServer, eval_dir: Path
) -> None:
    debate = _debate(eval_dir)
    local_server.base_url  # noqa: B018 (started before the request, so the timer hits it mid-request)
    pid = local_server.pid
    assert pid is not None
    timer = threading.Timer(3.0, os.kill, (pid, signal.SIGKILL))
    timer.start()
    try:
        minutes = _write(debate, local_server)
    finally:
        timer.join()
    assert minutes.provenance.summarizer == "offline"
    assert "killed by signal 9" in (minutes.provenance.fallback_reason or "")
    offline = build_minutes(debate, OfflineSummarizer(), MeetingMeta())
    assert minutes.summary == offline.summary and minutes.action_items == offline.action_items


def test_a_french_debate_for_a_client_who_reads_english_gets_an_english_summary(
    local_server: LocalServer, eval_dir: Path
) -> None:
    minutes = _write(_debate(eval_dir), local_server, write_in="en")
    assert minutes.provenance.summarizer == "local", minutes.provenance.fallback_reason
    assert minutes.provenance.written_in == "en" and minutes.language == "fr"
    assert detect_language(minutes.summary, default="?") == "en", minutes.summary
    _assert_faithful(minutes)
