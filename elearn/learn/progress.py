"""Where a learner stands in a course, the completion rule, and what to do next.

The completion rule: every required lesson of the published revision done and every
required quiz passed (by elearn.quiz.standing). `build_progress` is the only place that
applies it; pages, the API, the stored figures on the enrolment and the completion all
use its result, and `next_action` is the only place that decides what a learner should
do next on a course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from elearn.content.structure import CourseStructure, LessonEntry, QuizEntry
from elearn.core.i18n import gettext as _
from elearn.core.i18n import ngettext
from elearn.quiz.standing import QuizStanding


@dataclass
class Progress:
    """Lessons done, quizzes passed and what is left, in one course."""

    lessons_total: int
    lessons_done: int
    done_ids: set[int] = field(default_factory=set)
    #: The first lesson not done yet (optional ones included), else the last lesson.
    next_lesson: LessonEntry | None = None
    completed_at: datetime | None = None
    quizzes_total: int = 0
    quizzes_passed: int = 0
    passed_quiz_ids: set[int] = field(default_factory=set)
    #: Titles of the required quizzes not yet passed, in course order.
    quizzes_left: list[str] = field(default_factory=list)
    #: The first required quiz not yet passed.
    next_quiz: QuizEntry | None = None
    #: The course's first lesson: where a review of a completed course starts.
    first_lesson: LessonEntry | None = None

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


def build_progress(
    structure: CourseStructure,
    done_ids: set[int],
    standings: dict[int, QuizStanding],
    completed_at: datetime | None = None,
) -> Progress:
    """Progress from a published structure, the lessons done and the quiz standings."""
    lessons = structure.lessons
    done = {lesson.id for lesson in lessons if lesson.id in done_ids}
    required = structure.required_lessons
    required_quizzes = structure.required_quizzes
    passed = {qid for qid, s in standings.items() if s.passed and qid in structure.quiz_by_id}
    next_lesson = next((lesson for lesson in lessons if lesson.id not in done), None)
    return Progress(
        lessons_total=len(required),
        lessons_done=sum(1 for lesson in required if lesson.id in done),
        done_ids=done,
        next_lesson=next_lesson or (lessons[-1] if lessons else None),
        completed_at=completed_at,
        quizzes_total=len(required_quizzes),
        quizzes_passed=sum(1 for q in required_quizzes if q.id in passed),
        passed_quiz_ids=passed,
        quizzes_left=[q.title for q in required_quizzes if q.id not in passed],
        next_quiz=next((q for q in required_quizzes if q.id not in passed), None),
        first_lesson=lessons[0] if lessons else None,
    )


@dataclass(frozen=True)
class NextAction:
    """What a learner should do next on a course.

    kind: "quiz" (take next_quiz), "lesson" (read the lesson; `started` tells "continue"
    from "start"), or "done" (the course is completed: offer the certificate, and a
    review from `lesson`, the first lesson; never "continue where you left off").
    """

    kind: str
    lesson: LessonEntry | None = None
    quiz: QuizEntry | None = None
    started: bool = False


def next_action(progress: Progress) -> NextAction:
    """The one place that decides the course page's and the dashboard's main button."""
    if progress.completed_at is not None:
        return NextAction("done", lesson=progress.first_lesson)
    if progress.lessons_left == 0 and progress.next_quiz is not None:
        return NextAction("quiz", quiz=progress.next_quiz)
    if progress.next_lesson is not None:
        return NextAction("lesson", lesson=progress.next_lesson, started=bool(progress.done_ids))
    return NextAction("done")


def step_after_lesson(
    structure: CourseStructure, lesson: LessonEntry, progress: Progress
) -> tuple[str, str | None]:
    """Where to go after completing a lesson: ("lesson", slug), ("quiz", key) or ("course", None).

    The next lesson, unless this lesson ends a section whose quiz is not passed yet: then
    that quiz, so section checks are not skipped. After the last lesson, the first
    required quiz still to pass.
    """
    index = structure.lessons.index(lesson)
    following = structure.lessons[index + 1] if index + 1 < len(structure.lessons) else None
    if following is not None and following.section == lesson.section:
        return "lesson", following.slug
    for quiz in structure.quizzes:
        if quiz.section == lesson.section and quiz.id not in progress.passed_quiz_ids:
            return "quiz", quiz.key
    if following is not None:
        return "lesson", following.slug
    if progress.next_quiz is not None:
        return "quiz", progress.next_quiz.key
    return "course", None


def completion_rule_text(structure: CourseStructure) -> str:
    """The completion rule of a course, stated plainly."""
    required_lessons = len(structure.required_lessons)
    required_quizzes = len(structure.required_quizzes)
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
