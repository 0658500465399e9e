"""The studio's quiz editor, question bank, question import and export: thin views on the
studio blueprint over elearn.studio.quizzes, elearn.studio.questions and
elearn.quiz.importing. Every route is for the course's editors (checked by ``_course``)."""

from __future__ import annotations

import re

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from elearn.content.models import Course, CourseRevision
from elearn.content.revisions import question_hashes
from elearn.core.db import discard
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.core.text import fold
from elearn.quiz import xlsx
from elearn.quiz.importing import (
    STATUS_LABELS,
    ImportPreview,
    ImportProblem,
    export_gift,
    export_xlsx,
    preview_gift,
    preview_xlsx,
    xlsx_template,
)
from elearn.quiz.types import QTYPES, get_type
from elearn.studio import drafts, questions, quizzes
from elearn.studio.quiz_forms import (
    DrawItemForm,
    ImportForm,
    QuestionForm,
    QuestionItemForm,
    QuizSettingsForm,
)
from elearn.studio.routes import _button_form, _course, _user, bp
from elearn.web.forms import apply_errors

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the import route takes an .xlsx up to the importer's limit (the app's is 2 MB)
IMPORT_ENDPOINTS = {"studio.import_questions"}
IMPORT_MAX_BYTES = xlsx.MAX_FILE_BYTES + 256 * 1024


@bp.url_value_preprocessor
def _import_size(endpoint, _values):
    """Runs before CSRFProtect reads the form: raise the body limit for the import only."""
    if endpoint in IMPORT_ENDPOINTS:
        request.max_content_length = IMPORT_MAX_BYTES


def _types() -> dict:
    """Type name -> the registry's type (its ``label``), in registry order."""
    return {name: get_type(name) for name in QTYPES}


def _revision(course: Course) -> CourseRevision:
    revision = drafts.working_revision(course)
    if revision is None:
        raise NotFound(_("This course has no content yet."))
    return revision


def _slug_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60].strip("-")


def _download(data: bytes | str, filename: str, kind: str) -> Response:
    if kind == "xlsx":
        mimetype = XLSX_TYPE
    else:
        mimetype = "text/plain; charset=utf-8"
        data = data.encode("utf-8") if isinstance(data, str) else data
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _export(questions_: list, name: str) -> Response:
    kind = request.args.get("format", "gift")
    if kind not in ("gift", "xlsx"):
        raise ValidationFailed(_("Choose GIFT or Excel (.xlsx)."))
    if not questions_:
        raise NotFound(_("No questions to export."))
    if kind == "xlsx":
        return _download(export_xlsx(questions_), f"{name}.xlsx", "xlsx")
    return _download(export_gift(questions_), f"{name}.gift", "gift")


# --------------------------------------------------------------------------- quiz editor


def _quiz_page(course: Course, key: str, status: int = 200, **forms):
    revision = _revision(course)
    quiz = quizzes.quiz_of(revision, key)
    settings = forms.get("settings")
    if settings is None:
        settings = QuizSettingsForm(formdata=None, obj=quiz)
    bank = questions.bank(revision)
    sizes = questions.categories(revision)
    question_form = forms.get("question_form") or QuestionItemForm(formdata=None)
    question_form.question.choices = [SelectChoice("", "—")] + [
        SelectChoice(entry.name, f"{entry.name} · {entry.category}") for entry in bank
    ]
    draw_form = forms.get("draw_form") or DrawItemForm(formdata=None)
    draw_form.category.choices = [SelectChoice("", "—")] + [
        SelectChoice(category, f"{category} ({count})") for category, count in sizes.items()
    ]
    return render_template(
        "studio/quiz.html",
        course=course,
        revision=revision,
        quiz=quiz,
        key=key,
        settings=settings,
        question_form=question_form,
        draw_form=draw_form,
        sizes=sizes,
        problems=quizzes.item_problems(revision, list(quiz.items or [])),
        button_form=True,
    ), status


@bp.get("/courses/<slug>/quizzes/<key>")
def quiz(slug: str, key: str):
    """The quiz editor: its settings and its items."""
    return _quiz_page(_course(slug), key)


@bp.post("/courses/<slug>/quizzes/<key>/settings")
def quiz_settings(slug: str, key: str):
    course = _course(slug)
    form = QuizSettingsForm()
    if not form.validate_on_submit():
        return _quiz_page(course, key, 400, settings=form)
    try:
        quizzes.update_settings(
            drafts.ensure_draft(course, _user()),
            key,
            **{name: form[name].data for name in form.data if name != "csrf_token"},
        )
    except ValidationFailed as exc:
        discard()
        apply_errors(form, exc)
        return _quiz_page(course, key, 400, settings=form)
    flash(_("Quiz settings saved in the draft."), "success")
    return redirect(url_for("studio.quiz", slug=slug, key=key), 303)


def _items_back(slug: str, key: str):
    return redirect(url_for("studio.quiz", slug=slug, key=key) + "#items", 303)


@bp.post("/courses/<slug>/quizzes/<key>/items/question")
def add_quiz_question(slug: str, key: str):
    course = _course(slug)
    form = QuestionItemForm()
    if not form.validate_on_submit():
        return _quiz_page(course, key, 400, question_form=form)
    try:
        quizzes.add_question_item(drafts.ensure_draft(course, _user()), key, form.question.data)
    except ValidationFailed as exc:
        discard()
        apply_errors(form, exc)
        return _quiz_page(course, key, 400, question_form=form)
    return _items_back(slug, key)


@bp.post("/courses/<slug>/quizzes/<key>/items/draw")
def add_quiz_draw(slug: str, key: str):
    course = _course(slug)
    form = DrawItemForm()
    if not form.validate_on_submit():
        return _quiz_page(course, key, 400, draw_form=form)
    try:
        quizzes.add_draw_item(
            drafts.ensure_draft(course, _user()), key, form.category.data, form.draw.data
        )
    except ValidationFailed as exc:
        discard()
        apply_errors(form, exc)
        return _quiz_page(course, key, 400, draw_form=form)
    return _items_back(slug, key)


@bp.post("/courses/<slug>/quizzes/<key>/items/<int:index>/remove")
def remove_quiz_item(slug: str, key: str, index: int):
    course = _course(slug)
    _button_form()
    quizzes.remove_item(drafts.ensure_draft(course, _user()), key, index)
    return _items_back(slug, key)


@bp.post("/courses/<slug>/quizzes/<key>/items/<int:index>/move")
def move_quiz_item(slug: str, key: str, index: int):
    course = _course(slug)
    _button_form()
    direction = request.form.get("direction", "")
    quizzes.move_item(drafts.ensure_draft(course, _user()), key, index, direction)
    return _items_back(slug, key)


@bp.get("/courses/<slug>/quizzes/<key>/export")
def export_quiz(slug: str, key: str):
    """Every question the quiz may draw, as GIFT or .xlsx (``?format=``)."""
    course = _course(slug)
    revision = _revision(course)
    chosen = questions.export_questions(revision, quiz_key=key)
    return _export(chosen, f"{course.slug}-{key}")


# --------------------------------------------------------------------------- question bank


@bp.get("/courses/<slug>/questions")
def questions_bank(slug: str):
    """The question bank by category, with search."""
    course = _course(slug)
    revision = _revision(course)
    search = (request.args.get("q") or "").strip()[:200]
    category = (request.args.get("category") or "").strip()[:200]
    entries = questions.bank(revision, search, category)
    grouped: dict[str, list] = {}
    for entry in entries:
        grouped.setdefault(entry.category, []).append(entry)
    return render_template(
        "studio/questions.html",
        course=course,
        revision=revision,
        grouped=grouped,
        count=len(entries),
        search=search,
        category=category,
        all_categories=questions.categories(revision),
        qtypes=_types(),
    )


def _question_page(course, form, status=200, *, entry=None, problems=(), qtype=None):
    return render_template(
        "studio/question.html",
        course=course,
        form=form,
        entry=entry,
        problems=list(problems),
        qtype=qtype,
        qtypes=_types(),
    ), status


def _save_one(course: Course, form: QuestionForm, name: str | None, entry=None):
    """Check the form's GIFT through the importer; save it, or show every problem."""
    draft = drafts.ensure_draft(course, _user())
    preview = questions.preview_one(draft, form.text.data, form.category.data.strip(), name)
    if not preview.ok:
        discard()
        return _question_page(course, form, 400, entry=entry, problems=preview.problems)
    saved = questions.save_questions(draft, preview, _user().id)
    if saved.unchanged:
        flash(_("Nothing changed."), "success")
    elif saved.changed:
        flash(_("Question saved as a new version in the draft."), "success")
    else:
        flash(_("Question added to the draft."), "success")
    return redirect(url_for("studio.questions_bank", slug=course.slug), 303)


@bp.route("/courses/<slug>/questions/new", methods=["GET", "POST"])
def new_question(slug: str):
    """A new question of a registry type, written from that type's GIFT skeleton."""
    course = _course(slug)
    qtype = request.args.get("type", "single")
    if request.method == "GET":
        form = QuestionForm(formdata=None)
        form.text.data = questions.skeleton(qtype)
        form.category.data = request.args.get("category", "")[:120]
        return _question_page(course, form, qtype=qtype)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _question_page(course, form, 400, qtype=qtype)
    return _save_one(course, form, None)


@bp.route("/courses/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
def question(slug: str, question_id: int):
    """Edit a question as GIFT; a published one is saved as a new version."""
    course = _course(slug)
    revision = _revision(course)
    parsed, number = questions.question_in(revision, question_id)
    entry = {"id": question_id, "name": parsed.name, "version": number, "qtype": parsed.qtype}
    if request.method == "GET":
        form = QuestionForm(formdata=None)
        form.text.data = questions.question_gift(parsed)
        form.category.data = parsed.category
        return _question_page(course, form, entry=entry)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _question_page(course, form, 400, entry=entry)
    return _save_one(course, form, parsed.name, entry)


@bp.get("/courses/<slug>/questions/<int:question_id>/delete")
def delete_question_confirm(slug: str, question_id: int):
    course = _course(slug)
    parsed, _number = questions.question_in(_revision(course), question_id)
    return render_template(
        "studio/confirm.html",
        course=course,
        title=_("Delete the question “%(name)s”?", name=parsed.name),
        explanation=_(
            "The question leaves the draft. Learners' attempts keep the version they "
            "answered, and learners keep seeing it until you publish."
        ),
        action=url_for("studio.delete_question", slug=course.slug, question_id=question_id),
        button=_("Yes, delete the question"),
    )


@bp.post("/courses/<slug>/questions/<int:question_id>/delete")
def delete_question(slug: str, question_id: int):
    course = _course(slug)
    _button_form()
    try:
        name = questions.delete_question(drafts.ensure_draft(course, _user()), question_id)
    except Conflict as exc:
        discard()
        flash(exc.message, "error")
        return redirect(url_for("studio.questions_bank", slug=slug), 303)
    flash(_("The question “%(name)s” was deleted from the draft.", name=name), "success")
    return redirect(url_for("studio.questions_bank", slug=slug), 303)


@bp.get("/courses/<slug>/questions/export")
def export_questions(slug: str):
    """A category's questions (``?category=``), or the whole bank, as GIFT or .xlsx."""
    course = _course(slug)
    category = (request.args.get("category") or "").strip()
    chosen = questions.export_questions(_revision(course), category=category or None)
    part = _slug_part(category) if category else "cau-hoi"
    return _export(chosen, f"{course.slug}-{part or 'cau-hoi'}")


@bp.get("/courses/<slug>/questions/template.xlsx")
def questions_template(slug: str):
    """The .xlsx template the import page offers."""
    _course(slug)
    return _download(xlsx_template(), "mau-cau-hoi.xlsx", "xlsx")


# --------------------------------------------------------------------------- import


def _import_page(course, form, status=200, *, preview=None, save_text=""):
    return render_template(
        "studio/import.html",
        course=course,
        form=form,
        preview=preview,
        save_text=save_text,
        STATUS_LABELS=STATUS_LABELS,
        max_mb=xlsx.MAX_FILE_BYTES // 2**20,
    ), status


def _read_upload(form: ImportForm) -> tuple[str | None, bytes | None, ImportProblem | None]:
    """(GIFT text, xlsx bytes, a problem) from the form: the file wins over the paste."""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            data = upload.read(xlsx.MAX_FILE_BYTES + 1)
        finally:
            upload.close()
        if not data:
            return None, None, ImportProblem(_("The file is empty."))
        if data.startswith(b"PK\x03\x04"):
            return None, data, None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return (
                None,
                None,
                ImportProblem(
                    _("This file is neither GIFT text (UTF-8) nor an Excel workbook (.xlsx).")
                ),
            )
        if "\x00" in text:
            return (
                None,
                None,
                ImportProblem(
                    _("This file is neither GIFT text (UTF-8) nor an Excel workbook (.xlsx).")
                ),
            )
        return text, None, None
    return form.text.data or "", None, None


@bp.route("/courses/<slug>/questions/import", methods=["GET", "POST"])
def import_questions(slug: str):
    """Paste GIFT, or upload a .gift or .xlsx: a preview with every problem first; then
    "save all" saves every question or none."""
    course = _course(slug)
    if request.method == "GET":
        return _import_page(course, ImportForm(formdata=None))
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(course, form, 400)
    draft = drafts.ensure_draft(course, _user())
    existing = question_hashes(draft)
    category = (form.category.data or "").strip()
    text, data, problem = _read_upload(form)
    if problem is not None:
        discard()
        return _import_page(course, form, 400, preview=ImportPreview([], [problem]))
    if data is not None:
        preview = preview_xlsx(data, existing, category)
        save_text = ""
        if preview.ok:
            try:
                save_text = export_gift(preview.questions)
            except ValidationFailed as exc:
                preview = ImportPreview(preview.items, [ImportProblem(exc.message)])
    else:
        form.text.data = text
        preview = preview_gift(text or "", existing, category)
        save_text = text or ""
    if request.form.get("action") != "save" or not preview.ok:
        discard()
        return _import_page(
            course,
            form,
            200 if preview.ok else 400,
            preview=preview,
            save_text=save_text,
        )
    saved = questions.save_questions(draft, preview, _user().id)
    flash(
        _(
            "Saved: %(added)d new, %(changed)d changed (new versions), %(unchanged)d unchanged.",
            added=len(saved.added),
            changed=len(saved.changed),
            unchanged=len(saved.unchanged),
        ),
        "success",
    )
    return redirect(url_for("studio.questions_bank", slug=slug), 303)
