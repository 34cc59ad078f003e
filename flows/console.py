"""The service's console: one line, not a traceback, for a recording that fails with a named error.

Prefect's engine logs a failed run's exception with its traceback several times (the task's
failure, the flow's, the engine's exit), and the flow-run processes of `minutier serve` write to its
console: one corrupt file dropped in an inbox printed over a hundred lines. A :class:`PipelineError`
(bad audio, a refused email, a rejected review) already says what went wrong in one line, so the
console shows that line only. The full record, traceback included, still goes to the run's logs in
the Prefect UI and to ``<home>/logs/minutier.log`` (:mod:`flows.environment` configures both). An
unexpected exception is a bug and keeps its traceback everywhere.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from prefect.logging.handlers import PrefectConsoleHandler

from pipeline.errors import PipelineError


def is_named_failure(record: logging.LogRecord) -> bool:
    """Whether `record` carries a :class:`PipelineError`, whose message is its readable reason."""
    error = record.exc_info[1] if record.exc_info else None
    return isinstance(error, PipelineError)


def without_traceback(record: logging.LogRecord, hint: str = "") -> logging.LogRecord:
    """A copy of `record` without its traceback, `hint` appended to its message.

    A copy, because the same record goes on to the other handlers (the Prefect API, the log file),
    which keep the traceback.
    """
    short = copy.copy(record)
    short.exc_info, short.exc_text, short.stack_info = None, None, None
    if hint:
        short.msg, short.args = f"{record.getMessage()} ({hint})", None
    return short


class ServiceConsoleHandler(PrefectConsoleHandler):
    """Prefect's console handler, printing a named failure as one line (see the module's docstring).

    Args:
        hint: Appended to a shortened line: where the traceback can be read.
        **kwargs: Prefect's console handler's own settings (stream, styles, level).
    """

    def __init__(self, hint: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hint = hint

    def format(self, record: logging.LogRecord) -> str:
        return super().format(without_traceback(record, self.hint) if is_named_failure(record) else record)
