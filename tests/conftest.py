"""Shared fixtures: app, db cleanup, client, users of each role, courses, query counter.

Every API response a test receives is checked against the served OpenAPI document
(tests/api_contract.py); a test that received one that does not fit fails.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(e.g. postgresql://postgres@127.0.0.1:5432/test). The schema is built by the
migrations, so every run also proves they work.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, inspect, text

from elearn import create_app
from elearn.auth import services as auth_services
from elearn.auth.models import User
from elearn.core.db import unit_of_work
from elearn.extensions import db, limiter
from tests.api_contract import ContractChecker, checking_client_class, served_document

ROOT = Path(__file__).resolve().parent.parent
KEEP_TABLES = {"regions", "alembic_version"}
PASSWORD = "correct horse battery staple"
#: What production refuses to start without, for tests that build a production app. No
#: Redis answers at that address: the rate limits stay in memory (the session app shares
#: the limiter extension) and nothing these tests do pushes a job.
PRODUCTION = {
    "ELEARN_ENV": "production",
    "SECRET_KEY": "k" * 48,
    "ELEARN_BASE_URL": "https://hoc.example.vn",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "RATELIMIT_STORAGE_URI": "memory://",
}


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.sqlite3'}"
    os.environ["ELEARN_INSTANCE_PATH"] = str(instance)
    app = create_app(
        {
            "ELEARN_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "ELEARN_COURSES_DIR": str(ROOT / "courses"),
            "ELEARN_MEDIA_DIR": str(instance / "media"),
            # ELEARN_TEST_RAISE=1 shows the traceback of an unexpected error instead of a 500.
            "PROPAGATE_EXCEPTIONS": bool(os.environ.get("ELEARN_TEST_RAISE")) or None,
        }
    )
    with app.app_context():
        _reset_schema()
        from flask_migrate import upgrade

        upgrade()
        from elearn.core.db import unit_of_work
        from elearn.regions.services import load_regions

        with unit_of_work():
            load_regions()
    app.test_client_class = checking_client_class(_api_contract_of(app))
    yield app
    with app.app_context():
        db.engine.dispose()


def _api_contract_of(app: Flask) -> ContractChecker:
    checker = ContractChecker(served_document(app))
    app.extensions["tests.api_contract"] = checker
    return checker


@pytest.fixture(scope="session")
def api_contract(app: Flask) -> ContractChecker:
    """The checker every test client of the session app reports API responses to."""
    return app.extensions["tests.api_contract"]


@pytest.fixture(autouse=True)
def _api_responses_fit_the_document(api_contract: ContractChecker) -> Iterator[None]:
    api_contract.failures.clear()
    yield
    failures, api_contract.failures[:] = list(api_contract.failures), []
    if failures:
        pytest.fail(
            "API responses that do not fit the OpenAPI document:\n" + "\n".join(failures),
            pytrace=False,
        )


def _reset_schema() -> None:
    """Drop whatever a previous run left (PostgreSQL keeps its data between runs)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


def _truncate() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    existing = set(inspect(db.engine).get_table_names())
    tables = [t for t in tables if t.name in existing]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean(app: Flask) -> Iterator[None]:
    """Each test starts with empty tables (regions kept) and fresh rate-limit counters."""
    yield
    with app.app_context():
        db.session.remove()
        _truncate()
    limiter.reset()
    from elearn.content.structure import clear_caches

    clear_caches()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app: Flask) -> Iterator[list]:
    """Messages "sent" during the test (Flask-Mailman's locmem backend)."""
    state = app.extensions["mailman"]
    state.outbox = []
    yield state.outbox
    state.outbox = []


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Factory: make_user(role="learner", email=..., phone=..., password=..., **profile)."""
    counter = {"n": 0}

    def make(
        role: str = "learner",
        email: str | None = None,
        phone: str | None = None,
        password: str = PASSWORD,
        full_name: str = "Nguyễn Văn An",
        **profile: str,
    ) -> User:
        counter["n"] += 1
        login = email or phone or f"user{counter['n']}-{role}@example.vn"
        with app.app_context():
            with unit_of_work():
                user = auth_services.register_user(
                    login,
                    password,
                    auth_services.Profile(full_name=full_name, **profile),
                    role=role,
                    require_details=False,
                )
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


def login_client(app: Flask, user: User, remember: bool = False) -> FlaskClient:
    """A test client with a live server-side session for `user` (not via the login form)."""
    client = app.test_client()
    with app.test_request_context():
        from elearn.auth.sessions import SESSION_KEY, start_session

        start_session(db.session.get(User, user.id), remember=remember)
        db.session.commit()
        from flask import session

        values = dict(session)
    with client.session_transaction() as sess:
        sess.update(values)
        sess[SESSION_KEY] = values[SESSION_KEY]
    return client


@pytest.fixture
def auth_client(app: Flask) -> Callable[[User], FlaskClient]:
    return lambda user, remember=False: login_client(app, user, remember)


@pytest.fixture
def learner(make_user) -> User:
    return make_user("learner", email="hocvien@example.vn", full_name="Lò Thị Mai")


@pytest.fixture
def learner_client(app: Flask, learner: User) -> FlaskClient:
    return login_client(app, learner)


@pytest.fixture
def trainer_client(app: Flask, make_user) -> FlaskClient:
    return login_client(app, make_user("trainer", email="giangvien@example.vn"))


@pytest.fixture
def admin_client(app: Flask, make_user) -> FlaskClient:
    return login_client(app, make_user("admin", email="quantri@example.vn"))


def committed(service: Callable, *args, **kwargs):
    """Call a service in its own unit of work, as a request or command would, and commit."""
    with unit_of_work():
        return service(*args, **kwargs)


def draw_everything(app: Flask, course_slug: str, quiz_key: str) -> None:
    """Make a quiz draw every question of its categories, so a test covers every question
    type whatever the random draw would have picked (its items are edited in place, as
    an author's change of settings; the structure cache is cleared)."""
    from sqlalchemy import update

    from elearn.content import structure
    from elearn.content.models import RevisionQuiz

    with app.app_context():
        course = structure.published(course_slug)
        quiz = course.quiz_by_key[quiz_key]
        items = [{k: v for k, v in item.items() if k != "draw"} for item in quiz.items]
        db.session.execute(
            update(RevisionQuiz)
            .where(RevisionQuiz.revision_id == course.revision_id, RevisionQuiz.quiz_id == quiz.id)
            .values(items=items)
        )
        db.session.commit()
    structure.clear_caches()


@pytest.fixture(scope="session")
def shipped_packages(app: Flask):
    """The packages of the shipped course modules, read and validated once."""
    from elearn.content.sync import read_all

    with app.app_context():
        return read_all(Path(app.config["ELEARN_COURSES_DIR"]))


@pytest.fixture(scope="session")
def shipped_specs(shipped_packages):
    """The shipped courses as packages (elearn.content.package.Package)."""
    return [package for _source, package in shipped_packages]


@pytest.fixture
def courses(app: Flask, shipped_packages, shipped_specs):
    """The shipped courses, synced into the database."""
    from elearn.content.sync import sync_packages

    with app.app_context(), unit_of_work():
        sync_packages(shipped_packages)
    return shipped_specs


@contextmanager
def _counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries(app: Flask):
    """with count_queries() as statements: ... ; len(statements) is the query count."""
    return lambda: _counting(app)


@pytest.fixture
def quiz_course(app: Flask) -> dict[str, int]:
    """The small test course (tests/fixtures/quiz_courses) synced: quiz key -> quiz id."""
    from sqlalchemy import select

    from elearn.content.models import Quiz
    from elearn.content.sync import sync_from_dir

    with app.app_context():
        committed(sync_from_dir, ROOT / "tests" / "fixtures" / "quiz_courses")
        return {q.key: q.id for q in db.session.scalars(select(Quiz))}
