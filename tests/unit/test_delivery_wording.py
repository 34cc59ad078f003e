"""What the minutes email says: the client's sender name and sign-off, its minutes language, its document type."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.outputs import write_minutes_docx
from service.clients import ClientConfig
from service.delivery import DeliveryLedger, compose_minutes_email, deliver_minutes
from service.settings import EmailSettings, load_config
from tests.unit.minutes_samples import board_minutes, call_minutes

SHA = "cd" * 32
LEFEVRE = ClientConfig(folder="lefevre", name="Cabinet Lefèvre", recipients=("accueil@lefevre.fr",))


def _docx(tmp_path: Path) -> Path:
    path = tmp_path / "cr.docx"
    write_minutes_docx(board_minutes("fr"), path)
    return path


def _body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_the_clients_sender_name_and_sign_off(tmp_path: Path) -> None:
    client = replace(LEFEVRE, sender_name="Secrétariat Lefèvre", signature="Claire Martin\nSecrétariat Lefèvre")
    message = compose_minutes_email(board_minutes("fr"), _docx(tmp_path), client, "cr@secretariat.fr", SHA)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["From"].addresses[0].display_name == "Secrétariat Lefèvre"
    assert parsed["From"].addresses[0].addr_spec == "cr@secretariat.fr"
    assert "Bien cordialement,\nClaire Martin\nSecrétariat Lefèvre\n" in _body(message)


def test_email_settings_give_the_defaults_a_client_overrides(tmp_path: Path) -> None:
    settings = EmailSettings(
        sender="cr@secretariat.fr", sender_name="Le secrétariat Dupuis", signature="L'équipe Dupuis"
    )
    with DeliveryLedger(tmp_path / "ledger.sqlite3") as ledger:
        report = deliver_minutes(board_minutes("fr"), _docx(tmp_path), LEFEVRE, SHA, settings, ledger)
    assert report.eml_path is not None
    sent = email.message_from_bytes(report.eml_path.read_bytes(), policy=email.policy.default)
    assert sent["From"].addresses[0].display_name == "Le secrétariat Dupuis"
    assert "Bien cordialement,\nL'équipe Dupuis\n" in sent.get_body(("plain",)).get_content()
    own = compose_minutes_email(
        board_minutes("fr"),
        _docx(tmp_path),
        replace(LEFEVRE, signature="Maître Lefèvre"),
        "cr@secretariat.fr",
        SHA,
        sender_name=settings.sender_name,
        signature=settings.signature,
    )
    assert "Bien cordialement,\nMaître Lefèvre\n" in _body(own)
    bare = compose_minutes_email(board_minutes("fr"), _docx(tmp_path), LEFEVRE, "cr@secretariat.fr", SHA)
    assert bare["From"] == "cr@secretariat.fr" and "Bien cordialement,\nLe secrétariat\n" in _body(bare)


def test_email_settings_from_the_file_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "minutier.toml"
    path.write_text('[email]\nsender_name = "Secrétariat"\nsignature = "Claire\\nSecrétariat"\n', encoding="utf-8")
    loaded = load_config(path).email
    assert (loaded.sender_name, loaded.signature) == ("Secrétariat", "Claire\nSecrétariat")
    path.write_text('[email]\nsender_name = "A\\nB"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[email\] sender_name"):
        load_config(path)


def test_the_email_is_in_the_minutes_language_whatever_was_spoken(tmp_path: Path) -> None:
    english = board_minutes("en")
    client = replace(LEFEVRE, language="en", minutes_language="fr")
    message = compose_minutes_email(english, _docx(tmp_path), client, "cr@secretariat.fr", SHA)
    assert message["Subject"] == "Compte rendu – Comité de pilotage – Cabinet Lefèvre – 12/03/2025"
    assert message["Content-Language"] == "fr"
    body = _body(message)
    assert body.startswith("Bonjour,\n\nVeuillez trouver ci-joint le compte rendu de la réunion « Comité de pilotage »")
    assert " du mercredi 12 mars 2025." in body and "Responsable\u00a0: Julien Moreau" in body
    assert "The mock-ups are approved." in body  # the decisions as written, in the spoken language


def test_a_record_of_decisions_email_leaves_out_the_summary(tmp_path: Path) -> None:
    minutes = board_minutes("fr")
    message = compose_minutes_email(
        minutes, _docx(tmp_path), replace(LEFEVRE, document_type="decisions"), "cr@secretariat.fr", SHA
    )
    assert message["Subject"] == "Relevé de décisions – Comité de pilotage – Cabinet Lefèvre – 12/03/2025"
    body = _body(message)
    assert "le relevé de décisions de la réunion « Comité de pilotage »" in body
    assert minutes.summary not in body and "- Les maquettes sont validées." in body
    assert "Le relevé complet figure dans le document Word joint." in body
    formal = compose_minutes_email(minutes, _docx(tmp_path), LEFEVRE, "cr@secretariat.fr", SHA, document_type="formal")
    assert formal["Subject"].startswith("Procès-verbal – Comité de pilotage")


@pytest.mark.parametrize(
    ("language", "subject", "lines"),
    [
        (
            "fr",
            "Note d'appel – Cabinet Lefèvre – 12/03/2025",
            [
                "Appelant\u00a0: Marie Dupont (Arcadis)",
                "Numéro de rappel\u00a0: 06 12 34 56 78",
                "Rappeler\u00a0: demain après 14 h",
            ],
        ),
        (
            "en",
            "Phone message – Cabinet Lefèvre – 2025-03-12",
            ["Caller: John Carter (Northwind)", "Call back on: +44 20 7946 0958", "Call back: tomorrow after 3 pm"],
        ),
    ],
)
def test_a_call_note_email_gives_the_caller_and_how_to_call_back(
    tmp_path: Path, language: str, subject: str, lines: list[str]
) -> None:
    client = replace(LEFEVRE, language=language, document_type="call_note")
    message = compose_minutes_email(call_minutes(language), _docx(tmp_path), client, "cr@secretariat.fr", SHA)
    assert message["Subject"] == subject
    body = _body(message).splitlines()
    for line in lines:
        assert line in body


def test_the_service_emails_the_runs_document_type_not_the_clients(tmp_path: Path) -> None:
    """flows.delivery.deliver passes the run's type (--template, or the client's): the email says what is attached."""
    from flows.delivery import deliver
    from service.settings import ServiceConfig, ServiceSettings

    settings = ServiceConfig(
        service=ServiceSettings(home_dir=tmp_path / "home"), email=EmailSettings(sender="cr@secretariat.fr")
    )
    report = deliver.fn(board_minutes("fr"), _docx(tmp_path), LEFEVRE, SHA, settings, "decisions")
    assert report.eml_path is not None
    sent = email.message_from_bytes(report.eml_path.read_bytes(), policy=email.policy.default)
    assert sent["Subject"].startswith("Relevé de décisions – Comité de pilotage")
    assert "Le relevé complet figure dans le document Word joint." in sent.get_body(("plain",)).get_content()
