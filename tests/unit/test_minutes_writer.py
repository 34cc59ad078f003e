"""The deterministic writer's parts: cleaning, selection, reported speech, names from initials, titles."""

from __future__ import annotations

from pipeline.summarize import MeetingMeta, OfflineSummarizer, build_minutes
from pipeline.summarize.clean import clean_spoken
from pipeline.summarize.initials import expand_initials, initials_of
from pipeline.summarize.lexicon import ENGLISH, FRENCH
from pipeline.summarize.reported import ENGLISH as EN_REPORTING
from pipeline.summarize.reported import FRENCH as FR_REPORTING
from pipeline.summarize.reported import report
from pipeline.summarize.select import Candidate, select
from pipeline.summarize.sentences import Sentence
from pipeline.summarize.titles import noun_phrase_title
from pipeline.transcripts import Turn, transcript_from_turns


def test_disfluencies_are_removed_and_the_words_kept_in_order() -> None:
    assert clean_spoken("Euh, je je pense que, euh, le budget est suffisant.", FRENCH) == (
        "Je pense que le budget est suffisant."
    )
    assert clean_spoken("Um so in the in the uh {vocalsound} remote, we need a th- button", ENGLISH) == (
        "In the remote, we need a button."
    )
    assert clean_spoken("Mais donc vous n'êtes pas d'accord", FRENCH) == "Vous n'êtes pas d'accord."
    # Nothing but fillers: nothing to quote.
    assert clean_spoken("Bon, alors, voilà.", FRENCH) == ""
    assert clean_spoken("Mm-hmm.", ENGLISH) == ""
    # A word that merely contains a hesitation sound is a word.
    assert clean_spoken("Hum, c'est humain et ahurissant.", FRENCH) == "C'est humain et ahurissant."


def test_reported_speech_shifts_the_opening_or_quotes() -> None:
    name = "Marie Dupont"
    assert report("Je pense que le budget suffit.", name, FR_REPORTING) == "Marie Dupont pense que le budget suffit."
    assert report("J'ai rencontré le ministre.", name, FR_REPORTING) == "Marie Dupont a rencontré le ministre."
    assert (
        report("Je ne crois pas à cette réforme.", name, FR_REPORTING) == "Marie Dupont ne croit pas à cette réforme."
    )
    assert report("Je me demande si c'est utile.", name, FR_REPORTING) == "Marie Dupont se demande si c'est utile."
    assert report("Je prends acte.", name, FR_REPORTING) == "Marie Dupont prend acte."
    assert report("C'était important.", name, FR_REPORTING) == "Marie Dupont explique que c'était important."
    assert (
        report("Emmanuel Macron est à Kiev.", name, FR_REPORTING)
        == "Marie Dupont explique qu'Emmanuel Macron est à Kiev."
    )
    assert report("Il reste du travail.", name, FR_REPORTING, same_speaker=True) == (
        "Marie Dupont ajoute qu'il reste du travail."
    )
    assert report("La France soutient l'Ukraine.", name, FR_REPORTING) == (
        "Marie Dupont explique que la France soutient l'Ukraine."
    )
    # An object pronoun before the verb ("je vous ai dit"): no shift; first person left, so a quote.
    assert report("Je vous ai pas interrompu.", name, FR_REPORTING) == "Marie Dupont : « Je vous ai pas interrompu. »"
    # First person further in: no grammar to rewrite it, so the speaker's words are quoted verbatim.
    assert report("Il faut que je parte.", name, FR_REPORTING) == "Marie Dupont : « Il faut que je parte. »"
    pm = "Project Manager"
    assert report("I think we need a button.", pm, EN_REPORTING) == "Project Manager thinks we need a button."
    assert report("I don't like yellow.", pm, EN_REPORTING) == "Project Manager doesn't like yellow."
    assert report("I'm not sure.", pm, EN_REPORTING) == "Project Manager is not sure."
    assert report("The remote is small.", pm, EN_REPORTING) == "Project Manager says that the remote is small."
    assert report("I guess my idea works.", pm, EN_REPORTING) == "Project Manager: “I guess my idea works.”"


def _candidate(index: int, text: str, terms: str) -> Candidate:
    return Candidate(index, text, tuple(terms.split()))


def test_selection_prefers_central_sentences_and_skips_repeats() -> None:
    context = [["budget", "hausse"], ["budget", "hausse", "salaires"], ["météo"], ["budget", "salaires"]] * 3
    pool = [
        _candidate(0, "Le budget est en hausse cette année selon nous.", "budget hausse"),
        _candidate(1, "Le budget est en hausse cette année encore, dit-il.", "budget hausse"),
        _candidate(2, "La météo sera belle demain sur toute la région.", "météo"),
        _candidate(3, "Les salaires suivent le budget de la maison.", "budget salaires"),
    ]
    chosen = select(pool, context, budget_words=15)
    assert [c.index for c in chosen] == [0, 3]  # central, not the near-duplicate 1, not the off-topic 2
    only = select(pool, context, budget_words=100, limit=1)
    assert len(only) == 1 and only[0].index != 2
    assert select([], context, 100) == []


def test_initials_take_the_full_name_said_in_the_meeting() -> None:
    assert initials_of("Jean-Luc Mélenchon") == "JLM"
    st = transcript_from_turns(
        [
            Turn("P1", "Clémentine Autain, est-ce le bon moment ? Jordan Bardella, votre avis ?"),
            Turn("CA", "C'était important d'y aller, je le dis à Jordan Bardella."),
            Turn("JB", "Mauvais timing, me semble-t-il."),
            Turn("XY", "Personne ne me nomme ici."),
        ],
        "fr",
    )
    names = [name for _, name in expand_initials(st).speaker_names]
    assert names == ["P1", "Clémentine Autain", "Jordan Bardella", "XY"]


def test_titles_are_noun_phrases_said_in_the_topic() -> None:
    part = tuple(
        Sentence(i, text, float(i), float(i + 1), "A")
        for i, text in enumerate(
            [
                "Parlons de la réforme des retraites qui inquiète.",
                "La réforme des retraites coûtera quatre milliards.",
                "Nous voterons contre la réforme des retraites.",
                "Le budget est autre chose.",
            ]
        )
    )
    weights = {"réform": 3.0, "retrai": 3.0, "budget": 1.0}
    assert noun_phrase_title(part, weights, FRENCH) == "Réforme des retraites"
    assert noun_phrase_title(part[3:], weights, FRENCH) is None  # said once: no title from it


def test_a_text_transcript_without_times_states_no_duration() -> None:
    turns = [
        Turn("Marie Dupont", "Je pense que le budget de la communication doit baisser cette année encore."),
        Turn("Paul Martin", "Le budget de la communication a déjà baissé de dix pour cent l'an dernier."),
    ] * 3
    minutes = build_minutes(transcript_from_turns(turns, "fr"), OfflineSummarizer(), MeetingMeta())
    opening, _, rest = minutes.summary.partition(". ")
    assert opening in ("Échange entre Marie Dupont et Paul Martin", "Échange entre Paul Martin et Marie Dupont")
    assert "Marie Dupont pense que le budget de la communication doit baisser cette année encore." in rest
    assert "Paul Martin explique que le budget de la communication a déjà baissé" in rest
    assert rest.count("a déjà baissé") == 1  # said three times, reported once


def test_a_recording_states_its_duration_and_the_gate_keeps_it() -> None:
    from dataclasses import replace

    turns = [
        Turn("Marie Dupont", "Je pense que le budget de la communication doit baisser cette année encore.", 0.0, 6.0),
        Turn("Paul Martin", "Le budget de la communication a déjà baissé l'an dernier, pour les salons.", 6.0, 95.0),
    ]
    st = transcript_from_turns(turns, "fr")
    assert st.timed
    minutes = build_minutes(replace(st, duration=95.0), OfflineSummarizer(), MeetingMeta())
    assert minutes.summary.startswith("Réunion de 1 min 35 s entre")  # "35" is the recording's, not said
    assert minutes.provenance.gate.sentences_dropped == 0
