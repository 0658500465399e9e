"""People, their server-side sessions, API tokens and password reset tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db

ROLES = ("learner", "trainer", "admin")
LEARNER_GROUPS = (
    "company_manager",
    "cooperative",
    "household",
    "farm_owner",
    "program_official",
    "other",
)
#: Groups that run or advise the programme rather than produce: their commune is optional
#: (reports by commune count producers, so every other group must name one).
STAFF_GROUPS = ("program_official",)
PRODUCT_GROUPS = (
    "food",
    "beverages",
    "herbal",
    "handicrafts",
    "ornamental",
    "tourism",
)


class User(UserMixin, db.Model):
    """Anyone who logs in: learner, trainer or admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_login"),
        CheckConstraint("role IN ('learner', 'trainer', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased email; unique.
    email: Mapped[str | None] = mapped_column(String(254), unique=True, default=None)
    #: Vietnamese mobile number in E.164 form (+84xxxxxxxxx); unique.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True, default=None)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default="learner")
    learner_group: Mapped[str | None] = mapped_column(String(32), default=None)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    province_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
    commune_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
    product_group: Mapped[str | None] = mapped_column(String(32), default=None)
    locale: Mapped[str | None] = mapped_column(String(5), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    province = relationship("Region", foreign_keys=[province_code], lazy="raise")
    commune = relationship("Region", foreign_keys=[commune_code], lazy="raise")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def login_name(self) -> str:
        return self.email or self.phone or ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """A server-side login session; the cookie holds only its random token."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token in the session cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Absolute end of the session, whatever the activity.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Idle limit in minutes after last_seen_at.
    idle_minutes: Mapped[int] = mapped_column(Integer)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class PasswordResetToken(db.Model):
    """A single-use, short-lived password reset token; only its hash is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
