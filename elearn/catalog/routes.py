"""Catalogue and course pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from elearn.catalog import services
from elearn.catalog.outline import outline
from elearn.content import structure
from elearn.content.modules import tools_for
from elearn.extensions import db
from elearn.learn import services as learn
from elearn.learn.enrolment import published_with_state
from elearn.learn.progress import completion_rule_text
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
    if current_user.is_authenticated:
        course, state = published_with_state(slug, current_user.id)
        view = course and learn.course_view(current_user.id, course, state)
    else:
        course = structure.published(slug)
        view = course and learn.course_view(None, course)
    if course is None:
        abort(404)
    return render_template(
        "catalog/course.html",
        course=course,
        view=view,
        progress=view.progress,
        rule=completion_rule_text(course),
        outline=outline(course, view.progress),
        tools=tools_for(course.tools),
    )
