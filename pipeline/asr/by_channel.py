"""Transcription channel by channel of a recording that carries one speaker per channel.

On the down-mix of a call, where both people talk at once Whisper follows one voice and loses the
other's words. A recording diarized by channel (:mod:`pipeline.diarize.by_channel`, the same
judgement of the same scan: it is never made twice differently) is therefore transcribed one
channel at a time, and each word keeps its channel, whose speaker it is given
(:func:`pipeline.attribution.channel_speakers_of`).

Each channel also hears the other side faintly (an acoustic echo, a neighbouring microphone): at
10-30 % leak Whisper writes those words too, and they would appear twice; and on a channel that is
mostly silence or bleed, it stretches words over the pauses and misplaces them. So each channel is
transcribed with only its own speech audible (the by-channel turns,
:func:`pipeline.diarize.channels.own_speech`, widened by ``GATE_PAD_S``: :func:`own_audio`), and a
word still heard there that lies in another channel's own speech rather than its channel's (the
other side's voice under a short overlap) is dropped as bleed (:func:`is_bleed`). The pad, margin
and word tail come from the sweep of ``bench/channel_transcripts.py`` (docs/benchmarks.md,
"Transcription by channel").

Each channel is decoded again from the recording, alone (ffmpeg picks the channel): 2.3 s a
channel for a 30-minute stereo AAC call (the first decode, with the scan, 2.7 s), about 2 % of
Whisper base's time on those channels on a CPU, while keeping every channel from the first decode
would hold them all in memory (115 MB a channel per 30 minutes), and in the service's work
folder, for every recording of several channels, separated or not.
Each channel's language is Whisper's own detection on that channel (its speaker's voice alone);
the transcript's is that of the channel with the most speech of its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from pipeline.attribution import TurnCoverage, ends_sentence, widened
from pipeline.audio import load_audio
from pipeline.config import AudioSettings
from pipeline.merge import MAX_PAUSE, join_words
from pipeline.roles import Progress, Transcriber
from pipeline.types import Audio, Diarization, Transcript, TranscriptSegment, Word

logger = logging.getLogger(__name__)

# A word on a channel is bleed when another channel's own speech covers this much more of it (as
# a share of the word) than the channel's own does. A margin, not "any more": Whisper stretches a
# segment's first word back over the silence before it, where the other side may be speaking.
BLEED_MARGIN = 0.75
# Each channel is transcribed with only its own speech, widened by this (s), left audible: the
# own-speech turns already bridge pauses, and any widening lets in the other side at turn edges.
GATE_PAD_S = 0.0
# A word is judged on its last this many seconds: that stretch back is also why its start is unreliable.
WORD_TAIL_S = 0.3


def own_audio(audio: Audio, own: TurnCoverage, pad: float = GATE_PAD_S) -> Audio:
    """`audio` (one channel, decoded for this alone) silenced outside its own speech widened by `pad`
    seconds: Whisper then hears neither the other side's bleed between turns nor the silence it
    stretches words over. Samples are silenced in place."""
    rate = audio.sample_rate
    keep = np.zeros(len(audio.samples), dtype=bool)
    for start, end in own.intervals():
        keep[max(0, int((start - pad) * rate)) : int((end + pad) * rate)] = True
    audio.samples[~keep] = 0.0
    return audio


def channel_coverage(diarization: Diarization) -> tuple[TurnCoverage, ...]:
    """The own speech of each channel of a diarization by channel, in channel order."""
    return tuple(
        TurnCoverage([t for t in diarization.turns if t.speaker == label]) if label else TurnCoverage([])
        for label in diarization.channel_speakers
    )


def is_bleed(
    word: Word,
    channel: int,
    coverage: Sequence[TurnCoverage],
    margin: float = BLEED_MARGIN,
    tail: float | None = WORD_TAIL_S,
) -> bool:
    """Whether `word`, heard on `channel`, is another channel's speech leaking into it.

    It is when another channel's own speech covers a share of it larger by more than `margin` than
    the channel's own speech does, over its last `tail` seconds (None: all of it). A word in
    nobody's speech (too quiet for the channels' analysis) stays, and so does one in both (both
    sides speaking at once).
    """
    start, end = widened(word)
    if tail is not None:
        start = max(start, end - tail)
    width = end - start
    own = coverage[channel].covered(start, end) / width
    other = max((c.covered(start, end) / width for k, c in enumerate(coverage) if k != channel), default=0.0)
    return other - own > margin


def keep_own_words(
    transcript: Transcript,
    channel: int,
    coverage: Sequence[TurnCoverage],
    margin: float = BLEED_MARGIN,
    tail: float | None = WORD_TAIL_S,
) -> tuple[TranscriptSegment, ...]:
    """The segments of one channel's transcript, tagged with the channel, bleed words removed.

    Segments are cut after each sentence and at pauses over ``MAX_PAUSE``: on one speaker's channel
    Whisper runs a segment over the other side's turns (up to 30 s), and the channels' segments are
    put in order of their start. A segment without word times is kept or dropped whole, as one word.
    """
    kept: list[TranscriptSegment] = []
    for segment in transcript.segments:
        if not segment.words:
            whole = Word(segment.start, segment.end, segment.text, 1.0)
            if not is_bleed(whole, channel, coverage, margin, tail):
                kept.append(replace(segment, channel=channel))
            continue
        own = [replace(w, channel=channel) for w in segment.words if not is_bleed(w, channel, coverage, margin, tail)]
        pieces = _sentences(own)
        if len(pieces) == 1 and len(own) == len(segment.words):
            kept.append(replace(segment, words=tuple(own), channel=channel))
            continue
        for words in pieces:
            end = max(w.end for w in words)
            kept.append(
                replace(segment, start=words[0].start, end=end, text=join_words(words), words=words, channel=channel)
            )
    return tuple(kept)


def _sentences(words: list[Word]) -> list[tuple[Word, ...]]:
    """`words` cut after each sentence end and at each pause over ``MAX_PAUSE``."""
    pieces: list[tuple[Word, ...]] = []
    piece: list[Word] = []
    for word in words:
        if piece and word.start - piece[-1].end > MAX_PAUSE:
            pieces.append(tuple(piece))
            piece = []
        piece.append(word)
        if ends_sentence(word.text):
            pieces.append(tuple(piece))
            piece = []
    if piece:
        pieces.append(tuple(piece))
    return pieces


def merge_channels(
    transcripts: Sequence[Transcript],
    split: Diarization,
    margin: float = BLEED_MARGIN,
    tail: float | None = WORD_TAIL_S,
) -> Transcript:
    """One transcript of the channels' own words, segments in order of their start.

    Args:
        transcripts: Each channel's transcript, in channel order.
        split: The recording's diarization by channel (its `channel_speakers` in channel order).
        margin: See :func:`is_bleed`.
        tail: See :func:`is_bleed`.
    """
    coverage = channel_coverage(split)
    segments = [s for k, t in enumerate(transcripts) for s in keep_own_words(t, k, coverage, margin, tail)]
    segments.sort(key=lambda s: (s.start, s.channel or 0))
    own = [sum(e - s for s, e in c.intervals()) for c in coverage]
    main = max(range(len(transcripts)), key=lambda k: own[k])
    first = transcripts[main]
    return Transcript(
        language=first.language,
        duration=max(t.duration for t in transcripts),
        model=first.model,
        segments=tuple(segments),
        language_probability=first.language_probability,
        rejected=tuple(r for t in transcripts for r in t.rejected),
    )


def transcribe_by_channel(
    path: Path,
    split: Diarization,
    transcriber: Transcriber,
    settings: AudioSettings | None = None,
    progress: Progress | None = None,
) -> Transcript:
    """Each channel of `path` transcribed on its own, then merged (see the module).

    Args:
        path: The recording.
        split: Its diarization by channel.
        transcriber: The speech-to-text model.
        settings: How the recording is decoded.
        progress: Called with the seconds transcribed so far, all channels counted as one recording.
    """
    count = len(split.channel_speakers)
    coverage = channel_coverage(split)
    transcripts: list[Transcript] = []
    decoding = 0.0
    for channel in range(count):
        started = time.perf_counter()
        audio = own_audio(load_audio(path, settings, channel=channel), coverage[channel])
        decoding += time.perf_counter() - started
        done = channel * audio.duration

        def report(seconds: float, done: float = done) -> None:
            if progress is not None:
                progress((done + seconds) / count)

        transcripts.append(transcriber.transcribe(audio, report))
    merged = merge_channels(transcripts, split)
    heard = sum(len(t.words) for t in transcripts)
    logger.info(
        "%s: transcribed by channel (%d decoded again in %.2f s): %d words, %d dropped as the other side's bleed",
        path.name,
        count,
        decoding,
        len(merged.words),
        heard - len(merged.words),
    )
    return merged
