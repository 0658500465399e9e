"""JSON API v1: tokens, courses, enrolment, lessons, completion, progress, errors."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD

ECOM = "thuong-mai-dien-tu"


@pytest.fixture
def token(client, learner):
    response = client.post(
        "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
    )
    assert response.status_code == 201
    assert response.json["expires_at"]
    return response.json["token"]


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_token_with_phone_login(client, make_user):
    make_user(phone="0912345678")
    response = client.post(
        "/api/v1/auth/token", json={"login": "+84 912 345 678", "password": PASSWORD}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "malformed_json"),
        ({"data": "plain", "content_type": "text/plain"}, 400, "malformed_json"),
        ({"json": ["a", "list"]}, 400, "malformed_json"),
        ({"json": {"login": 5, "password": []}}, 400, "invalid"),
        (
            {"json": {"login": "hocvien@example.vn", "password": "wrong"}},
            401,
            "invalid_credentials",
        ),
    ],
)
def test_token_errors(client, learner, kwargs, status, code):
    response = client.post("/api/v1/auth/token", **kwargs)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_token_throttled(client, learner):
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"login": learner.email, "password": "wrong"})
    response = client.post(
        "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
    )
    assert response.status_code == 429 and response.json["error"]["code"] == "too_many_requests"


def test_courses_and_outline(client, courses):
    listing = client.get("/api/v1/courses").json["courses"]
    assert {c["slug"] for c in listing} == {s.slug for s in courses}
    item = next(c for c in listing if c["slug"] == ECOM)
    assert set(item) >= {"slug", "title", "summary", "topic", "lesson_count"}
    outline = client.get(f"/api/v1/courses/{ECOM}").json
    assert outline["slug"] == ECOM and outline["sections"]
    lesson = outline["sections"][0]["lessons"][0]
    assert set(lesson) == {"id", "slug", "title", "minutes"}
    assert sum(len(s["lessons"]) for s in outline["sections"]) == item["lesson_count"]
    missing = client.get("/api/v1/courses/khong-co")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/courses", query_string={"q": "thuong mai dien tu"}).json["courses"]


def test_learning_through_the_api(client, token, courses):
    outline = client.get(f"/api/v1/courses/{ECOM}").json
    lesson_ids = [lesson["id"] for s in outline["sections"] for lesson in s["lessons"]]
    first = lesson_ids[0]
    assert client.get(f"/api/v1/lessons/{first}", headers=auth(token)).status_code == 403
    assert (
        client.post(f"/api/v1/lessons/{first}/completion", headers=auth(token)).status_code == 403
    )
    assert client.post(f"/api/v1/courses/{ECOM}/enrollment", headers=auth(token)).status_code == 201
    assert client.post(f"/api/v1/courses/{ECOM}/enrollment", headers=auth(token)).status_code == 200
    lesson = client.get(f"/api/v1/lessons/{first}", headers=auth(token)).json
    assert lesson["id"] == first and "<h2>" in lesson["html"] and lesson["completed"] is False
    done = client.post(f"/api/v1/lessons/{first}/completion", headers=auth(token))
    again = client.post(f"/api/v1/lessons/{first}/completion", headers=auth(token))
    assert done.status_code == again.status_code == 200
    assert done.json["completed_at"] == again.json["completed_at"]
    progress = client.get("/api/v1/me/progress", headers=auth(token)).json["courses"]
    quiz_count = sum(len(s["quizzes"]) for s in outline["sections"])
    assert progress == [
        {
            "slug": ECOM,
            "title": outline["title"],
            "percent": int(100 / (len(lesson_ids) + quiz_count)),
            "lessons_done": 1,
            "lessons_total": len(lesson_ids),
            "quizzes_passed": 0,
            "quizzes_total": quiz_count,
            "completed_at": None,
            "certificate_code": None,
            "certificate_revoked_reason": None,
        }
    ]
    assert client.get("/api/v1/lessons/999999", headers=auth(token)).status_code == 404
    assert (
        client.post("/api/v1/courses/khong-co/enrollment", headers=auth(token)).status_code == 404
    )


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer ", "bearer"])
def test_protected_endpoints_need_a_valid_token(client, header, courses):
    headers = {"Authorization": header} if header else {}
    for method, url in [
        ("post", f"/api/v1/courses/{ECOM}/enrollment"),
        ("get", "/api/v1/lessons/1"),
        ("post", "/api/v1/lessons/1/completion"),
        ("get", "/api/v1/me/progress"),
    ]:
        response = getattr(client, method)(url, headers=headers)
        assert response.status_code == 401, url
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_deactivated_user_token_stops_working(client, runner, learner, token):
    assert client.get("/api/v1/me/progress", headers=auth(token)).status_code == 200
    runner.invoke(args=["users", "deactivate", learner.email])
    assert client.get("/api/v1/me/progress", headers=auth(token)).status_code == 401


def test_unknown_api_route_and_method_are_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and "error" in missing.json
    wrong = client.delete("/api/v1/courses")
    assert wrong.status_code == 405 and "error" in wrong.json


def test_openapi_document_covers_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower()): rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path, method): f"api.{operation['operationId']}"
        for path, item in doc["paths"].items()
        for method, operation in item.items()
    }
    assert documented == routes
