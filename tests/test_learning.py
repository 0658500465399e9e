"""Catalogue, course page, lessons, completion and the dashboard through HTTP."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.content import structure
from elearn.extensions import db
from elearn.learn.models import Enrollment, LessonCompletion
from tests.conftest import committed

ECOM = "thuong-mai-dien-tu"


def first_lessons(app, slug, n=2):
    with app.app_context():
        return [lesson.slug for lesson in structure.published(slug).lessons][:n]


def test_catalogue_lists_courses_and_filters(client, courses):
    page = client.get("/courses").get_data(as_text=True)
    for spec in courses:
        assert spec.title in page
    branding = client.get("/courses?topic=branding").get_data(as_text=True)
    assert "Thương hiệu" in branding or "thương hiệu" in branding
    ecommerce_title = next(s.title for s in courses if s.slug == ECOM)
    assert ecommerce_title not in branding


def test_search_ignores_diacritics_and_case(client, courses):
    branding = next(s for s in courses if s.topic == "branding")
    for query in ("thuong hieu", "THƯƠNG HIỆU", "Thuong Hieu"):
        page = client.get("/courses", query_string={"q": query}).get_data(as_text=True)
        assert branding.title in page, query
    none = client.get("/courses", query_string={"q": "zzzz%_"}).get_data(as_text=True)
    assert "Không có khóa học nào" in none
    assert client.get("/courses?topic=<script>").status_code == 200


def test_course_page_for_visitor_and_unknown_course(client, courses):
    page = client.get(f"/courses/{ECOM}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Học xong cả" in text and "Đăng nhập để đăng ký học" in text
    assert client.get("/courses/khong-co").status_code == 404


def test_full_learning_flow(app, learner_client, courses):
    client = learner_client
    course_page = client.get(f"/courses/{ECOM}").get_data(as_text=True)
    assert "Đăng ký học khóa này" in course_page
    first, second = first_lessons(app, ECOM)
    # Unenrolled lesson pages send the learner to the course page.
    blocked = client.get(f"/courses/{ECOM}/lessons/{first}")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith(f"/courses/{ECOM}")
    refused = client.post(f"/courses/{ECOM}/lessons/{first}/complete")
    assert refused.status_code == 302
    response = client.post(f"/courses/{ECOM}/enroll")
    assert response.status_code == 302 and response.headers["Location"].endswith(first)
    client.post(f"/courses/{ECOM}/enroll")  # twice: still one enrolment
    lesson = client.get(f"/courses/{ECOM}/lessons/{first}").get_data(as_text=True)
    assert "Đánh dấu đã học xong" in lesson and 'rel="next"' in lesson
    done = client.post(f"/courses/{ECOM}/lessons/{first}/complete")
    assert done.headers["Location"].endswith(second)
    client.post(f"/courses/{ECOM}/lessons/{first}/complete")  # idempotent
    client.post(f"/courses/{ECOM}/lessons/{second}/complete")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
        assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 2
        total = len(structure.published(ECOM).lessons)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"2/{total}" in dashboard
    course_page = client.get(f"/courses/{ECOM}").get_data(as_text=True)
    assert "Học tiếp từ chỗ đã dừng" in course_page
    assert f"Còn {total - 2} bài học và 4 bài kiểm tra" in course_page


def test_completing_every_required_lesson_completes_the_course_once(app, auth_client, make_user):
    from pathlib import Path

    from elearn.content.sync import sync_from_dir

    with app.app_context():
        committed(sync_from_dir, Path(__file__).parent / "fixtures" / "courses")
    client = auth_client(make_user())
    client.post("/courses/khoa-mau/enroll")
    client.post("/courses/khoa-mau/lessons/bai-mot/complete")
    with app.app_context():
        assert db.session.scalar(select(Enrollment.completed_at)) is None
    # bai-ba is optional: the two required lessons are enough.
    response = client.post("/courses/khoa-mau/lessons/bai-hai/complete", follow_redirects=True)
    assert "hoàn thành khóa học" in response.get_data(as_text=True)
    with app.app_context():
        completed_at = db.session.scalar(select(Enrollment.completed_at))
    assert completed_at is not None
    client.post("/courses/khoa-mau/lessons/bai-ba/complete")
    with app.app_context():
        assert db.session.scalar(select(Enrollment.completed_at)) == completed_at
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "2/2" in dashboard and "Đã hoàn thành khóa học" in dashboard


def test_unknown_lesson_and_course_are_404(learner_client, courses):
    learner_client.post(f"/courses/{ECOM}/enroll")
    assert learner_client.get(f"/courses/{ECOM}/lessons/khong-co").status_code == 404
    assert learner_client.post(f"/courses/{ECOM}/lessons/khong-co/complete").status_code == 404
    assert learner_client.post("/courses/khong-co/enroll").status_code == 404


def test_video_is_a_click_to_load_placeholder(app, auth_client, make_user):
    from pathlib import Path

    from elearn.content.sync import sync_from_dir

    with app.app_context():
        committed(sync_from_dir, Path(__file__).parent / "fixtures" / "courses")
    client = auth_client(make_user())
    client.post("/courses/khoa-mau/enroll")
    page = client.get("/courses/khoa-mau/lessons/bai-mot").get_data(as_text=True)
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in page
    assert "<iframe" not in page
    assert "4 phút" in page


def test_dashboard_empty_state(learner_client):
    page = learner_client.get("/dashboard").get_data(as_text=True)
    assert "/courses" in page


def test_tools_are_linked_from_course_pages(client, courses):
    for spec in courses:
        page = client.get(f"/courses/{spec.slug}").get_data(as_text=True)
        module = spec.tools[0].split(".")[0]
        assert f"/tools/{module}/" in page and f"course={spec.slug}" in page, spec.slug


def test_concurrent_completion_of_the_last_lesson_counts_once(app, make_user, auth_client):
    """F3: the last lesson completed from many tabs at once -> one completion, counted once."""
    import threading
    from pathlib import Path

    from elearn.content.sync import sync_from_dir

    with app.app_context():
        committed(sync_from_dir, Path(__file__).parent / "fixtures" / "courses")
    user = make_user()
    client = auth_client(user)
    client.post("/courses/khoa-mau/enroll")
    client.post("/courses/khoa-mau/lessons/bai-mot/complete")
    clients = [auth_client(user) for _ in range(12)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def hit(c):
        barrier.wait()
        statuses.append(c.post("/courses/khoa-mau/lessons/bai-hai/complete").status_code)

    threads = [threading.Thread(target=hit, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * len(clients)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 2
        enrollment = db.session.scalars(select(Enrollment)).one()
        assert enrollment.completed_at is not None


def test_completed_course_offers_the_certificate_and_a_review(app, auth_client, make_user):
    from pathlib import Path

    from elearn.content.sync import sync_from_dir

    with app.app_context():
        committed(sync_from_dir, Path(__file__).parent / "fixtures" / "courses")
    client = auth_client(make_user())
    client.post("/courses/khoa-mau/enroll")
    client.post("/courses/khoa-mau/lessons/bai-mot/complete")
    client.post("/courses/khoa-mau/lessons/bai-hai/complete")  # bai-ba is optional
    for url in ("/courses/khoa-mau", "/dashboard"):
        page = client.get(url).get_data(as_text=True)
        assert "Tải chứng nhận (PDF)" in page, url
        assert 'href="/courses/khoa-mau/lessons/bai-mot">Ôn lại khóa học' in page, url
        assert "Học tiếp từ chỗ đã dừng" not in page, url


def test_next_action_of_a_completed_course_is_done_with_a_review(app, courses):
    from datetime import UTC, datetime

    from elearn.learn.progress import build_progress, next_action

    with app.app_context():
        course = structure.published(ECOM)
    first = course.lessons[0]
    started = build_progress(course, {first.id}, {}, None)
    assert next_action(started).kind == "lesson" and next_action(started).started
    # Completed with lessons still unread (e.g. optional ones): never "continue".
    done = build_progress(course, {first.id}, {}, datetime(2026, 12, 1, tzinfo=UTC))
    action = next_action(done)
    assert action.kind == "done" and action.lesson == first and not action.started


def test_mark_as_complete_confirms_visibly(app, learner_client, courses):
    first, second = first_lessons(app, ECOM)
    with app.app_context():
        title = structure.published(ECOM).lesson_by_slug[first].title
    learner_client.post(f"/courses/{ECOM}/enroll")
    done = learner_client.post(f"/courses/{ECOM}/lessons/{first}/complete", follow_redirects=True)
    page = done.get_data(as_text=True)
    assert done.request.path.endswith(second)
    assert f"Đã đánh dấu học xong bài “{title}”." in page
    again = learner_client.get(f"/courses/{ECOM}/lessons/{first}").get_data(as_text=True)
    assert "Bạn đã học xong bài này." in again


def test_course_outline_is_shared_but_the_ticks_are_each_learners(app, auth_client, make_user):
    """The outline is rendered once per revision and language (elearn/catalog/outline.py):
    a learner never sees another's ticks, each language gets its own words, and a new
    revision shows at once."""
    from pathlib import Path

    from elearn.content.sync import sync_from_dir

    fixtures = Path(__file__).parent / "fixtures" / "courses"
    with app.app_context():
        committed(sync_from_dir, fixtures)
    first, second = auth_client(make_user()), auth_client(make_user())
    for client in (first, second):
        client.post("/courses/khoa-mau/enroll")
    first.post("/courses/khoa-mau/lessons/bai-mot/complete")

    def ticks(client):
        page = client.get("/courses/khoa-mau").get_data(as_text=True)
        return page.count('class="done" title="Đã hoàn thành"'), page

    assert ticks(first)[0] == 1
    assert ticks(second)[0] == 0  # the first learner's outline was cached: not their ticks
    second.post("/courses/khoa-mau/lessons/bai-hai/complete")
    count, page = ticks(second)
    assert count == 1 and "\0" not in page
    assert page.index("bai-hai") < page.index('class="done"')  # the tick follows its lesson

    second.post("/language", data={"lang": "en"})
    english = second.get("/courses/khoa-mau").get_data(as_text=True)
    assert 'title="Completed">✓ done</span>' in english and "optional" in english
    assert "không bắt buộc" in ticks(first)[1]  # the other learner still reads Vietnamese

    visitor = app.test_client().get("/courses/khoa-mau").get_data(as_text=True)
    assert "/lessons/bai-mot" not in visitor and 'class="done"' not in visitor


def test_dashboard_leaves_out_archived_courses_and_keeps_the_others(app, learner_client, courses):
    from elearn.content.models import Course

    learner_client.post(f"/courses/{ECOM}/enroll")
    learner_client.post("/courses/thuong-hieu-cau-chuyen-san-pham/enroll")
    lesson = first_lessons(app, ECOM, 1)[0]
    assert learner_client.get(f"/courses/{ECOM}/lessons/{lesson}").status_code == 200
    page = learner_client.get("/dashboard").get_data(as_text=True)
    assert f'href="/courses/{ECOM}"' in page
    with app.app_context():
        course = db.session.scalars(select(Course).where(Course.slug == ECOM)).one()
        course.archived = True
        db.session.commit()
    page = learner_client.get("/dashboard").get_data(as_text=True)
    assert f'href="/courses/{ECOM}"' not in page
    assert 'href="/courses/thuong-hieu-cau-chuyen-san-pham"' in page
    # The course and its lessons are gone for the enrolled learner and for visitors.
    assert learner_client.get(f"/courses/{ECOM}").status_code == 404
    assert app.test_client().get(f"/courses/{ECOM}").status_code == 404
    assert learner_client.get(f"/courses/{ECOM}/lessons/{lesson}").status_code == 404
    assert learner_client.get("/courses/thuong-hieu-cau-chuyen-san-pham").status_code == 200
