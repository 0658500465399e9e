"""Admin page: failed and waiting background jobs, with a retry button."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.auth.permissions import admin_required
from elearn.extensions import db
from elearn.jobs import queue
from elearn.web.forms import EmptyForm

bp = Blueprint("jobs", __name__)

#: Rows shown per list; the oldest beyond this wait for the next page view.
LIST_LIMIT = 100


@bp.get("/admin/jobs")
@admin_required
def admin_list():
    """Admins: failed jobs (retriable) and jobs still waiting or running."""
    failed = db.session.scalars(queue.jobs_query("failed").limit(LIST_LIMIT)).all()
    waiting = db.session.scalars(queue.jobs_query("queued", "running").limit(LIST_LIMIT)).all()
    return render_template("jobs/admin_list.html", failed=failed, waiting=waiting)


@bp.post("/admin/jobs/<int:job_id>/retry")
@admin_required
def admin_retry(job_id: int):
    """Admins: run a failed job again."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if queue.retry(job_id, actor_id=current_user.id):
        flash(_("The job has been queued again."), "success")
    else:
        flash(_("That job is not waiting for a retry."), "info")
    return redirect(url_for("jobs.admin_list")), 303
