"""Revisions seen by learners: attempts keep their versions, one pass rule everywhere,
figures kept up to date, sync leaves other courses alone, completions serialised."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.content import structure
from elearn.content.models import Course, QuestionVersion
from elearn.content.package import files_from_folder, read_files
from elearn.content.revisions import import_package
from elearn.content.sync import sync_from_dir
from elearn.extensions import db
from elearn.learn.models import Enrollment
from elearn.learn.services import progress_in
from elearn.quiz.models import QuizAttempt
from tests.conftest import PASSWORD, committed
from tests.test_quiz import right_answers

QUIZ_FIXTURES = Path(__file__).parent / "fixtures" / "quiz_courses"
FIXTURES = Path(__file__).parent / "fixtures" / "courses"
SLUG = "khoa-kiem-tra"


@pytest.fixture
def quiz_dir(app, tmp_path):
    """An editable copy of the quiz course module, synced."""
    target = tmp_path / "courses"
    shutil.copytree(QUIZ_FIXTURES, target)
    with app.app_context():
        committed(sync_from_dir, target)
    return target


def resync(app, courses_dir):
    with app.app_context():
        return committed(sync_from_dir, courses_dir)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


class Api:
    def __init__(self, client, token):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url):
        return self.client.get(f"/api/v1{url}", headers=self.headers)

    def post(self, url, json=None):
        return self.client.post(f"/api/v1{url}", json=json, headers=self.headers)

    def put(self, url, json=None):
        return self.client.put(f"/api/v1{url}", json=json, headers=self.headers)


@pytest.fixture
def api(client, learner):
    token = client.post(
        "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
    ).json["token"]
    return Api(client, token)


def quiz_ids(app) -> dict[str, int]:
    with app.app_context():
        return {q.key: q.id for q in structure.published(SLUG).quizzes}


def read_all_lessons(api):
    assert api.post(f"/courses/{SLUG}/enrollment").status_code == 201
    for section in api.get(f"/courses/{SLUG}").json["sections"]:
        for lesson in section["lessons"]:
            api.post(f"/lessons/{lesson['id']}/completion")


def review_content(page: str) -> str:
    """The review itself: the page's <main>, without the per-request CSRF tokens."""
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r'name="csrf_token" value="[^"]+"', "", main)


def test_an_attempt_keeps_the_question_versions_it_drew(app, api, learner_client, quiz_dir):
    read_all_lessons(api)
    quick = quiz_ids(app)["kiem-tra-nhanh"]
    first = api.post(f"/quizzes/{quick}/attempts").json["attempt_id"]
    api.post(f"/attempts/{first}/submission", json={"answers": right_answers(app, first)})
    web_before = review_content(learner_client.get(f"/attempts/{first}/review").text)
    api_before = api.get(f"/attempts/{first}").get_data()
    assert "Bộ tiêu chí OCOP có tối đa bao nhiêu điểm?" in web_before
    # The author rewrites the question and changes its right answer, and syncs.
    bank = quiz_dir / "kt" / "package" / "questions" / "bank.gift"
    edit(bank, "Bộ tiêu chí OCOP có tối đa bao nhiêu điểm?", "Thang điểm OCOP tối đa là bao nhiêu?")
    edit(bank, "=100 điểm #Đúng.\n  ~50 điểm", "~100 điểm #Đúng.\n  =50 điểm")
    assert resync(app, quiz_dir).published == [(SLUG, 2)]
    assert review_content(learner_client.get(f"/attempts/{first}/review").text) == web_before
    assert api.get(f"/attempts/{first}").get_data() == api_before
    # A new attempt draws the new version.
    second = api.post(f"/quizzes/{quick}/attempts").json
    texts = [q["html"] for q in second["questions"]]
    assert any("Thang điểm OCOP tối đa là bao nhiêu?" in t for t in texts)
    assert not any("Bộ tiêu chí OCOP có tối đa" in t for t in texts)
    with app.app_context():
        old, new = (db.session.get(QuizAttempt, i) for i in (first, second["attempt_id"]))
        old_versions = {item["qid"] for item in old.layout}
        new_versions = {item["qid"] for item in new.layout}
        assert old_versions != new_versions
        numbers = set(
            db.session.scalars(
                select(QuestionVersion.number).where(QuestionVersion.id.in_(new_versions))
            )
        )
        assert 2 in numbers


def standing_everywhere(app, api, client, user_id, quick_id, others=0) -> dict[str, object]:
    """Whether the quick quiz counts as passed, as every page and the API say it
    (`others`: how many other quizzes are passed)."""
    quiz_page = client.get(f"/courses/{SLUG}/quizzes/kiem-tra-nhanh").text
    course_page = client.get(f"/courses/{SLUG}").text
    dashboard = client.get("/dashboard").text
    with app.app_context():
        course = structure.published(SLUG)
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user_id))
        live = progress_in(user_id, course, enrollment)
        stored = enrollment.quizzes_passed
    return {
        "quiz page": "✓ Đạt" in quiz_page,
        "course page": "✓ đã đạt" in course_page,
        "dashboard": re.search(r'class="quiz-count">(\d)/', dashboard).group(1) == str(others + 1),
        "api quiz": api.get(f"/quizzes/{quick_id}").json["passed"],
        "api progress": api.get("/me/progress").json["courses"][0]["quizzes_passed"] == others + 1,
        "progress": quick_id in live.passed_quiz_ids,
        "stored figures": stored == others + 1,
    }


def half_right(app, attempt_id):
    """Right answers to half of the attempt's questions (the quick quiz has two)."""
    answers = right_answers(app, attempt_id)
    first = sorted(answers)[0]
    return {first: answers[first]}


def test_a_pass_mark_change_is_seen_the_same_everywhere(
    app, api, learner, learner_client, quiz_dir
):
    read_all_lessons(api)
    ids = quiz_ids(app)
    quick = ids["kiem-tra-nhanh"]
    attempt = api.post(f"/quizzes/{quick}/attempts").json["attempt_id"]
    result = api.post(f"/attempts/{attempt}/submission", json={"answers": half_right(app, attempt)})
    assert result.json["score"] == 50 and result.json["passed"] is True  # pass mark 50
    seen = standing_everywhere(app, api, learner_client, learner.id, quick)
    assert set(seen.values()) == {True}, seen
    manifest = quiz_dir / "kt" / "package" / "course.toml"
    edit(manifest, "pass_mark = 50", "pass_mark = 60")
    resync(app, quiz_dir)
    seen = standing_everywhere(app, api, learner_client, learner.id, quick)
    assert set(seen.values()) == {False}, seen
    # The final quiz passed, the quick one not: the course is not complete.
    final = api.post(f"/quizzes/{ids['cuoi-khoa']}/attempts").json["attempt_id"]
    api.post(f"/attempts/{final}/submission", json={"answers": right_answers(app, final)})
    assert api.get("/me/progress").json["courses"][0]["completed_at"] is None
    # Lowering the mark again: the job that follows the publish completes the course.
    edit(manifest, "pass_mark = 60", "pass_mark = 40")
    resync(app, quiz_dir)
    seen = standing_everywhere(app, api, learner_client, learner.id, quick, others=1)
    assert set(seen.values()) == {True}, seen
    progress = api.get("/me/progress").json["courses"][0]
    assert progress["completed_at"] is not None and progress["certificate_code"]


def test_enrolment_figures_follow_every_change(app, auth_client, make_user, quiz_dir):
    user = make_user(province_code="14", learner_group="cooperative")
    client = auth_client(user)
    client.post(f"/courses/{SLUG}/enroll")

    def figures():
        with app.app_context():
            e = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
            return (e.lessons_done, e.lessons_total, e.quizzes_passed, e.quizzes_total, e.percent)

    assert figures() == (0, 2, 0, 2, 0)
    client.post(f"/courses/{SLUG}/lessons/bai-mot/complete")
    assert figures() == (1, 2, 0, 2, 25)
    with app.app_context():
        e = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
        assert (e.province_code, e.learner_group, e.commune_code) == ("14", "cooperative", None)
        assert e.progress_at is not None
    # A new revision with one more required lesson: the publish job recomputes the figures.
    package = quiz_dir / "kt" / "package"
    (package / "lessons" / "bai-ba.md").write_text(
        "---\ntitle: Bài ba\nminutes: 4\n---\n\nNội dung bài ba.\n", encoding="utf-8"
    )
    edit(package / "course.toml", 'lessons = ["bai-hai"]', 'lessons = ["bai-hai", "bai-ba"]')
    resync(app, quiz_dir)
    assert figures() == (1, 3, 0, 2, 20)


def test_sync_never_touches_courses_not_from_its_package(app, runner, quiz_dir):
    with app.app_context():
        files = files_from_folder(quiz_dir / "kt" / "package")
        committed(import_package, read_files(files), "khoa-nhap", True)
        studio = committed(import_package, read_files(files), "khoa-trinh-duyet", True)
        db.session.execute(
            Course.__table__.update().where(Course.id == studio.course_id).values(origin="studio")
        )
        db.session.commit()
        before = {
            c.slug: (c.updated_at, structure.published(c.slug).revision_number)
            for c in db.session.scalars(select(Course))
        }
    app.config["ELEARN_COURSES_DIR"] = str(quiz_dir)
    try:
        result = runner.invoke(args=["courses", "sync"])
    finally:
        app.config["ELEARN_COURSES_DIR"] = str(Path(__file__).parent.parent / "courses")
    assert result.exit_code == 0, result.output
    assert "Skipped khoa-nhap: imported from a zip, not from a package" in result.output
    assert "Skipped khoa-trinh-duyet: written in the browser, not from a package" in result.output
    with app.app_context():
        after = {
            c.slug: (c.updated_at, structure.published(c.slug).revision_number)
            for c in db.session.scalars(select(Course))
        }
    assert after == before


def test_a_package_cannot_take_over_a_course_written_elsewhere(app, quiz_dir):
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        course.origin = "studio"
        db.session.commit()
    report = resync(app, quiz_dir)
    assert report.published == [] and report.skipped[0][0] == SLUG
    assert "sync never touches it" in report.skipped[0][1]


def test_the_revision_number_changes_only_with_the_content(app, client, quiz_dir):
    assert client.get(f"/api/v1/courses/{SLUG}").json["revision"] == 1
    resync(app, quiz_dir)
    assert client.get(f"/api/v1/courses/{SLUG}").json["revision"] == 1
    edit(quiz_dir / "kt" / "package" / "lessons" / "bai-hai.md", "Nội dung", "Nội dung mới:")
    resync(app, quiz_dir)
    assert client.get(f"/api/v1/courses/{SLUG}").json["revision"] == 2


def test_a_new_revision_shows_its_outline_at_once(app, learner_client, quiz_dir):
    """The rendered outline is kept with the revision's cached structure (catalog/outline.py):
    a new revision is a new structure, so no process shows the old outline."""
    learner_client.post(f"/courses/{SLUG}/enroll")
    before = learner_client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Bài hai" in before
    edit(
        quiz_dir / "kt" / "package" / "lessons" / "bai-hai.md",
        "title: Bài hai",
        "title: Bài hai (sửa)",
    )
    resync(app, quiz_dir)
    after = learner_client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Bài hai (sửa)" in after


def test_the_last_two_lessons_at_once_complete_the_course_every_time(app, make_user, auth_client):
    """Two phones complete the last two lessons at the same moment: one completion and one
    certificate, every time (the completion check is serialised per enrolment)."""
    with app.app_context():
        committed(sync_from_dir, FIXTURES)
    trials = 20
    for trial in range(trials):
        user = make_user(email=f"dong-thoi-{trial}@example.vn")
        phones = [auth_client(user), auth_client(user)]
        phones[0].post("/courses/khoa-mau/enroll")
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def complete(client, lesson, barrier=barrier, statuses=statuses):
            barrier.wait()
            statuses.append(client.post(f"/courses/khoa-mau/lessons/{lesson}/complete").status_code)

        threads = [
            threading.Thread(target=complete, args=(phone, lesson))
            for phone, lesson in zip(phones, ("bai-mot", "bai-hai"), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [302, 302], (trial, statuses)
        with app.app_context():
            enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
            certificates = db.session.scalar(
                select(func.count()).select_from(Certificate).where(Certificate.user_id == user.id)
            )
            assert enrollment.completed_at is not None, trial
            assert (enrollment.lessons_done, enrollment.percent) == (2, 100), trial
            assert certificates == 1, trial
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == trials
        assert db.session.scalar(select(func.count()).select_from(User)) == trials
