"""Studio home, new courses, course settings and course staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.audit.models import AuditEvent
from elearn.content.models import Course, CourseRevision, Section
from elearn.core.db import unit_of_work
from elearn.extensions import db
from elearn.studio import courses as studio_courses
from elearn.studio import drafts
from elearn.studio.models import CourseStaff
from tests.studio.conftest import (
    add_coauthor,
    attached,
    course_row,
    imported_course,
    new_studio_course,
)

NEW = {"title": "Bán hàng trên sàn", "slug": "ban-hang-tren-san", "topic": "ecommerce",
       "language": "vi"}  # fmt: skip


def test_a_trainer_makes_a_course(app, owner, auth_client):
    client = auth_client(owner)
    assert client.get("/studio/new").status_code == 200
    response = client.post("/studio/new", data=NEW)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/studio/courses/ban-hang-tren-san")
    with app.app_context():
        course = course_row("ban-hang-tren-san")
        assert (course.origin, course.module, course.updated_by_id) == ("studio", None, owner.id)
        [revision] = db.session.scalars(
            select(CourseRevision).where(CourseRevision.course_id == course.id)
        )
        assert (revision.state, revision.number, revision.title, revision.topic) == (
            "draft", 1, "Bán hàng trên sàn", "ecommerce"
        )  # fmt: skip
        sections = db.session.scalars(select(Section).where(Section.revision_id == revision.id))
        assert [s.title for s in sections] == ["Phần 1"]
        staff = db.session.execute(select(CourseStaff.user_id, CourseStaff.role)).all()
        assert staff == [(owner.id, "owner")]
    page = client.get("/studio").text
    assert "Bán hàng trên sàn" in page and "Chỉ có bản nháp" in page and "Chủ khóa học" in page
    editor = client.get("/studio/courses/ban-hang-tren-san").text
    assert "Phần này đang trống." in editor and "Xuất bản…" in editor
    # Not in the catalogue: nothing is published.
    assert client.get("/courses/ban-hang-tren-san").status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Vui lòng nhập tiêu đề."),
        ({"title": "x" * 201}, "title", "Tối đa 200 ký tự."),
        ({"slug": ""}, "slug", "Vui lòng nhập địa chỉ."),
        ({"slug": "Bán-hàng"}, "slug", "Dùng chữ thường không dấu"),
        ({"slug": "ban hang"}, "slug", "Dùng chữ thường không dấu"),
        ({"slug": "a" * 81}, "slug", "Tối đa 80 ký tự."),
        ({"slug": "khoa-nhap"}, "slug", "Đã có một khóa học với địa chỉ “khoa-nhap”."),
        ({"topic": "cooking"}, "topic", ""),
        ({"language": "fr"}, "language", ""),
    ],
)
def test_a_new_course_is_checked(app, owner, auth_client, change, field, message):
    imported_course(app, None, "khoa-nhap")
    client = auth_client(owner)
    response = client.post("/studio/new", data=NEW | change)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    with app.app_context():
        assert db.session.scalar(select(Course).where(Course.origin == "studio")) is None


def test_settings_are_saved_in_the_draft(app, owner, auth_client):
    slug = imported_course(app, owner)
    client = auth_client(owner)
    tools = sorted(app.extensions["elearn_tools"])
    assert tools, "the shipped modules have tools"
    data = {
        "title": "Khóa học đổi tên",
        "summary": "Tóm tắt mới,\r\nhai dòng.",
        "topic": "market",
        "audience": "Hợp tác xã",
        "estimated_hours": "2,5",
        "tools": [tools[0]],
        "language": "en",
    }
    response = client.post(f"/studio/courses/{slug}/settings", data=data)
    assert response.status_code == 303
    with app.app_context():
        course = course_row(slug)
        draft = drafts.revision_summary(course)["draft"]
        assert (draft.title, draft.summary, draft.topic, draft.audience) == (
            "Khóa học đổi tên", "Tóm tắt mới,\nhai dòng.", "market", "Hợp tác xã"
        )  # fmt: skip
        assert (draft.estimated_hours, draft.tools, draft.language) == (2.5, [tools[0]], "en")
        published = drafts.revision_summary(course)["published"]
        assert published.title == "Khóa học có bài kiểm tra"
    page = client.get(f"/studio/courses/{slug}").text
    assert 'value="Khóa học đổi tên"' in page
    checked = f'<input checked id="tools-0" name="tools" type="checkbox" value="{tools[0]}">'
    assert checked in page
    for change, field in [
        ({"estimated_hours": "0"}, "estimated_hours"),
        ({"estimated_hours": "201"}, "estimated_hours"),
        ({"estimated_hours": "hai"}, "estimated_hours"),
        ({"tools": ["khong_co.cong_cu"]}, "tools"),
        ({"title": ""}, "title"),
        ({"audience": "x" * 301}, "audience"),
        ({"summary": "x" * 2001}, "summary"),
        ({"topic": "cooking"}, "topic"),
    ]:
        response = client.post(f"/studio/courses/{slug}/settings", data=data | change)
        assert response.status_code == 400, change
        assert f'id="{field}-error"' in response.text, change
    with app.app_context():
        assert drafts.revision_summary(course_row(slug))["draft"].estimated_hours == 2.5


def test_the_home_shows_each_state_and_the_last_change(app, owner, admin, auth_client):
    new_studio_course(app, owner, "chi-nhap", lessons=1)
    published = new_studio_course(app, owner, "da-xuat-ban", lessons=1)
    changed = new_studio_course(app, owner, "co-thay-doi", lessons=1)
    other = new_studio_course(app, admin, "cua-quan-tri", lessons=1)
    client = auth_client(owner)
    for slug in (published, changed):
        assert client.post(f"/studio/courses/{slug}/publish").status_code == 303
    client.post(f"/studio/courses/{changed}/sections", data={"section-title": "Thêm"})
    with app.app_context():
        rows = {c.slug: c for c in studio_courses.studio_courses(attached(owner))}
        everything = {c.slug: c for c in studio_courses.studio_courses(attached(admin))}
    assert {slug: row.state for slug, row in rows.items()} == {
        "chi-nhap": "draft",
        "da-xuat-ban": "published",
        "co-thay-doi": "changed",
    }
    assert other not in rows and set(everything) == set(rows) | {other}
    assert everything[other].role == "owner" and everything["chi-nhap"].role is None
    assert rows["co-thay-doi"].updated_by == "Trần Chủ"
    page = client.get("/studio").text
    assert page.index("co-thay-doi") < page.index("da-xuat-ban")  # the last changed first
    for label in ("Chỉ có bản nháp", "Đã xuất bản", "Đã xuất bản, có thay đổi chưa xuất bản"):
        assert label in page
    assert "bởi Trần Chủ" in page
    assert "cua-quan-tri" not in page
    assert "cua-quan-tri" in auth_client(admin).get("/studio").text


def test_the_home_runs_the_same_queries_for_more_courses(app, owner, auth_client, count_queries):
    client = auth_client(owner)

    def make(count: int, start: int) -> None:
        with app.app_context(), unit_of_work():
            user = attached(owner)
            for n in range(start, start + count):
                studio_courses.create_course(f"khoa-{n}", f"Khóa {n}", "branding", "vi", user)

    make(2, 0)
    client.get("/studio")
    with count_queries() as statements:
        assert client.get("/studio").status_code == 200
    few = len(statements)
    make(6, 2)
    with count_queries() as statements:
        page = client.get("/studio").text
    assert page.count('class="card studio-course"') == 8
    assert len(statements) == few, statements


def test_staff_invite_and_remove(app, owner, coauthor, stranger, make_user, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    phone_trainer = make_user("trainer", phone="0912345678", full_name="Đinh Số")
    learner = make_user("learner", email="hv@example.vn")
    client = auth_client(owner)
    url = f"/studio/courses/{slug}/staff"
    # By e-mail in capitals, and by phone written another way: the same accounts.
    assert client.post(url, data={"login": " DongTacGia@Example.VN "}).status_code == 303
    assert client.post(url, data={"login": "+84 912 345 678"}).status_code == 303
    page = client.get(url).text
    assert "Lê Đồng" in page and "Đinh Số" in page and "0912 345 678" in page
    for login, message in [
        ("dongtacgia@example.vn", "Lê Đồng đã ở trong nhóm soạn khóa học này."),
        ("hv@example.vn", "Không có tài khoản giảng viên nào"),  # a learner
        ("khongai@example.vn", "Không có tài khoản giảng viên nào"),
        ("0999", "Không có tài khoản giảng viên nào"),
        ("", "Vui lòng nhập địa chỉ email hoặc số điện thoại di động."),
    ]:
        response = client.post(url, data={"login": login})
        assert response.status_code == 400 and message in response.text, login
    # The co-author edits; a stranger does not; a co-author cannot change the staff.
    assert auth_client(coauthor).get(f"/studio/courses/{slug}").status_code == 200
    assert auth_client(stranger).get(f"/studio/courses/{slug}").status_code == 403
    assert auth_client(coauthor).post(url, data={"login": stranger.email}).status_code == 403
    assert auth_client(coauthor).post(f"{url}/{phone_trainer.id}/remove").status_code == 403
    # The owner removes the co-author, who then cannot edit; the owner stays.
    assert client.post(f"{url}/{coauthor.id}/remove").status_code == 303
    assert auth_client(coauthor).get(f"/studio/courses/{slug}").status_code == 403
    response = client.post(f"{url}/{owner.id}/remove", follow_redirects=True)
    assert "Không thể bỏ chủ khóa học." in response.text
    response = client.post(f"{url}/{learner.id}/remove", follow_redirects=True)
    assert "Người này không thuộc nhóm soạn khóa học này." in response.text
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.event, AuditEvent.user_id, AuditEvent.detail).where(
                AuditEvent.event.like("studio.staff%")
            )
        ).all()
    assert ("studio.staff_added", owner.id, f"user={coauthor.id}") in events
    assert ("studio.staff_removed", owner.id, f"user={coauthor.id}") in events


def test_a_co_author_sees_the_course_on_the_home(app, owner, coauthor, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    assert slug not in auth_client(coauthor).get("/studio").text
    add_coauthor(app, slug, coauthor)
    page = auth_client(coauthor).get("/studio").text
    assert slug in page and "Đồng tác giả" in page
