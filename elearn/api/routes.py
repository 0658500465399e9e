"""API v1 endpoints; each calls the same service as its web page.

Every view declares its statuses and their bodies (`resp=Response(...)`), takes a validated
body or query (`json: Model`, `query: Model`) and returns a model instance: a response
carries the fields its schema declares and nothing else. See elearn.api.spec.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from spectree import Response

from elearn.api import schemas, studio
from elearn.api.auth import ApiError, current_api_user, error_body, token_required
from elearn.api.schemas import Error
from elearn.api.spec import BEARER, api, openapi_document
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
studio.add_routes(bp)


@bp.errorhandler(ServiceError)
def service_error(exc: ServiceError):
    return error_body(exc.code, exc.message, exc.fields or None), exc.status


@bp.get("/openapi.json")
@api.validate(resp=Response(HTTP_200=(None, "This document (OpenAPI 3.1)")))
def openapi():
    """The OpenAPI document of this API, made from its schemas."""
    base = current_app.config.get("ELEARN_BASE_URL") or request.host_url
    return openapi_document(base.rstrip("/"))


@bp.post("/auth/token")
@api.validate(
    resp=Response(
        HTTP_201=(schemas.Token, "Token issued"),
        HTTP_400=(Error, "Malformed body, or login and password missing or not text"),
        HTTP_401=(Error, "Wrong login or password"),
        HTTP_413=(Error, "Body too large"),
        HTTP_429=(Error, "Too many failed attempts, or too many tokens for this account"),
    )
)
def token(json: schemas.TokenRequest):
    """Exchange a login (e-mail or phone) and password for a bearer token."""
    try:
        user = auth_services.authenticate(json.login, json.password, client_ip(), kind="token")
    except ValidationFailed as exc:
        raise ApiError(401, "invalid_credentials", exc.message) from None
    value, expires_at = auth_services.issue_api_token(user)
    return schemas.Token(token=value, expires_at=expires_at), 201


@bp.get("/courses")
@api.validate(
    resp=Response(
        HTTP_200=(schemas.CourseList, "Published courses, by title"),
        HTTP_400=(Error, "A query parameter given twice, or text with NUL characters"),
    )
)
def courses(query: schemas.CourseQuery):
    """Published courses."""
    rows = db.session.execute(catalog.catalogue_query(query.topic, query.q))
    return schemas.CourseList(
        courses=[
            schemas.CourseSummary(
                slug=slug,
                title=revision.title,
                summary=revision.summary,
                topic=revision.topic,
                lesson_count=count,
            )
            for revision, slug, count in rows
        ]
    )


def _course_or_404(slug: str):
    course = structure.published(slug)
    if course is None:
        raise ApiError(404, "not_found", _("No such course."))
    return course


@bp.get("/courses/<slug>")
@api.validate(
    resp=Response(
        HTTP_200=(schemas.Outline, "The published revision's outline"),
        HTTP_404=(Error, "No such published course"),
    )
)
def course(slug: str):
    """A course's outline: sections with their lessons and quizzes."""
    course = _course_or_404(slug)
    return schemas.Outline(
        slug=course.slug,
        revision=course.revision_number,
        title=course.title,
        summary=course.summary,
        topic=course.topic,
        estimated_hours=course.estimated_hours,
        sections=[
            schemas.Section(
                title=section.title,
                lessons=[
                    schemas.LessonRef(
                        id=lesson.id, slug=lesson.slug, title=lesson.title, minutes=lesson.minutes
                    )
                    for lesson in section.lessons
                ],
                quizzes=[
                    schemas.QuizRef(
                        id=quiz.id, key=quiz.key, title=quiz.title, required=quiz.required
                    )
                    for quiz in section.quizzes
                ],
            )
            for section in course.sections
        ],
    )


@bp.post("/courses/<slug>/enrollment")
@token_required
@api.validate(
    resp=Response(
        HTTP_201=(schemas.Enrollment, "Enrolled now"),
        HTTP_200=(schemas.Enrollment, "Already enrolled"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_404=(Error, "No such published course"),
    ),
    security=BEARER,
)
def enrollment(slug: str):
    """Enrol the caller: 201 when new, 200 when already enrolled."""
    course = _course_or_404(slug)
    enrollment, created = learn.enroll_in_course(current_api_user(), course)
    body = schemas.Enrollment(course=slug, enrolled_at=enrollment.enrolled_at)
    return body, 201 if created else 200


def _lesson_or_404(lesson_id: int):
    found = structure.published_lesson(lesson_id)
    if found is None:
        raise ApiError(404, "not_found", _("No such lesson."))
    return found


@bp.get("/lessons/<int:lesson_id>")
@token_required
@api.validate(
    resp=Response(
        HTTP_200=(schemas.Lesson, "The lesson"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not enrolled in the course"),
        HTTP_404=(Error, "No such published lesson"),
    ),
    security=BEARER,
)
def lesson(lesson_id: int):
    """A lesson's content (403 unless enrolled)."""
    course, lesson = _lesson_or_404(lesson_id)
    user = current_api_user()
    try:
        page = learn.lesson_page(user.id, course, lesson)
    except ServiceError:
        raise ApiError(403, "not_enrolled", _("Enrol in the course first.")) from None
    return schemas.Lesson(
        id=lesson.id,
        slug=lesson.slug,
        course=course.slug,
        title=lesson.title,
        minutes=lesson.minutes,
        required=lesson.required,
        video_url=lesson.video_url,
        video_minutes=lesson.video_minutes,
        html=page.html,
        completed=page.is_done,
    )


@bp.post("/lessons/<int:lesson_id>/completion")
@token_required
@api.validate(
    resp=Response(
        HTTP_200=(schemas.Completion, "Completed (the first completion's time)"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not enrolled in the course"),
        HTTP_404=(Error, "No such published lesson"),
    ),
    security=BEARER,
)
def completion(lesson_id: int):
    """Mark a lesson complete; repeating it changes nothing."""
    course, lesson = _lesson_or_404(lesson_id)
    done = learn.complete_lesson(current_api_user().id, course, lesson)
    return schemas.Completion(lesson_id=lesson.id, completed_at=done.completed_at)


@bp.get("/me/progress")
@token_required
@api.validate(
    resp=Response(
        HTTP_200=(schemas.Progress, "Progress"),
        HTTP_401=(Error, "Token missing or invalid"),
    ),
    security=BEARER,
)
def progress():
    """Progress in every enrolled course."""
    entries = learn.dashboard(current_api_user().id)
    return schemas.Progress(
        courses=[
            schemas.CourseProgress(
                slug=e.course.slug,
                title=e.course.title,
                percent=e.progress.percent,
                lessons_done=e.progress.lessons_done,
                lessons_total=e.progress.lessons_total,
                quizzes_passed=e.progress.quizzes_passed,
                quizzes_total=e.progress.quizzes_total,
                completed_at=e.progress.completed_at,
                certificate_code=e.certificate.code if e.certificate else None,
                certificate_revoked_reason=(
                    e.certificate.revoked_reason
                    if e.certificate and e.certificate.revoked
                    else None
                ),
            )
            for e in entries
        ]
    )


def _quiz_or_404(quiz_id: int):
    found = quiz_services.published_quiz(quiz_id)
    if found is None:
        raise ApiError(404, "not_found", _("No such quiz."))
    return found


def _attempt_fields(attempt, quiz) -> dict:
    """An attempt's fields; "passed" by the quiz's current rule (elearn.quiz.standing)."""
    return {
        "attempt_id": attempt.id,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "passed": quiz_services.standing.passes(quiz, attempt.score)
        if attempt.score is not None
        else None,
    }


@bp.get("/quizzes/<int:quiz_id>")
@token_required
@api.validate(
    resp=Response(
        HTTP_200=(schemas.Quiz, "The quiz"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not enrolled in the course"),
        HTTP_404=(Error, "No such published quiz"),
    ),
    security=BEARER,
)
def quiz(quiz_id: int):
    """A quiz's settings and the caller's attempts (never the answers)."""
    course, quiz = _quiz_or_404(quiz_id)
    user = current_api_user()
    if get_enrollment(user.id, course.course_id) is None:
        raise ApiError(403, "not_enrolled", _("Enrol in the course first."))
    summary = quiz_services.quiz_summary(user.id, quiz)
    opening = quiz_services.quiz_opening(user.id, course, quiz)
    return schemas.Quiz(
        id=quiz.id,
        key=quiz.key,
        title=quiz.title,
        required=quiz.required,
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts or None,
        attempts_left=summary.left,
        time_limit_minutes=quiz.time_limit_minutes or None,
        grading=quiz.grading,
        review=quiz.review,
        passed=summary.passed,
        open=opening.open,
        not_open_reason=None if opening.open else opening.message,
        attempts=[schemas.Attempt(**_attempt_fields(a, quiz)) for a in summary.attempts],
    )


_QUESTION_MODELS = {
    "single": schemas.ChoiceQuestion,
    "multi": schemas.ChoiceQuestion,
    "truefalse": schemas.ChoiceQuestion,
    "matching": schemas.MatchingQuestion,
    "short": schemas.TextQuestion,
    "numeric": schemas.TextQuestion,
}


def _questions(attempt) -> list[schemas.AttemptQuestion]:
    return [
        _QUESTION_MODELS[q.parsed.qtype](
            id=q.id,
            type=q.parsed.qtype,
            text=q.view["text"],
            html=q.view["html"],
            options=q.view["options"],
            saved=q.shown,
        )
        for q in quiz_services.attempt_questions(attempt)
    ]


def _attempt_detail(attempt, quiz) -> schemas.AttemptDetail:
    return schemas.AttemptDetail(
        **_attempt_fields(attempt, quiz), version=attempt.version, questions=_questions(attempt)
    )


@bp.post("/quizzes/<int:quiz_id>/attempts")
@token_required
@api.validate(
    resp=Response(
        HTTP_201=(schemas.AttemptDetail, "Started"),
        HTTP_200=(schemas.AttemptDetail, "The open attempt"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not enrolled in the course"),
        HTTP_404=(Error, "No such published quiz"),
        HTTP_409=(
            Error,
            "No attempts left, the quiz has no questions, or it opens only after the "
            "lessons and quizzes before it (the message says what is left)",
        ),
    ),
    security=BEARER,
)
def start_attempt(quiz_id: int):
    """Start an attempt (201), or get the open one back (200); 409 when none are left."""
    course, quiz = _quiz_or_404(quiz_id)
    user = current_api_user()
    attempt, created = quiz_services.start_attempt(user.id, course, quiz)
    return _attempt_detail(attempt, quiz), 201 if created else 200


def _own_attempt(attempt_id: int):
    return quiz_services.attempt_for_user(attempt_id, current_api_user().id)


@bp.get("/attempts/<int:attempt_id>")
@token_required
@api.validate(
    resp=Response(
        HTTP_200=(schemas.AttemptDetail, "The attempt"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_404=(Error, "No such attempt of the caller's"),
    ),
    security=BEARER,
)
def attempt(attempt_id: int):
    """An attempt with its questions and saved answers (results once submitted)."""
    attempt = _own_attempt(attempt_id)
    quiz_services.finalize_if_expired(attempt)
    _course, quiz = quiz_services.quiz_of(attempt)
    return _attempt_detail(attempt, quiz)


@bp.put("/attempts/<int:attempt_id>/answers")
@token_required
@api.validate(
    resp=Response(
        HTTP_200=(schemas.SavedAnswers, "Saved, all of them"),
        HTTP_400=(Error, "Malformed body, or an answer that does not fit its question"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_404=(Error, "No such attempt of the caller's"),
        HTTP_409=(Error, "Submitted, past the deadline, or a stale version: nothing saved"),
        HTTP_413=(Error, "Body too large"),
    ),
    security=BEARER,
)
def save_answers(attempt_id: int, json: schemas.SaveAnswersRequest):
    """Save answers; 409 once submitted or expired, and nothing changes."""
    attempt = _own_attempt(attempt_id)
    new_version = quiz_services.save_answers(attempt, json.answers, json.version)
    return schemas.SavedAnswers(attempt_id=attempt.id, saved=True, version=new_version)


@bp.post("/attempts/<int:attempt_id>/submission")
@token_required
@api.validate(
    resp=Response(
        HTTP_200=(schemas.SubmissionResult, "Graded (the same result on every repeat)"),
        HTTP_400=(Error, "Malformed body, or an answer that does not fit its question"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_404=(Error, "No such attempt of the caller's"),
        HTTP_413=(Error, "Body too large"),
    ),
    security=BEARER,
)
def submission(attempt_id: int, json: schemas.SubmissionRequest):
    """Submit (optionally with last answers); repeating it returns the same result."""
    _own_attempt(attempt_id)
    answers = json.answers or None
    attempt = quiz_services.submit_attempt(attempt_id, current_api_user().id, answers)
    _course, quiz = quiz_services.quiz_of(attempt)
    policy = quiz_services.review_policy(quiz)
    questions = None
    if policy.questions:
        questions = [
            schemas.QuestionResult(
                id=int(qid),
                correct=r["correct"],
                fraction=r["fraction"],
                feedback=r["feedback"] if policy.feedback else None,
            )
            for qid, r in (attempt.result or {}).items()
        ]
    return schemas.SubmissionResult(
        **_attempt_fields(attempt, quiz), pass_mark=quiz.pass_mark, questions=questions
    )


@bp.get("/certificates/<code>")
@limiter.limit("60 per minute")
@api.validate(
    resp=Response(
        HTTP_200=(schemas.Certificate, "The certificate (valid: false once revoked)"),
        HTTP_404=(Error, "No certificate has this code"),
        HTTP_429=(Error, "Too many look-ups from this address"),
    )
)
def certificate(code: str):
    """Public: check a certificate by its code."""
    result = certificate_services.verify(code)
    return schemas.Certificate(
        valid=result.valid,
        code=result.code,
        learner_name=result.learner_name,
        course_title=result.course_title,
        issued_at=result.issued_at,
        revoked_at=result.revoked_at,
        revoked_reason=result.revoked_reason,
    )
