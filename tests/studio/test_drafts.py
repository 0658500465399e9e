"""Drafts: cloned from the published revision on the first edit, published whole after the
package validator's check, discarded on request; learners keep their progress and their
attempts' versions across a publish."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.content import structure
from elearn.content.models import (
    CourseRevision,
    LessonVersion,
    RevisionAsset,
    RevisionLesson,
    RevisionQuestion,
    RevisionQuiz,
    Section,
)
from elearn.content.revisions import draft_revision, published_revision
from elearn.core.errors import Conflict
from elearn.extensions import db
from elearn.learn.models import LessonCompletion
from elearn.quiz.models import QuizAttempt
from elearn.studio import drafts, lessons
from tests.conftest import PASSWORD, committed
from tests.studio.conftest import attached, course_row, imported_course, new_studio_course
from tests.test_quiz import right_answers


def rows(model, revision_id, *columns):
    return sorted(
        tuple(getattr(r, c) for c in columns)
        for r in db.session.scalars(select(model).where(model.revision_id == revision_id))
    )


def test_the_first_edit_clones_the_published_revision_without_reparsing(app, owner, count_queries):
    slug = imported_course(app, owner)
    with app.app_context():
        course = course_row(slug)
        published = published_revision(course.id)
        assert draft_revision(course.id) is None
        with count_queries() as statements:
            draft = committed(drafts.ensure_draft, course, attached(owner))
        # BEGIN, the test's expired user and course reloaded, one UPDATE of the course, the
        # draft check, the published revision, numbering, the revision and five
        # INSERT … SELECT: no lesson or question is read or rendered.
        assert len(statements) <= 14, statements
        assert not any("lesson_versions" in s and "INSERT" in s for s in statements)
        draft = draft_revision(course.id)
        assert draft.state == "draft" and draft.number == published.number + 1
        for column in ("title", "summary", "topic", "estimated_hours", "language", "tools"):
            assert getattr(draft, column) == getattr(published, column)
        same = [
            (Section, ("position", "title")),
            (RevisionLesson, ("lesson_id", "version_id", "position")),
            (RevisionQuestion, ("question_id", "version_id", "bank", "position")),
            (RevisionQuiz, ("quiz_id", "position", "title", "pass_mark", "max_attempts",
                            "time_limit_minutes", "shuffle_questions", "shuffle_options",
                            "grading", "review", "required", "open_after_earlier", "items")),
            (RevisionAsset, ("path", "sha256")),
        ]  # fmt: skip
        for model, columns in same:
            assert rows(model, draft.id, *columns) == rows(model, published.id, *columns), model
        # Lessons and quizzes sit in the draft's own sections, at the same places.
        placed = db.session.execute(
            select(Section.position, RevisionLesson.position)
            .join(Section, Section.id == RevisionLesson.section_id)
            .where(RevisionLesson.revision_id == draft.id)
        ).all()
        assert sorted(placed) == [(1, 1), (2, 2)]
        assert all(
            s.revision_id == draft.id
            for s in db.session.scalars(
                select(Section)
                .join(RevisionQuiz, RevisionQuiz.section_id == Section.id)
                .where(RevisionQuiz.revision_id == draft.id)
            )
        )
        # A second edit reuses the draft.
        assert committed(drafts.ensure_draft, course_row(slug), attached(owner)).id == draft.id
        assert structure.published(slug).revision_id == published.id


def test_publish_keeps_progress_and_attempt_versions(app, owner, learner, auth_client, client):
    slug = imported_course(app, owner)
    token = client.post(
        "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
    ).json["token"]
    api = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/v1/courses/{slug}/enrollment", headers=api).status_code == 201
    with app.app_context():
        before = structure.published(slug)
        first = before.lesson_by_slug["bai-mot"]
        quiz = before.quiz_by_key["kiem-tra-nhanh"]
    assert client.post(f"/api/v1/lessons/{first.id}/completion", headers=api).status_code in (
        200,
        201,
    )
    attempt = client.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=api).json["attempt_id"]
    client.post(
        f"/api/v1/attempts/{attempt}/submission",
        json={"answers": right_answers(app, attempt)},
        headers=api,
    )
    review = client.get(f"/api/v1/attempts/{attempt}", headers=api).get_data()
    with app.app_context():
        layout_before = db.session.get(QuizAttempt, attempt).layout

    owner_client = auth_client(owner)
    page = owner_client.get(f"/studio/courses/{slug}/lessons/bai-mot").text
    assert "Nội dung bài một." in page
    response = owner_client.post(
        f"/studio/courses/{slug}/lessons/bai-mot",
        data={
            "title": "Bài một (sửa)",
            "minutes": "6",
            "markdown": "Nội dung mới.",
            "version": "1",
        },
    )
    assert response.status_code == 303
    # Learners still see the published text until the draft is published.
    with app.app_context():
        assert structure.published(slug).lesson_by_slug["bai-mot"].title == "Bài một"
    response = owner_client.post(f"/studio/courses/{slug}/publish")
    assert response.status_code == 303, response.text
    with app.app_context():
        after = structure.published(slug)
        assert after.revision_id != before.revision_id
        assert after.lesson_by_slug["bai-mot"].title == "Bài một (sửa)"
        assert after.lesson_by_slug["bai-mot"].id == first.id  # the stable key
        assert structure.lesson_html(after.lesson_by_slug["bai-mot"].version_id) == (
            "<p>Nội dung mới.</p>\n"
        )
        assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1
        assert db.session.get(QuizAttempt, attempt).layout == layout_before
        old = db.session.get(CourseRevision, before.revision_id)
        assert old.state == "retired"
        course = course_row(slug)
        assert course.updated_by_id == owner.id
        assert draft_revision(course.id) is None
    # The learner's progress counts the completed lesson; the review is unchanged.
    progress = client.get("/api/v1/me/progress", headers=api).json
    mine = next(c for c in progress["courses"] if c["slug"] == slug)
    assert mine["lessons_done"] == 1
    assert client.get(f"/api/v1/attempts/{attempt}", headers=api).get_data() == review
    page = auth_client(learner).get(f"/courses/{slug}/lessons/bai-mot").text
    assert "Nội dung mới." in page and "Bài một (sửa)" in page


def test_a_draft_with_problems_is_not_published_and_lists_them(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    owner_client = auth_client(owner)
    # A quiz without questions: course.toml itself is refused, as `courses validate` does.
    owner_client.post(
        f"/studio/courses/{slug}/quizzes",
        data={"quiz-title": "Kiểm tra", "quiz-key": "kiem-tra", "quiz-section": "1"},
    )
    page = owner_client.get(f"/studio/courses/{slug}/publish")
    assert page.status_code == 422
    assert (
        f'<a href="/studio/courses/{slug}#quiz-kiem-tra">Bài kiểm tra “kiem-tra” chưa có câu hỏi '
        "nào.</a>" in page.text
    )
    owner_client.post(f"/studio/courses/{slug}/quizzes/kiem-tra/delete")
    # An empty second section and an empty lesson.
    owner_client.post(f"/studio/courses/{slug}/sections", data={"section-title": "Phần hai"})
    owner_client.post(
        f"/studio/courses/{slug}/lessons",
        data={"lesson-title": "Bài trống", "lesson-slug": "bai-trong", "lesson-section": "1"},
    )
    page = owner_client.get(f"/studio/courses/{slug}/publish")
    assert page.status_code == 422
    text = page.text
    assert "Còn 2 lỗi cần sửa trước khi xuất bản" in text
    assert (
        f'<a href="/studio/courses/{slug}#section-2">Phần 2</a>: Phần này chưa có bài học và bài '
        "kiểm tra nào." in text
    )
    assert (
        f'<a href="/studio/courses/{slug}/lessons/bai-trong">Bài học “bai-trong”</a> (dòng 4): Bài '
        "học chưa có nội dung." in text
    )
    response = owner_client.post(f"/studio/courses/{slug}/publish")
    assert response.status_code == 422 and "Còn 2 lỗi" in response.text
    with app.app_context():
        course = course_row(slug)
        assert published_revision(course.id) is None
        assert draft_revision(course.id) is not None


def test_the_validator_is_the_one_of_courses_validate(app, owner):
    slug = new_studio_course(app, owner, lessons=1)
    with app.app_context():
        draft = draft_revision(course_row(slug).id)
        draft.tools = ["khong_co.cong_cu"]
        db.session.commit()
        problems = drafts.draft_problems(draft_revision(course_row(slug).id))
        assert [(p.path, p.place) for p in problems] == [("course.toml", "settings")]
        assert "tool 'khong_co.cong_cu' is not installed" in problems[0].message


def test_a_clean_new_course_publishes(app, owner, auth_client, client):
    slug = new_studio_course(app, owner)
    owner_client = auth_client(owner)
    assert owner_client.get(f"/studio/courses/{slug}/publish").status_code == 200
    assert owner_client.post(f"/studio/courses/{slug}/publish").status_code == 303
    assert client.get(f"/courses/{slug}").status_code == 200
    assert "Khóa học mới" in client.get("/courses?q=khoa hoc moi").text


def test_discard_needs_a_published_revision_and_confirmation(app, owner, auth_client):
    slug = imported_course(app, owner)
    owner_client = auth_client(owner)
    owner_client.post(
        f"/studio/courses/{slug}/lessons/bai-hai",
        data={"title": "Bài hai mới", "minutes": "3", "markdown": "Khác.", "version": "1"},
    )
    page = owner_client.get(f"/studio/courses/{slug}/discard")
    assert page.status_code == 200 and "Bỏ các thay đổi chưa xuất bản?" in page.text
    with app.app_context():
        course = course_row(slug)
        draft_id = draft_revision(course.id).id
        saved = db.session.scalar(select(func.count()).select_from(LessonVersion))
    assert owner_client.post(f"/studio/courses/{slug}/discard").status_code == 303
    with app.app_context():
        course = course_row(slug)
        assert draft_revision(course.id) is None
        assert db.session.get(CourseRevision, draft_id) is None
        assert db.session.scalar(select(func.count()).select_from(RevisionLesson).where(
            RevisionLesson.revision_id == draft_id)) == 0  # fmt: skip
        # The saved version stays in the lesson's history.
        assert db.session.scalar(select(func.count()).select_from(LessonVersion)) == saved
        history = lessons.lesson_history(course, "bai-hai")
        assert [e.number for e in history] == [2, 1] and history[1].current
    # Nothing left to discard; a never-published course cannot be discarded.
    response = owner_client.post(f"/studio/courses/{slug}/discard", follow_redirects=True)
    assert "Không có bản nháp nào để bỏ." in response.text
    new = new_studio_course(app, owner, "khoa-nhap-hai", lessons=1)
    with app.app_context(), pytest.raises(Conflict):
        committed(drafts.discard_draft, course_row(new), attached(owner))


def test_publishing_without_a_draft_says_so(app, owner, auth_client):
    slug = imported_course(app, owner)
    client = auth_client(owner)
    assert (
        "Không có thay đổi nào chưa xuất bản" in client.get(f"/studio/courses/{slug}/publish").text
    )
    response = client.post(f"/studio/courses/{slug}/publish", follow_redirects=True)
    assert "Không có thay đổi nào chưa xuất bản" in response.text
