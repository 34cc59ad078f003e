"""French: every fixed wording the documents, emails, notes and summaries write."""

from __future__ import annotations

from pipeline.locale.schema import (
    AlertWording,
    CallNoteWording,
    DateWords,
    DocumentLabels,
    EmailWording,
    FormalWording,
    Locale,
    NoteWording,
    SummaryWording,
)

LOCALE = Locale(
    code="fr",
    tag="fr-FR",
    separator="\u00a0: ",
    percent="{n}\u202f%",
    conjunction="et",
    speaker="Intervenant",
    default_title="Compte rendu de réunion",
    language_names=(("fr", "français"), ("en", "anglais"), ("de", "allemand"), ("es", "espagnol"), ("it", "italien")),
    dates=DateWords(
        months=(
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        first_of_month="1er",
        long_date="{weekday} {day} {month} {year}",
        short_date="{day:02d}/{month:02d}/{year}",
        numeric_date="{day:02d}/{month:02d}/{year}",
        clock="{hour}\u00a0h\u00a0{minute:02d}",
    ),
    document=DocumentLabels(
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
        gate="Contrôle de fidélité",
        gate_counts=(
            "responsables retirés : {owners} ; échéances retirées : {dues} ; éléments écartés : {items} ; "
            "phrases écartées : {sentences}"
        ),
        translated="Synthèse traduite en",
        reviewed_by="Relu par",
        audio_track="piste audio {number} sur {total}",
        overlap="(chevauchement)",
        kinds=(
            ("detailed", "Compte rendu détaillé"),
            ("decisions", "Relevé de décisions"),
            ("formal", "Procès-verbal"),
            ("call_note", "Note d'appel"),
        ),
        titles=(
            ("detailed", "Compte rendu de réunion"),
            ("decisions", "Relevé de décisions"),
            ("formal", "Procès-verbal de réunion"),
            ("call_note", "Note d'appel téléphonique"),
        ),
    ),
    formal=FormalWording(
        present="Présents",
        agenda="Ordre du jour",
        proceedings="Déroulement de la séance",
        decision="Décision",
        other_decisions="Autres décisions",
        follow_up="Suites à donner",
        no_agenda="Aucun point de l'ordre du jour n'a été relevé.",
        opening="La séance est ouverte à {time}.",
        closing="L'ordre du jour étant épuisé, la séance est levée à {time}.",
        closing_untimed="L'ordre du jour étant épuisé, la séance est levée.",
        chair="Le président de séance",
        secretary="Le secrétaire de séance",
        signature="Signature",
    ),
    call=CallNoteWording(
        caller="Appelant",
        subject="Objet",
        request="Demande",
        callback_number="Numéro de rappel",
        callback_time="Rappeler",
        message="Message",
        to_do="Suite à donner",
        not_given="Non précisé",
    ),
    summary=SummaryWording(
        meeting="Réunion de {duration} entre {people}.",
        meeting_one="Réunion de {duration} avec {people}.",
        between="Échange entre {people}.",
        empty="Aucun propos exploitable n'a été enregistré.",
    ),
    email=EmailWording(
        subjects=(
            ("detailed", "Compte rendu"),
            ("decisions", "Relevé de décisions"),
            ("formal", "Procès-verbal"),
            ("call_note", "Note d'appel"),
        ),
        hello="Bonjour,",
        intros=(
            ("detailed", "Veuillez trouver ci-joint le compte rendu de la réunion « {title} »{when}."),
            ("decisions", "Veuillez trouver ci-joint le relevé de décisions de la réunion « {title} »{when}."),
            ("formal", "Veuillez trouver ci-joint le procès-verbal de la réunion « {title} »{when}."),
            ("call_note", "Veuillez trouver ci-joint la note de l'appel « {title} »{when}."),
        ),
        when=" du {date}",
        attached=(
            ("detailed", "Le compte rendu complet et la transcription figurent dans le document Word joint."),
            ("decisions", "Le relevé complet figure dans le document Word joint."),
            ("formal", "Le procès-verbal complet figure dans le document Word joint."),
            ("call_note", "La note d'appel figure dans le document Word joint."),
        ),
        regards="Bien cordialement,",
        signature="Le secrétariat",
        confidential=(
            "Ce message et sa pièce jointe sont confidentiels et destinés uniquement à leurs "
            "destinataires. Si vous l'avez reçu par erreur, merci de le supprimer et de nous "
            "en informer."
        ),
    ),
    alert=AlertWording(
        subject="Échec\u00a0:",
        failed="Un traitement a échoué.",
        client="Client",
        recording="Enregistrement",
        date="Date",
        reason="Raison",
        run="Exécution",
    ),
    notes=NoteWording(
        separator=" : ",
        failed="Ce fichier n'a pas pu être traité.",
        file="Fichier",
        client="Client",
        when="Date",
        reason="Raison",
        details="Détail technique",
        advice=(
            "Que faire : vérifiez le fichier, puis déposez-le de nouveau dans le dossier du client "
            "(inbox). Si le problème persiste, transmettez cette note à l'opérateur."
        ),
        duplicate="Ce fichier n'a pas été traité une seconde fois : le même enregistrement a déjà été reçu.",
        first="Reçu la première fois sous le nom",
        state="État du premier envoi",
        dup_advice="Aucun nouveau compte rendu n'a été envoyé. Pour le renvoyer, demandez-le à l'opérateur.",
        states=(
            ("received", "reçu"),
            ("processing", "en cours de traitement"),
            ("done", "traité"),
            ("failed", "en échec"),
        ),
        reasons=(
            ("empty", "Le fichier est vide ou l'enregistrement est trop court."),
            ("no_audio", "Le fichier ne contient pas de piste audio (vidéo sans son ?)."),
            ("not_media", "Ce fichier n'est pas un enregistrement audio ou vidéo lisible."),
            ("corrupt", "L'enregistrement est endommagé ou incomplet (copie interrompue ?)."),
            (
                "unsupported",
                "Le format de l'enregistrement n'est pas pris en charge (fréquence d'échantillonnage "
                "inférieure à 4000 Hz ou plus de 64 canaux) ; exportez-le à nouveau en fichier audio ordinaire.",
            ),
            ("decode", "L'enregistrement n'a pas pu être lu."),
            (
                "no_speech",
                "Aucune parole n'a été trouvée dans cet enregistrement : silence, bruit ou musique "
                "seulement. Vérifiez le fichier ou, s'il en a plusieurs, sa piste audio.",
            ),
            (
                "vanished",
                "L'enregistrement a été déplacé ou supprimé du dossier de traitement pendant son "
                "traitement. Déposez-le à nouveau dans le dossier du client pour qu'il soit traité.",
            ),
            (
                "transcript",
                "Ce fichier de transcription n'a pas pu être lu (vide, endommagé, mal encodé ou contenant du "
                "code) ; exportez-le à nouveau depuis l'outil de réunion (.vtt, .docx, .srt ou .txt).",
            ),
            ("delivery", "Le compte rendu a été rédigé mais l'e-mail n'a pas pu être envoyé."),
            ("document", "Le document n'a pas pu être écrit."),
            ("model", "Le service de transcription n'est pas disponible."),
            ("pipeline", "Le traitement a échoué."),
            ("unexpected", "Une erreur inattendue s'est produite pendant le traitement."),
        ),
        intake=(
            (
                "link_outside",
                "Ce fichier est un raccourci (lien) vers un emplacement hors du dossier du client ; "
                "il n'a pas été ouvert. Déposez le fichier lui-même, pas un raccourci.",
            ),
            (
                "link",
                "Ce fichier est un raccourci (lien), pas un enregistrement ; il n'a pas été ouvert. "
                "Déposez le fichier lui-même.",
            ),
            ("special", "Ce n'est pas un fichier ordinaire ; il n'a pas été ouvert."),
        ),
        deleted=(
            "L'enregistrement a été supprimé le {day} : la durée de conservation de {days} jour(s) est écoulée "
            "(RGPD). Cette note est conservée."
        ),
    ),
)
