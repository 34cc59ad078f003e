"""Durations, timestamps, dates and lists written the way each language writes them."""

from __future__ import annotations

from datetime import date

_MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
_WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_AND = {"fr": "et", "en": "and"}


def base_language(language: str) -> str:
    """ "fr-CA" -> "fr"; languages without wording of their own read as English."""
    code = language.split("-")[0].lower()
    return code if code in _MONTHS else "en"


def format_timestamp(seconds: float, *, compact: bool = False) -> str:
    """00:04:07 for 247.3 s (hours always shown, so columns line up); "04:07" when `compact` and under an hour."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if compact and not hours:
        return f"{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def format_duration(seconds: float, language: str) -> str:
    """ "1 h 05 min" / "42 min" / "35 s" in French, "1 h 05 min" / "42 min" in English."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min" if secs < 30 or minutes >= 10 else f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def format_date(day: date, language: str) -> str:
    """ "mercredi 12 mars 2025" / "Wednesday 12 March 2025"."""
    lang = base_language(language)
    weekday = _WEEKDAYS[lang][day.weekday()]
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{weekday} {number} {_MONTHS[lang][day.month - 1]} {day.year}"


def format_short_date(day: date, language: str) -> str:
    """ "12/03/2025" in French, "12 Mar 2025" in English (unambiguous in both)."""
    if base_language(language) == "fr":
        return day.strftime("%d/%m/%Y")
    return f"{day.day} {_MONTHS['en'][day.month - 1][:3]} {day.year}"


def join_names(names: tuple[str, ...] | list[str], language: str) -> str:
    """ "A, B et C" / "A, B and C"."""
    items = [n for n in names if n]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_AND[base_language(language)]} {items[-1]}"


def format_share(share: float, language: str) -> str:
    """ "42 %" in French (with a narrow no-break space), "42%" in English."""
    percent = round(share * 100)
    return f"{percent}\u202f%" if base_language(language) == "fr" else f"{percent}%"
