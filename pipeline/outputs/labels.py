"""Words the documents print, in the meeting's language (French and English), and shared formatting."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.summarize.humanize import base_language, format_date, format_duration, join_names
from pipeline.summarize.model import ActionItem, Minutes


@dataclass(frozen=True, slots=True)
class Labels:
    """Every fixed word of the documents in one language."""

    document: str
    client: str
    date: str
    time: str
    duration: str
    participants: str
    language: str
    models: str
    drafted_by: str
    summary: str
    decisions: str
    actions: str
    action: str
    owner: str
    due: str
    topics: str
    open_questions: str
    transcript: str
    participant: str
    speaking_time: str
    share: str
    page: str
    page_of: str
    no_decisions: str
    no_actions: str
    unassigned: str
    offline: str
    llm: str
    fallback: str
    locale: str
    language_names: tuple[tuple[str, str], ...]


FRENCH = Labels(
    document="Compte rendu",
    client="Client",
    date="Date",
    time="Heure",
    duration="Durée",
    participants="Participants",
    language="Langue",
    models="Modèles",
    drafted_by="Rédaction",
    summary="Résumé",
    decisions="Décisions",
    actions="Actions",
    action="Action",
    owner="Responsable",
    due="Échéance",
    topics="Sujets abordés",
    open_questions="Questions en suspens",
    transcript="Annexe : transcription",
    participant="Participant",
    speaking_time="Temps de parole",
    share="Part",
    page="Page",
    page_of="sur",
    no_decisions="Aucune décision n'a été relevée.",
    no_actions="Aucune action n'a été relevée.",
    unassigned="À désigner",
    offline="synthèse automatique hors ligne (extractive)",
    llm="synthèse par modèle de langage",
    fallback="modèle de langage indisponible, synthèse hors ligne",
    locale="fr-FR",
    language_names=(("fr", "français"), ("en", "anglais"), ("de", "allemand"), ("es", "espagnol"), ("it", "italien")),
)

ENGLISH = Labels(
    document="Minutes",
    client="Client",
    date="Date",
    time="Time",
    duration="Duration",
    participants="Participants",
    language="Language",
    models="Models",
    drafted_by="Drafted by",
    summary="Summary",
    decisions="Decisions",
    actions="Action items",
    action="Action",
    owner="Owner",
    due="Due",
    topics="Topics discussed",
    open_questions="Open questions",
    transcript="Appendix: transcript",
    participant="Participant",
    speaking_time="Speaking time",
    share="Share",
    page="Page",
    page_of="of",
    no_decisions="No decision was recorded.",
    no_actions="No action item was recorded.",
    unassigned="To be assigned",
    offline="automatic offline summary (extractive)",
    llm="language-model summary",
    fallback="language model unavailable, offline summary",
    locale="en-GB",
    language_names=(("fr", "French"), ("en", "English"), ("de", "German"), ("es", "Spanish"), ("it", "Italian")),
)


def labels_for(language: str) -> Labels:
    """The labels of `language`; English for languages without their own."""
    return FRENCH if base_language(language) == "fr" else ENGLISH


def language_name(code: str, labels: Labels) -> str:
    """ "fr" -> "français" (in the labels' own language)."""
    return dict(labels.language_names).get(code.split("-")[0].lower(), code)


def drafted_by(minutes: Minutes, labels: Labels) -> str:
    """How the minutes were written, in words."""
    if minutes.provenance.fallback_reason:
        return labels.fallback
    return labels.llm if minutes.provenance.summarizer == "llm" else labels.offline


def due_label(item: ActionItem, language: str) -> str:
    """The due date as a date when resolved, else as said, else empty."""
    if item.due is not None:
        return format_date(item.due, language)
    return item.due_text or ""


def metadata_rows(minutes: Minutes, labels: Labels) -> tuple[tuple[str, str], ...]:
    """(label, value) rows of the metadata table; rows without a value are left out."""
    lang = minutes.language
    rows = [
        (labels.client, minutes.client or ""),
        (labels.date, format_date(minutes.held_on, lang) if minutes.held_on else ""),
        (labels.time, minutes.start_time.strftime("%H:%M") if minutes.start_time else ""),
        (labels.duration, format_duration(minutes.duration, lang) if minutes.duration else ""),
        (labels.participants, join_names([p.name for p in minutes.participants], lang)),
        (labels.language, language_name(minutes.language, labels)),
        (labels.models, ", ".join(minutes.provenance.models)),
        (labels.drafted_by, drafted_by(minutes, labels)),
    ]
    return tuple((k, v) for k, v in rows if v)


def speaker_prefix(name: str, labels: Labels) -> str:
    """ "Marie : " in French typography, "Marie: " in English."""
    return f"{name}\u00a0: " if labels is FRENCH else f"{name}: "
