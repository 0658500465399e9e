"""Home page, language switch and health check."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from elearn.auth.services import set_locale
from elearn.web.forms import EmptyForm, safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Landing page: what the platform is, and where to start."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    return render_template("main/index.html")


@bp.post("/language")
def set_language():
    """Switch the interface language; remembered in the session and on the account."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = lang
    if current_user.is_authenticated:
        set_locale(current_user.id, lang)
    return redirect(safe_next("main.index"))


@bp.get("/healthz")
def healthz():
    """Liveness check; also the trivial endpoint the benchmarks compare against."""
    return {"status": "ok"}
