"""Course packages as zips: export -> import -> export gives the same bytes; unsafe zips refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from elearn import create_app
from elearn.content import package as packages
from elearn.content.models import Course, CourseRevision
from elearn.content.package import (
    PackageError,
    files_from_folder,
    files_from_zip,
    read_files,
    write_files,
    write_zip,
)
from elearn.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_every_shipped_package_round_trips_through_a_zip():
    for folder in sorted((ROOT / "courses").glob("*/package")):
        first = write_zip(write_files(read_files(files_from_folder(folder))))
        again = write_zip(write_files(read_files(files_from_zip(first))))
        assert again == first, folder
        assert write_zip(write_files(read_files(files_from_zip(first)))) == first


def test_the_zip_is_deterministic():
    files = files_from_folder(FIXTURES / "courses" / "mau" / "package")
    data = write_zip(write_files(read_files(files)))
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "assets/nhan.png" in {i.filename for i in infos}


def test_export_import_export_gives_identical_bytes(app, runner, courses, tmp_path):
    """Exported from this database, imported into a new one, exported again: same bytes."""
    first = tmp_path / "first.zip"
    result = runner.invoke(args=["courses", "export", "thuong-mai-dien-tu", "--to", str(first)])
    assert result.exit_code == 0, result.output
    other = create_app(
        {
            "ELEARN_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite3'}",
            "ELEARN_MEDIA_DIR": str(tmp_path / "media"),
            "ELEARN_COURSES_DIR": str(ROOT / "courses"),
        }
    )
    with other.app_context():
        upgrade()
    try:
        cli = other.test_cli_runner()
        imported = cli.invoke(args=["courses", "import", str(first), "--publish"])
        assert imported.exit_code == 0, imported.output
        assert "Imported thuong-mai-dien-tu as revision 1 (published)" in imported.output
        second = tmp_path / "second.zip"
        exported = cli.invoke(args=["courses", "export", "thuong-mai-dien-tu", "--to", str(second)])
        assert exported.exit_code == 0, exported.output
        assert second.read_bytes() == first.read_bytes()
        with other.app_context():
            assert db.session.scalar(select(Course.origin)) == "import"
    finally:
        with other.app_context():
            db.engine.dispose()


def test_import_makes_a_draft_unless_published_and_refuses_a_taken_slug(
    app, runner, client, courses, tmp_path
):
    target = tmp_path / "course.zip"
    runner.invoke(args=["courses", "export", "thuong-mai-dien-tu", "--to", str(target)])
    taken = runner.invoke(args=["courses", "import", str(target)])
    assert taken.exit_code == 1
    assert "Đã có một khóa học với địa chỉ “thuong-mai-dien-tu”" in taken.output
    draft = runner.invoke(args=["courses", "import", str(target), "--slug", "ban-sao"])
    assert draft.exit_code == 0 and "(a draft)" in draft.output
    assert client.get("/courses/ban-sao").status_code == 404
    with app.app_context():
        state = db.session.scalar(
            select(CourseRevision.state).join(Course).where(Course.slug == "ban-sao")
        )
    assert state == "draft"
    bad = runner.invoke(args=["courses", "import", str(target), "--slug", "Không hợp lệ"])
    assert bad.exit_code == 1 and "--slug must be" in bad.output
    assert runner.invoke(args=["courses", "export", "khong-co", "--to", str(target)]).exit_code == 1


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            {"course.toml": b"", "tools.py": b"import os"},
            "tools.py:1: a course package holds no code",
        ),
        ({"course.toml": b"", "lessons/x.pyc": b"\x00"}, "a course package holds no code"),
        ({"../etc/passwd": b"x"}, "unsafe path in the zip: '../etc/passwd'"),
        ({"/abs/course.toml": b"x"}, "unsafe path in the zip"),
        ({"course.toml": b"", "notes.txt": b"x"}, "notes.txt:1: unexpected file"),
        ({"lessons/a.md": b"x"}, "course.toml:1: course.toml is missing"),
    ],
)
def test_unsafe_or_wrong_zips_are_refused(entries, message):
    with pytest.raises(PackageError) as info:
        read_files(files_from_zip(zip_of(entries), "goi.zip"), "goi")
    assert message in "\n".join(map(str, info.value.problems))


def test_a_zip_of_the_folder_is_read_from_inside_its_top_folder():
    files = files_from_folder(FIXTURES / "courses" / "mau" / "package")
    wrapped = zip_of({f"khoa-mau/{name}": data for name, data in files.items()})
    assert read_files(files_from_zip(wrapped)).slug == "khoa-mau"


def test_not_a_zip_symlinks_and_zip_bombs_are_refused(monkeypatch):
    with pytest.raises(PackageError, match="this is not a zip file"):
        files_from_zip(b"PK but not really", "x.zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("course.toml")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(PackageError, match="symbolic links are not allowed"):
        files_from_zip(buffer.getvalue(), "x.zip")
    monkeypatch.setattr(packages, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(PackageError, match="unpacks to more than"):
        files_from_zip(zip_of({"course.toml": b"a" * 5000}), "x.zip")


def test_a_problem_in_a_table_names_the_line_of_its_header():
    """Not the blank line before it (a `^\\s*` pattern would start matching there)."""
    manifest = (
        'slug = "k"\ntitle = "K"\nsummary = "S"\ntopic = "branding"\nestimated_hours = 1\n'
        'version = "1"\n\n[[sections]]\ntitle = "Một"\nlessons = ["a"]\n\n'
        '[[sections]]\ntitle = "Hai"\nlessons = []\n'
    )
    lesson = b"---\ntitle: A\nminutes: 1\n---\n\nA.\n"
    with pytest.raises(PackageError) as caught:
        read_files({"course.toml": manifest.encode(), "lessons/a.md": lesson})
    [problem] = caught.value.problems
    assert (problem.line, problem.message) == (12, "section has no lessons and no quizzes")
    assert manifest.splitlines()[problem.line - 1] == "[[sections]]"
