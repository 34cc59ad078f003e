"""The faithfulness gate: invented names, numbers, owners and due dates never reach the minutes."""

from __future__ import annotations

from datetime import date

from pipeline.summarize.grounding import Gate
from pipeline.summarize.model import ActionItem, Digest, GateCounts, Provenance, Statement, Topic
from pipeline.transcripts import Turn, transcript_from_turns

HELD_ON = date(2025, 3, 12)  # a Wednesday
TURNS = [
    Turn("Claire Martin", "Le budget initial était de quarante mille euros, nous en sommes à 31 000."),
    Turn("Julien Moreau", "Je vais simplifier le formulaire de contact d'ici vendredi."),
    Turn("Claire Martin", "Sophie prépare le budget révisé. Le gouvernement décidera à 65 ans."),
]


def _gate() -> Gate:
    st = transcript_from_turns(TURNS, "fr")
    return Gate(st, ("Claire Martin", "Julien Moreau"), HELD_ON, "fr")


def _digest(**fields: object) -> Digest:
    values: dict[str, object] = {
        "summary": "",
        "topics": (),
        "decisions": (),
        "action_items": (),
        "open_questions": (),
        "provenance": Provenance("test"),
    }
    return Digest(**(values | fields))  # type: ignore[arg-type]


def test_sentences_naming_what_was_never_said_are_dropped_and_counted() -> None:
    gate = _gate()
    digest = gate.check(
        _digest(
            summary=(
                "Claire Martin rappelle un budget de quarante mille euros. "
                "Le comité se tiendra à Marseille. Julien Moreau cite 31 000 engagés. On dépasse de 6 000."
            ),
            topics=(
                Topic("Budget", 0, 10, (Statement("Avis de Bruno Lemaire.", 0, 1), Statement("Budget révisé.", 1, 2))),
                Topic("Paris", 10, 20, ()),
            ),
            decisions=(Statement("Valider le budget révisé.", 0, 1), Statement("Valider la V2 en juin.", 0, 1)),
        )
    )
    assert digest.summary == (
        "Claire Martin rappelle un budget de quarante mille euros. Julien Moreau cite 31 000 engagés."
    )
    assert [t.title for t in digest.topics] == ["Budget"]
    assert [p.text for p in digest.topics[0].key_points] == ["Budget révisé."]
    assert [d.text for d in digest.decisions] == ["Valider le budget révisé."]
    assert digest.provenance.gate == GateCounts(items_dropped=1, sentences_dropped=4)


def test_owners_and_due_dates_must_come_from_where_the_action_was_said() -> None:
    st = transcript_from_turns(TURNS, "fr")
    start_of = [u.start for u in st.utterances]
    actions = (
        # Said with its phrase: kept whole.
        ActionItem("Simplifier le formulaire.", "Julien Moreau", date(2025, 3, 14), "d'ici vendredi", start_of[1]),
        # A writer that gave only the ISO date: the phrase said for that day is found.
        ActionItem("Simplifier le formulaire.", "Julien Moreau", date(2025, 3, 14), "2025-03-14", start_of[1]),
        # A person named where it was said, not a participant: kept; a date no one said: removed.
        ActionItem("Préparer le budget révisé.", "Sophie", date(2025, 3, 21), None, start_of[2]),
        # A capitalised common word is no owner; an age is no due date.
        ActionItem("Décider.", "Gouvernement", None, "à 65 ans", start_of[2]),
        # An owner nobody named.
        ActionItem("Relancer le client.", "Bruno", None, None, start_of[2]),
    )
    gate = _gate()
    kept = gate.check(_digest(action_items=actions)).action_items
    assert [(a.owner, a.due, a.due_text) for a in kept] == [
        ("Julien Moreau", date(2025, 3, 14), "d'ici vendredi"),
        ("Julien Moreau", date(2025, 3, 14), "d'ici vendredi"),
        ("Sophie", None, None),
        (None, None, None),
        (None, None, None),
    ]
    assert gate.counts == GateCounts(owners_removed=2, dues_removed=2)
