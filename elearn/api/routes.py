"""API v1 endpoints; each calls the same service as its web page."""

from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _

from elearn.api import bp
from elearn.api.auth import ApiError, current_api_user, error_body, json_body, token_required
from elearn.api.openapi import openapi_document
from elearn.auth import services as auth_services
from elearn.auth.sessions import client_ip
from elearn.catalog import services as catalog
from elearn.errors import ServiceError, ValidationFailed
from elearn.extensions import db
from elearn.learn import services as learn


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
    db.session.commit()
    value, expires_at = auth_services.issue_api_token(user)
    return {"token": value, "expires_at": _iso(expires_at)}, 201


@bp.get("/courses")
def courses():
    """Published courses."""
    rows = db.session.execute(catalog.catalogue_query(request.args.get("topic"), request.args.get("q")))
    return {
        "courses": [
            {
                "slug": c.slug,
                "title": c.title,
                "summary": c.summary,
                "topic": c.topic,
                "lesson_count": count,
            }
            for c, count in rows
        ]
    }


def _course_or_404(slug: str):
    course = catalog.course_outline(slug)
    if course is None:
        raise ApiError(404, "not_found", _("No such course."))
    return course


@bp.get("/courses/<slug>")
def course(slug: str):
    """A course's outline: sections and their lessons."""
    course = _course_or_404(slug)
    return {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "topic": course.topic,
        "estimated_hours": course.estimated_hours,
        "sections": [
            {
                "title": section.title,
                "lessons": [
                    {"id": lesson.id, "slug": lesson.slug, "title": lesson.title, "minutes": lesson.minutes}
                    for lesson in section.lessons
                ],
            }
            for section in course.sections
        ],
    }


@bp.post("/courses/<slug>/enrollment")
@token_required
def enrollment(slug: str):
    """Enrol the caller: 201 when new, 200 when already enrolled."""
    course = catalog.course_by_slug(slug)
    if course is None:
        raise ApiError(404, "not_found", _("No such course."))
    enrollment, created = learn.enroll(current_api_user().id, course)
    body = {"course": slug, "enrolled_at": _iso(enrollment.enrolled_at)}
    return body, 201 if created else 200


def _lesson_or_404(lesson_id: int):
    lesson = catalog.lesson_by_id(lesson_id)
    if lesson is None:
        raise ApiError(404, "not_found", _("No such lesson."))
    return lesson


@bp.get("/lessons/<int:lesson_id>")
@token_required
def lesson(lesson_id: int):
    """A lesson's content (403 unless enrolled)."""
    lesson = _lesson_or_404(lesson_id)
    user = current_api_user()
    if learn.get_enrollment(user.id, lesson.course_id) is None:
        raise ApiError(403, "not_enrolled", _("Enrol in the course first."))
    done = learn.completed_lesson_ids(user.id, lesson.course_id)
    return {
        "id": lesson.id,
        "slug": lesson.slug,
        "course": lesson.course.slug,
        "title": lesson.title,
        "minutes": lesson.minutes,
        "required": lesson.required,
        "video_url": lesson.video_url,
        "video_minutes": lesson.video_minutes,
        "html": lesson.body_html,
        "completed": lesson.id in done,
    }


@bp.post("/lessons/<int:lesson_id>/completion")
@token_required
def completion(lesson_id: int):
    """Mark a lesson complete; repeating it changes nothing."""
    lesson = _lesson_or_404(lesson_id)
    completed_at = learn.complete_lesson(current_api_user().id, lesson)
    return {"lesson_id": lesson.id, "completed_at": _iso(completed_at)}


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
                "completed_at": _iso(e.progress.completed_at),
            }
            for e in entries
        ]
    }
