"""The lesson editor's helpers: uploads into the draft (large photos pass, larger ones get
the uploads' 413, scriptable files 400), the history's diff, the minutes suggested, the
editor page's hooks for its script, drag-and-drop moves, and the quiz preview that records
nothing."""

from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from elearn.content.models import RevisionAsset
from elearn.extensions import db
from elearn.quiz.models import QuizAttempt
from elearn.studio import drafts, lessons
from elearn.studio.diffs import line_diff
from elearn.studio.sources import suggested_minutes, word_count
from tests.studio.conftest import add_coauthor, course_row, imported_course, new_studio_course

LESSON = "/studio/courses/{slug}/lessons/bai-1"
UPLOAD = LESSON + "/uploads"
JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def big_jpeg() -> bytes:
    """A photo of about 9 MB (noise does not compress)."""
    size = 2200
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=100)
    return out.getvalue()


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def multipart(client, url: str, fields: dict, headers=None):
    """POST a multipart body built here: the test client would spool a large one to a
    temporary file that a refused (unread) request leaves open."""
    boundary, body = encode_multipart(fields)
    return client.post(
        url,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers or {},
    )


def upload(client, slug, data: bytes, name: str, headers=None):
    file = FileStorage(io.BytesIO(data), name)
    return multipart(client, UPLOAD.format(slug=slug), {"file": file}, headers)


def draft_assets(app, slug) -> dict[str, str]:
    with app.app_context():
        draft = drafts.revision_summary(course_row(slug))["draft"]
        return dict(
            db.session.execute(
                select(RevisionAsset.path, RevisionAsset.sha256).where(
                    RevisionAsset.revision_id == draft.id
                )
            ).all()
        )


# --------------------------------------------------------------------------- uploads


def test_an_image_upload_is_named_in_the_draft_and_shown_with_its_sizes(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    response = upload(client, slug, small_png(), "Ảnh sản phẩm.png", JSON)
    assert response.status_code == 200, response.text
    answer = response.json
    assert answer["kind"] == "image" and answer["name"].startswith("anh-san-pham-")
    assert answer["markdown"] == f"![Ảnh sản phẩm](assets/{answer['name']})"
    assert answer["name"] in draft_assets(app, slug)
    # Uploading the same file again changes nothing.
    assert upload(client, slug, small_png(), "Ảnh sản phẩm.png", JSON).json == answer
    # Saved in a lesson, the image is shown in its sizes (a <picture>), in the preview too.
    page = client.get(LESSON.format(slug=slug)).text
    version = int(re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1))
    body = {"title": "Bài 1", "minutes": 2, "markdown": answer["markdown"] + "\n"}
    preview = client.post(
        LESSON.format(slug=slug), json=body | {"version": version, "action": "preview"},
        headers=JSON,
    )  # fmt: skip
    assert "<picture" in preview.json["html"]
    saved = client.post(LESSON.format(slug=slug), json=body | {"version": version}, headers=JSON)
    assert saved.status_code == 200
    shown = client.get(LESSON.format(slug=slug) + "/preview").text
    assert "<picture" in shown and "image/webp" in shown


def test_without_the_script_the_upload_shows_the_markdown_to_copy(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    response = upload(
        client, slug, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "Hồ sơ.pdf"
    )
    assert response.status_code == 303, response.text
    page = client.get(response.headers["Location"]).text
    name = re.search(r"uploaded=([\w.-]+)", response.headers["Location"]).group(1)
    assert f'value="[{name}](assets/{name})"' in page and 'id="upload-snippet"' in page
    # A name the draft does not have shows nothing.
    assert (
        'id="upload-snippet"'
        not in client.get(LESSON.format(slug=slug) + "?uploaded=khong-co.png").text
    )


def test_a_9_mb_photo_passes_the_app_wide_request_limit(app, owner, auth_client, big_jpeg):
    assert 8.5 * 2**20 < len(big_jpeg) < 10 * 2**20
    assert app.config["MAX_CONTENT_LENGTH"] < len(big_jpeg)
    slug = new_studio_course(app, owner, lessons=1)
    response = upload(auth_client(owner), slug, big_jpeg, "anh.jpg", JSON)
    assert response.status_code == 200, response.text
    assert response.json["name"] in draft_assets(app, slug)


def test_an_11_mb_file_gets_the_uploads_own_413(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    data = b"\xff\xd8\xff" + b"\0" * (11 * 2**20)
    response = upload(client, slug, data, "anh.jpg", JSON)
    assert response.status_code == 413
    assert response.json["error"]["message"] == "Tệp lớn hơn 10 MB."
    page = upload(client, slug, data, "anh.jpg")
    assert page.status_code == 413 and "Tệp lớn hơn 10 MB." in page.text
    # Other studio forms keep the app-wide limit.
    big_form = multipart(
        client, f"/studio/courses/{slug}/sections", {"section-title": "x" * (3 * 2**20)}
    )
    assert big_form.status_code == 413


def test_svg_and_missing_files_are_refused_with_400(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload(client, slug, svg, "logo.svg", JSON)
    assert response.status_code == 400 and "SVG" in response.json["error"]["message"]
    response = client.post(UPLOAD.format(slug=slug), data={}, headers=JSON)
    assert response.status_code == 400
    assert draft_assets(app, slug) == {}


@pytest.mark.parametrize("who", ["learner", "stranger"])
def test_only_the_course_staff_may_upload(app, owner, stranger, make_user, auth_client, who):
    slug = new_studio_course(app, owner, lessons=1)
    user = stranger if who == "stranger" else make_user("learner", email="hv@example.vn")
    response = upload(auth_client(user), slug, small_png(), "a.png", JSON)
    assert response.status_code == 403
    assert draft_assets(app, slug) == {}


def test_a_coauthor_may_upload(app, owner, coauthor, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    add_coauthor(app, slug, coauthor)
    assert upload(auth_client(coauthor), slug, small_png(), "a.png", JSON).status_code == 200


def test_the_upload_form_needs_its_csrf_token(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get(LESSON.format(slug=slug)).text
        token = re.search(r'id="upload-form".*?name="csrf_token" value="([^"]+)"', page, re.S)
        assert upload(client, slug, small_png(), "a.png", JSON).status_code == 400
        response = client.post(
            UPLOAD.format(slug=slug),
            data={"file": (io.BytesIO(small_png()), "a.png"), "csrf_token": token.group(1)},
            headers=JSON,
        )
        assert response.status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --------------------------------------------------------------------------- diff, words


def test_line_diff_marks_removed_and_added_lines_with_their_numbers():
    hunks = line_diff("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(x.mark, x.old, x.new, x.text) for x in hunks[0]] == [
        (" ", 1, 1, "a"),
        ("-", 2, None, "b"),
        ("+", None, 2, "B"),
        (" ", 3, 3, "c"),
        ("+", None, 4, "d"),
    ]
    assert line_diff("same\n", "same\n") == []
    far = line_diff("\n".join(map(str, range(30))), "\n".join(map(str, range(29))) + "\nx")
    assert len(far) == 1 and far[0][0].text == "26"  # three lines of context


def test_word_count_and_the_minutes_suggested():
    assert word_count("Xin chào, **bà con** nông dân!") == 6
    assert suggested_minutes("") == 1
    assert suggested_minutes("từ " * 1000) == 5
    assert suggested_minutes("từ " * 100_000) == 240


def test_the_history_shows_what_changed_since_the_version_before(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    url = LESSON.format(slug=slug)
    body = {"title": "Bài một", "minutes": 3, "markdown": "Nội dung mới <b>.\n", "version": 2}
    assert client.post(url, json=body, headers=JSON).json == {"version": 3}
    page = client.get(url + "/history/3").text
    assert "Thay đổi so với phiên bản 2" in page
    assert '<del><span class="visually-hidden">' in page and "Nội dung của bài 1." in page
    assert "<ins>" in page and "Nội dung mới &lt;b&gt;." in page  # escaped, never markup
    assert "<del>Bài 1</del>" in page and "<ins>Bài một</ins>" in page
    first = client.get(url + "/history/1").text
    assert first.count("<ins>") == 0 and "phiên bản đầu tiên" in first
    assert 'id="restore-version"' in client.get(url + "/history/2").text


# --------------------------------------------------------------------------- the pages


def test_the_editor_page_has_its_scripts_hooks(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    page = client.get(LESSON.format(slug=slug)).text
    for hook in (
        'id="md-toolbar"', 'data-md="bold"', 'data-md="table"', 'id="autosave-status"',
        'aria-live="polite"', 'id="conflict-panel"', 'id="upload-form"', 'id="upload-file"',
        'id="live-preview"', "js/studio-editor.js", f'data-storage-key="studio:{slug}:bai-1:2"',
        "Đã lưu", "Đang lưu…", "Chưa lưu — đang thử lại",
    ):  # fmt: skip
        assert hook in page, hook
    assert "<script>" not in page  # no inline script (CSP)
    course = client.get(f"/studio/courses/{slug}").text
    assert "js/studio-outline.js" in course and "data-move-url=" in course


def test_a_dropped_lesson_moves_by_the_same_post_as_the_buttons(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=2)
    client = auth_client(owner)
    response = client.post(
        f"/studio/courses/{slug}/lessons/bai-2/move", data={"section": 1, "position": 1}
    )
    assert response.status_code == 303
    with app.app_context():
        draft = drafts.working_revision(course_row(slug))
        from elearn.content import structure

        shown = structure.for_revision(draft.id)
        assert [lesson.slug for lesson in shown.sections[0].lessons] == ["bai-2", "bai-1"]


def test_the_quiz_preview_grades_in_memory_and_records_nothing(app, owner, auth_client):
    slug = imported_course(app, owner)
    client = auth_client(owner)
    url = f"/studio/courses/{slug}/quizzes/kiem-tra-nhanh/preview"
    page = client.get(url)
    assert page.status_code == 200
    assert "Bản xem trước — không được lưu" in page.text and 'name="q-1"' in page.text
    answers = dict(re.findall(r'name="(q-\d+)" value="([^"]+)"', page.text))
    response = client.post(url, data=answers)
    assert response.status_code == 200
    assert (
        "Bản xem trước — không được lưu" in response.text and 'id="preview-result"' in response.text
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
        # Nothing of the course changed either: no draft was made.
        assert drafts.revision_summary(course_row(slug))["draft"] is None
    assert client.get(f"/studio/courses/{slug}/quizzes/khong-co/preview").status_code == 404


def test_the_lesson_preview_uses_the_learners_page_and_keeps_video_click_to_load(
    app, owner, auth_client
):
    slug = new_studio_course(app, owner, lessons=1)
    page = auth_client(owner).get(LESSON.format(slug=slug) + "/preview").text
    assert 'class="lesson-body"' in page and "<iframe" not in page
    with app.app_context():
        assert lessons.lesson_text(course_row(slug), "bai-1").video_url is None
