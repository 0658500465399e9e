"""Views for accounts: thin wrappers around elearn.auth.services."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.auth import services, sessions
from elearn.auth.forms import (
    ForgotPasswordForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from elearn.core.errors import Throttled, ValidationFailed
from elearn.extensions import db, limiter
from elearn.regions.services import communes_query, provinces_query
from elearn.web.forms import EmptyForm, add_missing_errors, apply_errors, safe_next
from elearn.web.i18n import current_locale

bp = Blueprint("auth", __name__)


def _region_choices(form: RegisterForm | ProfileForm) -> None:
    province = form.province_code.data or ""
    provinces = list(db.session.scalars(provinces_query()))
    communes = list(db.session.scalars(communes_query(province))) if province else []
    form.set_choices(provinces, communes)


def _profile_from(form: RegisterForm | ProfileForm) -> services.Profile:
    return services.Profile(
        full_name=form.full_name.data or "",
        learner_group=form.learner_group.data or None,
        organisation=form.organisation.data or "",
        province_code=form.province_code.data or None,
        commune_code=form.commune_code.data or None,
        product_group=form.product_group.data or None,
    )


def _csrf_failed(form: RegisterForm | ProfileForm) -> bool:
    """True when the form was refused for its CSRF token (then nothing else is checked)."""
    token = getattr(form, "csrf_token", None)
    return token is not None and bool(token.errors)


def _refreshing() -> bool:
    """True when the no-JavaScript "show communes" button was pressed."""
    return request.method == "POST" and request.form.get("action") == "refresh"


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_POSTS_PER_IP"], methods=["POST"])
def register():
    """Sign up with an e-mail or a Vietnamese mobile number."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = RegisterForm()
    _region_choices(form)
    status = 200
    if _refreshing():
        pass  # show the form again with the province's communes; nothing is saved
    elif form.validate_on_submit():
        try:
            user = services.register_user(
                form.login.data,
                form.password.data,
                _profile_from(form),
                locale=current_locale(),
                ip=sessions.client_ip(),
            )
        except Throttled as exc:
            form.form_errors.append(exc.message)
            status = 429
        except ValidationFailed as exc:
            apply_errors(form, exc)
            flash(exc.message, "error")
            status = 400
        else:
            sessions.start_session(user, remember=True)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.full_name), "success")
            return redirect(url_for("catalog.index"))
    elif request.method == "POST":
        if not _csrf_failed(form):
            problems = services.registration_errors(
                form.login.data or "", form.password.data or "", _profile_from(form)
            )
            add_missing_errors(form, problems)
        status = 400
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail or phone and password."""
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.login.data, form.password.data, sessions.client_ip())
        except Throttled as exc:
            form.form_errors.append(exc.message)
            status = 429
        except ValidationFailed as exc:
            form.form_errors.append(exc.message)
            status = 400
        else:
            sessions.start_session(user, remember=bool(form.remember.data))
            return redirect(safe_next())
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, next=request.args.get("next", "")), status


@bp.post("/logout")
def logout():
    """Log out (POST only, with CSRF token); the server-side session is revoked."""
    form = EmptyForm()
    if form.validate_on_submit():
        sessions.end_session()
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Edit one's own profile."""
    user = services.account(current_user.id)
    form = ProfileForm(obj=user if request.method == "GET" else None)
    _region_choices(form)
    status = 200
    if _refreshing():
        pass  # show the form again with the province's communes; nothing is saved
    elif form.validate_on_submit():
        try:
            services.update_profile(user, _profile_from(form))
        except ValidationFailed as exc:
            apply_errors(form, exc)
            flash(exc.message, "error")
            status = 400
        else:
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("auth.profile"))
    elif request.method == "POST":
        if not _csrf_failed(form):
            add_missing_errors(form, services.profile_errors(_profile_from(form)))
        status = 400
    return render_template("auth/profile.html", form=form, user=user), status


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's password (the current one is required)."""
    user = services.account(current_user.id)
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_password(
                user,
                form.current_password.data,
                form.new_password.data,
                end_other_sessions=bool(form.end_other_sessions.data),
            )
        except Throttled as exc:
            form.form_errors.append(exc.message)
            status = 429
        except ValidationFailed as exc:
            apply_errors(form, exc)
            status = 400
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.profile"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/password.html", form=form), status


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.login.data, current_locale())
        return render_template("auth/forgot_sent.html")
    status = 400 if request.method == "POST" else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with a single-use link."""
    form = ResetPasswordForm()
    if request.method == "GET" and services.reset_token_user(token) is None:
        return render_template("auth/reset.html", form=None), 400
    status = 200
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.new_password.data)
        except ValidationFailed as exc:
            if "token" in exc.fields:
                return render_template("auth/reset.html", form=None), 400
            apply_errors(form, exc)
            status = 400
        else:
            flash(_("Your password has been changed. Please log in."), "success")
            return redirect(url_for("auth.login"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/reset.html", form=form), status
