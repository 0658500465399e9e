"""Catalogue and course pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from elearn.catalog import services
from elearn.coursemodules.registry import tools_for
from elearn.extensions import db
from elearn.learn import services as learn
from elearn.quiz.queries import certificate_for, quiz_standings
from elearn.web.labels import TOPIC_LABELS

bp = Blueprint("catalog", __name__)


@bp.get("/courses")
def index():
    """Published courses, filtered by topic and searched without diacritics."""
    topic = request.args.get("topic") or None
    if topic is not None and topic not in TOPIC_LABELS:
        topic = None
    search = (request.args.get("q") or "").strip()[:100]
    rows = db.session.execute(services.catalogue_query(topic, search)).all()
    return render_template(
        "catalog/index.html",
        rows=rows,
        topic=topic,
        search=search,
        topics=services.topics_in_use(),
    )


@bp.get("/courses/<slug>")
def course(slug: str):
    """Outline, time, completion rule, enrol button or progress."""
    course = services.course_outline(slug)
    if course is None:
        abort(404)
    lessons = [lesson for section in course.sections for lesson in section.lessons]
    user_id = current_user.id if current_user.is_authenticated else None
    quizzes = quiz_standings(user_id, [course.id])
    quizzes_by_section: dict[int | None, list] = {}
    for quiz in quizzes:
        quizzes_by_section.setdefault(quiz.section_id, []).append(quiz)
    enrollment = progress = None
    if current_user.is_authenticated:
        enrollment = learn.get_enrollment(current_user.id, course.id)
        if enrollment is not None:
            done = learn.completed_lesson_ids(current_user.id, course.id)
            progress = learn.build_progress(lessons, done, enrollment, quizzes)
    required = sum(1 for lesson in lessons if lesson.required)
    return render_template(
        "catalog/course.html",
        course=course,
        lessons=lessons,
        quizzes_by_section=quizzes_by_section,
        enrollment=enrollment,
        progress=progress,
        certificate=certificate_for(current_user.id, course.id) if enrollment else None,
        rule=learn.completion_rule_text(required, sum(1 for q in quizzes if q.required)),
        total_minutes=sum(lesson.minutes for lesson in lessons),
        tools=tools_for(current_app, course.slug),
    )
