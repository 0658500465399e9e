"""The course editor's outline: sections, lessons and quizzes added, renamed, moved (one
small service call per move; the up/down buttons are plain forms) and deleted."""

from __future__ import annotations

import pytest

from elearn.content import structure
from elearn.content.revisions import draft_revision, published_revision
from elearn.core.db import unit_of_work
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.studio import drafts, outline
from tests.conftest import committed
from tests.studio.conftest import attached, course_row, imported_course, new_studio_course


def layout(app, slug: str) -> list[tuple[str, list[str], list[str]]]:
    """(section title, lesson slugs, quiz keys) of the draft, in order."""
    with app.app_context():
        draft = draft_revision(course_row(slug).id)
        shown = structure.for_revision(draft.id)
        return [
            (s.title, [lesson.slug for lesson in s.lessons], [q.key for q in s.quizzes])
            for s in shown.sections
        ]


@pytest.fixture
def course(app, owner):
    """A studio course with three lessons in two sections and a quiz in each."""
    slug = new_studio_course(app, owner, lessons=3)
    with app.app_context(), unit_of_work():
        draft = drafts.ensure_draft(course_row(slug), attached(owner))
        outline.add_section(draft, "Phần 2")
        outline.move_lesson(draft, "bai-3", 2, 1)
        outline.add_quiz(draft, "kt-1", "Kiểm tra 1", 1)
        outline.add_quiz(draft, "kt-2", "Kiểm tra 2", 2)
    assert layout(app, slug) == [
        ("Phần 1", ["bai-1", "bai-2"], ["kt-1"]),
        ("Phần 2", ["bai-3"], ["kt-2"]),
    ]
    return slug


def edit(app, owner, slug, action, *args):
    with app.app_context():
        draft = committed(drafts.ensure_draft, course_row(slug), attached(owner))
        committed(action, draft, *args)


def test_moves_within_and_across_sections(app, owner, course):
    edit(app, owner, course, outline.move_lesson, "bai-2", 1, 1)
    assert layout(app, course)[0][1] == ["bai-2", "bai-1"]
    edit(app, owner, course, outline.move_lesson, "bai-1", 2, 99)  # clamped to the end
    assert layout(app, course) == [
        ("Phần 1", ["bai-2"], ["kt-1"]),
        ("Phần 2", ["bai-3", "bai-1"], ["kt-2"]),
    ]
    edit(app, owner, course, outline.move_quiz, "kt-2", 1, 1)
    assert [s[2] for s in layout(app, course)] == [["kt-2", "kt-1"], []]
    edit(app, owner, course, outline.move_section, 2, 1)
    assert layout(app, course) == [
        ("Phần 2", ["bai-3", "bai-1"], []),
        ("Phần 1", ["bai-2"], ["kt-2", "kt-1"]),
    ]
    # Steps: at the top of a section, "up" goes to the end of the section before.
    edit(app, owner, course, outline.move_lesson_step, "bai-2", "up")
    assert layout(app, course)[0][1] == ["bai-3", "bai-1", "bai-2"]
    edit(app, owner, course, outline.move_lesson_step, "bai-2", "down")
    assert layout(app, course)[1][1] == ["bai-2"]
    edit(app, owner, course, outline.move_lesson_step, "bai-3", "up")  # already first
    assert layout(app, course)[0][1] == ["bai-3", "bai-1"]
    edit(app, owner, course, outline.move_quiz_step, "kt-2", "up")
    assert layout(app, course)[0][2] == ["kt-2"]
    # The draft still reads back as a package (its quizzes have no questions yet).
    with app.app_context():
        draft = draft_revision(course_row(course).id)
        problems = drafts.draft_problems(draft, set())
        assert sorted(p.message for p in problems) == [
            "quiz 'kt-1': 'items' must be a non-empty list",
            "quiz 'kt-2': 'items' must be a non-empty list",
        ]


def test_moves_refuse_what_does_not_exist(app, owner, course):
    with app.app_context():
        draft = committed(drafts.ensure_draft, course_row(course), attached(owner))
        for call in (
            lambda: outline.move_lesson(draft, "khong-co", 1, 1),
            lambda: outline.move_lesson(draft, "bai-1", 3, 1),
            lambda: outline.move_quiz(draft, "khong-co", 1, 1),
            lambda: outline.move_section(draft, 7, 1),
            lambda: outline.delete_lesson(draft, "khong-co"),
            lambda: outline.rename_section(draft, 0, "X"),
        ):
            with pytest.raises(NotFound):
                committed(call)
        with pytest.raises(ValidationFailed):
            committed(outline.move_lesson_step, draft, "bai-1", "sideways")
    imported = imported_course(app, owner)
    with app.app_context():
        published = published_revision(course_row(imported).id)
        with pytest.raises(Conflict):
            committed(outline.add_section, published, "Không được")


def test_the_buttons_are_plain_forms(app, owner, auth_client, course):
    client = auth_client(owner)
    page = client.get(f"/studio/courses/{course}").text
    assert f'action="/studio/courses/{course}/lessons/bai-2/move"' in page
    assert 'name="direction" value="up"' in page and 'aria-label="Chuyển “Bài 2” lên"' in page
    response = client.post(f"/studio/courses/{course}/lessons/bai-2/move", data={"direction": "up"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/studio/courses/{course}#lesson-bai-2")
    assert layout(app, course)[0][1] == ["bai-2", "bai-1"]
    client.post(f"/studio/courses/{course}/quizzes/kt-1/move", data={"direction": "down"})
    assert [s[2] for s in layout(app, course)] == [[], ["kt-1", "kt-2"]]
    client.post(f"/studio/courses/{course}/sections/2/move", data={"direction": "up"})
    assert [s[0] for s in layout(app, course)] == ["Phần 2", "Phần 1"]
    # A place instead of a step (what a drag and drop will send).
    client.post(f"/studio/courses/{course}/lessons/bai-1/move", data={"section": 1, "position": 1})
    assert layout(app, course)[0][1] == ["bai-1", "bai-3"]
    response = client.post(
        f"/studio/courses/{course}/lessons/bai-1/move", data={"direction": "xa"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Chỉ có thể chuyển lên hoặc xuống." in response.text


def test_sections_are_added_renamed_and_deleted_when_empty(app, owner, auth_client, course):
    client = auth_client(owner)
    base = f"/studio/courses/{course}/sections"
    assert client.post(base, data={"section-title": "Phần 3"}).status_code == 303
    assert client.post(f"{base}/3/rename", data={"title": "Phần ba"}).status_code == 303
    assert [s[0] for s in layout(app, course)] == ["Phần 1", "Phần 2", "Phần ba"]
    response = client.post(f"{base}/1/delete", follow_redirects=True)
    assert "Chỉ xóa được phần trống" in response.text
    assert client.post(f"{base}/3/delete").status_code == 303
    assert [s[0] for s in layout(app, course)] == ["Phần 1", "Phần 2"]
    # Bad titles: empty, too long, a line break; the page says why.
    response = client.post(base, data={"section-title": ""})
    assert response.status_code == 400 and "Vui lòng nhập tiêu đề." in response.text
    assert client.post(base, data={"section-title": "x" * 201}).status_code == 400
    response = client.post(base, data={"section-title": "Hai\ndòng"})
    assert response.status_code == 400 and "không hiển thị được" in response.text
    response = client.post(f"{base}/1/rename", data={"title": ""}, follow_redirects=True)
    assert "Vui lòng nhập tiêu đề (tối đa 200 ký tự)." in response.text
    assert client.post(f"{base}/9/rename", data={"title": "X"}).status_code == 303
    assert [s[0] for s in layout(app, course)] == ["Phần 1", "Phần 2"]


def test_the_last_section_stays(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=0)
    client = auth_client(owner)
    response = client.post(f"/studio/courses/{slug}/sections/1/delete", follow_redirects=True)
    assert "Khóa học cần có ít nhất một phần." in response.text


def test_lessons_are_added_with_a_checked_address(app, owner, auth_client, course):
    client = auth_client(owner)
    url = f"/studio/courses/{course}/lessons"
    good = {"lesson-title": "Bài mới", "lesson-slug": "bai-moi", "lesson-section": "2"}
    response = client.post(url, data=good)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/studio/courses/{course}/lessons/bai-moi")
    assert layout(app, course)[1][1] == ["bai-3", "bai-moi"]
    for data, message in [
        ({"lesson-slug": "bai-moi"}, "Khóa học này đã có bài học ở địa chỉ “bai-moi”."),
        ({"lesson-slug": "Bài Mới"}, "Dùng chữ thường không dấu"),
        ({"lesson-slug": "bai--moi"}, "Dùng chữ thường không dấu"),
        ({"lesson-slug": "-bai"}, "Dùng chữ thường không dấu"),
        ({"lesson-slug": ""}, "Vui lòng nhập địa chỉ."),
        ({"lesson-slug": "a" * 121}, "Tối đa 120 ký tự."),
        ({"lesson-title": ""}, "Vui lòng nhập tiêu đề."),
        ({"lesson-section": "9", "lesson-slug": "bai-khac"}, "Không có phần này."),
    ]:
        response = client.post(url, data=good | data, follow_redirects=True)
        assert message in response.text, (data, response.status_code)
    assert layout(app, course)[1][1] == ["bai-3", "bai-moi"]
    # A deleted lesson's address can be used again: the same key, so progress comes back.
    page = client.get(f"{url}/bai-moi/delete")
    assert page.status_code == 200 and "Xóa bài học “Bài mới”?" in page.text
    assert client.post(f"{url}/bai-moi/delete").status_code == 303
    assert client.post(url, data=good).status_code == 303


def test_quizzes_are_added_and_deleted(app, owner, auth_client, course):
    client = auth_client(owner)
    url = f"/studio/courses/{course}/quizzes"
    response = client.post(url, data={"quiz-title": "Cuối khóa", "quiz-key": "cuoi-khoa"})
    assert response.status_code == 303
    assert layout(app, course)[1][2] == ["kt-2", "cuoi-khoa"]  # the last section by default
    response = client.post(url, data={"quiz-title": "Lại", "quiz-key": "cuoi-khoa"})
    assert response.status_code == 400 and "đã có bài kiểm tra mã “cuoi-khoa”" in response.text
    response = client.post(url, data={"quiz-title": "Lại", "quiz-key": "a" * 81})
    assert response.status_code == 400
    assert "Xóa bài kiểm tra “Cuối khóa”?" in client.get(f"{url}/cuoi-khoa/delete").text
    assert client.post(f"{url}/cuoi-khoa/delete").status_code == 303
    assert client.get(f"{url}/cuoi-khoa/delete").status_code == 404
    assert layout(app, course)[1][2] == ["kt-2"]


def test_deleting_keeps_what_learners_see_until_publishing(app, owner, auth_client):
    slug = imported_course(app, owner)
    client = auth_client(owner)
    assert client.post(f"/studio/courses/{slug}/lessons/bai-hai/delete").status_code == 303
    assert client.post(f"/studio/courses/{slug}/quizzes/cuoi-khoa/delete").status_code == 303
    with app.app_context():
        shown = structure.published(slug)
        assert "bai-hai" in shown.lesson_by_slug and "cuoi-khoa" in shown.quiz_by_key
        assert published_revision(course_row(slug).id).id == shown.revision_id
    assert layout(app, slug) == [
        ("Phần một", ["bai-mot"], ["kiem-tra-nhanh"]),
        ("Phần hai", [], []),
    ]
