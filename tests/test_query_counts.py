"""The number of SQL queries of each page does not grow with the data."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.content import structure
from elearn.content.models import Course
from elearn.content.package import LessonData, Package, QuizData, SectionData
from elearn.content.revisions import create_course, create_revision
from elearn.extensions import db
from elearn.learn.services import complete_lesson, enroll_in_course
from elearn.quiz.gift import parse_gift
from elearn.quiz.models import QuizAttempt
from tests.conftest import PASSWORD, committed

QUESTION, _problems = parse_gift("$CATEGORY: c\n\n::q:: Hai cộng hai? {=bốn ~ba}\n")


def make_package(n: int, lessons: int, quizzes: int) -> Package:
    slugs = [f"bai-{i}" for i in range(lessons)]
    lesson_data = {
        slug: LessonData(
            slug,
            f"Bài {i}",
            5,
            True,
            None,
            None,
            f"---\ntitle: Bài {i}\nminutes: 5\n---\n\nBài {i}\n",
        )
        for i, slug in enumerate(slugs)
    }
    half = lessons // 2
    keys = [f"kt-{k}" for k in range(quizzes)]
    return Package(
        slug=f"khoa-{n}",
        title=f"Khóa {n}",
        summary="Tóm tắt",
        topic="branding",
        audience="",
        estimated_hours=1,
        version="1",
        language="vi",
        published=True,
        tools=[],
        sections=[
            SectionData("Phần 1", slugs[:half], keys),
            SectionData("Phần 2", slugs[half:], []),
        ],
        lessons=lesson_data,
        quizzes={
            key: QuizData(
                key,
                f"Kiểm tra {key}",
                70,
                0,
                0,
                False,
                False,
                "highest",
                "full",
                True,
                [{"question": "q"}],
            )  # fmt: skip
            for key in keys
        },
        questions=[("c", QUESTION[0])],
    )


def grow(app, make_user, user_id: int, courses: int, lessons: int, others: int) -> None:
    """`courses` published courses of `lessons` lessons, everyone enrolled, half done,
    and submitted attempts at every quiz."""
    with app.app_context():
        existing = {c.slug: c for c in db.session.scalars(select(Course))}
        for n in range(courses):
            package = make_package(n, lessons, 1 + lessons // 6)
            course = existing.get(package.slug) or committed(create_course, package.slug, "studio")
            committed(create_revision, db.session.merge(course), package, "published")
        everyone = [user_id] + [make_user().id for _ in range(others)]
        for n in range(courses):
            course = structure.published(f"khoa-{n}")
            for uid in everyone:
                user = db.session.get(User, uid)
                committed(enroll_in_course, user, course)
                for lesson in course.lessons[: len(course.lessons) // 2]:
                    committed(complete_lesson, uid, course, lesson)
                for quiz in course.quizzes:
                    have = db.session.scalar(
                        select(func.count())
                        .select_from(QuizAttempt)
                        .where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == uid)
                    )
                    for number in range(have + 1, 2 + lessons // 4):
                        db.session.add(
                            QuizAttempt(
                                quiz_id=quiz.id,
                                revision_id=course.revision_id,
                                user_id=uid,
                                number=number,
                                state="submitted",
                                layout=[],
                                score=100.0 if number % 2 else 40.0,
                                result={},
                            )
                        )
                db.session.commit()


def measure(client, api_headers, count_queries) -> dict[str, int]:
    with client.application.app_context():
        attempt_id = db.session.scalar(select(func.min(QuizAttempt.id)))
    pages = {
        "catalogue": "/courses",
        "search": "/courses?q=khoa",
        "course": "/courses/khoa-0",
        "lesson": "/courses/khoa-0/lessons/bai-1",
        "dashboard": "/dashboard",
        "quiz": "/courses/khoa-0/quizzes/kt-0",
        "review": f"/attempts/{attempt_id}/review",
        "api courses": "/api/v1/courses",
        "api outline": "/api/v1/courses/khoa-0",
    }
    api_pages = {"api progress": "/api/v1/me/progress"}
    result = {}
    for name, url in pages.items():
        client.get(url)  # warm-up (session touch, structure cache)
        with count_queries() as statements:
            assert client.get(url).status_code == 200, url
        result[name] = len(statements)
    for name, url in api_pages.items():
        client.get(url, headers=api_headers)
        with count_queries() as statements:
            assert client.get(url, headers=api_headers).status_code == 200, url
        result[name] = len(statements)
    return result


def test_page_query_counts_are_flat(app, make_user, auth_client, count_queries):
    learner = make_user(email="dem@example.vn")
    client = auth_client(learner)
    token = (
        app.test_client()
        .post("/api/v1/auth/token", json={"login": "dem@example.vn", "password": PASSWORD})
        .json["token"]
    )
    headers = {"Authorization": f"Bearer {token}"}
    grow(app, make_user, learner.id, courses=2, lessons=4, others=1)
    small = measure(client, headers, count_queries)
    grow(app, make_user, learner.id, courses=8, lessons=12, others=4)
    large = measure(client, headers, count_queries)
    assert small == large
    assert max(large.values()) <= 8, large
    # The learner's hot pages (statements include SQLite's BEGIN and the session check):
    # the lesson page reads its course and the learner's state in one query.
    assert large["lesson"] <= 3 and large["course"] <= 4 and large["dashboard"] <= 5, large
