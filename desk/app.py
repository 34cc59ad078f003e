"""The review desk as a FastAPI application: sign-in, and the pages of :mod:`desk.pages`.

Built by :func:`create_app` from the service configuration; `minutier serve` runs it with uvicorn
(:mod:`desk.server`). Nothing here reads the email settings or any API key: pages and cookies never
carry them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Protocol

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from desk.accounts import Throttle, check_password, session_secret
from desk.i18n import translator
from desk.session import CSRF_FIELD, LoginRequired, check_csrf, csrf_token, current_user, language_of, sign_in
from service.layout import Home
from service.review import ReviewRecord
from service.settings import ServiceConfig

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "minutier_desk"
# Scripts, styles and media from the desk itself only: an injected <script> could not run even if it
# slipped through escaping.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class Decider(Protocol):
    """Resumes the paused run with the secretary's decision (:func:`flows.review.submit_decision`)."""

    def __call__(self, record: ReviewRecord, *, approve: bool, who: str, reason: str = "") -> None: ...


def _submit_decision(record: ReviewRecord, *, approve: bool, who: str, reason: str = "") -> None:
    from flows.review import submit_decision  # Prefect is imported only when a decision is sent

    submit_decision(record, approve=approve, who=who, reason=reason)


@dataclass
class DeskState:
    """What every request needs: the configuration, the service home, the throttle, the clock."""

    settings: ServiceConfig
    decide: Decider = _submit_decision
    now: Callable[[], float] = time.time
    throttle: Throttle = field(default_factory=Throttle)
    templates: Jinja2Templates = field(default_factory=lambda: Jinja2Templates(directory=HERE / "templates"))

    @property
    def home(self) -> Path:
        return self.settings.service.home_dir

    @property
    def accounts(self) -> Path:
        return Home(self.home).desk

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page in the secretary's language, with this session's CSRF token."""
        if "user" not in context:  # the header names who is signed in, on every page
            try:
                context["user"] = current_user(request)
            except LoginRequired:
                context["user"] = None
        context |= {"t": translator(language_of(request)), "lang": language_of(request), "csrf": csrf_token(request)}
        return self.templates.TemplateResponse(request, name, context, status_code=status)


def create_app(
    settings: ServiceConfig,
    *,
    decide: Decider | None = None,
    now: Callable[[], float] | None = None,
    throttle: Throttle | None = None,
) -> FastAPI:
    """The desk for `settings` (its ``[desk]`` users, the service home's reviews and accounts).

    Args:
        settings: The service configuration.
        decide: Resumes a paused run (default: :func:`flows.review.submit_decision`).
        now: The wall clock, in seconds (sessions expire against it).
        throttle: The sign-in throttle (default: 3 free tries, then waits doubling from 2 s).
    """
    from desk.pages import router

    state = DeskState(settings, decide=decide or _submit_decision, now=now or time.time)
    if throttle is not None:
        state.throttle = throttle
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.desk = state
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(state.accounts),
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.desk.session_hours * 3600),
        same_site="strict",
        https_only=settings.desk.https_only,
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    _add_sign_in(app, state)
    _add_error_pages(app, state)
    return app


def _add_sign_in(app: FastAPI, state: DeskState) -> None:
    @app.get("/login")
    def login_page(request: Request, expired: int = 0) -> HTMLResponse:
        t = translator(language_of(request))
        return state.render(request, "login.html", message=t("expired") if expired else "")

    @app.post("/login", response_model=None)
    def login(
        request: Request,
        user: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    ) -> Response:
        check_csrf(request, csrf)
        t = translator(language_of(request))
        keys = (f"user:{user.strip().casefold()}", f"addr:{request.client.host if request.client else '?'}")
        wait = state.throttle.wait_s(*keys)
        if wait > 0:
            message = t("throttled", seconds=int(wait) + 1)
            return state.render(request, "login.html", status=429, message=message, typed=user)
        name = user.strip()
        if state.settings.desk.user(name) is None or not check_password(state.accounts, name, password):
            state.throttle.failed(*keys)
            return state.render(request, "login.html", status=401, message=t("bad_login"), typed=user)
        state.throttle.succeeded(*keys)
        sign_in(request, name)
        return RedirectResponse("/queue", status_code=303)

    @app.post("/logout", response_model=None)
    def logout(request: Request, csrf: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> Response:
        check_csrf(request, csrf)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/", response_model=None)
    def home(request: Request) -> Response:
        current_user(request)
        return RedirectResponse("/queue", status_code=303)


def _wants_json(request: Request) -> bool:
    return request.method != "GET" and "application/json" in request.headers.get("accept", "")


def _add_error_pages(app: FastAPI, state: DeskState) -> None:
    @app.exception_handler(LoginRequired)
    def login_required(request: Request, error: LoginRequired) -> Response:
        if _wants_json(request) or request.method != "GET":
            return JSONResponse({"error": "login required"}, status_code=401)
        return RedirectResponse("/login?expired=1" if error.expired else "/login", status_code=303)

    def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, StarletteHTTPException) else 500
        # The same page for every 404, whether the client or recording exists or not: nothing leaks.
        t = translator(language_of(request))
        message = t("not_found") if status == 404 else t("bad_request")
        if _wants_json(request):
            detail = message if status == 404 else str(getattr(error, "detail", ""))
            return JSONResponse({"error": detail}, status_code=status)
        return state.render(request, "error.html", status=status, message=message)

    app.add_exception_handler(StarletteHTTPException, http_error)  # unknown routes too
