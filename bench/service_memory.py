"""Peak memory of `minutier serve` with every model loaded, and the time from drop to minutes, per writer.

For each writer asked (``--writers offline,local``), a fresh service is started on its own Prefect
server and state folder, a recording is dropped into a client's inbox, and the whole process tree
(service, Prefect server, model worker, flow runs, local model server) is sampled every 0.5 s until
the minutes' JSON appears. Memory is the sum of each process's PSS (proportional set size: shared
libraries counted once across processes, unlike RSS) and, for comparison, of their RSS.

    python bench/service_memory.py --recording bench/results/recordings/meeting_10min.wav
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.server import free_port

SAMPLE = ROOT / "samples" / "meeting_en.wav"
READY = "minutier is ready"
_KINDS = (
    ("local model server", "pipeline.summarize.local.serve"),
    ("model worker", "flows.worker"),
    ("Prefect server", "prefect"),
    ("flow runs", "prefect.engine"),
    ("service", "cli"),
)


@dataclass
class Peak:
    pss: int = 0
    rss: int = 0
    by_kind: dict[str, int] | None = None


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in bytes; (0, 0) if it is gone."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
            elif line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, rss


def _kind(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    return next((kind for kind, marker in _KINDS if marker in command), "other")


def _config(root: Path, writer: str) -> Path:
    config = root / "minutier.toml"
    config.write_text(
        f'[service]\nhome_dir = "{root / "home"}"\nroot_dir = "{root}"\nport = {free_port()}\n'
        f'settle_s = 1\n[minutes]\nsummarizer = "{writer}"\n',
        encoding="utf-8",
    )
    (root / "clients.toml").write_text(
        '[clients.bench]\nname = "Bench"\nrecipients = ["bench@example.org"]\n', encoding="utf-8"
    )
    return config


def measure(writer: str, recording: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix=f"service-memory-{writer}-") as folder:
        root = Path(folder)
        config = _config(root, writer)
        log = root / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        with log.open("ab") as out:
            service = subprocess.Popen(
                [sys.executable, "-m", "cli", "--config", str(config), "serve"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        peak = Peak(by_kind={})
        try:
            started = time.monotonic()
            while READY not in log.read_text(errors="replace"):
                if service.poll() is not None or time.monotonic() - started > 600:
                    raise SystemExit(f"the service did not start: see {log}\n{log.read_text()[-2000:]}")
                time.sleep(0.5)
            ready_s = time.monotonic() - started
            staged = root / "staging" / recording.name
            staged.parent.mkdir()
            shutil.copy(recording, staged)
            dropped = time.monotonic()
            os.replace(staged, root / "inbox" / "bench" / recording.name)
            while not list((root / "outbox" / "bench").glob("*/*.json")):
                if service.poll() is not None or time.monotonic() - dropped > 3600:
                    raise SystemExit(f"no minutes: see {log}\n{log.read_text()[-2000:]}")
                pids = _tree(service.pid)
                totals = [_memory(p) for p in pids]
                peak.pss = max(peak.pss, sum(p for p, _ in totals))
                peak.rss = max(peak.rss, sum(r for _, r in totals))
                kinds: dict[str, int] = {}
                for pid, (pss, _) in zip(pids, totals, strict=True):
                    kinds[_kind(pid)] = kinds.get(_kind(pid), 0) + pss
                for kind, pss in kinds.items():
                    peak.by_kind[kind] = max(peak.by_kind.get(kind, 0), pss)  # type: ignore[index]
                time.sleep(0.5)
            return {
                "writer": writer,
                "ready_s": ready_s,
                "minutes_s": time.monotonic() - dropped,
                "peak_pss": peak.pss,
                "peak_rss": peak.rss,
                "by_kind": dict(peak.by_kind or {}),
            }
        finally:
            os.killpg(service.pid, signal.SIGTERM)
            try:
                service.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(service.pid, signal.SIGKILL)
                service.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recording", type=Path, default=SAMPLE, help="Dropped into the inbox (default: the sample).")
    parser.add_argument("--writers", default="offline,local", help="Comma-separated [minutes] summarizer values.")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, load average at start {os.getloadavg()[0]:.1f}; {args.recording.name}")
    gb = 1e9
    for writer in args.writers.split(","):
        r = measure(writer, args.recording)
        kinds = ", ".join(f"{k} {v / gb:.2f}" for k, v in sorted(r["by_kind"].items(), key=lambda kv: -kv[1]))  # type: ignore[attr-defined]
        print(
            f"{writer:8s} ready in {r['ready_s']:.0f} s; drop to minutes {r['minutes_s']:.0f} s; "
            f"peak PSS {r['peak_pss'] / gb:.2f} GB (RSS sum {r['peak_rss'] / gb:.2f} GB); "  # type: ignore[operator]
            f"peak PSS per kind, GB: {kinds}",
            flush=True,
        )


if __name__ == "__main__":
    main()
