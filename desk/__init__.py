"""The secretaries' review desk: a small web application served by `minutier serve`.

Secretaries sign in, see the recordings of their clients waiting for review, listen, correct the
transcript and the minutes (each edit saved at once, kept as an audit trail beside the machine's
draft), preview the document and approve or reject. The store is :mod:`service.review`; the decision
resumes the paused Prefect run through :func:`flows.review.submit_decision`.
"""

from __future__ import annotations

from desk.app import create_app

__all__ = ["create_app"]
