"""Security bar: role matrix (S14), CSRF (S17), headers (S22), errors (S23), cookies (S13)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PRODUCTION

STUDIO_COURSE_ROUTES = (
    "course", "settings", "add_section", "rename_section", "delete_section", "move_section",
    "add_lesson", "lesson", "save_lesson", "preview_lesson", "lesson_history", "lesson_version",
    "restore_lesson", "delete_lesson_confirm", "delete_lesson", "move_lesson", "add_quiz",
    "delete_quiz_confirm", "delete_quiz", "move_quiz", "publish_confirm", "publish",
    "discard_confirm", "discard_draft", "staff_list", "invite", "remove_staff", "reset_confirm",
    "reset_to_package", "upload_asset", "preview_quiz", "export_course",
    # the quiz editor, question bank, import and export
    "quiz", "quiz_settings", "add_quiz_question", "add_quiz_draw", "remove_quiz_item",
    "move_quiz_item", "export_quiz", "questions_bank", "new_question", "question",
    "delete_question_confirm", "delete_question", "export_questions", "questions_template",
    "import_questions",
)  # fmt: skip
# Every endpoint must be classified here; a new route fails the matrix until it is.
ACCESS = {
    "static": "public",
    "favicon": "public",
    "main.index": "public",
    "main.set_language": "public",
    "main.healthz": "public",
    "auth.register": "public",
    "auth.login": "public",
    "auth.logout": "public",
    "auth.profile": "login",
    "auth.password": "login",
    "auth.forgot_password": "public",
    "auth.reset_password": "public",
    "regions.communes": "public",
    "catalog.index": "public",
    "catalog.course": "public",
    "content.asset": "public",
    "learn.enroll": "login",
    "learn.lesson": "login",
    "learn.complete": "login",
    "learn.dashboard": "login",
    "api.openapi": "public",
    "api.token": "public",
    "api.courses": "public",
    "api.course": "public",
    "api.enrollment": "token",
    "api.lesson": "token",
    "api.completion": "token",
    "api.progress": "token",
    "api.quiz": "token",
    "api.start_attempt": "token",
    "api.attempt": "token",
    "api.save_answers": "token",
    "api.submission": "token",
    "api.certificate": "public",
    "api.studio_import_course": "token",
    "api.studio_export_course": "token",
    "api.studio_lesson": "token",
    "api.studio_save_lesson": "token",
    "api.studio_import_questions": "token",
    "api.studio_publish": "token",
    "quiz.overview": "login",
    "quiz.start": "login",
    "quiz.attempt": "login",
    "quiz.save": "login",
    "quiz.submit": "login",
    "quiz.review": "login",
    "quiz.back_to_attempt": "login",
    "certificates.download": "login",
    "certificates.verify": "public",
    "certificates.verify_form": "public",
    "certificates.admin_list": "admin",
    "certificates.admin_revoke": "admin",
    "certificates.admin_reinstate": "admin",
    "jobs.admin_list": "admin",
    "jobs.admin_retry": "admin",
    # The studio: trainers and admins; each course for its staff and admins (the sample
    # course comes from a course module: admins only). Who exactly may use each studio
    # route is tested in tests/studio/test_permissions.py.
    "studio.home": "studio",
    "studio.new_course": "studio",
    "studio.import_course": "studio",
    **{f"studio.{name}": "studio_course" for name in STUDIO_COURSE_ROUTES},
}
SAMPLE_ARGS = {
    "slug": "thuong-mai-dien-tu",
    "lesson_slug": "khong-co",
    "lesson_id": 1,
    "filename": "css/elearn.css",
    "key": "kiem-tra-phan-1",
    "attempt_id": 1,
    "quiz_id": 1,
    "question_id": 1,
    "code": "ABCDEFGHJKMN23",
    "token": "not-a-real-token",
    "digest": "0" * 64,
    "name": "anh.png",
    "job_id": 1,
    "index": 1,
    "number": 1,
    "user_id": 1,
}


def _routes(app):
    # Log out last, so the rest of the walk runs logged in.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout"):
        endpoint = rule.endpoint
        if endpoint.endswith(".static") and endpoint != "static":
            continue  # course modules' static files
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = rule.build({k: SAMPLE_ARGS[k] for k in rule.arguments}, append_unknown=False)[1]
            yield endpoint, method, url


def _is_course_tool(app, endpoint):
    core = {
        "main", "auth", "regions", "catalog", "content", "learn", "api", "quiz",
        "certificates", "jobs", "studio",
    }  # fmt: skip
    return endpoint.split(".")[0] in {name for name in app.blueprints if name not in core}


def test_every_route_is_classified(app):
    for endpoint, _method, _url in _routes(app):
        assert endpoint in ACCESS or _is_course_tool(app, endpoint), (
            f"classify {endpoint} in ACCESS"
        )


@pytest.mark.parametrize("role", ["anonymous", "learner", "trainer", "admin"])
def test_route_matrix(app, make_user, auth_client, courses, role):
    client = app.test_client() if role == "anonymous" else auth_client(make_user(role))
    for endpoint, method, url in _routes(app):
        access = "public" if _is_course_tool(app, endpoint) else ACCESS[endpoint]
        response = client.open(url, method=method)
        response.close()
        assert response.status_code < 500, (role, method, url)
        if role == "anonymous" and access in ("login", "admin", "studio", "studio_course"):
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        if access == "admin" and role in ("learner", "trainer"):
            assert response.status_code == 403, (role, url)
        if access in ("studio", "studio_course") and role == "learner":
            assert response.status_code == 403, (role, url)
        if access == "studio_course" and role == "trainer":
            assert response.status_code == 403, (role, url)  # a module's course
        if access == "studio" and role in ("trainer", "admin") and method == "GET":
            assert response.status_code == 200, (role, url)
        if access == "token":
            assert response.status_code == 401, (role, url)  # session cookies never work on the API


def test_post_routes_require_csrf_token(app, learner, auth_client, courses):
    client = auth_client(learner)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for endpoint, method, url in _routes(app):
            if method != "POST" or endpoint.startswith("api."):
                continue
            response = client.post(url, data={"lang": "en", "full_name": "X"})
            assert response.status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_security_headers_on_every_kind_of_response(client, courses):
    for url in ["/", "/api/v1/courses", "/static/css/elearn.css", "/no-such-page", "/api/v1/nope"]:
        response = client.get(url)
        response.close()
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"


def test_production_cookies_hsts_and_generic_errors(monkeypatch, tmp_path):
    from elearn import create_app
    from elearn.extensions import db

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {
            **PRODUCTION,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        }
    )
    assert not app.debug

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    response = client.get("/boom-for-test", base_url="https://hoc.example.vn")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret internals" not in body
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with app.app_context():
        db.create_all()
        from elearn.auth.services import Profile, register_user
        from elearn.core.db import unit_of_work

        with unit_of_work():
            register_user(
                "an@example.vn", "mật khẩu dài dài", Profile(full_name="An"), require_details=False
            )
    page = client.get("/login", base_url="https://hoc.example.vn").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"login": "an@example.vn", "password": "mật khẩu dài dài", "csrf_token": token},
        base_url="https://hoc.example.vn",
        headers={"Referer": "https://hoc.example.vn/login"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-elearn_session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain" not in cookie


def test_proxy_fix_uses_the_configured_hop(monkeypatch, tmp_path):
    from flask import request

    from elearn import create_app

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    app = create_app({"ELEARN_ENV": "testing", "PROXY_FIX_X_FOR": 1})

    @app.get("/ip-for-test")
    def ip():
        return request.remote_addr or ""

    client = app.test_client()
    forwarded = client.get("/ip-for-test", headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.9"})
    assert forwarded.get_data(as_text=True) == "203.0.113.9"


def test_error_pages_are_translated_and_friendly(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy trang này" in response.get_data(as_text=True)


def test_language_switch_is_remembered(app, learner, auth_client):
    client = auth_client(learner)
    response = client.post("/language", data={"lang": "en"}, query_string={"next": "/courses"})
    assert response.status_code == 302 and response.headers["Location"] == "/courses"
    assert "My learning" in client.get("/courses").get_data(as_text=True)
    from elearn.auth.models import User
    from elearn.extensions import db

    with app.app_context():
        assert db.session.get(User, learner.id).locale == "en"
    # A new session of the same user gets English from the account.
    assert "My learning" in auth_client(learner).get("/courses").get_data(as_text=True)
    assert client.post("/language", data={"lang": "fr"}).status_code == 400
    anonymous = app.test_client()
    assert "Việc học của tôi" not in anonymous.get("/courses").get_data(as_text=True)
    assert "Khóa học" in anonymous.get("/courses").get_data(as_text=True)


def test_no_get_route_writes_to_the_database(app, learner, auth_client, courses, count_queries):
    client = auth_client(learner)
    client.post("/courses/thuong-mai-dien-tu/enroll")
    client.get("/dashboard")  # a first touch of the session may be written; then no more
    with count_queries() as statements:
        for _endpoint, method, url in _routes(app):
            if method == "GET":
                client.get(url).close()
    writes = [
        s
        for s in statements
        if re.match(r"\s*(INSERT|UPDATE|DELETE)", s, re.I)
        and not s.startswith("INSERT INTO audit_events")  # security log of denied access (S24)
    ]
    assert writes == []
