"""The studio's pages: thin views over elearn.studio's services.

Every route is for trainers and administrators (checked before any view runs); each
course route then checks that the user may edit that course. A refused rule is a
translated 4xx: an error page, or JSON when the request asks for it (the lesson save,
which the editor's script calls). Confirmations (discard, delete, reset) are a page of
their own (GET), whose button does the POST.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from elearn.content import structure
from elearn.content.models import Course
from elearn.content.modules import installed_tools
from elearn.content.render import video_embed_url
from elearn.content.uploads import max_upload_bytes
from elearn.core.db import discard
from elearn.core.errors import NotFound, ServiceError, ValidationFailed
from elearn.core.formats import format_datetime
from elearn.core.time import configured_zone
from elearn.extensions import login_manager
from elearn.studio import assets, courses, drafts, lessons, outline, packages, permissions, staff
from elearn.studio.diffs import line_diff
from elearn.studio.forms import (
    InviteForm,
    LessonForm,
    MoveForm,
    NewCourseForm,
    NewLessonForm,
    NewQuizForm,
    PackageForm,
    RestoreForm,
    SettingsForm,
    TitleForm,
)
from elearn.studio.sources import WORDS_PER_MINUTE, suggested_minutes, word_count
from elearn.studio.wording import ROLE_LABELS, STATE_LABELS, problem_text
from elearn.web.forms import EmptyForm, apply_errors
from elearn.web.i18n import current_locale
from elearn.web.inputs import large_body

bp = Blueprint("studio", __name__, url_prefix="/studio")


def _user():
    return current_user._get_current_object()


def wants_json() -> bool:
    """The editor's own request (Accept: application/json, e.g. an autosave), not a page."""
    return request.accept_mimetypes.best == "application/json"


@bp.before_request
def _trainers_and_admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    permissions.require_studio(current_user)
    return None


@bp.context_processor
def _labels() -> dict:
    return {
        "STUDIO_STATES": STATE_LABELS,
        "STUDIO_ROLES": ROLE_LABELS,
        "problem_text": problem_text,
    }


@bp.errorhandler(ServiceError)
def _refused(exc: ServiceError):
    """A rule refused the request: nothing is saved; say why, translated."""
    discard()
    if wants_json():
        error: dict = {"code": exc.code, "message": exc.message}
        if exc.fields:
            error["fields"] = exc.fields
        return jsonify(error=error), exc.status
    return render_template("errors/error.html", status=exc.status, message=exc.message), (
        exc.status
    )


def _course(slug: str) -> Course:
    """The course, if the user may edit it (else 404 or 403)."""
    course = drafts.course_by_slug(slug)
    permissions.require_editor(current_user, course)
    return course


def _back(course: Course, anchor: str = ""):
    return redirect(url_for("studio.course", slug=course.slug) + anchor, 303)


def _refused_action(exc: ServiceError, course: Course, anchor: str = ""):
    """A button's action was refused: nothing saved; back to the editor with the reason."""
    discard()
    flash(exc.message, "error")
    return _back(course, anchor)


def _button_form() -> EmptyForm:
    form = EmptyForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("Your form expired. Please submit it again."))
    return form


# --------------------------------------------------------------------------- home, new course


@bp.get("")
def home():
    """My courses (administrators: every course) with their state and last change."""
    return render_template("studio/home.html", courses=courses.studio_courses(_user()))


@bp.route("/new", methods=["GET", "POST"])
def new_course():
    """A new course: title, address, topic, language; then the editor."""
    form = NewCourseForm()
    status = 200
    if form.validate_on_submit():
        try:
            course = courses.create_course(
                form.slug.data, form.title.data, form.topic.data, form.language.data, _user()
            )
        except ValidationFailed as exc:
            discard()
            apply_errors(form, exc)
            status = 400
        else:
            flash(_("The course is ready as a draft: add its lessons."), "success")
            return redirect(url_for("studio.course", slug=course.slug), 303)
    elif request.method == "POST":
        status = 400
    return render_template("studio/new.html", form=form), status


# --------------------------------------------------------------------------- the course editor


def _settings_form(revision=None) -> SettingsForm:
    """The posted settings (no `revision`), or a form filled from `revision`."""
    form = SettingsForm() if revision is None else SettingsForm(formdata=None)
    form.tools.choices = [
        SelectChoice(tool_id, tool.title) for tool_id, tool in installed_tools().items()
    ]
    if revision is not None:
        form.title.data = revision.title
        form.summary.data = revision.summary
        form.topic.data = revision.topic
        form.audience.data = revision.audience
        form.estimated_hours.data = revision.estimated_hours
        form.tools.data = list(revision.tools or [])
        form.language.data = revision.language
    return form


def _editor(course: Course, settings: SettingsForm | None = None, status: int = 200, **forms):
    revision = drafts.working_revision(course)
    outline_ = structure.for_revision(revision.id) if revision is not None else None
    return render_template(
        "studio/course.html",
        course=course,
        revision=revision,
        outline=outline_,
        summary=drafts.revision_summary(course),
        settings=settings or (_settings_form(revision) if revision is not None else None),
        new_lesson=forms.get("new_lesson") or NewLessonForm(formdata=None, prefix="lesson"),
        new_quiz=forms.get("new_quiz") or NewQuizForm(formdata=None, prefix="quiz"),
        new_section=forms.get("new_section") or TitleForm(formdata=None, prefix="section"),
        can_manage_staff=permissions.can_manage_staff(current_user, course),
        can_reset=permissions.can_reset_to_package(current_user, course),
    ), status


@bp.get("/courses/<slug>")
def course(slug: str):
    """The course editor: settings, sections, lessons and quizzes, publish."""
    return _editor(_course(slug))


@bp.post("/courses/<slug>/settings")
def settings(slug: str):
    """Save the course's settings to the draft."""
    course = _course(slug)
    form = _settings_form()
    if not form.validate_on_submit():
        return _editor(course, settings=form, status=400)
    try:
        draft = drafts.ensure_draft(course, _user())
        courses.update_settings(
            draft,
            title=form.title.data,
            summary=form.summary.data or "",
            topic=form.topic.data,
            audience=form.audience.data or "",
            estimated_hours=float(form.estimated_hours.data),
            tools=list(form.tools.data or []),
            language=form.language.data,
            allowed_tools=installed_tools(),
        )
    except ValidationFailed as exc:
        discard()
        apply_errors(form, exc)
        return _editor(course, settings=form, status=400)
    flash(_("Settings saved in the draft."), "success")
    return _back(course)


# --------------------------------------------------------------------------- sections


@bp.post("/courses/<slug>/sections")
def add_section(slug: str):
    """A new section at the end."""
    course = _course(slug)
    form = TitleForm(prefix="section")
    if not form.validate_on_submit():
        return _editor(course, status=400, new_section=form)
    try:
        outline.add_section(drafts.ensure_draft(course, _user()), form.title.data)
    except ValidationFailed as exc:
        discard()
        apply_errors(form, exc)
        return _editor(course, status=400, new_section=form)
    return _back(course, "#outline")


@bp.post("/courses/<slug>/sections/<int:index>/rename")
def rename_section(slug: str, index: int):
    course = _course(slug)
    form = TitleForm()
    if not form.validate_on_submit():
        flash(_("Please enter a title (at most 200 characters)."), "error")
        return _back(course, f"#section-{index}")
    try:
        outline.rename_section(drafts.ensure_draft(course, _user()), index, form.title.data)
    except ServiceError as exc:
        return _refused_action(exc, course, f"#section-{index}")
    return _back(course, f"#section-{index}")


@bp.post("/courses/<slug>/sections/<int:index>/delete")
def delete_section(slug: str, index: int):
    """Delete an empty section."""
    course = _course(slug)
    _button_form()
    try:
        outline.delete_section(drafts.ensure_draft(course, _user()), index)
    except ServiceError as exc:
        return _refused_action(exc, course, f"#section-{index}")
    flash(_("Section deleted."), "success")
    return _back(course, "#outline")


@bp.post("/courses/<slug>/sections/<int:index>/move")
def move_section(slug: str, index: int):
    course = _course(slug)
    form = MoveForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("Move up or down."))
    try:
        draft = drafts.ensure_draft(course, _user())
        if form.section.data:
            outline.move_section(draft, index, form.section.data)
        else:
            outline.move_section_step(draft, index, form.direction.data or "")
    except ServiceError as exc:
        return _refused_action(exc, course, "#outline")
    return _back(course, "#outline")


# --------------------------------------------------------------------------- lessons and quizzes


@bp.post("/courses/<slug>/lessons")
def add_lesson(slug: str):
    """A new lesson at the end of a section; then its editor."""
    course = _course(slug)
    form = NewLessonForm(prefix="lesson")
    if not form.validate_on_submit():
        return _editor(course, status=400, new_lesson=form)
    try:
        outline.add_lesson(
            drafts.ensure_draft(course, _user()),
            form.slug.data.strip(),
            form.title.data,
            _user(),
            form.section.data,
        )
    except ValidationFailed as exc:
        discard()
        apply_errors(form, exc)
        return _editor(course, status=400, new_lesson=form)
    except ServiceError as exc:
        return _refused_action(exc, course, "#outline")
    return redirect(
        url_for("studio.lesson", slug=course.slug, lesson_slug=form.slug.data.strip()), 303
    )


@bp.get("/courses/<slug>/lessons/<lesson_slug>/delete")
def delete_lesson_confirm(slug: str, lesson_slug: str):
    """Ask before taking a lesson out of the course."""
    course = _course(slug)
    lesson = lessons.lesson_text(course, lesson_slug)
    return render_template(
        "studio/confirm.html",
        course=course,
        title=_("Delete the lesson “%(title)s”?", title=lesson.title),
        explanation=_(
            "The lesson leaves the draft. Its saved versions and learners' progress are kept, "
            "and learners keep seeing it until you publish."
        ),
        action=url_for("studio.delete_lesson", slug=course.slug, lesson_slug=lesson_slug),
        button=_("Yes, delete the lesson"),
    )


@bp.post("/courses/<slug>/lessons/<lesson_slug>/delete")
def delete_lesson(slug: str, lesson_slug: str):
    course = _course(slug)
    _button_form()
    try:
        outline.delete_lesson(drafts.ensure_draft(course, _user()), lesson_slug)
    except ServiceError as exc:
        return _refused_action(exc, course, "#outline")
    flash(_("Lesson deleted from the draft."), "success")
    return _back(course, "#outline")


@bp.post("/courses/<slug>/lessons/<lesson_slug>/move")
def move_lesson(slug: str, lesson_slug: str):
    """One step up or down, or to a section and position."""
    course = _course(slug)
    form = MoveForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("Move up or down."))
    try:
        draft = drafts.ensure_draft(course, _user())
        if form.section.data:
            outline.move_lesson(draft, lesson_slug, form.section.data, form.position.data or 1)
        else:
            outline.move_lesson_step(draft, lesson_slug, form.direction.data or "")
    except ServiceError as exc:
        return _refused_action(exc, course, "#outline")
    return _back(course, f"#lesson-{lesson_slug}")


@bp.post("/courses/<slug>/quizzes")
def add_quiz(slug: str):
    """A new quiz at the end of a section."""
    course = _course(slug)
    form = NewQuizForm(prefix="quiz")
    if not form.validate_on_submit():
        return _editor(course, status=400, new_quiz=form)
    try:
        outline.add_quiz(
            drafts.ensure_draft(course, _user()),
            form.key.data.strip(),
            form.title.data,
            form.section.data,
        )
    except ValidationFailed as exc:
        discard()
        apply_errors(form, exc)
        return _editor(course, status=400, new_quiz=form)
    except ServiceError as exc:
        return _refused_action(exc, course, "#outline")
    flash(_("Quiz added. Its questions are chosen in the quiz editor."), "success")
    return _back(course, f"#quiz-{form.key.data.strip()}")


@bp.get("/courses/<slug>/quizzes/<key>/delete")
def delete_quiz_confirm(slug: str, key: str):
    course = _course(slug)
    revision = drafts.working_revision(course)
    shown = structure.for_revision(revision.id) if revision is not None else None
    quiz = shown.quiz_by_key.get(key) if shown is not None else None
    if quiz is None:
        raise NotFound(_("No such quiz in this course."))
    return render_template(
        "studio/confirm.html",
        course=course,
        title=_("Delete the quiz “%(title)s”?", title=quiz.title),
        explanation=_(
            "The quiz leaves the draft. Learners' attempts are kept, and learners keep seeing "
            "it until you publish."
        ),
        action=url_for("studio.delete_quiz", slug=course.slug, key=key),
        button=_("Yes, delete the quiz"),
    )


@bp.post("/courses/<slug>/quizzes/<key>/delete")
def delete_quiz(slug: str, key: str):
    course = _course(slug)
    _button_form()
    try:
        outline.delete_quiz(drafts.ensure_draft(course, _user()), key)
    except ServiceError as exc:
        return _refused_action(exc, course, "#outline")
    flash(_("Quiz deleted from the draft."), "success")
    return _back(course, "#outline")


@bp.post("/courses/<slug>/quizzes/<key>/move")
def move_quiz(slug: str, key: str):
    course = _course(slug)
    form = MoveForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("Move up or down."))
    try:
        draft = drafts.ensure_draft(course, _user())
        if form.section.data:
            outline.move_quiz(draft, key, form.section.data, form.position.data or 1)
        else:
            outline.move_quiz_step(draft, key, form.direction.data or "")
    except ServiceError as exc:
        return _refused_action(exc, course, "#outline")
    return _back(course, f"#quiz-{key}")


# --------------------------------------------------------------------------- the lesson editor


def _lesson_page(course: Course, lesson_slug: str, form: LessonForm, status: int = 200, **extra):
    lesson = extra.pop("lesson", None) or lessons.lesson_text(course, lesson_slug)
    markdown = form.markdown.data if form.markdown.data is not None else lesson.markdown
    return render_template(
        "studio/lesson.html",
        course=course,
        lesson=lesson,
        form=form,
        words=word_count(markdown or ""),
        suggested=suggested_minutes(markdown or ""),
        words_per_minute=WORDS_PER_MINUTE,
        upload_limit_mb=max_upload_bytes() // 2**20,
        **extra,
    ), status


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
def lesson(slug: str, lesson_slug: str):
    """The lesson editor: title, minutes, Markdown; save, preview, history."""
    course = _course(slug)
    current = lessons.lesson_text(course, lesson_slug)
    form = LessonForm(formdata=None)
    form.title.data = current.title
    form.minutes.data = current.minutes
    form.markdown.data = current.markdown
    form.version.data = current.version
    return _lesson_page(course, lesson_slug, form, lesson=current, uploaded=_uploaded(course))


def _uploaded(course: Course):
    """The file just uploaded without the editor's script (?uploaded=<name>), if the
    course's draft has it: the page shows the Markdown to copy."""
    name = request.args.get("uploaded", "")
    revision = drafts.working_revision(course)
    if not name or revision is None:
        return None
    return assets.lesson_asset(revision.id, name)


def _lesson_form() -> tuple[LessonForm, str]:
    """The posted form and its action ("save" or "preview"); a JSON body (the editor's
    script) is read as the same fields."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ValidationFailed(_("The request could not be understood."))
        fields = ("title", "minutes", "markdown", "version", "csrf_token")
        data = MultiDict({name: str(body[name]) for name in fields if body.get(name) is not None})
        return LessonForm(formdata=data), str(body.get("action") or "save")
    return LessonForm(), request.form.get("action") or "save"


def _form_errors(form: LessonForm) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


@bp.post("/courses/<slug>/lessons/<lesson_slug>")
def save_lesson(slug: str, lesson_slug: str):
    """Save (a new version when something changed) or preview. JSON when asked:
    200 {"version"}; 409 {"error", "theirs"} on a conflict, nothing saved."""
    course = _course(slug)
    form, action = _lesson_form()
    as_json = wants_json()
    if not form.validate_on_submit():
        discard()
        if as_json:
            message = _("Please check the form.")
            return jsonify(
                error={"code": "invalid", "message": message, "fields": _form_errors(form)}
            ), 400
        return _lesson_page(course, lesson_slug, form, 400)
    if action == "preview":
        html = lessons.preview_html(course, form.title.data, form.markdown.data or "")
        if as_json:
            return jsonify(html=html)
        return _lesson_page(course, lesson_slug, form, preview=html)
    try:
        version = lessons.save_lesson(
            course,
            lesson_slug,
            form.title.data,
            form.markdown.data or "",
            form.minutes.data,
            form.version.data,
            _user(),
        )
    except lessons.LessonConflict as exc:
        discard()
        if as_json:
            # "when": the moment as the pages show it (local time); "at" stays UTC ISO.
            when = format_datetime(
                exc.theirs.saved_at, current_locale(), configured_zone(), seconds=True
            )
            return jsonify(
                error={"code": exc.code, "message": exc.message},
                theirs=exc.theirs.as_json() | {"when": when},
            ), 409
        form.version.data = exc.theirs.version
        form.version.raw_data = [str(exc.theirs.version)]
        return _lesson_page(course, lesson_slug, form, 409, theirs=exc.theirs)
    except ValidationFailed as exc:
        discard()
        if as_json:
            return jsonify(
                error={"code": exc.code, "message": exc.message, "fields": exc.fields}
            ), 400
        apply_errors(form, exc)
        return _lesson_page(course, lesson_slug, form, 400)
    if as_json:
        return jsonify(version=version.number)
    if version.number == form.version.data:
        flash(_("Nothing changed since the last save."), "info")
    else:
        flash(_("Saved as version %(num)d.", num=version.number), "success")
    return redirect(url_for("studio.lesson", slug=course.slug, lesson_slug=lesson_slug), 303)


@bp.get("/courses/<slug>/lessons/<lesson_slug>/preview")
def preview_lesson(slug: str, lesson_slug: str):
    """The lesson as saved, shown as learners will see it."""
    course = _course(slug)
    current = lessons.lesson_text(course, lesson_slug)
    return render_template(
        "studio/preview.html",
        course=course,
        lesson=current,
        html=structure.lesson_html(current.version_id),
        video_embed=video_embed_url(current.video_url) if current.video_url else None,
    )


@bp.get("/courses/<slug>/lessons/<lesson_slug>/history")
def lesson_history(slug: str, lesson_slug: str):
    """Every saved version: who, when; view or restore one."""
    course = _course(slug)
    entries = lessons.lesson_history(course, lesson_slug)
    current = next((e for e in entries if e.current), None)
    return render_template(
        "studio/history.html",
        course=course,
        lesson_slug=lesson_slug,
        entries=entries,
        current=current,
        title=current.title if current is not None else lesson_slug,
    )


@bp.get("/courses/<slug>/lessons/<lesson_slug>/history/<int:number>")
def lesson_version(slug: str, lesson_slug: str, number: int):
    """One old version's text, what changed since the version before it, and "restore
    this version"."""
    course = _course(slug)
    old = lessons.version_text(course, lesson_slug, number)
    try:
        current = lessons.lesson_text(course, lesson_slug)
    except ServiceError:
        current = None
    try:
        before = lessons.version_text(course, lesson_slug, number - 1) if number > 1 else None
    except NotFound:
        before = None
    return render_template(
        "studio/version.html",
        course=course,
        old=old,
        before=before,
        hunks=line_diff(before.markdown if before else "", old.markdown),
        current=current,
        lesson_slug=lesson_slug,
    )


@bp.post("/courses/<slug>/lessons/<lesson_slug>/history/<int:number>/restore")
def restore_lesson(slug: str, lesson_slug: str, number: int):
    """Make an old version's text the newest version."""
    course = _course(slug)
    form = RestoreForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("This page is out of date. Please reload it."))
    try:
        version = lessons.restore_lesson_version(
            course, lesson_slug, number, form.version.data, _user()
        )
    except lessons.LessonConflict:
        discard()
        flash(
            _("Someone saved the lesson since you opened the history: look again before "
              "restoring."),
            "error",
        )  # fmt: skip
        return redirect(
            url_for("studio.lesson_history", slug=course.slug, lesson_slug=lesson_slug), 303
        )
    if version.number == form.version.data:
        flash(_("That text is already the current one."), "info")
    else:
        flash(
            _("Version %(old)d restored as version %(num)d.", old=number, num=version.number),
            "success",
        )
    return redirect(url_for("studio.lesson", slug=course.slug, lesson_slug=lesson_slug), 303)


# --------------------------------------------------------------------------- publish, discard


@bp.get("/courses/<slug>/publish")
def publish_confirm(slug: str):
    """The draft's problems with links to fix them, or the button to publish."""
    course = _course(slug)
    draft = drafts.revision_summary(course)["draft"]
    problems = drafts.draft_problems(draft) if draft is not None else []
    return render_template("studio/publish.html", course=course, draft=draft, problems=problems), (
        422 if problems else 200
    )


@bp.post("/courses/<slug>/publish")
def publish(slug: str):
    """Publish the draft in one transaction, if it has no problems."""
    course = _course(slug)
    _button_form()
    try:
        revision = drafts.publish_draft(course, _user())
    except drafts.DraftHasProblems as exc:
        discard()
        return render_template(
            "studio/publish.html",
            course=course,
            draft=drafts.revision_summary(course)["draft"],
            problems=exc.problems,
        ), 422
    except ServiceError as exc:
        return _refused_action(exc, course)
    flash(_("Published: learners now see revision %(num)d.", num=revision.number), "success")
    return _back(course)


@bp.get("/courses/<slug>/discard")
def discard_confirm(slug: str):
    course = _course(slug)
    return render_template(
        "studio/confirm.html",
        course=course,
        title=_("Discard the unpublished changes?"),
        explanation=_(
            "The draft is thrown away and the course goes back to what learners see now. "
            "Saved lesson versions stay in each lesson's history."
        ),
        action=url_for("studio.discard_draft", slug=course.slug),
        button=_("Yes, discard the changes"),
    )


@bp.post("/courses/<slug>/discard")
def discard_draft(slug: str):
    course = _course(slug)
    _button_form()
    try:
        drafts.discard_draft(course, _user())
    except ServiceError as exc:
        return _refused_action(exc, course)
    flash(_("The unpublished changes were discarded."), "success")
    return _back(course)


# --------------------------------------------------------------------------- the package


def _package_course(slug: str) -> Course:
    course = drafts.course_by_slug(slug)
    permissions.require_reset(current_user, course)
    return course


@bp.get("/courses/<slug>/reset")
def reset_confirm(slug: str):
    """Administrators: ask before bringing a module's course back to its package."""
    course = _package_course(slug)
    return render_template(
        "studio/confirm.html",
        course=course,
        title=_("Reset “%(slug)s” to the package version?", slug=course.slug),
        explanation=_(
            "The course is read again from the module's package on disk and published as a "
            "new revision; the draft and every change made in the browser are dropped from "
            "the course (lesson versions stay in the history). From then on `flask courses "
            "sync` updates the course again. Learners' progress is kept."
        ),
        action=url_for("studio.reset_to_package", slug=course.slug),
        button=_("Yes, reset to the package"),
    )


@bp.post("/courses/<slug>/reset")
def reset_to_package(slug: str):
    course = _package_course(slug)
    _button_form()
    try:
        revision, created = drafts.reset_to_package(course, _user())
    except ServiceError as exc:
        return _refused_action(exc, course)
    if created:
        flash(_("Reset: the package is published as revision %(num)d.", num=revision.number),
              "success")  # fmt: skip
    else:
        flash(_("Reset: the published revision already was the package version."), "success")
    return _back(course)


# --------------------------------------------------------------------------- staff


@bp.get("/courses/<slug>/staff")
def staff_list(slug: str):
    """Who edits the course; the owner invites and removes co-authors."""
    course = _course(slug)
    return _staff_page(course, InviteForm(formdata=None))


def _staff_page(course: Course, form: InviteForm, status: int = 200):
    return render_template(
        "studio/staff.html",
        course=course,
        members=staff.course_staff(course),
        form=form,
        can_manage=permissions.can_manage_staff(current_user, course),
    ), status


@bp.post("/courses/<slug>/staff")
def invite(slug: str):
    course = drafts.course_by_slug(slug)
    permissions.require_staff_manager(current_user, course)
    form = InviteForm()
    if not form.validate_on_submit():
        return _staff_page(course, form, 400)
    try:
        user = staff.invite_coauthor(course, form.login.data, _user())
    except ValidationFailed as exc:
        discard()
        apply_errors(form, exc)
        return _staff_page(course, form, 400)
    flash(_("%(name)s can now edit this course.", name=user.full_name), "success")
    return redirect(url_for("studio.staff_list", slug=course.slug), 303)


@bp.post("/courses/<slug>/staff/<int:user_id>/remove")
def remove_staff(slug: str, user_id: int):
    course = drafts.course_by_slug(slug)
    permissions.require_staff_manager(current_user, course)
    _button_form()
    try:
        staff.remove_coauthor(course, user_id, _user())
    except ServiceError as exc:
        discard()
        flash(exc.message, "error")
        return redirect(url_for("studio.staff_list", slug=course.slug), 303)
    flash(_("Removed from the course's staff."), "success")
    return redirect(url_for("studio.staff_list", slug=course.slug), 303)


# --------------------------------------------------------------------------- packages (.zip)


@bp.route("/import", methods=["GET", "POST"])
@large_body("ELEARN_PACKAGE_MAX_MB")
def import_course():
    """A course package (.zip): "Check" lists its problems and saves nothing; "Import"
    checks it again and creates the draft course, the trainer its owner."""
    form = PackageForm()
    check = None
    status = 200
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            if request.form.get("action") == "import":
                course = packages.import_package_zip(data, _user())
                flash(_("The course was imported as a draft: check it, then publish."), "success")
                return redirect(url_for("studio.course", slug=course.slug), 303)
            check = packages.check_package_zip(data)
        except (packages.PackageRefused, packages.PackageHasProblems) as exc:
            discard()
            check = packages.PackageCheck(None, None, exc.problems)
            form.file.errors = [exc.message]
            status = exc.status
    elif request.method == "POST":
        status = 400
    return render_template("studio/package_import.html", form=form, check=check), status


@bp.get("/courses/<slug>/export")
def export_course(slug: str):
    """The draft or the published revision as a package zip (the same bytes every time)."""
    course = _course(slug)
    revision = request.args.get("revision", "published")
    data = packages.export_zip(course, revision)
    name = packages.export_filename(course, revision)
    return (
        data,
        200,
        {
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )
