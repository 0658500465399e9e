"""Certificate download (owner or admin), public verification, admin revocation and
reinstatement."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn import audit
from elearn.auth.permissions import admin_required, can_download_certificate
from elearn.certificates import services
from elearn.certificates.codes import format_code
from elearn.certificates.forms import ReasonForm
from elearn.core.db import discard
from elearn.core.errors import ServiceError
from elearn.extensions import db, limiter
from elearn.web.i18n import current_locale
from elearn.web.urls import external_url

bp = Blueprint("certificates", __name__)


@bp.get("/certificates/<code>.pdf")
@login_required
def download(code: str):
    """The learner's certificate as a PDF (the same file every time); 410 once revoked."""
    certificate = services.by_code(code)
    if certificate is None:
        abort(404)
    if not can_download_certificate(current_user, certificate.user_id):
        audit.record_denied(
            "access.denied",
            current_user.id,
            f"certificate {certificate.code}",
            f"owner={certificate.user_id}",
        )
        abort(404)
    if certificate.revoked_at is not None:
        return render_template("certificates/revoked.html", certificate=certificate), 410
    # From ELEARN_BASE_URL: the printed QR code must never carry the request's Host.
    verify_url = external_url("certificates.verify", code=certificate.code)
    data = services.pdf_bytes(certificate, verify_url, current_locale())
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="chung-nhan-{certificate.code}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/verify/<code>")
@limiter.limit("60 per minute")
def verify(code: str):
    """Public: is this certificate genuine? No login needed."""
    try:
        result = services.verify(code)
    except ServiceError as exc:
        return render_template(
            "certificates/verify.html", result=None, message=exc.message, code=code
        ), 404
    return render_template("certificates/verify.html", result=result, code=code)


@bp.get("/verify")
def verify_form():
    """Type a code from paper."""
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("certificates.verify", code=code.replace(" ", "")))
    return render_template("certificates/verify.html", result=None, code="", message=None)


@bp.get("/admin/certificates")
@admin_required
def admin_list():
    """Admins: find certificates by code or learner name."""
    term = (request.args.get("q") or "").strip()[:100]
    certificates = db.session.scalars(services.search_query(term).limit(100)).all()
    return render_template("certificates/admin_list.html", certificates=certificates, term=term)


@bp.post("/admin/certificates/<code>/revoke")
@admin_required
def admin_revoke(code: str):
    """Admins: revoke a certificate with a reason, after confirming."""
    return _admin_change(code, "revoke")


@bp.post("/admin/certificates/<code>/reinstate")
@admin_required
def admin_reinstate(code: str):
    """Admins: make a revoked certificate valid again with a reason, after confirming."""
    return _admin_change(code, "reinstate")


_ACTIONS = {
    "revoke": (services.check_revoke, services.revoke),
    "reinstate": (services.check_reinstate, services.reinstate),
}


def _admin_change(code: str, action: str):
    """First POST: check and ask to confirm (changes nothing). Second POST, with
    `confirm`: do it. A refused reason goes back to the list with the message."""
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    certificate = services.by_code(code)
    if certificate is None:
        abort(404)
    check, perform = _ACTIONS[action]
    back = url_for("certificates.admin_list", q=format_code(certificate.code))
    try:
        if form.confirm.data != "yes":
            reason = check(certificate, form.reason.data or "")
            return render_template(
                "certificates/admin_confirm.html",
                certificate=certificate,
                action=action,
                reason=reason,
            )
        perform(certificate, form.reason.data or "", current_user.id)
    except ServiceError as exc:
        discard()
        flash(exc.message, "error")
        return redirect(back), 303
    if action == "revoke":
        flash(_("The certificate has been revoked."), "success")
    else:
        flash(_("The certificate has been reinstated: it is valid again."), "success")
    return redirect(back), 303
