"""Who is signed in, for how long, and the CSRF token every change must carry.

The session lives in a signed cookie (Starlette's SessionMiddleware, itsdangerous underneath) holding
only the user name, the sign-in time and the CSRF token; the sign-in time is also checked here, so a
session ends after ``[desk] session_hours`` even if the browser keeps the cookie.
"""

from __future__ import annotations

import hmac
import secrets
from typing import TYPE_CHECKING

from fastapi import HTTPException, Request

from service.settings import DeskUser

if TYPE_CHECKING:
    from desk.app import DeskState

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"


class LoginRequired(Exception):
    """No valid session: pages redirect to the sign-in page, fetch calls get 401."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("login required")
        self.expired = expired


def desk_state(request: Request) -> DeskState:
    state: DeskState = request.app.state.desk
    return state


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use, kept for the session's life)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def check_csrf(request: Request, supplied: str | None) -> None:
    """Refuse (403) a change whose token is missing or is not this session's."""
    expected = request.session.get(CSRF_FIELD)
    if not isinstance(expected, str) or not supplied or not hmac.compare_digest(expected, supplied):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")


def sign_in(request: Request, user: str) -> None:
    """A fresh session for `user` (a new CSRF token too, so one seen before signing in is worthless)."""
    request.session.clear()
    request.session["user"] = user
    request.session["since"] = desk_state(request).now()
    csrf_token(request)


def current_user(request: Request) -> DeskUser:
    """The signed-in secretary, as declared now in ``[desk.users]``.

    Raises:
        LoginRequired: no session, an expired one, or a user no longer declared.
    """
    state = desk_state(request)
    name, since = request.session.get("user"), request.session.get("since")
    if not isinstance(name, str) or not isinstance(since, int | float):
        raise LoginRequired()
    user = state.settings.desk.user(name)
    if user is None:
        request.session.clear()
        raise LoginRequired()
    if state.now() - since > state.settings.desk.session_hours * 3600:
        request.session.clear()
        raise LoginRequired(expired=True)
    return user


def language_of(request: Request) -> str:
    """The signed-in secretary's language, else the desk's."""
    state = desk_state(request)
    name = request.session.get("user")
    user = state.settings.desk.user(name) if isinstance(name, str) else None
    return (user.language if user else None) or state.settings.desk.language
