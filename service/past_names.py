"""The people a client's past meetings named, for Whisper to spell them right in the next one.

A client's outbox holds one folder per meeting with the minutes as JSON (:func:`pipeline.outputs.text.to_json`).
Its participants with a real name (a known voice, a name the client configured or the reviewer gave;
not "Speaker 2" or "Intervenant 1") are likely to speak again.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pipeline.speakers import is_raw_label, parse_speaker_label

logger = logging.getLogger(__name__)

# The newest meetings only: who met recently is who meets next, and reading stays bounded.
RECENT_MEETINGS = 20
MAX_NAMES = 30


def past_participants(
    client_outbox: Path, *, meetings: int = RECENT_MEETINGS, limit: int = MAX_NAMES
) -> tuple[str, ...]:
    """Participants' names from the client's newest minutes, most recent meeting first, each once.

    Args:
        client_outbox: The client's outbox folder (one sub-folder per meeting).
        meetings: How many of the newest meetings are read.
        limit: The most names returned.

    Returns:
        The names; () when the client has no minutes yet. A minutes file that cannot be read is skipped
        (logged): it must not stop a new recording.
    """
    if not client_outbox.is_dir():
        return ()
    files = [path for folder in client_outbox.iterdir() if folder.is_dir() for path in folder.glob("*.json")]
    newest = sorted(files, key=_modified, reverse=True)[:meetings]
    names: dict[str, None] = {}
    for path in newest:
        for name in _participants(path):
            if is_raw_label(name) or parse_speaker_label(name) is not None:
                continue
            names.setdefault(name, None)
    return tuple(names)[:limit]


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile (retention): read last, then skipped
        return 0.0


def _participants(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        people = data.get("participants", []) if isinstance(data, dict) else []
        return [p["name"].strip() for p in people if isinstance(p, dict) and isinstance(p.get("name"), str)]
    except (OSError, ValueError) as e:
        logger.debug("%s: not read for past participants (%s)", path, e)
        return []
