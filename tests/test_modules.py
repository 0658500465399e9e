"""The module interface: tools by id for any course, discovery from folders and entry points."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from elearn import create_app
from elearn.content.modules import discover
from elearn.content.package import files_from_folder, read_files
from elearn.content.revisions import import_package
from elearn.content.sync import sync_from_dir
from elearn.extensions import db
from elearn.modules import ENTRY_POINT_GROUP
from tests.conftest import committed, login_client

FIXTURES = Path(__file__).parent / "fixtures"
MODULES = FIXTURES / "modules"


@pytest.fixture
def module_app(app):
    """An app whose courses directory holds the example module `vi_du`."""
    other = create_app(
        {
            "ELEARN_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "ELEARN_COURSES_DIR": str(MODULES),
            "ELEARN_MEDIA_DIR": app.config["ELEARN_MEDIA_DIR"],
        }
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_example_module_registers_its_tool(module_app):
    tools = module_app.extensions["elearn_tools"]
    assert set(tools) == {"vi_du.word_counter"}
    tool = tools["vi_du.word_counter"]
    assert tool.endpoint == "vi_du.word_counter"
    client = module_app.test_client()
    page = client.get("/tools/vi_du/dem-chu", query_string={"text": "chè shan tuyết Mộc Châu"})
    assert page.status_code == 200 and "Số chữ: <strong>5</strong>" in page.text


def test_a_course_shows_the_tools_its_package_names(module_app, make_user):
    with module_app.app_context():
        committed(sync_from_dir, MODULES)
    client = module_app.test_client()
    course = client.get("/courses/vi-du-cong-cu").text
    assert 'href="/tools/vi_du/dem-chu?course=vi-du-cong-cu"' in course
    # The tool knows the course that linked it and who is using it, and nothing more.
    user = make_user(full_name="Lò Văn Sơn")
    logged_in = login_client(module_app, user)
    tool = logged_in.get("/tools/vi_du/dem-chu?course=vi-du-cong-cu").text
    assert "Xin chào Lò Văn Sơn." in tool
    assert 'href="/courses/vi-du-cong-cu"' in tool
    assert 'name="course" value="vi-du-cong-cu"' in tool


def test_an_imported_course_can_show_any_installed_tool(app, client, tmp_path):
    package = tmp_path / "package"
    files_dir = FIXTURES / "courses" / "mau" / "package"
    import shutil

    shutil.copytree(files_dir, package)
    manifest = package / "course.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            'version = "1.0"\n',
            'version = "1.0"\ntools = ["thuong_mai_dien_tu.price_calculator"]\n',
        ),
        encoding="utf-8",
    )
    with app.app_context():
        known = set(app.extensions["elearn_tools"])
        committed(import_package, read_files(files_from_folder(package), "", known), None, True)
    page = client.get("/courses/khoa-mau").text
    assert 'href="/tools/thuong_mai_dien_tu/gia-ban?course=khoa-mau"' in page


def test_modules_that_do_not_declare_the_interface_are_refused(app_ctx):
    modules, problems = discover(FIXTURES / "broken_modules", entry_points=False)
    assert modules == []
    text = "\n".join(problems)
    assert "cu: written for module interface 99; this platform supports [1]" in text
    assert "khong_khai_bao: has no `module = CourseModule(...)`" in text


def test_installed_distributions_provide_modules_by_entry_point(app_ctx, monkeypatch, tmp_path):
    entry = importlib.metadata.EntryPoint(
        name="ep_module", value="tests.fixtures.ep_module:module", group=ENTRY_POINT_GROUP
    )
    real = importlib.metadata.entry_points

    def entry_points(**kwargs):
        if kwargs.get("group") == ENTRY_POINT_GROUP:
            return importlib.metadata.EntryPoints([entry])
        return real(**kwargs)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    modules, problems = discover(tmp_path / "no-courses-here")
    assert problems == []
    assert [m.name for m in modules] == ["ep_module"]
    assert modules[0].root == FIXTURES / "ep_module"
    assert modules[0].tools[0].endpoint == "hello"
