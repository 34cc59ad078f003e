"""Minutes built by hand (not by a summariser), so the document layouts are tested on fixed content."""

from __future__ import annotations

from datetime import date, time

from pipeline.summarize import Minutes
from pipeline.summarize.minutes import speaking_shares
from pipeline.summarize.model import ActionItem, Provenance, Statement, Topic
from tests.unit.meetings import FR_DATE, build_transcript

FR_CALL_TURNS = (
    ("SPEAKER_00", "Cabinet Lefèvre, bonjour."),
    ("SPEAKER_01", "Bonjour, je suis Marie Dupont, de la société Arcadis."),
    ("SPEAKER_01", "Je voudrais prendre rendez-vous avec Maître Lefèvre au sujet du bail commercial."),
    ("SPEAKER_00", "Maître Lefèvre est en audience ce matin. Je lui transmets votre message."),
    ("SPEAKER_01", "Merci. Il peut me rappeler demain après 14 h au 06 12 34 56 78."),
    ("SPEAKER_00", "C'est noté, il vous rappellera demain après-midi. Au revoir."),
)
EN_CALL_TURNS = (
    ("SPEAKER_00", "Good morning, Lefèvre and Partners."),
    ("SPEAKER_01", "Hello, this is John Carter from Northwind."),
    ("SPEAKER_01", "I'd like to discuss the renewal of our service contract with Ms Lefèvre."),
    ("SPEAKER_00", "She is in a meeting right now. Shall I ask her to call you?"),
    ("SPEAKER_01", "Yes please, she can call me back tomorrow after 3 pm on +44 20 7946 0958."),
    ("SPEAKER_00", "Noted, thank you. Goodbye."),
)


def _minutes(
    language: str, turns: tuple[tuple[str, str], ...], names: tuple[tuple[str, str], ...], **fields
) -> Minutes:
    st = build_transcript(turns, language, names)
    base = {
        "title": "Comité de pilotage",
        "client": "Cabinet Lefèvre",
        "held_on": FR_DATE,
        "start_time": time(9, 30),
        "duration": st.duration,
        "language": language,
        "participants": speaking_shares(st),
        "summary": "",
        "topics": (),
        "decisions": (),
        "action_items": (),
        "open_questions": (),
        "transcript": st,
        "provenance": Provenance("offline", ("faster-whisper base", "pyannote community-1")),
    }
    return Minutes(**(base | fields))


def board_minutes(language: str = "fr") -> Minutes:
    """A steering committee with two topics, a decision in each, one outside both, and two actions."""
    fr = language == "fr"
    turns = (
        ("SPEAKER_00", "Premier point, les maquettes." if fr else "First item, the mock-ups."),
        ("SPEAKER_01", "Les maquettes sont terminées." if fr else "The mock-ups are done."),
        ("SPEAKER_00", "Les maquettes sont validées." if fr else "The mock-ups are approved."),
        ("SPEAKER_00", "Passons au budget." if fr else "Now the budget."),
        ("SPEAKER_01", "Le budget est tenu." if fr else "The budget is on track."),
        ("SPEAKER_00", "Le budget révisé est adopté." if fr else "The revised budget is adopted."),
        ("SPEAKER_00", "Prochain comité le 3 avril." if fr else "Next committee on 3 April."),
    )
    names = (("SPEAKER_00", "Claire Martin"), ("SPEAKER_01", "Julien Moreau"))
    st = build_transcript(turns, language, names)
    u = st.utterances
    first, second = ("Avancement des maquettes", "Budget") if fr else ("Progress of the mock-ups", "Budget")
    return _minutes(
        language,
        turns,
        names,
        summary=(
            "Le comité a validé les maquettes et adopté le budget révisé."
            if fr
            else "The committee approved the mock-ups and adopted the revised budget."
        ),
        topics=(
            Topic(first, u[0].start, u[2].end + 0.1, (Statement(u[1].text, u[1].start, u[1].end, "SPEAKER_01"),)),
            Topic(second, u[3].start, u[5].end + 0.1, (Statement(u[4].text, u[4].start, u[4].end, "SPEAKER_01"),)),
        ),
        decisions=(
            Statement(u[2].text, u[2].start, u[2].end, "SPEAKER_00"),
            Statement(u[5].text, u[5].start, u[5].end, "SPEAKER_00"),
            Statement(u[6].text, u[6].start, u[6].end, "SPEAKER_00"),
        ),
        action_items=(
            ActionItem(
                "Envoyer les maquettes au client" if fr else "Send the mock-ups to the client",
                "Julien Moreau",
                date(2025, 3, 14),
                "vendredi" if fr else "Friday",
                u[1].start,
                u[1].end,
                "SPEAKER_01",
            ),
            ActionItem("Réserver la salle" if fr else "Book the room", None, None, None, u[6].start, u[6].end),
        ),
        open_questions=(Statement("Qui forme les assistantes ?" if fr else "Who trains the assistants?", 1.0, 2.0),),
    )


def call_minutes(language: str = "fr", **fields) -> Minutes:
    """A phone call: the secretary answers, the caller introduces themselves, asks, and leaves a number."""
    fr = language == "fr"
    names = (
        ("SPEAKER_00", "Intervenant 1" if fr else "Speaker 1"),
        ("SPEAKER_01", "Intervenant 2" if fr else "Speaker 2"),
    )
    values = {
        "title": "Compte rendu de réunion" if fr else "Meeting minutes",
        "summary": (
            "Marie Dupont souhaite un rendez-vous au sujet du bail commercial."
            if fr
            else "John Carter wishes to discuss the renewal of the service contract."
        ),
        "topics": (Topic("Bail commercial" if fr else "Service contract renewal", 0.0, 30.0),),
    }
    return _minutes(language, FR_CALL_TURNS if fr else EN_CALL_TURNS, names, **(values | fields))
