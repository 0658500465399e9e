"""The studio's package pages: import a course (.zip) with a check first, export (.zip)."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from elearn.content.models import Course
from elearn.extensions import db
from tests.studio.conftest import new_studio_course
from tests.studio.test_api import multipart, package_zip


def _post(client, data: bytes, action: str):
    # (CSRF is checked by the form in production; tests/test_security.py checks it.)
    body = multipart(data)
    prefix = (
        b'--B\r\nContent-Disposition: form-data; name="action"\r\n\r\n' + action.encode() + b"\r\n"
    )
    return client.post(
        "/studio/import", data=prefix + body["data"], content_type=body["content_type"]
    )


def test_the_home_page_offers_the_import(app, auth_client, owner):
    page = auth_client(owner).get("/studio").text
    assert 'href="/studio/import"' in page
    assert auth_client(owner).get("/studio/import").status_code == 200


def test_check_first_then_import_as_a_draft_owned(app, auth_client, owner):
    client = auth_client(owner)
    checked = _post(client, package_zip(), "check")
    assert checked.status_code == 200
    assert "khoa-nhap-api" in checked.text
    with app.app_context():
        assert db.session.scalar(select(Course).where(Course.slug == "khoa-nhap-api")) is None
    imported = _post(client, package_zip(), "import")
    assert imported.status_code == 303
    assert imported.headers["Location"].endswith("/studio/courses/khoa-nhap-api")
    editor = client.get("/studio/courses/khoa-nhap-api").text
    assert "revision=draft" in editor  # the export of the draft


def test_problems_are_listed_and_nothing_saved(app, auth_client, owner):
    client = auth_client(owner)
    refused = _post(client, package_zip(extra={"lessons/x.py": b"print(1)"}), "import")
    assert refused.status_code == 400
    assert "lessons/x.py" in refused.text
    not_zip = _post(client, b"hello", "check")
    assert not_zip.status_code == 400 and "package.zip" in not_zip.text
    empty = client.post("/studio/import", data={"action": "check"})
    assert empty.status_code == 400


def test_export_from_the_editor(app, auth_client, owner, stranger):
    new_studio_course(app, owner)
    client = auth_client(owner)
    response = client.get("/studio/courses/khoa-moi/export?revision=draft")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert "course.toml" in archive.namelist()
    assert client.get("/studio/courses/khoa-moi/export").status_code == 404  # not published
    assert client.get("/studio/courses/khoa-moi/export?revision=x").status_code == 400
    assert auth_client(stranger).get("/studio/courses/khoa-moi/export").status_code == 403
