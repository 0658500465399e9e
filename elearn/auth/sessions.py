"""Server-side sessions (S8-S12): the signed cookie carries only a random token.

Logout, password change and deactivation revoke the rows, so a copied cookie dies
with them. Idle and absolute limits are checked on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, fields
from datetime import timedelta

from flask import Flask, current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, login_user, logout_user
from sqlalchemy import bindparam, select, update

from elearn.auth.models import User, UserSession
from elearn.core.db import keep_on_rollback, read
from elearn.core.time import utcnow
from elearn.extensions import db, login_manager

SESSION_KEY = "sid"
#: Only refresh last_seen_at when it is older than this, to avoid a write per request.
TOUCH_AFTER = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # "basic": a phone whose IP changes mid-quiz must stay logged in.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def client_ip() -> str:
    return (request.remote_addr or "")[:45]


@dataclass(frozen=True)
class SessionUser(UserMixin):
    """The logged-in account as a request sees it: its columns, read-only, no ORM object
    (building one costs more than the query). Code that changes an account loads the
    `User` (`elearn.auth.services.account`)."""

    id: int
    email: str | None
    phone: str | None
    full_name: str
    role: str
    learner_group: str | None
    organisation: str
    province_code: str | None
    commune_code: str | None
    product_group: str | None
    locale: str | None
    active: bool

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def login_name(self) -> str:
        return self.email or self.phone or ""


_USER_COLUMNS = [getattr(User, f.name) for f in fields(SessionUser)]

# Built once: this runs on every logged-in request. The account's columns and the
# session row's, in one Core query.
_SESSION_BY_TOKEN = (
    select(
        *_USER_COLUMNS,
        UserSession.id.label("session_id"),
        UserSession.revoked_at,
        UserSession.expires_at,
        UserSession.last_seen_at,
        UserSession.idle_minutes,
    )
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)
_TOUCH = (
    update(UserSession)
    .where(UserSession.id == bindparam("session_id"))
    .values(last_seen_at=bindparam("now"))
)


def load_user(user_id: str) -> SessionUser | None:
    """Flask-Login loader: the account only if the session row is live."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    row = read(_SESSION_BY_TOKEN, {"token_hash": token_hash(token)}).first()
    now = utcnow()
    if (
        row is None
        or str(row.id) != user_id
        or row.revoked_at is not None
        or now >= row.expires_at
        or now >= row.last_seen_at + timedelta(minutes=row.idle_minutes)
        or not row.active
    ):
        session.pop(SESSION_KEY, None)
        return None
    if now - row.last_seen_at > TOUCH_AFTER:
        # In a short transaction of its own once the request's unit has ended (kept
        # whether or not the page succeeds): on SQLite a read-only request then never
        # has to take the write lock halfway through.
        session_id = row.session_id

        def touch() -> None:
            with db.engine.begin() as connection:
                connection.execute(_TOUCH, {"session_id": session_id, "now": now})

        keep_on_rollback(touch)
    return SessionUser(*row[: len(_USER_COLUMNS)])


def start_session(user: User, remember: bool) -> None:
    """Log in with a fresh session id (no fixation) and a new server-side row."""
    cfg = current_app.config
    now = utcnow()
    if remember:
        idle = timedelta(days=cfg["REMEMBER_IDLE_DAYS"])
        lifetime = timedelta(days=cfg["REMEMBER_ABSOLUTE_DAYS"])
    else:
        idle = timedelta(minutes=cfg["SESSION_IDLE_MINUTES"])
        lifetime = timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"])
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            idle_minutes=int(idle.total_seconds() // 60),
            remember=remember,
            user_agent=(request.user_agent.string or "")[:200],
            ip=client_ip(),
        )
    )
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[SESSION_KEY] = token
    # The cookie outlives the browser only when asked to; the row enforces the limits.
    session.permanent = remember
    login_user(user)


def end_session() -> None:
    """Log out this browser: revoke its row and clear the cookie."""
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == token_hash(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def revoke_api_tokens(user_id: int) -> None:
    """End every API token of a user."""
    from elearn.auth.models import ApiToken

    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_sessions(user_id: int, keep_current: bool = False) -> None:
    """End every session of a user (optionally all but this browser's)."""
    stmt = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    token = session.get(SESSION_KEY) if keep_current else None
    if token:
        stmt = stmt.where(UserSession.token_hash != token_hash(token))
    db.session.execute(stmt.values(revoked_at=utcnow()))
