"""Minutes by email through a real SMTP server on loopback (aiosmtpd): right people, once, errors named."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import ipaddress
import logging
import os
import re
import ssl
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import docx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cli import main
from pipeline.errors import ConfigError
from pipeline.outputs import write_documents, write_minutes_docx
from pipeline.summarize import MeetingMeta, Minutes, OfflineSummarizer, build_minutes
from service.clients import ClientConfig
from service.delivery import (
    DOCX_MIME,
    DeliveryLedger,
    EmlTransport,
    compose_minutes_email,
    deliver_minutes,
    send_alert,
)
from service.errors import DeliveryRefusedError, DeliveryTransientError
from service.intake import RecordingLedger, meeting_id
from service.layout import Layout
from service.ledger import default_ledger_path
from service.names import one_line, visible, without_surrogates
from service.settings import EmailSettings, load_config
from tests.smtp import Recorder, free_port
from tests.unit.meetings import EN_DATE, FR_DATE, english_meeting, french_meeting

SHA = "ab" * 32
PASSWORD = "s3cr3t-Pa55-never-logged"
ACME = ClientConfig(folder="acme", name="ACME SA", recipients=("direction@acme.fr", "assistante@acme.fr"))
ACME_CORP = ClientConfig(folder="acme-corp", name="Acme Corp", recipients=("minutes@acme-corp.com",), language="en")


def _accept_minutier(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == b"minutier" and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    recorder, port = Recorder(), free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def fr_minutes() -> Minutes:
    meta = MeetingMeta(title="Comité de pilotage", client="ACME SA", held_on=FR_DATE)
    return build_minutes(french_meeting(), OfflineSummarizer(), meta)


@pytest.fixture(scope="module")
def en_minutes() -> Minutes:
    return build_minutes(english_meeting(), OfflineSummarizer(), MeetingMeta(client="Acme Corp", held_on=EN_DATE))


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[DeliveryLedger]:
    with DeliveryLedger(tmp_path / "ledger.sqlite3") as ledger:
        yield ledger


def _docx(minutes: Minutes, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2025-03-12_comite-de-pilotage.docx"
    write_minutes_docx(minutes, path)
    return path


def _plain(port: int) -> EmailSettings:
    return EmailSettings(host="127.0.0.1", port=port, security="plain", sender="cr@secretariat.fr", timeout_s=5)


def _attachment(message: EmailMessage) -> Any:
    (part,) = list(message.iter_attachments())
    assert part.get_content_type() == DOCX_MIME
    return docx.Document(io.BytesIO(part.get_content()))


def test_french_email_has_summary_actions_and_the_docx(tmp_path: Path, fr_minutes: Minutes) -> None:
    message = compose_minutes_email(fr_minutes, _docx(fr_minutes, tmp_path), ACME, "cr@secretariat.fr", SHA)
    assert message["Subject"] == "Compte rendu – Comité de pilotage – ACME SA – 12/03/2025"
    assert message["To"] == "direction@acme.fr, assistante@acme.fr"
    assert message["Cc"] is None and message["Bcc"] is None
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Bonjour," in body and "Décisions" in body and "Actions" in body
    assert "Simplifier le formulaire" in body and "Responsable\u00a0: Julien Moreau" in body
    assert "Échéance\u00a0: vendredi 14 mars 2025" in body
    assert _attachment(message).paragraphs[0].text == "Comité de pilotage"


def test_english_subject_and_body(tmp_path: Path, en_minutes: Minutes) -> None:
    message = compose_minutes_email(en_minutes, _docx(en_minutes, tmp_path), ACME_CORP, "cr@secretariat.fr", SHA)
    assert message["Subject"].startswith("Minutes – ") and message["Subject"].endswith("Acme Corp – 2025-06-04")
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("Hello,") and "Action items" in body and "Owner: " in body


def test_sent_once_to_the_clients_recipients_only(
    tmp_path: Path, fr_minutes: Minutes, en_minutes: Minutes, smtp: tuple[Recorder, int], ledger: DeliveryLedger
) -> None:
    recorder, port = smtp
    report = deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path / "acme"), ACME, SHA, _plain(port), ledger)
    assert report.sent_to == ACME.recipients and report.transport == "smtp"
    # The same recording for the look-alike client goes to that client's recipients only.
    deliver_minutes(en_minutes, _docx(en_minutes, tmp_path / "corp"), ACME_CORP, SHA, _plain(port), ledger)
    (sender, rcpts, message), (_, corp_rcpts, corp_message) = recorder.messages
    assert sender == "cr@secretariat.fr" and rcpts == list(ACME.recipients)
    assert corp_rcpts == ["minutes@acme-corp.com"] and corp_message["To"] == "minutes@acme-corp.com"
    assert "acme-corp" not in message.as_string()
    assert _attachment(message).paragraphs[0].text == "Comité de pilotage"
    # A re-run sends nothing.
    again = deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path / "acme"), ACME, SHA, _plain(port), ledger)
    assert again.sent_to == () and again.already_sent == ACME.recipients and len(recorder.messages) == 2
    assert {d.message_id for d in ledger.deliveries("acme", SHA)} == {report.message_id}


def test_partial_refusal_resumes_with_the_remaining_recipient(
    tmp_path: Path, fr_minutes: Minutes, smtp: tuple[Recorder, int], ledger: DeliveryLedger
) -> None:
    recorder, port = smtp
    recorder.refuse["assistante@acme.fr"] = "451 4.3.0 Mailbox temporarily unavailable"
    path = _docx(fr_minutes, tmp_path)
    with pytest.raises(DeliveryTransientError, match="assistante@acme.fr: 451"):
        deliver_minutes(fr_minutes, path, ACME, SHA, _plain(port), ledger)
    recorder.refuse.clear()
    report = deliver_minutes(fr_minutes, path, ACME, SHA, _plain(port), ledger)
    assert report.sent_to == ("assistante@acme.fr",) and report.already_sent == ("direction@acme.fr",)
    assert [rcpts for _, rcpts, _ in recorder.messages] == [["direction@acme.fr"], ["assistante@acme.fr"]]
    first, second = (m for _, _, m in recorder.messages)
    assert first["Message-ID"] == second["Message-ID"]


def test_permanent_refusal(
    tmp_path: Path, fr_minutes: Minutes, smtp: tuple[Recorder, int], ledger: DeliveryLedger
) -> None:
    recorder, port = smtp
    recorder.refuse = {r: "550 5.1.1 No such user" for r in ACME.recipients}
    with pytest.raises(DeliveryRefusedError, match="550 5.1.1 No such user"):
        deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path), ACME, SHA, _plain(port), ledger)
    assert ledger.deliveries("acme", SHA) == ()


def test_server_down_is_transient(tmp_path: Path, fr_minutes: Minutes, ledger: DeliveryLedger) -> None:
    with pytest.raises(DeliveryTransientError, match="cannot reach the server"):
        deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path), ACME, SHA, _plain(free_port()), ledger)
    assert ledger.deliveries("acme", SHA) == ()


def test_starttls_with_login_never_logs_the_password(
    tmp_path: Path,
    fr_minutes: Minutes,
    ledger: DeliveryLedger,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder, port = Recorder(), free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=_accept_minutier,
        auth_required=True,
    )
    controller.start()
    monkeypatch.setenv("MINUTIER_SMTP_PASSWORD", PASSWORD)
    settings = EmailSettings(
        host="127.0.0.1",
        port=port,
        security="starttls",
        username="minutier",
        sender="cr@secretariat.fr",
        ca_path=certificate[0],
        timeout_s=5,
    )
    try:
        with caplog.at_level(logging.DEBUG):
            report = deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path), ACME, SHA, settings, ledger)
            wrong = replace(settings, password=PASSWORD + "-wrong")
            with pytest.raises(DeliveryRefusedError, match="535") as info:
                deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path), ACME, "cd" * 32, wrong, ledger)
            untrusted = EmailSettings(host="127.0.0.1", port=port, security="starttls", sender="cr@secretariat.fr")
            with pytest.raises(DeliveryRefusedError, match="certificate is not trusted"):
                deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path), ACME, "ef" * 32, untrusted, ledger)
    finally:
        controller.stop()
    assert report.sent_to == ACME.recipients and len(recorder.messages) == 1
    assert PASSWORD not in caplog.text and PASSWORD not in str(info.value)
    assert PASSWORD not in repr(settings) and PASSWORD not in repr(load_config().email)


def test_implicit_tls(
    tmp_path: Path, fr_minutes: Minutes, ledger: DeliveryLedger, certificate: tuple[Path, Path]
) -> None:
    recorder, port = Recorder(), free_port()
    controller = Controller(
        recorder, hostname="127.0.0.1", port=port, ssl_context=_server_context(certificate), server_hostname="127.0.0.1"
    )
    controller.start()
    settings = EmailSettings(
        host="127.0.0.1", port=port, security="tls", sender="cr@secretariat.fr", ca_path=certificate[0], timeout_s=5
    )
    try:
        deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path), ACME, SHA, settings, ledger)
    finally:
        controller.stop()
    assert [rcpts for _, rcpts, _ in recorder.messages] == [list(ACME.recipients)]


def test_without_smtp_an_eml_is_written_once(tmp_path: Path, fr_minutes: Minutes, ledger: DeliveryLedger) -> None:
    path = _docx(fr_minutes, tmp_path / "outbox" / "acme" / "comite-ab12")
    settings = EmailSettings(sender="cr@secretariat.fr")
    report = deliver_minutes(fr_minutes, path, ACME, SHA, settings, ledger)
    assert report.transport == "eml" and report.eml_path == path.with_suffix(".eml")
    assert deliver_minutes(fr_minutes, path, ACME, SHA, settings, ledger).sent_to == ()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.with_suffix(".eml").name]
    message = email.message_from_bytes(report.eml_path.read_bytes(), policy=email.policy.default)  # type: ignore[union-attr]
    assert message["To"] == "direction@acme.fr, assistante@acme.fr"
    assert _attachment(message).paragraphs[0].text == "Comité de pilotage"  # type: ignore[arg-type]


def test_operator_alert(tmp_path: Path, smtp: tuple[Recorder, int]) -> None:
    recorder, port = smtp
    settings = EmailSettings(
        host="127.0.0.1", port=port, security="plain", sender="cr@secretariat.fr", operators=("ops@secretariat.fr",)
    )
    sent = send_alert(
        settings,
        tmp_path,
        client="acme",
        recording="réunion.m4a",
        reason="SMTP refused",
        run_url="http://127.0.0.1:4200/runs/flow-run/1",
    )
    assert sent is None and not any(tmp_path.iterdir()), "an emailed alert leaves no file"
    ((_, rcpts, message),) = recorder.messages
    assert rcpts == ["ops@secretariat.fr"] and message["Subject"] == "[minutier] Échec\u00a0: acme / réunion.m4a"
    assert "SMTP refused" in message.get_content()


def _read_eml(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_operator_alert_without_smtp_is_an_eml_in_alerts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="service.delivery")
    offline = EmailSettings(sender="cr@secretariat.fr", operators=("ops@secretariat.fr",))
    first = send_alert(offline, tmp_path / "alerts", client="acme", recording="x.m4a", reason="corrupt file")
    second = send_alert(offline, tmp_path / "alerts", client="acme", recording="y.m4a", reason="empty file")
    assert first is not None and second is not None and first != second, "each alert keeps its own file"
    assert sorted(p.suffix for p in (tmp_path / "alerts").iterdir()) == [".eml", ".eml"]
    message = _read_eml(first)
    assert message["To"] == "ops@secretariat.fr" and message["Subject"] == "[minutier] Échec\u00a0: acme / x.m4a"
    assert "corrupt file" in message.get_content()
    assert f"written to {first} (no [email] host" in caplog.text


def test_operator_alert_without_operators_is_still_written(
    tmp_path: Path, smtp: tuple[Recorder, int], caplog: pytest.LogCaptureFixture
) -> None:
    """The README's promise: an alert as an .eml in alerts/, whatever [email] says, never only a log line."""
    caplog.set_level(logging.INFO, logger="service.delivery")
    recorder, port = smtp
    for settings in (
        EmailSettings(sender="cr@secretariat.fr"),
        EmailSettings(host="127.0.0.1", port=port, security="plain", sender="cr@secretariat.fr"),
    ):
        path = send_alert(
            settings, tmp_path / "alerts", client="acme", recording="x.m4a", reason="corrupt", language="en"
        )
        assert path is not None and path.parent == tmp_path / "alerts" and path.suffix == ".eml"
        message = _read_eml(path)
        assert message["To"] == "cr@secretariat.fr", "no operator: addressed to the service's own sender"
        assert message["Subject"] == "[minutier] Failure: acme / x.m4a" and "corrupt" in message.get_content()
        assert f"written to {path} (no [email] operators" in caplog.text
    assert recorder.messages == [], "nobody to send it to: nothing goes to the SMTP server"


def test_email_settings_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINUTIER_SMTP_PASSWORD", PASSWORD)
    path = tmp_path / "minutier.toml"
    path.write_text('[email]\nhost = "smtp.example.fr"\nsecurity = "tls"\noperators = ["ops@example.fr"]\n')
    email_settings = load_config(path).email
    assert email_settings.smtp_port == 465 and email_settings.operators == ("ops@example.fr",)
    assert email_settings.password == PASSWORD and PASSWORD not in repr(email_settings)
    path.write_text('[email]\npassword = "in-a-file"\n')
    with pytest.raises(ConfigError, match="environment only") as info:
        load_config(path)
    assert "in-a-file" not in str(info.value)
    for bad in ('security = "ssl"', 'operators = ["not an address"]', 'sender = "x"', 'operators = "a@b.fr"'):
        path.write_text(f"[email]\n{bad}\n")
        with pytest.raises(ConfigError, match=r"\[email\]"):
            load_config(path)


def test_plain_login_to_a_remote_host_is_refused(tmp_path: Path, fr_minutes: Minutes, ledger: DeliveryLedger) -> None:
    settings = EmailSettings(host="smtp.example.fr", security="plain", username="u", sender="cr@secretariat.fr")
    with pytest.raises(ConfigError, match="unencrypted"):
        deliver_minutes(fr_minutes, _docx(fr_minutes, tmp_path), ACME, SHA, settings, ledger)


# Names a file system accepts, so the intake takes them: each must reach the client, by SMTP or as an .eml.
LONG_NAME = (
    "Réunion du comité de pilotage élargi : décisions, échéances et prochaines étapes "
    + "budget, recrutement, planning ; " * 6
)[:242] + ".wav"  # 246 characters, 253 bytes: the .eml's staging name would pass 255
RECORDABLE = {
    "newline": "point hebdo\nsuite.wav",
    "carriage return and tab": "compte rendu\r\tfinal.wav",
    "246 characters": LONG_NAME,
    "emoji": "Pot de départ " + "🎉" * 58 + ".wav",
    "bytes that are not UTF-8": os.fsdecode(b"r\xe9union.wav"),
}


def _sent_name(recording: str) -> str:
    """What the client sees: control characters as one space, undecodable bytes as U+FFFD."""
    stem = re.sub(r"[\r\n\t]+", " ", recording.rsplit(".", 1)[0]).replace("\udce9", "\ufffd")
    return stem + ".docx"


@pytest.mark.parametrize("recording", RECORDABLE.values(), ids=RECORDABLE.keys())
def test_every_recordable_name_is_delivered(
    tmp_path: Path, fr_minutes: Minutes, smtp: tuple[Recorder, int], ledger: DeliveryLedger, recording: str
) -> None:
    folder = tmp_path / "outbox" / "acme" / "meeting-ab12"
    folder.mkdir(parents=True)
    path = folder / (recording.rsplit(".", 1)[0] + ".docx")  # as flows/process.py names the documents
    write_minutes_docx(fr_minutes, path)
    recorder, port = smtp
    by_smtp = deliver_minutes(fr_minutes, path, ACME, SHA, _plain(port), ledger)
    by_eml = deliver_minutes(fr_minutes, path, ACME, "cd" * 32, EmailSettings(sender="cr@secretariat.fr"), ledger)

    assert by_smtp.sent_to == by_eml.sent_to == ACME.recipients
    ((_, rcpts, received),) = recorder.messages
    eml = by_eml.eml_path
    assert rcpts == list(ACME.recipients) and eml is not None
    assert sorted(os.listdir(folder)) == sorted([path.name, eml.name]), "no staging file left behind"
    assert len(os.fsencode(eml.name)) <= 255 and eml.name.startswith(recording[:8])
    for message in (received, _read_eml(eml)):
        assert message["Subject"] == "Compte rendu – Comité de pilotage – ACME SA – 12/03/2025"
        (part,) = list(message.iter_attachments())
        assert part.get_filename() == _sent_name(recording)
        assert docx.Document(io.BytesIO(part.get_content())).paragraphs[0].text == "Comité de pilotage"


@pytest.mark.parametrize("recording", RECORDABLE.values(), ids=RECORDABLE.keys())
def test_every_recordable_name_can_be_alerted(
    tmp_path: Path, smtp: tuple[Recorder, int], recording: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="service.delivery")
    recorder, port = smtp
    operators = ("ops@secretariat.fr",)
    online = EmailSettings(
        host="127.0.0.1", port=port, security="plain", sender="cr@secretariat.fr", operators=operators
    )
    offline = EmailSettings(sender="cr@secretariat.fr", operators=operators)
    assert send_alert(online, tmp_path, client="acme", recording=recording, reason="corrupt") is None
    path = send_alert(offline, tmp_path, client="acme", recording=recording, reason="corrupt")
    assert path is not None and path.parent == tmp_path
    subject = "[minutier] Échec\u00a0: acme / " + _sent_name(recording).removesuffix(".docx") + ".wav"
    for message in (recorder.messages[0][2], _read_eml(path)):
        assert message["Subject"] == subject, "the whole name, folded by the policy, never cut"
        lines = message.get_content().splitlines()
        assert f"Enregistrement\u00a0: {visible(recording)}" in lines and "Raison\u00a0: corrupt" in lines
    raw = path.read_bytes()
    assert max(map(len, raw.splitlines())) <= 78 and b"\r\n\t" not in raw
    assert f"Operator alert for acme / {visible(recording)} written to {path}" in caplog.text, "one log line"


def test_visible_shows_what_the_name_holds() -> None:
    assert visible(RECORDABLE["carriage return and tab"]) == "compte rendu\\r\\tfinal.wav"
    assert visible(RECORDABLE["bytes that are not UTF-8"]) == "r\\udce9union.wav"
    assert visible(LONG_NAME) == LONG_NAME and one_line(" a\u2028b\x85 ") == "a b"
    assert without_surrogates("ligne 1\nr\udce9union") == "ligne 1\nr\\udce9union", "a reason keeps its lines"


def test_eml_names_stay_within_255_bytes_and_whole_characters(tmp_path: Path) -> None:
    message = EmailMessage()
    message["Subject"] = "x"
    message.set_content("x")
    for stem in ("🎉" * 70, "é" * 200):  # longer than any file system allows
        path = EmlTransport(tmp_path, stem).send(message, ("a@acme.fr",)).path
        assert path is not None and path.suffix == ".eml" and len(os.fsencode(path.name)) <= 255
        assert path.name.encode("utf-8").decode("utf-8") == path.name and stem.startswith(path.stem)
        assert _read_eml(path)["Subject"] == "x"


def test_resend_delivers_a_246_character_name(tmp_path: Path) -> None:
    """`minutier resend` writes the .eml of minutes whose recording had the longest name the intake takes."""
    config = tmp_path / "minutier.toml"
    config.write_text(f'[service]\nhome_dir = "{tmp_path.as_posix()}"\n', encoding="utf-8")
    (tmp_path / "clients.toml").write_text(
        '[clients.acme]\nname = "ACME SA"\nrecipients = ["direction@acme.fr"]\n', encoding="utf-8"
    )
    meeting = meeting_id(LONG_NAME, SHA)
    folder = Layout(tmp_path).outbox("acme", meeting)
    minutes = build_minutes(french_meeting(), OfflineSummarizer(), MeetingMeta(title="Comité", held_on=FR_DATE))
    write_documents(minutes, folder, "docx,json", stem=LONG_NAME.removesuffix(".wav"))
    with RecordingLedger(default_ledger_path(tmp_path)) as recordings:
        recordings.receive("acme", SHA, LONG_NAME, tmp_path / "archive" / LONG_NAME, meeting)
        recordings.update("acme", SHA, state="done")

    result = CliRunner().invoke(main, ["--config", str(config), "resend", "--client", "acme"])
    assert result.exit_code == 0, result.output
    assert f"{meeting}: sent to 1 recipient(s) via eml" in result.output
    (eml,) = folder.glob("*.eml")
    assert eml.name == LONG_NAME.removesuffix(".wav") + ".eml"
    (part,) = list(_read_eml(eml).iter_attachments())
    assert part.get_filename() == LONG_NAME.removesuffix(".wav") + ".docx"
    again = CliRunner().invoke(main, ["--config", str(config), "resend", "--client", "acme"])
    assert again.exit_code == 0 and again.output == "" and len(list(folder.glob("*.eml"))) == 1
