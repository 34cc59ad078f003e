"""Durations, timestamps, dates and lists written the way each language writes them."""

from __future__ import annotations

from datetime import date

from pipeline.locale import locale_for


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
    words = locale_for(language).dates
    number = words.first_of_month if day.day == 1 else str(day.day)
    return words.long_date.format(
        weekday=words.weekdays[day.weekday()], day=number, month=words.months[day.month - 1], year=day.year
    )


def format_short_date(day: date, language: str) -> str:
    """ "12/03/2025" in French, "12 Mar 2025" in English (unambiguous in both)."""
    words = locale_for(language).dates
    return words.short_date.format(day=day.day, month=day.month, mon=words.months[day.month - 1][:3], year=day.year)


def format_numeric_date(day: date, language: str) -> str:
    """ "12/03/2025" in French, "2025-03-12" in English: digits only, for subjects and file lists."""
    return locale_for(language).dates.numeric_date.format(day=day.day, month=day.month, year=day.year)


def join_names(names: tuple[str, ...] | list[str], language: str) -> str:
    """ "A, B et C" / "A, B and C"."""
    items = [n for n in names if n]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {locale_for(language).conjunction} {items[-1]}"


def format_share(share: float, language: str) -> str:
    """ "42 %" in French (with a narrow no-break space), "42%" in English."""
    return locale_for(language).percent.format(n=round(share * 100))
