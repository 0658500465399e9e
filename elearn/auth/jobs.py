"""Account jobs: the password-reset e-mail."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from elearn import audit
from elearn.auth.models import User
from elearn.auth.services import create_reset_token, find_by_login
from elearn.core.mail import send_mail
from elearn.extensions import db
from elearn.jobs.queue import job
from elearn.web.urls import external_url


@job("auth.send_password_reset")
def send_password_reset(
    login: str = "", locale: str | None = None, user_id: int | None = None
) -> str:
    """Create a reset token and mail its link (from ELEARN_BASE_URL, never the request's host).

    Every reset request enqueues this job, so the request takes the same path whether or not
    the account exists; here an unknown, disabled or phone-only account is only audited.
    The mail is in `locale` (the page that asked), else the account's language. `user_id`
    is for jobs queued before the job took the login.
    """
    user = db.session.get(User, user_id) if user_id is not None else find_by_login(login)
    if user is None or not user.active or not user.email:
        audit.record("password.reset_unknown", user.id if user else None, login)
        return "skipped: no account that can be reset by e-mail"
    token = create_reset_token(user)
    link = external_url("auth.reset_password", token=token)
    languages = current_app.config["LANGUAGES"]
    chosen = next((lang for lang in (locale, user.locale) if lang in languages), None)
    with force_locale(chosen or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Reset your OCOP e-learning password")
        body = _(
            "Hello %(name)s,\n\nTo choose a new password, open this link within "
            "%(minutes)d minutes:\n%(link)s\n\nIf you did not ask for this, ignore "
            "this e-mail: your password stays the same.",
            name=user.full_name,
            minutes=current_app.config["PASSWORD_RESET_MINUTES"],
            link=link,
        )
    # Sent before the job commits: should the commit fail, the link is dead and the job is
    # recorded failed (retry mails a new one); mailing after the commit could lose the mail.
    send_mail(user.email, subject, body)
    return "sent"
