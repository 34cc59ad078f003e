"""Existing transcripts -> SpeakerTranscript: plain "Name: text", WebVTT, SRT, minutier JSON; hostile files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pipeline import serialize
from pipeline.errors import PipelineError, TranscriptFormatError
from pipeline.outputs.subtitles import to_srt, to_vtt
from pipeline.summarize import MeetingMeta, OfflineSummarizer, build_minutes
from pipeline.transcripts import (
    MAX_BYTES,
    WORDS_PER_SECOND,
    detect_language,
    is_speaker_label,
    read_transcript,
    sniff_format,
)
from pipeline.types import SpeakerTranscript, Transcript, TranscriptSegment, Utterance

FREDSUM = Path(__file__).resolve().parents[3] / "shared" / "eval" / "fredsum" / "transcript"


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _names(st: SpeakerTranscript) -> list[str | None]:
    """Each utterance's display name."""
    return [st.display_name(u.speaker) if u.speaker else None for u in st.utterances]


# --- plain "Name: text" -----------------------------------------------------------------------------------------


def test_plain_turns_fredsum_style(tmp_path: Path) -> None:
    text = (
        "P1 : Bonsoir à tous. La première question est pour vous, Jordan Bardella ?\r\n\r\n\r\n"
        "JB : oui, bien sûr. Ce sont des crimes de guerre.\r\n\r\n"
        "Et nous avons réclamé une enquête.\r\n\r\n"  # a block without label continues the turn before it
        "P1 :On y reviendra.\r\nGD : Je voudrais dire un mot.\r\n"  # no space after the colon; two turns in a block
    )
    st = read_transcript(_write(tmp_path, "debat.txt", text))
    assert _names(st) == ["P1", "JB", "P1", "GD"]
    assert st.utterances[1].text == "oui, bien sûr. Ce sont des crimes de guerre. Et nous avons réclamé une enquête."
    assert st.utterances[2].text == "On y reviendra."
    assert [raw for raw, _ in st.speaker_names] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02"]
    assert st.language == "fr"


def test_plain_pseudo_times_are_cumulative_word_counts(tmp_path: Path) -> None:
    st = read_transcript(_write(tmp_path, "t.txt", "Marie Dupont: one two three four five\n\nJean: six seven\n"))
    first, second = st.utterances
    assert (first.start, first.end) == (0.0, 5 / WORDS_PER_SECOND)
    assert (second.start, second.end) == (5 / WORDS_PER_SECOND, 7 / WORDS_PER_SECOND)
    assert st.duration == 7 / WORDS_PER_SECOND


def test_plain_names_differing_in_case_or_a_trailing_dot_are_one_speaker(tmp_path: Path) -> None:
    text = "Nicolas SARKOZY : Non.\n\nSégolène Royal : Si.\n\nNicolas Sarkozy : Non.\n\nNICOLAS SARKOZY. : Jamais.\n"
    st = read_transcript(_write(tmp_path, "t.txt", text))
    assert _names(st) == ["Nicolas SARKOZY", "Ségolène Royal", "Nicolas SARKOZY", "Nicolas SARKOZY"]
    assert len(st.speaker_names) == 2


def test_plain_text_before_the_first_label_has_no_speaker(tmp_path: Path) -> None:
    st = read_transcript(_write(tmp_path, "t.txt", "Débat du 20 avril\n\nMarie : Bonjour.\n"))
    assert _names(st) == [None, "Marie"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("JB", True),
        ("P1", True),
        ("M. CHIRAC", True),
        ("Mme. Saint-Cricq", True),
        ("Patrick Poivre d'Arvor", True),
        ("Valéry GISCARD D'ESTAING", True),
        ("Marie de la Tour", True),
        ("deux choses", False),
        ("Deux choses", False),
        ("http", False),
        ("Le Premier Ministre A Dit Que Oui", False),  # more than five words is a sentence
    ],
)
def test_speaker_label_rule(label: str, expected: bool) -> None:
    assert is_speaker_label(label) is expected


def test_plain_prose_with_colons_is_not_split_into_speakers(tmp_path: Path) -> None:
    text = "Marie : Il y a deux choses : le budget et le calendrier.\nvoir https://example.org : la page\n"
    st = read_transcript(_write(tmp_path, "t.txt", text))
    assert _names(st) == ["Marie"]
    assert "deux choses : le budget" in st.utterances[0].text
    assert "https://example.org" in st.utterances[0].text


# --- WebVTT and SRT ---------------------------------------------------------------------------------------------

TEAMS_VTT = """WEBVTT

3f2a1b9c-1/12-0
00:00:01.000 --> 00:00:03.500
<v Marie Dupont>Good morning everyone, thanks for joining.</v>

3f2a1b9c-1/13-0
00:00:03.600 --> 00:00:05.000
<v Marie Dupont>Let's look at the budget.</v>

3f2a1b9c-1/14-0
00:00:06.000 --> 00:00:08.000
<v Jean-Luc O&apos;Brien>I think we can <b>sign</b> it &amp; send it.</v>

00:00:09.000 --> 00:00:11.000
<v Marie Dupont>Yes, do it.</v><v Jean-Luc O&apos;Brien>I will do that.</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:00.500 --> 00:00:02.000
Claire Martin: Bonjour, on commence ?

2
00:00:02.500 --> 00:00:04.000
Paul Durand: Oui, c'est parti pour le point budget.

3
00:00:10.000 --> 00:00:12.000
Paul Durand: Et ensuite le calendrier.
"""

SRT = """1
00:00:01,000 --> 00:00:02,500
Claire Martin: Bonjour à tous.

2
00:00:03,000 --> 00:00:05,000
<i>Paul Durand: Nous avons décidé de signer.</i>

3
00:00:05,200 --> 00:00:06,000
Sans nom de locuteur.
"""


def test_teams_vtt_voice_tags_name_the_speakers(tmp_path: Path) -> None:
    st = read_transcript(_write(tmp_path, "teams.vtt", TEAMS_VTT))
    assert _names(st) == ["Marie Dupont", "Jean-Luc O'Brien", "Marie Dupont", "Jean-Luc O'Brien"]
    first = st.utterances[0]  # two cues 0.1 s apart are one turn
    assert (first.start, first.end) == (1.0, 5.0)
    assert first.text == "Good morning everyone, thanks for joining. Let's look at the budget."
    assert st.utterances[1].text == "I think we can sign it & send it."
    # Two voices in one cue share its 2 s in proportion to their words (3 and 4).
    assert st.utterances[2].start == 9.0 and st.utterances[3].end == 11.0
    assert st.utterances[2].end == pytest.approx(9.0 + 2.0 * 3 / 7, abs=1e-3)
    assert st.language == "en" and st.duration == 11.0


def test_zoom_vtt_name_prefixes_name_the_speakers(tmp_path: Path) -> None:
    st = read_transcript(_write(tmp_path, "zoom.vtt", ZOOM_VTT))
    assert _names(st) == ["Claire Martin", "Paul Durand", "Paul Durand"]  # 6 s of silence: a new turn
    assert st.utterances[1].text == "Oui, c'est parti pour le point budget."
    assert st.language == "fr"


def test_srt_with_name_prefixes(tmp_path: Path) -> None:
    st = read_transcript(_write(tmp_path, "call.srt", SRT))
    assert _names(st) == ["Claire Martin", "Paul Durand", None]
    assert (st.utterances[1].start, st.utterances[1].end) == (3.0, 5.0)
    assert st.utterances[1].text == "Nous avons décidé de signer."


@pytest.mark.parametrize(("suffix", "write"), [(".vtt", to_vtt), (".srt", to_srt)])
def test_minutier_subtitles_read_back(tmp_path: Path, suffix: str, write: Callable[[SpeakerTranscript], str]) -> None:
    long = "Nous avons décidé de signer le contrat avec le fournisseur dès la semaine prochaine, après relecture."
    st = SpeakerTranscript(
        "fr",
        14.0,
        (Utterance("SPEAKER_00", 0.0, 8.0, long), Utterance("SPEAKER_01", 8.5, 14.0, "D'accord, je m'en occupe.")),
        (("SPEAKER_00", "Marie Dupont"), ("SPEAKER_01", "Intervenant 2")),
    )
    read = read_transcript(_write(tmp_path, "minutes" + suffix, write(st)))
    assert _names(read) == ["Marie Dupont", "Intervenant 2"]
    assert [u.text for u in read.utterances] == [long, "D'accord, je m'en occupe."]
    assert read.utterances[0].start == 0.0 and read.utterances[1].end == 14.0


def test_format_is_sniffed_from_content_before_extension(tmp_path: Path) -> None:
    assert sniff_format(TEAMS_VTT, ".txt") == "vtt"
    assert sniff_format(SRT, ".txt") == "srt"
    assert sniff_format("Marie : Bonjour", ".vtt") == "vtt"  # then the WebVTT reader says what is wrong
    assert sniff_format("Marie : Bonjour", ".md") == "text"
    st = read_transcript(_write(tmp_path, "export.txt", ZOOM_VTT))
    assert _names(st)[0] == "Claire Martin"


# --- minutier JSON ----------------------------------------------------------------------------------------------


def _speaker_transcript() -> SpeakerTranscript:
    return SpeakerTranscript(
        language="en",
        duration=4.0,
        utterances=(
            Utterance("SPEAKER_00", 0.0, 2.0, "We will ship the release on Friday."),
            Utterance("SPEAKER_01", 2.0, 4.0, "I will write the notes."),
        ),
        speaker_names=(("SPEAKER_00", "Marie Dupont"), ("SPEAKER_01", "Speaker 2")),
    )


def test_minutier_json_round_trips(tmp_path: Path) -> None:
    st = _speaker_transcript()
    assert read_transcript(_write(tmp_path, "t.json", serialize.dumps(st))) == st
    french = read_transcript(_write(tmp_path, "t.json", serialize.dumps(st)), language="fr")
    assert french.language == "fr" and french.utterances == st.utterances


def test_minutes_json_gives_its_transcript(tmp_path: Path) -> None:
    st = _speaker_transcript()
    minutes = build_minutes(st, OfflineSummarizer(), MeetingMeta(held_on=date(2026, 11, 20)))
    read = read_transcript(_write(tmp_path, "minutes.json", serialize.dumps(minutes)))
    assert read.utterances == st.utterances
    assert dict(read.speaker_names)["SPEAKER_00"] == "Marie Dupont"


def test_unattributed_transcript_json(tmp_path: Path) -> None:
    transcript = Transcript("fr", 3.0, "base", (TranscriptSegment(0.0, 3.0, "Bonjour à tous."),))
    st = read_transcript(_write(tmp_path, "asr.json", serialize.dumps(transcript)))
    assert [u.text for u in st.utterances] == ["Bonjour à tous."]
    assert st.utterances[0].speaker is None


# --- hostile and malformed files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.vtt", "  \n\n \t\n", "empty"),
        ("nocue.vtt", "WEBVTT\n\nNOTE exported by Teams\n", "no cue"),
        ("noheader.vtt", "00:00:01.000 --> 00:00:02.000\nBonjour\n", "not a valid WebVTT"),
        (
            "bad.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nOui\n\n2\n00:00:0x --> 00\nhi\n\n3\n00:00:04,000 --> 0\n",
            "not a valid SRT",
        ),
        ("prose.txt", "Bonjour,\n\nvoici le compte rendu demandé.\n", "no 'Name: text' turn"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
        ("controls.txt", "Marie : " + "\x01\x02\x03" * 50, "binary"),
        ("transcript.docx", b"PK\x03\x04" + b"\x00" * 64, "ZIP"),
        ("latin1.txt", "Marie : Bonjour\nJean : Ça va très bien\n".encode("cp1252"), "not UTF-8"),
        ("other.json", json.dumps({"speakers": ["a"]}), "not minutier's"),
        ("broken.json", '{"type": "SpeakerTranscript", "language": ', "not a minutier JSON"),
        ("wrongtype.json", json.dumps({"type": "SpeakerTranscript", "language": 3}), "not a minutier JSON"),
        ("deep.json", "{" + '"a":[' * 100_000, "not a minutier JSON"),
        ("script.txt", "Marie : Bonjour.\n\nJean : <script>alert(1)</script>\n", "web markup '<script'> on line 3"),
        (
            "iframe.vtt",
            'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Marie>Voir < IFRAME src="https://x.example"></v>\n',
            "web markup '< IFRAME'",
        ),
    ],
)
def test_hostile_files_get_a_named_error(tmp_path: Path, name: str, content: str | bytes, message: str) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(TranscriptFormatError, match=re.escape(message)) as caught:
        read_transcript(path)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, PipelineError)


def test_invalid_utf8_says_where(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.txt", "Marie : Bonjour\nJean : Ça va\n".encode("cp1252"))
    with pytest.raises(TranscriptFormatError, match=r"byte 0xc7 on line 2\); save it as UTF-8"):
        read_transcript(path)


def test_a_file_over_the_size_bound_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(TranscriptFormatError, match="larger than 20 MB"):
        read_transcript(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_transcript(tmp_path / "absent.vtt")
    with pytest.raises(TranscriptFormatError, match="not a regular file"):
        read_transcript(tmp_path)


def test_utf16_with_bom_and_windows_punctuation_are_read(tmp_path: Path) -> None:
    st = read_transcript(_write(tmp_path, "t.txt", "Marie : C'est d'accord.\r\n".encode("utf-16")))
    assert st.utterances[0].text == "C'est d'accord."
    # U+0092, the Windows-1252 apostrophe stored as a control character, reads as "’".
    st = read_transcript(_write(tmp_path, "c1.txt", "Marie : l\x92Etat paiera.\n"))
    assert st.utterances[0].text == "l’Etat paiera."


# --- language ---------------------------------------------------------------------------------------------------


def test_language_detection_and_override(tmp_path: Path) -> None:
    assert detect_language("Nous avons décidé que le budget est validé pour la rentrée.") == "fr"
    assert detect_language("We decided that the budget is approved for the next quarter.") == "en"
    assert detect_language("OK. 42.") == "fr"  # nothing to tell: the minutes' default
    assert detect_language("OK. 42.", default="en") == "en"
    path = _write(tmp_path, "t.txt", "Marie : Nous avons décidé que le budget est validé.\n")
    assert read_transcript(path, language="en").language == "en"


# --- real FREDSum debates (read from ../shared/eval, never copied) ------------------------------------------------

needs_fredsum = pytest.mark.skipif(not FREDSUM.is_dir(), reason=f"{FREDSUM} is not there")


@needs_fredsum
def test_fredsum_debate_speakers_and_turns() -> None:
    path = FREDSUM / "Bardella_Darmanin--Partie_1_Ukraine.txt"
    st = read_transcript(path)
    assert [name for _, name in st.speaker_names] == ["P1", "JB", "GD", "AB"]
    assert st.language == "fr"
    assert st.utterances[0].text.startswith("Sujet d'actualité, très important")
    assert st.utterances[1].text.startswith("oui, bien sûr. Euh, ce sont des crimes de guerre.")
    labelled_lines = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"[A-Z]\w* ?: ", line))
    assert len(st.utterances) == labelled_lines
    words = sum(len(re.findall(r"\w+", u.text)) for u in st.utterances)
    assert st.duration == pytest.approx(words / WORDS_PER_SECOND, abs=1e-3)


@needs_fredsum
def test_fredsum_full_names_and_windows_apostrophes() -> None:
    st = read_transcript(FREDSUM / "Macron_Lepen_1--Partie_1_3_Impot_Et_Pouvoir_D_Achat.txt")
    names = {name for _, name in st.speaker_names}
    assert {"Mme Le Pen", "Mme Saint Cricq"} <= names
    assert not any(re.search(r"[\x80-\x9f]", u.text) for u in st.utterances)


@needs_fredsum
def test_every_fredsum_debate_reads_as_french_with_named_speakers() -> None:
    for path in sorted(FREDSUM.glob("*.txt")):
        st = read_transcript(path)
        assert st.language == "fr", path.name
        assert len(st.speaker_names) >= 2, path.name
        assert all(u.speaker is not None for u in st.utterances), path.name
