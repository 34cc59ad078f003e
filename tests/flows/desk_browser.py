"""The secretary's review desk driven in a real headless Chromium (tests/flows/test_service.py runs it on a
real `minutier serve` with the real models, a real Prefect server and a real SMTP server on loopback): she
signs in, opens the recording waiting for review, plays it from a clicked word, corrects a word, renames a
speaker, changes an action's owner and due date, adds a decision, previews and approves.

Also measured: the editor's load and first paint on a 60-minute, ~9,000-word meeting, and a save's round
trip (printed and written to editor-timings.json, not asserted: speed is a benchmark figure).
"""

from __future__ import annotations

import io
import json
import shutil
import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import docx
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from desk.accounts import set_password
from pipeline.summarize.minutes import speaking_shares
from service.layout import Home
from service.review import ReviewRecord, current_minutes, draft_minutes, open_review
from tests.conftest import ROOT
from tests.flows.chromium import chromium
from tests.unit.meetings import FR_TURNS, build_transcript
from tests.unit.minutes_samples import board_minutes

PASSWORD = "relecture-2026"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SCREENSHOTS = ROOT / "test-results"


@dataclass(frozen=True)
class Desk:
    home: Path  # the service's home (reviews, accounts)
    url: str


def desk_settings(port: int) -> str:
    """The [desk] section of a service whose secretary claire reviews client "revue"."""
    return f'\n[desk]\nport = {port}\n[desk.users.claire]\nclients = ["revue"]\nlanguage = "fr"\n'


def add_secretary(home: Path) -> None:
    set_password(Home(home).desk, "claire", PASSWORD)


@contextmanager
def desk_browser(profile: Path) -> Iterator[Any]:
    """Chromium for the desk: audio may play without a gesture."""
    with chromium(profile, "--autoplay-policy=no-user-gesture-required") as driver:
        yield driver


def _wait(driver: Any, timeout: float) -> WebDriverWait[Any]:
    # The page reloads after some edits: an element read meanwhile may be gone; the condition is tried again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def _shot(driver: Any, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 10_000
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SCREENSHOTS / name)
    return path


def sign_in(driver: Any, desk: Desk) -> None:
    driver.get(f"{desk.url}/login")
    driver.find_element(By.ID, "user").send_keys("claire")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "sign-in").click()
    _wait(driver, 30).until(lambda d: d.current_url.endswith("/queue"))


def _saved(driver: Any, edits: int) -> bool:
    """Every edit answered: the audit trail on the page has `edits` lines and the status says so."""
    lines = driver.find_elements(By.CSS_SELECTOR, "#audit li")
    return len(lines) >= edits and driver.find_element(By.ID, "status").text == "Enregistré"


def _set(driver: Any, element: Any, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")  # typed over, as she would (clear() would save an empty value first)
    element.send_keys(text)
    element.send_keys(Keys.TAB)  # leaving the field is a change: saved at once


def attachment_text(message: Any) -> str:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == DOCX_MIME]
    document = docx.Document(io.BytesIO(part.get_content()))
    cells = (c.text for t in document.tables for r in t.rows for c in r.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


@dataclass(frozen=True)
class Corrections:
    word: str  # what she typed over a misheard word
    speaker: str  # the name she gave the first speaker
    owner: str
    due: date
    decision: str  # a decision the machine missed
    edits: int  # how many edits the audit trail must hold


def correct_and_approve(browser: Any, desk: Desk, record: ReviewRecord, screenshots: Path) -> Corrections:
    """In the editor: play from a clicked word, correct a word, rename a speaker, set an action's owner and
    due date (adding an action if the machine found none), add a decision, preview, approve."""
    done = Corrections("Lefèvre", "Marie Dupont", "Paul Girard", date(2026, 12, 18), "Le budget 2027 est validé.", 0)
    sign_in(browser, desk)
    browser.find_element(By.LINK_TEXT, record.title).click()
    _wait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript span[data-t]"))

    # Play from a clicked word: the audio's position is the word's start, and that word is highlighted.
    words = browser.find_elements(By.CSS_SELECTOR, "#transcript span[data-t]")
    clicked = next(w for w in words if float(w.get_attribute("data-t")) > 1.0)
    start = float(clicked.get_attribute("data-t"))
    clicked.click()
    _wait(browser, 20).until(lambda d: d.execute_script("return !document.getElementById('audio').paused"))
    position = browser.execute_script("return document.getElementById('audio').currentTime")
    assert start - 0.05 <= position <= start + 3.0, (start, position)
    _wait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript span.now"))
    browser.execute_script("document.getElementById('audio').pause()")

    # Correct a word (the first one of four letters or more): double-click, type, Enter.
    target = next(w for w in words if sum(c.isalpha() for c in w.text) >= 4)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    webdriver.ActionChains(browser).double_click(target).perform()
    field = _wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "input.word-edit"))
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(done.word, Keys.ENTER)
    _wait(browser, 20).until(lambda d: _saved(d, 1))

    # Rename the first speaker listed.
    speaker = browser.find_element(By.CSS_SELECTOR, "input.speaker-name")
    speaker_id = speaker.get_attribute("data-speaker")
    _set(browser, speaker, done.speaker)
    _wait(browser, 20).until(lambda d: _saved(d, 2))
    labels = {b.text for b in browser.find_elements(By.CSS_SELECTOR, f'b.sp[data-speaker="{speaker_id}"]')}
    assert labels == {done.speaker}

    # An action's owner and due date (an action is added first if the machine found none).
    edits = 2
    if not browser.find_elements(By.CSS_SELECTOR, 'li.item[data-section="actions"]'):
        browser.find_element(By.CSS_SELECTOR, 'button[data-add="actions"]').click()
        edits += 1
        _wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'li.item[data-section="actions"]'))
    action = browser.find_element(By.CSS_SELECTOR, 'li.item[data-section="actions"]')
    _set(browser, action.find_element(By.CSS_SELECTOR, '[data-field="owner"]'), done.owner)
    due = action.find_element(By.CSS_SELECTOR, '[data-field="due"]')
    browser.execute_script("arguments[0].focus()", due)
    french = browser.execute_script("return navigator.language").startswith("fr")
    due.send_keys(done.due.strftime("%d%m%Y" if french else "%m%d%Y"))
    due.send_keys(Keys.TAB)
    _wait(browser, 20).until(lambda d: _saved(d, edits + 2))
    assert due.get_attribute("value") == done.due.isoformat()

    # A decision the machine missed: added (the page reloads on the new item, its text selected), then typed.
    browser.find_element(By.CSS_SELECTOR, 'button[data-add="decisions"]').click()
    _wait(browser, 20).until(lambda d: d.switch_to.active_element.get_attribute("value") == "…")
    new = browser.switch_to.active_element
    assert new.find_element(By.XPATH, "ancestor::li").get_attribute("data-section") == "decisions"
    new.send_keys(done.decision, Keys.TAB)
    edits += 4
    _wait(browser, 20).until(lambda d: _saved(d, edits))
    browser.execute_script("window.scrollTo(0, 0)")
    _shot(browser, screenshots, "review-desk-editor.png")

    # The preview shows the document as it will be sent.
    browser.get(f"{desk.url}/c/revue/r/{record.review_id}/preview")
    preview = browser.find_element(By.ID, "document").text
    assert done.word in preview and done.owner in preview and done.speaker in preview
    _shot(browser, screenshots, "review-desk-preview.png")

    browser.get(f"{desk.url}/c/revue/r/{record.review_id}")
    browser.find_element(By.ID, "approve").click()
    _wait(browser, 30).until(lambda d: d.current_url.endswith("/queue"))
    assert "est approuvé" in browser.find_element(By.TAG_NAME, "body").text
    _shot(browser, screenshots, "review-desk-queue.png")
    return replace(done, edits=edits)


def _hour_long_minutes(words: int = 9_000) -> Any:
    """A 60-minute meeting (~9,000 words at the steady rate of tests/unit/meetings.py) in board minutes' frame."""
    per_round = sum(len(text.split()) for _, text in FR_TURNS)
    turns = FR_TURNS * (words // per_round + 1)
    st = build_transcript(turns, "fr", (("SPEAKER_00", "Claire"), ("SPEAKER_01", "Julien"), ("SPEAKER_02", "Sophie")))
    base = board_minutes("fr")
    return replace(base, transcript=st, duration=st.duration, participants=speaking_shares(st))


def time_the_editor(desk: Desk, browser: Any, tmp_path: Path) -> dict[str, Any]:
    """Open a 60-minute, 9,000-word meeting's editor 5 times and save 10 edits: the times, in ms."""
    minutes = _hour_long_minutes()
    count = sum(len(u.words) for u in minutes.transcript.utterances)
    assert count >= 9_000 and minutes.duration >= 3_300
    heard = tmp_path / "heard.wav"
    shutil.copy(ROOT / "samples/meeting_en.wav", heard)
    record: ReviewRecord = open_review(
        desk.home,
        client="revue",
        meeting_id="longue-reunion-0000beef",
        flow_run_id=str(uuid.uuid4()),  # no run waits on it: this review is only timed, never decided
        recording_name="longue réunion.wav",
        minutes=minutes,
        heard=heard,
        template=None,
    )
    sign_in(browser, desk)
    url = f"{desk.url}/c/revue/r/{record.review_id}"
    loads, paints, ready, first_bytes = [], [], [], []
    for _ in range(5):
        browser.get(url)
        _wait(browser, 30).until(
            lambda d: d.execute_script("return performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
        )
        timing = browser.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "const p = performance.getEntriesByName('first-contentful-paint')[0];"
            "return [n.loadEventEnd, n.domContentLoadedEventEnd, p ? p.startTime : null, n.responseStart]"
        )
        loads.append(timing[0])
        ready.append(timing[1])
        paints.append(timing[2])
        first_bytes.append(timing[3])
    assert len(browser.find_elements(By.CSS_SELECTOR, "#transcript span[data-t]")) == count
    rounds = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const editor = document.getElementById('editor');
        const csrf = document.querySelector('meta[name="csrf"]').content;
        (async () => {
          const times = [];
          for (let i = 0; i < 10; i++) {
            const t0 = performance.now();
            const r = await fetch(editor.dataset.edit, {method: 'POST', headers: {'Content-Type': 'application/json',
              'Accept': 'application/json', 'X-CSRF-Token': csrf},
              body: JSON.stringify({op: 'item_set', section: 'actions', index: 0, fields: {owner: 'Personne ' + i}})});
            await r.json();
            if (!r.ok) { done(['failed', r.status]); return; }
            times.push(performance.now() - t0);
          }
          done(times);
        })();
        """
    )
    assert rounds[0] != "failed", rounds
    _shot(browser, tmp_path / "screenshots", "review-desk-hour-long.png")
    # Chromium may report no first paint for a load (a reload of the same page): the others still count.
    painted = [p for p in paints if p is not None] or [float("nan")]
    load, paint, save = statistics.median(loads), statistics.median(painted), statistics.median(rounds)
    print(
        f"\nEditor on a {minutes.duration / 60:.0f}-minute meeting ({count} words): load {load:.0f} ms "
        f"(first byte {statistics.median(first_bytes):.0f} ms, DOMContentLoaded {statistics.median(ready):.0f} ms), "
        f"first contentful paint {paint:.0f} ms "
        f"(median of 5; loads {', '.join(f'{x:.0f}' for x in loads)}); save round trip median {save:.0f} ms, "
        f"max {max(rounds):.0f} ms (10 saves)"
    )
    # Timings are reported (README, "Review desk"), not asserted: a busy CI machine must not fail the
    # suite on speed, which the benchmarks measure side by side.
    timings = {"words": count, "load_ms": loads, "first_paint_ms": paints, "save_ms": rounds}
    (tmp_path / "editor-timings.json").write_text(json.dumps(timings))
    assert current_minutes(record).action_items[0].owner == "Personne 9"
    assert draft_minutes(record).action_items[0].owner == "Julien Moreau"
    return timings
