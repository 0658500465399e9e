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
from elearn.certificates.codes import ALPHABET, SEPARATORS, new_code, normalize_code
from elearn.certificates.models import Certificate
from elearn.certificates.pdf import render_certificate
from elearn.content import structure
from elearn.core.db import insert_ignore
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.core.events import course_completed
from elearn.core.text import fold, like_pattern
from elearn.core.time import configured_zone, local_date, utcnow
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
            "learner_name_folded": fold(user.full_name),
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
    revoked_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


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
    """The certificate PDF; the same certificate always gives the same bytes.

    Dated in the configured zone, as the pages are: completing at 23:30 UTC is the next
    day in Vietnam, on the paper and on the verification page alike.
    """
    return render_certificate(
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        issued_on=local_date(certificate.issued_at, configured_zone()),
        organisation=current_app.config["ELEARN_ORG_NAME"],
        code=certificate.code,
        verify_url=verify_url,
        language=language if language in ("vi", "en") else "vi",
    )


REASON_MAX = 300


def _reason(reason: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(missing, {"reason": [_("A reason is required.")]})
    if len(reason) > REASON_MAX:
        message = _("The reason is too long (300 characters at most).")
        raise ValidationFailed(message, {"reason": [message]})
    return reason


def check_revoke(certificate: Certificate, reason: str) -> str:
    """The cleaned reason if `certificate` may be revoked for it (the confirmation step
    shows it back); raises ValidationFailed or Conflict otherwise. Changes nothing."""
    reason = _reason(reason, _("Please give the reason for revoking."))
    if certificate.revoked_at is not None:
        raise Conflict(_("This certificate is already revoked."))
    return reason


def check_reinstate(certificate: Certificate, reason: str) -> str:
    """The cleaned reason if `certificate` may be reinstated for it; changes nothing."""
    reason = _reason(reason, _("Please give the reason for reinstating."))
    if certificate.revoked_at is None:
        raise Conflict(_("This certificate is valid: there is nothing to reinstate."))
    return reason


def revoke(certificate: Certificate, reason: str, actor_id: int) -> None:
    """Revoke with a reason (kept, shown to the learner and on the verification page,
    and audited with the state before and after). The PDF is no longer served."""
    reason = check_revoke(certificate, reason)
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    db.session.flush()
    audit.record(
        "certificate.revoked",
        actor_id,
        certificate.code,
        f"before=valid after=revoked reason={reason!r}",
    )


def reinstate(certificate: Certificate, reason: str, actor_id: int) -> None:
    """Make a revoked certificate valid again, with a reason; audited with before/after
    (the revocation's date and reason live on in the audit log)."""
    reason = check_reinstate(certificate, reason)
    assert certificate.revoked_at is not None
    before = (
        f"before=revoked at={certificate.revoked_at.isoformat()} "
        f"revoked_reason={certificate.revoked_reason!r}"
    )
    certificate.revoked_at = None
    certificate.revoked_reason = None
    db.session.flush()
    audit.record(
        "certificate.reinstated",
        actor_id,
        certificate.code,
        f"reason={reason!r} {before} after=valid",
    )


#: Shortest piece of a code searched for as a partial code.
PARTIAL_CODE_MIN = 4


def partial_code(term: str) -> str | None:
    """What a typed piece of a code ("7346-q9n3") looks like stored ("7346Q9N3"), or None
    when it cannot be part of a code."""
    kept = "".join(ch for ch in term if not ch.isspace() and ch not in SEPARATORS)
    if not kept.isascii():
        return None
    kept = kept.upper()
    if len(kept) < PARTIAL_CODE_MIN or not set(kept) <= set(ALPHABET):
        return None
    return kept


def search_query(term: str = "") -> Select[tuple[Certificate]]:
    """Certificates whose learner name contains `term` ignoring case and diacritics
    ("nguyen thi hoa" finds "Nguyễn Thị Hoa"), or whose code contains it with or without
    dashes; newest first. The folded name is a stored column, so the database filters."""
    stmt = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    term = term.strip()
    if term:
        conditions = [Certificate.learner_name_folded.like(like_pattern(fold(term)), escape="\\")]
        code = partial_code(term)
        if code:
            conditions.append(Certificate.code.like(like_pattern(code), escape="\\"))
        stmt = stmt.where(or_(*conditions))
    return stmt
