"""The desk's walls: a secretary sees her clients only (404 otherwise, the same 404 whatever exists), every
change carries the session's CSRF token, HTML in a transcript stays text, sessions expire, wrong passwords
are slowed down, and no secret of the service reaches a page or a cookie."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.review import audit_trail, current_minutes, open_review
from service.settings import EmailSettings
from tests.unit.desk_site import HOSTILE, PASSWORDS, Site, copy_site, csrf_of, post_edit, sign_in
from tests.unit.minutes_samples import board_minutes


def test_the_queue_lists_her_clients_reviews_only(site: Site) -> None:
    newer = open_review(
        site.settings.service.home_dir,
        client="acme",
        meeting_id="plus-recent-0123abcd",
        flow_run_id=str(uuid.uuid4()),
        recording_name="plus récent.wav",
        minutes=replace(board_minutes("fr"), title="Point hebdomadaire"),
        heard=None,
        template=None,
    )
    client = site.client()
    sign_in(client, "claire")
    page = client.get("/queue")
    assert page.status_code == 200
    assert site.acme.title in page.text and f"/c/acme/r/{site.acme.review_id}" in page.text
    assert '<h2 class="client">ACME SA</h2>' in page.text  # under her client's name
    assert page.text.index(f"/c/acme/r/{newer.review_id}") < page.text.index(f"/c/acme/r/{site.acme.review_id}")
    assert site.beta.review_id not in page.text and "Beta Conseil" not in page.text


def test_another_clients_review_is_not_found_by_any_url(site: Site) -> None:
    client = site.client()
    token = sign_in(client, "claire")
    b, a = site.beta.review_id, site.acme.review_id
    guessed = secrets.token_urlsafe(16)
    paths = [
        f"/c/beta/r/{b}",  # B's own URL
        f"/c/acme/r/{b}",  # B's id under her client
        f"/c/acme/r/{guessed}",  # a guessed id
        f"/c/nobody/r/{guessed}",  # a client that does not exist
        f"/c/acme/r/..%2F..%2Fbeta%2F{b}",  # encoded slashes climbing to B's folder
        "/c/acme/r/..%2Fbeta",
        f"/c/acme%2F..%2Fbeta/r/{b}",
        "/c/acme/r/%2E%2E",
        f"/c/acme/r/{a}%2F..%2F..%2Fbeta%2F{b}",
        f"/c/acme/r/{a[:-1]}",  # malformed ids
        "/c/acme/r/draft.json",
        "/c/../beta/r/" + b,
        "/static/..%2F..%2Fservice%2Fsettings.py",
        "/static/%2e%2e/app.py",
    ]
    not_found = client.get(f"/c/acme/r/{guessed}").text
    for path in paths:
        for suffix in ("", "/audio", "/preview", "/document.docx"):
            response = client.get(path + suffix)
            assert response.status_code == 404, (path + suffix, response.status_code)
            if path.startswith("/c/") and suffix in ("", "/audio"):
                assert response.text == not_found, "a 404 must not tell whether the review exists"
    assert "Beta" not in not_found and HOSTILE not in not_found
    # Changes to B's review by its real URL are refused the same way, and change nothing.
    assert post_edit(client, site.beta, token, {"op": "summary", "text": "piraté"}).status_code == 404
    refused = client.post(f"/c/beta/r/{b}/decide", data={"decision": "approve", "csrf": token})
    assert refused.status_code == 404
    assert site.decisions.calls == [] and audit_trail(site.beta) == []
    # Bob, of client B, does see it: the 404s above were the wall, not a broken page.
    other = site.client()
    sign_in(other, "bob")
    assert other.get(f"/c/beta/r/{b}").status_code == 200
    assert other.get(f"/c/acme/r/{a}").status_code == 404


def test_a_change_without_the_csrf_token_is_refused(site: Site) -> None:
    client = site.client()
    token = sign_in(client, "claire")
    before = current_minutes(site.acme)
    edit = {"op": "summary", "text": "Changed behind her back."}
    assert post_edit(client, site.acme, None, edit).status_code == 403
    assert post_edit(client, site.acme, "x" * 43, edit).status_code == 403
    url = f"/c/acme/r/{site.acme.review_id}"
    assert client.post(f"{url}/decide", data={"decision": "approve"}).status_code == 403
    assert client.post(f"{url}/decide", data={"decision": "approve", "csrf": token[::-1]}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    assert current_minutes(site.acme) == before and audit_trail(site.acme) == []
    assert site.decisions.calls == []
    # The token of another session is not hers either.
    other = site.client()
    assert post_edit(other, site.acme, csrf_of(other.get("/login").text), edit).status_code == 401
    # A sign-in form posted from elsewhere (no token) is refused before the password is checked.
    fresh = site.client()
    assert fresh.post("/login", data={"user": "claire", "password": PASSWORDS["claire"]}).status_code == 403
    # With the token, the same edit is taken.
    assert post_edit(client, site.acme, token, edit).status_code == 200


def test_html_in_a_transcript_is_shown_as_text(site: Site) -> None:
    client = site.client()
    sign_in(client, "bob")
    url = f"/c/beta/r/{site.beta.review_id}"
    for page in (client.get(url), client.get(f"{url}/preview")):
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text and "<b>gras</b>" not in page.text
        assert "&lt;script&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    editor = client.get(url).text
    assert "Board &lt;i&gt;meeting&lt;/i&gt;" in editor
    # Only the desk's own script is loaded.
    assert editor.count("<script") == 1 and '<script src="/static/desk.js" defer></script>' in editor


def test_an_expired_session_goes_back_to_the_sign_in(site: Site) -> None:
    client = site.client()
    token = sign_in(client, "claire")
    url = f"/c/acme/r/{site.acme.review_id}"
    site.clock.now += 11.9 * 3600
    assert client.get(url).status_code == 200
    site.clock.now += 0.2 * 3600  # past [desk] session_hours = 12
    response = client.get(url)
    assert response.status_code == 303 and response.headers["location"] == "/login?expired=1"
    assert "expir" in client.get("/login?expired=1").text
    assert post_edit(client, site.acme, token, {"op": "summary", "text": "too late"}).status_code == 401
    assert audit_trail(site.acme) == []
    # A cookie rewritten to name another secretary (its signature kept) is no session at all.
    fresh = site.client()
    sign_in(fresh, "claire")
    payload, signature = fresh.cookies["minutier_desk"].split(".", 1)
    data = json.loads(base64.b64decode(payload + "=="))
    forged = base64.b64encode(json.dumps(data | {"user": "bob"}).encode()).decode()
    fresh.cookies.clear()
    fresh.cookies.set("minutier_desk", f"{forged}.{signature}")
    assert fresh.get(f"/c/beta/r/{site.beta.review_id}").status_code == 303


def test_wrong_passwords_are_slowed_down(site: Site) -> None:
    client = site.client()
    token = csrf_of(client.get("/login").text)

    def attempt(password: str, user: str = "claire") -> int:
        return client.post("/login", data={"user": user, "password": password, "csrf": token}).status_code

    assert [attempt("wrong-guess-1"), attempt("wrong-guess-2"), attempt("wrong-guess-3")] == [401, 401, 401]
    assert attempt(PASSWORDS["claire"]) == 429  # even the right one waits now
    assert attempt("anything", user="nobody") == 429  # the same address trying another name waits too
    site.throttle_clock.now += 2.1
    assert attempt("wrong-guess-4") == 401
    site.throttle_clock.now += 2.1  # the wait doubled: 4 s
    assert attempt(PASSWORDS["claire"]) == 429
    site.throttle_clock.now += 2.0
    assert attempt(PASSWORDS["claire"]) == 303
    # An unknown name is answered exactly as a wrong password is.
    fresh = site.client()
    token = csrf_of(fresh.get("/login").text)
    unknown = fresh.post("/login", data={"user": "mallory", "password": "whatever-it-is", "csrf": token})
    wrong = fresh.post("/login", data={"user": "claire", "password": "whatever-it-is", "csrf": token})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.text.replace("mallory", "claire") == wrong.text


def test_no_secret_reaches_a_page_or_a_cookie(built: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    smtp_password, api_key = "smtp-S3cret-9f2c", "sk-live-7d1e0b5a"
    monkeypatch.setenv("MINUTIER_SMTP_PASSWORD", smtp_password)
    monkeypatch.setenv("MINUTIER_LLM_API_KEY", api_key)
    site = copy_site(built, tmp_path, email=EmailSettings(host="smtp.example", username="cr@cabinet.example"))
    assert site.settings.email.password == smtp_password and site.settings.minutes.llm_api_key == api_key
    client = site.client()
    token = sign_in(client, "claire")
    url = f"/c/acme/r/{site.acme.review_id}"
    post_edit(client, site.acme, token, {"op": "summary", "text": "Synthèse relue."})
    seen = []
    for path in ("/login", "/queue", url, f"{url}/preview", f"{url}/document.docx", f"{url}/audio", "/nowhere"):
        response = client.get(path)
        seen += [response.content, json.dumps(dict(response.headers)).encode()]
    cookie = client.cookies["minutier_desk"]
    payload = base64.b64decode(cookie.split(".")[0] + "==")
    seen += [cookie.encode(), payload]
    assert set(json.loads(payload)) == {"user", "since", "csrf"}
    for blob in seen:
        assert smtp_password.encode() not in blob and api_key.encode() not in blob


def test_the_session_cookie_is_http_only_strict_and_secure_when_served_through_https(site: Site) -> None:
    def session_cookie(client: Any) -> str:
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"user": "claire", "password": PASSWORDS["claire"], "csrf": token})
        (cookie,) = [c for c in response.headers.get_list("set-cookie") if c.startswith("minutier_desk=")]
        return cookie.lower()

    plain = session_cookie(site.client())
    assert "httponly" in plain and "samesite=strict" in plain and "secure" not in plain
    desk = replace(site.settings.desk, https_only=True)
    secure = replace(site, settings=replace(site.settings, desk=desk))
    through_https = TestClient(secure.client().app, base_url="https://testserver", follow_redirects=False)
    assert "secure" in session_cookie(through_https)
