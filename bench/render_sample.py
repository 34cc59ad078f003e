"""Render minutes to DOCX, PDF and PNG so a person can look at them; refresh the pages shown in the README.

    .venv/bin/python bench/render_sample.py [--transcript FILE] [--type detailed|decisions|formal|call_note]
        [--title T] [--client C] [--date YYYY-MM-DD] [--out DIR] [--png docs/minutes-detailed.png]

--transcript takes any transcript minutier reads (a FREDSum debate, a Teams VTT, minutier's JSON …);
without it the hand-written French meeting of the unit tests is used. The minutes are written by the
default (offline) writer, as the service would. Needs LibreOffice Writer and poppler (scripts/render_docx.sh).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from datetime import date
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.outputs import write_documents
from pipeline.summarize import MeetingMeta, OfflineSummarizer, build_minutes
from pipeline.transcripts import read_transcript
from pipeline.types import SpeakerTranscript

logger = logging.getLogger("render_sample")

PNG_WIDTH = 900
PNG_COLOURS = 48


def _transcript(path: Path | None, qmsum: int | None) -> SpeakerTranscript:
    if qmsum is not None:
        sys.path.insert(0, str(ROOT / "bench"))
        from minutes_eval import EVAL_DIR, qmsum_items

        return qmsum_items(EVAL_DIR)[qmsum].transcript
    if path is not None:
        return read_transcript(path)
    from tests.unit.meetings import french_meeting

    return french_meeting()


def _small_png(source: Path, target: Path) -> None:
    """Page 1, scaled and reduced to a small palette: sharp text in well under 300 KB."""
    with Image.open(source) as page:
        height = round(page.height * PNG_WIDTH / page.width)
        small = page.convert("RGB").resize((PNG_WIDTH, height), Image.Resampling.LANCZOS)
        small.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transcript", type=Path, help="a transcript file (default: the hand-written meeting)")
    parser.add_argument("--qmsum", type=int, help="the N-th QMSum Product val meeting of ../shared/eval instead")
    parser.add_argument("--type", default="detailed", help="document type: detailed, decisions, formal, call_note")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "sample")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "minutes-detailed.png")
    parser.add_argument("--title", default="Comité de pilotage — refonte du site")
    parser.add_argument("--client", default="Cabinet Lefèvre & Associés")
    parser.add_argument("--date", type=date.fromisoformat, default=date(2025, 3, 12))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    meta = MeetingMeta(
        title=args.title,
        client=args.client,
        held_on=args.date,
        models=("faster-whisper base", "pyannote segmentation-3.0 + CAM++"),
    )
    minutes = build_minutes(_transcript(args.transcript, args.qmsum), OfflineSummarizer(), meta)
    stem = f"minutes-{args.type}"
    written = write_documents(minutes, args.out, ("docx", "md"), stem=stem, document_type=args.type)
    subprocess.run(
        [str(ROOT / "scripts" / "render_docx.sh"), str(written["docx"]), str(args.out), "150"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    pages = sorted(args.out.glob(f"{stem}-*.png"))
    args.png.parent.mkdir(parents=True, exist_ok=True)
    _small_png(pages[0], args.png)
    logger.info(
        "%d page(s) in %s; first page -> %s (%d KB)", len(pages), args.out, args.png, args.png.stat().st_size // 1024
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
