"""A meeting's title, date and start time from what comes with its recording.

In order of trust: a sidecar next to the recording (``<name>.json`` or ``<name>.toml`` with
``title``, ``date``, ``time``), the file's name (``2026-11-20 Comité de pilotage.m4a``,
``Réunion Durand 20 nov.wav``, Zoom's ``GMT20261120-100512_Recording.m4a``, Teams'
``Point hebdo-20261120_100512-Meeting Recording.mp4``), then the container's creation time.
A time is kept only from the source that gave the date, or one that agrees with it.

Nothing is guessed from the day the file arrived: a file's modification time is often the time
it was copied, so it only anchors a partial date of its name ("20 nov" -> which year); a meeting
with no date from any of these sources has none in its minutes rather than a wrong one.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ConfigError
from pipeline.locale import SUPPORTED, locales, normalise_language

logger = logging.getLogger(__name__)

SIDECAR_SUFFIXES = (".json", ".toml")
_SIDECAR_KEYS = frozenset({"title", "date", "time"})
_MAX_SIDECAR_BYTES = 64 * 1024
_YEARS = (1990, 2100)

_COPY_SUFFIX = re.compile(r"(?:\s*\(\d+\)|\s*-\s*(?:copie|copy)(?:\s*\(\d+\))?|\s+copy)$", re.IGNORECASE)
_ZOOM_CLOUD = re.compile(r"^GMT(\d{8})-(\d{6})(?:_(.*))?$")
_TEAMS = re.compile(r"^(.*?)-(\d{8})_(\d{6})-(?:Meeting Recording|Enregistrement de la réunion)$", re.IGNORECASE)
_ISO = re.compile(
    r"(?<!\d)((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])"
    r"(?:[ _T-]+([01]\d|2[0-3])[h:.\-_]?([0-5]\d)(?:[:.\-_]?([0-5]\d))?)?(?!\d)",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(r"(?<!\d)(0?[1-9]|[12]\d|3[01])([-_.])(0?[1-9]|1[0-2])\2((?:19|20)\d{2})(?!\d)")
_WORD = r"([^\W\d_]{3,10})\.?"
_DAY_MONTH = re.compile(r"(?<![\w])(\d{1,2})(?:er|st|nd|rd|th)?[\s_-]+" + _WORD + r"(?:[\s_-]+((?:19|20)\d{2}))?(?!\w)")
_MONTH_DAY = re.compile(r"(?<![\w])" + _WORD + r"[\s_-]+(\d{1,2})(?:st|nd|rd|th)?(?:,?[\s_-]+((?:19|20)\d{2}))?(?!\w)")
_CLOCK = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s?(?:h|:)\s?([0-5]\d)?(?!\d)", re.IGNORECASE)

# Words that name how a file was made, not what the meeting was: a name made only of these has no title.
_GENERIC = frozenset(
    """zoom audio only video vidéo recording record rec enregistrement nouvel new voice memo mémo vocal
    vid aud img dsc mov sound track piste untitled sans titre gmt meeting réunion reunion call appel
    conference conférence visio teams webex meet session capture screen écran export final copie copy
    part partie file fichier test fr en""".split()
)
_DANGLING = frozenset("du de des le la les au aux of on the from dated daté".split())


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    """What the recording's companions say about the meeting; None where they say nothing."""

    title: str | None = None
    held_on: date | None = None
    start_time: time | None = None


def time_zone(name: str | None) -> tzinfo:
    """The IANA time zone `name` ("Europe/Paris"); the machine's own when None.

    Raises:
        ConfigError: `name` is not a time zone this machine knows.
    """
    if name is None:
        return _machine_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(
            f"timezone = {name!r}: not a time zone name; use an IANA name such as Europe/Paris or America/Montreal"
        ) from e


def _machine_zone() -> tzinfo:
    """The machine's zone with its daylight-saving rules (tzlocal comes with dateparser), else its current offset."""
    try:
        from tzlocal import get_localzone
    except ImportError:  # pragma: no cover - dateparser depends on it
        return datetime.now().astimezone().tzinfo or UTC
    return get_localzone()


def meeting_facts(path: Path, created: datetime | None, *, language: str | None, zone: tzinfo) -> MeetingFacts:
    """The title, date and start time of the meeting recorded in `path`.

    Args:
        path: The recording (or transcript) file; its sidecar, if any, lies next to it.
        created: The container's creation time (ffprobe's ``creation_time``); naive means local.
        language: The recording's language, for month names in the file name.
        zone: The time zone the date and time are shown in (a client's own).

    Raises:
        ConfigError: a sidecar exists but cannot be read or holds an invalid value.
    """
    sidecar = read_sidecar(path)
    container = container_facts(created, zone)
    reference = container.held_on or _modified_on(path, zone)
    named = facts_from_name(path.stem, language=language, reference=reference, zone=zone)
    title = sidecar.title or named.title
    for source in (sidecar, named, container):
        if source.held_on is not None:
            clock = source.start_time or _agreeing_time(source.held_on, (sidecar, named, container))
            return MeetingFacts(title, source.held_on, clock)
    return MeetingFacts(title, None, None)


def _agreeing_time(day: date, sources: tuple[MeetingFacts, ...]) -> time | None:
    return next((s.start_time for s in sources if s.held_on == day and s.start_time is not None), None)


def _modified_on(path: Path, zone: tzinfo) -> date | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, zone).date()
    except OSError:
        return None


def container_facts(created: datetime | None, zone: tzinfo) -> MeetingFacts:
    """The date and time of a container's creation tag, in `zone` (a tag is UTC unless it says otherwise).

    A tag that is a date only (midnight, no zone), or implausible (a zero epoch, the future), gives nothing
    or the date only.
    """
    if created is None or not _YEARS[0] <= created.year <= _YEARS[1]:
        return MeetingFacts()
    if created.tzinfo is None:
        if created.time() == time(0):
            return MeetingFacts(held_on=created.date())
        created = created.replace(tzinfo=zone)
    local = created.astimezone(zone)
    if local > datetime.now(zone).replace(microsecond=0) and (local - datetime.now(zone)).days >= 1:
        return MeetingFacts()
    return MeetingFacts(held_on=local.date(), start_time=local.time().replace(second=0, microsecond=0))


def facts_from_name(stem: str, *, language: str | None, reference: date | None, zone: tzinfo) -> MeetingFacts:
    """Title, date and time written in a file name (without its extension).

    Args:
        stem: The file name without its extension.
        language: The recording's language, tried first for month names ("20 nov").
        reference: The day a partial date is counted back from (the container's date, else the file's).
        zone: The time zone of the facts; Zoom's "GMT..." names are UTC and are converted to it.
    """
    stem = unicodedata.normalize("NFC", _COPY_SUFFIX.sub("", stem.strip()))
    zoom = _ZOOM_CLOUD.match(stem)
    if zoom:
        moment = _stamp(zoom.group(1), zoom.group(2))
        if moment is None:
            return MeetingFacts()
        local = moment.replace(tzinfo=UTC).astimezone(zone)
        return MeetingFacts(_title(zoom.group(3) or "", dated=True), local.date(), local.time())
    teams = _TEAMS.match(stem)
    if teams:
        moment = _stamp(teams.group(2), teams.group(3))
        if moment is not None:
            return MeetingFacts(_title(teams.group(1), dated=True), moment.date(), moment.time())
    day, clock, rest = _date_in(stem, language, reference)
    return MeetingFacts(_title(rest, dated=day is not None), day, clock)


def _stamp(day: str, clock: str) -> datetime | None:
    try:
        moment = datetime.strptime(day + clock, "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return moment.replace(second=0) if _YEARS[0] <= moment.year <= _YEARS[1] else None


def _date_in(stem: str, language: str | None, reference: date | None) -> tuple[date | None, time | None, str]:
    """The first date (and time) written in `stem`, and `stem` without them."""
    iso = _ISO.search(stem)
    if iso:
        day = _valid(int(iso.group(1)), int(iso.group(3)), int(iso.group(4)))
        if day is not None:
            clock = time(int(iso.group(5)), int(iso.group(6))) if iso.group(5) else None
            return day, clock, _cut(stem, iso)
    numeric = _DAY_FIRST.search(stem)
    if numeric:
        day = _valid(int(numeric.group(4)), int(numeric.group(3)), int(numeric.group(1)))
        if day is not None:
            return _with_clock(day, _cut(stem, numeric))
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for found in pattern.finditer(stem):
            if not _is_month(found.group(month_group)):
                continue
            day = _resolve(found.group(0), language, reference)
            if day is not None and day.day == int(found.group(day_group)):
                return _with_clock(day, _cut(stem, found))
    return None, None, stem


def _with_clock(day: date, rest: str) -> tuple[date, time | None, str]:
    clock = _CLOCK.search(rest)
    if clock is None:
        return day, None, rest
    return day, time(int(clock.group(1)), int(clock.group(2) or 0)), _cut(rest, clock)


def _cut(text: str, found: re.Match[str]) -> str:
    return f"{text[: found.start()]} {text[found.end() :]}"


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if _YEARS[0] <= year <= _YEARS[1] else None
    except ValueError:
        return None


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def _is_month(word: str) -> bool:
    """Whether `word` is a month's name or its abbreviation (3 letters or more) in a supported language."""
    folded = _fold(word)
    return any(_fold(month).startswith(folded) for loc in locales() for month in loc.dates.months)


def _resolve(phrase: str, language: str | None, reference: date | None) -> date | None:
    """A day-and-month phrase as a date, in the recording's language first; the year, if not said, is the
    last one in which that day is not after `reference`."""
    import dateparser  # a second's import, only for names that need it

    first = normalise_language(language)
    settings: Any = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
    if reference is not None:
        settings["RELATIVE_BASE"] = datetime.combine(reference, time(23, 59))
    for code in dict.fromkeys((first, *SUPPORTED)):
        parsed = dateparser.parse(phrase.replace("_", " "), languages=[code], settings=settings)
        if parsed is not None and _YEARS[0] <= parsed.year <= _YEARS[1]:
            return parsed.date()
    return None


def _title(rest: str, *, dated: bool) -> str | None:
    """What is left of a name once its date is out, as a title, when it says more than how the file was made."""
    spaced = " " in rest.strip()
    words = rest if spaced else re.sub(r"[_.]+|-(?=\D)", " ", rest)
    words = re.sub(r"_+", " ", words)
    words = re.sub(r"(?:^|\s)[-–—.,;]+(?=\s|$)", " ", words)
    parts = words.split()
    while parts and (_fold(parts[-1]) in _DANGLING or not any(c.isalnum() for c in parts[-1])):
        parts.pop()
    while parts and not any(c.isalnum() for c in parts[0]):
        parts.pop(0)
    meaningful = [w for w in parts if sum(c.isalpha() for c in w) >= 2 and w.lower().strip(".,;") not in _GENERIC]
    if not meaningful or (not dated and len(parts) < 2):
        return None
    title = " ".join(parts).strip(" -_.,;")
    return title[:1].upper() + title[1:]


def sidecar_path(path: Path) -> Path | None:
    """The sidecar of `path` (``reunion.json`` or ``reunion.toml`` next to ``reunion.m4a``), if one exists."""
    return next((p for p in (path.with_suffix(s) for s in SIDECAR_SUFFIXES) if p != path and p.is_file()), None)


def read_sidecar(path: Path) -> MeetingFacts:
    """The title, date and time a sidecar of `path` gives; nothing when it has none.

    A JSON file that holds other things than ``title``, ``date`` and ``time`` (a transcript) is
    not a sidecar and is left alone.

    Raises:
        ConfigError: the sidecar cannot be read, or a value is not a title, a YYYY-MM-DD date or an HH:MM time.
    """
    found = sidecar_path(path)
    if found is None:
        return MeetingFacts()
    data = _load(found)
    if data is None:
        return MeetingFacts()
    title, day, clock = data.get("title"), data.get("date"), data.get("time")
    if title is not None and (not isinstance(title, str) or not title.strip() or not title.isprintable()):
        raise ConfigError(f"{found}: title = {title!r}: give the meeting's title as one line of text")
    held_on = _sidecar_date(found, day)
    start = _sidecar_time(found, clock)
    logger.info("Meeting title/date/time read from %s", found.name)
    return MeetingFacts(title.strip() if title else None, held_on, start if held_on else None)


def _load(found: Path) -> dict[str, Any] | None:
    try:
        if found.stat().st_size > _MAX_SIDECAR_BYTES:
            return None  # a transcript or a document, not a few facts
        text = found.read_text(encoding="utf-8")
        data = tomllib.loads(text) if found.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{found}: cannot read the meeting's sidecar ({e}); save it as UTF-8 text") from e
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{found}: not valid {found.suffix[1:].upper()} ({e}); correct the file or remove it") from e
    if not isinstance(data, dict) or not data or not set(data) <= _SIDECAR_KEYS:
        logger.debug("%s is not a sidecar (keys other than %s)", found.name, ", ".join(sorted(_SIDECAR_KEYS)))
        return None
    return data


def _sidecar_date(found: Path, value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"{found}: date = {value!r}: write the meeting date as YYYY-MM-DD, e.g. 2026-11-20") from None


def _sidecar_time(found: Path, value: Any) -> time | None:
    if value is None or isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None) if value else None
    match = re.fullmatch(r"([01]?\d|2[0-3])\s?[:h]\s?([0-5]\d)", str(value).strip(), re.IGNORECASE)
    if match is None:
        raise ConfigError(f"{found}: time = {value!r}: write the start time as HH:MM, e.g. 10:05")
    return time(int(match.group(1)), int(match.group(2)))
