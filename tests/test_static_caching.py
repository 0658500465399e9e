"""Every byte counts on 3G: compression, fingerprinted immutable static files, a favicon,
and revalidation (ETag → 304) of the pages that can be revalidated."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from tests.test_quiz import api, enrol_and_read, pass_every_quiz  # noqa: F401

STATIC = Path(__file__).resolve().parent.parent / "elearn" / "static"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
YEAR = "public, max-age=31536000, immutable"


def fingerprint(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


# --- compression --------------------------------------------------------------------------


def test_pages_are_gzipped_when_the_client_accepts_it(client, courses):
    plain = client.get("/courses/thuong-mai-dien-tu")
    packed = client.get("/courses/thuong-mai-dien-tu", headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert (
        "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    )
    body = gzip.decompress(packed.data).decode()
    assert "Thương mại điện tử" in body and "</html>" in body
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(body.encode()) / 2


@pytest.mark.parametrize("name", ["css/elearn.css", "js/elearn.js"])
def test_static_text_files_are_gzipped(client, name):
    response = client.get(f"/static/{name}", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == (STATIC / name).read_bytes()
    # A compressed body is another representation: its validator is weak.
    assert response.headers["ETag"].startswith('W/"')
    response.close()


def test_api_json_is_gzipped(client, courses):
    response = client.get("/api/v1/courses", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert b'"courses"' in gzip.decompress(response.data)


def test_small_and_already_compressed_responses_are_left_alone(client, courses):
    small = client.get("/healthz", headers=GZIP)
    assert len(small.data) < 500 and "Content-Encoding" not in small.headers
    icon = client.get("/favicon.ico", headers=GZIP)
    assert "Content-Encoding" not in icon.headers
    icon.close()


def test_certificate_pdf_is_not_recompressed(app, api, quiz_course, learner_client):  # noqa: F811
    enrol_and_read(api, app)
    code = pass_every_quiz(api, app, quiz_course)
    response = learner_client.get(f"/certificates/{code}.pdf", headers=GZIP)
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "Content-Encoding" not in response.headers


# --- fingerprints -------------------------------------------------------------------------


def test_static_urls_carry_a_content_hash_and_are_immutable(client):
    page = client.get("/").text
    for name in ("css/elearn.css", "js/elearn.js", "favicon.ico"):
        url = f"/static/{name}?v={fingerprint(name)}"
        assert url in page, name
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == YEAR
        assert "Expires" not in response.headers
        response.close()
    assert re.search(r'<link rel="icon" href="/static/favicon\.ico\?v=\w{12}"', page)


def test_static_files_do_not_vary_with_the_session_cookie(learner_client):
    # Vary: Cookie would make the browser fetch the CSS again whenever the cookie changes.
    for url in ("/static/css/elearn.css", "/favicon.ico"):
        response = learner_client.get(url, headers=GZIP)
        assert "Cookie" not in response.headers.get("Vary", ""), url
        assert "Set-Cookie" not in response.headers, url
        response.close()


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_unversioned_or_stale_static_urls_get_a_short_cache(client, query):
    response = client.get(f"/static/css/elearn.css{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    response.close()


def test_static_files_revalidate(client):
    first = client.get("/static/css/elearn.css")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    first.close()
    again = client.get("/static/css/elearn.css", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    again.close()
    since = client.get("/static/css/elearn.css", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    since.close()


def test_course_module_static_files_are_fingerprinted(app):
    from elearn.web.caching import StaticFingerprints

    folder = STATIC
    prints = StaticFingerprints.scan({"static": folder, "vi_du.static": folder})
    assert prints.version("vi_du.static", "css/elearn.css") == fingerprint("css/elearn.css")
    assert prints.version("vi_du.static", "no/such.css") is None
    assert prints.version("other.static", "css/elearn.css") is None


# --- favicon ------------------------------------------------------------------------------


def test_favicon_is_a_small_icon_with_a_long_cache(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    assert response.data[:4] == b"\x00\x00\x01\x00" and len(response.data) < 1024
    assert response.headers["Cache-Control"] == "public, max-age=2592000"
    response.close()


# --- revalidation -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/courses", "/courses/thuong-mai-dien-tu", "/verify"])
def test_public_pages_revalidate_with_an_etag(client, courses, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    # Never in a shared cache (the page holds this visitor's CSRF token), but the phone may
    # keep it and ask again.
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert "Content-Security-Policy" in again.headers


def test_etag_changes_with_the_page(client, courses):
    etag = client.get("/courses").headers["ETag"]
    client.post("/language", data={"lang": "en"})
    english = client.get("/courses", headers={"If-None-Match": etag})
    assert english.status_code == 200 and english.headers["ETag"] != etag
    # Another visitor has another CSRF token in the page: another ETag.
    other = client.application.test_client().get("/courses", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_etag_survives_gzip(client, courses):
    first = client.get("/courses", headers=GZIP)
    again = client.get("/courses", headers=GZIP | {"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_pages_of_a_logged_in_user_are_never_stored(learner_client, courses):
    for url in ("/", "/courses", "/dashboard"):
        response = learner_client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers, url
