"""The number of SQL queries of each list page does not grow with the data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from elearn.catalog.models import Course, Lesson
from elearn.coursemodules.loader import CourseSpec, LessonSpec, SectionSpec
from elearn.coursemodules.sync import sync_courses
from elearn.extensions import db
from elearn.learn.services import complete_lesson, enroll


def make_spec(n: int, lessons: int) -> CourseSpec:
    lesson_specs = {
        f"bai-{i}": LessonSpec(f"bai-{i}", f"Bài {i}", 5, True, None, None, f"<p>Bài {i}</p>")
        for i in range(lessons)
    }
    half = lessons // 2
    return CourseSpec(
        module=f"m{n}", path=Path("."), slug=f"khoa-{n}", title=f"Khóa {n}", summary="Tóm tắt",
        topic="branding", audience="", estimated_hours=1, version="1", language="vi",
        published=True,
        sections=[
            SectionSpec("Phần 1", list(lesson_specs)[:half], []),
            SectionSpec("Phần 2", list(lesson_specs)[half:], []),
        ],
        lessons=lesson_specs,
    )


def grow(app, make_user, user_id: int, courses: int, lessons: int, others: int) -> None:
    with app.app_context():
        specs = [make_spec(n, lessons) for n in range(courses)]
        sync_courses(specs)
        everyone = [user_id] + [make_user().id for _ in range(others)]
        for course in db.session.scalars(select(Course)):
            course_lessons = db.session.scalars(
                select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
            ).all()
            for uid in everyone:
                enroll(uid, course)
                for lesson in course_lessons[: len(course_lessons) // 2]:
                    complete_lesson(uid, lesson)


def measure(client, count_queries) -> dict[str, int]:
    pages = {
        "catalogue": "/courses",
        "search": "/courses?q=khoa",
        "course": "/courses/khoa-0",
        "lesson": "/courses/khoa-0/lessons/bai-1",
        "dashboard": "/dashboard",
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
        sync_courses([make_spec(n, 12) for n in range(8)])
    grow(app, make_user, learner.id, courses=8, lessons=12, others=4)
    large = measure(client, count_queries)
    assert small == large
    assert max(large.values()) <= 8, large
