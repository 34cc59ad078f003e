"""The local model: llama.cpp with a GGUF model in a child process on 127.0.0.1, no server for the user to install.

Nothing here loads a model at import: the GGUF is resolved (and the bundled one assembled) and
the server started on the first rewrite.
"""

from __future__ import annotations

from pipeline.summarize.local.prompts import TASKS, SourceSentence, Task
from pipeline.summarize.local.rewriter import LocalRewriter, Rewrite, RewriteUsage, RewrittenSentence
from pipeline.summarize.local.server import LocalModelError, LocalServer, ModelServer, RunningServer
from pipeline.summarize.local.store import BUNDLED, ModelChecksumError, bundled_model, resolve_model

__all__ = [
    "BUNDLED",
    "TASKS",
    "LocalModelError",
    "LocalRewriter",
    "LocalServer",
    "ModelChecksumError",
    "ModelServer",
    "Rewrite",
    "RewriteUsage",
    "RewrittenSentence",
    "RunningServer",
    "SourceSentence",
    "Task",
    "bundled_model",
    "resolve_model",
]
