"""API v1 endpoints; each calls the same service as its web page."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask_babel import gettext as _

from elearn.api.auth import ApiError, current_api_user, error_body, json_body, token_required
from elearn.api.openapi import openapi_document
from elearn.auth import services as auth_services
from elearn.auth.sessions import client_ip
from elearn.catalog import services as catalog
from elearn.certificates import services as certificate_services
from elearn.content import structure
from elearn.core.errors import ServiceError, ValidationFailed
from elearn.extensions import csrf, db, limiter
from elearn.learn import services as learn
from elearn.learn.enrolment import get_enrollment
from elearn.quiz import attempts as quiz_services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens are not sent by browsers on their own, so CSRF does not apply here.
csrf.exempt(bp)


@bp.errorhandler(ServiceError)
def service_error(exc: ServiceError):
    return error_body(exc.code, exc.message, exc.fields or None), exc.status


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    return openapi_document(request.host_url.rstrip("/"))


@bp.post("/auth/token")
def token():
    """Exchange a login (e-mail or phone) and password for a bearer token."""
    data = json_body()
    login, password = data.get("login"), data.get("password")
    if not isinstance(login, str) or not isinstance(password, str) or not login or not password:
        raise ApiError(400, "invalid", _("Send 'login' and 'password' as strings."))
    try:
        user = auth_services.authenticate(login, password, client_ip())
    except ValidationFailed as exc:
        raise ApiError(401, "invalid_credentials", exc.message) from None
    value, expires_at = auth_services.issue_api_token(user)
    return {"token": value, "expires_at": _iso(expires_at)}, 201


@bp.get("/courses")
def courses():
    """Published courses."""
    rows = db.session.execute(
        catalog.catalogue_query(request.args.get("topic"), request.args.get("q"))
    )
    return {
        "courses": [
            {
                "slug": slug,
                "title": revision.title,
                "summary": revision.summary,
                "topic": revision.topic,
                "lesson_count": count,
            }
            for revision, slug, count in rows
        ]
    }


def _course_or_404(slug: str):
    course = structure.published(slug)
    if course is None:
        raise ApiError(404, "not_found", _("No such course."))
    return course


@bp.get("/courses/<slug>")
def course(slug: str):
    """A course's outline: sections with their lessons and quizzes."""
    course = _course_or_404(slug)
    return {
        "slug": course.slug,
        "revision": course.revision_number,
        "title": course.title,
        "summary": course.summary,
        "topic": course.topic,
        "estimated_hours": course.estimated_hours,
        "sections": [
            {
                "title": section.title,
                "lessons": [
                    {
                        "id": lesson.id,
                        "slug": lesson.slug,
                        "title": lesson.title,
                        "minutes": lesson.minutes,
                    }
                    for lesson in section.lessons
                ],
                "quizzes": [
                    {"id": quiz.id, "key": quiz.key, "title": quiz.title, "required": quiz.required}
                    for quiz in section.quizzes
                ],
            }
            for section in course.sections
        ],
    }


@bp.post("/courses/<slug>/enrollment")
@token_required
def enrollment(slug: str):
    """Enrol the caller: 201 when new, 200 when already enrolled."""
    course = _course_or_404(slug)
    enrollment, created = learn.enroll_in_course(current_api_user(), course)
    body = {"course": slug, "enrolled_at": _iso(enrollment.enrolled_at)}
    return body, 201 if created else 200


def _lesson_or_404(lesson_id: int):
    found = structure.published_lesson(lesson_id)
    if found is None:
        raise ApiError(404, "not_found", _("No such lesson."))
    return found


@bp.get("/lessons/<int:lesson_id>")
@token_required
def lesson(lesson_id: int):
    """A lesson's content (403 unless enrolled)."""
    course, lesson = _lesson_or_404(lesson_id)
    user = current_api_user()
    try:
        page = learn.lesson_page(user.id, course, lesson)
    except ServiceError:
        raise ApiError(403, "not_enrolled", _("Enrol in the course first.")) from None
    return {
        "id": lesson.id,
        "slug": lesson.slug,
        "course": course.slug,
        "title": lesson.title,
        "minutes": lesson.minutes,
        "required": lesson.required,
        "video_url": lesson.video_url,
        "video_minutes": lesson.video_minutes,
        "html": page.html,
        "completed": page.is_done,
    }


@bp.post("/lessons/<int:lesson_id>/completion")
@token_required
def completion(lesson_id: int):
    """Mark a lesson complete; repeating it changes nothing."""
    course, lesson = _lesson_or_404(lesson_id)
    done = learn.complete_lesson(current_api_user().id, course, lesson)
    return {"lesson_id": lesson.id, "completed_at": _iso(done.completed_at)}


@bp.get("/me/progress")
@token_required
def progress():
    """Progress in every enrolled course."""
    entries = learn.dashboard(current_api_user().id)
    return {
        "courses": [
            {
                "slug": e.course.slug,
                "title": e.course.title,
                "percent": e.progress.percent,
                "lessons_done": e.progress.lessons_done,
                "lessons_total": e.progress.lessons_total,
                "quizzes_passed": e.progress.quizzes_passed,
                "quizzes_total": e.progress.quizzes_total,
                "completed_at": _iso(e.progress.completed_at),
                "certificate_code": e.certificate.code if e.certificate else None,
            }
            for e in entries
        ]
    }


def _quiz_or_404(quiz_id: int):
    found = quiz_services.published_quiz(quiz_id)
    if found is None:
        raise ApiError(404, "not_found", _("No such quiz."))
    return found


def _attempt_json(attempt, quiz) -> dict:
    """An attempt; "passed" by the quiz's current rule (elearn.quiz.standing)."""
    return {
        "attempt_id": attempt.id,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": _iso(attempt.started_at),
        "deadline": _iso(attempt.deadline),
        "submitted_at": _iso(attempt.submitted_at),
        "score": attempt.score,
        "passed": quiz_services.standing.passes(quiz, attempt.score)
        if attempt.score is not None
        else None,
    }


@bp.get("/quizzes/<int:quiz_id>")
@token_required
def quiz(quiz_id: int):
    """A quiz's settings and the caller's attempts (never the answers)."""
    course, quiz = _quiz_or_404(quiz_id)
    user = current_api_user()
    if get_enrollment(user.id, course.course_id) is None:
        raise ApiError(403, "not_enrolled", _("Enrol in the course first."))
    summary = quiz_services.quiz_summary(user.id, quiz)
    return {
        "id": quiz.id,
        "key": quiz.key,
        "title": quiz.title,
        "required": quiz.required,
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts or None,
        "attempts_left": summary.left,
        "time_limit_minutes": quiz.time_limit_minutes or None,
        "grading": quiz.grading,
        "review": quiz.review,
        "passed": summary.passed,
        "attempts": [_attempt_json(a, quiz) for a in summary.attempts],
    }


def _questions_json(attempt) -> list[dict]:
    return [
        {
            "id": q.id,
            "type": q.parsed.qtype,
            "text": q.view["text"],
            "html": q.view["html"],
            "options": q.view["options"],
            "saved": q.shown,
        }
        for q in quiz_services.attempt_questions(attempt)
    ]


@bp.post("/quizzes/<int:quiz_id>/attempts")
@token_required
def start_attempt(quiz_id: int):
    """Start an attempt (201), or get the open one back (200); 409 when none are left."""
    course, quiz = _quiz_or_404(quiz_id)
    user = current_api_user()
    attempt, created = quiz_services.start_attempt(user.id, course, quiz)
    body = _attempt_json(attempt, quiz) | {
        "version": attempt.version,
        "questions": _questions_json(attempt),
    }
    return body, 201 if created else 200


def _own_attempt(attempt_id: int):
    return quiz_services.attempt_for_user(attempt_id, current_api_user().id)


def _answers_from(data: dict) -> dict:
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise ApiError(400, "invalid", _("'answers' must be an object of question id to answer."))
    return answers


@bp.get("/attempts/<int:attempt_id>")
@token_required
def attempt(attempt_id: int):
    """An attempt with its questions and saved answers (results once submitted)."""
    attempt = _own_attempt(attempt_id)
    quiz_services.finalize_if_expired(attempt)
    _course, quiz = quiz_services.quiz_of(attempt)
    return _attempt_json(attempt, quiz) | {
        "version": attempt.version,
        "questions": _questions_json(attempt),
    }


@bp.put("/attempts/<int:attempt_id>/answers")
@token_required
def save_answers(attempt_id: int):
    """Save answers; 409 once submitted or expired, and nothing changes."""
    attempt = _own_attempt(attempt_id)
    data = json_body()
    version = data.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ApiError(400, "invalid", _("'version' must be a whole number."))
    new_version = quiz_services.save_answers(attempt, _answers_from(data), version)
    return {"attempt_id": attempt.id, "saved": True, "version": new_version}


@bp.post("/attempts/<int:attempt_id>/submission")
@token_required
def submission(attempt_id: int):
    """Submit (optionally with last answers); repeating it returns the same result."""
    _own_attempt(attempt_id)
    answers = None
    if request.get_data():
        answers = _answers_from(json_body()) or None
    attempt = quiz_services.submit_attempt(attempt_id, current_api_user().id, answers)
    _course, quiz = quiz_services.quiz_of(attempt)
    policy = quiz_services.review_policy(quiz)
    body = _attempt_json(attempt, quiz) | {"pass_mark": quiz.pass_mark}
    if policy.questions:
        body["questions"] = [
            {"id": int(qid), "correct": r["correct"], "fraction": r["fraction"]}
            | ({"feedback": r["feedback"]} if policy.feedback else {})
            for qid, r in (attempt.result or {}).items()
        ]
    return body


@bp.get("/certificates/<code>")
@limiter.limit("60 per minute")
def certificate(code: str):
    """Public: check a certificate by its code."""
    result = certificate_services.verify(code)
    return {
        "valid": result.valid,
        "code": result.code,
        "learner_name": result.learner_name,
        "course_title": result.course_title,
        "issued_at": _iso(result.issued_at),
        "revoked_reason": result.revoked_reason,
    }
