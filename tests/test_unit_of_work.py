"""The unit of work: one commit at the boundary, nothing half-saved, refused actions audited."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.audit.models import AuditEvent
from elearn.auth.models import User
from elearn.core.db import UnitOfWorkViolation, after_commit, unit_of_work
from elearn.extensions import db

ELEARN = Path(__file__).resolve().parent.parent / "elearn"


def test_only_the_unit_of_work_module_calls_commit():
    """Services flush, views and decorators never commit: the boundary does."""
    offenders = []
    for path in ELEARN.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("commit", "rollback")
                and ast.unparse(node.func.value) in ("db.session", "session", "db.session()")
            ):
                offenders.append(f"{path.relative_to(ELEARN)}:{node.lineno}")
    # The scan finds the boundary's own calls, so it would find any other.
    assert any(o.startswith("core/db.py:") for o in offenders)
    assert [o for o in offenders if not o.startswith("core/db.py:")] == []


@pytest.fixture
def own_app(app):
    """A second app on the same database, to which a test may add routes."""
    from elearn import create_app

    own = create_app(
        {
            "ELEARN_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "ELEARN_COURSES_DIR": app.config["ELEARN_COURSES_DIR"],
        }
    )
    yield own
    # Close its pool: PostgreSQL connections left to the garbage collector warn (an error here).
    with own.app_context():
        db.engine.dispose()


def test_a_commit_inside_a_request_is_refused(own_app, app):
    """A view (or anything it calls) that commits fails loudly instead of committing twice."""

    @own_app.post("/commit-in-view-for-test")
    def commits():
        db.session.add(User(email="x@example.vn", password_hash="x", full_name="X"))
        db.session.commit()
        return "committed"

    own_app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(UnitOfWorkViolation):
        own_app.test_client().post("/commit-in-view-for-test")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_an_error_response_rolls_back_and_a_success_commits(own_app, app):
    @own_app.post("/write-then-fail-for-test/<int:status>")
    def write_then(status: int):
        db.session.add(User(email=f"s{status}@example.vn", password_hash="x", full_name="S"))
        db.session.flush()
        return "done", status

    client = own_app.test_client()
    assert client.post("/write-then-fail-for-test/400").status_code == 400
    assert client.post("/write-then-fail-for-test/409").status_code == 409
    assert client.post("/write-then-fail-for-test/201").status_code == 201
    assert client.post("/write-then-fail-for-test/303").status_code == 303
    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
    assert emails == {"s201@example.vn", "s303@example.vn"}


def test_after_commit_runs_only_when_the_unit_commits(app_ctx):
    ran: list[str] = []
    with unit_of_work():
        after_commit(lambda: ran.append("kept"))
    with pytest.raises(RuntimeError), unit_of_work():
        after_commit(lambda: ran.append("lost"))
        raise RuntimeError("boom")
    assert ran == ["kept"]


def test_a_command_is_all_or_nothing(app_ctx):
    with pytest.raises(RuntimeError), unit_of_work():
        db.session.add(User(email="half@example.vn", password_hash="x", full_name="H"))
        db.session.flush()
        raise RuntimeError("the second half failed")
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_refused_login_is_audited_although_the_request_rolls_back(app, client, make_user):
    make_user(email="an@example.vn")
    response = client.post("/login", data={"login": "an@example.vn", "password": "sai mật khẩu"})
    assert response.status_code == 400
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent.event)))
    assert "login.failed" in events


def test_denied_admin_page_is_audited(app, learner, learner_client):
    assert learner_client.get("/admin/certificates").status_code == 403
    with app.app_context():
        denied = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "authz.denied")
        )
    assert denied == 1
