"""The API's schemas: 400s for what they refuse, the document made of them, the contract check."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from openapi_spec_validator import validate as validate_spec
from spectree import Response
from sqlalchemy import func, select

from elearn.api import schemas
from elearn.api.spec import make_spectree
from elearn.content.models import Quiz
from elearn.content.sync import sync_from_dir
from elearn.extensions import db
from elearn.quiz.models import AttemptAnswer
from tests.api_contract import ContractChecker, checking_client_class
from tests.conftest import PASSWORD, committed, draw_everything

QUIZ_COURSES = Path(__file__).parent / "fixtures" / "quiz_courses"

#: The statuses of every operation; "default" (500, 503) carries the Error body too.
STATUSES = {
    ("post", "/api/v1/auth/token"): {"201", "400", "401", "413", "429"},
    ("get", "/api/v1/courses"): {"200", "400"},
    ("get", "/api/v1/courses/{slug}"): {"200", "404"},
    ("post", "/api/v1/courses/{slug}/enrollment"): {"200", "201", "401", "404"},
    ("get", "/api/v1/lessons/{lesson_id}"): {"200", "401", "403", "404"},
    ("post", "/api/v1/lessons/{lesson_id}/completion"): {"200", "401", "403", "404"},
    ("get", "/api/v1/me/progress"): {"200", "401"},
    ("get", "/api/v1/quizzes/{quiz_id}"): {"200", "401", "403", "404"},
    ("post", "/api/v1/quizzes/{quiz_id}/attempts"): {"200", "201", "401", "403", "404", "409"},
    ("get", "/api/v1/attempts/{attempt_id}"): {"200", "401", "404"},
    ("put", "/api/v1/attempts/{attempt_id}/answers"): {"200", "400", "401", "404", "409", "413"},
    ("post", "/api/v1/attempts/{attempt_id}/submission"): {"200", "400", "401", "404", "413"},
    ("get", "/api/v1/certificates/{code}"): {"200", "404", "429"},
    ("get", "/api/v1/openapi.json"): {"200"},
    ("post", "/api/v1/studio/courses"): {"200", "201", "400", "401", "403", "413", "422"},
    ("get", "/api/v1/studio/courses/{slug}/export"): {"200", "400", "401", "403", "404"},
    ("get", "/api/v1/studio/courses/{slug}/lessons/{lesson_slug}"): {"200", "401", "403", "404"},
    ("put", "/api/v1/studio/courses/{slug}/lessons/{lesson_slug}"): {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
    },  # fmt: skip
    ("post", "/api/v1/studio/courses/{slug}/questions/import"): {
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "415",
        "422",
    },  # fmt: skip
    ("post", "/api/v1/studio/courses/{slug}/publish"): {"200", "401", "403", "404", "409", "422"},
}
#: 4xx bodies that are not the Error schema: the lesson conflict carries "theirs" too.
OTHER_ERRORS = {
    ("put", "/api/v1/studio/courses/{slug}/lessons/{lesson_slug}", "409"): "LessonConflict",
}
#: Successes that are files, not JSON.
FILES = {("get", "/api/v1/studio/courses/{slug}/export"): "application/zip"}
PUBLIC = {"/api/v1/auth/token", "/api/v1/courses", "/api/v1/courses/{slug}"} | {
    "/api/v1/certificates/{code}",
    "/api/v1/openapi.json",
}


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


@pytest.fixture
def headers(client, learner):
    response = client.post(
        "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {response.json['token']}"}


@pytest.fixture
def attempt(app, client, headers):
    """An open attempt at the fixture course's final quiz, with every question of its bank
    (one of each type the bank has, whatever the random draw would pick)."""
    with app.app_context():
        committed(sync_from_dir, QUIZ_COURSES)
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.key == "cuoi-khoa"))
    draw_everything(app, "khoa-kiem-tra", "cuoi-khoa")
    enrolled = client.post("/api/v1/courses/khoa-kiem-tra/enrollment", headers=headers)
    assert enrolled.status_code == 201
    return client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers).json


def assert_invalid(response, *fields):
    assert response.status_code == 400, response.json
    error = response.json["error"]
    assert error["code"] == "invalid" and error["message"]
    assert set(error["fields"]) == set(fields)
    assert all(messages and all(messages) for messages in error["fields"].values())


# --------------------------------------------------------------------------- validation


def test_token_request_of_wrong_types_or_missing_fields_is_400(client, learner):
    wrong = client.post("/api/v1/auth/token", json={"login": 5, "password": ["x"]})
    assert_invalid(wrong, "login", "password")
    assert_invalid(client.post("/api/v1/auth/token", json={"login": learner.email}), "password")
    assert_invalid(client.post("/api/v1/auth/token", json={"login": "", "password": "x"}), "login")
    # No body at all is an empty object, which lacks both fields.
    assert_invalid(client.post("/api/v1/auth/token"), "login", "password")
    # Unknown keys are ignored, never bound (S16).
    extra = {"login": learner.email, "password": PASSWORD, "role": "admin"}
    assert client.post("/api/v1/auth/token", json=extra).status_code == 201


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"login": "hocvien@example.vn", "password": PASSWORD}},  # a form post
        {"data": '{"login": "hocvien@example.vn"', "content_type": "application/json"},
        {"json": "a string"},
        {"data": "null", "content_type": "application/json"},
    ],
)
def test_a_body_that_is_not_a_json_object_is_malformed(client, learner, kwargs):
    response = client.post("/api/v1/auth/token", **kwargs)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"


def test_a_query_parameter_given_twice_is_400(client, courses):
    response = client.get("/api/v1/courses?q=thuong&q=mai")
    assert_invalid(response, "q")
    assert client.get("/api/v1/courses?q=thuong&topic=ecommerce&page=2").status_code == 200


def test_text_with_nul_characters_is_400_not_a_database_error(client, headers, attempt):
    # PostgreSQL refuses NUL in text; SQLite would store it.
    token = client.post("/api/v1/auth/token", json={"login": "an\x00@example.vn", "password": "x"})
    assert_invalid(token, "login")
    assert_invalid(client.get("/api/v1/courses?q=a%00b"), "q")
    qid = str(attempt["questions"][0]["id"])
    url = f"/api/v1/attempts/{attempt['attempt_id']}/answers"
    answers = {qid: {"l\x00": "r"}}
    assert_invalid(client.put(url, json={"answers": answers}, headers=headers), "answers")


@pytest.mark.parametrize("bad", [[["nested"]], [1, 2], [None], {"left": 1}, {"left": {"x": "y"}}])
def test_answers_of_no_known_shape_are_400_at_their_place(app, client, headers, attempt, bad):
    qid = str(attempt["questions"][0]["id"])
    url = f"/api/v1/attempts/{attempt['attempt_id']}"
    response = client.put(f"{url}/answers", json={"answers": {qid: bad}}, headers=headers)
    assert_invalid(response, f"answers.{qid}")
    submitted = client.post(f"{url}/submission", json={"answers": {qid: bad}}, headers=headers)
    assert_invalid(submitted, f"answers.{qid}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0
    assert client.get(url, headers=headers).json["state"] == "open"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"answers"}),
        ({"answers": []}, {"answers"}),
        ({"answers": {}, "version": "1"}, {"version"}),
        ({"answers": {}, "version": True}, {"version"}),
        ({"answers": {}, "version": 1.5}, {"version"}),
    ],
)
def test_save_answers_body_of_wrong_shape_is_400(client, headers, attempt, body, fields):
    url = f"/api/v1/attempts/{attempt['attempt_id']}/answers"
    assert_invalid(client.put(url, json=body, headers=headers), *fields)


def test_the_answer_shapes_of_every_question_type_fit_the_schema():
    answers = {
        "1": "a",  # single (and short, and a numeric or true/false string)
        "2": ["a", "b"],  # multi
        "3": True,  # truefalse
        "4": 12,  # numeric
        "5": 12.5,
        "6": {"l1": "r2", "l2": "", "l3": None},  # matching, l2 and l3 unanswered
        "7": None,  # cleared
        "8": [],
        "9": {},
    }
    assert schemas.SaveAnswersRequest.model_validate({"answers": answers}).answers == answers


def answer_for(question: dict):
    """An answer of the right shape (not necessarily the right answer) to an attempt question."""
    options = question["options"]
    return {
        "single": lambda: options[0]["id"],
        "multi": lambda: [options[0]["id"]],
        "truefalse": lambda: False,
        "short": lambda: "OCOP",
        "numeric": lambda: "12,5",
        "matching": lambda: {options["left"][0]["id"]: options["right"][0]["id"]},
    }[question["type"]]()


def test_answers_of_the_right_shapes_are_saved_and_cleared(client, headers, attempt):
    answers = {str(q["id"]): answer_for(q) for q in attempt["questions"]}
    url = f"/api/v1/attempts/{attempt['attempt_id']}"
    saved = client.put(f"{url}/answers", json={"answers": answers, "version": 0}, headers=headers)
    assert saved.json == {"attempt_id": attempt["attempt_id"], "saved": True, "version": 1}
    reloaded = client.get(url, headers=headers).json["questions"]
    assert {str(q["id"]): q["saved"] for q in reloaded} == answers
    cleared = {qid: None for qid in answers}
    cleared_response = client.put(f"{url}/answers", json={"answers": cleared}, headers=headers)
    assert cleared_response.status_code == 200
    assert all(q["saved"] is None for q in client.get(url, headers=headers).json["questions"])


def test_submission_body_is_optional(client, headers, attempt):
    url = f"/api/v1/attempts/{attempt['attempt_id']}/submission"
    result = client.post(url, headers=headers)
    assert result.status_code == 200 and result.json["state"] == "submitted"
    assert client.post(url, json={}, headers=headers).json == result.json


def test_attempt_questions_carry_only_their_declared_fields(attempt):
    assert {q["type"] for q in attempt["questions"]} == {"multi", "short", "numeric", "matching"}
    for question in attempt["questions"]:
        assert set(question) == {"id", "type", "text", "html", "options", "saved"}
        options = question["options"]
        items = options["left"] + options["right"] if isinstance(options, dict) else options
        assert all(set(item) <= {"id", "text", "html"} for item in items)
        if question["type"] in ("short", "numeric"):
            assert options == []


# --------------------------------------------------------------------------- the document


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate_spec(document)


def test_every_operation_lists_its_statuses_and_their_bodies(document):
    found = {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert set(found) == set(STATUSES)
    for key, operation in found.items():
        responses = operation["responses"]
        assert set(responses) == STATUSES[key] | {"default"}, key
        for status, response in responses.items():
            if status.startswith(("4", "d")):
                schema = response["content"]["application/json"]["schema"]
                model = OTHER_ERRORS.get((*key, status), "Error")
                assert schema == {"$ref": f"#/components/schemas/{model}"}, (key, status)
            elif key in FILES:
                assert set(response["content"]) == {FILES[key]}, key
            elif key[1] != "/api/v1/openapi.json":
                assert "application/json" in response["content"], (key, status)
        assert ("security" in operation) == (key[1] not in PUBLIC), key
        if "security" in operation:
            assert operation["security"] == [{"bearerAuth": []}]
    assert document["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"}
    }


def test_request_bodies_and_query_parameters_are_documented(document):
    paths = document["paths"]
    token = paths["/api/v1/auth/token"]["post"]["requestBody"]
    assert token["required"] is True
    submission = paths["/api/v1/attempts/{attempt_id}/submission"]["post"]["requestBody"]
    assert submission["required"] is False
    query = {p["name"] for p in paths["/api/v1/courses"]["get"]["parameters"]}
    assert query == {"topic", "q"}
    answers = document["components"]["schemas"]["SaveAnswersRequest"]["properties"]["answers"]
    kinds = {branch.get("type") for branch in answers["additionalProperties"]["anyOf"]}
    assert kinds == {"string", "array", "boolean", "integer", "number", "object", "null"}
    assert "matching" in answers["additionalProperties"]["description"]


def test_text_fields_say_whether_they_are_sanitised_html_or_plain_text(document):
    components = document["components"]["schemas"]

    def field(model, name):
        return components[model]["properties"][name]

    for model, name in [("Lesson", "html"), ("ChoiceQuestion", "html"), ("Option", "html")]:
        assert field(model, name)["x-content"] == "sanitised-html", (model, name)
        assert "Sanitised HTML" in field(model, name)["description"]
    for model, name in [
        ("Lesson", "title"),
        ("CourseSummary", "title"),
        ("CourseSummary", "summary"),
        ("Option", "text"),
        ("ChoiceQuestion", "text"),
        ("Certificate", "learner_name"),
    ]:
        assert field(model, name)["x-content"] == "plain-text", (model, name)
        assert "Plain text" in field(model, name)["description"]
    # An option's html is optional: the other engineer's change will fill it in.
    assert "html" not in components["Option"]["required"]
    assert components["Option"]["properties"]["html"]["type"] == "string"


def test_servers_come_from_the_base_url_or_else_the_request(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ELEARN_BASE_URL", "https://hoc.example.vn/elearn/")
    served = client.get("/api/v1/openapi.json").json
    assert served["servers"] == [{"url": "https://hoc.example.vn/elearn"}]
    monkeypatch.setitem(app.config, "ELEARN_BASE_URL", None)
    # A trusted host (TRUSTED_HOSTS): any other Host is refused before this view.
    served = client.get("/api/v1/openapi.json", base_url="http://127.0.0.1:5000").json
    assert served["servers"] == [{"url": "http://127.0.0.1:5000"}]


def test_no_documentation_pages_are_served(app, client):
    # spectree's Swagger UI / Redoc pages load JavaScript from a CDN; the product runs offline.
    assert not [r.rule for r in app.url_map.iter_rules() if "apidoc" in r.rule]
    for url in ["/apidoc/swagger/", "/apidoc/redoc/", "/apidoc/openapi.json"]:
        assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- the contract


def test_the_contract_check_reports_responses_that_do_not_fit(api_contract):
    checker = ContractChecker(api_contract.document)
    rogue = Flask("rogue")
    rogue.test_client_class = checking_client_class(checker)

    @rogue.get("/api/v1/courses")
    def courses():
        return {"courses": [{"slug": "x", "title": "X", "right_answer": "a"}]}

    @rogue.get("/api/v1/courses/<slug>")
    def course(slug):
        return {"detail": "gone"}, 404

    @rogue.get("/api/v1/me/progress")
    def progress():
        return {"courses": []}

    @rogue.get("/api/v1/not-in-the-document")
    def undocumented():
        return "<p>nope</p>", 404

    client = rogue.test_client()
    client.get("/api/v1/courses")
    client.get("/api/v1/courses/x")
    client.get("/api/v1/me/progress")
    client.get("/api/v1/not-in-the-document")
    assert len(checker.failures) == 3, checker.failures
    listing, missing, html_error = checker.failures
    assert listing.startswith("GET /api/v1/courses → 200 OK") and "right_answer" in listing
    assert missing.startswith("GET /api/v1/courses/x → 404") and "error" in missing
    assert html_error.startswith("GET /api/v1/not-in-the-document → 404")


def test_a_view_body_its_schema_refuses_never_leaves(monkeypatch, tmp_path):
    from elearn import create_app

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    app = create_app({"ELEARN_ENV": "testing", "PROPAGATE_EXCEPTIONS": False})
    spec = make_spectree()

    @app.get("/api/v1/leaky")
    @spec.validate(resp=Response(HTTP_200=schemas.Completion))
    def leaky():
        return {"lesson_id": 1, "completed_at": "2025-03-01T08:00:00+00:00", "answer": "a"}

    response = app.test_client().get("/api/v1/leaky")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
    assert b"answer" not in response.data and b"lesson_id" not in response.data
