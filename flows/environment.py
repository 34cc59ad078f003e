"""Prefect's environment, derived from minutier's settings. Applied before Prefect is imported.

Prefect reads its settings from environment variables, so the service, its flow-run processes
and its task worker all inherit one consistent set: a project-local PREFECT_HOME, analytics off,
results persisted (so a re-run reuses finished stages), and minutier's own log records shipped
to the Prefect UI. `minutier serve` adds its logging configuration (:func:`apply_service_logging`):
minutier's records shown on the console at INFO, and kept with tracebacks in ``<home>/logs/minutier.log``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import yaml

from service.layout import Home
from service.settings import ServiceSettings

# minutier's loggers: shown at Prefect's log level (INFO unless PREFECT_LOGGING_LEVEL says otherwise).
SERVICE_LOGGERS = ("flows", "service", "pipeline")
# Prefect's loggers of flow and task runs: their failures, with tracebacks, go to the log file too.
RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")
_FILE_HANDLER = "minutier_file"


def local_api_url(service: ServiceSettings) -> str:
    return f"http://{service.host}:{service.port}/api"


def log_file(service: ServiceSettings) -> Path:
    """Every process's minutier and run records, tracebacks included: ``<home>/logs/minutier.log``."""
    return Home(service.home_dir).logs / "minutier.log"


def logging_config_path(service: ServiceSettings) -> Path:
    return Home(service.home_dir).prefect / "minutier-logging.yml"


def prefect_environment(service: ServiceSettings) -> dict[str, str]:
    prefect_home = Home(service.home_dir).prefect
    return {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_API_URL": service.api_url or local_api_url(service),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_API_HOST": service.host,
        "PREFECT_SERVER_API_PORT": str(service.port),
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true",
        "PREFECT_LOCAL_STORAGE_PATH": str(prefect_home / "storage"),
        "PREFECT_LOGGING_EXTRA_LOGGERS": ",".join(SERVICE_LOGGERS),
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


def apply_service_logging(service: ServiceSettings) -> Path | None:
    """Point Prefect at :func:`logging_config` (written now) in this process and every child it starts.

    For `minutier serve` only, before Prefect is imported: its flow runs and model worker log to
    the service's console and log file. A PREFECT_LOGGING_CONFIG_PATH the operator exported wins.
    Returns the configuration file in use (None: Prefect is not installed, its defaults apply).
    """
    if "PREFECT_LOGGING_CONFIG_PATH" in os.environ:
        return Path(os.environ["PREFECT_LOGGING_CONFIG_PATH"])
    path = write_logging_config(service)
    if path is not None:
        os.environ["PREFECT_LOGGING_CONFIG_PATH"] = str(path)
    return path


def write_logging_config(service: ServiceSettings) -> Path | None:
    """Write :func:`logging_config` as YAML (rewritten at each start); None without Prefect installed."""
    config = logging_config(service)
    if config is None:
        return None
    path = logging_config_path(service)
    path.parent.mkdir(parents=True, exist_ok=True)
    log_file(service).parent.mkdir(parents=True, exist_ok=True)
    header = "# Written by minutier at each start. To change it, point PREFECT_LOGGING_CONFIG_PATH to your own file.\n"
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    staging.write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    os.replace(staging, path)  # a process starting meanwhile reads the old file or the new one, never half
    return path


def logging_config(service: ServiceSettings) -> dict[str, Any] | None:
    """Prefect's default logging configuration, changed for the service; None without Prefect installed.

    Derived from the installed Prefect's own file (read, not imported: Prefect must not be imported
    before its environment is set), so it follows Prefect's upgrades. The changes:

    - minutier's loggers log at Prefect's level (INFO): a flow run's progress and outcome show on
      the console and in the run's logs in the UI (a new logger's level would be the root's WARNING);
    - the console prints a named failure without its traceback (:mod:`flows.console`);
    - minutier's records and the runs' records, tracebacks included, go to :func:`log_file` too.

    Prefect substitutes ``$NAME`` in the file with its settings, so a ``$`` of ours is doubled.
    """
    default = _prefect_default_logging_config()
    if default is None:
        return None
    config: dict[str, Any] = yaml.safe_load(default.read_text(encoding="utf-8"))
    target = log_file(service)
    console = config["handlers"]["console"]
    console["class"] = "flows.console.ServiceConsoleHandler"
    console["hint"] = _escape(f"traceback in the run's logs in the Prefect UI and in {target}")
    config["handlers"][_FILE_HANDLER] = {
        "class": "logging.FileHandler",
        "level": 0,
        "formatter": "standard",
        "filename": _escape(str(target)),
        "encoding": "utf-8",
        "delay": True,
    }
    loggers = config["loggers"]
    for name in SERVICE_LOGGERS:
        loggers[name] = {"level": "${PREFECT_LOGGING_LEVEL}", "handlers": [_FILE_HANDLER]}
    for name in RUN_LOGGERS:
        loggers.setdefault(name, {}).setdefault("handlers", []).append(_FILE_HANDLER)
    return config


def _prefect_default_logging_config() -> Path | None:
    spec = importlib.util.find_spec("prefect")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "logging" / "logging.yml"
    return path if path.is_file() else None


def _escape(value: str) -> str:
    return value.replace("$", "$$")
