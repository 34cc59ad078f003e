"""Transcription of the mix vs channel by channel, side by side in one run, on recordings with one
speaker per channel: the shared stereo clip and synthetic calls (bench/channel_calls.py) at 0-30 % leak.

For each recording: Whisper on the down-mix (today's path) and Whisper on each channel, both
attributed with the same diarization by channel (pipeline.stages). Scored: WER of the whole text
(reference: the placed clips' texts in order of their start), cpWER (meeteval, speakers matched
at best), duplicated words (the same word in two speakers' utterances within 1 s: bleed written
twice), and Whisper's seconds. Swept: each channel heard whole or only around its own speech
(pipeline.asr.by_channel.GATE_PAD_S: a Whisper pass each), and on each, the bleed rule's margin and
word tail (BLEED_MARGIN, WORD_TAIL_S: on the same transcripts).

    .venv/bin/python bench/channel_transcripts.py --seeds 1 2 3 --leaks 0 0.1 0.2 0.3
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import soundfile as sf
from benchlib import references
from channel_calls import EVAL_DIR, SPEAKER_A, make_call
from meeteval.wer import cp_word_error_rate

from pipeline import stages
from pipeline.asr.by_channel import (
    BLEED_MARGIN,
    GATE_PAD_S,
    WORD_TAIL_S,
    channel_coverage,
    merge_channels,
    own_audio,
)
from pipeline.asr.whisper import WhisperTranscriber
from pipeline.audio import load_audio
from pipeline.config import AsrSettings, AudioSettings
from pipeline.diarize.by_channel import diarize_channels
from pipeline.evaluation import normalise_text, word_error_rate
from pipeline.speakers import number_speakers
from pipeline.types import Diarization, SpeakerTranscript, Transcript

STEREO = EVAL_DIR / "faster_whisper/stereo_diarization.wav"
# English clips placed whole (none over 12 s), so each placed clip's reference text is exact; no
# clip on both sides, none twice on one (see make_call's `distinct`).
SIDE_A = SPEAKER_A[:4]
SIDE_B = ("faster_whisper/jfk.flac", "picovoice_leopard/test.wav", SPEAKER_A[4])
MARGINS = (0.0, 0.25, 0.5, 0.75, 0.9)
TAILS: tuple[float | None, ...] = (None, 0.3, 0.5)
# Each channel heard whole ("all"), or only its own speech widened by these seconds ("own+0.5").
PADS = (0.0, 0.1, 0.2, 0.5)


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    path: Path
    references: dict[str, str]  # channel's speaker -> text
    text: str  # every speaker's text in order of start


def cases(seeds: list[int], leaks: list[float], work: Path) -> list[Case]:
    left = (EVAL_DIR / "faster_whisper/stereo_diarization.left.txt").read_text(encoding="utf-8")
    right = (EVAL_DIR / "faster_whisper/stereo_diarization.right.txt").read_text(encoding="utf-8")
    out = [Case("stereo_diarization", STEREO, {"SPEAKER_00": left, "SPEAKER_01": right}, f"{left} {right}")]
    refs = references(EVAL_DIR)
    for seed in seeds:
        for leak in leaks:
            call = make_call(
                seed, bleed=leak, turns=6, overlap=0.5, speakers=(SIDE_A, SIDE_B), max_clip_s=12.0, distinct=True
            )
            path = work / f"{call.name}.wav"
            sf.write(path, call.samples, 16_000, subtype="FLOAT")
            by: dict[str, list[str]] = {}
            for _, rel, side in sorted(call.placed):
                by.setdefault(f"SPEAKER_0{'AB'.index(side)}", []).append(refs[rel][0])
            text = " ".join(refs[rel][0] for _, rel, _ in sorted(call.placed))
            out.append(Case(call.name, path, {k: " ".join(v) for k, v in by.items()}, text))
    return out


def duplicates(st: SpeakerTranscript, within: float = 1.0) -> int:
    """Words said by one speaker that another speaker's utterances also hold within `within` seconds."""
    words = [(w.start, normalise_text(w.text), u.speaker) for u in st.utterances for w in u.words]
    words = [w for w in words if w[1]]
    count = 0
    for i, (start, text, speaker) in enumerate(words):
        if any(t == text and s != speaker and abs(st_ - start) <= within for st_, t, s in words[i + 1 :]):
            count += 1
    return count


def score(case: Case, transcript: Transcript, diarization: Diarization) -> dict[str, float]:
    st = stages.attribute(transcript, diarization, {})
    hyp: dict[str, list[str]] = {}
    for u in st.utterances:
        hyp.setdefault(u.speaker or "(none)", []).append(normalise_text(u.text))
    refs = {k: normalise_text(v) for k, v in case.references.items()}
    cp = cp_word_error_rate(refs, {k: " ".join(v) for k, v in hyp.items()}, reference_sort=False, hypothesis_sort=False)
    return {
        "wer": word_error_rate(case.text, transcript.text),
        "cp_errors": int(cp.errors),
        "cp_words": int(cp.length),
        "duplicates": duplicates(st),
        "words": len(transcript.words),
    }


def variant(audible: str, margin: float, tail: float | None) -> str:
    return f"channel {audible} m{margin:g} " + ("whole" if tail is None else f"tail{tail:g}")


def run(case: Case, transcriber: WhisperTranscriber) -> dict[str, object] | None:
    """The case's scores; None when it is not diarized by channel (the mix is then transcribed alone)."""
    audio = stages.decode(case.path, AudioSettings(), "auto")
    found = diarize_channels(case.path, "auto", audio.channel_scan)
    if found is None:
        print(f"{case.name}: not diarized by channel, left out", file=sys.stderr)
        return None
    split = number_speakers(found)
    started = time.perf_counter()
    mixed = transcriber.transcribe(audio)
    mix_s = time.perf_counter() - started
    started = time.perf_counter()
    decoded = [load_audio(case.path, channel=k) for k in range(len(split.channel_speakers))]
    decode_s = time.perf_counter() - started
    started = time.perf_counter()
    heard = {"all": [transcriber.transcribe(a) for a in decoded]}
    seconds = {"all": time.perf_counter() - started}
    coverage = channel_coverage(split)
    for pad in PADS:
        started = time.perf_counter()
        gated = [own_audio(replace(a, samples=a.samples.copy()), coverage[k], pad) for k, a in enumerate(decoded)]
        heard[f"own+{pad:g}"] = [transcriber.transcribe(a) for a in gated]
        seconds[f"own+{pad:g}"] = time.perf_counter() - started
    row: dict[str, object] = {
        "case": case.name,
        "seconds": audio.duration,
        "mix": {**score(case, mixed, split), "whisper_s": mix_s},
        "channels_decode_s": decode_s,
    }
    for audible, raw in heard.items():
        for margin in MARGINS:
            for tail in TAILS:
                merged = merge_channels(raw, split, margin, tail)
                row[variant(audible, margin, tail)] = {**score(case, merged, split), "whisper_s": seconds[audible]}
    # Neither gate nor bleed rule: every channel's words kept.
    kept = merge_channels(heard["all"], replace(split, turns=()), 1.0, None)
    row["channel@off"] = {**score(case, kept, split), "whisper_s": seconds["all"]}
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument("--leaks", type=float, nargs="*", default=[0.0, 0.1, 0.2, 0.3])
    parser.add_argument("--out", type=Path, default=Path("bench/results/channel_transcripts.json"))
    args = parser.parse_args()
    transcriber = WhisperTranscriber(AsrSettings())  # languages detected, as the pipeline does
    transcriber.load()
    with tempfile.TemporaryDirectory() as tmp:
        every = [run(case, transcriber) for case in cases(args.seeds, args.leaks, Path(tmp))]
    rows = [r for r in every if r is not None]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    audibles = ["all", *(f"own+{p:g}" for p in PADS)]
    variants = ["mix", *(variant(a, m, t) for a in audibles for m in MARGINS for t in TAILS), "channel@off"]
    shown = [
        "mix",
        variant("all", 0.25, 0.3),
        variant(f"own+{GATE_PAD_S:g}", BLEED_MARGIN, WORD_TAIL_S),
        "channel@off",
    ]  # the kept setting; the sweep is pooled below
    print("| recording | " + " | ".join(shown) + " |")
    print("|---|" + "---|" * len(shown))
    for r in rows:
        cells = []
        for v in shown:
            s = r[v]
            assert isinstance(s, dict)
            cells.append(f"{s['wer']:.2f} / {s['cp_errors'] / max(s['cp_words'], 1):.2f} / {s['duplicates']}")
        print(f"| {r['case']} | " + " | ".join(cells) + " |")
    print("\npooled: WER (mean) / cpWER (pooled) / duplicates (sum) / Whisper s (sum)")
    for v in variants:
        picked = [r[v] for r in rows]
        assert all(isinstance(p, dict) for p in picked)
        wer = sum(p["wer"] for p in picked) / len(picked)  # type: ignore[index]
        cp = sum(p["cp_errors"] for p in picked) / max(sum(p["cp_words"] for p in picked), 1)  # type: ignore[index]
        dup = sum(p["duplicates"] for p in picked)  # type: ignore[index]
        secs = sum(p["whisper_s"] for p in picked)  # type: ignore[index]
        print(f"{v}: {wer:.3f} / {cp:.3f} / {dup} / {secs:.1f}")
    audio_s = sum(float(r["seconds"]) for r in rows)  # type: ignore[arg-type]
    decode_s = sum(float(r["channels_decode_s"]) for r in rows)  # type: ignore[arg-type]
    print(f"{len(rows)} of {len(every)} recordings diarized by channel; audio {audio_s:.0f} s;")
    print(f"channels decoded again in {decode_s:.2f} s")


if __name__ == "__main__":
    main()
