"""Enrol, read lessons, mark them complete, and the dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.catalog import services as catalog
from elearn.content.render import video_embed_url
from elearn.core.errors import Forbidden
from elearn.learn import services
from elearn.quiz.queries import quiz_standings
from elearn.web.forms import EmptyForm

bp = Blueprint("learn", __name__)


@bp.post("/courses/<slug>/enroll")
@login_required
def enroll(slug: str):
    """Enrol in a course (idempotent)."""
    course = catalog.course_by_slug(slug)
    if course is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _enrollment, created = services.enroll(current_user.id, course)
    if created:
        flash(_("You are enrolled. Good luck!"), "success")
    lessons = catalog.course_lessons(course.id)
    if lessons:
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=lessons[0].slug))
    return redirect(url_for("catalog.course", slug=slug))


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    """A lesson with previous/next, progress and "mark as complete"."""
    page = services.lesson_page(current_user.id, slug, lesson_slug)
    if page is None:
        abort(404)
    if page.enrollment is None:
        flash(_("Enrol in the course to read its lessons."), "info")
        return redirect(url_for("catalog.course", slug=slug))
    if page.lesson is None:
        abort(404)
    lessons = page.outline
    quizzes = quiz_standings(current_user.id, [page.course.id])
    index = next(i for i, item in enumerate(lessons) if item.id == page.lesson.id)
    return render_template(
        "learn/lesson.html",
        course=page.course,
        lesson=page.lesson,
        index=index,
        count=len(lessons),
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        progress=services.build_progress(lessons, page.done_ids, page.enrollment, quizzes),
        is_done=page.lesson.id in page.done_ids,
        video_embed=video_embed_url(page.lesson.video_url) if page.lesson.video_url else None,
    )


@bp.post("/courses/<slug>/lessons/<lesson_slug>/complete")
@login_required
def complete(slug: str, lesson_slug: str):
    """Mark a lesson complete, then go on to the next one."""
    course = catalog.course_by_slug(slug)
    if course is None:
        abort(404)
    lesson = catalog.lesson_by_slug(course.id, lesson_slug)
    if lesson is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.complete_lesson(current_user.id, lesson)
    except Forbidden as exc:
        flash(exc.message, "error")
        return redirect(url_for("catalog.course", slug=slug))
    enrollment = services.get_enrollment(current_user.id, course.id)
    if enrollment is not None and enrollment.completed_at is not None:
        flash(_("Congratulations! You have completed this course."), "success")
    kind, target = services.next_step(current_user.id, lesson)
    if kind == "lesson":
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=target))
    if kind == "quiz":
        return redirect(url_for("quiz.overview", slug=slug, key=target))
    return redirect(url_for("catalog.course", slug=slug))


@bp.get("/dashboard")
@login_required
def dashboard():
    """My learning: each enrolled course with progress and the next lesson."""
    return render_template("learn/dashboard.html", entries=services.dashboard(current_user.id))
