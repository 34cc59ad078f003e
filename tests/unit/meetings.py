"""Hand-written meeting transcripts (French and English) shaped like the ASR + diarization output."""

from __future__ import annotations

from datetime import date

from pipeline.types import SpeakerTranscript, Utterance, Word

FR_DATE = date(2025, 3, 12)  # a Wednesday
EN_DATE = date(2025, 6, 4)  # a Wednesday

_SECONDS_PER_WORD = 0.38
_PAUSE = 0.6

FR_TURNS: tuple[tuple[str, str], ...] = (
    ("SPEAKER_00", "Bonjour à tous. On commence le comité de pilotage de la refonte du site du cabinet."),
    ("SPEAKER_00", "Premier point : l'avancement des maquettes."),
    ("SPEAKER_01", "Alors les maquettes de la page d'accueil et des pages services sont terminées."),
    ("SPEAKER_01", "Il reste les maquettes mobiles, elles sont en cours et devraient être prêtes assez vite."),
    (
        "SPEAKER_02",
        ("J'ai regardé les maquettes hier, la page d'accueil est très claire, les retours de l'équipe sont positifs."),
    ),
    ("SPEAKER_02", "Par contre la page contact est trop chargée, il faudrait simplifier le formulaire."),
    ("SPEAKER_01", "D'accord, je vais simplifier le formulaire de contact d'ici vendredi."),
    (
        "SPEAKER_00",
        (
            "Très bien. Et pour la validation des maquettes par le client, Julien, tu peux envoyer "
            "les maquettes à Thomas Girard avant le 20 mars ?"
        ),
    ),
    ("SPEAKER_01", "Oui, pas de souci."),
    (
        "SPEAKER_00",
        ("Donc il est convenu que les maquettes mobiles seront présentées au client lors du prochain comité."),
    ),
    ("SPEAKER_00", "Passons au budget."),
    ("SPEAKER_02", "Le budget initial était de quarante mille euros et nous sommes à trente et un mille engagés."),
    (
        "SPEAKER_02",
        (
            "Le développement du module de prise de rendez-vous coûte plus cher que prévu, environ "
            "six mille euros de plus."
        ),
    ),
    (
        "SPEAKER_01",
        ("Le module de rendez-vous demande une intégration avec leur agenda, c'est ça qui augmente le budget."),
    ),
    ("SPEAKER_00", "Est-ce qu'on peut réduire le périmètre du module pour rester dans le budget ?"),
    ("SPEAKER_01", "On peut retirer les rappels par SMS, ça économise deux mille euros sur le module."),
    ("SPEAKER_02", "Les rappels par SMS ne sont pas indispensables pour le lancement."),
    ("SPEAKER_00", "Nous avons décidé de retirer les rappels par SMS de la première version du module."),
    ("SPEAKER_00", "Sophie se charge de préparer un budget révisé pour le client pour la semaine prochaine."),
    ("SPEAKER_02", "Entendu, je mettrai aussi à jour le tableau de suivi des dépenses."),
    ("SPEAKER_00", "La question du budget de maintenance reste à définir avec le client."),
    ("SPEAKER_00", "Point suivant : le planning de mise en ligne."),
    ("SPEAKER_01", "Côté développement, l'intégration des pages peut commencer dès que les maquettes sont validées."),
    ("SPEAKER_01", "Il faut compter trois semaines de développement et une semaine de recette."),
    ("SPEAKER_02", "La mise en ligne avant le salon de Lyon serait idéale pour la communication."),
    (
        "SPEAKER_00",
        ("Le salon de Lyon a lieu début mai, la mise en ligne est donc possible si la recette se passe bien."),
    ),
    ("SPEAKER_00", "On valide la mise en ligne pour le 28 avril."),
    ("SPEAKER_02", "Je préparerai la campagne d'annonce de la mise en ligne pour le 15 avril."),
    ("SPEAKER_00", "On ne sait pas encore qui fera la formation des assistantes au nouvel outil."),
    ("SPEAKER_00", "Parfait, merci à tous, on se revoit dans deux semaines."),
)

FR_NAMES = (("SPEAKER_00", "Claire Martin"), ("SPEAKER_01", "Julien Moreau"), ("SPEAKER_02", "Sophie Bernard"))

EN_TURNS: tuple[tuple[str, str], ...] = (
    ("SPEAKER_00", "Good morning everyone. Let's start with the status of the mobile app release."),
    ("SPEAKER_01", "The new onboarding screens are done and the beta build went out to testers on Monday."),
    ("SPEAKER_01", "We have around forty testers so far and the crash rate is below one percent."),
    (
        "SPEAKER_02",
        ("The testers like the onboarding screens, but several complained that the sign up form is too long."),
    ),
    ("SPEAKER_01", "I'll shorten the sign up form and push a new beta build by Friday."),
    ("SPEAKER_00", "Great. We agreed to ship the release to the app stores on June 23."),
    ("SPEAKER_00", "Moving on to the marketing launch."),
    ("SPEAKER_02", "The launch campaign is ready, we have the press release, the landing page and the social posts."),
    ("SPEAKER_02", "The landing page still needs the final screenshots from the release build."),
    ("SPEAKER_00", "Could you send the final screenshots to the design agency?"),
    ("SPEAKER_01", "Sure, I can do that."),
    ("SPEAKER_02", "We also need a budget for paid ads during the launch week."),
    ("SPEAKER_00", "Let's go with a paid ads budget of five thousand dollars for the launch week."),
    ("SPEAKER_00", "Priya will prepare the press kit for journalists by next Wednesday."),
    ("SPEAKER_02", "Okay. Whether we attend the Berlin conference is still to be decided."),
    ("SPEAKER_00", "Next item: customer support for the launch."),
    ("SPEAKER_01", "Support tickets will probably double after the launch, based on the beta feedback."),
    ("SPEAKER_02", "The help center articles are outdated, most support tickets are about the new sign up form."),
    ("SPEAKER_00", "Tom, can you update the help center articles before the launch?"),
    (
        "SPEAKER_03",
        ("Yes, I will update the help center articles and train the support team on the new onboarding screens."),
    ),
    ("SPEAKER_00", "Thanks everyone, let's meet again next week."),
)

EN_NAMES = (
    ("SPEAKER_00", "Dana Lee"),
    ("SPEAKER_01", "Marcus Green"),
    ("SPEAKER_02", "Priya Shah"),
    ("SPEAKER_03", "Tom Walsh"),
)


def build_transcript(
    turns: tuple[tuple[str, str], ...], language: str, names: tuple[tuple[str, str], ...] = ()
) -> SpeakerTranscript:
    """Time the turns at a steady speaking rate, with words as faster-whisper gives them."""
    clock = 1.0
    utterances = []
    for speaker, text in turns:
        words = []
        for token in text.split():
            words.append(Word(clock, clock + _SECONDS_PER_WORD * 0.9, " " + token, 0.95))
            clock += _SECONDS_PER_WORD
        utterances.append(Utterance(speaker, words[0].start, words[-1].end, text, tuple(words)))
        clock += _PAUSE
    return SpeakerTranscript(language, round(clock + 1.0, 2), tuple(utterances), names)


def french_meeting(named: bool = True) -> SpeakerTranscript:
    return build_transcript(FR_TURNS, "fr", FR_NAMES if named else ())


def english_meeting(named: bool = True) -> SpeakerTranscript:
    return build_transcript(EN_TURNS, "en", EN_NAMES if named else ())
