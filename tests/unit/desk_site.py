"""A review desk on a real review store in a temporary home: two clients, a secretary for each, one waiting
review per client opened through :func:`service.review.open_review` from hand-built minutes and a real
(generated) recording. Shared by the tests/unit/test_desk_*.py modules."""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from desk.accounts import Throttle, set_password
from desk.app import create_app
from pipeline.summarize import Minutes
from pipeline.types import Utterance, Word
from service.layout import Home
from service.review import ReviewRecord, find_review, mark_decided, open_review
from service.settings import DeskSettings, EmailSettings, ServiceConfig, ServiceSettings
from tests.media import run_ffmpeg
from tests.unit.minutes_samples import board_minutes

PASSWORDS = {"claire": "claire-pass-2026", "bob": "bob-pass-2026"}
HOSTILE = "<script>alert('x')</script> <b>gras</b> & <img src=x onerror=alert(1)>"
CLIENTS_TOML = (
    '[clients.acme]\nname = "ACME SA"\nrecipients = ["direction@acme.example"]\nlanguage = "fr"\nreview = true\n\n'
    '[clients.beta]\nname = "Beta Conseil"\nrecipients = ["board@beta.example"]\nlanguage = "en"\nreview = true\n'
)


@dataclass
class FakeClock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Decisions:
    """Stands in for resuming the Prefect run (not what these tests are about): records each decision and
    marks the review decided, as :func:`flows.review.submit_decision` does after resuming."""

    calls: list[tuple[str, bool, str, str]] = field(default_factory=list)

    def __call__(self, record: ReviewRecord, *, approve: bool, who: str, reason: str = "") -> None:
        self.calls.append((record.review_id, approve, who, reason))
        mark_decided(record, state="approved" if approve else "rejected", who=who, reason=reason or None)


@dataclass
class Site:
    root: Path
    settings: ServiceConfig
    acme: ReviewRecord
    beta: ReviewRecord
    clock: FakeClock
    throttle_clock: FakeClock
    decisions: Decisions

    def client(self) -> TestClient:
        app = create_app(
            self.settings,
            decide=self.decisions,
            now=self.clock,
            throttle=Throttle(clock=self.throttle_clock),
        )
        return TestClient(app, follow_redirects=False)


def hostile_minutes() -> Minutes:
    """English minutes whose first utterance carries HTML and a script, as a transcript could."""
    minutes = board_minutes("en")
    first = minutes.transcript.utterances[0]
    words = tuple(
        Word(first.start + i * 0.3, first.start + i * 0.3 + 0.25, " " + w, 0.9) for i, w in enumerate(HOSTILE.split())
    )
    hostile = Utterance(first.speaker, words[0].start, words[-1].end, HOSTILE, words)
    transcript = replace(minutes.transcript, utterances=(hostile, *minutes.transcript.utterances[1:]))
    return replace(minutes, transcript=transcript, title="Board <i>meeting</i>", summary=HOSTILE)


def _settings(root: Path, email: EmailSettings | None) -> ServiceConfig:
    return ServiceConfig(
        service=ServiceSettings(home_dir=root / "home", api_url="http://127.0.0.1:9/api", root_dir=root),
        email=email or EmailSettings(),
        desk=DeskSettings(users={"claire": {"clients": ["acme"]}, "bob": {"clients": ["beta"], "language": "en"}}),
    )


def build_site(root: Path, *, email: EmailSettings | None = None) -> Site:
    home = root / "home"
    (root / "clients.toml").write_text(CLIENTS_TOML, encoding="utf-8")
    settings = _settings(root, email)
    for user, password in PASSWORDS.items():
        set_password(Home(home).desk, user, password)
    heard = root / "heard.wav"
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=12", "-ac", "1", "-ar", "16000", heard)

    def review(client: str, minutes: Minutes, name: str) -> ReviewRecord:
        return open_review(
            home,
            client=client,
            meeting_id=f"{name}-0123abcd",
            flow_run_id=str(uuid.uuid4()),
            recording_name=f"{name}.wav",
            minutes=minutes,
            heard=heard,
            template=None,
        )

    acme = review("acme", board_minutes("fr"), "comite")
    beta = review("beta", hostile_minutes(), "board")
    return Site(root, settings, acme, beta, FakeClock(), FakeClock(), Decisions())


def copy_site(site: Site, root: Path, *, email: EmailSettings | None = None) -> Site:
    """A fresh copy of `site` under `root` (its home, clients file and recording copied; nothing re-encoded)."""
    shutil.copytree(site.root / "home", root / "home")
    shutil.copy2(site.root / "clients.toml", root / "clients.toml")
    shutil.copy2(site.root / "heard.wav", root / "heard.wav")
    home = root / "home"
    acme = find_review(home, "acme", site.acme.review_id)
    beta = find_review(home, "beta", site.beta.review_id)
    return Site(root, _settings(root, email), acme, beta, FakeClock(), FakeClock(), Decisions())


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf" content="([^"]+)">', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, user: str, password: str | None = None) -> str:
    """Sign `user` in; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"user": user, "password": password or PASSWORDS[user], "csrf": token})
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/queue").text)


def post_edit(client: TestClient, record: ReviewRecord, token: str | None, edit: dict[str, Any]) -> Any:
    headers = {"Accept": "application/json"} | ({"X-CSRF-Token": token} if token else {})
    return client.post(f"/c/{record.client}/r/{record.review_id}/edit", json=edit, headers=headers)
