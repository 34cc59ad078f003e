"""Minutes prose from chosen sentences, written by the local model: the "rewrite" of extract-then-rewrite.

The deterministic writer picks and numbers the sentences that matter; ``LocalRewriter.rewrite``
asks the local model to turn them into minutes in the meeting's language, every sentence citing
the numbers it rests on. The request goes through the OpenAI-compatible client of
``pipeline.summarize.llm`` (schema-constrained answer, temperature 0, bounded length, timeout).
Any failure raises ``LocalModelError`` (a ``SummarizerError``) so the caller keeps its own text.
What the model writes still has to pass the caller's faithfulness checks before it is kept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from pipeline.config import MinutesSettings
from pipeline.errors import SummarizerError
from pipeline.summarize.llm import complete_json
from pipeline.summarize.llm_schema import response_format
from pipeline.summarize.local.prompts import TASKS, SourceSentence, Task, answer_schema, max_tokens, messages
from pipeline.summarize.local.server import LocalModelError, LocalServer, ModelServer, RunningServer

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 300.0


@dataclass(frozen=True, slots=True)
class RewrittenSentence:
    """One sentence of the minutes and the numbers of the source sentences it rests on (at least one)."""

    text: str
    sources: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RewriteUsage:
    """What one rewrite cost: tokens read and written, llama.cpp's speeds (tokens/s), wall-clock seconds."""

    prompt_tokens: int
    completion_tokens: int
    prompt_per_second: float | None
    completion_per_second: float | None
    seconds: float


@dataclass(frozen=True, slots=True)
class Rewrite:
    """The local model's rewrite of a set of source sentences."""

    task: Task
    language: str
    sentences: tuple[RewrittenSentence, ...]
    model: str
    usage: RewriteUsage


class LocalRewriter:
    """Rewrites chosen sentences into minutes prose with the local model.

    Args:
        server: The model's server: a ``LocalServer`` (started on the first rewrite, one model load per
            process) or a ``RunningServer`` someone else supervises.
        timeout: Seconds one request may take before it is abandoned.
        transport: An httpx transport, for tests; the network one otherwise.
    """

    def __init__(
        self,
        server: ModelServer,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._server = server
        self._timeout = timeout
        self._transport = transport

    @classmethod
    def from_settings(cls, settings: MinutesSettings, server: ModelServer | None = None) -> LocalRewriter:
        """A rewriter over `server`, else over the running server at ``local_url``, else over a server of
        its own that ``[minutes] local_*`` describe."""
        if server is None:
            server = RunningServer(settings.local_url) if settings.local_url else LocalServer.from_settings(settings)
        return cls(server, timeout=settings.local_timeout)

    @property
    def server(self) -> ModelServer:
        return self._server

    def rewrite(self, language: str, sources: Sequence[SourceSentence], task: Task = "summary") -> Rewrite:
        """Rewrite `sources` for `task` ("summary": one paragraph; "topic_points": one point per idea).

        Args:
            language: The language to write in ("fr", "en", ...): the meeting's.
            sources: The chosen sentences, with unique ids.
            task: What to write.

        Raises:
            ValueError: no sources, duplicate ids or an unknown task (the caller's bug).
            LocalModelError: the model is missing, its server failed or died, the request timed out,
                or the answer is not valid JSON citing the given ids.
        """
        given = tuple(sources)
        ids = tuple(s.id for s in given)
        if not given or len(set(ids)) != len(ids) or task not in TASKS:
            raise ValueError(f"rewrite needs sources with unique ids and a task in {TASKS} (got {task!r})")
        schema = answer_schema(task, given)
        body = {
            "model": "local",
            "messages": messages(task, language, given),
            "temperature": 0,
            "max_tokens": max_tokens(task, len(given)),
            "response_format": response_format(f"minutes_{task}", schema),
        }
        base_url = self._server.base_url  # starts the server (or a new one after a crash) outside the timing
        started = time.monotonic()
        try:
            with httpx.Client(base_url=base_url + "/", timeout=self._timeout, transport=self._transport) as client:
                answer, response = complete_json(client, body, schema)
        except SummarizerError as e:
            died = self._server.failure()
            raise LocalModelError(f"local model {self._server.model_label}: {died or e}") from e
        seconds = time.monotonic() - started
        sentences = _sentences(answer, set(ids))
        result = Rewrite(task, language, sentences, self._server.model_label, _usage(response, seconds))
        logger.info(
            "Local model rewrote %d sentence(s) into %d for %s in %.1f s (%d prompt + %d generated tokens)",
            len(given),
            len(result.sentences),
            task,
            seconds,
            result.usage.prompt_tokens,
            result.usage.completion_tokens,
        )
        return result


def _sentences(answer: dict[str, Any], ids: set[int]) -> tuple[RewrittenSentence, ...]:
    """The answer's sentences, their sources deduplicated in order; the schema already limited them to `ids`."""
    kept = []
    for item in answer["sentences"]:
        text = " ".join(item["text"].split())
        sources = tuple(dict.fromkeys(int(i) for i in item["sources"] if i in ids))
        if not text or not sources:
            raise LocalModelError("the local model wrote a sentence without text or without a valid source")
        kept.append(RewrittenSentence(text, sources))
    return tuple(kept)


def _usage(response: dict[str, Any], seconds: float) -> RewriteUsage:
    usage = response.get("usage") or {}
    timings = response.get("timings") or {}
    return RewriteUsage(
        prompt_tokens=int(usage.get("prompt_tokens", 0)),
        completion_tokens=int(usage.get("completion_tokens", 0)),
        prompt_per_second=timings.get("prompt_per_second"),
        completion_per_second=timings.get("predicted_per_second"),
        seconds=seconds,
    )
