"""Prefect's environment, derived from minutier's settings. Applied before Prefect is imported.

Prefect reads its settings from environment variables, so the service, its flow-run processes
and its task worker all inherit one consistent set: a project-local PREFECT_HOME, analytics off,
results persisted (so a re-run reuses finished stages), and minutier's own log records shipped
to the Prefect UI.
"""

from __future__ import annotations

import os

from service.settings import ServiceSettings


def local_api_url(service: ServiceSettings) -> str:
    return f"http://{service.host}:{service.port}/api"


def prefect_environment(service: ServiceSettings) -> dict[str, str]:
    prefect_home = service.home_dir / "prefect"
    return {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_API_URL": service.api_url or local_api_url(service),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_API_HOST": service.host,
        "PREFECT_SERVER_API_PORT": str(service.port),
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true",
        "PREFECT_LOCAL_STORAGE_PATH": str(prefect_home / "storage"),
        "PREFECT_LOGGING_EXTRA_LOGGERS": "pipeline",
        # The watcher and the service log outside flow runs too: those records stay local.
        "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
        "PREFECT_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        # Prefect has no API to delete logs: the server's vacuum removes those of deleted runs (retention).
        "PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED": "events,orphans",
        "PREFECT_SERVER_SERVICES_DB_VACUUM_ORPHAN_CLEANUP_LOOP_SECONDS": "3600",
        "PYANNOTE_METRICS_ENABLED": "0",
        "MINUTIER_HOME": str(service.home_dir),
    }


def apply_prefect_environment(service: ServiceSettings) -> dict[str, str]:
    """Set Prefect's variables in this process (inherited by every child) and return them.

    A value the operator already exported wins, except the telemetry switches, which stay off.
    """
    env = prefect_environment(service)
    forced = {"PREFECT_SERVER_ANALYTICS_ENABLED", "PYANNOTE_METRICS_ENABLED"}
    for key, value in env.items():
        if key in forced or key not in os.environ:
            os.environ[key] = value
    service.home_dir.mkdir(parents=True, exist_ok=True)
    return {key: os.environ[key] for key in env}
