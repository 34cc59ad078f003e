"""Clients file: every field checked at load, errors naming file, client and field; exact lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from service.clients import Clients, check_folder_name, load_clients

GOOD = """
[defaults]
review_timeout_s = 3600
timezone = "Europe/Paris"
signature = '''Claire Martin
Secrétariat Lefèvre'''

[clients.acme]
name = "ACME SA"
recipients = ["direction@acme.fr", "assistante@acme.fr", "direction@ACME.FR"]
language = "fr"
min_speakers = 2
max_speakers = 5
speaker_names = { "Speaker 1" = "Claire Martin", intervenant_3 = "Paul" }
template = "acme.docx"
voices_dir = "voices"
review = true

[clients.acme-corp]
name = "Acme Corp"
recipients = ["minutes@acme-corp.com"]
language = "en"
num_speakers = 3
document_type = "relevé de décisions"
minutes_language = "fr"
timezone = "America/Montreal"
sender_name = "Secrétariat Lefèvre"
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "acme.docx").write_bytes(b"PK")
    (tmp_path / "voices").mkdir(exist_ok=True)
    path = tmp_path / "clients.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_reads_every_field(tmp_path: Path) -> None:
    clients = load_clients(_write(tmp_path, GOOD))
    acme = clients.require("acme")
    assert acme.name == "ACME SA" and acme.language == "fr" and acme.review
    # A duplicate differing only by the domain's case is dropped.
    assert acme.recipients == ("direction@acme.fr", "assistante@acme.fr")
    assert (acme.min_speakers, acme.max_speakers, acme.num_speakers) == (2, 5, None)
    assert acme.speaker_names == (("Speaker 1", "Claire Martin"), ("intervenant_3", "Paul"))
    assert acme.template_path == tmp_path / "acme.docx" and acme.voices_dir == tmp_path / "voices"
    assert acme.review_timeout_s == 3600.0  # from [defaults]
    assert (acme.document_type, acme.minutes_language, acme.document_language) == ("detailed", None, "fr")
    assert acme.timezone == "Europe/Paris" and acme.sender_name is None
    assert acme.signature == "Claire Martin\nSecrétariat Lefèvre"  # from [defaults]
    corp = clients.require("acme-corp")
    assert corp.language == "en" and corp.num_speakers == 3 and not corp.review
    assert isinstance(corp.recipients, tuple)
    assert (corp.document_type, corp.minutes_language, corp.document_language) == ("decisions", "fr", "fr")
    assert corp.timezone == "America/Montreal" and corp.sender_name == "Secrétariat Lefèvre"


def test_lookup_is_exact(tmp_path: Path) -> None:
    clients = load_clients(_write(tmp_path, GOOD))
    assert clients.folders == ("acme", "acme-corp")
    assert clients.require("acme").recipients != clients.require("acme-corp").recipients
    for near in ("acm", "acme-", "ACME", "acme-corp2", "acme ", "acme/", "acme-co"):
        assert clients.get(near) is None and near not in clients
    with pytest.raises(ConfigError, match="no client with folder 'acm'"):
        clients.require("acm")
    assert not clients.require("acme").is_recipient("minutes@acme-corp.com")


@pytest.mark.parametrize(
    ("table", "field", "message"),
    [
        ('recipients = ["a@acme.fr"]\nlanguage = "de"', "language", "expected one of fr, en"),
        ("recipients = []", "recipients", "non-empty list"),
        ('recipients = ["not-an-address"]', "recipients", "not a valid email address"),
        ('recipients = ["a@acme.fr\\r\\nBcc: x@evil.com"]', "recipients", "not a valid email address"),
        ('recipients = ["Marie <a@acme.fr>"]', "recipients", "not a valid email address"),
        ('recipients = ["a@acme.fr"]\nmin_speakers = 5\nmax_speakers = 2', "min_speakers", "above max_speakers"),
        ('recipients = ["a@acme.fr"]\nnum_speakers = 0', "num_speakers", "whole number"),
        ('recipients = ["a@acme.fr"]\nreview = "yes"', "review", "true or false"),
        ('recipients = ["a@acme.fr"]\nreview_timeout_s = -1', "review_timeout_s", "positive"),
        ('recipients = ["a@acme.fr"]\ntemplate = "missing.docx"', "template", "is not a file"),
        ('recipients = ["a@acme.fr"]\nvoices_dir = "nowhere"', "voices_dir", "is not a folder"),
        ('recipients = ["a@acme.fr"]\nrecipient = ["b@acme.fr"]', "recipient", "unknown field"),
        ('recipients = ["a@acme.fr"]\nspeaker_names = ["Marie"]', "speaker_names", "table of label"),
        ('recipients = ["a@acme.fr"]\nspeaker_names = { Marie = "Paul" }', "speaker_names", "not a speaker label"),
        (
            'recipients = ["a@acme.fr"]\nspeaker_names = { "Speaker 2" = "A", intervenant2 = "B" }',
            "speaker_names",
            "name the same speaker",
        ),
        ('recipients = ["a@acme.fr"]\ndocument_type = "memo"', "document_type", "unknown document type 'memo'"),
        ('recipients = ["a@acme.fr"]\ndocument_type = 2', "document_type", "as a string"),
        ('recipients = ["a@acme.fr"]\nminutes_language = "de"', "minutes_language", "expected one of fr, en"),
        ('recipients = ["a@acme.fr"]\ntimezone = "Paris"', "timezone", "'Paris': not a time zone name"),
        ('recipients = ["a@acme.fr"]\ntimezone = 1', "timezone", "time zone name as a string"),
        ('recipients = ["a@acme.fr"]\nsender_name = "A\\nB"', "sender_name", "printable text on one line"),
        ('recipients = ["a@acme.fr"]\nsender_name = ""', "sender_name", "non-empty string"),
        ('recipients = ["a@acme.fr"]\nsignature = "x\\u0007"', "signature", "printable text"),
    ],
)
def test_invalid_fields_name_file_client_and_field(tmp_path: Path, table: str, field: str, message: str) -> None:
    path = _write(tmp_path, f"[clients.beta]\n{table}\n")
    with pytest.raises(ConfigError, match=message) as info:
        load_clients(path)
    assert str(info.value).startswith(f"{path}: [clients.beta] {field}:")


def test_raw_speaker_labels_are_refused_with_the_label_to_write(tmp_path: Path) -> None:
    table = 'recipients = ["a@acme.fr"]\nspeaker_names = { SPEAKER_01 = "Claire Martin" }'
    path = _write(tmp_path, f"[clients.acme]\n{table}\n")
    with pytest.raises(ConfigError) as info:
        load_clients(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: [clients.acme] speaker_names: 'SPEAKER_01'")
    # SPEAKER_01 is the second speaker: the documents call them "Speaker 2".
    assert 'use the label the documents show, e.g. "Speaker 2" = "Claire Martin"' in message


@pytest.mark.parametrize("folder", ["..", ".hidden", "a/b", "a\\\\b", "a..b", "-dash", "trailing.", "x" * 65])
def test_unsafe_folder_names_are_refused(tmp_path: Path, folder: str) -> None:
    path = _write(tmp_path, f'[clients."{folder}"]\nrecipients = ["a@b.fr"]\n')
    with pytest.raises(ConfigError, match=r"folder:"):
        load_clients(path)


def test_case_twins_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, '[clients.acme]\nrecipients = ["a@b.fr"]\n[clients.ACME]\nrecipients = ["c@d.fr"]\n')
    with pytest.raises(ConfigError, match=r"\[clients.ACME\] folder: same folder as \[clients.acme\]"):
        load_clients(path)


def test_accented_folder_names_are_allowed_and_normalised() -> None:
    assert check_folder_name("Socie\u0301te\u0301 Ge\u0301ne\u0301rale") == "Société Générale"
    assert Clients().get("x") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[clients.a\n", "not valid TOML"),
        ("[client.a]\nrecipients = []\n", r"unknown section \[client\]"),
        ('[defaults]\nrecipients = ["a@b.fr"]\n', r"\[defaults\] recipients: not allowed"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_clients(_write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="clients file not found"):
        load_clients(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[clients.acme]\nname = "ACME"\nrecipients = "a@b.fr\n',
            r"clients.toml, line 3, column 21: not valid TOML \(illegal character .*\); correct that line and save",
        ),
        ("[clients.acme\n", r"clients.toml, line 1, column 14: not valid TOML \(expected '\]'"),
        ('[clients.acme]\nrecipients = ["a@b.fr"\n', r"clients.toml: not valid TOML at the end of the file \(unclosed"),
    ],
)
def test_a_toml_error_is_one_line_with_the_file_the_line_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_clients(_write(tmp_path, text))
    assert "\n" not in str(caught.value) and str(tmp_path / "clients.toml") in str(caught.value)


def test_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "clients.toml"
    path.write_bytes('[clients.acme]\nname = "Société"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="clients.toml: not UTF-8 text .*; save the file as UTF-8"):
        load_clients(path)
