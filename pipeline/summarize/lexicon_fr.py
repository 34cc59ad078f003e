"""French cues of the offline summariser: how French speakers phrase decisions, commitments and open points."""

from __future__ import annotations

from pipeline.summarize.lexicon_model import NAME, Lexicon, words

_FR_ME = r"\b(?i:je|moi)\b|\b(?i:j)'"
_FR_NARRATION = (
    r"(?i:être|avoir|voir|vous|te|commencer|passer|résumer|rappeler|dire|présenter|montrer|parler"
    r"|essayer|laisser|finir|conclure|revenir|partager|juste|peut-être|entendre|m'entendre|nous entendre"
    r"|répéter|couper|rajouter|insister|préciser|citer|y venir|redire|expliquer|souligner|rebondir"
    # Verbs that are tasks with an object ("répondre au client") and narration with these ones.
    r"|répondre (?:à (?:la|votre|ta|cette|vos|ces|une) questions?|maintenant|tout de suite|sur|à ça|à cela)"
    r"|ajouter (?:une chose|un mot|quelque chose|que)|compléter (?:ce que|sur|mon propos)|terminer par"
    r"|donner (?:un|des) exemples?|reprendre (?:la parole|ce que)|poser (?:la|une) question|faire une remarque)\b"
)
_FR_AUX_FUTURE = r"(?i:sera|serai|aura|aurai|pourra|pourrai|faudra|saura|voudra|verra|verrai|dira|dirai)\b"


_FR_STOP = words(
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
            rf"(?P<who>{NAME}|{_FR_ME})\s*(?i:se charge(?:ra)?|me charge(?:rai)?|s'occupe(?:ra)?|m'occupe(?:rai)?|"
            rf"prend(?:ra)? en charge|prends en charge|prendrai en charge)\s*(?i:de |d'|du |des )?(?P<what>.*)"
        ),
        rf"(?P<who>{NAME}|{_FR_ME})\s+(?i:m'en|s'en)\s+(?i:charge|occupe|occuper|charger)\b(?P<what>.*)",
        rf"(?P<who>{NAME}|{_FR_ME})\s+(?i:va|vais|doit|dois|devra|devrai)\s+(?P<what>(?!{_FR_NARRATION})\w.*)",
        rf"(?P<who>{NAME}|{_FR_ME})\s*(?P<what>(?!{_FR_AUX_FUTURE})(?P<future>\w+(?:rai|ra))\b.*)",
        rf"(?i:il faut que|faut que)\s+(?P<who>{NAME}|{_FR_ME})\s*(?P<what>.*)",
        rf"(?i:actions? (?:pour|à))\s+(?P<who>{NAME})\s*:?\s*(?P<what>.*)",
        (
            rf"(?P<who>{NAME})\s*,\s*(?i:(?:est-ce que )?(?:tu peux|tu pourrais|peux-tu|pourrais-tu|vous pouvez|"
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
    numbers=words("""un une deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente quarante
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
