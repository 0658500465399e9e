"""The lesson editor: versions with who and when, optimistic locking with two clients (the
later save is refused with both texts, nothing overwritten), JSON for the editor's script,
history and restore, a preview through the learners' sanitiser."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from elearn.content.models import LessonVersion
from elearn.content.package import read_files, write_files
from elearn.content.revisions import draft_revision, package_of
from elearn.core.errors import NotFound, ValidationFailed
from elearn.extensions import db
from elearn.studio import lessons
from elearn.studio.sources import compose_source, split_source, suggested_minutes
from tests.conftest import committed
from tests.studio.conftest import (
    add_coauthor,
    attached,
    course_row,
    form_version,
    imported_course,
    new_studio_course,
)

URL = "/studio/courses/{slug}/lessons/{lesson}"
JSON = {"Accept": "application/json"}


def versions(app, slug: str, lesson: str) -> list[tuple[int, str, int | None]]:
    with app.app_context():
        return [
            (e.number, e.title, e.saved_by)
            for e in lessons.lesson_history(course_row(slug), lesson)
        ]


def test_two_authors_on_one_lesson_the_later_save_gets_the_conflict_view(
    app, owner, coauthor, auth_client
):
    slug = new_studio_course(app, owner, lessons=1)
    add_coauthor(app, slug, coauthor)
    url = URL.format(slug=slug, lesson="bai-1")
    first, second = auth_client(owner), auth_client(coauthor)
    # Both open the editor on version 2 (1: created empty, 2: its first text).
    base = form_version(first.get(url).text)
    assert base == form_version(second.get(url).text) == 2
    response = first.post(
        url, data={"title": "Bài 1", "minutes": "3", "markdown": "Bản của chủ.", "version": base}
    )
    assert response.status_code == 303
    mine = "Bản của đồng tác giả,\r\nhai dòng."
    response = second.post(
        url, data={"title": "Bài 1 (sửa)", "minutes": "4", "markdown": mine, "version": base}
    )
    assert response.status_code == 409
    page = response.text
    assert "Trong lúc đó đã có người khác lưu bài học này" in page
    assert "Trần Chủ đã lưu phiên bản 3" in page
    theirs = re.search(r'<textarea id="theirs-markdown"[^>]*readonly>([^<]*)</textarea>', page)
    assert theirs.group(1) == "Bản của chủ.\n"
    yours = re.search(r'<textarea[^>]*name="markdown"[^>]*>\s*([^<]*)</textarea>', page)
    assert yours.group(1).replace("\r\n", "\n").strip() == "Bản của đồng tác giả,\nhai dòng."
    assert 'value="Bài 1 (sửa)"' in page
    # The merge path: the form now carries their version; saving it makes version 4.
    assert form_version(page) == 3
    with app.app_context():
        assert lessons.lesson_text(course_row(slug), "bai-1").markdown == "Bản của chủ.\n"
    merged = "Bản của chủ.\n\nBản của đồng tác giả,\nhai dòng."
    response = second.post(
        url, data={"title": "Bài 1 (sửa)", "minutes": "4", "markdown": merged, "version": 3}
    )
    assert response.status_code == 303
    assert versions(app, slug, "bai-1")[:2] == [
        (4, "Bài 1 (sửa)", "Lê Đồng"),
        (3, "Bài 1", "Trần Chủ"),
    ]
    with app.app_context():
        text = lessons.lesson_text(course_row(slug), "bai-1")
        assert (text.markdown, text.minutes, text.version) == (merged + "\n", 4, 4)


def test_the_editors_script_gets_json(app, owner, coauthor, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    add_coauthor(app, slug, coauthor)
    url = URL.format(slug=slug, lesson="bai-1")
    first, second = auth_client(owner), auth_client(coauthor)
    body = {"title": "Bài 1", "markdown": "Một.", "minutes": 2, "version": 2}
    response = first.post(url, json=body, headers=JSON)
    assert response.status_code == 200 and response.json == {"version": 3}
    # The same text again (an autosave retried after a lost answer): no conflict, no version.
    response = first.post(url, json=body, headers=JSON)
    assert response.status_code == 200 and response.json == {"version": 3}
    # A form post asking for JSON works the same way.
    response = second.post(
        url, data={"title": "Bài 1", "markdown": "Hai.", "minutes": "2", "version": "2"},
        headers=JSON,
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json["error"]["code"] == "edit_conflict"
    assert "Người khác đã lưu bài học này" in response.json["error"]["message"]
    theirs = response.json["theirs"]
    assert {k: theirs[k] for k in ("title", "markdown", "minutes", "version", "by")} == {
        "title": "Bài 1",
        "markdown": "Một.\n",
        "minutes": 2,
        "version": 3,
        "by": "Trần Chủ",
    }
    assert re.match(r"\d{4}-\d\d-\d\dT", theirs["at"])
    # The conflict panel shows the moment as the pages do: Vietnam's time, not UTC.
    with app.app_context():
        saved_at = lessons.lesson_text(course_row(slug), "bai-1").saved_at
    local = saved_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert theirs["when"] == f"{local.day}/{local.month}/{local.year} {local:%H:%M:%S}"
    response = first.post(url, json=body | {"minutes": 0, "title": ""}, headers=JSON)
    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"title", "minutes"}
    response = first.post(url, json=["không", "phải", "đối tượng"], headers=JSON)
    assert response.status_code == 400
    assert (
        first.post(URL.format(slug=slug, lesson="khong-co"), json=body, headers=JSON).status_code
        == 404
    )
    # Preview as JSON: the learners' renderer, nothing saved.
    response = first.post(
        url, json=body | {"markdown": "**Đậm** <script>x</script>", "action": "preview"},
        headers=JSON,
    )  # fmt: skip
    assert response.json == {"html": "<p><strong>Đậm</strong> </p>\n"}
    assert [v[0] for v in versions(app, slug, "bai-1")] == [3, 2, 1]


def test_a_save_makes_a_version_only_when_something_changed(app, owner, auth_client):
    slug = imported_course(app, owner)
    client = auth_client(owner)
    url = URL.format(slug=slug, lesson="bai-mot")
    page = client.get(url).text
    assert form_version(page) == 1
    data = {"title": "Bài một", "minutes": "5", "markdown": "Nội dung bài một.", "version": "1"}
    response = client.post(url, data=data, follow_redirects=True)
    assert "Không có gì thay đổi kể từ lần lưu trước." in response.text
    with app.app_context():
        # No draft was made for nothing.
        assert draft_revision(course_row(slug).id) is None
        count = db.session.scalar(select(func.count()).select_from(LessonVersion))
    response = client.post(url, data=data | {"minutes": "6"}, follow_redirects=True)
    assert "Đã lưu thành phiên bản 2." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonVersion)) == count + 1
        version = db.session.scalar(select(LessonVersion).order_by(LessonVersion.id.desc()))
        assert version.created_by_id == owner.id and version.minutes == 6
        # The source reads back with the package reader, front matter and all.
        draft = draft_revision(course_row(slug).id)
        package = read_files(write_files(package_of(draft)))
        assert package.lessons["bai-mot"].minutes == 6
        assert package.lessons["bai-mot"].title == "Bài một"


def test_history_and_restore(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    url = URL.format(slug=slug, lesson="bai-1")
    for n, text in enumerate(["Lần ba.", "Lần bốn."], start=3):
        client.post(url, data={"title": f"Bài {n}", "minutes": "2", "markdown": text,
                               "version": n - 1})  # fmt: skip
    page = client.get(url + "/history").text
    assert page.count("Khôi phục phiên bản này") == 3  # every version but the current one
    assert "Lưu lúc" in page and "Trần Chủ" in page
    old = client.get(url + "/history/2").text
    assert "Nội dung của bài 1." in old
    response = client.post(url + "/history/2/restore", data={"version": "4"})
    assert response.status_code == 303
    with app.app_context():
        text = lessons.lesson_text(course_row(slug), "bai-1")
        assert (text.version, text.title, text.markdown) == (5, "Bài 1", "Nội dung của bài 1.\n")
    # A stale history page (someone saved since) is refused, nothing restored.
    response = client.post(url + "/history/3/restore", data={"version": "4"},
                           follow_redirects=True)  # fmt: skip
    assert "Có người đã lưu bài học sau khi bạn mở lịch sử" in response.text
    assert versions(app, slug, "bai-1")[0][0] == 5
    assert client.post(url + "/history/99/restore", data={"version": "5"}).status_code == 404
    assert client.get(url + "/history/99").status_code == 404


def test_preview_uses_the_learners_sanitiser_and_resolves_assets(app, owner, auth_client):
    slug = imported_course(app, owner)
    client = auth_client(owner)
    url = URL.format(slug=slug, lesson="bai-mot")
    evil = (
        '# Tiêu đề\n\n<img src=x onerror="alert(1)"> [a](javascript:alert(1)) '
        "<iframe src=https://example.com></iframe>\n\n| A | B |\n| - | - |\n| 1 | 2 |\n"
    )
    response = client.post(
        url,
        data={"title": "Bài", "minutes": "1", "markdown": evil, "version": "1",
              "action": "preview"},
    )  # fmt: skip
    assert response.status_code == 200
    preview = response.text[response.text.index('id="preview"') :]
    assert "onerror" not in preview and "<iframe" not in preview
    assert 'href="javascript' not in preview  # left as plain text
    assert 'role="region" tabindex="0"' in preview  # the learners' table wrapper
    # Nothing was saved.
    with app.app_context():
        assert draft_revision(course_row(slug).id) is None
    # The saved text's preview page is the learners' rendering of the stored version.
    assert "Nội dung bài một." in client.get(url + "/preview").text


def test_the_minutes_are_suggested_from_the_word_count(app, owner, auth_client):
    assert suggested_minutes("") == 1
    assert suggested_minutes("từ " * 1000) == 5
    assert suggested_minutes("từ " * 100_000) == 240
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    url = URL.format(slug=slug, lesson="bai-1")
    client.post(url, data={"title": "Bài 1", "minutes": "1", "markdown": "chữ " * 600,
                           "version": "2"})  # fmt: skip
    assert "Gợi ý theo 600 từ của bài: 3 phút." in client.get(url).text


def test_sources_compose_and_split():
    source = compose_source("Bài: “một”", 3, "Dòng 1\n\n---\n\nDòng 2\n", video=None)
    assert source.startswith("---\ntitle: 'Bài: “một”'\nminutes: 3\n---\n\n")
    assert split_source(source) == "Dòng 1\n\n---\n\nDòng 2\n"
    files = {
        "course.toml": b'slug = "k"\ntitle = "K"\nsummary = "S"\ntopic = "branding"\n'
        b'estimated_hours = 1\nversion = "1"\n[[sections]]\ntitle = "P"\nlessons = ["a"]\n',
        "lessons/a.md": source.encode(),
    }
    lesson = read_files(files).lessons["a"]
    assert (lesson.title, lesson.minutes) == ("Bài: “một”", 3)
    hidden = compose_source("T", 2, "x", required=False, video="https://youtu.be/abcdefgh",
                            video_minutes=4)  # fmt: skip
    assert "required: false" in hidden and "video_minutes: 4" in hidden
    assert split_source("---\ntitle: T\nminutes: 1\n---\n") == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Một\tdòng"}, "title"),
        ({"minutes": "0"}, "minutes"),
        ({"minutes": "241"}, "minutes"),
        ({"minutes": "năm"}, "minutes"),
        ({"minutes": ""}, "minutes"),
        ({"version": ""}, "version"),
        ({"version": "-1"}, "version"),
        ({"version": "abc"}, "version"),
        ({"markdown": "a\x01b"}, "markdown"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(app, owner, auth_client, data, field):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    url = URL.format(slug=slug, lesson="bai-1")
    good = {"title": "Bài 1", "minutes": "2", "markdown": "Khác.", "version": "2"}
    before = versions(app, slug, "bai-1")
    response = client.post(url, data=good | data)
    assert response.status_code == 400, response.status_code
    assert f'id="{field}-error"' in response.text or field in ("version",)
    response = client.post(url, data=good | data, headers=JSON)
    assert response.status_code == 400
    assert field in response.json["error"].get("fields", {}) or field == "version"
    assert versions(app, slug, "bai-1") == before


def test_a_nul_byte_and_an_oversized_text_are_refused(app, owner, auth_client):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    url = URL.format(slug=slug, lesson="bai-1")
    good = {"title": "Bài 1", "minutes": "2", "markdown": "Khác.", "version": "2"}
    assert client.post(url, data=good | {"markdown": "a\x00b"}).status_code == 400
    assert client.post(url, json=good | {"title": "a\x00"}, headers=JSON).status_code == 400
    # Above the request size limit, then above the lesson limit under it.
    big = "chữ " * 700_000
    assert client.post(url, data=good | {"markdown": big}).status_code == 413
    with app.app_context(), pytest.raises(ValidationFailed) as caught:
        committed(lessons.save_lesson, course_row(slug), "bai-1", "Bài 1", "ạ" * 800_000, 2, 2,
                  attached(owner))  # fmt: skip
    assert "markdown" in caught.value.fields
    with app.app_context(), pytest.raises(NotFound):
        committed(lessons.save_lesson, course_row(slug), "khong-co", "T", "x", 2, 1,
                  attached(owner))  # fmt: skip
    assert versions(app, slug, "bai-1")[0][0] == 2


def test_two_saves_at_the_same_moment_one_wins_one_conflicts(app, owner, coauthor, auth_client):
    """Both editors loaded the same version and save at once, on the first edit after a
    publish (both would make the draft): one saves, the other gets the conflict, every
    time; never two drafts, never a lost or duplicate version."""
    import threading

    slug = imported_course(app, owner)
    add_coauthor(app, slug, coauthor)
    url = URL.format(slug=slug, lesson="bai-hai")
    clients = [auth_client(owner), auth_client(coauthor)]
    for trial in range(6):
        base = form_version(clients[0].get(url).text)
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def save(client, text, barrier=barrier, statuses=statuses, base=base):
            barrier.wait()
            data = {"title": "Bài hai", "minutes": "3", "markdown": text, "version": base}
            statuses.append(client.post(url, data=data, headers=JSON).status_code)

        threads = [
            threading.Thread(target=save, args=(client, f"Lần {trial}, người {n}."))
            for n, client in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200, 409], (trial, statuses)
        with app.app_context():
            history = lessons.lesson_history(course_row(slug), "bai-hai")
            assert [e.number for e in history] == list(range(base + 1, 0, -1)), trial
        if trial == 2:  # publish in between: the next trial starts a new draft
            assert clients[0].post(f"/studio/courses/{slug}/publish").status_code == 303


def test_the_forms_carry_their_csrf_token_and_the_script_sends_it_as_a_header(
    app, owner, auth_client
):
    slug = new_studio_course(app, owner, lessons=1)
    client = auth_client(owner)
    url = URL.format(slug=slug, lesson="bai-1")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get(url).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"title": "Bài 1", "minutes": "2", "markdown": "Có mã.", "version": "2"}
        assert client.post(url, data=data).status_code == 400  # no token
        assert client.post(url, data=data | {"csrf_token": token}).status_code == 303
        body = {"title": "Bài 1", "minutes": 2, "markdown": "Bằng JSON.", "version": 3}
        assert client.post(url, json=body, headers=JSON).status_code == 400
        response = client.post(url, json=body, headers=JSON | {"X-CSRFToken": token})
        assert response.status_code == 200 and response.json == {"version": 4}
        # Every studio form on the course page carries the token.
        editor = client.get(f"/studio/courses/{slug}").text
        forms = re.findall(r"<form method=\"post\".*?</form>", editor, re.S)
        assert len(forms) >= 8
        assert all('name="csrf_token"' in form or "csrf_token" in form for form in forms)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
