"""Transcription by channel (pipeline/asr/by_channel.py): the bleed rule, the merge, the attribution
of each word to its channel's speaker, and the stage's choice between the mix and the channels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pipeline import serialize, stages
from pipeline.asr.by_channel import channel_coverage, is_bleed, keep_own_words, merge_channels
from pipeline.audio import load_audio
from pipeline.config import AsrSettings, AudioSettings, DiarizeSettings, Settings
from pipeline.errors import ConfigError
from pipeline.merge import assign_speakers
from pipeline.roles import Progress
from pipeline.speakers import number_speakers
from pipeline.types import Audio, Diarization, Recording, SpeakerTurn, Transcript, TranscriptSegment, Word
from tests.unit.test_channels import RATE, _call

# Channel 0 speaks 0-4 s, channel 1 from 3.5 s (both at once 3.5-4 s), then channel 0 again from 6 s.
TURNS = (
    SpeakerTurn(0.0, 4.0, "SPEAKER_00"),
    SpeakerTurn(3.5, 5.5, "SPEAKER_01"),
    SpeakerTurn(6.0, 8.0, "SPEAKER_00"),
)
SPLIT = Diarization(TURNS, TURNS, 8.0, "one speaker per channel", ("SPEAKER_00", "SPEAKER_01"))
COVERAGE = channel_coverage(SPLIT)


def _segment(channel: int | None, *words: tuple[float, float, str]) -> TranscriptSegment:
    made = tuple(Word(s, e, f" {t}", 0.9, channel=channel) for s, e, t in words)
    return TranscriptSegment(made[0].start, made[-1].end, "".join(w.text for w in made).strip(), made, channel=channel)


def _transcript(*segments: TranscriptSegment, language: str = "en") -> Transcript:
    return Transcript(language, 8.0, "Whisper base", segments)


def test_a_word_in_the_other_sides_speech_alone_is_bleed() -> None:
    # Channel 1 hears channel 0's 1-2 s faintly: bleed. Its own 4.5-5 s, and 3.6-3.9 s where both
    # speak, are its own; so is a word at 5.7 s, in nobody's speech.
    assert is_bleed(Word(1.0, 1.4, " hello", 0.9), 1, COVERAGE)
    assert not is_bleed(Word(4.5, 5.0, " yes", 0.9), 1, COVERAGE)
    assert not is_bleed(Word(3.6, 3.9, " but", 0.9), 1, COVERAGE)
    assert not is_bleed(Word(5.7, 5.9, " so", 0.9), 1, COVERAGE)
    assert is_bleed(Word(4.5, 5.0, " yes", 0.9), 0, COVERAGE)


def test_a_first_word_stretched_back_over_the_other_side_is_judged_on_its_end() -> None:
    # Whisper starts a segment's first word at the end of the previous silence: 2.5-3.8 s lies
    # mostly in channel 0's speech alone, but its end is in channel 1's own.
    stretched = Word(2.5, 3.8, " The", 0.9)
    assert not is_bleed(stretched, 1, COVERAGE)
    assert is_bleed(stretched, 1, COVERAGE, tail=None)


def test_bleed_words_are_dropped_and_segments_cut_at_sentences() -> None:
    heard = _transcript(
        _segment(None, (1.0, 1.4, "hello"), (3.6, 3.9, "well."), (4.2, 4.6, "Yes"), (4.6, 5.0, "sure."))
    )
    kept = keep_own_words(heard, 1, COVERAGE)
    assert [s.text for s in kept] == ["well.", "Yes sure."]
    assert [(s.start, s.end) for s in kept] == [(3.6, 3.9), (4.2, 5.0)]
    assert all(w.channel == 1 for s in kept for w in s.words) and all(s.channel == 1 for s in kept)


def test_channels_merge_in_time_order_with_the_main_channels_language() -> None:
    left = _transcript(_segment(None, (0.5, 1.0, "Bonjour."), (6.5, 7.0, "Merci.")), language="fr")
    right = _transcript(_segment(None, (1.0, 1.4, "bonjour"), (4.0, 4.5, "Oui.")), language="en")
    merged = merge_channels([left, right], SPLIT)
    assert [(s.channel, s.text) for s in merged.segments] == [(0, "Bonjour."), (1, "Oui."), (0, "Merci.")]
    assert merged.language == "fr"  # channel 0 has the most speech of its own


def test_words_go_to_their_channels_speaker_even_where_the_other_speaks_more() -> None:
    # Channel 1's "yes" at 3.6 s lies in both turns: by time it would follow channel 0's sentence.
    transcript = _transcript(
        _segment(0, (3.0, 3.5, "we"), (3.5, 3.9, "agree.")),
        _segment(1, (3.6, 3.9, "yes.")),
        _segment(0, (6.2, 6.6, "Good.")),
    )
    st = assign_speakers(transcript, SPLIT)
    assert [(u.speaker, u.text) for u in st.utterances] == [
        ("SPEAKER_00", "we agree."),
        ("SPEAKER_01", "yes."),
        ("SPEAKER_00", "Good."),
    ]
    assert st.utterances[1].overlap
    # A diarization without channel speakers (the model's, an older cache) attributes by time.
    by_time = assign_speakers(transcript, Diarization(TURNS, TURNS, 8.0))
    assert [u.speaker for u in by_time.utterances] == ["SPEAKER_00", "SPEAKER_00"]


def test_numbering_speakers_renames_the_channels_speakers() -> None:
    late_first = Diarization(
        (SpeakerTurn(2.0, 3.0, "SPEAKER_00"), SpeakerTurn(0.0, 1.0, "SPEAKER_01")),
        (),
        3.0,
        channel_speakers=("SPEAKER_00", "SPEAKER_01", "SPEAKER_02"),
    )
    assert number_speakers(late_first).channel_speakers == ("SPEAKER_01", "SPEAKER_00", "")


def test_results_written_before_channels_still_read() -> None:
    old = serialize.to_data(_transcript(_segment(None, (0.5, 1.0, "Hello."))))
    for segment in old["segments"]:
        del segment["channel"]
        for word in segment["words"]:
            del word["channel"]
    assert serialize.from_data(Transcript, old).segments[0].words[0].channel is None
    diarization = serialize.to_data(SPLIT)
    assert serialize.loads(Diarization, serialize.dumps(SPLIT)) == SPLIT
    del diarization["channel_speakers"]
    assert serialize.from_data(Diarization, diarization).channel_speakers == ()


def test_asr_channels_setting() -> None:
    settings = Settings(asr=AsrSettings(channels="mix"), diarize=DiarizeSettings(channels="auto"))
    assert stages.transcription_channels(settings) is None
    assert stages.transcription_channels(Settings()) == DiarizeSettings().channels
    with pytest.raises(ConfigError, match="channels"):
        AsrSettings(channels="split")


class _HearingTranscriber:
    """Writes a word for every loud 0.5 s of what it is given, bleed included (as Whisper does at
    10-20 % leak), and keeps what it was given."""

    device = "cpu"

    def __init__(self) -> None:
        self.heard: list[Audio] = []

    def transcribe(self, audio: Audio, progress: Progress | None = None) -> Transcript:
        self.heard.append(audio)
        step = audio.sample_rate // 2
        blocks = audio.samples[: len(audio.samples) // step * step].reshape(-1, step)
        loud = np.sqrt((blocks**2).mean(axis=1)) > 0.005
        words = tuple(Word(i * 0.5, i * 0.5 + 0.4, f" w{i}", 0.9) for i in np.flatnonzero(loud))
        segments = (TranscriptSegment(words[0].start, words[-1].end, "w", words),) if words else ()
        return Transcript("en", audio.duration, "fake", segments)


def test_a_call_is_transcribed_by_channel_without_its_bleed(tmp_path: Path) -> None:
    left, right = _call(0.2)  # A speaks 0-4 and 8-12 s, B 4.5-7.5 and 12.5-15 s
    call = tmp_path / "call.wav"
    sf.write(call, np.stack([left, right], axis=1), RATE, subtype="FLOAT")
    audio = stages.decode(call, AudioSettings(), "auto")
    fake = _HearingTranscriber()
    transcript = stages.transcribe(audio, fake, None, call, "auto")
    assert [len(a.samples) for a in fake.heard] == [len(audio.samples)] * 2
    # Channel 1 is heard in its own speech, and silenced where only A's bleed is on it.
    alone = load_audio(call, channel=1).samples
    np.testing.assert_array_equal(fake.heard[1].samples[5 * RATE : 7 * RATE], alone[5 * RATE : 7 * RATE])
    assert not fake.heard[1].samples[RATE : 3 * RATE].any() and alone[RATE : 3 * RATE].any()
    both = _HearingTranscriber().transcribe(load_audio(call, channel=1))
    assert any(w.start < 4.0 for w in both.words)  # channel 1 alone hears A's bleed ...
    by_channel = {c: [w.start for w in transcript.words if w.channel == c] for c in (0, 1)}
    assert all(t < 4.1 or 7.9 < t < 12.1 for t in by_channel[0]) and len(by_channel[0]) >= 14
    assert all(4.4 < t < 7.6 or 12.4 < t < 15.1 for t in by_channel[1]) and len(by_channel[1]) >= 10
    # ... which the transcript holds once, on A's channel.
    assert not set(by_channel[0]) & set(by_channel[1])


@pytest.mark.parametrize("channels", [None, "mix", "auto"])
def test_the_mix_is_transcribed_as_before_unless_the_channels_are_separated(
    tmp_path: Path, channels: str | None
) -> None:
    left, right = _call(0.1)
    copy = tmp_path / "copy.wav"  # the same voices on both channels: never separated
    sf.write(copy, np.stack([left + right, left + right], axis=1), RATE, subtype="FLOAT")
    call = tmp_path / "call.wav"
    sf.write(call, np.stack([left, right], axis=1), RATE, subtype="FLOAT")
    for path in (copy,) if channels == "auto" else (copy, call):
        audio = stages.decode(path, AudioSettings(), channels or "split")
        fake = _HearingTranscriber()
        assert stages.transcribe(audio, fake, None, path, channels) == fake.transcribe(audio)
        assert fake.heard[0] is audio and all(w.channel is None for w in fake.transcribe(audio).words)


def test_coverage_of_a_channel_without_turns_is_empty() -> None:
    silent = Diarization(TURNS[:1], TURNS[:1], 8.0, channel_speakers=("SPEAKER_00", ""))
    coverage = channel_coverage(silent)
    assert coverage[1].covered(0.0, 8.0) == 0.0
    assert coverage[0].covered(0.0, 8.0) == 4.0


def test_the_service_caches_a_transcript_per_channels_mode(tmp_path: Path) -> None:
    from flows.tasks import _stage_key

    recording = Recording(tmp_path / "call.wav", "call", "0" * 64)
    key = _stage_key("transcribe")
    keys = {key(None, {"recording": recording, "settings": AsrSettings(), "channels": c}) for c in ("auto", None)}  # type: ignore[arg-type]
    assert len(keys) == 2
