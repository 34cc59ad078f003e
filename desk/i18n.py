"""The desk's words in French and English; a secretary sees them in her own language (``[desk.users.X] language``)."""

from __future__ import annotations

from collections.abc import Callable

_STRINGS: dict[str, tuple[str, str]] = {  # key: (French, English)
    "desk": ("Bureau de relecture", "Review desk"),
    "login": ("Connexion", "Sign in"),
    "user": ("Identifiant", "User name"),
    "password": ("Mot de passe", "Password"),
    "sign_in": ("Se connecter", "Sign in"),
    "sign_out": ("Se déconnecter", "Sign out"),
    "bad_login": ("Identifiant ou mot de passe incorrect.", "Wrong user name or password."),
    "throttled": (
        "Trop d'essais : réessayez dans {seconds} s.",
        "Too many tries: try again in {seconds} s.",
    ),
    "expired": ("Votre session a expiré : reconnectez-vous.", "Your session has expired: please sign in again."),
    "queue": ("À relire", "To review"),
    "waiting": ("En attente de relecture", "Waiting for review"),
    "recent": ("Envoyés récemment", "Recently decided"),
    "nothing_waiting": ("Rien à relire.", "Nothing to review."),
    "nothing_recent": ("Rien d'envoyé récemment.", "Nothing decided recently."),
    "recording": ("Enregistrement", "Recording"),
    "title": ("Titre", "Title"),
    "duration": ("Durée", "Duration"),
    "speakers": ("Intervenants", "Speakers"),
    "waited": ("Attend depuis", "Waiting for"),
    "state": ("État", "State"),
    "decided_by": ("Décidé par", "Decided by"),
    "state_waiting": ("en attente", "waiting"),
    "state_approved": ("approuvé", "approved"),
    "state_rejected": ("refusé", "rejected"),
    "state_sent": ("envoyé", "sent"),
    "state_expired": ("expiré", "expired"),
    "transcript": ("Transcription", "Transcript"),
    "transcript_help": (
        "Cliquez sur un mot pour écouter à partir de là ; double-cliquez pour le corriger.",
        "Click a word to listen from there; double-click it to correct it.",
    ),
    "rename": ("Renommer", "Rename"),
    "rename_prompt": ("Nouveau nom de {name} :", "New name for {name}:"),
    "merge_into": ("Fusionner avec…", "Merge into…"),
    "save_voice": ("Enregistrer sa voix", "Save this voice"),
    "save_voice_help": (
        "Les prochaines réunions de ce client reconnaîtront cette personne (nommez-la d'abord).",
        "This client's next meetings will recognise this person (name them first).",
    ),
    "minutes": ("Compte rendu", "Minutes"),
    "summary": ("Synthèse", "Summary"),
    "topics": ("Sujets", "Topics"),
    "decisions": ("Décisions", "Decisions"),
    "actions": ("Actions", "Actions"),
    "questions": ("Questions ouvertes", "Open questions"),
    "text": ("Texte", "Text"),
    "owner": ("Responsable", "Owner"),
    "due": ("Échéance", "Due"),
    "due_text": ("Échéance dite", "Due as said"),
    "add": ("Ajouter", "Add"),
    "delete": ("Supprimer", "Delete"),
    "up": ("Monter", "Move up"),
    "down": ("Descendre", "Move down"),
    "document_type": ("Type de document", "Document type"),
    "type_detailed": ("Compte rendu détaillé", "Detailed minutes"),
    "type_decisions": ("Relevé de décisions", "Record of decisions"),
    "type_formal": ("Procès-verbal", "Formal minutes"),
    "type_call_note": ("Note d'appel", "Call note"),
    "preview": ("Aperçu du document", "Document preview"),
    "download": ("Télécharger le .docx", "Download the .docx"),
    "approve": ("Approuver et envoyer", "Approve and send"),
    "reject": ("Refuser", "Reject"),
    "reason": ("Motif du refus", "Reason for rejecting"),
    "approved_msg": ("« {title} » est approuvé : le compte rendu part.", "“{title}” approved: the minutes are sent."),
    "rejected_msg": ("« {title} » est refusé.", "“{title}” rejected."),
    "decided_already": (
        "Ce compte rendu a déjà été traité ({state}).",
        "These minutes were already decided ({state}).",
    ),
    "decide_failed": (
        "La décision n'a pas pu être transmise au service : {error}",
        "The decision could not reach the service: {error}",
    ),
    "saved": ("Enregistré", "Saved"),
    "saving": ("Enregistrement…", "Saving…"),
    "save_failed": ("Non enregistré : {error}", "Not saved: {error}"),
    "audit": ("Historique des corrections", "Audit trail"),
    "no_edits": ("Aucune correction pour l'instant.", "No correction yet."),
    "back": ("Retour à la liste", "Back to the list"),
    "not_found": ("Introuvable.", "Not found."),
    "bad_request": ("Requête refusée.", "Request refused."),
    "audio": ("Audio", "Audio"),
    "read_only": (
        "Ce compte rendu n'attend plus de relecture : il ne peut plus être modifié.",
        "These minutes no longer wait for review: they cannot be changed.",
    ),
}

_INDEX = {"fr": 0, "en": 1}


def translator(language: str) -> Callable[..., str]:
    """``t("key", name=...)`` in `language` ("fr" or "en"; anything else is French)."""
    index = _INDEX.get(language, 0)

    def t(key: str, **values: object) -> str:
        text = _STRINGS[key][index]
        return text.format(**values) if values else text

    return t


def duration_text(seconds: float) -> str:
    """``1 h 02`` / ``12 min`` / ``45 s``: the same in both languages."""
    seconds = max(0, int(round(seconds)))
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"
    if seconds >= 60:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def clock_text(seconds: float) -> str:
    """A position in the recording: ``12:05`` or ``1:02:05``."""
    seconds = max(0, int(seconds))
    h, m, s = seconds // 3600, seconds % 3600 // 60, seconds % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
