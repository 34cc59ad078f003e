"""What the rewriter asks the local model and what it accepts back, against a stand-in server."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jsonschema
import pytest

from pipeline.errors import SummarizerError
from pipeline.summarize.local import (
    LocalModelError,
    LocalRewriter,
    RewrittenSentence,
    RunningServer,
    SourceSentence,
)
from pipeline.summarize.local.prompts import answer_schema, max_tokens, messages

SOURCES = (
    SourceSentence(4, "Jordan Bardella", "Bon, euh, je pense que les prix de l'énergie pèsent sur les ménages."),
    SourceSentence(7, "Gabriel Attal", "Nous avons bloqué les prix du gaz et de l'électricité."),
    SourceSentence(9, "Clémentine Autain", "Il faut taxer les superprofits des groupes pétroliers."),
)
SERVER = RunningServer("http://127.0.0.1:9", "test-model")


def _rewriter(answer: Any, seen: list[dict[str, Any]] | None = None) -> LocalRewriter:
    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(json.loads(request.content))
        content = answer if isinstance(answer, str) else json.dumps(answer)
        body = {
            "choices": [{"message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 321, "completion_tokens": 45},
            "timings": {"prompt_per_second": 30.5, "predicted_per_second": 6.2},
        }
        return httpx.Response(200, json=body)

    return LocalRewriter(SERVER, timeout=5, transport=httpx.MockTransport(handle))


def test_a_valid_answer_becomes_typed_sentences_with_their_sources() -> None:
    seen: list[dict[str, Any]] = []
    answer = {
        "sentences": [
            {"sources": [4], "text": "Jordan Bardella estime que les prix de l'énergie pèsent sur les ménages."},
            {"sources": [7, 9, 7], "text": "Gabriel  Attal rappelle le blocage des prix ; Clémentine Autain répond."},
            {"sources": [9], "text": "Clémentine Autain propose de taxer les superprofits."},
        ]
    }
    rewrite = _rewriter(answer, seen).rewrite("fr", SOURCES)
    assert rewrite.sentences[1] == RewrittenSentence(
        "Gabriel Attal rappelle le blocage des prix ; Clémentine Autain répond.", (7, 9)
    )
    assert rewrite.model == "test-model" and rewrite.task == "summary" and rewrite.language == "fr"
    assert (rewrite.usage.prompt_tokens, rewrite.usage.completion_tokens) == (321, 45)
    assert rewrite.usage.completion_per_second == 6.2
    (body,) = seen
    assert body["temperature"] == 0 and body["max_tokens"] == max_tokens("summary", 3)
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["sentences"]["items"]["properties"]["sources"]["items"] == {"enum": [4, 7, 9]}
    prompt = body["messages"][1]["content"]
    assert "[7] Gabriel Attal: Nous avons bloqué les prix" in prompt and "French" in body["messages"][0]["content"]


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("Voici le résumé : Jordan Bardella…", "not JSON"),
        ({"sentences": [{"sources": [5], "text": "Une source inventée."}] * 3}, "does not match the schema"),
        ({"sentences": [{"sources": [], "text": "Sans source."}] * 3}, "does not match the schema"),
        ({"sentences": [{"sources": [4], "text": "Trop court."}]}, "does not match the schema"),
    ],
)
def test_an_invalid_answer_is_a_named_error(answer: Any, why: str) -> None:
    with pytest.raises(LocalModelError, match=why) as info:
        _rewriter(answer).rewrite("fr", SOURCES)
    assert isinstance(info.value, SummarizerError) and "test-model" in str(info.value)


def test_a_timeout_is_a_named_error() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    rewriter = LocalRewriter(SERVER, timeout=5, transport=httpx.MockTransport(slow))
    with pytest.raises(LocalModelError, match="ReadTimeout"):
        rewriter.rewrite("en", SOURCES)


def test_the_callers_mistakes_are_value_errors() -> None:
    rewriter = _rewriter({"sentences": []})
    with pytest.raises(ValueError):
        rewriter.rewrite("fr", ())
    with pytest.raises(ValueError):
        rewriter.rewrite("fr", (SOURCES[0], SOURCES[0]))
    with pytest.raises(ValueError):
        rewriter.rewrite("fr", SOURCES, "poem")  # type: ignore[arg-type]


def test_topic_points_allow_one_sentence_per_source() -> None:
    schema = answer_schema("topic_points", (1, 2, 3, 4))
    bounds = schema["properties"]["sentences"]
    assert (bounds["minItems"], bounds["maxItems"]) == (1, 4)
    jsonschema.validate({"sentences": [{"sources": [2], "text": "Un point."}]}, schema)
    assert max_tokens("topic_points", 4) > max_tokens("topic_points", 2)


def test_the_prompt_is_in_english_and_asks_for_the_meetings_language() -> None:
    system, user = messages("summary", "en", SOURCES)
    assert "written in English" in system["content"] and "Marie Dupont proposes" in system["content"]
    assert "of 3 sentences" in user["content"] and user["content"].count("\n[") == 3
