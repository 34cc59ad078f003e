"""Bad inputs through the real service path: intake scan -> reconcile flow -> process flow -> decode.

Files are generated here (ffmpeg, numpy), dropped into watched client folders, taken by the real
`reconcile-inbox` flow on the session's Prefect server, and the process runs it submitted are
executed in this process (fake models: these tests are about the service, not the models). Each
file must end in the right place, and the good files around the bad ones must be processed.
Transcripts dropped beside the recordings (a Teams WebVTT, and malformed or hostile ones) take the
same path without any model: minutes emailed naming the file's speakers, or failed/ with a reason.
"""

from __future__ import annotations

import io
import os
import sqlite3
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import docx
import numpy as np
import pytest
import soundfile as sf

import flows.tasks
from flows.intake import reconcile_inbox
from service.intake import RecordingLedger
from service.ledger import default_ledger_path
from tests.flows.fakes import fake_diarizer, fake_transcriber
from tests.flows.service_harness import (
    CLIENTS_TOML,
    SmtpServer,
    apply_process_deployment,
    execute_runs,
    service_config,
    slow_copy,
)
from tests.media import run_ffmpeg

DONE, FAILED = "done", "failed"


def ffmpeg(out: Path, source: str, *args: str, fmt: str = "lavfi") -> Path:
    run_ffmpeg("-f", fmt, "-i", source, *args, out)
    return out


def truncated(out: Path, source: str, keep: float, *args: str) -> Path:
    whole = ffmpeg(out.with_name("whole-" + out.name), source, *args)
    data = whole.read_bytes()
    whole.unlink()
    out.write_bytes(data[: int(len(data) * keep)])
    return out


@dataclass(frozen=True)
class Case:
    """One dropped file: what it is, which client, how to make it, where it must end."""

    what: str
    client: str
    name: str
    make: Callable[[Path], Any]
    expect: str
    reason: str = ""  # a phrase the secretary's note must contain (French clients)
    stored: str = ""  # the name it is filed under, when not its own

    @property
    def filed(self) -> str:
        return self.stored or self.name


def _speech_like(out: Path, seconds: float, rate: int = 16000, channels: int = 1, seed: int = 0) -> Path:
    """Cheap stand-in for a meeting: modulated tones (unique per seed, so each has its own hash)."""
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.3 * np.sin(2 * np.pi * (180 + 20 * seed) * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    data = np.repeat(tone[:, None], channels, axis=1).astype(np.float32)
    raw = out.with_suffix(".f32")
    raw.write_bytes(data.tobytes())
    run_ffmpeg("-f", "f32le", "-ar", str(rate), "-ac", str(channels), "-i", raw, out)
    raw.unlink()
    return out


def _symlink_outside(out: Path) -> Path:
    secret = out.parent.parent / "outside-secret.wav"
    _speech_like(secret, 1.0, seed=9)
    os.symlink(secret, out)
    return out


# Names that once lost the email (issue 14): minutes written, never delivered. Each is emailed once.
NEWLINE = Case("newline in the name", "acme", "ordre du jour\nsuite.wav", lambda p: _speech_like(p, 2.0, seed=12), DONE)
LONG_NAME = Case(
    "246-character name",
    "acme",
    (
        "Réunion du comité de pilotage élargi : décisions, échéances et prochaines étapes "
        + "budget, recrutement, planning ; " * 6
    )[:242]
    + ".wav",  # 253 bytes (each accent is 2): as long as a name the intake takes, with room for ".docx"
    lambda p: _speech_like(p, 2.0, seed=13),
    DONE,
)
CASES = (
    Case("good file (fr)", "acme", "point hebdo.wav", lambda p: _speech_like(p, 4.0, seed=1), DONE),
    Case("good file (en)", "acme-corp", "weekly sync.mp3", lambda p: ffmpeg(p, "sine=f=300:d=4"), DONE),
    Case("good file, 2 recipients", "acme_sa", "conseil.m4a", lambda p: ffmpeg(p, "sine=f=350:d=4"), DONE),
    Case(
        "zero-byte file",
        "acme",
        "vide.wav",
        lambda p: p.write_bytes(b""),
        FAILED,
        "vide ou l'enregistrement est trop court",
    ),
    Case(
        "truncated MP3",
        "acme",
        "coupé.mp3",
        lambda p: truncated(p, "sine=f=440:d=20", 0.4),
        FAILED,
        "endommagé ou incomplet",
    ),
    Case(
        "truncated WAV",
        "acme",
        "coupé.wav",
        lambda p: truncated(p, "sine=f=440:d=20", 0.4),
        FAILED,
        "endommagé ou incomplet",
    ),
    Case(
        "random bytes as .mp3",
        "acme",
        "hasard.mp3",
        lambda p: p.write_bytes(np.random.default_rng(7).bytes(200_000)),
        FAILED,
        "lisible",
    ),
    Case(
        "text file renamed .m4a",
        "acme",
        "notes.m4a",
        lambda p: p.write_text("Ordre du jour : budget, recrutement.\n" * 200, encoding="utf-8"),
        FAILED,
        "lisible",
    ),
    Case(
        "video without audio",
        "acme",
        "écran partagé.mp4",
        lambda p: ffmpeg(p, "testsrc=size=160x120:rate=10:duration=2", "-pix_fmt", "yuv420p"),
        FAILED,
        "pas de piste audio",
    ),
    Case(
        "10 minutes of silence",
        "acme",
        "silence.wav",
        lambda p: ffmpeg(p, "anullsrc=r=16000:cl=mono", "-t", "600"),
        FAILED,
        "Aucune parole n'a été trouvée",
    ),
    Case(
        "5 minutes of noise",
        "acme",
        "bruit.mp3",
        lambda p: ffmpeg(p, "anoisesrc=d=300:c=pink:r=16000:a=0.2", "-b:a", "32k"),
        FAILED,
        "Aucune parole n'a été trouvée",
    ),
    Case("0.3 s clip", "acme", "bip.wav", lambda p: ffmpeg(p, "sine=f=440:d=0.3"), FAILED, "trop court"),
    Case("8 channels at 48 kHz", "acme", "salle 8 micros.wav", lambda p: _speech_like(p, 3.0, 48000, 8, seed=3), DONE),
    Case(
        "8 kHz telephone (mu-law)",
        "acme",
        "appel.wav",
        lambda p: ffmpeg(p, "sine=f=400:d=4:sample_rate=8000", "-c:a", "pcm_mulaw"),
        DONE,
    ),
    Case(
        "spaces, accents, emoji, quotes",
        "acme",
        'Réunion d\'équipe 🎉 "finale" ’24.wav',
        lambda p: _speech_like(p, 2.0, seed=4),
        DONE,
    ),
    Case("leading dash", "acme", "-rf --help.wav", lambda p: _speech_like(p, 2.0, seed=5), DONE),
    Case(
        "name containing .. and backslashes",
        "acme",
        "budget ..\\..\\outbox ...wav",
        lambda p: _speech_like(p, 2.0, seed=6),
        DONE,
        stored="budget .._.._outbox ...wav",
    ),
    Case("symlink outside the inbox", "acme", "raccourci.wav", _symlink_outside, FAILED, "hors du dossier du client"),
    NEWLINE,
    LONG_NAME,
)
TEAMS_VTT = (
    "WEBVTT\n\n3f2a1b9c-1/12-0\n00:00:01.000 --> 00:00:06.500\n"
    "<v Marie Dupont>Bonjour à tous. Nous devons valider le budget du fournisseur avant la fin du mois.</v>\n\n"
    "3f2a1b9c-1/13-0\n00:00:07.000 --> 00:00:12.000\n"
    "<v Jean-Luc Moreau>Je propose que nous signions le contrat avec le fournisseur lundi prochain.</v>\n"
)


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:  # costs no disk
        handle.truncate(size)


# Transcripts: no model runs for them. The reasons are the technical details the note carries.
TRANSCRIPT = Case(
    "Teams WebVTT transcript", "acme", "Comité de pilotage.vtt", lambda p: p.write_text(TEAMS_VTT, "utf-8"), DONE
)
BAD_TRANSCRIPTS = (
    Case("blank transcript", "acme", "vide.vtt", lambda p: p.write_bytes(b"\n \n"), FAILED, "the file is empty"),
    Case(
        "binary data as .txt",
        "acme",
        "transcription.txt",
        lambda p: p.write_bytes(np.random.default_rng(3).bytes(50_000)),
        FAILED,
        "not a text transcript",
    ),
    Case(
        "transcript in Windows-1252",
        "acme",
        "réunion latin1.srt",
        lambda p: p.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nMarie : Ça va très bien\n".encode("cp1252")),
        FAILED,
        "not UTF-8",
    ),
    Case(
        "<script> in a transcript",
        "acme",
        "piège.vtt",
        lambda p: p.write_text(TEAMS_VTT.replace("Bonjour", "<script>fetch('//x.example')</script>"), "utf-8"),
        FAILED,
        "web markup '<script'",
    ),
    Case("30 MB transcript", "acme", "énorme.vtt", lambda p: _sparse(p, 30 * 1024 * 1024), FAILED, "larger than 20"),
    Case(
        "damaged Word transcript",
        "acme",
        "Transcript.docx",
        lambda p: p.write_bytes(b"PK\x03\x04" + bytes(200)),
        FAILED,
        "damaged ZIP container",
    ),
)
# A recording with its sidecar: the title and date come from it, and it travels with its recording.
SIDECAR = Case(
    "recording with a sidecar", "acme", "enregistrement 12.wav", lambda p: _speech_like(p, 2.0, seed=14), DONE
)
SIDECAR_JSON = '{"title": "Comité budgétaire", "date": "2026-11-20", "time": "10:05"}'
SLOW = Case("file still being written", "acme", "dictée en cours.wav", lambda p: None, DONE)
LONG = Case(
    "3-hour recording",
    "acme-corp",
    "seminar 3h.flac",
    lambda p: ffmpeg(p, "sine=frequency=220:sample_rate=8000:duration=10800", "-ac", "1"),
    DONE,
)


@pytest.fixture(scope="module")
def site(prefect_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, SmtpServer]]:
    root = tmp_path_factory.mktemp("bad-inputs")
    smtp = SmtpServer()
    smtp.start()
    config = service_config(root, smtp_port=smtp.port, settle_s=1.0)
    (root / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    for client in ("acme", "acme-corp", "acme_sa"):
        (root / "inbox" / client).mkdir(parents=True)
    apply_process_deployment()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flows.tasks, "get_transcriber", fake_transcriber(root / "fake-models"))
        patch.setattr(flows.tasks, "get_diarizer", fake_diarizer())
        try:
            yield root, config, smtp
        finally:
            smtp.stop()


def _outcome(root: Path, case: Case) -> str:
    archived = _named(root / "archive" / case.client, case.filed)
    failed = root / "failed" / case.client / case.filed
    if archived and not os.path.lexists(failed):
        return DONE
    if os.path.lexists(failed) and (failed.parent / (case.name + ".reason.txt")).exists():
        return FAILED
    return "lost"


def _minutes_of(root: Path, case: Case) -> list[Path]:
    """The Word minutes in the outbox folder of each recording dropped as this case (the ledger's)."""
    with RecordingLedger(default_ledger_path(root / "home")) as ledger:
        ids = [e.meeting_id for e in ledger.entries() if e.client == case.client and e.name == case.name]
    return [p for i in ids for p in sorted((root / "outbox" / case.client / i).glob("*.docx"))]


def _emailed(root: Path, smtp: SmtpServer, case: Case) -> list[EmailMessage]:
    """The emails whose attachment is this case's minutes, under the Word document's own name."""
    (minutes,) = _minutes_of(root, case)
    return [
        m for _, _, m in smtp.recorder.messages if any(a.get_filename() == minutes.name for a in m.iter_attachments())
    ]


def _named(folder: Path, name: str) -> list[Path]:
    """Files called `name` one level below `folder` (no glob: names hold glob characters)."""
    return [d / name for d in folder.iterdir() if os.path.lexists(d / name)] if folder.is_dir() else []


def test_bad_inputs_end_in_the_right_place(site: tuple[Path, Path, SmtpServer], tmp_path: Path) -> None:
    root, config, smtp = site
    (root / "inbox/acme/enregistrement 12.json").write_text(SIDECAR_JSON, encoding="utf-8")  # before its recording
    for case in (*CASES, LONG, TRANSCRIPT, SIDECAR, *BAD_TRANSCRIPTS):  # made aside, then dropped at once
        made = tmp_path / case.client / case.name
        made.parent.mkdir(parents=True, exist_ok=True)
        case.make(made)
        os.rename(made, root / "inbox" / case.client / case.name)
    slow_source = _speech_like(tmp_path / "slow.wav", 6.0, seed=8)
    writer = threading.Thread(
        target=slow_copy, args=(slow_source, root / "inbox/acme" / SLOW.name), kwargs={"chunks": 16, "pause": 0.25}
    )
    writer.start()
    started = time.monotonic()
    run_ids = reconcile_inbox(config=str(config))
    writer.join()
    states = execute_runs(run_ids)
    elapsed = time.monotonic() - started

    cases = (*CASES, SLOW, LONG, TRANSCRIPT, SIDECAR, *BAD_TRANSCRIPTS)
    outcomes = {case.what: _outcome(root, case) for case in cases}
    tally = {kind: sum(1 for o in outcomes.values() if o == kind) for kind in (DONE, FAILED, "lost")}
    print(f"\nBad-input tally ({len(cases)} files, {elapsed:.0f} s): {tally}")
    for case in cases:
        print(f"  {outcomes[case.what]:>6}  {case.what}: {case.name!r}")
    assert outcomes == {case.what: case.expect for case in cases}
    assert tally == {DONE: 14, FAILED: 16, "lost": 0}
    left = [p for p in (root / "inbox").rglob("*") if p.is_file() or p.is_symlink()]
    assert not left, f"something stayed in the inbox: {left}"
    assert not list((root / "processing").rglob("*.*")), "something stayed in processing/"

    for case in cases:
        if case.expect == FAILED:
            note = (root / "failed" / case.client / (case.name + ".reason.txt")).read_text(encoding="utf-8")
            assert case.reason in note and "Que faire" in note, (case.what, note)
            assert not _minutes_of(root, case)
        else:
            assert len(_minutes_of(root, case)) == 1, case.what
    processed = [s for s in states.values() if s.is_completed()]
    assert len(processed) == sum(1 for c in cases if c.expect == DONE and c.what != "symlink outside the inbox")

    slow = _named(root / "archive/acme", SLOW.name)[0]
    assert slow.stat().st_size == slow_source.stat().st_size, "the file being written was taken early"
    assert (tmp_path / "outside-secret.wav").read_bytes()[:4] == b"RIFF", "the link's target was touched"
    assert os.path.islink(root / "failed/acme/raccourci.wav")

    # Every output stays inside its client's outbox, whatever the recording's name.
    for path in (root / "outbox").rglob("*"):
        assert path.resolve().is_relative_to((root / "outbox").resolve())
    assert sorted(p.name for p in (root / "outbox").iterdir()) == ["acme", "acme-corp", "acme_sa"]

    # Each email went to its own client's recipients only.
    recipients = {
        "acme": {"direction@acme.example"},
        "acme-corp": {"minutes@acme-corp.example"},
        "acme_sa": {"board@acme-sa.example", "cfo@acme-sa.example"},
    }
    by_client = {c: [m for m in smtp.recorder.messages if set(m[1]) & r] for c, r in recipients.items()}
    for client, messages in by_client.items():
        expected = sum(1 for c in cases if c.client == client and c.expect == DONE)
        assert len(messages) == expected, (client, len(messages))
        assert all(set(rcpts) <= recipients[client] for _, rcpts, _ in messages)
    for case in (NEWLINE, LONG_NAME):
        assert len(_emailed(root, smtp, case)) == 1, f"{case.what}: the minutes were not emailed exactly once"
    # The documents are named after the meeting's title (from the file's name; no date is known),
    # or keep the recording's name when it gives no title.
    named = {
        case.name: doc.name for case in (*CASES, TRANSCRIPT) if case.expect == DONE for doc in _minutes_of(root, case)
    }
    assert named["point hebdo.wav"] == "Point hebdo.docx" and named["conseil.m4a"] == "conseil.docx"
    assert named[NEWLINE.name] == "Ordre du jour suite.docx"  # no line break in a name sent by email
    assert named["budget ..\\..\\outbox ...wav"] == "Budget outbox.docx"
    assert named[LONG_NAME.name].startswith("Réunion du comité de pilotage élargi décisions, échéances")
    assert len(os.fsencode(named[LONG_NAME.name])) <= 255
    # The sidecar named the meeting, went through processing/ with its recording and lies beside it
    # in the archive: never taken alone, never failed.
    assert _minutes_of(root, SIDECAR)[0].name == "2026-11-20 Comité budgétaire.docx"
    (archived_with,) = _named(root / "archive/acme", "enregistrement 12.json")
    assert archived_with.read_text(encoding="utf-8") == SIDECAR_JSON
    assert (archived_with.parent / SIDECAR.name).exists()
    assert not list((root / "failed").rglob("enregistrement 12*"))
    alerts = smtp.messages_to("ops@cabinet.example")
    assert all(rcpts == ["ops@cabinet.example"] for _, rcpts, _ in alerts)
    assert len(alerts) == 15, "one operator alert per failed run (the link never became a run)"
    assert len(smtp.recorder.messages) == sum(1 for c in cases if c.expect == DONE) + len(alerts)

    with RecordingLedger(default_ledger_path(root / "home")) as ledger:
        states_by_name = {e.name: e.state for e in ledger.entries()}
    assert states_by_name[LONG.name] == "done" and states_by_name[SLOW.name] == "done"
    assert "enregistrement 12.json" not in states_by_name, "a sidecar was taken as a recording"
    long_calls = [line.split() for line in (root / "fake-models/calls.log").read_text().splitlines()]
    assert [int(n) for _, n in long_calls if int(n) == 10800 * 16000], "the 3-hour recording was not decoded whole"

    # The transcript's minutes name its speakers and say what they said: no model made them.
    (message,) = _emailed(root, smtp, TRANSCRIPT)
    attachment = next(a for a in message.iter_attachments() if a.get_filename() == "Comité de pilotage.docx")
    document = docx.Document(io.BytesIO(attachment.get_content()))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "Marie Dupont" in text and "Jean-Luc Moreau" in text and "fournisseur" in text
    assert states_by_name[TRANSCRIPT.name] == "done"
    assert all(states_by_name[case.name] == "failed" for case in BAD_TRANSCRIPTS)


def test_same_name_twice_keeps_both_minutes(site: tuple[Path, Path, SmtpServer], tmp_path: Path) -> None:
    root, config, _smtp = site
    inbox = root / "inbox/acme"
    _speech_like(inbox / "point hebdo.wav", 3.0, seed=11)  # a new recording under an old name
    execute_runs(reconcile_inbox(config=str(config)))
    docs = list((root / "outbox/acme").glob("*/Point hebdo.docx"))  # named after the title
    assert len(docs) == 2 and docs[0].parent != docs[1].parent, "the second recording overwrote the first's minutes"
    assert len(list((root / "archive/acme").glob(f"{date.today().isoformat()}/point hebdo*.wav"))) == 2


def _voice(seconds: float, start: float, end: float, hz: float) -> np.ndarray:
    """One participant's track: syllable-like bursts from `start` to `end`, near silence around them."""
    t = np.arange(int(seconds * 16000)) / 16000
    bursts = np.sign(np.sin(2 * np.pi * hz * t)) * np.clip(np.sin(2 * np.pi * 3 * t), 0, None)
    spoken = (t >= start) & (t < end)
    return (0.2 * bursts * spoken + 1e-4 * np.random.default_rng(int(hz)).standard_normal(t.size)).astype(np.float32)


def test_a_zip_of_tracks_is_one_meeting_and_a_hostile_one_is_set_aside(
    site: tuple[Path, Path, SmtpServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config, _smtp = site
    asked: list[tuple[str, ...]] = []  # the vocabulary Whisper is given
    fake = flows.tasks.get_transcriber

    def transcriber(settings: Any) -> Any:
        asked.append(settings.vocabulary)
        return fake(settings)

    monkeypatch.setattr(flows.tasks, "get_transcriber", transcriber)
    sound = tmp_path / "Comité des pistes.zip"
    with zipfile.ZipFile(sound, "w") as bundle:
        for name, voice in (
            ("Marie Dupont.wav", _voice(6, 0.2, 2.8, 170)),
            ("Jean Martin.wav", _voice(6, 3.2, 5.8, 230)),
        ):
            sf.write(tmp_path / name, voice, 16000)
            bundle.write(tmp_path / name, name)
    hostile = tmp_path / "pistes piégées.zip"
    with zipfile.ZipFile(hostile, "w") as bundle:
        bundle.write(tmp_path / "Marie Dupont.wav", "Marie Dupont.wav")
        bundle.writestr("../../outbox/acme/Jean Martin.wav", b"RIFF")  # zip-slip
    for made in (sound, hostile):
        os.rename(made, root / "inbox/acme" / made.name)
    states = execute_runs(reconcile_inbox(config=str(config)))
    assert len(states) == 1 and all(s.is_completed() for s in states.values()), "one run, for the sound zip"
    (minutes,) = _minutes_of(root, Case("tracks", "acme", sound.name, lambda p: None, DONE))
    assert minutes.name == "Comité des pistes.docx"
    document = docx.Document(str(minutes))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    text += "\n".join(p.text for p in document.paragraphs)
    assert "Marie Dupont" in text and "Jean Martin" in text
    assert asked and all(terms[:2] == ("Jean Martin", "Marie Dupont") for terms in asked)
    (archived,) = _named(root / "archive/acme", sound.name)
    assert zipfile.ZipFile(archived).namelist() == ["Marie Dupont.wav", "Jean Martin.wav"], "archived whole"
    note = (root / "failed/acme" / (hostile.name + ".reason.txt")).read_text(encoding="utf-8")
    assert "would unpack outside its folder" in note and (root / "failed/acme" / hostile.name).is_file()
    assert not (root / "outbox/acme/Jean Martin.wav").exists()
    assert not list((root / "inbox/acme").iterdir()) and not list((root / "processing/acme").iterdir())
    assert not list((root / "home/work/audio").iterdir()), "the assembled recording outlived its run"


def test_retention_deletes_recordings_and_runs_keeps_minutes_and_reasons(site: tuple[Path, Path, SmtpServer]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags

    root, config, _smtp = site
    archived = sorted(p for p in (root / "archive").rglob("*") if p.is_file() and not p.name.endswith(".note.txt"))
    failed = sorted(
        p
        for p in (root / "failed").rglob("*")
        if (os.path.islink(p) or p.is_file()) and not p.name.endswith((".reason.txt", ".note.txt"))
    )
    reasons = sorted((root / "failed").rglob("*.reason.txt"))
    minutes = sorted((root / "outbox").rglob("*.docx"))
    acme_runs = FlowRunFilter(tags=FlowRunFilterTags(all_=["client:acme"]))
    with get_client(sync_client=True) as client:
        runs = len(client.read_flow_runs(flow_run_filter=acme_runs))
    assert archived and len(failed) == 17 and len(reasons) == 17 and minutes and runs >= 15
    text = config.read_text(encoding="utf-8")
    # 0 days: every finished run of the session server goes too; the later test modules make their own.
    config.write_text(text.replace("[asr]", "retention_days = 0\n[asr]"), encoding="utf-8")
    reconcile_inbox(config=str(config))
    assert not [p for p in archived if p.exists()], "archived audio was kept past the retention period"
    assert not [p for p in failed if os.path.lexists(p)], "failed audio was kept past the retention period"
    assert all("L'enregistrement a été supprimé le" in r.read_text(encoding="utf-8") for r in reasons)
    assert sorted((root / "outbox").rglob("*.docx")) == minutes, "minutes must be kept"
    with get_client(sync_client=True) as client:
        assert not client.read_flow_runs(flow_run_filter=acme_runs), "finished runs were kept"
    audit = [line.split("\t") for line in (root / "home/logs/retention.log").read_text(encoding="utf-8").splitlines()]
    kinds = Counter(fields[6] for fields in audit)
    assert kinds["archived recording"] == len(archived) and kinds["failed recording"] == len(failed)
    assert kinds["flow run"] >= runs and all(fields[1] == "deleted" for fields in audit)
    with sqlite3.connect(default_ledger_path(root / "home")) as db:
        count = db.execute("SELECT COUNT(*) FROM purges").fetchone()[0]
    assert count == len(audit)
