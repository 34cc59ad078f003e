"""The local model's instructions, written in the meeting's language.

A 1.5B model asked in English for French minutes drifts into English halfway through a
sentence; asked in French, it stays in French. A language without its own wording here gets
the English instructions with its name as the language to write in.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.locale import language_name, normalise_language


@dataclass(frozen=True, slots=True)
class Wording:
    """Everything the prompt says, in one language. ``{language}`` and ``{span}`` are filled in."""

    system: str
    summary: str
    topic_points: str
    statements: str  # the heading above the numbered statements
    span: str  # "{low} to {high}"


_EN = Wording(
    system=(
        "You are a professional minute-taker. You write the minutes, in {language}, from the numbered "
        "statements of a meeting or a debate, grouped by speaker. Rules: third person, reported speech, "
        "factual and neutral, no emotion and no opinion of your own. Every sentence begins with the full "
        "name of the speaker whose statements it reports, followed by a verb such as argues that, "
        "proposes, recalls that, disputes. Use only the facts, names, numbers, dates and places in the "
        "statements: never add any. Short sentences (at most 30 words), one idea each: condense, do not "
        "copy. Replace I, we and you by the person meant. Leave out hesitations, repetitions and "
        'rhetorical questions. In "sources", give the numbers of the statements each sentence rests on. '
        "Answer with JSON only.\n"
        'Example: "Marie Dupont proposes postponing the launch until the budget is approved."'
    ),
    summary="Write ONE paragraph of {span} sentences summarising these statements: who argued, proposed or "
    "concluded what.",
    topic_points="Rewrite these statements as the key points of the minutes, in their order: one clean sentence "
    "per point, at most one per statement; merge statements that say the same thing.",
    statements="Statements:",
    span="{low} to {high}",
)

_FR = Wording(
    system=(
        "Tu es secrétaire de séance. Tu rédiges le compte rendu, en français, à partir des déclarations "
        "numérotées d'une réunion ou d'un débat, regroupées par intervenant. Règles : style administratif, "
        "troisième personne, discours indirect, factuel et neutre, sans émotion ni opinion. Chaque phrase "
        "commence par le prénom et le nom de la personne dont elle rapporte les propos, suivis d'un verbe "
        "comme « estime que », « propose de », « rappelle que », « conteste ». N'utilise que les faits, "
        "noms, chiffres, dates et lieux présents dans les déclarations ; n'en ajoute aucun. Phrases courtes "
        "(30 mots au plus), une idée chacune : résume, ne recopie pas. Remplace « je », « nous » et « vous » "
        "par la personne désignée. Omets les hésitations, les répétitions et les questions rhétoriques. "
        "Dans « sources », donne les numéros des déclarations sur lesquelles repose chaque phrase. "
        "Réponds uniquement en JSON, en français.\n"
        "Exemple : « Jordan Bardella estime que la hausse des prix pèse sur les ménages. »"
    ),
    summary="Rédige UN paragraphe de {span} phrases qui résume ces déclarations : qui a soutenu, proposé ou "
    "conclu quoi.",
    topic_points="Réécris ces déclarations comme les points clés du compte rendu, dans leur ordre : une phrase "
    "nette par point, au plus une par déclaration ; fusionne celles qui disent la même chose.",
    statements="Déclarations :",
    span="{low} à {high}",
)

_WORDINGS = {"en": _EN, "fr": _FR}


def wording_for(language: str) -> tuple[Wording, str]:
    """The instructions for minutes in `language`, and that language's name to fill ``{language}`` with."""
    code = normalise_language(language)
    wording = _WORDINGS.get(code, _EN)
    return wording, language_name(code, code if code in _WORDINGS else "en")
