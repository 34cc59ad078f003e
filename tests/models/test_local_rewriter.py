"""The real local model (bundled Qwen2.5-Coder-1.5B GGUF, llama.cpp) rewriting sentences from shared meetings.

One server for the session (shared with test_local_minutes): the model loads once (about 2 GB,
10-20 s). The sources are small on purpose: each rewrite costs a minute or more on two CPU cores.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.summarize.local import LocalModelError, LocalRewriter, LocalServer, Rewrite, SourceSentence
from pipeline.transcripts.language import detect_language

# Enough for every rewrite here on a loaded two-core machine; a hang still fails.
TIMEOUT_S = 900.0

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import local_rewrite  # noqa: E402 (the benchmark's choice of sources: the same sentences it measures)


def fredsum_sources(eval_dir: Path, per_speaker: int = 2) -> tuple[SourceSentence, ...]:
    """The first sentences of the first three debaters of the first FREDSum debate that has three."""
    return local_rewrite.fredsum_sources(per_speaker, 3, eval_dir)[1]


def qmsum_sources(eval_dir: Path, count: int = 6) -> tuple[SourceSentence, ...]:
    """The first sentences of the first QMSum Product validation meeting, without its {vocalsound} marks."""
    return local_rewrite.qmsum_sources(count, eval_dir)[1]


@pytest.fixture(scope="module")
def server(local_server: LocalServer) -> LocalServer:
    """The session's local model server (tests/models/conftest.py): one model load for every minutes test."""
    return local_server


@pytest.fixture(scope="module")
def rewriter(server: LocalServer) -> LocalRewriter:
    return LocalRewriter(server, timeout=TIMEOUT_S)


def _assert_grounded(rewrite: Rewrite, sources: tuple[SourceSentence, ...]) -> None:
    ids = {s.id for s in sources}
    assert rewrite.sentences, "no sentence written"
    for sentence in rewrite.sentences:
        assert sentence.text.strip() and sentence.sources, sentence
        assert set(sentence.sources) <= ids, f"{sentence.sources} cites a sentence that was not given"


def test_a_french_debate_becomes_french_minutes_citing_their_sources(rewriter: LocalRewriter, eval_dir: Path) -> None:
    sources = fredsum_sources(eval_dir)
    assert len({s.speaker for s in sources}) == 3 and all(" " in s.speaker for s in sources)
    rewrite = rewriter.rewrite("fr", sources, "summary")
    _assert_grounded(rewrite, sources)
    text = " ".join(s.text for s in rewrite.sentences)
    # Function words of one language, counted over the whole text: a single word list misses valid French
    # ("Clémentine Autain soutient le chef de l'État pour affirmer…" has none of que/les/des/est).
    assert detect_language(text, default="?") == "fr", f"not French: {text}"
    assert any(s.speaker.split()[-1] in text for s in sources), f"no debater named: {text}"
    assert rewrite.model == "qwen2.5-coder-1.5b-instruct-q4_k_m" and rewrite.usage.completion_tokens > 0


def test_an_english_meeting_becomes_key_points_citing_their_sources(rewriter: LocalRewriter, eval_dir: Path) -> None:
    sources = qmsum_sources(eval_dir)
    rewrite = rewriter.rewrite("en", sources, "topic_points")
    _assert_grounded(rewrite, sources)
    assert len(rewrite.sentences) <= len(sources)
    text = " ".join(s.text for s in rewrite.sentences)
    assert detect_language(text, default="?") == "en", f"not English: {text}"


def _kill(server: LocalServer) -> None:
    pid = server.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(
    ("stop", "reason"),
    [(_kill, "killed by signal 9"), (LocalServer.stop, "request failed")],
    ids=["killed", "stopped"],
)
def test_a_server_gone_mid_request_is_the_named_error_then_comes_back(
    rewriter: LocalRewriter,
    server: LocalServer,
    eval_dir: Path,
    stop: Callable[[LocalServer], None],
    reason: str,
) -> None:
    sources = fredsum_sources(eval_dir, per_speaker=1)
    server.base_url  # noqa: B018 (running before the request, so the timer hits it mid-request)
    timer = threading.Timer(3.0, stop, (server,))
    timer.start()
    try:
        with pytest.raises(LocalModelError, match=reason):
            rewriter.rewrite("fr", sources)
    finally:
        timer.join()
    assert server.pid is None
    assert server.base_url.endswith("/v1") and server.pid is not None  # started again on next use
