"""A picture of the review desk's editor on a real recording, for the README, and its load time in Chromium.

The minutes come from a real run (`minutier minutes REC --format json`); a review of them is opened in a
temporary service home, the desk is served on loopback, and a headless Chromium signs in, opens the
editor, plays from a word a few seconds in (so the current word is highlighted) and takes the picture.

    minutier minutes ../shared/eval/pyannote_sample/sample.wav --format json -o /tmp/real --title "Appel client"
    python bench/desk_screenshot.py ../shared/eval/pyannote_sample/sample.wav "/tmp/real/<date> Appel client.json" \
        docs/images/review-desk.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from desk.accounts import set_password
from desk.app import create_app
from flows.server import free_port
from pipeline.outputs.text import minutes_from_json
from service.layout import Home
from service.review import open_review
from service.settings import DeskSettings, ServiceConfig, ServiceSettings

PASSWORD = "capture-de-bureau"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", type=Path)
    parser.add_argument("minutes_json", type=Path)
    parser.add_argument("out", type=Path, help="The picture (.png).")
    parser.add_argument("--language", default="fr", choices=("fr", "en"), help="The secretary's language.")
    parser.add_argument("--play-from", type=float, default=6.0, help="Seconds into the recording to play from.")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="desk-screenshot-"))
    (root / "clients.toml").write_text(
        '[clients.cabinet]\nname = "Cabinet Lefèvre"\nrecipients = ["associe@cabinet.example"]\nreview = true\n',
        encoding="utf-8",
    )
    port = free_port()
    users = {"claire": {"clients": ["cabinet"], "language": args.language}}
    settings = ServiceConfig(
        service=ServiceSettings(home_dir=root / "home", root_dir=root, api_url="http://127.0.0.1:9/api"),
        desk=DeskSettings(port=port, users=users),
    )
    set_password(Home(root / "home").desk, "claire", PASSWORD)
    minutes = minutes_from_json(args.minutes_json.read_text(encoding="utf-8"))
    record = open_review(
        root / "home",
        client="cabinet",
        meeting_id="capture-00000000",
        flow_run_id=str(uuid.uuid4()),  # nothing is decided here
        recording_name=args.recording.name,
        minutes=minutes,
        heard=args.recording,
        template=None,
    )
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*FLAGS, f"--lang={args.language}", "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={root / 'profile'}")
    driver = webdriver.Chrome(service=ChromeService("/usr/bin/chromedriver"), options=options)
    try:
        base = f"http://127.0.0.1:{port}"
        driver.get(f"{base}/login")
        driver.find_element(By.ID, "user").send_keys("claire")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "sign-in").click()
        WebDriverWait(driver, 30).until(lambda d: d.current_url.endswith("/queue"))
        driver.get(f"{base}/c/cabinet/r/{record.review_id}")
        timing = driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "const p = performance.getEntriesByName('first-contentful-paint')[0];"
            "return [n.loadEventEnd, p ? p.startTime : null]"
        )
        words = driver.find_elements(By.CSS_SELECTOR, "#transcript span[data-t]")
        word = next(w for w in words if float(w.get_attribute("data-t")) >= args.play_from)
        word.click()
        time.sleep(1.5)
        driver.execute_script("document.getElementById('audio').pause(); window.scrollTo(0, 0)")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(args.out))
        print(f"{args.out}: {len(words)} words; load {timing[0]:.0f} ms, first contentful paint {timing[1]:.0f} ms")
    finally:
        driver.quit()
        server.should_exit = True


if __name__ == "__main__":
    main()
