"""The LLM summariser against a real OpenAI-compatible HTTP server on loopback, fallback included."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pipeline.config import MinutesSettings
from pipeline.summarize import MeetingMeta, build_minutes, make_summarizer
from pipeline.summarize.llm import LlmSummarizer
from tests.unit.meetings import FR_DATE, french_meeting

SECRET = "sk-test-0123456789-secret"

GOOD = {
    "summary": "Le comité a validé les maquettes et réduit le périmètre du module de rendez-vous.",
    "topics": [
        {"title": "Maquettes", "start": "00:00:01", "end": "00:00:57", "key_points": ["Maquettes terminées."]},
        {
            "title": "Budget",
            "start": "00:00:58",
            "end": "00:02:00",
            "key_points": ["Dépassement d'environ six mille euros."],
        },
    ],
    "decisions": [{"text": "Retirer les rappels par SMS de la première version.", "at": "00:01:38"}],
    "action_items": [
        {
            "text": "Simplifier le formulaire de contact.",
            "owner": "Julien Moreau",
            "due": "2025-03-14",
            "at": "00:00:34",
        },
        {"text": "Mettre à jour le tableau de suivi.", "owner": None, "due": None, "at": "00:01:51"},
    ],
    "open_questions": [{"text": "Budget de maintenance à définir.", "at": "00:01:56"}],
}


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "x",
        "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
    }


@dataclass
class FakeLlm:
    """Answers chat completions with `reply(request_body)` -> (status, body); records each request."""

    reply: Callable[[dict[str, Any]], tuple[int, Any]]
    requests: list[tuple[str, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def llm_server() -> Iterator[FakeLlm]:
    fake = FakeLlm(reply=lambda body: (200, _completion(json.dumps(GOOD))))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append((self.path, dict(self.headers), body))
            status, answer = fake.reply(body)
            data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield fake
    server.shutdown()
    server.server_close()


def _settings(url: str, **overrides: Any) -> MinutesSettings:
    values: dict[str, Any] = {
        "summarizer": "llm",
        "llm_base_url": url,
        "llm_model": "test-model",
        "llm_api_key": SECRET,
        "llm_timeout": 5.0,
    }
    return MinutesSettings(**(values | overrides))


def _minutes(settings: MinutesSettings):  # type: ignore[no-untyped-def]
    return build_minutes(french_meeting(), make_summarizer(settings), MeetingMeta(held_on=FR_DATE))


def test_llm_answer_becomes_the_minutes(llm_server: FakeLlm, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    m = _minutes(_settings(llm_server.url))
    assert m.provenance.summarizer == "llm" and m.provenance.fallback_reason is None
    assert m.provenance.models == ("test-model (LLM)",)
    assert m.summary == GOOD["summary"] and [t.title for t in m.topics] == ["Maquettes", "Budget"]
    first = m.action_items[0]
    assert (first.owner, first.due) == ("Julien Moreau", date(2025, 3, 14))
    assert 33.0 <= first.start <= 35.0  # snapped to the sentence said at 00:00:34
    assert m.decisions[0].speaker == "Claire Martin"
    path, headers, body = llm_server.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == f"Bearer {SECRET}"
    assert body["model"] == "test-model" and body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["required"][0] == "summary"
    assert "[00:00:34] Julien Moreau: D'accord, je vais simplifier" in body["messages"][1]["content"]
    assert SECRET not in caplog.text


def test_long_transcripts_are_chunked_and_merged(llm_server: FakeLlm) -> None:
    def reply(body: dict[str, Any]) -> tuple[int, Any]:
        if body["response_format"]["json_schema"]["name"] == "meeting_summary":
            return 200, _completion(json.dumps({"summary": "Résumé fusionné."}))
        return 200, _completion(json.dumps(GOOD))

    llm_server.reply = reply
    m = _minutes(_settings(llm_server.url, llm_chunk_chars=1500))
    digests = [r for r in llm_server.requests if r[2]["response_format"]["json_schema"]["name"] == "meeting_minutes"]
    assert len(digests) >= 3 and "part 1 of" in digests[0][2]["messages"][1]["content"]
    assert all(len(r[2]["messages"][1]["content"]) < 1500 + 200 for r in digests)
    assert m.summary == "Résumé fusionné." and len(m.topics) == 2 * len(digests)


@pytest.mark.parametrize(
    ("status", "answer", "reason"),
    [
        (200, _completion("Voici le compte rendu : {pas du JSON"), "not JSON"),
        (200, _completion(json.dumps({**GOOD, "decisions": [{"text": "x"}]})), "does not match the schema"),
        (
            200,
            _completion(json.dumps({**GOOD, "action_items": [{**GOOD["action_items"][0], "due": "vendredi"}]})),
            "YYYY-MM-DD",
        ),
        (200, _completion(json.dumps({**GOOD, "decisions": [{"text": "x", "at": "05:00:00"}]})), "after the end"),
        (200, {"error": "no choices"}, "not a chat completion"),
        (500, {"error": {"message": "model crashed"}}, "HTTP 500"),
        (401, {"error": {"message": "bad key"}}, "HTTP 401"),
    ],
)
def test_any_failure_falls_back_to_offline(
    llm_server: FakeLlm, caplog: pytest.LogCaptureFixture, status: int, answer: Any, reason: str
) -> None:
    llm_server.reply = lambda body: (status, answer)
    caplog.set_level(logging.INFO)
    m = _minutes(_settings(llm_server.url))
    assert m.provenance.summarizer == "offline"
    assert m.provenance.fallback_reason is not None and reason in m.provenance.fallback_reason
    assert any(a.text == "Simplifier le formulaire de contact." for a in m.action_items)  # offline result
    assert "falling back to the offline summariser" in caplog.text
    assert SECRET not in caplog.text and SECRET not in m.provenance.fallback_reason


def test_unreachable_server_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    m = _minutes(_settings(f"http://user:pw@127.0.0.1:{port}/v1", llm_timeout=2.0))
    assert m.provenance.summarizer == "offline"
    assert m.provenance.fallback_reason is not None and "ConnectError" in m.provenance.fallback_reason
    assert "pw@" not in m.provenance.fallback_reason and "pw@" not in caplog.text


def test_offline_is_the_default() -> None:
    assert not isinstance(make_summarizer(MinutesSettings()), LlmSummarizer)
    assert "sk-" not in repr(MinutesSettings(llm_api_key=SECRET))


def test_a_client_reading_english_has_the_llm_write_in_english(llm_server: FakeLlm) -> None:
    english = {**GOOD, "summary": "The committee approved the mock-ups and cut the scope of the booking module."}
    llm_server.reply = lambda body: (200, _completion(json.dumps(english)))
    writer = make_summarizer(_settings(llm_server.url))
    m = build_minutes(french_meeting(), writer, MeetingMeta(held_on=FR_DATE, write_in="en"))
    assert "Write in English." in llm_server.requests[0][2]["messages"][0]["content"]
    assert m.summary == english["summary"] and m.language == "fr" and m.provenance.written_in == "en"
