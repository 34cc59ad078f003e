"""`minutier serve` end to end: watched client folders, the real models, a real SMTP server.

Also checks that the service and `minutier minutes` run the same stages (known voices, language, provenance).

The service runs as a real child process against the session's Prefect server; recordings are
dropped into its inboxes the way a secretary would, and the test reads what the SMTP server got.
"""

from __future__ import annotations

import io
import shutil
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import docx
import pytest
import soundfile as sf
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

from cli import main
from flows.review import submit_decision
from pipeline.outputs.text import minutes_from_json
from pipeline.summarize import Minutes
from pipeline.summarize.humanize import format_date
from service.review import (
    audio_path,
    audit_trail,
    learned_vocabulary,
    reload_review,
    waiting_reviews,
)
from tests.flows.conftest import ENV
from tests.flows.desk_browser import (
    Desk,
    add_secretary,
    correct_and_approve,
    desk_browser,
    desk_settings,
    time_the_editor,
)
from tests.flows.service_harness import Service, descendants, slow_copy, wait_for
from tests.smtp import Recorder, free_port

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROCESSING_TIMEOUT_S = 420
DESK_PORT = free_port()


@pytest.fixture(scope="module")
def smtp() -> Iterator[Recorder]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port  # type: ignore[attr-defined]
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service")


@pytest.fixture(scope="module")
def service(prefect_server: Any, smtp: Recorder, root: Path, eval_dir: Path) -> Iterator[Service]:
    config = root / "minutier.toml"
    config.write_text(
        f'[service]\nhome_dir = "{root / "home"}"\nroot_dir = "{root}"\napi_url = "{ENV["PREFECT_API_URL"]}"\n'
        f"settle_s = 1.5\nreconcile_s = 600\n"
        f'[email]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "plain"\nsender = "cr@cabinet.example"\n'  # type: ignore[attr-defined]
        'operators = ["ops@cabinet.example"]\n' + desk_settings(DESK_PORT),
        encoding="utf-8",
    )
    add_secretary(root / "home")
    (root / "clients.toml").write_text(
        '[clients.acme]\nname = "ACME SA"\nrecipients = ["direction@acme.example"]\nlanguage = "fr"\n\n'
        '[clients.acme-corp]\nname = "Acme Corp"\nrecipients = ["minutes@acme-corp.example"]\nlanguage = "en"\n\n'
        '[clients.revue]\nname = "Cabinet Revue"\nrecipients = ["associe@revue.example"]\nlanguage = "fr"\n'
        "review = true\nreview_timeout_s = 900\n\n"
        '[clients.voix]\nname = "Cabinet Voix"\nrecipients = ["secretariat@voix.example"]\nlanguage = "en"\n'
        'voices_dir = "voices"\n',
        encoding="utf-8",
    )
    _enrol_sample_voices(eval_dir, root / "voices")
    served = Service(config, root / "serve.log")
    served.start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def desk(service: Service, root: Path) -> Desk:
    url = f"http://127.0.0.1:{DESK_PORT}"
    wait_for(lambda: f"Review desk: {url}" in service.log.read_text(), 60, "the desk's URL")
    return Desk(root / "home", url)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with desk_browser(tmp_path_factory.mktemp("chromium")) as driver:
        yield driver


def _enrol_sample_voices(eval_dir: Path, voices: Path) -> None:
    """One reference clip per voice of the pyannote sample (sample.rttm: speaker90 alone 10.6-14.4 s,
    speaker91 alone 14.8-17.9 s), named after the person."""
    samples, rate = sf.read(eval_dir / "pyannote_sample/sample.wav", dtype="float32")
    voices.mkdir(parents=True, exist_ok=True)
    sf.write(voices / "Diane Martin.wav", samples[int(10.6 * rate) : int(14.4 * rate)], rate)
    sf.write(voices / "Sheila Brun.wav", samples[int(14.8 * rate) : int(17.9 * rate)], rate)


def _messages_to(smtp: Recorder, address: str) -> list[tuple[str, list[str], EmailMessage]]:
    return [m for m in smtp.messages if address in m[1]]


def _docx_text(message: EmailMessage) -> str:
    attachments = [p for p in message.iter_attachments() if p.get_content_type() == DOCX_MIME]
    assert len(attachments) == 1
    document = docx.Document(io.BytesIO(attachments[0].get_content()))
    return "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )


def test_recording_reaches_only_its_client_once(service: Service, smtp: Recorder, root: Path, eval_dir: Path) -> None:
    shutil.copy(eval_dir / "pyannote_sample/sample.wav", root / "inbox/acme/Réunion client.wav")
    wait_for(lambda: _messages_to(smtp, "direction@acme.example"), PROCESSING_TIMEOUT_S, "the minutes email")
    sender, recipients, message = _messages_to(smtp, "direction@acme.example")[0]
    assert recipients == ["direction@acme.example"] and sender == "cr@cabinet.example"
    assert "ACME SA" in message["Subject"]
    assert "New Jersey" in _docx_text(message)
    assert (root / "archive/acme").exists() and not list((root / "inbox/acme").iterdir())

    # The same recording again, under another name: archived with a note, nothing sent.
    shutil.copy(eval_dir / "pyannote_sample/sample.wav", root / "inbox/acme/copie.wav")
    wait_for(lambda: list((root / "archive/acme").rglob("copie*.note.txt")), 120, "the duplicate note")
    time.sleep(5)
    assert len(smtp.messages) == 1
    assert not list((root / "failed").rglob("*.wav"))


def test_file_dropped_while_stopped_and_half_written_file(
    service: Service, smtp: Recorder, root: Path, eval_dir: Path
) -> None:
    service.stop()
    shutil.copy(eval_dir / "faster_whisper/jfk.flac", root / "inbox/acme-corp/jfk speech.flac")
    service.start()
    wait_for(lambda: _messages_to(smtp, "minutes@acme-corp.example"), PROCESSING_TIMEOUT_S, "the restart email")
    _, recipients, message = _messages_to(smtp, "minutes@acme-corp.example")[0]
    assert recipients == ["minutes@acme-corp.example"]
    assert "ask not what your country" in _docx_text(message).lower()

    source = eval_dir / "ms_customspeech_fr/audio.wav"
    writer = threading.Thread(
        target=slow_copy, args=(source, root / "inbox/acme/dictée lente.wav"), kwargs={"chunks": 12, "pause": 0.7}
    )
    writer.start()
    writer.join()
    wait_for(
        lambda: len(_messages_to(smtp, "direction@acme.example")) == 2,
        PROCESSING_TIMEOUT_S,
        "the slowly written recording's email",
    )
    archived = list((root / "archive/acme").rglob("dictée lente*.wav"))
    assert len(archived) == 1 and archived[0].stat().st_size == source.stat().st_size
    assert not list((root / "failed").rglob("*.wav")), "the half-written file was taken early"
    assert all("acme-corp" not in r for _, rs, _ in _messages_to(smtp, "direction@acme.example") for r in rs)


def test_known_voices_name_speakers_alike_in_the_service_and_the_cli(
    service: Service, smtp: Recorder, root: Path, eval_dir: Path, tmp_path: Path
) -> None:
    """The client's voices_dir names the speakers of a recording the service processed (real models,
    model worker), and `minutier minutes` on the same file with the same voices gives the same
    speaker names, language and provenance: both run the same stages."""
    shutil.copy(eval_dir / "pyannote_sample/sample.wav", root / "inbox/voix/appel enregistré.wav")
    wait_for(lambda: _messages_to(smtp, "secretariat@voix.example"), PROCESSING_TIMEOUT_S, "the minutes email")
    text = _docx_text(_messages_to(smtp, "secretariat@voix.example")[0][2])
    assert "Diane Martin" in text and "Sheila Brun" in text
    # Named after the title its file name gives (no date: the file says none).
    served = minutes_from_json(next((root / "outbox/voix").rglob("Appel enregistré.json")).read_text("utf-8"))

    result = CliRunner().invoke(
        main,
        [
            "minutes", str(eval_dir / "pyannote_sample/sample.wav"), "--voices", str(root / "voices"),
            "-o", str(tmp_path), "--format", "json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    local = minutes_from_json((tmp_path / "sample.json").read_text("utf-8"))  # no title: the recording's name

    def names(minutes: Minutes) -> list[str]:
        return sorted(p.name for p in minutes.participants)

    assert names(served) == names(local) == ["Diane Martin", "Sheila Brun"]
    assert served.language == local.language == "en"
    assert served.provenance.models == local.provenance.models
    assert served.provenance.models[:2] == ("Whisper base", "pyannote segmentation-3.0 + CAM++")


def _paused_run(name_part: str) -> Any:
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_=name_part)))
    return next((r for r in runs if r.state and r.state.is_paused()), None)


def _waiting_review(root: Path, name_part: str) -> Any:
    """The review of the run paused for `name_part` (once the run waits: a decision before would find none)."""
    run = wait_for(lambda: _paused_run(name_part), PROCESSING_TIMEOUT_S, "the run to wait for review")
    reviews = [r for r in waiting_reviews(root / "home", ["revue"]) if r.flow_run_id == str(run.id)]
    assert len(reviews) == 1, reviews
    return reviews[0]


def test_a_secretary_corrects_and_approves_at_the_desk(
    service: Service, smtp: Recorder, root: Path, eval_dir: Path, desk: Desk, browser: Any, tmp_path: Path
) -> None:
    """In the browser, on the real models' draft: her corrections (a word, a speaker's name, an action's owner
    and due date, a decision) reach the emailed document and body without re-summarising; the machine's draft
    stays as it was; the audit trail and the document name her; what she corrected is learned."""
    shutil.copy(eval_dir / "pyannote_sample/sample.wav", root / "inbox/revue/appel à relire.wav")
    record = _waiting_review(root, "revue / appel")
    assert not _messages_to(smtp, "associe@revue.example"), "sent before review"
    assert sf.info(audio_path(record)).channels == 1
    draft = (record.folder / "draft.json").read_bytes()
    done = correct_and_approve(browser, desk, record, tmp_path / "screenshots")
    wait_for(lambda: _messages_to(smtp, "associe@revue.example"), 180, "the reviewed minutes email")
    message = _messages_to(smtp, "associe@revue.example")[0][2]
    text = _docx_text(message)
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    for corrected in (done.word, done.speaker, done.owner, done.decision):
        assert corrected in text, corrected
    assert any(format_date(done.due, lang) in text for lang in ("fr", "en"))
    assert done.owner in body and done.decision in body  # the body lists the decisions and actions
    assert "Relu par claire" in text or "Reviewed by claire" in text
    assert (record.folder / "draft.json").read_bytes() == draft
    assert done.word not in draft.decode() and done.speaker not in draft.decode()
    trail = audit_trail(record)
    assert len(trail) == done.edits and {e.who for e in trail} == {"claire"}
    wait_for(lambda: reload_review(record).state == "sent", 30, "the review marked sent")
    assert {done.speaker, done.word} <= set(learned_vocabulary(root / "home", "revue"))
    assert len(_messages_to(smtp, "associe@revue.example")) == 1


def test_review_rejection_files_the_recording(service: Service, smtp: Recorder, root: Path, eval_dir: Path) -> None:
    shutil.copy(eval_dir / "picovoice_cheetah/test_fr.wav", root / "inbox/revue/à refaire.wav")
    record = _waiting_review(root, "revue / à refaire")
    submit_decision(record, approve=False, who="claire", reason="mauvais client, à refaire")
    reason = wait_for(lambda: list((root / "failed/revue").glob("*.reason.txt")), 120, "the rejection reason")
    assert "mauvais client, à refaire" in reason[0].read_text(encoding="utf-8")
    assert len(_messages_to(smtp, "associe@revue.example")) == 1
    rejected = reload_review(record)
    assert (rejected.state, rejected.decided_by, rejected.reason) == ("rejected", "claire", "mauvais client, à refaire")


def test_the_editor_opens_an_hour_long_meeting(desk: Desk, browser: Any, tmp_path: Path) -> None:
    timings = time_the_editor(desk, browser, tmp_path)
    assert timings["words"] >= 9_000 and len(timings["load_ms"]) == 5 and len(timings["save_ms"]) == 10


def test_models_load_once_per_worker_process(service: Service, root: Path) -> None:
    log = (root / "home/logs/model-worker.log").read_text(errors="replace")
    workers = log.count("Starting task worker")
    runs = log.count("Submitting task run 'transcribe")
    assert workers >= 1 and runs > workers, (workers, runs)
    assert log.count("Loaded Whisper") <= workers, "Whisper was loaded more than once in a worker process"
    assert log.count("Loaded diarization model") <= workers


def test_model_worker_runs_with_the_service_settings(service: Service) -> None:
    assert service.process is not None
    commands = []
    for pid in descendants(service.process.pid):
        try:
            commands.append(Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0"))
        except FileNotFoundError:  # a flow run that just ended
            continue
    workers = [c for c in commands if "flows.worker" in c]
    assert len(workers) == 1, commands
    assert workers[0][workers[0].index("--config") + 1] == str(service.config.resolve())
