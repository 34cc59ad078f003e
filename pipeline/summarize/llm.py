"""The optional LLM summariser, over the OpenAI-compatible chat completions API.

Works with Ollama, vLLM, llama.cpp's server and hosted services. Long transcripts are cut into
chunks of whole lines; each chunk's answer is constrained to a JSON schema (``response_format``)
and validated; several chunks are merged, their summaries joined by one more call. Any failure
(network, HTTP status, malformed or invalid answer) falls back to the offline summariser, and the
reason is logged and kept in the minutes' provenance. The API key is sent, never logged.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import Any

import httpx

from pipeline.config import MinutesSettings
from pipeline.errors import SummarizerError
from pipeline.summarize.humanize import format_timestamp
from pipeline.summarize.llm_schema import (
    DIGEST_SCHEMA,
    SUMMARY_SCHEMA,
    digest_messages,
    parse_answer,
    reduce_messages,
    response_format,
)
from pipeline.summarize.model import ActionItem, Digest, Provenance, Statement, Summarizer, SummaryContext, Topic
from pipeline.summarize.offline import OfflineSummarizer
from pipeline.summarize.sentences import Sentence, split_sentences
from pipeline.types import SpeakerTranscript

logger = logging.getLogger(__name__)

LLM = "llm"


def _seconds(stamp: str) -> float:
    hours, minutes, secs = (int(x) for x in stamp.split(":"))
    return float(hours * 3600 + minutes * 60 + secs)


def _public_url(url: str) -> str:
    """The base URL without any user:password part, safe to log."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(userinfo=b"")) if parsed.userinfo else url


def transcript_lines(transcript: SpeakerTranscript) -> list[str]:
    """One '[HH:MM:SS] Speaker: text' line per sentence."""
    return [f"[{format_timestamp(s.start)}] {s.speaker or '?'}: {s.text}" for s in split_sentences(transcript)]


def chunk_lines(lines: list[str], max_chars: int) -> list[str]:
    """Group whole lines into chunks of at most `max_chars` (a longer single line is its own chunk)."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if chunks[-1] and size + len(line) + 1 > max_chars:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return ["\n".join(c) for c in chunks if c]


class LlmSummarizer:
    """Minutes written by an LLM behind an OpenAI-compatible API, with an offline fallback.

    Args:
        settings: Base URL, model, API key, timeout and chunk size.
        fallback: Used when the LLM fails; the offline summariser by default.
        transport: An httpx transport, for tests or proxies; the default network one otherwise.
    """

    def __init__(
        self,
        settings: MinutesSettings,
        fallback: Summarizer | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._settings = settings
        self._fallback = fallback or OfflineSummarizer()
        self._transport = transport

    @property
    def model_label(self) -> str:
        """How the model is named in the minutes' provenance ("llama3.1:8b (LLM)")."""
        return f"{self._settings.llm_model} (LLM)"

    def summarize(self, transcript: SpeakerTranscript, context: SummaryContext) -> Digest:
        """Summarise with the LLM, or with the fallback if the LLM fails.

        Args:
            transcript: The named, speaker-attributed transcript.
            context: Language, meeting date and participants.

        Returns:
            The LLM's digest, or the fallback's with ``provenance.fallback_reason`` set.
        """
        try:
            return self._summarize(transcript, context)
        except SummarizerError as e:
            reason = f"LLM {self._settings.llm_model} at {_public_url(self._settings.llm_base_url)}: {e}"
            logger.warning("%s; falling back to the offline summariser", reason)
            digest = self._fallback.summarize(transcript, context)
            return replace(digest, provenance=replace(digest.provenance, fallback_reason=reason))

    def _summarize(self, transcript: SpeakerTranscript, context: SummaryContext) -> Digest:
        chunks = chunk_lines(transcript_lines(transcript), self._settings.llm_chunk_chars)
        if not chunks:
            raise SummarizerError("the transcript is empty")
        logger.info(
            "Summarising with %s at %s in %d chunk(s)",
            self._settings.llm_model,
            _public_url(self._settings.llm_base_url),
            len(chunks),
        )
        sentences = split_sentences(transcript)
        answers = []
        with self._client() as client:
            for number, chunk in enumerate(chunks, start=1):
                messages = digest_messages(
                    chunk, context.written_language, context.held_on, context.participants, number, len(chunks)
                )
                answers.append(self._ask(client, messages, "meeting_minutes", DIGEST_SCHEMA))
            summary = answers[0]["summary"]
            if len(answers) > 1:
                merged = self._ask(
                    client,
                    reduce_messages([a["summary"] for a in answers], context.written_language),
                    "meeting_summary",
                    SUMMARY_SCHEMA,
                )
                summary = merged["summary"]
        digest = _to_digest(summary, answers, sentences, transcript.duration, self.model_label)
        return replace(digest, provenance=replace(digest.provenance, written_in=context.write_in))

    def _client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self._settings.llm_api_key}"} if self._settings.llm_api_key else {}
        return httpx.Client(
            base_url=self._settings.llm_base_url.rstrip("/") + "/",
            headers=headers,
            timeout=self._settings.llm_timeout,
            transport=self._transport,
        )

    def _ask(
        self, client: httpx.Client, messages: list[dict[str, str]], name: str, schema: dict[str, Any]
    ) -> dict[str, Any]:
        body = {
            "model": self._settings.llm_model,
            "messages": messages,
            "temperature": 0,
            "response_format": response_format(name, schema),
        }
        return complete_json(client, body, schema)[0]


def complete_json(
    client: httpx.Client, body: dict[str, Any], schema: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """POST one chat completion whose answer must match `schema`: (the checked answer, the whole response).

    Raises:
        SummarizerError: the request failed (network, timeout, HTTP status) or the answer is not valid.
    """
    try:
        response = client.post("chat/completions", json=body)
    except httpx.HTTPError as e:
        raise SummarizerError(f"request failed ({type(e).__name__}: {e})") from e
    if response.status_code >= 400:
        raise SummarizerError(f"HTTP {response.status_code} {response.reason_phrase}")
    try:
        whole = response.json()
        content = whole["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as e:
        raise SummarizerError(f"not a chat completion response ({type(e).__name__})") from e
    return parse_answer(content, schema), whole


def _locate(stamp: str, sentences: tuple[Sentence, ...], duration: float) -> tuple[float, float, str | None]:
    """The sentence a timestamp points at: (start, end, speaker)."""
    at = _seconds(stamp)
    if at > duration + 1.0:
        raise SummarizerError(f"timestamp {stamp} is after the end of the meeting")
    best = None
    for sentence in sentences:
        if sentence.start <= at + 1.0:
            best = sentence
    if best is None:
        return at, at, None
    return best.start, best.end, best.speaker


def _due(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise SummarizerError(f"due date {text!r} is not YYYY-MM-DD") from e


def _to_digest(
    summary: str, answers: list[dict[str, Any]], sentences: tuple[Sentence, ...], duration: float, model: str
) -> Digest:
    topics, decisions, actions, questions = [], [], [], []
    for answer in answers:
        for topic in answer["topics"]:
            start, end = _seconds(topic["start"]), _seconds(topic["end"])
            if end < start or start > duration + 1.0:
                raise SummarizerError(f"topic {topic['title']!r} has an impossible time range")
            points = tuple(Statement(p, start, end) for p in topic["key_points"])
            topics.append(Topic(topic["title"], start, min(end, duration), points))
        for item in answer["decisions"]:
            decisions.append(Statement(item["text"], *_locate(item["at"], sentences, duration)))
        for item in answer["open_questions"]:
            questions.append(Statement(item["text"], *_locate(item["at"], sentences, duration)))
        for item in answer["action_items"]:
            start, end, speaker = _locate(item["at"], sentences, duration)
            actions.append(
                ActionItem(item["text"], item["owner"] or None, _due(item["due"]), item["due"], start, end, speaker)
            )
    return Digest(
        summary=summary,
        topics=tuple(topics),
        decisions=tuple(decisions),
        action_items=tuple(actions),
        open_questions=tuple(questions),
        provenance=Provenance(summarizer=LLM, models=(model,)),
    )
