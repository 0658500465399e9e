"""Revisions: turning a package into a revision, publishing it, and back into a package.

`create_revision` stores a package as a new revision of a course, reusing the lesson
and question versions whose content did not change (so learners' progress and past
attempts keep pointing at what they saw). `publish` makes a revision the one learners
see and retires the previous one. `package_of` gives the revision back as a package,
for export.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from elearn.content import media
from elearn.content.models import (
    Asset,
    Course,
    CourseRevision,
    Lesson,
    LessonVersion,
    Question,
    QuestionVersion,
    Quiz,
    RevisionAsset,
    RevisionLesson,
    RevisionQuestion,
    RevisionQuiz,
    Section,
)
from elearn.content.package import (
    LessonData,
    Package,
    QuizData,
    SectionData,
    content_hash,
    render_lesson,
)
from elearn.content.render import Picture
from elearn.content.schemas import QUIZ_SETTINGS
from elearn.content.uploads.variants import ensure_picture
from elearn.core.db import insert_ignore
from elearn.core.errors import Conflict, NotFound
from elearn.core.events import revision_published
from elearn.core.text import fold
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.quiz.question import Question as ParsedQuestion
from elearn.quiz.question import question_from_data, question_to_data
from elearn.quiz.richtext import render_question


def _digest(value: object) -> str:
    encoded = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def published_revision(course_id: int) -> CourseRevision | None:
    return db.session.scalar(
        select(CourseRevision).where(
            CourseRevision.course_id == course_id, CourseRevision.state == "published"
        )
    )


def draft_revision(course_id: int) -> CourseRevision | None:
    return db.session.scalar(
        select(CourseRevision).where(
            CourseRevision.course_id == course_id, CourseRevision.state == "draft"
        )
    )


def create_course(slug: str, origin: str, module: str | None = None) -> Course:
    """A new course identity (no revision yet); the slug must be free."""
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise Conflict(_("A course with the address “%(slug)s” already exists.", slug=slug))
    course = Course(slug=slug, origin=origin, module=module)
    db.session.add(course)
    db.session.flush()
    return course


def create_revision(
    course: Course, package: Package, state: str = "draft", created_by_id: int | None = None
) -> CourseRevision:
    """Store `package` as the course's next revision (draft, or published at once)."""
    number = (
        db.session.scalar(
            select(func.max(CourseRevision.number)).where(CourseRevision.course_id == course.id)
        )
        or 0
    ) + 1
    lesson_titles = " ".join(package.lessons[s].title for s in package.lesson_order)
    revision = CourseRevision(
        course_id=course.id,
        number=number,
        state="draft",
        title=package.title,
        summary=package.summary,
        topic=package.topic,
        audience=package.audience,
        estimated_hours=package.estimated_hours,
        version_label=package.version,
        language=package.language,
        tools=list(package.tools),
        search_text=fold(f"{package.title} {package.summary} {package.audience} {lesson_titles}"),
        content_hash=content_hash(package),
        created_by_id=created_by_id,
    )
    db.session.add(revision)
    db.session.flush()
    asset_urls, pictures = _store_assets(revision, package)
    sections = _store_sections(revision, package.sections)
    _store_lessons(course, revision, package, sections, asset_urls, pictures, created_by_id)
    _store_questions(course, revision, package, created_by_id)
    _store_quizzes(course, revision, package, sections)
    if state == "published":
        publish(revision, by_id=created_by_id)
    return revision


def _store_assets(
    revision: CourseRevision, package: Package
) -> tuple[dict[str, str], dict[str, Picture]]:
    """The assets stored as they are (the export writes them back byte for byte), and the
    sizes lessons show an image in (made once per image: elearn.content.uploads)."""
    store = media.storage()
    urls: dict[str, str] = {}
    pictures: dict[str, Picture] = {}
    for name, data in sorted(package.assets.items()):
        digest = store.put(data)
        insert_ignore(
            Asset,
            {"sha256": digest, "size": len(data), "media_type": media.media_type(name)},
            ["sha256"],
        )
        db.session.add(RevisionAsset(revision_id=revision.id, path=name, sha256=digest))
        urls[name] = media.asset_url(digest, name)
        if media.shown_inline(media.media_type(name)):
            picture = ensure_picture(digest, data, name)
            if picture is not None:
                pictures[name] = picture
    return urls, pictures


def _store_sections(revision: CourseRevision, sections: list[SectionData]) -> list[Section]:
    rows = [
        Section(revision_id=revision.id, position=index, title=section.title)
        for index, section in enumerate(sections, start=1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _keys(model, course_id: int, column, wanted: list[str]) -> dict[str, int]:
    """Stable key rows (lessons, questions, quizzes) by name, created when missing."""
    existing = dict(
        db.session.execute(
            select(column, model.id).where(model.course_id == course_id, column.in_(wanted))
        ).all()
    )
    for name in wanted:
        if name not in existing:
            row = model(course_id=course_id, **{column.key: name})
            db.session.add(row)
            db.session.flush()
            existing[name] = row.id
    return existing


def _store_lessons(
    course: Course,
    revision: CourseRevision,
    package: Package,
    sections: list[Section],
    asset_urls: dict[str, str],
    pictures: dict[str, Picture],
    created_by_id: int | None,
) -> None:
    order = package.lesson_order
    keys = _keys(Lesson, course.id, Lesson.slug, order)
    position = 0
    for section, spec in zip(sections, package.sections, strict=True):
        for slug in spec.lessons:
            position += 1
            lesson = package.lessons[slug]
            used = {name: asset_urls[name] for name in lesson.assets}
            shown = {name: pictures[name] for name in lesson.assets if name in pictures}
            version = lesson_version(keys[slug], lesson, used, shown, created_by_id)
            db.session.add(
                RevisionLesson(
                    revision_id=revision.id,
                    lesson_id=keys[slug],
                    version_id=version.id,
                    section_id=section.id,
                    position=position,
                )
            )
    db.session.flush()


def lesson_version(
    lesson_id: int,
    lesson: LessonData,
    asset_urls: dict[str, str],
    pictures: dict[str, Picture] | None = None,
    created_by_id: int | None = None,
    reuse: bool = True,
) -> LessonVersion:
    """The version of a lesson with this source, these assets and their image sizes.

    With `reuse`, an existing version with the same content is returned (a package that
    did not change makes no new version); without it (a save in the studio, a restore),
    a new version is always made, numbered after the last one, so the newest text is
    always the newest version.
    """
    identity: dict = {"source": lesson.source, "assets": asset_urls}
    if pictures:
        identity["pictures"] = {name: dataclasses.asdict(p) for name, p in pictures.items()}
    digest = _digest(identity)
    if reuse:
        existing = db.session.scalar(
            select(LessonVersion)
            .where(LessonVersion.lesson_id == lesson_id, LessonVersion.content_hash == digest)
            .order_by(LessonVersion.number.desc())
            .limit(1)
        )
        if existing is not None:
            return existing
    number = (
        db.session.scalar(
            select(func.max(LessonVersion.number)).where(LessonVersion.lesson_id == lesson_id)
        )
        or 0
    ) + 1
    version = LessonVersion(
        lesson_id=lesson_id,
        number=number,
        title=lesson.title,
        minutes=lesson.minutes,
        required=lesson.required,
        video_url=lesson.video_url,
        video_minutes=lesson.video_minutes,
        source=lesson.source,
        body_html=render_lesson(lesson, asset_urls, pictures),
        content_hash=digest,
        created_by_id=created_by_id,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _store_questions(
    course: Course, revision: CourseRevision, package: Package, created_by_id: int | None
) -> None:
    names = [q.name for _bank, q in package.questions]
    keys = _keys(Question, course.id, Question.name, names)
    for position, (bank, parsed) in enumerate(package.questions):
        version = _question_version(keys[parsed.name], parsed, created_by_id)
        db.session.add(
            RevisionQuestion(
                revision_id=revision.id,
                question_id=keys[parsed.name],
                version_id=version.id,
                bank=bank,
                position=position,
            )
        )
    db.session.flush()


def question_content_hash(parsed: ParsedQuestion) -> str:
    """The identity of a question's content (its HTML rendered first): a version's
    ``content_hash``. Equal hashes mean saving the question changes nothing."""
    render_question(parsed)
    return _digest(question_to_data(parsed))


def _question_version(
    question_id: int, parsed: ParsedQuestion, created_by_id: int | None = None
) -> QuestionVersion:
    digest = question_content_hash(parsed)
    data = question_to_data(parsed)
    existing = db.session.scalar(
        select(QuestionVersion).where(
            QuestionVersion.question_id == question_id, QuestionVersion.content_hash == digest
        )
    )
    if existing is not None:
        return existing
    number = (
        db.session.scalar(
            select(func.max(QuestionVersion.number)).where(
                QuestionVersion.question_id == question_id
            )
        )
        or 0
    ) + 1
    version = QuestionVersion(
        question_id=question_id,
        number=number,
        qtype=parsed.qtype,
        category=parsed.category,
        data=data,
        content_hash=digest,
        created_by_id=created_by_id,
    )
    db.session.add(version)
    db.session.flush()
    return version


def question_hashes(revision: CourseRevision) -> dict[str, str]:
    """Name -> content hash of every question in ``revision``: the ``existing`` argument
    of an import preview (``elearn.quiz.importing``)."""
    return dict(
        db.session.execute(
            select(Question.name, QuestionVersion.content_hash)
            .join(RevisionQuestion, RevisionQuestion.question_id == Question.id)
            .join(QuestionVersion, QuestionVersion.id == RevisionQuestion.version_id)
            .where(RevisionQuestion.revision_id == revision.id)
        ).all()
    )


def revision_questions(
    revision: CourseRevision, category: str | None = None
) -> list[ParsedQuestion]:
    """The questions of ``revision`` in bank order, or those of one category (to export)."""
    statement = (
        select(QuestionVersion.data)
        .join(RevisionQuestion, RevisionQuestion.version_id == QuestionVersion.id)
        .where(RevisionQuestion.revision_id == revision.id)
        .order_by(RevisionQuestion.position, RevisionQuestion.id)
    )
    if category is not None:
        statement = statement.where(QuestionVersion.category == category)
    return [question_from_data(data) for data in db.session.scalars(statement)]


def quiz_questions(revision: CourseRevision, quiz_key: str) -> list[ParsedQuestion]:
    """Every question a quiz of ``revision`` may draw, in the order of its items (its
    fixed questions, every question of its categories), each once; NotFound if no quiz."""
    items = db.session.scalar(
        select(RevisionQuiz.items)
        .join(Quiz, Quiz.id == RevisionQuiz.quiz_id)
        .where(RevisionQuiz.revision_id == revision.id, Quiz.key == quiz_key)
    )
    if items is None:
        raise NotFound(_("No such quiz."))
    bank = revision_questions(revision)
    chosen: dict[str, ParsedQuestion] = {}
    for item in items:
        if "question" in item:
            matches = [q for q in bank if q.name == item["question"]]
        else:
            matches = [q for q in bank if q.category == item["category"]]
        for q in matches:
            chosen.setdefault(q.name, q)
    return list(chosen.values())


@dataclass(frozen=True)
class QuestionsSaved:
    """What :func:`add_questions_to_revision` did, by question name in input order."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]


_BANK_CHARS = re.compile(r"[^a-z0-9]+")


def _bank_for(category: str) -> str:
    """A bank (file) name for new questions of ``category``: its slug, "questions" if none."""
    return _BANK_CHARS.sub("-", fold(category)).strip("-")[:80].strip("-") or "questions"


def add_questions_to_revision(
    revision: CourseRevision,
    questions: Sequence[ParsedQuestion],
    created_by_id: int | None = None,
) -> QuestionsSaved:
    """Put imported questions in the draft ``revision``, all of them or (on an error)
    none, since the caller's unit of work rolls back: a name new to the revision gets a
    question key (reused if the course had one) and a version, a changed one points at a
    new version keeping its place in its bank, an identical one is left untouched.

    The questions must have been checked (an import preview with no problems): names
    unique, every ``validate`` problem fixed. New questions go to the bank of the
    revision's other questions of their category, else a bank named after the category.
    New versions record ``created_by_id``. Flushes, never commits. Raises Conflict for a
    revision that is not a draft (published and retired revisions never change) and
    ValueError for repeated names.
    """
    if revision.state != "draft":
        raise Conflict(_("Only a draft can be changed: a published revision never changes."))
    names = [q.name for q in questions]
    if len(set(names)) != len(names):
        raise ValueError("question names repeat")
    current = {
        name: row
        for name, row in db.session.execute(
            select(Question.name, RevisionQuestion)
            .join(RevisionQuestion, RevisionQuestion.question_id == Question.id)
            .where(RevisionQuestion.revision_id == revision.id)
        ).all()
    }
    banks = dict(
        db.session.execute(
            select(QuestionVersion.category, func.min(RevisionQuestion.bank))
            .join(QuestionVersion, QuestionVersion.id == RevisionQuestion.version_id)
            .where(RevisionQuestion.revision_id == revision.id)
            .group_by(QuestionVersion.category)
        ).all()
    )
    position = max((row.position for row in current.values()), default=-1)
    keys = _keys(
        Question, revision.course_id, Question.name, [n for n in names if n not in current]
    )
    added, changed, unchanged = [], [], []
    for parsed in questions:
        row = current.get(parsed.name)
        if row is None:
            position += 1
            version = _question_version(keys[parsed.name], parsed, created_by_id)
            db.session.add(
                RevisionQuestion(
                    revision_id=revision.id,
                    question_id=keys[parsed.name],
                    version_id=version.id,
                    bank=banks.setdefault(parsed.category, _bank_for(parsed.category)),
                    position=position,
                )
            )
            added.append(parsed.name)
            continue
        version = _question_version(row.question_id, parsed, created_by_id)
        if version.id == row.version_id:
            unchanged.append(parsed.name)
        else:
            row.version_id = version.id
            changed.append(parsed.name)
    db.session.flush()
    return QuestionsSaved(added, changed, unchanged)


def _store_quizzes(
    course: Course, revision: CourseRevision, package: Package, sections: list[Section]
) -> None:
    ordered = [key for spec in package.sections for key in spec.quizzes]
    keys = _keys(Quiz, course.id, Quiz.key, ordered)
    position = 0
    for section, spec in zip(sections, package.sections, strict=True):
        for key in spec.quizzes:
            position += 1
            quiz = package.quizzes[key]
            db.session.add(
                RevisionQuiz(
                    revision_id=revision.id,
                    quiz_id=keys[key],
                    section_id=section.id,
                    position=position,
                    items=[dict(i) for i in quiz.items],
                    **{name: getattr(quiz, name) for name in QUIZ_SETTINGS},
                )
            )
    db.session.flush()


def publish(revision: CourseRevision, by_id: int | None = None) -> None:
    """Make `revision` the one learners see; the previously published one is retired.

    `by_id` is who published (None: a sync or a command), shown as the course's last change.
    """
    now = utcnow()
    db.session.execute(
        update(CourseRevision)
        .where(
            CourseRevision.course_id == revision.course_id,
            CourseRevision.state == "published",
            CourseRevision.id != revision.id,
        )
        .values(state="retired", retired_at=now)
    )
    db.session.flush()
    revision.state = "published"
    revision.published_at = now
    db.session.execute(
        update(Course)
        .where(Course.id == revision.course_id)
        .values(updated_at=now, updated_by_id=by_id)
    )
    db.session.flush()
    revision_published.send(revision, course_id=revision.course_id, revision_id=revision.id)


def revision_asset_urls(revision_id: int) -> dict[str, str]:
    """The revision's assets by package path ("img/nhan.png") -> their stored URL."""
    return {
        path: media.asset_url(digest, path)
        for path, digest in db.session.execute(
            select(RevisionAsset.path, RevisionAsset.sha256).where(
                RevisionAsset.revision_id == revision_id
            )
        )
    }


def unpublish(course_id: int) -> bool:
    """Retire the published revision: the course leaves the catalogue, records stay."""
    result = db.session.execute(
        update(CourseRevision)
        .where(CourseRevision.course_id == course_id, CourseRevision.state == "published")
        .values(state="retired", retired_at=utcnow())
    )
    return bool(result.rowcount)


def package_of(revision: CourseRevision) -> Package:
    """The revision as a package (for export); the inverse of create_revision."""
    course = db.session.get(Course, revision.course_id)
    if course is None:
        raise NotFound(_("No such course."))
    sections = list(
        db.session.scalars(
            select(Section).where(Section.revision_id == revision.id).order_by(Section.position)
        )
    )
    by_section: dict[int, SectionData] = {s.id: SectionData(s.title, [], []) for s in sections}
    lessons: dict[str, LessonData] = {}
    rows = db.session.execute(
        select(RevisionLesson.section_id, Lesson.slug, LessonVersion)
        .join(Lesson, Lesson.id == RevisionLesson.lesson_id)
        .join(LessonVersion, LessonVersion.id == RevisionLesson.version_id)
        .where(RevisionLesson.revision_id == revision.id)
        .order_by(RevisionLesson.position)
    ).all()
    for section_id, slug, version in rows:
        by_section[section_id].lessons.append(slug)
        lessons[slug] = LessonData(
            slug=slug,
            title=version.title,
            minutes=version.minutes,
            required=version.required,
            video_url=version.video_url,
            video_minutes=version.video_minutes,
            source=version.source,
            body_html=version.body_html,
        )
    quizzes: dict[str, QuizData] = {}
    for section_id, key, rq in db.session.execute(
        select(RevisionQuiz.section_id, Quiz.key, RevisionQuiz)
        .join(Quiz, Quiz.id == RevisionQuiz.quiz_id)
        .where(RevisionQuiz.revision_id == revision.id)
        .order_by(RevisionQuiz.position)
    ).all():
        by_section[section_id].quizzes.append(key)
        quizzes[key] = QuizData(
            key=key,
            items=[dict(i) for i in rq.items],
            **{name: getattr(rq, name) for name in QUIZ_SETTINGS},
        )
    questions = [
        (bank, question_from_data(data))
        for bank, data in db.session.execute(
            select(RevisionQuestion.bank, QuestionVersion.data)
            .join(QuestionVersion, QuestionVersion.id == RevisionQuestion.version_id)
            .where(RevisionQuestion.revision_id == revision.id)
            .order_by(RevisionQuestion.position)
        ).all()
    ]
    store = media.storage()
    assets: dict[str, bytes] = {}
    for path, digest in db.session.execute(
        select(RevisionAsset.path, RevisionAsset.sha256)
        .where(RevisionAsset.revision_id == revision.id)
        .order_by(RevisionAsset.path)
    ).all():
        data = store.get(digest)
        if data is None:
            raise NotFound(_("The file %(name)s is missing from the media storage.", name=path))
        assets[path] = data
    return Package(
        slug=course.slug,
        title=revision.title,
        summary=revision.summary,
        topic=revision.topic,
        audience=revision.audience,
        estimated_hours=revision.estimated_hours,
        version=revision.version_label,
        language=revision.language,
        published=True,
        tools=list(revision.tools or []),
        sections=[by_section[s.id] for s in sections],
        lessons=lessons,
        quizzes=quizzes,
        questions=questions,
        assets=assets,
    )


def import_package(
    package: Package, slug: str | None = None, publish_now: bool = False, created_by_id=None
) -> CourseRevision:
    """A new course from a package (a zip): revision 1, a draft unless published at once."""
    if slug is not None:
        package.slug = slug
    course = create_course(package.slug, origin="import")
    return create_revision(
        course, package, state="published" if publish_now else "draft", created_by_id=created_by_id
    )


def revision_to_export(slug: str, draft: bool = False) -> CourseRevision:
    """The revision `flask courses export` writes: the published one, or the draft."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound(_("No such course."))
    revision = draft_revision(course.id) if draft else published_revision(course.id)
    if revision is None:
        raise NotFound(
            _("The course has no draft.") if draft else _("The course has no published revision.")
        )
    return revision
