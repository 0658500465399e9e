"""Quiz pages: overview, attempt (save as you go), submit, review."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.content import structure
from elearn.content.structure import CourseStructure, QuizEntry
from elearn.core.db import discard
from elearn.core.errors import ServiceError, ValidationFailed
from elearn.core.time import utcnow
from elearn.extensions import csrf
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


def _wants_json() -> bool:
    """The page's own fetch (autosave, the check before submitting), not a navigation."""
    return request.headers.get("X-Requested-With") == "fetch" or (
        request.accept_mimetypes.best == "application/json"
    )


def _login_required_or_401(view: Callable) -> Callable:
    """`login_required`, but a fetch whose session ended gets a JSON 401, not the login page,
    so the page can tell the learner and keep their answers until they log in again."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated and _wants_json():
            attempt_url = url_for("quiz.attempt", attempt_id=kwargs["attempt_id"])
            return {
                "error": {
                    "code": "logged_out",
                    "message": _(
                        "You were logged out. Log in again: your answers are kept on this phone."
                    ),
                    "login_url": url_for("auth.login", next=attempt_url),
                }
            }, 401
        return login_required(view)(*args, **kwargs)

    return wrapped


def _attempt_page(
    attempt: QuizAttempt,
    questions: list[services.AttemptQuestion] | None = None,
    unanswered: list[services.AttemptQuestion] | None = None,
    status: int = 200,
):
    course, quiz = services.quiz_of(attempt)
    return render_template(
        "quiz/attempt.html",
        attempt=attempt,
        quiz=quiz,
        course=course,
        questions=questions if questions is not None else services.attempt_questions(attempt),
        unanswered=unanswered or [],
    ), status


@bp.get("/courses/<slug>/quizzes/<key>")
@login_required
def overview(slug: str, key: str):
    """The quiz's rules in plain words and the learner's attempts."""
    course, quiz = _quiz_or_404(slug, key)
    enrollment = get_enrollment(current_user.id, course.course_id)
    summary = services.quiz_summary(current_user.id, quiz) if enrollment else None
    opening = services.quiz_opening(current_user.id, course, quiz) if enrollment else None
    return render_template(
        "quiz/overview.html",
        course=course,
        quiz=quiz,
        enrollment=enrollment,
        summary=summary,
        question_count=services.question_count(course, quiz),
        opening=opening,
    )


@bp.post("/courses/<slug>/quizzes/<key>/start")
@login_required
def start(slug: str, key: str):
    """Start a new attempt, or resume the open one; a timed or limited quiz asks first."""
    course, quiz = _quiz_or_404(slug, key)
    if not EmptyForm().validate_on_submit():
        abort(400)
    overview_url = url_for("quiz.overview", slug=slug, key=key)
    if request.form.get("confirm") != "1":
        summary = services.start_confirmation(current_user.id, course, quiz)
        if summary is not None:
            return render_template(
                "quiz/confirm_start.html", course=course, quiz=quiz, summary=summary
            )
    try:
        attempt, _started = services.start_attempt(current_user.id, course, quiz)
    except ServiceError as exc:
        return _refused(exc, overview_url)
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The attempt's questions with the answers saved so far."""
    attempt = _own_attempt(attempt_id)
    services.finalize_if_expired(attempt)
    if attempt.state != "open":
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    return _attempt_page(attempt)


def _expired_form(attempt_id: int):
    """The form's token is stale (logged in again elsewhere): show the posted answers again,
    unsaved, with a fresh token, instead of a 400 that loses them (F7)."""
    try:
        attempt = services.attempt_for_user(attempt_id, current_user.id)
    except ServiceError:
        abort(400)  # the same answer as for a missing token: no hint that the attempt exists
    if _wants_json():
        # The page keeps the answers in the browser and reloads for a fresh token.
        return {
            "error": {
                "code": "csrf",
                "message": _("Your form expired. Please reload the page."),
            }
        }, 400
    if attempt.state != "open":
        return redirect(url_for("quiz.review", attempt_id=attempt.id)), 303
    flash(
        _(
            "This page had expired, so your answers were not saved yet. They are shown "
            "again below: check them and press the button again."
        ),
        "error",
    )
    questions = services.questions_with_answers(attempt, _answers_from_form(attempt))
    return _attempt_page(attempt, questions, status=400)


# The app-wide CSRF check would answer a stale token with a bare 400 that loses the answers:
# these two views check the token themselves (EmptyForm) and keep the answers (F7).
@csrf.exempt
@bp.post("/attempts/<int:attempt_id>/save")
@_login_required_or_401
def save(attempt_id: int):
    """Save answers; JSON for the page's autosave, a redirect otherwise."""
    if not EmptyForm().validate_on_submit():
        return _expired_form(attempt_id)
    attempt = _own_attempt(attempt_id)
    wants_json = _wants_json()
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


@csrf.exempt
@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    """Submit once; a second submit (double click, back button, other tab) changes nothing.

    With questions left unanswered and no `confirm_unanswered`, the answers are saved and
    the page asks first, naming how many are unanswered.
    """
    if not EmptyForm().validate_on_submit():
        return _expired_form(attempt_id)
    attempt = _own_attempt(attempt_id)
    if attempt.state != "open":
        flash(_("This attempt was already submitted; here is its result."), "info")
        return redirect(url_for("quiz.review", attempt_id=attempt_id)), 303
    answers = _answers_from_form(attempt)
    confirmed = request.form.get("confirm_unanswered") == "1"
    now = utcnow()
    # Past the deadline (in the grace period) there is no time left to ask.
    in_time = attempt.deadline is None or now <= attempt.deadline
    too_late = attempt.deadline is not None and now > attempt.deadline + services.grace()
    try:
        if not confirmed and in_time:
            services.save_answers(attempt, answers, _version())
            unanswered = services.unanswered_questions(attempt)
            if unanswered:
                return _attempt_page(attempt, unanswered=unanswered)
            services.submit_attempt(attempt_id, current_user.id)
        else:
            services.submit_attempt(attempt_id, current_user.id, answers, _version())
    except ServiceError as exc:
        return _refused(exc, url_for("quiz.attempt", attempt_id=attempt_id))
    if too_late:
        flash(
            _(
                "Time was up: the answers sent after the deadline were not counted. The "
                "attempt was graded on the answers saved before it."
            ),
            "info",
        )
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
