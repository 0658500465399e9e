"""The lesson editor's helpers: uploads from the editor and the quiz preview.

Registered on the studio blueprint (imported where the blueprints are registered), so the
studio's access checks run first, as for every other studio page.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from elearn.content.uploads import UploadRefused
from elearn.core.db import discard
from elearn.core.errors import ValidationFailed
from elearn.studio import assets, lessons, quiz_preview
from elearn.studio.routes import _course, _refused, _user, bp, wants_json
from elearn.web.forms import EmptyForm

UPLOAD_ENDPOINT = "studio.upload_asset"


@bp.url_value_preprocessor
def _upload_size(endpoint: str | None, _values: dict | None) -> None:
    """Uploads may be larger than the app-wide MAX_CONTENT_LENGTH. Set before the CSRF
    check reads the form (url_value_preprocessors run before before_request functions)."""
    if endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = assets.upload_request_limit()


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge):
    """An upload over the limit gets the uploads' own message; anything else the usual 413."""
    if request.endpoint != UPLOAD_ENDPOINT:
        return exc
    return _refused(assets.too_large())


@bp.post("/courses/<slug>/lessons/<lesson_slug>/uploads")
def upload_asset(slug: str, lesson_slug: str):
    """Upload an image or a PDF into the draft: JSON (name, url, markdown) for the
    editor's script; without it, back to the editor with the Markdown to copy."""
    course = _course(slug)
    lessons.lesson_text(course, lesson_slug)  # 404 for a lesson not in the course
    if not EmptyForm().validate_on_submit():
        raise ValidationFailed(_("Your form expired. Please submit it again."))
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise UploadRefused(_("Choose a file to upload."))
    asset = assets.upload_asset(course, sent.filename, sent.read(), _user())
    if wants_json():
        return asset.as_json()
    return redirect(
        url_for("studio.lesson", slug=course.slug, lesson_slug=lesson_slug, uploaded=asset.name)
        + "#upload",
        303,
    )


@bp.route("/courses/<slug>/quizzes/<key>/preview", methods=["GET", "POST"])
def preview_quiz(slug: str, key: str):
    """Take the draft's quiz as a learner: graded in memory, nothing recorded."""
    course = _course(slug)
    quiz = quiz_preview.preview_quiz(course, key)
    results, score = None, None
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            raise ValidationFailed(_("Your form expired. Please submit it again."))
        results, score = quiz_preview.grade_preview(quiz, request.form)
    discard()  # a preview writes nothing, whatever the services touched
    return render_template(
        "studio/quiz_preview.html",
        course=course,
        quiz=quiz,
        results=results,
        score=score,
        passed=score is not None and score >= quiz.pass_mark,
    )
