"""An operator's view: the Prefect UI in a real headless Chromium shows the run and its transcript."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT
from tests.flows.chromium import chromium
from tests.flows.conftest import ENV

SCREENSHOTS = ROOT / "test-results"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "profile") as driver:
        yield driver


def _click_text(driver: Any, text: str, timeout: float = 60) -> None:
    # The innermost element whose text contains `text` (the UI nests labels in several spans).
    xpath = f"//*[contains(normalize-space(.), {text!r}) and not(*[contains(normalize-space(.), {text!r})])]"
    element = WebDriverWait(driver, timeout).until(ec.element_to_be_clickable((By.XPATH, xpath)))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    try:
        element.click()
    except WebDriverException:
        driver.execute_script("arguments[0].click();", element)


def test_operator_finds_run_and_reads_transcript(browser: Any, completed_run: tuple[Any, dict[str, str]]) -> None:
    run, _ = completed_run
    ui = ENV["PREFECT_API_URL"].removesuffix("/api")
    browser.get(f"{ui}/runs")
    _click_text(browser, run.name)
    WebDriverWait(browser, 60).until(lambda d: str(run.id) in d.current_url)
    _click_text(browser, "Artifacts")
    _click_text(browser, "transcript-")
    WebDriverWait(browser, 60).until(lambda d: "New Jersey" in d.find_element(By.TAG_NAME, "body").text)
    time.sleep(1)  # let the markdown finish rendering before the picture
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / "prefect-ui-transcript.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    assert "Speaker 1" in browser.find_element(By.TAG_NAME, "body").text
