"""Per-language cue lexicons for the offline summariser (French and English).

Cues are regular expressions matched case-insensitively on one sentence. They describe how
people phrase decisions, commitments, requests and open points in meetings; owners and objects
are captured by the named groups ``who`` and ``what``. Adding a language means adding a
:class:`Lexicon`; no code changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.locale import FALLBACK_LANGUAGE, normalise_language


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A person's name as ASR writes it: one or two capitalised words ("Marie", "Jean-Paul Martin").
_NAME = r"\b[A-ZÀ-Ý][\w’-]+(?:\s[A-ZÀ-Ý][\w’-]+)?(?![\w’-])"
_FR_ME = r"\b(?i:je|moi)\b|\b(?i:j)'"
_EN_ME = r"\b(?i:i)\b"
# Verbs with which a speaker narrates the meeting itself ("je vais vous montrer"): not commitments.
_FR_NARRATION = (
    r"(?i:être|avoir|voir|vous|te|commencer|passer|résumer|rappeler|dire|présenter|montrer|parler"
    r"|essayer|laisser|finir|conclure|revenir|partager|juste|peut-être|entendre|m'entendre|nous entendre"
    r"|répéter|couper|rajouter|insister|préciser|citer|y venir|redire|expliquer|souligner|rebondir"
    # Verbs that are tasks with an object ("répondre au client") and narration with these ones.
    r"|répondre (?:à (?:la|votre|ta|cette|vos|ces|une) questions?|maintenant|tout de suite|sur|à ça|à cela)"
    r"|ajouter (?:une chose|un mot|quelque chose|que)|compléter (?:ce que|sur|mon propos)|terminer par"
    r"|donner (?:un|des) exemples?|reprendre (?:la parole|ce que)|poser (?:la|une) question|faire une remarque)\b"
)
_EN_NARRATION = (
    r"(?i:(?:\w+ly )?be|have|see|think|say|start|share|talk|speak|go back|go through|present|show|let|hand"
    r"|summarize|begin"
    r"|walk|try|quickly|just|probably|maybe|hear|repeat|mute|unmute|explain|mention|point out|come back to"
    r"|answer (?:the|your|that|this) question|add (?:one thing|something|a point)|give an example|wrap up)\b"
)
_FR_AUX_FUTURE = r"(?i:sera|serai|aura|aurai|pourra|pourrai|faudra|saura|voudra|verra|verrai|dira|dirai)\b"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Cues of one language.

    Attributes:
        stopwords: Function words ignored for topic segmentation and key points.
        fillers: Spoken fillers removed from the start of a sentence ("euh", "so").
        decisions: Patterns of a decision; a ``what`` group, where the cue introduces a clause
            ("nous avons décidé de ..."), is the decision itself; otherwise the whole sentence is.
        actions: Patterns of a commitment or assignment, with ``who`` and ``what`` groups.
        requests: Patterns of a request to the listener ("can you ..."), with a ``what`` group.
        team_actions: Collective intentions ("we need to"), kept only with a due date.
        questions: Patterns of a point left open.
        transitions: Phrases that open a new agenda item.
        acceptances: Openings of a reply that accepts a request ("oui", "sure").
        self_pronouns: Words by which a speaker names themself as owner.
        due_cues: Words that introduce or open a deadline ("d'ici", "by", "next").
        end_of: Words meaning "the end of" before a month ("fin", "end").
        date_suffixes: Words that qualify a date just before them ("prochain", "morning").
        vague_objects: Objects that only point back to something said before ("it", "ça").
        numbers: Number words, which alone are quantities, not dates ("trois semaines de travail").
        irregular_futures: Future stems whose infinitive is not regular ("enverr" -> "envoyer").
    """

    stopwords: frozenset[str]
    fillers: tuple[str, ...]
    decisions: tuple[str, ...]
    actions: tuple[str, ...]
    requests: tuple[str, ...]
    team_actions: tuple[str, ...]
    questions: tuple[str, ...]
    transitions: tuple[str, ...]
    acceptances: tuple[str, ...]
    self_pronouns: frozenset[str]
    due_cues: frozenset[str]
    end_of: frozenset[str]
    date_suffixes: frozenset[str]
    vague_objects: frozenset[str]
    numbers: frozenset[str] = frozenset()
    irregular_futures: tuple[tuple[str, str], ...] = ()


_FR_STOP = _words(
    """a à afin ai aie aient ainsi alors as au aucun aujourd auquel aussi autre autres aux avais avait avant avec
    avez avoir avons bah ben bien bon c ça ca car ce ceci cela celle celles celui cependant certain ces cet cette
    ceux chaque chez ci comme comment d dans de des deux dire dit dois doit donc dont du elle elles en encore est
    et étaient était été être eu eux fait faire faut fois font hein il ils j je jusqu l la là le les leur leurs lui
    m ma mais me même mes moi mon n ne ni non nos notre nous on ont ou où oui par parce pas peu peut peux plus
    pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans se ses si sien soit son sont sur ta te
    tes toi ton tous tout toute toutes très tu un une va vais vas vers voilà vos votre vous vraiment y euh
    effectivement enfin après ok okay d'accord voir avez-vous peut-être aussi là-dessus juste chose choses trop
    assez déjà ici bref point points ensuite puis mettre mis veux voulez vont allons allez faudrait falloir"""
)

_EN_STOP = _words(
    """a about above after again against all also am an and any are aren as at be because been before being below
    between both but by can could did do does doing don down during each few for from further had has have having he
    her here hers herself him himself his how i i'm i'll i've if in into is it it's its itself just let let's me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that that's the their theirs them themselves then there these they this those through to too
    under until up very was we we're we'll we've were what when where which while who whom why will with would you
    your yours yourself yourselves yeah yes okay ok um uh well really actually think thing things going get got
    gonna want need like know right sure maybe one two also just still kind sort lot bit yep point next"""
)

FRENCH = Lexicon(
    stopwords=_FR_STOP,
    fillers=(
        r"euh+",
        r"bon",
        r"alors",
        r"ben",
        r"bah",
        r"donc",
        r"enfin",
        r"voilà",
        r"ok(?:ay)?",
        r"oui",
        r"d'accord",
        r"écoutez",
        r"écoute",
        r"en fait",
        r"du coup",
        r"bref",
        r"très bien",
        r"parfait",
    ),
    decisions=(
        (
            r"\b(?:nous avons|on a|j'ai|ils ont) (?:donc )?(?:décidé|convenu|tranché|arrêté|validé|acté|"
            r"retenu)\b\s*(?:de |d'|que |qu')?(?P<what>.*)"
        ),
        (
            r"\b(?:il est|il a été|c'est) (?:donc )?(?:convenu|décidé|acté|validé|entendu)\b\s*(?:de |d'|que |"
            r"qu')?(?P<what>.*)"
        ),
        (
            r"\b(?:nous validons|on valide|nous retenons|on retient|on acte|nous actons|on part sur|"
            r"nous partons sur|on garde|on reste sur)\b"
        ),
        r"\b(?:la décision est|décision\s*:)\s*(?:de |d'|que |qu')?(?P<what>.*)",
        r"\b(?:on est|nous sommes|tout le monde est) (?:tous )?d'accord (?:pour|sur)\s*(?P<what>.*)",
        r"\b(?:c'est|ce sera) (?:donc )?(?:validé|approuvé|adopté)\b",
    ),
    actions=(
        (
            rf"(?P<who>{_NAME}|{_FR_ME})\s*(?i:se charge(?:ra)?|me charge(?:rai)?|s'occupe(?:ra)?|m'occupe(?:rai)?|"
            rf"prend(?:ra)? en charge|prends en charge|prendrai en charge)\s*(?i:de |d'|du |des )?(?P<what>.*)"
        ),
        rf"(?P<who>{_NAME}|{_FR_ME})\s+(?i:m'en|s'en)\s+(?i:charge|occupe|occuper|charger)\b(?P<what>.*)",
        rf"(?P<who>{_NAME}|{_FR_ME})\s+(?i:va|vais|doit|dois|devra|devrai)\s+(?P<what>(?!{_FR_NARRATION})\w.*)",
        rf"(?P<who>{_NAME}|{_FR_ME})\s*(?P<what>(?!{_FR_AUX_FUTURE})(?P<future>\w+(?:rai|ra))\b.*)",
        rf"(?i:il faut que|faut que)\s+(?P<who>{_NAME}|{_FR_ME})\s*(?P<what>.*)",
        rf"(?i:actions? (?:pour|à))\s+(?P<who>{_NAME})\s*:?\s*(?P<what>.*)",
        (
            rf"(?P<who>{_NAME})\s*,\s*(?i:(?:est-ce que )?(?:tu peux|tu pourrais|peux-tu|pourrais-tu|vous pouvez|"
            rf"vous pourriez|pouvez-vous|pourriez-vous|tu veux bien|merci de))\s+(?P<what>.*)"
        ),
    ),
    requests=(
        (
            r"\b(?:est-ce que )?(?:tu peux|tu pourrais|peux-tu|pourrais-tu|vous pouvez|vous pourriez|pouvez-vous|"
            rf"pourriez-vous|quelqu'un peut)\s+(?P<what>(?!{_FR_NARRATION}).*)"
        ),
    ),
    team_actions=(
        r"\b(?:il faut|il faudra|il faudrait|on doit|nous devons|on va|nous allons|on devra)\s+(?P<what>.*)",
    ),
    questions=(
        r"\b(?:reste à|restent à) (?:définir|voir|trancher|confirmer|déterminer|valider|clarifier)\b",
        r"\bquestion (?:ouverte|en suspens)\b",
        (
            r"\b(?:on ne sait pas|nous ne savons pas|on n'a pas|nous n'avons pas) (?:encore )?(?:si|qui|quand|"
            r"comment|combien|tranché|décidé|de réponse)\b"
        ),
        r"\bpas encore (?:tranché|décidé|validé|clair|défini|arrêté)\b",
        r"\b(?:à confirmer|à définir|à préciser|à clarifier|en suspens)\b",
        r"\bon (?:en )?reparlera\b",
    ),
    transitions=(
        r"\b(?:on commence par|commençons par|pour commencer|en premier lieu)\b",
        r"\b(?:passons|on passe|je passe|passer|on enchaîne|enchaînons)\b",
        (
            r"\b(?:point suivant|prochain point|dernier point|premier point|deuxième point|troisième point|"
            r"autre point|sujet suivant)\b"
        ),
        r"\b(?:à l'ordre du jour|parlons de|concernant maintenant|revenons à)\b",
    ),
    acceptances=(
        "oui",
        "d'accord",
        "ok",
        "okay",
        "entendu",
        "ça marche",
        "pas de souci",
        "pas de problème",
        "je m'en occupe",
        "je m'en charge",
        "bien sûr",
        "volontiers",
        "c'est noté",
        "noté",
    ),
    self_pronouns=frozenset({"je", "j'", "moi", "j’"}),
    due_cues=frozenset(
        {"d'ici", "avant", "pour", "dès", "jusqu'à", "sous", "le", "la", "au", "du", "plus", "tard", "à", "en", "de"}
    ),
    end_of=frozenset({"fin"}),
    date_suffixes=frozenset(
        {"prochain", "prochaine", "matin", "soir", "après-midi", "midi", "dernier", "au", "plus", "tard"}
    ),
    vague_objects=frozenset(
        {
            "ça",
            "cela",
            "le faire",
            "ce point",
            "ce sujet",
            "y",
            "s'en",
            "m'en",
            "en",
            "cette partie",
            "de ça",
            "ce",
            "c'est",
            "c",
            "noté",
        }
    ),
    numbers=_words("""un une deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente quarante
                      cinquante soixante cent mille"""),
    irregular_futures=(
        ("enverr", "envoyer"),
        ("fer", "faire"),
        ("ir", "aller"),
        ("viendr", "venir"),
        ("tiendr", "tenir"),
        ("devr", "devoir"),
        ("recevr", "recevoir"),
        ("obtiendr", "obtenir"),
        ("reverr", "revoir"),
        ("reviendr", "revenir"),
        ("saur", "savoir"),
        ("pourr", "pouvoir"),
        ("appeller", "appeler"),
        ("rappeller", "rappeler"),
    ),
)

ENGLISH = Lexicon(
    stopwords=_EN_STOP,
    fillers=(
        r"um+",
        r"uh+",
        r"so",
        r"well",
        r"okay",
        r"ok",
        r"right",
        r"alright",
        r"yeah",
        r"yes",
        r"sure",
        r"you know",
        r"i mean",
        r"great",
        r"good",
        r"fine",
        r"anyway",
        r"perfect",
    ),
    decisions=(
        (
            r"\b(?:we|they|i|everyone|everybody) (?:have |'ve |all |then )?(?:agreed|decided|settled|approved|"
            r"confirmed)\b\s*(?:on |to |that |upon )?(?P<what>.*)"
        ),
        (
            r"\b(?:it was|it's|it is|that's|that is) (?:agreed|decided|settled|approved|confirmed)\b\s*(?:then|"
            r":)?\s*(?:on |to |that )?(?P<what>.*)"
        ),
        (
            r"\b(?:let's go with|we'll go with|we are going with|we're going with|we will go with|we go with|"
            r"we'll keep|we keep)\b"
        ),
        r"\b(?:the decision is|decision\s*:|final decision\s*:?|the plan is)\s*(?:to |that )?(?P<what>.*)",
        (
            r"\b(?:we're|we are|everyone is|everybody is) (?:all )?(?:agreed|in agreement|aligned) (?:on |to |"
            r"that )?(?P<what>.*)"
        ),
    ),
    actions=(
        (
            rf"(?P<who>{_NAME}|{_EN_ME})\s*(?i:will|'ll|shall|is going to|am going to|'m going to|needs to|has to|"
            rf"must|can)\s+(?i:take care of|handle|own|look into|follow up on)\s*(?P<what>.*)"
        ),
        (
            rf"(?P<who>{_NAME}|{_EN_ME})\s*(?i:will|'ll|shall|is going to|am going to|'m going to|needs to|has to|"
            rf"must)\s+(?P<what>(?!{_EN_NARRATION})\w.*)"
        ),
        (
            rf"(?P<who>{_NAME}|{_EN_ME})\s+(?i:can take|takes|will take|'ll take|owns|take)\s+(?i:care of |"
            rf"charge of |ownership of |on )?(?P<what>.*)"
        ),
        rf"^(?P<who>{_NAME}) to (?P<what>\w.*)",
        rf"(?i:action(?: item)?s? (?:for|on))\s+(?P<who>{_NAME})\s*:?\s*(?P<what>.*)",
        rf"(?P<who>{_NAME})\s*,\s*(?i:can you|could you|would you|will you|please)\s+(?P<what>.*)",
    ),
    requests=(
        (
            r"\b(?:can you|could you|would you|will you|can someone|could someone)\s+(?:please\s+)?"
            rf"(?P<what>(?!{_EN_NARRATION}).*)"
        ),
    ),
    team_actions=(r"\b(?:we need to|we have to|we must|we should|we'll need to|we will|we'll|let's)\s+(?P<what>.*)",),
    questions=(
        r"\b(?:still|yet) to be (?:decided|determined|defined|confirmed|clarified)\b",
        r"\b(?:to be determined|to be confirmed|tbd|tbc|open question|still open|up in the air|remains to be seen)\b",
        (
            r"\b(?:we don't know|we do not know|we still don't know|not sure yet|we haven't decided|"
            r"we have not decided|no decision yet)\b"
        ),
        r"\b(?:we'll|we will|let's) (?:come back to|revisit|circle back)\b",
    ),
    transitions=(
        r"\b(?:let's start with|let's begin with|to start with|first up)\b",
        (
            r"\b(?:moving on|move on|let's turn to|turning to|next item|next point|next topic|last item|"
            r"last point|first item|first point|second item|second point|let's talk about|on the agenda)\b"
        ),
    ),
    acceptances=(
        "yes",
        "yeah",
        "sure",
        "ok",
        "okay",
        "will do",
        "no problem",
        "of course",
        "i'll do it",
        "i'll handle it",
        "i can do that",
        "got it",
        "absolutely",
        "fine",
    ),
    self_pronouns=frozenset({"i", "me"}),
    due_cues=frozenset(
        {
            "by",
            "before",
            "until",
            "on",
            "no",
            "later",
            "than",
            "within",
            "for",
            "in",
            "at",
            "the",
            "end",
            "of",
            "next",
            "this",
            "coming",
        }
    ),
    end_of=frozenset({"end"}),
    date_suffixes=frozenset({"morning", "afternoon", "evening", "night", "noon", "eod", "cob", "at", "the", "latest"}),
    vague_objects=frozenset(
        {
            "it",
            "that",
            "this",
            "do it",
            "do that",
            "handle it",
            "take it",
            "on it",
            "one",
            "care of it",
            "care of that",
            "that one",
        }
    ),
    numbers=_words("""one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
                      fifty sixty hundred thousand couple few several"""),
)

# Keyed by the codes of pipeline.locale, like every other table of a language.
_LEXICONS = {"fr": FRENCH, "en": ENGLISH}


def lexicon_for(language: str) -> Lexicon:
    """The lexicon of `language` (any code :func:`~pipeline.locale.normalise_language` reads); English without one."""
    return _LEXICONS[lexicon_language(language)]


def lexicon_language(language: str) -> str:
    """The code of the lexicon :func:`lexicon_for` gives `language` (its dates are parsed in that language)."""
    code = normalise_language(language)
    return code if code in _LEXICONS else FALLBACK_LANGUAGE
