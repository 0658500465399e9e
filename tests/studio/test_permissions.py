"""Who may use each studio route: the matrix of every route against every role.

ROUTES must name every route of the studio (under /studio or /api/v1/studio): a route
added later fails `test_every_studio_route_is_in_the_matrix` until someone decides who
may use it. Each role walks every route, every method, on a course of its own; a role
that may not use a route gets 403 (anonymous: the login page), and one that may gets
anything but a refusal or a server error (its request may still be invalid: no data is
posted).
"""

from __future__ import annotations

import pytest

from elearn.core.db import unit_of_work
from elearn.extensions import db
from elearn.studio import drafts, outline
from tests.studio.conftest import add_coauthor, attached, course_row, new_studio_course

ROLES = ("anonymous", "learner", "owner", "coauthor", "stranger", "admin")
#: Who may do what (the roles above; "stranger" is a trainer not on the course's staff).
WHO = {
    "studio": {"owner", "coauthor", "stranger", "admin"},
    "editor": {"owner", "coauthor", "admin"},
    "manager": {"owner", "admin"},
    "admin": {"admin"},
}
#: endpoint -> (who may use it, the course it is tried on: the trainer's own studio
#: course, or a module's course)
ROUTES = {
    "studio.home": ("studio", None),
    "studio.new_course": ("studio", None),
    "studio.course": ("editor", "studio"),
    "studio.settings": ("editor", "studio"),
    "studio.add_section": ("editor", "studio"),
    "studio.rename_section": ("editor", "studio"),
    "studio.delete_section": ("editor", "studio"),
    "studio.move_section": ("editor", "studio"),
    "studio.add_lesson": ("editor", "studio"),
    "studio.lesson": ("editor", "studio"),
    "studio.save_lesson": ("editor", "studio"),
    "studio.preview_lesson": ("editor", "studio"),
    "studio.lesson_history": ("editor", "studio"),
    "studio.lesson_version": ("editor", "studio"),
    "studio.restore_lesson": ("editor", "studio"),
    "studio.delete_lesson_confirm": ("editor", "studio"),
    "studio.delete_lesson": ("editor", "studio"),
    "studio.move_lesson": ("editor", "studio"),
    "studio.add_quiz": ("editor", "studio"),
    "studio.delete_quiz_confirm": ("editor", "studio"),
    "studio.delete_quiz": ("editor", "studio"),
    "studio.move_quiz": ("editor", "studio"),
    "studio.publish_confirm": ("editor", "studio"),
    "studio.publish": ("editor", "studio"),
    "studio.discard_confirm": ("editor", "studio"),
    "studio.discard_draft": ("editor", "studio"),
    "studio.staff_list": ("editor", "studio"),
    "studio.invite": ("manager", "studio"),
    "studio.remove_staff": ("manager", "studio"),
    "studio.reset_confirm": ("admin", "module"),
    "studio.reset_to_package": ("admin", "module"),
    "studio.upload_asset": ("editor", "studio"),
    "studio.preview_quiz": ("editor", "studio"),
    # the quiz editor, question bank, import and export (elearn/studio/quiz_routes.py)
    **{
        f"studio.{name}": ("editor", "studio")
        for name in (
            "quiz",
            "quiz_settings",
            "add_quiz_question",
            "add_quiz_draw",
            "remove_quiz_item",
            "move_quiz_item",
            "export_quiz",
            "questions_bank",
            "new_question",
            "question",
            "delete_question_confirm",
            "delete_question",
            "export_questions",
            "questions_template",
            "import_questions",
        )
    },  # fmt: skip
    "studio.import_course": ("studio", None),
    "studio.export_course": ("editor", "studio"),
    # The API (bearer tokens; anonymous: 401).
    "api.studio_import_course": ("studio", None),
    "api.studio_export_course": ("editor", "studio"),
    "api.studio_lesson": ("editor", "studio"),
    "api.studio_save_lesson": ("editor", "studio"),
    "api.studio_import_questions": ("editor", "studio"),
    "api.studio_publish": ("editor", "studio"),
}
MODULE_COURSE = "khoa-kiem-tra"


def studio_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("studio.") or rule.rule.startswith(
            ("/studio", "/api/v1/studio")
        ):
            yield rule


def test_every_studio_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in studio_rules(app)}
    assert endpoints, "no studio route?"
    assert endpoints - set(ROUTES) == set(), "add the new studio routes to ROUTES"
    assert set(ROUTES) - endpoints == set(), "ROUTES names a route that is gone"


@pytest.fixture
def staffed(app, make_user, quiz_course):
    """A studio course with a quiz, its owner, a co-author, a stranger, a learner, an admin;
    and the module course of tests/fixtures/quiz_courses."""
    users = {
        "owner": make_user("trainer", email="chu@example.vn", full_name="Chủ"),
        "coauthor": make_user("trainer", email="dong@example.vn", full_name="Đồng"),
        "stranger": make_user("trainer", email="la@example.vn", full_name="Lạ"),
        "learner": make_user("learner", email="hoc@example.vn"),
        "admin": make_user("admin", email="qt@example.vn"),
    }
    slug = new_studio_course(app, users["owner"], lessons=1)
    add_coauthor(app, slug, users["coauthor"])
    with app.app_context(), unit_of_work():
        draft = drafts.ensure_draft(course_row(slug), attached(users["owner"]))
        outline.add_quiz(draft, "kiem-tra", "Kiểm tra")
    return slug, users


def _client(app, auth_client, users, role):
    return app.test_client() if role == "anonymous" else auth_client(users[role])


def _bearer(app, users, role) -> dict[str, str]:
    """The API's credentials for `role` (none for anonymous): session cookies never work there."""
    if role == "anonymous":
        return {}
    from elearn.auth.services import issue_api_token

    with app.app_context(), unit_of_work():
        value, _expires = issue_api_token(attached(users[role]))
    return {"Authorization": f"Bearer {value}"}


#: Walked last, so the rest of the walk finds what they would remove.
DESTRUCTIVE = {
    "studio.delete_lesson",
    "studio.delete_quiz",
    "studio.delete_section",
    "studio.discard_draft",
    "studio.remove_staff",
    "studio.reset_to_package",
    "studio.delete_question",
    "studio.remove_quiz_item",
}


def _walk(app, client, slugs, users, bearer=None):
    """Every (route, method): pages first, then actions, the destructive ones last."""
    calls = [
        (rule, method)
        for rule in studio_rules(app)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    ]
    calls.sort(key=lambda c: (c[1] != "GET", c[0].endpoint in DESTRUCTIVE, c[0].endpoint))
    for rule, method in calls:
        _who, course = ROUTES[rule.endpoint]
        values = {
            "slug": slugs.get(course),
            "lesson_slug": "bai-1" if course == "studio" else "bai-mot",
            "key": "kiem-tra" if course == "studio" else "kiem-tra-nhanh",
            "index": 1,
            "number": 1,
            "user_id": users["coauthor"].id,
            "question_id": 1,
        }
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        api = rule.rule.startswith("/api/")
        # The API validates a JSON body before the view checks who asks: send one.
        body = (
            {"title": "Bài 1", "markdown": "…", "version": 0} if api and method == "PUT" else None
        )
        response = client.open(url, method=method, headers=bearer if api else None, json=body)
        response.close()
        yield rule.endpoint, method, url, response


@pytest.mark.parametrize("role", ROLES)
def test_the_studio_route_matrix(app, auth_client, staffed, role):
    slug, users = staffed
    client = _client(app, auth_client, users, role)
    checked = 0
    bearer = _bearer(app, users, role)
    for endpoint, method, url, response in _walk(
        app, client, {"studio": slug, "module": MODULE_COURSE}, users, bearer
    ):
        checked += 1
        status = response.status_code
        where = (role, method, url, status)
        assert status < 500, where
        if endpoint.startswith("api."):
            if role == "anonymous":
                assert status == 401, where
            elif role in WHO[ROUTES[endpoint][0]]:
                assert status not in (401, 403), where
            else:
                assert status == 403 and response.json["error"]["code"] == "forbidden", where
        elif role == "anonymous":
            assert status == 302 and "/login" in response.headers["Location"], where
        elif role in WHO[ROUTES[endpoint][0]]:
            assert status not in (401, 403), where
            assert "/login" not in response.headers.get("Location", ""), where
        else:
            assert status == 403, where
            if method == "GET":
                assert (
                    "Bạn không" in response.text
                    or "chỉ dành cho" in response.text
                    or ("Chỉ quản trị viên" in response.text)
                ), where
    assert checked >= len(ROUTES)


@pytest.mark.parametrize("role", ["learner", "stranger", "admin"])
def test_a_module_course_is_edited_only_by_admins(app, auth_client, staffed, role):
    """Every course route on a course from courses/: administrators only."""
    _slug, users = staffed
    client = _client(app, auth_client, users, role)
    bearer = _bearer(app, users, role)
    for endpoint, method, url, response in _walk(
        app, client, {"studio": MODULE_COURSE, "module": MODULE_COURSE}, users, bearer
    ):
        if ROUTES[endpoint][1] is None:
            continue
        if role == "admin":
            assert response.status_code not in (401, 403) and response.status_code < 500, (
                method,
                url,
                response.status_code,
            )
        else:
            assert response.status_code == 403, (role, method, url)


def test_a_refusal_is_translated_and_audited(app, auth_client, staffed):
    slug, users = staffed
    response = auth_client(users["stranger"]).get(f"/studio/courses/{slug}")
    assert response.status_code == 403
    assert "Bạn không thuộc nhóm soạn khóa học này nên không thể chỉnh sửa." in response.text
    response = auth_client(users["stranger"]).get(f"/studio/courses/{MODULE_COURSE}")
    assert "chỉ do quản trị viên chỉnh sửa" in response.text
    english = auth_client(users["learner"])
    english.post("/language", data={"lang": "en"})
    response = english.get("/studio")
    assert response.status_code == 403
    assert "The studio is for trainers and administrators." in response.text
    # Asked for JSON (the editor's script), the refusal is JSON.
    response = auth_client(users["stranger"]).post(
        f"/studio/courses/{slug}/lessons/bai-1",
        json={"title": "x", "markdown": "y", "minutes": 1, "version": 1},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    from sqlalchemy import select

    from elearn.audit.models import AuditEvent

    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.event, AuditEvent.user_id, AuditEvent.subject)
        ).all()
    assert ("studio.denied", users["stranger"].id, f"course {slug}") in events
    assert ("studio.denied", users["learner"].id, "studio") in events


def test_the_header_menu_offers_the_studio_to_trainers_and_admins_only(app, auth_client, staffed):
    _slug, users = staffed
    link = '<a href="/studio">Soạn khóa học</a>'
    assert link in auth_client(users["stranger"]).get("/courses").text
    assert link in auth_client(users["admin"]).get("/courses").text
    assert link not in auth_client(users["learner"]).get("/courses").text
    assert link not in app.test_client().get("/courses").text
