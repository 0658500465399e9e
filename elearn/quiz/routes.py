"""Quiz pages: overview, attempt (save as you go), submit, review."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.content import structure
from elearn.content.structure import CourseStructure, QuizEntry
from elearn.core.db import discard
from elearn.core.errors import ServiceError, ValidationFailed
from elearn.learn.enrolment import get_enrollment
from elearn.quiz import attempts as services
from elearn.quiz.models import QuizAttempt
from elearn.web.forms import EmptyForm
from elearn.web.inputs import MAX_ID

bp = Blueprint("quiz", __name__)


def _quiz_or_404(slug: str, key: str) -> tuple[CourseStructure, QuizEntry]:
    course = structure.published(slug)
    if course is None or key not in course.quiz_by_key:
        abort(404)
    return course, course.quiz_by_key[key]


def _own_attempt(attempt_id: int) -> QuizAttempt:
    try:
        return services.attempt_for_user(attempt_id, current_user.id)
    except ServiceError:
        abort(404)


def _refused(exc: ServiceError, target: str):
    """A rule refused the request: nothing was saved; say why and go back (303)."""
    discard()
    flash(exc.message, "error")
    return redirect(target), 303


_VERSION = re.compile(r"[0-9]{1,10}")


def _answers_from_form(attempt: QuizAttempt) -> dict[int, Any]:
    """Read every question's fields from the posted form."""
    return services.read_form_answers(attempt, request.form)


def _version() -> int | None:
    """The attempt version the page was built from; None when the form has none.

    ASCII digits only: `str.isdigit()` also accepts "²" or "١", which int() refuses.
    """
    raw = request.form.get("version", "")
    if not raw:
        return None
    if not _VERSION.fullmatch(raw) or int(raw) > MAX_ID:
        raise ValidationFailed(
            _("This page is out of date. Please reload it; your saved answers are kept.")
        )
    return int(raw)


@bp.get("/courses/<slug>/quizzes/<key>")
@login_required
def overview(slug: str, key: str):
    """The quiz's rules in plain words and the learner's attempts."""
    course, quiz = _quiz_or_404(slug, key)
    enrollment = get_enrollment(current_user.id, course.course_id)
    summary = services.quiz_summary(current_user.id, quiz) if enrollment else None
    return render_template(
        "quiz/overview.html", course=course, quiz=quiz, enrollment=enrollment, summary=summary
    )


@bp.post("/courses/<slug>/quizzes/<key>/start")
@login_required
def start(slug: str, key: str):
    """Start a new attempt, or resume the open one."""
    course, quiz = _quiz_or_404(slug, key)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt, _started = services.start_attempt(current_user.id, course, quiz)
    except ServiceError as exc:
        return _refused(exc, url_for("quiz.overview", slug=slug, key=key))
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The attempt's questions with the answers saved so far."""
    attempt = _own_attempt(attempt_id)
    services.finalize_if_expired(attempt)
    if attempt.state != "open":
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    course, quiz = services.quiz_of(attempt)
    return render_template(
        "quiz/attempt.html",
        attempt=attempt,
        quiz=quiz,
        course=course,
        questions=services.attempt_questions(attempt),
    )


@bp.post("/attempts/<int:attempt_id>/save")
@login_required
def save(attempt_id: int):
    """Save answers; JSON for the page's autosave, a redirect otherwise."""
    attempt = _own_attempt(attempt_id)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if not EmptyForm().validate_on_submit():
        if wants_json:
            return {
                "error": {
                    "code": "csrf",
                    "message": _("Your form expired. Please reload the page."),
                }
            }, 400
        abort(400)
    try:
        version = services.save_answers(attempt, _answers_from_form(attempt), _version())
    except ServiceError as exc:
        if wants_json:
            return {"error": {"code": exc.code, "message": exc.message}}, exc.status
        return _refused(exc, url_for("quiz.attempt", attempt_id=attempt_id))
    if wants_json:
        return {"saved": True, "version": version}
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("quiz.attempt", attempt_id=attempt_id)), 303


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    """Submit once; a second submit (double click, back button, other tab) changes nothing."""
    attempt = _own_attempt(attempt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt.state != "open":
        flash(_("This attempt was already submitted; here is its result."), "info")
        return redirect(url_for("quiz.review", attempt_id=attempt_id)), 303
    try:
        services.submit_attempt(
            attempt_id, current_user.id, _answers_from_form(attempt), _version()
        )
    except ServiceError as exc:
        return _refused(exc, url_for("quiz.attempt", attempt_id=attempt_id))
    return redirect(url_for("quiz.review", attempt_id=attempt_id)), 303


@bp.get("/attempts/<int:attempt_id>/save")
@bp.get("/attempts/<int:attempt_id>/submit")
@login_required
def back_to_attempt(attempt_id: int):
    """After logging in again mid-quiz, the login page sends people back here: show the attempt."""
    return redirect(url_for("quiz.attempt", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """The result, showing what the quiz settings allow."""
    attempt = _own_attempt(attempt_id)
    services.finalize_if_expired(attempt)
    if attempt.state == "open":
        return redirect(url_for("quiz.attempt", attempt_id=attempt_id))
    course, quiz = services.quiz_of(attempt)
    policy = services.review_policy(quiz)
    enrollment = get_enrollment(current_user.id, course.course_id)
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        quiz=quiz,
        course=course,
        enrollment=enrollment,
        policy=policy,
        passed=services.standing.passes(quiz, attempt.score),
        questions=services.attempt_questions(attempt) if policy.questions else [],
    )
