"""Enrol, read lessons, mark them complete, and the dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.content import structure
from elearn.content.render import video_embed_url
from elearn.core.db import discard
from elearn.core.errors import Forbidden
from elearn.learn import services
from elearn.learn.enrolment import get_enrollment, published_with_state
from elearn.learn.progress import step_after_lesson
from elearn.web.forms import EmptyForm

bp = Blueprint("learn", __name__)


def _course_or_404(slug: str):
    course = structure.published(slug)
    if course is None:
        abort(404)
    return course


@bp.post("/courses/<slug>/enroll")
@login_required
def enroll(slug: str):
    """Enrol in a course (idempotent)."""
    course = _course_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _enrollment, created = services.enroll_in_course(current_user._get_current_object(), course)
    if created:
        flash(_("You are enrolled. Good luck!"), "success")
    if course.lessons:
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=course.lessons[0].slug))
    return redirect(url_for("catalog.course", slug=slug))


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    """A lesson with previous/next, progress and "mark as complete"."""
    course, state = published_with_state(slug, current_user.id)
    if course is None:
        abort(404)
    lesson = course.lesson_by_slug.get(lesson_slug)
    try:
        if lesson is None:
            if state is None:
                raise Forbidden(_("Enrol in the course to read its lessons."))
            abort(404)
        page = services.lesson_page(current_user.id, course, lesson, state)
    except Forbidden as exc:
        flash(exc.message, "info")
        return redirect(url_for("catalog.course", slug=slug))
    return render_template(
        "learn/lesson.html",
        page=page,
        course=course,
        lesson=lesson,
        progress=page.progress,
        video_embed=video_embed_url(lesson.video_url) if lesson.video_url else None,
    )


@bp.post("/courses/<slug>/lessons/<lesson_slug>/complete")
@login_required
def complete(slug: str, lesson_slug: str):
    """Mark a lesson complete, then go on to the next step."""
    course = _course_or_404(slug)
    lesson = course.lesson_by_slug.get(lesson_slug)
    if lesson is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        done = services.complete_lesson(current_user.id, course, lesson)
    except Forbidden as exc:
        discard()
        flash(exc.message, "error")
        return redirect(url_for("catalog.course", slug=slug))
    if done.course_completed:
        flash(_("Congratulations! You have completed this course."), "success")
    else:
        flash(_("Lesson “%(title)s” marked as complete.", title=lesson.title), "success")
    enrollment = get_enrollment(current_user.id, course.course_id)
    progress = services.progress_in(current_user.id, course, enrollment)
    kind, target = step_after_lesson(course, lesson, progress)
    if kind == "lesson":
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=target))
    if kind == "quiz":
        return redirect(url_for("quiz.overview", slug=slug, key=target))
    return redirect(url_for("catalog.course", slug=slug))


@bp.get("/dashboard")
@login_required
def dashboard():
    """My learning: each enrolled course with progress and what to do next."""
    return render_template("learn/dashboard.html", entries=services.dashboard(current_user.id))
