"""The local model's rewrite, measured: load time, resident memory, prompt and generation tokens/s.

Takes the first FREDSum debate (sorted by name) with three named debaters, the first sentences of
each (15 in all by default), and has the local model rewrite them into a French summary
paragraph; then the same for the first QMSum Product meeting's first sentences in English.

    .venv/bin/python bench/local_rewrite.py [--per-speaker 5] [--threads 0]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.summarize.local import LocalRewriter, LocalServer, Rewrite, SourceSentence

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_PRESENTER = re.compile(r"P\d+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if len(s) >= 25]


def _display_names(codes: list[str], surnames: list[str], text: str) -> dict[str, str]:
    """'JB' -> 'Jordan Bardella' (a 'First Surname' in the debate with those initials), else 'G. Attal'
    (the one surname left with the code's last letter), else the code itself."""
    names: dict[str, str] = {}
    for code in codes:
        for surname in surnames:
            for first in re.findall(rf"\b([A-ZÉ][\w-]+) {re.escape(surname)}\b", text):
                if (first[0] + surname[0]).upper() == code and code not in names:
                    names[code] = f"{first} {surname}"
    taken = {name.split()[-1] for name in names.values()}
    for code in codes:
        left = [s for s in surnames if s not in taken and s[0] == code[-1]]
        names.setdefault(code, f"{code[0]}. {left[0]}" if len(left) == 1 else code)
    return names


def fredsum_sources(
    per_speaker: int, speakers: int = 3, eval_dir: Path = EVAL
) -> tuple[str, tuple[SourceSentence, ...]]:
    """(debate name, sources): the first `per_speaker` sentences of the first `speakers` debaters."""
    for path in sorted((eval_dir / "fredsum" / "transcript").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        turns = [b.split(" : ", 1) for b in text.split("\n\n") if " : " in b]
        debaters = list(dict.fromkeys(c.strip() for c, _ in turns if not _PRESENTER.fullmatch(c.strip())))
        if len(debaters) < speakers:
            continue
        names = _display_names(debaters, path.stem.split("--")[0].split("_"), text)
        taken: dict[str, int] = dict.fromkeys(debaters[:speakers], 0)
        picked = []
        for code, said in turns:
            code = code.strip()
            for sentence in _sentences(said) if code in taken else []:
                if taken[code] < per_speaker:
                    taken[code] += 1
                    picked.append((names[code], sentence))
        sources = tuple(SourceSentence(i, who, what) for i, (who, what) in enumerate(picked, start=1))
        return path.stem, sources
    raise SystemExit(f"no FREDSum debate with {speakers} debaters in {eval_dir}")


def qmsum_sources(count: int, eval_dir: Path = EVAL) -> tuple[str, tuple[SourceSentence, ...]]:
    """The first `count` sentences (without {vocalsound}-style marks) of the first QMSum Product val meeting."""
    meeting = json.loads((eval_dir / "qmsum_product" / "val.jsonl").read_text(encoding="utf-8").splitlines()[0])
    picked = []
    for turn in meeting["meeting_transcripts"]:
        clean = re.sub(r"\{\w+\}", " ", turn["content"]).replace(" ,", ",").replace(" .", ".")
        picked += [(turn["speaker"], s) for s in _sentences(clean) if len(s.split()) >= 6]
    sources = tuple(SourceSentence(i, who, what) for i, (who, what) in enumerate(picked[:count], start=1))
    return "qmsum_product val #0", sources


def _report(name: str, rewrite: Rewrite, sources: tuple[SourceSentence, ...]) -> None:
    u = rewrite.usage
    words = sum(len(s.text.split()) for s in sources)
    print(f"\n== {name}: {len(sources)} sources ({words} words) -> {len(rewrite.sentences)} sentences")
    print(
        f"   prompt {u.prompt_tokens} tokens at {u.prompt_per_second or 0:.1f} tok/s; "
        f"generated {u.completion_tokens} tokens at {u.completion_per_second or 0:.1f} tok/s; {u.seconds:.1f} s"
    )
    for s in sources:
        print(f"   [{s.id}] {s.speaker}: {s.text}")
    for sentence in rewrite.sentences:
        print(f"   -> {sentence.text}  {list(sentence.sources)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-speaker", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--task", default="summary", choices=("summary", "topic_points"))
    parser.add_argument("--log", type=Path, help="keep llama.cpp's log (with each request's timings) here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    with LocalServer(threads=args.threads, log_path=args.log, verbosity=3 if args.log else 2) as server:
        started = time.monotonic()
        server.base_url  # noqa: B018 (starts the server)
        print(f"server start {time.monotonic() - started:.1f} s, resident {(server.rss_bytes() or 0) / 2**30:.2f} GiB")
        rewriter = LocalRewriter(server, timeout=3600)
        name, sources = fredsum_sources(args.per_speaker)
        _report(name, rewriter.rewrite("fr", sources, args.task), sources)
        name, sources = qmsum_sources(args.per_speaker * 3)
        _report(name, rewriter.rewrite("en", sources, args.task), sources)
        print(f"\nresident after the requests {(server.rss_bytes() or 0) / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
