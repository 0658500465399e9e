"""Finding, rendering, verifying and revoking certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from elearn import audit
from elearn.auth.models import User
from elearn.certificates.codes import new_code, normalize_code
from elearn.certificates.models import Certificate
from elearn.certificates.pdf import render_certificate
from elearn.content import structure
from elearn.core.db import insert_ignore
from elearn.core.errors import NotFound, ValidationFailed
from elearn.core.events import course_completed
from elearn.core.text import like_pattern
from elearn.core.time import utcnow
from elearn.extensions import db


def issue_certificate(user_id: int, course_id: int) -> bool:
    """Issue the course's certificate once (unique per learner and course); True if new.

    The learner's name and the course title are copied as they are now, so the paper
    and the verification page agree for ever.
    """
    user = db.session.get(User, user_id)
    course = structure.published_for_courses([course_id]).get(course_id)
    if user is None or course is None:
        return False
    return insert_ignore(
        Certificate,
        {
            "code": new_code(),
            "user_id": user_id,
            "course_id": course_id,
            "learner_name": user.full_name,
            "course_title": course.title,
        },
        ["user_id", "course_id"],
    )


@course_completed.connect
def _on_course_completed(sender: Any, user_id: int, course_id: int, **_: Any) -> None:
    issue_certificate(user_id, course_id)


@dataclass(frozen=True)
class CertificateBrief:
    """What a learner's pages show of a certificate."""

    course_id: int
    code: str
    issued_at: datetime
    revoked_at: datetime | None


def by_code(typed: str) -> Certificate | None:
    code = normalize_code(typed)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


@dataclass
class Verification:
    """What the public verification page and API show."""

    valid: bool
    learner_name: str
    course_title: str
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None
    code: str


def verify(typed: str) -> Verification:
    certificate = by_code(typed)
    if certificate is None:
        raise NotFound(_("No certificate has this code. Check the code printed on the paper."))
    return Verification(
        valid=certificate.revoked_at is None,
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        issued_at=certificate.issued_at,
        revoked_at=certificate.revoked_at,
        revoked_reason=certificate.revoked_reason,
        code=certificate.code,
    )


def pdf_bytes(certificate: Certificate, verify_url: str, language: str = "vi") -> bytes:
    """The certificate PDF; the same certificate always gives the same bytes."""
    return render_certificate(
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        issued_on=certificate.issued_at.date(),
        organisation=current_app.config["ELEARN_ORG_NAME"],
        code=certificate.code,
        verify_url=verify_url,
        language=language if language in ("vi", "en") else "vi",
    )


def revoke(certificate: Certificate, reason: str, actor_id: int) -> None:
    """Revoke with a reason (kept, shown on the verification page, and audited)."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("Please give the reason for revoking."), {"reason": [_("A reason is required.")]}
        )
    if len(reason) > 300:
        raise ValidationFailed(
            _("The reason is too long (300 characters at most)."),
            {"reason": [_("The reason is too long (300 characters at most).")]},
        )
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.revoked_reason = reason
        audit.record("certificate.revoked", actor_id, certificate.code, reason)


def search_query(term: str = "") -> Select[tuple[Certificate]]:
    stmt = select(Certificate).order_by(Certificate.issued_at.desc())
    term = term.strip()
    if term:
        code = normalize_code(term)
        conditions = [Certificate.learner_name.ilike(like_pattern(term), escape="\\")]
        if code:
            conditions.append(Certificate.code == code)
        stmt = stmt.where(or_(*conditions))
    return stmt
