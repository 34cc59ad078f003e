"""The phone message read from a call: caller, request, callback number and time, only from what was said."""

from __future__ import annotations

import pytest

from pipeline.outputs import CallNote, read_call_note
from tests.unit.minutes_samples import _minutes, call_minutes


def _call(language: str, *turns: tuple[str, str], names: tuple[tuple[str, str], ...] = ()) -> CallNote:
    return read_call_note(_minutes(language, turns, names))


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("Mon numéro est le 06 12 34 56 78.", "06 12 34 56 78"),
        ("Mon numéro est le 06.12.34.56.78.", "06 12 34 56 78"),
        ("Mon numéro est le 0612345678.", "06 12 34 56 78"),
        ("Mon numéro est le 01-23-45-67-89.", "01 23 45 67 89"),
        ("Appelez le +33 6 12 34 56 78.", "+33 6 12 34 56 78"),
        ("Appelez le +33 (0)1 23 45 67 89.", "+33 (0)1 23 45 67 89"),
        ("Appelez le 0033 6 12 34 56 78.", "0033 6 12 34 56 78"),
        ("Call me on +44 20 7946 0958.", "+44 20 7946 0958"),
        ("Call me on +1 415-555-0100.", "+1 415 555 0100"),
        ("Call me on (415) 555-0100.", "(415) 555 0100"),
    ],
)
def test_phone_numbers_as_asr_writes_them(said: str, number: str) -> None:
    note = _call("fr", ("SPEAKER_00", "Bonjour."), ("SPEAKER_01", said))
    assert note.callback_number == number


@pytest.mark.parametrize(
    "said",
    [
        "Le budget est de 40 000 euros pour 2026.",
        "La réunion du 20/11/2026 à 14 h 30 est maintenue.",
        "Le dossier 2026-11-20 est clos, référence 123456.",
    ],
)
def test_amounts_dates_and_references_are_not_numbers_to_call(said: str) -> None:
    assert _call("fr", ("SPEAKER_00", "Bonjour."), ("SPEAKER_01", said)).callback_number is None


def test_a_voicemail_has_one_voice_the_callers() -> None:
    note = _call(
        "fr",
        ("SPEAKER_00", "Bonjour, c'est Paul Girard. Pouvez-vous me rappeler entre 14 h et 16 h au 06 98 76 54 32 ?"),
        names=(("SPEAKER_00", "Intervenant 1"),),
    )
    assert note.caller == "Paul Girard"
    assert note.callback_time == "entre 14 h et 16 h"
    assert note.callback_number == "06 98 76 54 32"
    assert (note.request or "").startswith("Pouvez-vous me rappeler")


def test_a_named_caller_keeps_their_name_and_the_secretary_can_be_named() -> None:
    turns = (("SPEAKER_00", "Bonjour, Marc Petit à l'appareil."), ("SPEAKER_01", "Cabinet Lefèvre, bonjour."))
    names = (("SPEAKER_00", "Marc Petit"), ("SPEAKER_01", "Claire Martin"))
    # By default the first voice answered the phone; here the secretary is known, and spoke second.
    assert read_call_note(_minutes("fr", turns, names)).caller == "Claire Martin"
    assert read_call_note(_minutes("fr", turns, names), secretary="Claire Martin").caller == "Marc Petit"


def test_a_caller_who_says_their_name_first() -> None:
    names = (("SPEAKER_00", "Intervenant 1"), ("SPEAKER_01", "Intervenant 2"))
    note = _call(
        "fr", ("SPEAKER_00", "Cabinet Lefèvre."), ("SPEAKER_01", "Bonjour, Marc Petit à l’appareil."), names=names
    )
    assert note.caller == "Marc Petit"


def test_what_was_not_said_stays_empty() -> None:
    note = _call("en", ("SPEAKER_00", "Hello."), ("SPEAKER_01", "Hi, just checking in."))
    assert (note.caller, note.subject, note.callback_number, note.callback_time) == ("SPEAKER_01", None, None, None)


def test_the_request_falls_back_to_the_first_action_then_the_summary() -> None:
    minutes = call_minutes("fr")
    assert (read_call_note(minutes).request or "").startswith("Je voudrais prendre rendez-vous")
    plain = _minutes(
        "fr", (("SPEAKER_00", "Bonjour."), ("SPEAKER_01", "Bonjour.")), (), summary="Appel de courtoisie. Rien."
    )
    assert read_call_note(plain).request == "Appel de courtoisie."
    reported = _minutes(
        "fr",
        (("SPEAKER_00", "Bonjour."), ("SPEAKER_01", "Bonjour.")),
        (("SPEAKER_00", "Claire Martin"), ("SPEAKER_01", "Marc Petit")),
        summary="Réunion de 1 min entre Claire Martin et Marc Petit. Marc Petit souhaite un devis.",
    )
    assert read_call_note(reported).request == "Marc Petit souhaite un devis."  # not the opening
