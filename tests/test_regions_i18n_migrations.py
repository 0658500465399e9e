"""Regions data, translation catalogues and migrations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import func, inspect, select, text

from elearn.extensions import db
from elearn.regions.models import Region
from elearn.regions.services import load_regions
from tests.conftest import committed

ROOT = Path(__file__).resolve().parent.parent


def test_regions_counts_codes_and_idempotent_load(app_ctx):
    def count(kinds):
        return db.session.scalar(
            select(func.count()).select_from(Region).where(Region.kind.in_(kinds))
        )

    assert count(["province", "city"]) == 34
    assert count(["commune", "ward", "special_zone"]) == 3321
    assert load_regions() == 3355
    hanoi = db.session.get(Region, "01")
    assert hanoi.name == "Thành phố Hà Nội" and hanoi.name_folded == "thanh pho ha noi"
    assert db.session.get(Region, "03847").parent_code == "14"


def test_communes_endpoint_returns_one_province_only(client):
    response = client.get("/regions/14/communes")
    data = response.json
    assert response.status_code == 200 and data["province"] == "14"
    assert 0 < len(data["communes"]) < 300
    assert {"code": "03847", "name": "Xã Mường Bú"} in data["communes"]
    assert client.get("/regions/03847/communes").status_code == 404  # a commune is not a province
    assert client.get("/regions/zz/communes").status_code == 404


def test_vietnamese_catalogue_is_complete_and_compiled():
    po_path = ROOT / "elearn/translations/vi/LC_MESSAGES/messages.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    with (ROOT / "elearn/translations/messages.pot").open("rb") as fh:
        template = read_po(fh)
    missing = [m.id for m in template if m.id and m.id not in catalog]
    assert missing == [], "run `make translations` and translate"
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    with (ROOT / "elearn/translations/vi/LC_MESSAGES/messages.mo").open("rb") as fh:
        compiled = read_mo(fh)

    def as_dict(messages):
        return {
            (m.id if isinstance(m.id, str) else tuple(m.id)): (
                m.string if isinstance(m.string, str) else tuple(m.string)
            )
            for m in messages
            if m.id
        }

    assert as_dict(compiled) == as_dict(catalog), "messages.mo is stale: run pybabel compile"


def test_template_is_up_to_date_with_the_code():
    from babel.messages.extract import extract_from_dir

    method_map = [("elearn/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)},
    ):
        found.add(message if isinstance(message, str) else message[0])
    with (ROOT / "elearn/translations/messages.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert found - template == set(), "new strings: run `make translations`"


def test_no_message_hides_inside_an_f_string():
    """Babel does not extract `_("…")` written inside an f-string: `make translations`
    would drop its translation (it did, once, for the course outline's "passed")."""
    import ast

    names = {"_", "_l", "gettext", "lazy_gettext", "ngettext"}
    hidden = []
    for path in sorted((ROOT / "elearn").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") in names:
                    hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert hidden == []


def test_migrations_build_the_models_schema_with_constraints(app_ctx):
    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    assert set(db.metadata.tables) <= tables
    uniques = {
        tuple(c["column_names"]) for c in inspector.get_unique_constraints("lesson_completions")
    } | {
        tuple(i["column_names"]) for i in inspector.get_indexes("lesson_completions") if i["unique"]
    }
    assert ("user_id", "lesson_id") in uniques
    enrollment_uniques = {
        tuple(c["column_names"]) for c in inspector.get_unique_constraints("enrollments")
    }
    assert ("user_id", "course_id") in enrollment_uniques


@pytest.fixture
def scratch_database_url(tmp_path):
    """An empty database of the kind under test (a throw-away one on PostgreSQL)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    import psycopg

    base, _, _name = url.rpartition("/")
    name = f"elearn_migrations_{os.getpid()}"
    admin = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_round_trip_keeps_rows(tmp_path, monkeypatch, scratch_database_url):
    """Upgrade an empty database, seed it, downgrade one step and upgrade again."""
    from flask_migrate import downgrade, upgrade

    from elearn import create_app
    from elearn.content.sync import sync_from_dir

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    app = create_app({"ELEARN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade()
        assert {"users", "quiz_attempts", "certificates"} <= set(
            inspect(db.engine).get_table_names()
        )
        committed(sync_from_dir, ROOT / "tests" / "fixtures" / "courses")
        lessons = db.session.execute(text("SELECT count(*) FROM lessons")).scalar()
        db.session.remove()
        downgrade(revision="0001")
        assert "quiz_attempts" not in inspect(db.engine).get_table_names()
        upgrade()
        assert db.session.execute(text("SELECT count(*) FROM lessons")).scalar() == lessons
        db.session.remove()
        downgrade(revision="base")
        assert "users" not in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_migrations_build_exactly_the_models_schema(app_ctx):
    """Autogenerate finds nothing to do: models and migrations agree (tables, columns,
    types, nullability, indexes, unique constraints, foreign keys)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_fast_gettext_follows_the_request_locale_and_force_locale(app):
    from flask_babel import force_locale

    from elearn.core.i18n import gettext, ngettext

    with app.test_request_context("/"):
        assert gettext("Course completed.") == "Đã hoàn thành khóa học."
        with force_locale("en"):
            assert gettext("Course completed.") == "Course completed."
            assert (
                ngettext("%(num)d quiz to go.", "%(num)d quizzes to go.", 2) == "2 quizzes to go."
            )
        assert ngettext("%(num)d quiz to go.", "%(num)d quizzes to go.", 2) == "Còn 2 bài kiểm tra."


def test_sqlite_keeps_foreign_keys_on_after_migrating(app_ctx):
    """The migrations turn SQLite's foreign keys off while they rebuild tables; the
    connection they used goes back to the pool with them on again (cascades work)."""
    if db.engine.dialect.name != "sqlite":
        return
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_strings_inside_f_strings_are_extracted_too():
    """Babel's extractor does not look inside f-strings (before Python 3.12): a `_("…")`
    there is dropped from the catalogue by the next `make translations` and shows in
    English. Every one-piece `_("…")` in the code must be one the extractor finds."""
    import re

    from babel.messages.extract import extract_from_dir

    call = re.compile(r'(?<![\w.])_l?\(\s*"((?:[^"\\\n]|\\.)*)"\s*[,)]')
    extracted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "elearn"),
            method_map=[("**.py", "python")],
            keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None},
        )
    }
    missing = {
        (path.relative_to(ROOT).as_posix(), text)
        for path in (ROOT / "elearn").rglob("*.py")
        for text in call.findall(path.read_text(encoding="utf-8"))
        if "\\" not in text and text not in extracted
    }
    assert missing == set()
