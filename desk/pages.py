"""The desk's pages: the queue, the editor, its audio and edits, the preview, and the decision.

Every route under ``/c/{client}/r/{review_id}`` goes through :func:`_record`: a client the signed-in
secretary is not assigned to, an unknown or malformed id, anything else, is the same 404.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from desk.i18n import translator
from desk.preview import client_config, document_bytes, document_html, document_name
from desk.session import CSRF_FIELD, CSRF_HEADER, check_csrf, current_user, desk_state, language_of
from desk.views import (
    audit_line,
    minutes_sections,
    queue_row,
    record_url,
    speaker_names,
    transcript_html,
    utc_now,
)
from pipeline.outputs.kinds import DETAILED, DOCUMENT_TYPES
from service.review import (
    WAITING,
    InvalidEdit,
    ReviewNotFound,
    ReviewRecord,
    apply_edit,
    audio_path,
    audit_trail,
    current_minutes,
    find_review,
    recent_reviews,
    waiting_reviews,
)
from service.settings import DeskUser

logger = logging.getLogger(__name__)
router = APIRouter()
MAX_EDIT_BYTES = 64_000
SignedIn = Annotated[DeskUser, Depends(current_user)]


def _record(request: Request, client: str, review_id: str, user: SignedIn) -> ReviewRecord:
    """The review `review_id` of `client`, if the signed-in secretary may see that client; else 404."""
    if client not in user.clients:
        raise HTTPException(status_code=404)
    try:
        return find_review(desk_state(request).home, client, review_id)
    except ReviewNotFound:
        raise HTTPException(status_code=404) from None


Review = Annotated[ReviewRecord, Depends(_record)]


@router.get("/queue")
def queue(request: Request, user: SignedIn) -> HTMLResponse:
    state = desk_state(request)
    now = utc_now()
    names = {c: (cfg.name if (cfg := client_config(state.settings, c)) else c) for c in user.clients}
    waiting = [queue_row(r, names[r.client], now) for r in waiting_reviews(state.home, user.clients)]
    recent = [queue_row(r, names[r.client], now) for r in recent_reviews(state.home, user.clients)]
    return state.render(request, "queue.html", user=user, waiting=waiting, recent=recent, notice=_notice(request))


def _notice(request: Request) -> str:
    notice = request.session.pop("notice", "")
    return notice if isinstance(notice, str) else ""


@router.get("/c/{client}/r/{review_id}")
def editor(request: Request, record: Review) -> HTMLResponse:
    state = desk_state(request)
    minutes = current_minutes(record)
    names = speaker_names(minutes)
    cfg = client_config(state.settings, record.client)
    chosen = record.template or (cfg.document_type if cfg else DETAILED)
    return state.render(
        request,
        "editor.html",
        user=current_user(request),
        record=record,
        url=record_url(record),
        minutes=minutes,
        speakers=names,
        transcript=transcript_html(minutes, names, _escape),
        sections=minutes_sections(minutes),
        audit=[audit_line(e) for e in audit_trail(record)],
        types=DOCUMENT_TYPES,
        chosen=chosen,
        editable=record.state == WAITING,
        has_audio=audio_path(record).is_file(),  # none for a transcript file
    )


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


@router.get("/c/{client}/r/{review_id}/audio")
def audio(record: Review) -> FileResponse:
    """The recording, with HTTP range requests (Starlette answers 206 + Content-Range), so seeking works."""
    path = audio_path(record)
    if not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path, media_type="audio/ogg", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/c/{client}/r/{review_id}/edit")
async def edit(request: Request, record: Review) -> JSONResponse:
    """One edit (a JSON object, see :mod:`service.review`), sent by the editor's script with the CSRF header."""
    check_csrf(request, request.headers.get(CSRF_HEADER))
    if record.state != WAITING:
        return JSONResponse({"error": translator(language_of(request))("read_only")}, status_code=409)
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_EDIT_BYTES:  # refused before it is read
        return JSONResponse({"error": "edit too large"}, status_code=413)
    body = await request.body()
    if len(body) > MAX_EDIT_BYTES:
        return JSONResponse({"error": "edit too large"}, status_code=413)
    try:
        change: Any = json.loads(body)
    except ValueError:
        return JSONResponse({"error": "not JSON"}, status_code=400)
    user = current_user(request)
    try:
        apply_edit(record, change, user.name)
    except InvalidEdit as e:
        return JSONResponse({"error": str(e)}, status_code=422)
    last = audit_trail(record)[-1]
    line = audit_line(last)
    return JSONResponse({"ok": True, "audit": {"at": line.at, "who": line.who, "what": line.what}})


@router.get("/c/{client}/r/{review_id}/preview")
def preview(request: Request, record: Review) -> HTMLResponse:
    state = desk_state(request)
    html = document_html(document_bytes(state.settings, record, current_minutes(record)))
    return state.render(request, "preview.html", record=record, url=record_url(record), document=html)


@router.get("/c/{client}/r/{review_id}/document.docx")
def document(request: Request, record: Review) -> Response:
    state = desk_state(request)
    minutes = current_minutes(record)
    data = document_bytes(state.settings, record, minutes)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{document_name(minutes)}"},
    )


@router.post("/c/{client}/r/{review_id}/decide", response_model=None)
def decide(
    request: Request,
    record: Review,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    """Approve (the run resumes, regenerates the documents from the corrected minutes and sends them once) or
    reject with a reason."""
    check_csrf(request, csrf)
    if decision not in ("approve", "reject"):
        raise HTTPException(status_code=400)
    state = desk_state(request)
    t = translator(language_of(request))
    if record.state != WAITING:
        request.session["notice"] = t("decided_already", state=t(f"state_{record.state}"))
        return RedirectResponse("/queue", status_code=303)
    user = current_user(request)
    try:
        state.decide(record, approve=decision == "approve", who=user.name, reason=reason.strip())
    except Exception as e:  # the service or Prefect unreachable: she is told, the review stays waiting
        logger.error("The decision on %s/%s could not be sent: %s", record.client, record.review_id, e)
        return state.render(request, "error.html", status=503, message=t("decide_failed", error=str(e)))
    verb = "approved" if decision == "approve" else "rejected"
    logger.info("%s %s the minutes of %s/%s", user.name, verb, record.client, record.review_id)
    request.session["notice"] = t("approved_msg" if decision == "approve" else "rejected_msg", title=record.title)
    return RedirectResponse("/queue", status_code=303)
