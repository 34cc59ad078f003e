"""The editor at work: the transcript with playable words, the audio served in ranges, edits saved one at a
time into the store's audit trail (the draft untouched), the preview of the document as it will be sent,
and the decision."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date

import docx

from service.review import audio_path, audit_trail, current_minutes, draft_minutes, find_review, open_review
from tests.unit.desk_site import Site, post_edit, sign_in
from tests.unit.minutes_samples import board_minutes


def test_the_editor_shows_each_word_with_its_time(site: Site) -> None:
    client = site.client()
    sign_in(client, "claire")
    page = client.get(f"/c/acme/r/{site.acme.review_id}").text
    minutes = current_minutes(site.acme)
    words = [w for u in minutes.transcript.utterances for w in u.words]
    spans = re.findall(r'<span data-t="([0-9.]+)">([^<]*)</span>', page)
    assert len(spans) == len(words)
    assert [(float(t), text) for t, text in spans] == [(round(w.start, 2), w.text.strip()) for w in words]
    assert 'data-speaker="SPEAKER_00">Claire Martin</b>' in page
    assert f'src="/c/acme/r/{site.acme.review_id}/audio"' in page
    # French for Claire, whose language is the desk's default.
    assert "Approuver et envoyer" in page and 'lang="fr"' in page


def test_the_audio_is_served_in_ranges(site: Site) -> None:
    client = site.client()
    sign_in(client, "claire")
    url = f"/c/acme/r/{site.acme.review_id}/audio"
    whole = client.get(url)
    size = audio_path(site.acme).stat().st_size
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes" and len(whole.content) == size
    assert whole.headers["content-type"] == "audio/ogg" and whole.content[:4] == b"OggS"
    part = client.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{size}"
    assert part.content == whole.content[100:1100]
    tail = client.get(url, headers={"Range": f"bytes={size - 10}-"})
    assert tail.status_code == 206 and tail.content == whole.content[-10:]
    assert client.get(url, headers={"Range": f"bytes={size + 10}-"}).status_code == 416


def test_edits_are_kept_beside_the_untouched_draft(site: Site) -> None:
    client = site.client()
    token = sign_in(client, "claire")
    record = site.acme
    draft_file = (record.folder / "draft.json").read_bytes()
    edits = [
        {"op": "word", "u": 1, "w": 1, "text": "maquettes-clés"},
        {"op": "rename_speaker", "speaker": "SPEAKER_01", "name": "Julien Moreau-Lefèvre"},
        {"op": "item_set", "section": "actions", "index": 1, "fields": {"owner": "Claire Martin"}},
        {"op": "item_set", "section": "actions", "index": 1, "fields": {"due": "2025-03-21"}},
        {"op": "summary", "text": "Le comité a validé les maquettes."},
    ]
    for edit in edits:
        response = post_edit(client, record, token, edit)
        assert response.status_code == 200, response.text
        assert response.json()["audit"]["who"] == "claire"
    minutes = current_minutes(record)
    assert minutes.transcript.utterances[1].words[1].text.strip() == "maquettes-clés"
    assert dict(minutes.transcript.speaker_names)["SPEAKER_01"] == "Julien Moreau-Lefèvre"
    assert minutes.action_items[1].owner == "Claire Martin" and minutes.action_items[1].due == date(2025, 3, 21)
    assert minutes.summary == "Le comité a validé les maquettes."
    assert (record.folder / "draft.json").read_bytes() == draft_file
    assert draft_minutes(record).summary != minutes.summary
    assert [(e.who, e.edit["op"]) for e in audit_trail(record)] == [("claire", e["op"]) for e in edits]
    page = client.get(f"/c/acme/r/{record.review_id}").text
    assert "maquettes-clés" in page and "Julien Moreau-Lefèvre" in page and 'value="2025-03-21"' in page
    assert page.count("<b>claire</b>") == len(edits)  # the audit trail, each line naming her
    # An impossible edit is refused with the store's reason, and changes nothing.
    refused = post_edit(client, record, token, {"op": "word", "u": 999, "w": 0, "text": "x"})
    assert refused.status_code == 422 and "out of range" in refused.json()["error"]
    assert post_edit(client, record, token, {"op": "template", "value": "sonnet"}).status_code == 422
    assert post_edit(client, record, token, {"op": "summary", "text": "x" * 70_000}).status_code == 413
    assert len(audit_trail(record)) == len(edits)


def test_the_preview_is_the_corrected_document(site: Site) -> None:
    client = site.client()
    token = sign_in(client, "claire")
    record = site.acme
    post_edit(client, record, token, {"op": "item_set", "section": "actions", "index": 1, "fields": {"owner": "Zoé"}})
    post_edit(client, record, token, {"op": "word", "u": 4, "w": 1, "text": "Budget-2026"})
    preview = client.get(f"/c/acme/r/{record.review_id}/preview")
    assert preview.status_code == 200
    assert "Zoé" in preview.text and "Budget-2026" in preview.text
    assert (
        '<h1 class="title">Comité de pilotage</h1>' in preview.text
    )  # the document's own heading, in the client's language
    download = client.get(f"/c/acme/r/{record.review_id}/document.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs)
    tables = " ".join(
        c.text for t in docx.Document(io.BytesIO(download.content)).tables for r in t.rows for c in r.cells
    )
    assert "Zoé" in text + tables and "Budget-2026" in text + tables
    # A document type chosen at the desk is the one previewed.
    assert post_edit(client, record, token, {"op": "template", "value": "decisions"}).status_code == 200
    assert find_review(site.settings.service.home_dir, "acme", record.review_id).template == "decisions"
    decisions = client.get(f"/c/acme/r/{record.review_id}/preview").text
    assert "Budget-2026" not in decisions and "Zoé" in decisions  # a record of decisions has no transcript


def test_approve_and_reject_reach_the_run_once(site: Site) -> None:
    client = site.client()
    token = sign_in(client, "claire")
    url = f"/c/acme/r/{site.acme.review_id}"
    done = client.post(f"{url}/decide", data={"decision": "approve", "csrf": token})
    assert done.status_code == 303 and done.headers["location"] == "/queue"
    assert site.decisions.calls == [(site.acme.review_id, True, "claire", "")]
    queue = client.get("/queue").text
    assert "est approuvé" in queue and "Rien à relire." in queue and "approuvé" in queue
    # Decided: read-only, and a second decision is not sent.
    again = client.post(f"{url}/decide", data={"decision": "reject", "reason": "oups", "csrf": token})
    assert again.status_code == 303 and len(site.decisions.calls) == 1
    assert post_edit(client, site.acme, token, {"op": "summary", "text": "après coup"}).status_code == 409
    # Bob rejects his with a reason.
    other = site.client()
    bob_token = sign_in(other, "bob")
    beta_url = f"/c/beta/r/{site.beta.review_id}"
    assert other.post(f"{beta_url}/decide", data={"decision": "reject", "reason": "Wrong meeting", "csrf": bob_token})
    assert site.decisions.calls[-1] == (site.beta.review_id, False, "bob", "Wrong meeting")
    assert "rejected" in other.get("/queue").text  # English for Bob


def test_a_decision_that_cannot_reach_the_run_is_told(site: Site) -> None:
    def unreachable(record: object, *, approve: bool, who: str, reason: str = "") -> None:
        raise ConnectionError("the Prefect API at http://127.0.0.1:9/api does not answer")

    site.decisions = unreachable  # type: ignore[assignment]
    client = site.client()
    token = sign_in(client, "claire")
    response = client.post(f"/c/acme/r/{site.acme.review_id}/decide", data={"decision": "approve", "csrf": token})
    assert response.status_code == 503 and "does not answer" in response.text
    assert find_review(site.settings.service.home_dir, "acme", site.acme.review_id).state == "waiting"


def test_a_named_speakers_voice_is_saved_for_the_client(site: Site) -> None:
    voices = site.root / "voices"
    record = open_review(
        site.settings.service.home_dir,
        client="acme",
        meeting_id="comite-voix-0123abcd",
        flow_run_id=str(uuid.uuid4()),
        recording_name="comite.wav",
        minutes=board_minutes("fr"),
        heard=site.root / "heard.wav",
        template=None,
        voices_dir=voices,
    )
    client = site.client()
    token = sign_in(client, "claire")
    assert 'class="save-voice"' not in client.get(f"/c/acme/r/{site.acme.review_id}").text  # no voices folder
    assert client.get(f"/c/acme/r/{record.review_id}").text.count('class="save-voice"') == 2
    saved = post_edit(client, record, token, {"op": "save_voice", "speaker": "SPEAKER_00"})
    assert saved.status_code == 200, saved.text
    (clip,) = (voices / "Claire Martin").glob("*.wav")
    assert clip.stat().st_size > 10_000
    unknown = post_edit(client, record, token, {"op": "save_voice", "speaker": "SPEAKER_09"})
    assert unknown.status_code == 422 and "SPEAKER_09" in unknown.json()["error"]


def test_a_review_without_audio_shows_no_player(site: Site) -> None:
    record = open_review(
        site.settings.service.home_dir,
        client="acme",
        meeting_id="appel-0123abcd",
        flow_run_id=str(uuid.uuid4()),
        recording_name="appel.vtt",  # a transcript file: nothing to listen to
        minutes=board_minutes("fr"),
        heard=None,
        template=None,
    )
    client = site.client()
    sign_in(client, "claire")
    page = client.get(f"/c/acme/r/{record.review_id}").text
    assert f"/c/acme/r/{record.review_id}/audio" not in page and "Claire Martin" in page
    assert client.get(f"/c/acme/r/{record.review_id}/audio").status_code == 404
