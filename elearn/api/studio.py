"""API v1 for the studio: package import and export, lesson text, question import, publish.

For trainers and administrators with a bearer token; each course for its staff and
administrators (elearn.studio.permissions: 403 otherwise, 404 for an unknown course).
The views call the studio's services, as its pages do. Uploads (a package zip, a question
workbook) may be larger than the app-wide MAX_CONTENT_LENGTH: `large_body` raises the limit
for these views only, before anything reads the body. Their bodies are files or plain
text, which spectree cannot describe: `raw_body` documents them.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask_babel import gettext as _
from spectree import Response as Responses

from elearn.api import schemas
from elearn.api.auth import ApiError, current_api_user, token_required
from elearn.api.schemas import Error
from elearn.api.spec import BEARER, api, file_response, raw_body
from elearn.content.models import Course
from elearn.content.revisions import add_questions_to_revision, question_hashes
from elearn.quiz.importing import NEW, UNCHANGED, ImportPreview, preview_gift, preview_xlsx
from elearn.studio import drafts, lessons, packages, permissions
from elearn.studio.wording import problem_text
from elearn.web.inputs import large_body

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _editable(slug: str) -> Course:
    """The course, if the caller may edit it: 404 for an unknown one, 403 (audited) else."""
    course = drafts.course_by_slug(slug)
    permissions.require_editor(current_api_user(), course)
    return course


def _problem_error(exc, problems: list[schemas.Problem]) -> schemas.Error:
    detail = schemas.ErrorDetail(code=exc.code, message=exc.message, problems=problems)
    return schemas.Error(error=detail)


def _package_problems(found) -> list[schemas.Problem]:
    return [schemas.Problem(path=p.path, line=p.line, message=problem_text(p)) for p in found]


def _uploaded_file() -> bytes:
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(
            400,
            "no_file",
            _("Send the file as multipart/form-data, in a field named “file”."),
            fields={"file": [_("This field is required.")]},
        )
    return upload.read()


# --------------------------------------------------------------------------- packages


@large_body("ELEARN_PACKAGE_MAX_MB")
@token_required
@api.validate(
    resp=Responses(
        HTTP_201=(schemas.CourseCreated, "The course, created as a draft; the caller its owner"),
        HTTP_200=(schemas.PackageCheck, "dry_run: what importing would do; nothing saved"),
        HTTP_400=(
            Error,
            "No file, or one that is not a package zip: not a zip, a path outside the "
            "package, a link, code (.py …), too many files or too large unpacked",
        ),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not a trainer or an administrator"),
        HTTP_413=(Error, "Larger than ELEARN_PACKAGE_MAX_MB"),
        HTTP_422=(Error, "The package has problems (listed): nothing saved"),
    ),
    security=BEARER,
)
def studio_import_course(query: schemas.DryRunQuery):
    """Create a draft course from a package zip (`?dry_run=1`: only check it)."""
    user = current_api_user()
    permissions.require_studio(user)
    data = _uploaded_file()
    try:
        if query.dry_run:
            check = packages.check_package_zip(data)
            return schemas.PackageCheck(
                slug=check.slug,
                valid=check.package is not None,
                problems=_package_problems(check.problems),
            )
        course = packages.import_package_zip(data, user)
    except (packages.PackageRefused, packages.PackageHasProblems) as exc:
        return _problem_error(exc, _package_problems(exc.problems)), exc.status
    return schemas.CourseCreated(slug=course.slug, state="draft"), 201


@token_required
@api.validate(
    resp=Responses(
        HTTP_200=(None, "The package zip (the same bytes for the same revision)"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not on the course's staff, nor an administrator"),
        HTTP_404=(Error, "No such course, or it has no revision of that kind"),
    ),
    security=BEARER,
)
def studio_export_course(slug: str, query: schemas.ExportQuery):
    """The course's published revision (or `?revision=draft`) as a package zip."""
    course = _editable(slug)
    data = packages.export_zip(course, query.revision)
    name = packages.export_filename(course, query.revision)
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --------------------------------------------------------------------------- lessons


@token_required
@api.validate(
    resp=Responses(
        HTTP_200=(schemas.StudioLesson, "The draft's version, else the published one"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not on the course's staff, nor an administrator"),
        HTTP_404=(Error, "No such course, or no such lesson in it"),
    ),
    security=BEARER,
)
def studio_lesson(slug: str, lesson_slug: str):
    """A lesson's text as the studio edits it, with the version to send back."""
    text = lessons.lesson_text(_editable(slug), lesson_slug)
    return schemas.StudioLesson(
        title=text.title, markdown=text.markdown, minutes=text.minutes, version=text.version
    )


@token_required
@api.validate(
    resp=Responses(
        HTTP_200=(schemas.LessonSaved, "Saved to the draft (or nothing changed)"),
        HTTP_400=(Error, "Malformed body, or a title, text or minutes refused"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not on the course's staff, nor an administrator"),
        HTTP_404=(Error, "No such course, or no such lesson in it"),
        HTTP_409=(
            schemas.LessonConflict,
            "Someone saved the lesson after `version`: theirs is in the answer, nothing saved",
        ),
        HTTP_413=(Error, "Body too large"),
    ),
    security=BEARER,
)
def studio_save_lesson(slug: str, lesson_slug: str, json: schemas.StudioLessonSave):
    """Save a lesson's title and Markdown to the draft (optimistic locking on `version`)."""
    course = _editable(slug)
    minutes = json.minutes
    if minutes is None:
        minutes = lessons.lesson_text(course, lesson_slug).minutes
    try:
        saved = lessons.save_lesson(
            course, lesson_slug, json.title, json.markdown, minutes, json.version,
            current_api_user(),
        )  # fmt: skip
    except lessons.LessonConflict as exc:
        theirs = exc.theirs
        return schemas.LessonConflict(
            error=schemas.ErrorDetail(code=exc.code, message=exc.message),
            theirs=schemas.TheirLesson(
                title=theirs.title,
                markdown=theirs.markdown,
                minutes=theirs.minutes,
                version=theirs.version,
                by=theirs.saved_by,
                at=theirs.saved_at,
            ),
        ), 409
    return schemas.LessonSaved(version=saved.number)


# --------------------------------------------------------------------------- questions


def _question_preview(course: Course, category: str) -> ImportPreview:
    revision = drafts.working_revision(course)
    existing = question_hashes(revision) if revision is not None else {}
    if request.mimetype == "text/plain":
        text = request.get_data(cache=True).decode("utf-8", "replace")
        if "\x00" in text:
            # As everywhere else (elearn.web.inputs): PostgreSQL refuses NUL in text.
            raise ApiError(
                400,
                "invalid",
                _(
                    "What you sent contains a character that is not "
                    "allowed (a null byte). Please check what you entered."
                ),
            )
        return preview_gift(text, existing, category)
    if request.mimetype == "multipart/form-data":
        return preview_xlsx(_uploaded_file(), existing, category)
    if request.mimetype == XLSX:
        return preview_xlsx(request.get_data(cache=True), existing, category)
    raise ApiError(
        415 if request.get_data(cache=True) else 400,
        "unsupported_media_type",
        _("Send GIFT as text/plain, or a workbook (.xlsx) as a file."),
    )


def _import_problems(preview: ImportPreview) -> list[schemas.Problem]:
    return [schemas.Problem(**p.as_dict()) for p in preview.problems]


@large_body("ELEARN_UPLOAD_MAX_MB")
@token_required
@api.validate(
    resp=Responses(
        HTTP_200=(schemas.QuestionImport, "Saved, all of them (dry_run: what would be)"),
        HTTP_400=(Error, "Nothing sent, a NUL character, or a query parameter refused"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not on the course's staff, nor an administrator"),
        HTTP_404=(Error, "No such course"),
        HTTP_413=(Error, "Larger than ELEARN_UPLOAD_MAX_MB"),
        HTTP_415=(Error, "Neither text/plain, nor a workbook"),
        HTTP_422=(Error, "Problems (listed by line or row): nothing saved"),
    ),
    security=BEARER,
)
def studio_import_questions(slug: str, query: schemas.QuestionImportQuery):
    """Import questions from GIFT text or an .xlsx workbook into the draft: all or nothing."""
    course = _editable(slug)
    preview = _question_preview(course, query.category or "")
    counts = preview.by_status
    body = schemas.QuestionImport(
        questions=len(preview.items),
        new=counts[NEW],
        changed=len(preview.items) - counts[NEW] - counts[UNCHANGED],
        unchanged=counts[UNCHANGED],
        saved=False,
        problems=_import_problems(preview),
    )
    if query.dry_run:
        return body
    if not preview.ok:
        message = (
            _("Nothing to import.")
            if not preview.problems
            else _(
                "%(count)d problem(s) to fix: no question was saved.",
                count=len(preview.problems),
            )
        )
        detail = schemas.ErrorDetail(
            code="import_has_problems", message=message, problems=body.problems
        )
        return schemas.Error(error=detail), 422
    user = current_api_user()
    draft = drafts.ensure_draft(course, user)
    add_questions_to_revision(draft, preview.questions, created_by_id=user.id)
    return body.model_copy(update={"saved": True})


# --------------------------------------------------------------------------- publish


@token_required
@api.validate(
    resp=Responses(
        HTTP_200=(schemas.Published, "The draft is now the published revision"),
        HTTP_401=(Error, "Token missing or invalid"),
        HTTP_403=(Error, "Not on the course's staff, nor an administrator"),
        HTTP_404=(Error, "No such course"),
        HTTP_409=(Error, "There is no draft to publish"),
        HTTP_422=(Error, "The draft has problems (listed): nothing published"),
    ),
    security=BEARER,
)
def studio_publish(slug: str):
    """Validate the draft as `flask courses validate` does and publish it."""
    course = _editable(slug)
    try:
        revision = drafts.publish_draft(course, current_api_user())
    except drafts.DraftHasProblems as exc:
        problems = [
            schemas.Problem(path=p.path, line=p.line, message=problem_text(p)) for p in exc.problems
        ]
        return _problem_error(exc, problems), 422
    return schemas.Published(revision=revision.number)


def add_routes(bp: Blueprint) -> None:
    """The studio's endpoints, under the API's blueprint (/api/v1/studio/…)."""
    base = "/studio/courses"
    bp.add_url_rule(base, view_func=studio_import_course, methods=["POST"])
    bp.add_url_rule(f"{base}/<slug>/export", view_func=studio_export_course, methods=["GET"])
    lesson = f"{base}/<slug>/lessons/<lesson_slug>"
    bp.add_url_rule(lesson, view_func=studio_lesson, methods=["GET"])
    bp.add_url_rule(lesson, view_func=studio_save_lesson, methods=["PUT"])
    bp.add_url_rule(
        f"{base}/<slug>/questions/import", view_func=studio_import_questions, methods=["POST"]
    )
    bp.add_url_rule(f"{base}/<slug>/publish", view_func=studio_publish, methods=["POST"])


raw_body(
    "studio_import_course",
    {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "contentMediaType": "application/zip",
                        "description": "The course package (.zip).",
                    }
                },
            }
        }
    },
)
raw_body(
    "studio_import_questions",
    {
        "text/plain": {"schema": {"type": "string", "description": "Questions in GIFT."}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "contentMediaType": XLSX,
                        "description": "A workbook made from the studio's template.",
                    }
                },
            }
        },
        XLSX: {"schema": {"type": "string", "contentMediaType": XLSX}},
    },
)
file_response("studio_export_course", "200", "application/zip")
