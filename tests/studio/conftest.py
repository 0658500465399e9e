"""Studio fixtures: trainers in each place on a course's staff, and courses to edit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.auth.models import User
from elearn.content.models import Course
from elearn.content.package import files_from_folder, read_files
from elearn.content.revisions import import_package
from elearn.extensions import db
from elearn.studio import courses as studio_courses
from elearn.studio import drafts, outline
from elearn.studio import lessons as studio_lessons
from elearn.studio.models import CourseStaff
from tests.conftest import committed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
QUIZ_PACKAGE = FIXTURES / "quiz_courses" / "kt" / "package"
#: The imported quiz course (published, with two quizzes) owned by the owner fixture.
IMPORTED = "khoa-nhap"


@pytest.fixture
def owner(make_user) -> User:
    return make_user("trainer", email="chu@example.vn", full_name="Trần Chủ")


@pytest.fixture
def coauthor(make_user) -> User:
    return make_user("trainer", email="dongtacgia@example.vn", full_name="Lê Đồng")


@pytest.fixture
def stranger(make_user) -> User:
    return make_user("trainer", email="nguoila@example.vn", full_name="Phạm Lạ")


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin", email="admin@example.vn", full_name="Quản Trị")


def attached(user: User) -> User:
    return db.session.get(User, user.id)


def course_row(slug: str) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def new_studio_course(app, user: User, slug: str = "khoa-moi", lessons: int = 2) -> str:
    """A studio course made through the services: a draft with `lessons` written lessons,
    a summary, never published."""
    with app.app_context():
        owner = attached(user)
        course = committed(studio_courses.create_course, slug, "Khóa học mới", "branding", "vi",
                           owner)  # fmt: skip
        course = course_row(slug)
        for n in range(1, lessons + 1):
            draft = committed(drafts.ensure_draft, course, owner)
            committed(outline.add_lesson, draft, f"bai-{n}", f"Bài {n}", owner)
            committed(
                studio_lessons.save_lesson,
                course_row(slug),
                f"bai-{n}",
                f"Bài {n}",
                f"Nội dung của bài {n}.\n",
                2,
                1,
                attached(user),
            )
        draft = committed(drafts.ensure_draft, course_row(slug), attached(user))
        committed(
            studio_courses.update_settings,
            draft,
            title="Khóa học mới",
            summary="Tóm tắt khóa học.",
            topic="branding",
            audience="",
            estimated_hours=1.5,
            tools=[],
            language="vi",
            allowed_tools=[],
        )
    return slug


def imported_course(app, user: User | None, slug: str = IMPORTED) -> str:
    """The quiz fixture course imported from a zip and published, `user` its owner."""
    with app.app_context():
        package = read_files(files_from_folder(QUIZ_PACKAGE))
        revision = committed(import_package, package, slug, True)
        if user is not None:
            committed(
                lambda: db.session.add(
                    CourseStaff(course_id=revision.course_id, user_id=user.id, role="owner")
                )
            )
    return slug


def add_coauthor(app, slug: str, user: User) -> None:
    with app.app_context():
        committed(
            lambda: db.session.add(
                CourseStaff(course_id=course_row(slug).id, user_id=user.id, role="coauthor")
            )
        )


def form_version(page: str) -> int:
    """The hidden `version` of the lesson editor's form."""
    return int(re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1))
