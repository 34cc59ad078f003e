"""Test-only: installs the fake models in child processes when MINUTIER_FAKE_MODELS is set."""

from __future__ import annotations

import os

if os.environ.get("MINUTIER_FAKE_MODELS"):
    from tests.flows.fakes import install_from_environment

    install_from_environment()
