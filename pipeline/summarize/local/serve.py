"""The local model's server process: llama.cpp's OpenAI-compatible server (xllamacpp) on 127.0.0.1.

Run as ``python -m pipeline.summarize.local.serve --model FILE.gguf``. It loads the model, prints
``LISTENING http://127.0.0.1:PORT`` on stdout once it answers, and serves until SIGTERM or SIGINT
(or, with ``--watch-stdin``, until its stdin closes: the parent that started it has gone).

It is a process of its own, not a thread of the caller, because llama.cpp's server cannot be
stopped from Python while a request is in flight (the destructor waits for it forever), and a
process can always be killed: its memory comes back whole and the caller sees a closed socket.
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import os
import signal
import sys
import threading
from typing import Any

from pipeline.summarize.local.server import LOG_WARNINGS, READY_PREFIX, STOP_GRACE_S

logger = logging.getLogger(__name__)


def _start(args: argparse.Namespace) -> Any:
    import xllamacpp  # local import: only this process loads llama.cpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.n_ctx = args.ctx
    params.n_parallel = 1  # one request at a time: the whole context for it, and no slot contention
    # No prompt is sent twice, so llama.cpp's RAM prompt cache (8 GiB by default) would only grow:
    # measured +60 MB per request in a long-lived server.
    params.cache_ram_mib = 0
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.hostnames = [args.host]
    params.port = args.port
    params.verbosity = args.verbosity
    return xllamacpp.Server(params)


def _wait_for_stop(watch_stdin: bool) -> None:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if watch_stdin:

        def drain() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            stop.set()

        threading.Thread(target=drain, name="stdin-watch", daemon=True).start()
    while not stop.wait(1.0):  # a timed wait lets the signal handlers run
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.summarize.local.serve", description=__doc__)
    parser.add_argument("--model", required=True, help="GGUF file")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--ctx", type=int, default=8192, help="context length in tokens")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--verbosity", type=int, default=LOG_WARNINGS)
    parser.add_argument("--watch-stdin", action="store_true", help="exit when stdin closes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)

    server = _start(args)
    print(f"{READY_PREFIX}{server.listening_address}", flush=True)
    logger.info("Serving %s at %s with %d threads", args.model, server.listening_address, args.threads)
    _wait_for_stop(args.watch_stdin)
    logger.info("Stopping the local model server (at most %.0f s: a request in flight is abandoned)", STOP_GRACE_S)
    # llama.cpp's destructor holds the GIL while it waits for a request in flight, so no Python
    # thread could end the wait: faulthandler's C watchdog exits the process (status 1) instead.
    with open(os.devnull, "w") as quiet:
        faulthandler.dump_traceback_later(STOP_GRACE_S, exit=True, file=quiet)
        del server
        faulthandler.cancel_dump_traceback_later()
    return 0


if __name__ == "__main__":
    sys.exit(main())
