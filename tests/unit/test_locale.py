"""The locale package: language codes, and that every language fills every table English fills."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from datetime import date
from typing import Any

import pytest

import pipeline.locale
from pipeline.locale import (
    FALLBACK_LANGUAGE,
    SUPPORTED,
    Locale,
    language_name,
    locale_for,
    locales,
    normalise_language,
)
from pipeline.locale import en as english
from pipeline.speakers import speaker_label
from pipeline.summarize.humanize import format_date, format_numeric_date, format_share, format_short_date, join_names
from pipeline.summarize.lexicon import ENGLISH, FRENCH, lexicon_for
from pipeline.summarize.model import SummaryContext
from pipeline.summarize.offline import write_summary
from pipeline.summarize.sentences import Sentence


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("FR_ca", "fr"),
        ("EN", "en"),
        (" en-GB ", "en"),
        ("de", "de"),
        ("zh-Hant-TW", "zh"),
        ("", FALLBACK_LANGUAGE),
        (None, FALLBACK_LANGUAGE),
        ("??", FALLBACK_LANGUAGE),
        ("français", FALLBACK_LANGUAGE),
        ("12", FALLBACK_LANGUAGE),
    ],
)
def test_normalise_language(code: str | None, expected: str) -> None:
    assert normalise_language(code) == expected


def test_lookup_falls_back_to_english() -> None:
    assert FALLBACK_LANGUAGE == "en"
    assert locale_for("fr-CA").code == "fr"
    assert locale_for("de") is locale_for("en") is english.LOCALE
    assert locale_for("") is english.LOCALE
    # A language without wording of its own still has its name.
    assert language_name("de-AT", "fr") == "allemand" and language_name("de", "de") == "German"
    assert language_name("xx", "en") == "xx"


def test_supported_languages_are_the_modules_of_the_package() -> None:
    modules = {m.name for m in pkgutil.iter_modules(pipeline.locale.__path__)} - {"schema"}
    assert set(SUPPORTED) == modules == {"fr", "en"}
    assert tuple(loc.code for loc in locales()) == SUPPORTED
    for code in SUPPORTED:
        assert importlib.import_module(f"pipeline.locale.{code}").LOCALE.code == code


def _shape(value: Any, where: str) -> Any:
    """What a table must look like in every language: its fields, its keys and its counts."""
    if dataclasses.is_dataclass(value):
        return {f.name: _shape(getattr(value, f.name), f"{where}.{f.name}") for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and value and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return {key: _shape(text, f"{where}[{key}]") for key, text in value}
    if isinstance(value, tuple):
        return tuple(_shape(v, f"{where}[{i}]") for i, v in enumerate(value))
    assert isinstance(value, str), f"{where}: unexpected {type(value).__name__}"
    return "text"


@pytest.mark.parametrize("code", SUPPORTED)
def test_every_language_defines_what_english_defines(code: str) -> None:
    """Adding a language is adding a module; this checks it fills every table with the same keys."""
    module = importlib.import_module(f"pipeline.locale.{code}")
    assert isinstance(module.LOCALE, Locale)
    assert _shape(module.LOCALE, code) == _shape(english.LOCALE, "en")
    assert len(module.LOCALE.dates.months) == 12 and len(module.LOCALE.dates.weekdays) == 7
    assert all(module.LOCALE.dates.months) and all(module.LOCALE.language_names)
    assert module.LOCALE.speaker.strip() and " " not in module.LOCALE.speaker


def test_lexicons_use_the_same_codes() -> None:
    assert lexicon_for("fr-CA") is FRENCH
    assert lexicon_for("EN") is ENGLISH and lexicon_for("de") is ENGLISH and lexicon_for("") is ENGLISH


@pytest.mark.parametrize("code", SUPPORTED)
def test_every_template_of_a_language_fills_in(code: str) -> None:
    """Each template only asks for the fields the code gives it (a KeyError here is a typo in a table)."""
    day = date(2025, 1, 1)
    for write in (format_date, format_short_date, format_numeric_date):
        assert str(day.year) in write(day, code)
    sentence = Sentence(0, "Je pense que le budget suffit pour cette année.", 0.0, 4.0, "A")
    for people in (("A",), ("A", "B")):
        context = SummaryContext(code, day, people)
        for duration in (600.0, None):
            assert write_summary(context, duration, [(sentence, sentence.text)])
        assert write_summary(context, 600.0, [])
    words = locale_for(code)
    for kind, intro in words.email.intros:
        assert intro.format(title="T", when=words.email.when.format(date="d")), kind
    assert words.formal.opening.format(time="t") and words.formal.closing.format(time="t")
    assert words.dates.clock.format(hour=9, minute=5)
    assert words.notes.deleted.format(day="2025-01-01", days=30)
    assert speaker_label(2, code) == f"{words.speaker} 2"


def test_formatting_reads_the_tables() -> None:
    day = date(2025, 3, 1)
    assert format_date(day, "fr-FR") == "samedi 1er mars 2025"
    assert format_date(day, "en") == "Saturday 1 March 2025"
    assert format_date(day, "de") == "Saturday 1 March 2025"
    assert format_numeric_date(day, "fr") == "01/03/2025" and format_numeric_date(day, "en") == "2025-03-01"
    assert join_names(["A", "B", "C"], "FR") == "A, B et C"
    assert format_share(0.42, "fr") == "42\u202f%" and format_share(0.42, "en-US") == "42%"


def test_every_document_type_has_its_words_in_every_language() -> None:
    from pipeline.outputs.kinds import DOCUMENT_TYPES

    for loc in locales():
        for table in (
            loc.document.kinds,
            loc.document.titles,
            loc.email.subjects,
            loc.email.intros,
            loc.email.attached,
        ):
            assert tuple(key for key, _ in table) == DOCUMENT_TYPES, loc.code
            assert all(text.strip() for _, text in table)
    assert locale_for("fr").dates.clock.format(hour=9, minute=5) == "9\u00a0h\u00a005"
    assert locale_for("en").dates.clock.format(hour=9, minute=5) == "09:05"
