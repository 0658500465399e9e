"""Enrolment, lesson completion, the course completion rule and progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import defer, joinedload

from elearn.catalog.models import Course, Lesson
from elearn.certificates.models import Certificate
from elearn.core.db import insert_ignore
from elearn.core.errors import Forbidden
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.learn.models import Enrollment, LessonCompletion
from elearn.quiz.queries import QuizStanding, quiz_standings


@dataclass
class Progress:
    """Where a learner stands in a course: lessons done, quizzes passed, what is left."""

    lessons_total: int
    lessons_done: int
    done_ids: set[int] = field(default_factory=set)
    next_lesson: Lesson | None = None
    completed_at: datetime | None = None
    quizzes_total: int = 0
    quizzes_passed: int = 0
    passed_quiz_ids: set[int] = field(default_factory=set)
    #: Titles of the required quizzes not yet passed, in course order.
    quizzes_left: list[str] = field(default_factory=list)
    #: The first required quiz not yet passed (where to go once the lessons are read).
    next_quiz: QuizStanding | None = None

    @property
    def percent(self) -> int:
        total = self.lessons_total + self.quizzes_total
        if self.completed_at is not None:
            return 100
        if total == 0:
            return 0
        return int(100 * (self.lessons_done + self.quizzes_passed) / total)

    @property
    def lessons_left(self) -> int:
        return self.lessons_total - self.lessons_done

    @property
    def rule_met(self) -> bool:
        return (self.lessons_total + self.quizzes_total) > 0 and (
            self.lessons_left == 0 and not self.quizzes_left
        )

    def remaining_text(self) -> str:
        """What is left, in plain words ("2 lessons and the final quiz to go")."""
        if self.completed_at:
            return _("Course completed.")
        lessons = self.lessons_left
        quizzes = self.quizzes_left
        if lessons and len(quizzes) == 1:
            return ngettext(
                "%(num)d lesson and the quiz “%(quiz)s” to go.",
                "%(num)d lessons and the quiz “%(quiz)s” to go.",
                lessons,
                quiz=quizzes[0],
            )
        if lessons and quizzes:
            return ngettext(
                "%(num)d lesson and %(quizzes)d quizzes to go.",
                "%(num)d lessons and %(quizzes)d quizzes to go.",
                lessons,
                quizzes=len(quizzes),
            )
        if len(quizzes) == 1:
            return _("The quiz “%(quiz)s” to go.", quiz=quizzes[0])
        if quizzes:
            return ngettext("%(num)d quiz to go.", "%(num)d quizzes to go.", len(quizzes))
        return ngettext("%(num)d lesson to go.", "%(num)d lessons to go.", lessons)


def completion_rule_text(required_lessons: int, required_quizzes: int = 0) -> str:
    """The completion rule of a course, stated plainly."""
    lessons = ngettext(
        "Complete the %(num)d required lesson",
        "Complete all %(num)d required lessons",
        required_lessons,
    )
    if not required_quizzes:
        return lessons + "."
    quizzes = ngettext(
        "pass the %(num)d required quiz",
        "pass all %(num)d required quizzes",
        required_quizzes,
    )
    return _("%(lessons)s and %(quizzes)s.", lessons=lessons, quizzes=quizzes)


def build_progress(
    lessons: list,
    done_ids: set[int],
    enrollment: Enrollment | None,
    quizzes: list[QuizStanding] | None = None,
) -> Progress:
    """Progress from a course's ordered lessons and quizzes and what the learner has done."""
    required = [lesson for lesson in lessons if lesson.required]
    done = {lesson.id for lesson in lessons if lesson.id in done_ids}
    next_lesson = next((lesson for lesson in lessons if lesson.id not in done), None)
    required_quizzes = [q for q in (quizzes or []) if q.required]
    passed = {q.id for q in (quizzes or []) if q.passed}
    return Progress(
        lessons_total=len(required),
        lessons_done=sum(1 for lesson in required if lesson.id in done),
        done_ids=done,
        next_lesson=next_lesson or (lessons[-1] if lessons else None),
        completed_at=enrollment.completed_at if enrollment else None,
        quizzes_total=len(required_quizzes),
        quizzes_passed=sum(1 for q in required_quizzes if q.id in passed),
        passed_quiz_ids={q.id for q in (quizzes or []) if q.id in passed},
        quizzes_left=[q.title for q in required_quizzes if q.id not in passed],
        next_quiz=next((q for q in required_quizzes if q.id not in passed), None),
    )


def course_progress(user_id: int, course_id: int, enrollment: Enrollment | None) -> Progress:
    """Progress in one course (three queries)."""
    lessons = list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course_id, Lesson.archived.is_(False))
            .order_by(Lesson.position)
            .options(defer(Lesson.body_html))
        )
    )
    return build_progress(
        lessons,
        completed_lesson_ids(user_id, course_id),
        enrollment,
        quiz_standings(user_id, [course_id]),
    )


def get_enrollment(user_id: int, course_id: int) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
    )


def enroll(user_id: int, course: Course) -> tuple[Enrollment, bool]:
    """Enrol (idempotent); returns the enrolment and whether it was created now."""
    created = insert_ignore(
        Enrollment, {"user_id": user_id, "course_id": course.id}, ["user_id", "course_id"]
    )
    enrollment = get_enrollment(user_id, course.id)
    assert enrollment is not None
    return enrollment, created


def completed_lesson_ids(user_id: int, course_id: int) -> set[int]:
    stmt = (
        select(LessonCompletion.lesson_id)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .where(LessonCompletion.user_id == user_id, Lesson.course_id == course_id)
    )
    return set(db.session.scalars(stmt))


def complete_lesson(user_id: int, lesson: Lesson) -> datetime:
    """Mark a lesson complete (idempotent) and record the course completion when due.

    Returns when the lesson was (first) completed. Refused unless enrolled.
    """
    if get_enrollment(user_id, lesson.course_id) is None:
        raise Forbidden(_("Enrol in the course first."))
    insert_ignore(
        LessonCompletion, {"user_id": user_id, "lesson_id": lesson.id}, ["user_id", "lesson_id"]
    )
    db.session.flush()
    check_course_completion(user_id, lesson.course_id)
    completed_at = db.session.scalar(
        select(LessonCompletion.completed_at).where(
            LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == lesson.id
        )
    )
    assert completed_at is not None
    return completed_at


def next_step(user_id: int, lesson: Lesson) -> tuple[str, str | None]:
    """Where to go after completing a lesson: ("lesson", slug), ("quiz", key) or ("course", None).

    The next lesson, unless this lesson ends a section whose quiz is not passed yet: then
    that quiz, so section checks are not skipped. After the last lesson, the first required
    quiz still to pass.
    """
    following = db.session.scalar(
        select(Lesson)
        .where(
            Lesson.course_id == lesson.course_id,
            Lesson.archived.is_(False),
            Lesson.position > lesson.position,
        )
        .order_by(Lesson.position)
        .limit(1)
        .options(defer(Lesson.body_html))
    )
    if following is not None and following.section_id == lesson.section_id:
        return "lesson", following.slug
    standings = quiz_standings(user_id, [lesson.course_id])
    for quiz in standings:
        if quiz.section_id == lesson.section_id and not quiz.passed:
            return "quiz", quiz.key
    if following is not None:
        return "lesson", following.slug
    for quiz in standings:
        if quiz.required and not quiz.passed:
            return "quiz", quiz.key
    return "course", None


def check_course_completion(user_id: int, course_id: int) -> bool:
    """Record the completion once the rule is met, and issue its certificate; never undone.

    True if the completion was recorded by this call. The conditional UPDATE and the
    unique constraints make concurrent callers agree on one completion and one certificate.
    """
    enrollment = get_enrollment(user_id, course_id)
    if enrollment is None:
        return False
    if enrollment.completed_at is None:
        progress = course_progress(user_id, course_id, enrollment)
        if not progress.rule_met:
            return False
        result = db.session.execute(
            update(Enrollment)
            .where(Enrollment.id == enrollment.id, Enrollment.completed_at.is_(None))
            .values(completed_at=utcnow())
        )
        recorded = bool(result.rowcount)
    else:
        recorded = False
    issue_certificate(user_id, course_id)
    return recorded


@dataclass
class LessonPage:
    """Everything the lesson page needs, loaded in two queries."""

    course: Course
    lesson: Lesson | None
    enrollment: Enrollment | None
    #: The course's lessons in order, without bodies, for navigation and progress.
    outline: list = field(default_factory=list)
    done_ids: set[int] = field(default_factory=set)


# Built once: the lesson page is the hottest page, and building statements costs more
# than running them. Values arrive as bound parameters.
_LESSON_PAGE = (
    select(Course, Lesson, Enrollment)
    .outerjoin(
        Lesson,
        and_(
            Lesson.course_id == Course.id,
            Lesson.slug == bindparam("lesson_slug"),
            Lesson.archived.is_(False),
        ),
    )
    .outerjoin(
        Enrollment,
        and_(Enrollment.course_id == Course.id, Enrollment.user_id == bindparam("user_id")),
    )
    .where(
        Course.slug == bindparam("course_slug"),
        Course.published.is_(True),
        Course.archived.is_(False),
    )
)
_OUTLINE_WITH_DONE = (
    select(
        Lesson.id,
        Lesson.slug,
        Lesson.title,
        Lesson.position,
        Lesson.required,
        LessonCompletion.id.label("completion_id"),
    )
    .outerjoin(
        LessonCompletion,
        and_(
            LessonCompletion.lesson_id == Lesson.id,
            LessonCompletion.user_id == bindparam("user_id"),
        ),
    )
    .where(Lesson.course_id == bindparam("course_id"), Lesson.archived.is_(False))
    .order_by(Lesson.position)
)


def lesson_page(user_id: int, course_slug: str, lesson_slug: str) -> LessonPage | None:
    """Course, lesson and the learner's enrolment in one query; outline and completions in one."""
    row = db.session.execute(
        _LESSON_PAGE,
        {"user_id": user_id, "course_slug": course_slug, "lesson_slug": lesson_slug},
    ).first()
    if row is None:
        return None
    course, lesson, enrollment = row
    page = LessonPage(course, lesson, enrollment)
    if lesson is None or enrollment is None:
        return page
    rows = db.session.execute(
        _OUTLINE_WITH_DONE, {"user_id": user_id, "course_id": course.id}
    ).all()
    page.outline = rows
    page.done_ids = {r.id for r in rows if r.completion_id is not None}
    return page


@dataclass
class DashboardEntry:
    course: Course
    enrollment: Enrollment
    progress: Progress
    certificate: Certificate | None = None


def dashboard(user_id: int) -> list[DashboardEntry]:
    """Every enrolled course with progress and certificate; query count independent of data."""
    enrollments = list(
        db.session.scalars(
            select(Enrollment)
            .join(Course)
            .where(Enrollment.user_id == user_id, Course.archived.is_(False))
            .options(joinedload(Enrollment.course))
            .order_by(Enrollment.enrolled_at.desc())
        )
    )
    if not enrollments:
        return []
    course_ids = [e.course_id for e in enrollments]
    lessons_by_course: dict[int, list[Lesson]] = {cid: [] for cid in course_ids}
    for lesson in db.session.scalars(
        select(Lesson)
        .where(Lesson.course_id.in_(course_ids), Lesson.archived.is_(False))
        .order_by(Lesson.position)
        .options(defer(Lesson.body_html))
    ):
        lessons_by_course[lesson.course_id].append(lesson)
    done = set(
        db.session.scalars(
            select(LessonCompletion.lesson_id)
            .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
            .where(LessonCompletion.user_id == user_id, Lesson.course_id.in_(course_ids))
        )
    )
    quizzes_by_course: dict[int, list[QuizStanding]] = {cid: [] for cid in course_ids}
    for quiz in quiz_standings(user_id, course_ids):
        quizzes_by_course[quiz.course_id].append(quiz)
    certificates = {
        c.course_id: c
        for c in db.session.scalars(
            select(Certificate).where(
                Certificate.user_id == user_id, Certificate.course_id.in_(course_ids)
            )
        )
    }
    return [
        DashboardEntry(
            e.course,
            e,
            build_progress(lessons_by_course[e.course_id], done, e, quizzes_by_course[e.course_id]),
            certificates.get(e.course_id),
        )
        for e in enrollments
    ]


def issue_certificate(user_id: int, course_id: int) -> None:
    """Issue the course's certificate once (unique per learner and course)."""
    from elearn.auth.models import User
    from elearn.certificates.codes import new_code

    user = db.session.get(User, user_id)
    course = db.session.get(Course, course_id)
    if user is None or course is None:
        return
    insert_ignore(
        Certificate,
        {
            "code": new_code(),
            "user_id": user_id,
            "course_id": course_id,
            "learner_name": user.full_name,
            "course_title": course.title,
        },
        ["user_id", "course_id"],
    )
