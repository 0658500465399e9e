"""A course from a course module under courses/: edited in the browser by admins only; the
first edit makes it a studio course that `courses sync` leaves alone (and says so); an
admin resets it to the package version, explicitly, confirmed and audited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.audit.models import AuditEvent
from elearn.content import structure
from elearn.content.models import CourseRevision
from elearn.content.revisions import draft_revision, published_revision
from elearn.extensions import db
from elearn.learn.models import LessonCompletion
from tests.conftest import PASSWORD, committed
from tests.studio.conftest import course_row

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "quiz_courses"
SLUG = "khoa-kiem-tra"


@pytest.fixture
def module_dir(app, tmp_path):
    """An editable copy of the quiz course module, synced and configured as the app's
    courses directory."""
    from elearn.content.sync import sync_from_dir

    target = tmp_path / "courses"
    shutil.copytree(FIXTURES, target)
    with app.app_context():
        committed(sync_from_dir, target)
    before = app.config["ELEARN_COURSES_DIR"]
    app.config["ELEARN_COURSES_DIR"] = str(target)
    yield target
    app.config["ELEARN_COURSES_DIR"] = before


def published_number(app) -> int:
    with app.app_context():
        return structure.published(SLUG).revision_number


def test_an_admins_first_edit_takes_the_course_from_sync(
    app, admin, runner, auth_client, module_dir
):
    client = auth_client(admin)
    with app.app_context():
        assert course_row(SLUG).origin == "package"
    # Looking changes nothing.
    assert client.get(f"/studio/courses/{SLUG}").status_code == 200
    with app.app_context():
        assert course_row(SLUG).origin == "package"
    response = client.post(
        f"/studio/courses/{SLUG}/lessons/bai-mot",
        data={"title": "Bài một", "minutes": "5", "markdown": "Sửa trên web.", "version": "1"},
    )
    assert response.status_code == 303
    with app.app_context():
        course = course_row(SLUG)
        assert (course.origin, course.module) == ("studio", "kt")
    # The package changes on disk; sync leaves the course alone and says why.
    lesson = module_dir / "kt" / "package" / "lessons" / "bai-hai.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert (
        "Skipped khoa-kiem-tra: it was edited in the studio; sync never touches it until an "
        "administrator resets it to the package version there." in result.output
    )
    assert published_number(app) == 1
    # Still so once the draft is published.
    assert client.post(f"/studio/courses/{SLUG}/publish").status_code == 303
    assert published_number(app) == 2
    result = runner.invoke(args=["courses", "sync"])
    assert "Skipped khoa-kiem-tra: it was edited in the studio" in result.output
    assert published_number(app) == 2
    page = client.get(f"/studio/courses/{SLUG}").text
    assert "Đưa về bản trong gói…" in page and "mô-đun “kt”" in page


def test_reset_to_the_package_version(app, admin, learner, client, auth_client, module_dir):
    """Learners' progress is kept; the draft and the browser's revision give way."""
    token = client.post(
        "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
    ).json["token"]
    api = {"Authorization": f"Bearer {token}"}
    client.post(f"/api/v1/courses/{SLUG}/enrollment", headers=api)
    with app.app_context():
        entry = structure.published(SLUG).lesson_by_slug["bai-mot"]
        first, package_version = entry.id, entry.version_id
    client.post(f"/api/v1/lessons/{first}/completion", headers=api)
    admin_client = auth_client(admin)
    data = {"title": "Bài một đổi", "minutes": "5", "markdown": "Sửa trên web.", "version": "1"}
    admin_client.post(f"/studio/courses/{SLUG}/lessons/bai-mot", data=data)
    admin_client.post(f"/studio/courses/{SLUG}/publish")
    data = {"title": "Bài một lần hai", "minutes": "5", "markdown": "Bản nháp.", "version": "2"}
    admin_client.post(f"/studio/courses/{SLUG}/lessons/bai-mot", data=data)
    assert published_number(app) == 2
    page = admin_client.get(f"/studio/courses/{SLUG}/reset")
    assert page.status_code == 200 and "Đưa “khoa-kiem-tra” về bản trong gói?" in page.text
    response = admin_client.post(f"/studio/courses/{SLUG}/reset", follow_redirects=True)
    assert "gói được xuất bản thành phiên bản 3" in response.text
    with app.app_context():
        course = course_row(SLUG)
        assert course.origin == "package" and draft_revision(course.id) is None
        shown = structure.published(SLUG)
        assert shown.revision_number == 3
        assert shown.lesson_by_slug["bai-mot"].title == "Bài một"
        assert shown.lesson_by_slug["bai-mot"].id == first
        # The package's text is its version 1 again (reused, not a copy).
        assert shown.lesson_by_slug["bai-mot"].version_id == package_version
        assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.event == "studio.reset_to_package")
        )
        assert (event.user_id, event.subject) == (admin.id, f"course {SLUG}")
        assert "new=True" in event.detail and "discarded_draft=True" in event.detail
    # The learner's progress survived; the next sync follows the package again.
    progress = client.get("/api/v1/me/progress", headers=api).json["courses"][0]
    assert progress["lessons_done"] == 1
    lesson = module_dir / "kt" / "package" / "lessons" / "bai-hai.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert "Published khoa-kiem-tra revision 4." in result.output, result.output
    # A reset with nothing to change makes no revision.
    response = admin_client.post(f"/studio/courses/{SLUG}/reset", follow_redirects=True)
    assert "phiên bản đang xuất bản vốn đã là bản trong gói" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CourseRevision)) == 4
        assert published_revision(course_row(SLUG).id).number == 4


def test_reset_is_for_a_modules_course_whose_module_is_installed(
    app, admin, auth_client, module_dir
):
    from tests.studio.conftest import imported_course, new_studio_course

    client = auth_client(admin)
    studio = new_studio_course(app, admin, "khoa-studio", lessons=1)
    assert client.get(f"/studio/courses/{studio}/reset").status_code == 403
    assert client.post(f"/studio/courses/{studio}/reset").status_code == 403
    imported = imported_course(app, None)
    assert client.post(f"/studio/courses/{imported}/reset").status_code == 403
    # The module is no longer installed: said, nothing changed.
    shutil.rmtree(module_dir / "kt")
    response = client.post(f"/studio/courses/{SLUG}/reset", follow_redirects=True)
    assert "Mô-đun khóa học “kt” chưa được cài đặt." in response.text
    assert published_number(app) == 1
