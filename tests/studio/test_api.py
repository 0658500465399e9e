"""The studio's API (/api/v1/studio): package import and export, lesson text with optimistic
locking, question import, publish; every response checked against the OpenAPI document."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from elearn.content.models import Course, CourseRevision
from elearn.content.package import files_from_folder, write_zip
from elearn.content.revisions import draft_revision
from elearn.extensions import db
from elearn.studio.models import CourseStaff
from tests.conftest import PASSWORD
from tests.studio.conftest import QUIZ_PACKAGE, add_coauthor, course_row, new_studio_course

BASE = "/api/v1/studio/courses"


def token_headers(client, user) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"login": user.email, "password": PASSWORD})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json['token']}"}


@pytest.fixture
def owner_h(client, owner):
    return token_headers(client, owner)


def package_zip(slug: str = "khoa-nhap-api", extra: dict[str, bytes] | None = None) -> bytes:
    files = files_from_folder(QUIZ_PACKAGE)
    files["course.toml"] = files["course.toml"].replace(
        b'slug = "khoa-kiem-tra"', f'slug = "{slug}"'.encode()
    )
    return write_zip(files | (extra or {}))


def multipart(data: bytes, name: str = "khoa.zip", field: str = "file") -> dict:
    """A multipart body made here: the test client spools large ones to a temporary file
    that it leaves open when the app refuses the request unread."""
    body = (
        b'--B\r\nContent-Disposition: form-data; name="' + field.encode() + b'"; '
        b'filename="' + name.encode() + b'"\r\nContent-Type: application/octet-stream'
        b"\r\n\r\n" + data + b"\r\n--B--\r\n"
    )
    return {"data": body, "content_type": "multipart/form-data; boundary=B"}


def upload(client, headers, data: bytes, query: str = "", name: str = "khoa.zip"):
    return client.post(f"{BASE}{query}", headers=headers, **multipart(data, name))


def count_courses(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Course.id)).all())


# --------------------------------------------------------------------------- package import


def test_dry_run_checks_and_saves_nothing_then_import_makes_a_draft_owned(
    app, client, owner, owner_h
):
    before = count_courses(app)
    response = upload(client, owner_h, package_zip(), "?dry_run=1")
    assert response.status_code == 200
    assert response.json == {"slug": "khoa-nhap-api", "valid": True, "problems": []}
    assert count_courses(app) == before
    response = upload(client, owner_h, package_zip())
    assert response.status_code == 201
    assert response.json == {"slug": "khoa-nhap-api", "state": "draft"}
    with app.app_context():
        course = course_row("khoa-nhap-api")
        assert course.origin == "import"
        assert draft_revision(course.id) is not None
        role = db.session.scalar(
            select(CourseStaff.role).where(
                CourseStaff.course_id == course.id, CourseStaff.user_id == owner.id
            )
        )
        assert role == "owner"
    # The same address again: a problem of the package (422), nothing saved.
    again = upload(client, owner_h, package_zip(), "?dry_run=1")
    assert again.status_code == 200 and again.json["valid"] is False
    assert "khoa-nhap-api" in again.json["problems"][0]["message"]
    again = upload(client, owner_h, package_zip())
    assert again.status_code == 422
    assert again.json["error"]["problems"][0]["path"] == "course.toml"


def test_a_package_with_problems_is_listed_on_dry_run_and_refused_with_422(app, client, owner_h):
    files = files_from_folder(QUIZ_PACKAGE)
    files["lessons/bai-mot.md"] = b"no front matter"
    data = write_zip(files)
    dry = upload(client, owner_h, data, "?dry_run=1")
    assert dry.status_code == 200 and dry.json["valid"] is False
    assert any(p["path"] == "lessons/bai-mot.md" for p in dry.json["problems"])
    before = count_courses(app)
    response = upload(client, owner_h, data)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "package_has_problems"
    assert count_courses(app) == before


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"this is not a zip", "package.zip"),
        (package_zip(extra={"lessons/tool.py": b"import os\n"}), "lessons/tool.py"),
        (_zip({"course.toml": b"slug = 'x'", "../evil.md": b"x"}), "package.zip"),
        # A zip bomb: 150 MB of zeros packed into a few hundred kB.
        (_zip({"course.toml": b"", "assets/zeros.bin": bytes(150 * 2**20)}), "package.zip"),
    ],
    ids=["not-a-zip", "python-inside", "path-outside", "zip-bomb"],
)
def test_unsafe_zips_are_refused_with_400_and_a_clear_error(app, client, owner_h, data, where):
    before = count_courses(app)
    for query in ("", "?dry_run=1"):
        response = upload(client, owner_h, data, query)
        assert response.status_code == 400, response.json
        error = response.json["error"]
        assert error["code"] == "package_refused" and error["message"]
        assert error["problems"][0]["path"] == where
    assert count_courses(app) == before


def test_a_zip_larger_than_the_setting_is_413_and_the_limit_is_only_for_uploads(
    app, client, owner_h, monkeypatch
):
    monkeypatch.setitem(app.config, "ELEARN_PACKAGE_MAX_MB", 1)
    response = upload(client, owner_h, bytes(1024 * 1024 + 10))
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"
    # Between 2 MB (the app's limit) and the setting: read (and refused as not a zip).
    monkeypatch.setitem(app.config, "ELEARN_PACKAGE_MAX_MB", 50)
    response = upload(client, owner_h, bytes(3 * 1024 * 1024))
    assert response.status_code == 400 and response.json["error"]["code"] == "package_refused"
    # Other routes keep the app-wide 2 MB.
    response = client.post("/api/v1/auth/token", **multipart(bytes(3 * 1024 * 1024)))
    assert response.status_code == 413


def test_import_without_a_file_or_rights(app, client, owner_h, learner):
    response = client.post(BASE, headers=owner_h, data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and response.json["error"]["code"] == "no_file"
    response = client.post(BASE, headers=owner_h)
    assert response.status_code == 400
    assert upload(client, {}, package_zip()).status_code == 401
    assert upload(client, token_headers(client, learner), package_zip()).status_code == 403
    assert upload(client, owner_h, package_zip(), "?dry_run=maybe").status_code == 400


# --------------------------------------------------------------------------- export


def test_export_import_export_gives_identical_bytes(app, client, owner_h, admin):
    assert upload(client, owner_h, package_zip()).status_code == 201
    first = client.get(f"{BASE}/khoa-nhap-api/export?revision=draft", headers=owner_h)
    assert first.status_code == 200 and first.mimetype == "application/zip"
    assert "khoa-nhap-api-draft.zip" in first.headers["Content-Disposition"]
    again = client.get(f"{BASE}/khoa-nhap-api/export?revision=draft", headers=owner_h)
    assert again.data == first.data
    # Import the export under another address, export that: the same bytes, but the slug.
    renamed = first.data
    files = {}
    with zipfile.ZipFile(io.BytesIO(renamed)) as archive:
        for name in archive.namelist():
            files[name] = archive.read(name)
    files["course.toml"] = files["course.toml"].replace(b"khoa-nhap-api", b"khoa-ban-sao")
    assert upload(client, owner_h, write_zip(files)).status_code == 201
    second = client.get(f"{BASE}/khoa-ban-sao/export?revision=draft", headers=owner_h)
    with zipfile.ZipFile(io.BytesIO(second.data)) as archive:
        back = {name: archive.read(name) for name in archive.namelist()}
    back["course.toml"] = back["course.toml"].replace(b"khoa-ban-sao", b"khoa-nhap-api")
    assert write_zip(back) == first.data


def test_export_of_a_missing_revision_or_course_and_without_rights(
    app, client, owner, owner_h, stranger
):
    new_studio_course(app, owner)
    missing = client.get(f"{BASE}/khoa-moi/export", headers=owner_h)
    assert missing.status_code == 404  # never published
    assert client.get(f"{BASE}/khoa-moi/export?revision=draft", headers=owner_h).status_code == 200
    assert client.get(f"{BASE}/khoa-moi/export?revision=old", headers=owner_h).status_code == 400
    assert client.get(f"{BASE}/khong-co/export", headers=owner_h).status_code == 404
    stranger_h = token_headers(client, stranger)
    refused = client.get(f"{BASE}/khoa-moi/export?revision=draft", headers=stranger_h)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"


# --------------------------------------------------------------------------- lessons


def test_lesson_get_and_put_with_a_stale_version_conflict(app, client, owner, coauthor, owner_h):
    new_studio_course(app, owner)
    add_coauthor(app, "khoa-moi", coauthor)
    co_h = token_headers(client, coauthor)
    url = f"{BASE}/khoa-moi/lessons/bai-1"
    got = client.get(url, headers=owner_h)
    assert got.status_code == 200
    assert got.json == {
        "title": "Bài 1",
        "markdown": "Nội dung của bài 1.\n",
        "minutes": 2,
        "version": got.json["version"],
    }
    base = got.json["version"]
    mine = client.put(
        url, json={"title": "Bài 1", "markdown": "Của tôi.\n", "version": base}, headers=owner_h
    )
    assert mine.status_code == 200 and mine.json["version"] == base + 1
    # Sending the saved text again is not a conflict.
    same = client.put(
        url, json={"title": "Bài 1", "markdown": "Của tôi.\n", "version": base}, headers=owner_h
    )
    assert same.status_code == 200 and same.json["version"] == base + 1
    theirs = client.put(
        url, json={"title": "Bài 1", "markdown": "Của họ.\n", "version": base}, headers=co_h
    )
    assert theirs.status_code == 409
    assert theirs.json["error"]["code"] == "edit_conflict"
    assert theirs.json["theirs"]["markdown"] == "Của tôi.\n"
    assert theirs.json["theirs"]["version"] == base + 1
    assert theirs.json["theirs"]["by"] == "Trần Chủ"
    assert client.get(url, headers=co_h).json["markdown"] == "Của tôi.\n"  # nothing saved


@pytest.mark.parametrize(
    "body",
    [
        {"title": "x", "markdown": "y"},
        {"title": "x", "markdown": "y", "version": "1"},
        {"title": "", "markdown": "y", "version": 1},
        {"title": "x", "markdown": "y", "version": 1, "minutes": 0},
        {"title": "x\u0000", "markdown": "y", "version": 1},
    ],
)
def test_lesson_put_with_bad_bodies_is_400(app, client, owner, owner_h, body):
    new_studio_course(app, owner)
    response = client.put(f"{BASE}/khoa-moi/lessons/bai-1", json=body, headers=owner_h)
    assert response.status_code == 400


def test_lesson_routes_for_unknown_and_refused(app, client, owner, owner_h, stranger, admin):
    new_studio_course(app, owner)
    assert client.get(f"{BASE}/khoa-moi/lessons/khong-co", headers=owner_h).status_code == 404
    assert client.get(f"{BASE}/khong-co/lessons/bai-1", headers=owner_h).status_code == 404
    url = f"{BASE}/khoa-moi/lessons/bai-1"
    assert client.get(url, headers=token_headers(client, stranger)).status_code == 403
    assert client.get(url, headers=token_headers(client, admin)).status_code == 200
    assert client.get(url).status_code == 401


# --------------------------------------------------------------------------- questions


GIFT_OK = "$CATEGORY: Chung\n::c1:: Một cộng một? {=2 ~3}\n\n::c2:: Trời xanh. {T}\n"
GIFT_BAD = "::c1:: Một cộng một? {=2 ~3}\n\n::c2:: Hỏng {=a =b\n"


def test_question_import_dry_run_then_all_or_nothing(app, client, owner, owner_h):
    new_studio_course(app, owner)
    url = f"{BASE}/khoa-moi/questions/import"
    headers = owner_h | {"Content-Type": "text/plain; charset=utf-8"}
    dry = client.post(f"{url}?dry_run=1", data=GIFT_OK.encode(), headers=headers)
    assert dry.status_code == 200
    assert dry.json == {
        "questions": 2, "new": 2, "changed": 0, "unchanged": 0, "saved": False, "problems": []
    }  # fmt: skip
    bad = client.post(f"{url}?dry_run=1", data=GIFT_BAD.encode(), headers=headers)
    assert bad.status_code == 200 and bad.json["problems"]
    assert all("line" in p and p["message"] for p in bad.json["problems"])
    refused = client.post(url, data=GIFT_BAD.encode(), headers=headers)
    assert refused.status_code == 422 and refused.json["error"]["problems"]
    with app.app_context():
        from elearn.content.revisions import question_hashes

        assert question_hashes(draft_revision(course_row("khoa-moi").id)) == {}
    saved = client.post(url, data=GIFT_OK.encode(), headers=headers)
    assert saved.status_code == 200 and saved.json["saved"] is True
    with app.app_context():
        from elearn.content.revisions import question_hashes

        assert set(question_hashes(draft_revision(course_row("khoa-moi").id))) == {"c1", "c2"}
    again = client.post(f"{url}?dry_run=1", data=GIFT_OK.encode(), headers=headers)
    assert again.json["unchanged"] == 2


def test_question_import_from_a_workbook_and_bad_kinds_of_input(app, client, owner, owner_h):
    from elearn.quiz.importing import xlsx_template

    new_studio_course(app, owner)
    url = f"{BASE}/khoa-moi/questions/import?dry_run=1"
    sheet = client.post(url, headers=owner_h, **multipart(xlsx_template(), "cau-hoi.xlsx"))
    assert sheet.status_code == 200 and sheet.json["questions"] >= 1, sheet.json
    junk = client.post(url, headers=owner_h, **multipart(b"not a workbook", "x.xlsx"))
    assert junk.status_code == 200 and junk.json["problems"] and junk.json["questions"] == 0
    assert client.post(url, json={"a": 1}, headers=owner_h).status_code == 415
    assert client.post(url, headers=owner_h).status_code == 400
    stranger_url = f"{BASE}/khoa-moi/questions/import"
    assert client.post(stranger_url, data="x", content_type="text/plain").status_code == 401


# --------------------------------------------------------------------------- publish


def test_publish_through_the_api(app, client, owner, owner_h, stranger):
    new_studio_course(app, owner)
    url = f"{BASE}/khoa-moi/publish"
    assert client.post(url, headers=token_headers(client, stranger)).status_code == 403
    response = client.post(url, headers=owner_h)
    assert response.status_code == 200 and response.json == {"revision": 1}
    with app.app_context():
        revision = db.session.scalar(select(CourseRevision).where(CourseRevision.number == 1))
        assert revision.state == "published"
    # Nothing left to publish: 409.
    assert client.post(url, headers=owner_h).status_code == 409


def test_publishing_a_draft_with_problems_is_422_with_them(app, client, owner, owner_h):
    new_studio_course(app, owner)
    url = f"{BASE}/khoa-moi/lessons/bai-1"
    version = client.get(url, headers=owner_h).json["version"]
    broken = "[liên kết](assets/khong-co.png)\n"
    client.put(
        url, json={"title": "Bài 1", "markdown": broken, "version": version}, headers=owner_h
    )
    response = client.post(f"{BASE}/khoa-moi/publish", headers=owner_h)
    assert response.status_code == 422, response.json
    problems = response.json["error"]["problems"]
    assert problems and problems[0]["path"] == "lessons/bai-1.md"


# --------------------------------------------------------------------------- the document


def test_the_document_lists_the_studio_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths[f"{BASE}"]) == {"post"}
    body = paths[BASE]["post"]["requestBody"]
    assert set(body["content"]) == {"multipart/form-data"}
    assert (
        "application/zip" in paths[f"{BASE}/{{slug}}/export"]["get"]["responses"]["200"]["content"]
    )
    assert set(paths[f"{BASE}/{{slug}}/lessons/{{lesson_slug}}"]) == {"get", "put"}
    imports = paths[f"{BASE}/{{slug}}/questions/import"]["post"]
    assert "text/plain" in imports["requestBody"]["content"]
    assert {p["name"] for p in imports["parameters"] if p["in"] == "query"} == {
        "dry_run",
        "category",
    }
    assert "422" in paths[f"{BASE}/{{slug}}/publish"]["post"]["responses"]


def test_nul_characters_in_uploaded_text_are_refused_not_a_database_error(
    app, client, owner, owner_h
):
    new_studio_course(app, owner)
    url = f"{BASE}/khoa-moi/questions/import"
    headers = owner_h | {"Content-Type": "text/plain; charset=utf-8"}
    gift = "$CATEGORY: Chung\n::c1:: Một\u0000 cộng một? {=2 ~3}\n".encode()
    assert client.post(url, data=gift, headers=headers).status_code in (400, 422)
    files = files_from_folder(QUIZ_PACKAGE)
    files["lessons/bai-mot.md"] = files["lessons/bai-mot.md"] + b"\x00"
    response = upload(client, owner_h, write_zip(files))
    assert response.status_code in (400, 422)
