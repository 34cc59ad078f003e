"""Render sample minutes to DOCX, PDF and PNG so a person can look at them; refresh docs/minutes-sample.png.

    .venv/bin/python bench/render_sample.py [--transcript ST.json] [--out DIR] [--png docs/minutes-sample.png]

Without --transcript it uses the hand-written French meeting of the unit tests; give it the
SpeakerTranscript JSON of the bundled sample (pipeline.serialize) to render the real thing.
Needs LibreOffice Writer and poppler (see scripts/render_docx.sh).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from datetime import date, time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.outputs import write_documents
from pipeline.serialize import loads
from pipeline.summarize import MeetingMeta, OfflineSummarizer, build_minutes
from pipeline.types import SpeakerTranscript

logger = logging.getLogger("render_sample")

PNG_WIDTH = 900
PNG_COLOURS = 48


def _transcript(path: Path | None) -> SpeakerTranscript:
    if path is not None:
        return loads(SpeakerTranscript, path.read_text(encoding="utf-8"))
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
    parser.add_argument("--transcript", type=Path, help="SpeakerTranscript JSON (default: hand-written meeting)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "sample")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "minutes-sample.png")
    parser.add_argument("--title", default="Comité de pilotage — refonte du site")
    parser.add_argument("--client", default="Cabinet Lefèvre & Associés")
    parser.add_argument("--date", type=date.fromisoformat, default=date(2025, 3, 12))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    meta = MeetingMeta(
        title=args.title,
        client=args.client,
        held_on=args.date,
        start_time=time(9, 30),
        models=("faster-whisper base", "pyannote segmentation-3.0 + CAM++"),
    )
    minutes = build_minutes(_transcript(args.transcript), OfflineSummarizer(), meta)
    written = write_documents(minutes, args.out, ("docx", "md"), stem="minutes-sample")
    subprocess.run(
        [str(ROOT / "scripts" / "render_docx.sh"), str(written["docx"]), str(args.out), "150"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    pages = sorted(args.out.glob("minutes-sample-*.png"))
    args.png.parent.mkdir(parents=True, exist_ok=True)
    _small_png(pages[0], args.png)
    logger.info(
        "%d page(s) in %s; first page -> %s (%d KB)", len(pages), args.out, args.png, args.png.stat().st_size // 1024
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
