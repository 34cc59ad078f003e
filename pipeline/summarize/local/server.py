"""The local model's server, started on first use in a child process and stopped with the caller.

``LocalServer`` resolves the GGUF (assembling the bundled one if needed), runs
``python -m pipeline.summarize.local.serve`` on 127.0.0.1 with a free port, waits until it
answers ``/health`` and exposes its OpenAI-compatible base URL. A context manager; ``stop()`` is
safe to call twice. If the child dies, the next ``base_url`` starts a new one.
"""

from __future__ import annotations

import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

import httpx

from pipeline.config import MinutesSettings, default_cache_dir
from pipeline.errors import PipelineError, SummarizerError
from pipeline.summarize.local.store import model_label, resolve_model

logger = logging.getLogger(__name__)

# The child's first line on stdout, followed by its URL, once the model is loaded and the port open.
READY_PREFIX = "LISTENING "
# Stopping waits for llama.cpp's threads; past this the child exits anyway (see serve.py).
STOP_GRACE_S = 5.0
START_TIMEOUT_S = 300.0
# llama.cpp's log levels: 1 errors, 2 warnings, 3 information (each request's timings), 4 debug.
LOG_WARNINGS = 2  # loading reads the whole GGUF: a bigger model on a slow disk takes minutes
_HEALTH_POLL_S = 0.2
_LOG_TAIL_CHARS = 800


class LocalModelError(SummarizerError):
    """The local model could not answer: missing or damaged model, its server failed to start or died,
    a request timed out or the answer was invalid. The caller falls back to another writer."""


class ModelServer(Protocol):
    """What the rewriter needs of a model server: where it answers, its model's name, why it died."""

    @property
    def base_url(self) -> str: ...

    @property
    def model_label(self) -> str: ...

    def failure(self) -> str | None: ...


class RunningServer:
    """A local model server someone else runs and supervises (the service's child process, or the user's own
    llama.cpp server): its URL, and its model's name (asked of the server when not given)."""

    def __init__(self, url: str, label: str | None = None) -> None:
        self.url = url.rstrip("/")
        self._label = label

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def model_label(self) -> str:
        if self._label is None:
            self._label = served_model_label(self.url) or "local model"
        return self._label

    def failure(self) -> None:
        return None


def served_model_label(url: str) -> str | None:
    """The name of the model a llama.cpp server at `url` serves (its file name without .gguf), None if it cannot say."""
    try:
        response = httpx.get(f"{url.rstrip('/')}/v1/models", timeout=5.0)
        response.raise_for_status()
        return model_label(Path(str(response.json()["data"][0]["id"])))
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
        return None


def answers(url: str, timeout: float = 5.0) -> bool:
    """Whether the local model server at `url` (``http://127.0.0.1:PORT``) has loaded its model and answers."""
    try:
        return httpx.get(f"{url.rstrip('/')}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def serve_command(path: Path, *, threads: int, ctx: int, port: int = 0, verbosity: int = LOG_WARNINGS) -> list[str]:
    """The command that serves the GGUF at `path` on 127.0.0.1:`port` (0: a free one), see ``serve.py``."""
    command = [sys.executable, "-m", "pipeline.summarize.local.serve", "--model", str(path)]
    command += ["--threads", str(threads), "--ctx", str(ctx), "--port", str(port), "--verbosity", str(verbosity)]
    return command


def machine_threads() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class LocalServer:
    """llama.cpp's OpenAI-compatible server for one GGUF model, in a child process on 127.0.0.1.

    Args:
        model: "bundled", a GGUF path, or a .gguf name in `cache_dir` (see ``resolve_model``).
        cache_dir: Where the bundled model is assembled.
        threads: CPU threads for prompt and generation (0: every core of the machine).
        ctx: Context length in tokens (prompt plus answer).
        start_timeout: Seconds to wait for the model to load.
        log_path: A file the server's log is appended to (llama.cpp's own lines); a temporary one if None.
        verbosity: llama.cpp's log level: 2 warnings, 3 also each request's timings.
    """

    def __init__(
        self,
        model: str = "bundled",
        *,
        cache_dir: Path | None = None,
        threads: int = 0,
        ctx: int = 8192,
        start_timeout: float = START_TIMEOUT_S,
        log_path: Path | None = None,
        verbosity: int = LOG_WARNINGS,
    ) -> None:
        self._log_path = log_path
        self._verbosity = verbosity
        self._model = model
        self._cache_dir = cache_dir or default_cache_dir()
        self._threads = threads or machine_threads()
        self._ctx = ctx
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._url: str | None = None
        self._label: str | None = None

    @classmethod
    def from_settings(cls, settings: MinutesSettings, cache_dir: Path | None = None) -> LocalServer:
        """The server ``[minutes] local_model``, ``local_threads`` and ``local_ctx`` describe."""
        return cls(settings.local_model, cache_dir=cache_dir, threads=settings.local_threads, ctx=settings.local_ctx)

    @property
    def model_label(self) -> str:
        """The model's name for provenance (its file name without .gguf); resolves the model, loads nothing."""
        if self._label is None:
            self._label = model_label(self._resolve())
        return self._label

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (``http://127.0.0.1:PORT/v1``), starting the server if it is not running."""
        with self._lock:
            if self._url is None or not self._running():
                self._start()
            assert self._url is not None
            return f"{self._url}/v1"

    @property
    def pid(self) -> int | None:
        """The server process's id while it runs."""
        return self._process.pid if self._running() and self._process else None

    def rss_bytes(self) -> int | None:
        """Resident memory of the server process (Linux), None when it is not running."""
        pid = self.pid
        if pid is None:
            return None
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    def failure(self) -> str | None:
        """Why the server is gone ("exited with code -9: <log tail>"), None while it runs or before it started."""
        if self._process is None or self._process.poll() is None:
            return None
        code = self._process.returncode
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        tail = self._log_tail()
        return f"the local model server {how}" + (f": {tail}" if tail else "")

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL after a grace period. Does nothing when it is not running."""
        with self._lock:
            process, self._process, self._url = self._process, None, None
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_GRACE_S + 5.0)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                logger.info("Local model server stopped")
            self._close_pipes(process)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _resolve(self) -> Path:
        try:
            return resolve_model(self._model, self._cache_dir)
        except PipelineError as e:
            raise LocalModelError(str(e)) from e

    def _running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _start(self) -> None:
        if self._process is not None:
            logger.warning("%s; starting it again", self.failure() or "the local model server is gone")
            self._close_pipes(self._process)
        path = self._resolve()
        self._label = model_label(path)
        command = serve_command(path, threads=self._threads, ctx=self._ctx, verbosity=self._verbosity)
        command.append("--watch-stdin")
        logger.info("Starting the local model %s (%d threads, context %d)", self._label, self._threads, self._ctx)
        started = time.monotonic()
        if self._log is not None:
            self._log.close()
        self._log = self._log_path.open("a+b") if self._log_path else tempfile.TemporaryFile()
        # stdin stays open and unused: the child exits when it closes, so it never outlives this process.
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        try:
            self._url = self._wait_ready(started + self._start_timeout)
        except LocalModelError:
            process, self._process = self._process, None
            if process.poll() is None:
                process.kill()
                process.wait()
            self._close_pipes(process)
            raise
        logger.info("Local model ready at %s after %.1f s", self._url, time.monotonic() - started)

    def _wait_ready(self, deadline: float) -> str:
        assert self._process is not None and self._process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while True:
                if self._process.poll() is not None:
                    raise LocalModelError(self.failure() or "the local model server exited")
                if time.monotonic() > deadline:
                    raise LocalModelError(f"the local model did not load within {self._start_timeout:.0f} s")
                if selector.select(timeout=0.5):
                    line = self._process.stdout.readline().decode("utf-8", "replace").strip()
                    if line.startswith(READY_PREFIX):
                        url = line.removeprefix(READY_PREFIX).rstrip("/")
                        break
        while time.monotonic() < deadline and self._running():
            if answers(url):
                return url
            time.sleep(_HEALTH_POLL_S)
        raise LocalModelError(self.failure() or f"the local model server at {url} never reported healthy")

    def _log_tail(self) -> str:
        if self._log is None:
            return ""
        try:
            self._log.seek(0, os.SEEK_END)
            self._log.seek(max(0, self._log.tell() - 4 * _LOG_TAIL_CHARS))
            text = self._log.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        joined = " | ".join(line.strip() for line in text.splitlines() if line.strip())
        return joined[-_LOG_TAIL_CHARS:]

    def _close_pipes(self, process: subprocess.Popen[bytes] | None) -> None:
        if process is not None:
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
