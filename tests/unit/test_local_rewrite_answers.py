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
            {"sources": [7], "text": "Gabriel Attal rappelle  que le gouvernement a bloqué les prix."},
            {"sources": [9, 11, 9], "text": "Clémentine Autain propose de taxer les superprofits."},
        ]
    }
    rewrite = _rewriter(answer, seen).rewrite("fr", (*SOURCES, SourceSentence(11, "Clémentine Autain", "Oui.")))
    assert rewrite.sentences[1:] == (
        RewrittenSentence("Gabriel Attal rappelle que le gouvernement a bloqué les prix.", (7,)),
        RewrittenSentence("Clémentine Autain propose de taxer les superprofits.", (9, 11)),
    )
    assert rewrite.model == "test-model" and rewrite.task == "summary" and rewrite.language == "fr"
    assert (rewrite.usage.prompt_tokens, rewrite.usage.completion_tokens) == (321, 45)
    assert rewrite.usage.completion_per_second == 6.2
    (body,) = seen
    assert body["temperature"] == 0 and body["max_tokens"] == max_tokens("summary", 4)
    variants = body["response_format"]["json_schema"]["schema"]["properties"]["sentences"]["items"]["anyOf"]
    assert [v["properties"]["sources"]["items"] for v in variants] == [{"enum": [4]}, {"enum": [7]}, {"enum": [9, 11]}]
    prompt = body["messages"][1]["content"]
    assert "Gabriel Attal:\n[7] Nous avons bloqué les prix" in prompt and "Déclarations :" in prompt
    assert "Clémentine Autain:\n[9] Il faut taxer les superprofits des groupes pétroliers.\n[11] Oui." in prompt
    assert "Tu rédiges le compte rendu, en français" in body["messages"][0]["content"]


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("Voici le résumé : Jordan Bardella…", "not JSON"),
        ({"sentences": [{"sources": [5], "text": "Une source inventée."}] * 3}, "does not match the schema"),
        ({"sentences": [{"sources": [], "text": "Sans source."}] * 3}, "does not match the schema"),
        ({"sentences": [{"sources": [4], "text": "Jordan Bardella estime."}]}, "does not match the schema"),
        # A point lent to someone who did not make it.
        (
            {"sentences": [{"sources": [9], "text": "Jordan Bardella propose de taxer les superprofits."}] * 3},
            "does not match the schema",
        ),
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
    sources = tuple(SourceSentence(i, "M. Dupont-Durand (CFO)", f"Point {i}.") for i in range(1, 5))
    schema = answer_schema("topic_points", sources)
    bounds = schema["properties"]["sentences"]
    assert (bounds["minItems"], bounds["maxItems"]) == (1, 4)
    jsonschema.validate({"sentences": [{"sources": [2], "text": "M. Dupont-Durand (CFO) annonce un point."}]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"sentences": [{"sources": [2], "text": "M Dupont-Durand (CFO) annonce."}]}, schema)
    assert max_tokens("topic_points", 4) > max_tokens("topic_points", 2)


def test_a_language_without_its_own_wording_is_asked_in_english() -> None:
    system, _ = messages("summary", "de", SOURCES)
    assert "the minutes, in German" in system["content"]


def test_the_english_prompt() -> None:
    system, user = messages("summary", "en", SOURCES)
    assert "the minutes, in English" in system["content"] and "Marie Dupont proposes" in system["content"]
    assert "of 3 sentences" in user["content"] and user["content"].count("\n[") == 3
