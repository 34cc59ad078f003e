"""A client's vocabulary: parsed from clients.toml, the command line and settings, merged with the
participants' names, bounded to Whisper's prompt with the model's own tokenizer, accepted by the
minutes' name checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tokenizers import Tokenizer

from cli.base import main, meeting_options, meeting_request
from pipeline.asr.model_store import BUNDLED_BASE_PACKAGES
from pipeline.asr.vocabulary import MAX_HINT_TOKENS, bounded_hint, clean_terms, echoes_hint, parse_terms
from pipeline.config import AsrSettings, Settings
from pipeline.errors import ConfigError
from pipeline.model_parts import package_data
from pipeline.stages import MeetingRequest, recording_settings
from pipeline.summarize.grounding import Gate
from pipeline.transcripts import Turn, transcript_from_turns
from service.clients import parse_clients
from service.requests import client_request

VOCABULARY = ("Lefèvre", "SIRH", "Qualiopi")


@pytest.fixture(scope="module")
def count_tokens() -> object:
    """Whisper base's own tokenizer (its tokenizer.json, shipped beside the bundled weights)."""
    data = package_data(BUNDLED_BASE_PACKAGES[0][0])
    assert data is not None, "the bundled Whisper base packages are not installed"
    tokenizer = Tokenizer.from_file(str(data / "tokenizer.json"))
    return lambda text: len(tokenizer.encode(" " + text, add_special_tokens=False).ids)


def test_the_hint_keeps_whole_terms_in_order_within_the_token_limit(count_tokens) -> None:  # type: ignore[no-untyped-def]
    terms = tuple(f"Établissement{n} Lefèvre-Dubois{n}" for n in range(60))
    hint = bounded_hint(terms, count_tokens)
    kept = hint.split(", ")
    assert count_tokens(hint) <= MAX_HINT_TOKENS < count_tokens(", ".join(terms))
    assert tuple(kept) == terms[: len(kept)] and len(kept) >= 10  # whole terms, most important first
    assert bounded_hint(VOCABULARY, count_tokens) == "Lefèvre, SIRH, Qualiopi"
    assert bounded_hint(("x" * 4000,), count_tokens) == ""


def test_terms_are_cleaned_and_twins_kept_once() -> None:
    assert clean_terms([" Lefèvre ", "lefèvre", "Claire  Martin", "SIRH"]) == ("Lefèvre", "Claire Martin", "SIRH")
    assert parse_terms("# clients\nLefèvre, SIRH\n\nQualiopi\n") == VOCABULARY
    for bad in ("", "a" * 61, "Martin, Claire"):
        with pytest.raises(ValueError):
            clean_terms([bad])


def test_whisper_writing_the_hint_back_is_told_from_a_sentence_naming_terms() -> None:
    assert echoes_hint("Lefèvre, SIRH, Qualiopi, Claire Martin, CSE, CSE.", (*VOCABULARY, "Claire Martin", "CSE"))
    assert not echoes_hint("Claire Martin présente le bilan Qualiopi au SIRH.", (*VOCABULARY, "Claire Martin"))
    assert not echoes_hint("Qualiopi.", VOCABULARY)


def test_settings_take_a_toml_list_and_refuse_a_string() -> None:
    assert AsrSettings(vocabulary=["Lefèvre", "SIRH"]).vocabulary == ("Lefèvre", "SIRH")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="vocabulary"):
        AsrSettings(vocabulary="Lefèvre, SIRH")  # type: ignore[arg-type]


def test_a_client_vocabulary_is_parsed_and_named_when_wrong(tmp_path: Path) -> None:
    table = {"recipients": ["a@acme.example"], "vocabulary": ["Lefèvre", "SIRH", "sirh", "Qualiopi"]}
    client = parse_clients({"clients": {"acme": table}}, tmp_path / "clients.toml").require("acme")
    assert client.vocabulary == VOCABULARY
    for bad in ("Lefèvre, SIRH", ["Lefèvre", 3], ["Martin, Claire"]):
        with pytest.raises(ConfigError, match=r"\[clients.acme\] vocabulary"):
            parse_clients({"clients": {"acme": {**table, "vocabulary": bad}}}, tmp_path / "clients.toml")


def test_whisper_is_told_names_first_then_the_recording_s_and_the_client_s_terms(tmp_path: Path) -> None:
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "Nathalie Rousseau.wav").write_bytes(b"")
    table = {"recipients": ["a@acme.example"], "vocabulary": ["sirh", "Qualiopi"], "voices_dir": str(voices)}
    client = parse_clients({"clients": {"acme": table}}, tmp_path / "clients.toml").require("acme")
    # The recording's spelling of a term wins over the client's, as its names do.
    asked = MeetingRequest(speaker_names=(("Speaker 1", "Claire Martin"),), vocabulary=("Lefèvre", "SIRH"))
    request = client_request(client, asked, "acme")
    assert request.vocabulary == VOCABULARY
    settings = recording_settings(Settings(asr=AsrSettings(vocabulary=("CSE",))), request)
    assert settings.asr.vocabulary == ("Claire Martin", "Nathalie Rousseau", *VOCABULARY, "CSE")


def test_the_command_line_takes_terms_and_a_file(tmp_path: Path) -> None:
    asked: list[MeetingRequest] = []

    @main.command("vocabulary-probe")
    @meeting_options
    def probe(**options: object) -> None:
        asked.append(meeting_request(options))

    terms = tmp_path / "terms.txt"
    terms.write_text("# our words\nQualiopi\n", encoding="utf-8")
    args = ["vocabulary-probe", "--vocabulary", "Lefèvre, SIRH", "--vocabulary-file", str(terms)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    main.commands.pop("vocabulary-probe")
    assert result.exit_code == 0, result.output
    assert asked[0].vocabulary == VOCABULARY


def test_a_vocabulary_term_never_said_is_still_refused_in_the_minutes() -> None:
    # The vocabulary helps Whisper spell what is said; it is no licence to write what was not.
    st = transcript_from_turns([Turn("Claire Martin", "Le dossier Qualiopi avance.")], "fr")
    sentence = "Claire Martin transmet le dossier Qualiopi à Lefèvre."
    assert "Lefèvre" in VOCABULARY and "Qualiopi" in VOCABULARY
    assert Gate(st, ("Claire Martin",), None, "fr").mentions_missing(sentence) == ["Lefèvre"]
