"""The offline summariser finds decisions, actions (owners, resolved dates) and topics in FR and EN."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.merge import name_speakers
from pipeline.summarize import MeetingMeta, OfflineSummarizer, build_minutes, speaking_shares
from pipeline.summarize.dates import find_due_date
from pipeline.summarize.lexicon import ENGLISH, FRENCH
from tests.unit.meetings import EN_DATE, FR_DATE, build_transcript, english_meeting, french_meeting


def _actions(minutes):  # type: ignore[no-untyped-def]
    return {a.text: a for a in minutes.action_items}


def test_french_meeting_decisions_actions_topics() -> None:
    m = build_minutes(french_meeting(), OfflineSummarizer(), MeetingMeta(held_on=FR_DATE))
    assert m.language == "fr" and m.title == "Compte rendu de réunion"
    decisions = [d.text for d in m.decisions]
    assert any("rappels par SMS" in d for d in decisions)
    assert any("maquettes mobiles" in d for d in decisions)
    assert any("28 avril" in d for d in decisions)
    actions = _actions(m)
    simplify = actions["Simplifier le formulaire de contact."]
    assert (simplify.owner, simplify.due, simplify.due_text) == ("Julien Moreau", date(2025, 3, 14), "d'ici vendredi")
    send = next(a for a in m.action_items if a.text.startswith("Envoyer les maquettes"))
    assert send.owner == "Julien Moreau" and send.due == date(2025, 3, 20)  # asked by name, accepted
    budget = next(a for a in m.action_items if "budget révisé" in a.text)
    assert budget.owner == "Sophie Bernard" and budget.due == date(2025, 3, 19)  # "la semaine prochaine"
    campaign = next(a for a in m.action_items if "campagne" in a.text)
    assert campaign.text.startswith("Préparer") and campaign.owner == "Sophie Bernard"  # "je préparerai"
    assert campaign.due == date(2025, 4, 15)
    assert not any("semaine de recette" in a.text for a in m.action_items)  # an amount of work, not a task
    assert [t.title for t in m.topics] == ["Avancement des maquettes", "Budget", "Planning de mise en ligne"]
    assert all(t.key_points for t in m.topics)
    assert len(m.open_questions) == 2
    assert m.provenance.summarizer == "offline" and m.provenance.fallback_reason is None


def test_english_meeting_decisions_actions_topics() -> None:
    m = build_minutes(english_meeting(), OfflineSummarizer(), MeetingMeta(held_on=EN_DATE))
    assert m.title == "Meeting minutes"
    assert any("June 23" in d.text for d in m.decisions)
    assert any("paid ads budget" in d.text for d in m.decisions)
    form = next(a for a in m.action_items if a.text.startswith("Shorten the sign up form"))
    assert (form.owner, form.due, form.due_text) == ("Marcus Green", date(2025, 6, 6), "by Friday")
    kit = next(a for a in m.action_items if "press kit" in a.text)
    assert kit.owner == "Priya Shah" and kit.due == date(2025, 6, 11)
    shots = next(a for a in m.action_items if "screenshots" in a.text)
    assert shots.owner == "Marcus Green"  # "Could you ...?" answered "Sure, I can do that."
    help_center = [a for a in m.action_items if "help center" in a.text]
    assert len(help_center) == 1 and help_center[0].owner == "Tom Walsh"  # request + acceptance = one task
    assert not any("meet again" in a.text for a in m.action_items)
    assert len(m.topics) == 3 and m.topics[1].title == "Marketing launch"
    assert [q.text for q in m.open_questions] == ["Whether we attend the Berlin conference is still to be decided."]


def test_every_item_keeps_the_time_of_its_sentence() -> None:
    st = french_meeting()
    m = build_minutes(st, OfflineSummarizer(), MeetingMeta(held_on=FR_DATE))
    spans = [(u.start, u.end) for u in st.utterances]
    for item in (*m.decisions, *m.action_items, *m.open_questions):
        assert any(a <= item.start <= item.end <= b + 1e-6 for a, b in spans), item


@pytest.mark.parametrize(
    ("speaker_text", "owner", "due", "text_start"),
    [
        ("Je m'occupe de relancer le fournisseur de papier demain.", "Nadia Haddad", date(2025, 3, 13), "Relancer"),
        ("Karim va rédiger la note de synthèse pour lundi.", "Karim Benali", date(2025, 3, 17), "Rédiger"),
        (
            "Il faut que Karim réserve la salle du conseil avant le 2 avril.",
            "Karim Benali",
            date(2025, 4, 2),
            "Réserve",
        ),
        ("Hélène se chargera du devis pour le client.", "Hélène", None, "Devis pour le client"),
        (
            "Nadia enverra le bon de commande au service achats vendredi prochain.",
            "Nadia Haddad",
            date(2025, 3, 14),
            "Envoyer",
        ),
    ],
)
def test_french_owner_and_due_date_from_sentence_structure(
    speaker_text: str, owner: str, due: date | None, text_start: str
) -> None:
    turns = (
        ("A", "Bonjour, on fait le point sur les commandes de fournitures du trimestre."),
        ("A", speaker_text),
        ("B", "Très bien, merci."),
    )
    st = build_transcript(turns, "fr", (("A", "Nadia Haddad"), ("B", "Karim Benali")))
    m = build_minutes(st, OfflineSummarizer(), MeetingMeta(held_on=FR_DATE))
    (item,) = m.action_items
    assert (item.owner, item.due) == (owner, due)
    assert item.text.startswith(text_start)


@pytest.mark.parametrize(
    ("speaker_text", "owner", "due"),
    [
        ("I'll draft the board memo by next Monday.", "Ana Ruiz", date(2025, 6, 9)),
        ("Ben will book the venue before June 20.", "Ben Carter", date(2025, 6, 20)),
        ("Ben to review the contract with legal by tomorrow.", "Ben Carter", date(2025, 6, 5)),
        ("Sam is going to call the insurer on Thursday.", "Sam", date(2025, 6, 5)),
        ("We need to deliver the second batch by the end of June.", None, date(2025, 6, 30)),
    ],
)
def test_english_owner_and_due_date_from_sentence_structure(speaker_text: str, owner: str | None, due: date) -> None:
    turns = (
        ("A", "Thanks for joining, let's review the vendor contracts."),
        ("A", speaker_text),
        ("B", "Sounds good."),
    )
    st = build_transcript(turns, "en", (("A", "Ana Ruiz"), ("B", "Ben Carter")))
    m = build_minutes(st, OfflineSummarizer(), MeetingMeta(held_on=EN_DATE))
    (item,) = m.action_items
    assert (item.owner, item.due) == (owner, due)


def test_talk_about_the_meeting_is_not_an_action() -> None:
    turns = (
        ("A", "Je vais vous présenter les chiffres du mois."),
        ("A", "On va voir ce que ça donne."),
        ("B", "I'm going to share my screen."),
        ("B", "We'll see how it goes."),
        ("A", "Can you hear me?"),
        ("B", "Yes, I can hear you."),
        ("A", "Marie a envoyé le rapport hier."),
    )
    m = build_minutes(build_transcript(turns, "fr"), OfflineSummarizer(), MeetingMeta(held_on=FR_DATE))
    assert m.action_items == ()


def test_relative_dates_stay_unresolved_without_a_meeting_date() -> None:
    found = find_due_date("envoyer le devis d'ici vendredi", FRENCH, "fr", None)
    assert found is not None and found.due is None and found.text == "d'ici vendredi"
    month_end = find_due_date("send it by the end of March", ENGLISH, "en", date(2025, 3, 5))
    assert month_end is not None and month_end.due == date(2025, 3, 31)
    assert find_due_date("We need two more people for the booth", ENGLISH, "en", date(2025, 3, 5)) is None


def test_unnamed_speakers_get_localised_labels_and_shares() -> None:
    st = french_meeting(named=False)
    named = name_speakers(st, {})
    assert dict(named.speaker_names) == {
        "SPEAKER_00": "Intervenant 1",
        "SPEAKER_01": "Intervenant 2",
        "SPEAKER_02": "Intervenant 3",
    }
    people = speaking_shares(named)
    assert abs(sum(p.share for p in people) - 1.0) < 1e-3
    assert people[0].speaking_time >= people[-1].speaking_time
    assert st.speaker_names == ()  # the input is not changed


def test_same_input_same_minutes_and_meta_is_kept() -> None:
    meta = MeetingMeta(
        title="Comité", client="Cabinet Lefèvre", held_on=FR_DATE, language="fr", models=("whisper base",)
    )
    first = build_minutes(french_meeting(), OfflineSummarizer(), meta)
    assert first == build_minutes(french_meeting(), OfflineSummarizer(), meta)
    assert (first.title, first.client, first.provenance.models) == ("Comité", "Cabinet Lefèvre", ("whisper base",))
    assert "Claire Martin" in first.summary


def test_empty_transcript_gives_empty_minutes() -> None:
    m = build_minutes(build_transcript((), "en"), OfflineSummarizer(), MeetingMeta())
    assert (m.topics, m.decisions, m.action_items, m.participants) == ((), (), (), ())
    assert m.summary
