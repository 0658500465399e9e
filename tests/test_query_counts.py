"""The number of SQL queries of each list page does not grow with the data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from elearn.catalog.models import Course, Lesson
from elearn.coursemodules.loader import CourseSpec, LessonSpec, SectionSpec
from elearn.coursemodules.sync import sync_courses
from elearn.extensions import db
from elearn.learn.services import complete_lesson, enroll
from tests.conftest import committed


def make_spec(n: int, lessons: int) -> CourseSpec:
    lesson_specs = {
        f"bai-{i}": LessonSpec(f"bai-{i}", f"Bài {i}", 5, True, None, None, f"<p>Bài {i}</p>")
        for i in range(lessons)
    }
    half = lessons // 2
    return CourseSpec(
        module=f"m{n}",
        path=Path("."),
        slug=f"khoa-{n}",
        title=f"Khóa {n}",
        summary="Tóm tắt",
        topic="branding",
        audience="",
        estimated_hours=1,
        version="1",
        language="vi",
        published=True,
        sections=[
            SectionSpec("Phần 1", list(lesson_specs)[:half], []),
            SectionSpec("Phần 2", list(lesson_specs)[half:], []),
        ],
        lessons=lesson_specs,
    )


def add_quizzes(course, per_course: int, everyone: list[int], attempts_each: int) -> None:
    """Quizzes with one question each, and a submitted attempt per learner per quiz.

    A re-sync from specs without quizzes archives them, so they are revived here.
    """
    from elearn.quiz.gift import parse_gift
    from elearn.quiz.models import Question, Quiz, QuizAttempt
    from elearn.quiz.store import to_data

    question = db.session.scalar(select(Question).where(Question.course_id == course.id))
    if question is None:
        parsed, problems = parse_gift("$CATEGORY: c\n\n::q:: Hai cộng hai? {=bốn ~ba}\n")
        assert not problems
        question = Question(
            course_id=course.id, name="q", category="c", qtype="single", data=to_data(parsed[0])
        )
        db.session.add(question)
        db.session.flush()
    for k in range(per_course):
        quiz = db.session.scalar(
            select(Quiz).where(Quiz.course_id == course.id, Quiz.key == f"kt-{k}")
        )
        if quiz is None:
            quiz = Quiz(
                course_id=course.id, key=f"kt-{k}", title=f"Kiểm tra {k}", items=[{"question": "q"}]
            )
            db.session.add(quiz)
        quiz.section_id = course.sections[0].id
        quiz.position = k
        quiz.archived = False
        db.session.flush()
        for uid in everyone:
            have = db.session.scalar(
                select(func.count())
                .select_from(QuizAttempt)
                .where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == uid)
            )
            for number in range(have + 1, attempts_each + 1):
                db.session.add(
                    QuizAttempt(
                        quiz_id=quiz.id,
                        user_id=uid,
                        number=number,
                        state="submitted",
                        layout=[{"qid": question.id, "order": ["a", "b"], "tokens": None}],
                        score=100.0,
                        passed=True,
                        result={},
                    )
                )
    db.session.commit()


def grow(app, make_user, user_id: int, courses: int, lessons: int, others: int) -> None:
    from sqlalchemy.orm import selectinload

    with app.app_context():
        specs = [make_spec(n, lessons) for n in range(courses)]
        committed(sync_courses, specs)
        everyone = [user_id] + [make_user().id for _ in range(others)]
        for course in db.session.scalars(select(Course).options(selectinload(Course.sections))):
            add_quizzes(course, 1 + lessons // 6, everyone, attempts_each=1 + lessons // 4)
            course_lessons = db.session.scalars(
                select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
            ).all()
            for uid in everyone:
                committed(enroll, uid, course)
                for lesson in course_lessons[: len(course_lessons) // 2]:
                    committed(complete_lesson, uid, lesson)


def measure(client, count_queries) -> dict[str, int]:
    pages = {
        "catalogue": "/courses",
        "search": "/courses?q=khoa",
        "course": "/courses/khoa-0",
        "lesson": "/courses/khoa-0/lessons/bai-1",
        "dashboard": "/dashboard",
        "quiz": "/courses/khoa-0/quizzes/kt-0",
        "api courses": "/api/v1/courses",
    }
    result = {}
    for name, url in pages.items():
        client.get(url)  # warm-up (session touch)
        with count_queries() as statements:
            assert client.get(url).status_code == 200, url
        result[name] = len(statements)
    return result


def test_page_query_counts_are_flat(app, make_user, auth_client, count_queries):
    learner = make_user()
    client = auth_client(learner)
    grow(app, make_user, learner.id, courses=2, lessons=4, others=1)
    small = measure(client, count_queries)
    with app.app_context():
        committed(sync_courses, [make_spec(n, 12) for n in range(8)])
    grow(app, make_user, learner.id, courses=8, lessons=12, others=4)
    large = measure(client, count_queries)
    assert small == large
    assert max(large.values()) <= 10, large
