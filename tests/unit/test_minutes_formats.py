"""SRT/VTT parse with real parsers, JSON round-trips, Markdown and text carry the minutes, files get written."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
import srt
import webvtt

from pipeline.errors import DocumentError
from pipeline.outputs import (
    FORMATS,
    minutes_from_json,
    parse_formats,
    to_json,
    to_markdown,
    to_srt,
    to_text,
    to_vtt,
    write_documents,
)
from pipeline.summarize import MeetingMeta, Minutes, OfflineSummarizer, build_minutes
from tests.unit.meetings import EN_DATE, FR_DATE, english_meeting, french_meeting


@pytest.fixture(scope="module")
def fr_minutes() -> Minutes:
    return build_minutes(
        french_meeting(named=False),
        OfflineSummarizer(),
        MeetingMeta(title="Comité de pilotage", client="Cabinet Lefèvre", held_on=FR_DATE),
    )


def test_json_round_trips(fr_minutes: Minutes) -> None:
    text = to_json(fr_minutes)
    assert minutes_from_json(text) == fr_minutes
    data = json.loads(text)
    assert data["type"] == "Minutes" and data["held_on"] == "2025-03-12"
    assert data["action_items"][0]["due"] == "2025-03-14"


def test_subtitles_of_the_minutes_parse(fr_minutes: Minutes) -> None:
    cues = list(srt.parse(to_srt(fr_minutes.transcript)))
    assert cues[0].content.startswith("Intervenant 1: ")
    assert all(len(line) <= 42 for c in cues for line in c.content.splitlines())
    vtt = webvtt.from_buffer(io.StringIO(to_vtt(fr_minutes.transcript)))
    assert len(vtt.captions) == len(cues)
    assert vtt.captions[0].voice == "Intervenant 1"


def test_markdown_and_text_carry_the_sections(fr_minutes: Minutes) -> None:
    md = to_markdown(fr_minutes)
    for heading in (
        "# Comité de pilotage",
        "## Résumé",
        "## Décisions",
        "## Actions",
        "## Sujets abordés",
        "## Annexe : transcription",
    ):
        assert heading in md
    assert "| Action | Responsable | Échéance |" in md
    assert "| Intervenant 2 | vendredi 14 mars 2025 |" in md
    txt = to_text(fr_minutes)
    assert txt.startswith("COMITÉ DE PILOTAGE\n==================")
    assert "Responsable\u00a0: Intervenant 2 ; Échéance\u00a0: vendredi 14 mars 2025" in txt
    assert all(len(line) <= 88 for line in txt.splitlines())


def test_english_markdown_labels() -> None:
    m = build_minutes(english_meeting(), OfflineSummarizer(), MeetingMeta(held_on=EN_DATE))
    md = to_markdown(m)
    assert "| Action | Owner | Due |" in md and "## Appendix: transcript" in md and "## Decisions" in md


def test_write_documents_writes_every_format(fr_minutes: Minutes, tmp_path: Path) -> None:
    written = write_documents(fr_minutes, tmp_path / "out", "docx, srt,vtt,json,md,txt")
    assert list(written) == list(FORMATS)
    for name, path in written.items():
        assert path.is_file() and path.stat().st_size > 0 and path.suffix == f".{name}"
    assert written["docx"].name == "2025-03-12 Comité de pilotage.docx"
    assert minutes_from_json(written["json"].read_text(encoding="utf-8")) == fr_minutes
    assert write_documents(fr_minutes, tmp_path, ["md"], stem="reunion")["md"] == tmp_path / "reunion.md"


def test_document_names_are_safe_on_every_share_and_fit_the_limit() -> None:
    from dataclasses import replace

    from pipeline.outputs import document_stem

    assert document_stem(replace(fr_minutes_plain(), title='Point: "budget" <2026>/Q1?')) == (
        "2025-03-12 Point budget 2026 Q1"
    )
    assert document_stem(replace(fr_minutes_plain(), title="CON", held_on=None)) == "CON_"
    assert document_stem(replace(fr_minutes_plain(), title=" .. ", held_on=None)) == "minutes"
    untitled = replace(fr_minutes_plain(), title="Compte rendu de réunion", held_on=None)
    assert document_stem(untitled) == "Compte rendu de réunion"
    assert document_stem(untitled, "formal", "en") == "Minutes of the meeting"


def test_a_long_title_is_cut_to_fit_every_format(tmp_path: Path) -> None:
    from dataclasses import replace

    long = replace(fr_minutes_plain(), title="Réunion " + "é" * 200)
    written = write_documents(long, tmp_path, "docx,json")
    assert all(len(os.fsencode(p.name)) <= 255 for p in written.values())
    assert written["docx"].stem == written["json"].stem


def fr_minutes_plain() -> Minutes:
    return build_minutes(french_meeting(), OfflineSummarizer(), MeetingMeta(title="Comité", held_on=FR_DATE))


def test_unknown_format_is_a_named_error() -> None:
    assert parse_formats("Markdown,DOCX,docx") == ("md", "docx")
    with pytest.raises(DocumentError, match="pdf"):
        parse_formats("docx,pdf")


def test_words_of_two_asr_windows_are_not_glued_in_any_output() -> None:
    """A window's first word comes without its leading space: "correspondante.en écoutant" in TXT/MD/SRT."""
    from pipeline.merge import assign_speakers
    from pipeline.outputs.transcript_text import transcript_to_text
    from pipeline.types import Diarization, SpeakerTurn, Transcript, TranscriptSegment, Word

    def segment(start: float, *texts: str) -> TranscriptSegment:
        words = tuple(Word(start + i * 0.4, start + i * 0.4 + 0.35, t, 0.9) for i, t in enumerate(texts))
        return TranscriptSegment(words[0].start, words[-1].end, "".join(texts).strip(), words)

    transcript = Transcript(
        "fr",
        6.0,
        "test",
        (
            segment(0.0, " La", " page", " correspondante."),
            segment(1.3, "en", " écoutant", " l’audio."),
        ),
    )
    turn = (SpeakerTurn(0.0, 6.0, "SPEAKER_00"),)
    st = assign_speakers(transcript, Diarization(turn, turn, 6.0))
    minutes = build_minutes(st, OfflineSummarizer(), MeetingMeta(title="Essai"))
    outputs = {
        "txt": to_text(minutes),
        "md": to_markdown(minutes),
        "transcript": transcript_to_text(minutes.transcript),
        "srt": " ".join(c.content for c in srt.parse(to_srt(minutes.transcript))),
    }
    for name, text in outputs.items():
        assert "correspondante. en écoutant" in " ".join(text.split()), name  # lines may wrap there


def test_a_recording_named_up_to_the_limit_gets_every_document(fr_minutes: Minutes, tmp_path: Path) -> None:
    stem = "Réunion " + "é" * 119  # 247 bytes: the recording "<stem>.wav" is 251, within the limit
    written = write_documents(fr_minutes, tmp_path, "docx,md,json", stem=stem)
    stems = {path.name.rsplit(".", 1)[0] for path in written.values()}
    assert len(stems) == 1, "every format keeps the same stem"
    assert all(len(os.fsencode(path.name)) <= 255 and path.is_file() for path in written.values())
