"""Course modules and packages: validation with file:line, sync into revisions, sanitising."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.content import structure
from elearn.content.models import (
    Course,
    CourseRevision,
    Lesson,
    LessonVersion,
    Question,
    RevisionLesson,
    RevisionQuestion,
)
from elearn.content.package import PackageError, render_lesson
from elearn.content.render import render_markdown, video_embed_url
from elearn.content.sync import read_all, sync_from_dir
from elearn.extensions import db
from elearn.learn.models import LessonCompletion
from elearn.learn.services import complete_lesson, enroll_in_course
from tests.conftest import committed

FIXTURES = Path(__file__).parent / "fixtures" / "courses"
QUIZ_FIXTURES = Path(__file__).parent / "fixtures" / "quiz_courses"


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    target = tmp_path / "courses"
    shutil.copytree(FIXTURES, target)
    return target


def counts():
    return (
        db.session.scalar(select(func.count()).select_from(Course)),
        db.session.scalar(select(func.count()).select_from(CourseRevision)),
        db.session.scalar(select(func.count()).select_from(Lesson)),
        db.session.scalar(select(func.count()).select_from(LessonVersion)),
    )


def test_shipped_courses_validate_and_have_substance(app_ctx):
    packages = [p for _source, p in read_all(Path(__file__).parent.parent / "courses")]
    assert {p.topic for p in packages} >= {"ecommerce", "branding", "quality"}
    for package in packages:
        assert package.language == "vi"
        assert len(package.lessons) >= 6, package.slug
        assert len(package.sections) >= 2, package.slug
        assert package.tools, package.slug
        for lesson in package.lessons.values():
            html = render_lesson(lesson, {})
            # a real 5-10 minute read: several hundred words, headings, a summary
            words = len(html.split())
            assert words >= 500, (package.slug, lesson.slug, words)
            assert "<h2>" in html
            assert 5 <= lesson.minutes <= 15


def test_sync_is_idempotent_and_keeps_progress(app_ctx, course_dir, make_user):
    user = make_user()
    report = committed(sync_from_dir, course_dir)
    assert report.created == ["khoa-mau"] and report.published == [("khoa-mau", 1)]
    first = counts()
    touched = db.session.scalar(select(Course.updated_at))
    again = committed(sync_from_dir, course_dir)
    assert again.unchanged == ["khoa-mau"] and again.published == []
    assert counts() == first
    assert db.session.scalar(select(Course.updated_at)) == touched
    course = structure.published("khoa-mau")
    committed(enroll_in_course, db.session.get(type(user), user.id), course)
    committed(complete_lesson, user.id, course, course.lesson_by_slug["bai-hai"])
    lesson_id = course.lesson_by_slug["bai-hai"].id
    # Edit the lesson and reorder: identity by slug keeps the completion.
    path = course_dir / "mau" / "package" / "lessons" / "bai-hai.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Bài hai", "Bài hai (sửa)"), encoding="utf-8"
    )
    manifest = course_dir / "mau" / "package" / "course.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            '["bai-mot", "bai-hai"]', '["bai-hai", "bai-mot"]'
        ),
        encoding="utf-8",
    )
    report = committed(sync_from_dir, course_dir)
    assert report.published == [("khoa-mau", 2)]
    db.session.expire_all()
    edited = structure.published("khoa-mau")
    same = edited.lesson_by_slug["bai-hai"]
    assert same.id == lesson_id and same.title == "Bài hai (sửa)" and same.position == 1
    assert edited.revision_number == 2
    # Unchanged lessons share their version with revision 1; the edited one has a new one.
    assert (
        edited.lesson_by_slug["bai-mot"].version_id == course.lesson_by_slug["bai-mot"].version_id
    )
    assert same.version_id != course.lesson_by_slug["bai-hai"].version_id
    states = dict(db.session.execute(select(CourseRevision.number, CourseRevision.state)).all())
    assert states == {1: "retired", 2: "published"}
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1


def test_removed_lesson_leaves_the_revision_and_keeps_completions(app_ctx, course_dir, make_user):
    committed(sync_from_dir, course_dir)
    user = make_user()
    course = structure.published("khoa-mau")
    committed(enroll_in_course, db.session.get(type(user), user.id), course)
    committed(complete_lesson, user.id, course, course.lesson_by_slug["bai-ba"])
    (course_dir / "mau" / "package" / "lessons" / "bai-ba.md").unlink()
    manifest = course_dir / "mau" / "package" / "course.toml"
    text = manifest.read_text(encoding="utf-8").replace(
        '[[sections]]\ntitle = "Phần hai"\nlessons = ["bai-ba"]\n', ""
    )
    manifest.write_text(text, encoding="utf-8")
    committed(sync_from_dir, course_dir)
    db.session.expire_all()
    now = structure.published("khoa-mau")
    assert "bai-ba" not in now.lesson_by_slug and len(now.sections) == 1
    # The key and its completion stay: the old revision still places the lesson.
    assert db.session.scalar(select(Lesson.id).where(Lesson.slug == "bai-ba")) is not None
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1


def test_broken_file_fails_sync_and_changes_nothing(app_ctx, course_dir):
    committed(sync_from_dir, course_dir)
    before = counts()
    manifest = course_dir / "mau" / "package" / "course.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("Khóa học mẫu", "Tên mới"), encoding="utf-8"
    )
    bad = course_dir / "mau" / "package" / "lessons" / "bai-hai.md"
    bad.write_text("---\ntitle: Bài hai\nminutes: nhiều\n---\n\nNội dung\n", encoding="utf-8")
    with pytest.raises(PackageError) as info:
        committed(sync_from_dir, course_dir)
    assert str(info.value.problems[0]) == (
        "courses/mau/package/lessons/bai-hai.md:3: 'minutes' must be a whole number from 1 to 240"
    )
    db.session.expire_all()
    assert counts() == before
    assert structure.published("khoa-mau").title == "Khóa học mẫu về Thương hiệu"


PKG = "courses/mau/package"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: (d / "course.toml").write_text('slug = "x"\ntitle = [\n', encoding="utf-8"),
            f"{PKG}/course.toml:",
        ),
        (
            lambda d: (d / "lessons" / "bai-moi.md").write_text(
                "---\ntitle: X\nminutes: 3\n---\nA\n", encoding="utf-8"
            ),
            f"{PKG}/lessons/bai-moi.md:1: lesson 'bai-moi' is not listed",
        ),
        (
            lambda d: (d / "lessons" / "bai-ba.md").unlink(),
            f"{PKG}/course.toml:15: lesson 'bai-ba' has no file lessons/bai-ba.md",
        ),
        (
            lambda d: (d / "lessons" / "bai-ba.md").write_text(
                "Không có front matter\n", encoding="utf-8"
            ),
            f"{PKG}/lessons/bai-ba.md:1: lesson must start with YAML front matter",
        ),
        (
            lambda d: (d / "lessons" / "bai-ba.md").write_text(
                "---\ntitle: A\nminutes: 3\nvideo: https://evil.example/v\n---\nA\n",
                encoding="utf-8",
            ),
            f"{PKG}/lessons/bai-ba.md:4: 'video' must be an https YouTube or Vimeo link",
        ),
        (
            lambda d: (d / "lessons" / "bai-ba.md").write_text(
                "---\ntitle: A\nminutes: 3\ntitel: typo\n---\nA\n", encoding="utf-8"
            ),
            f"{PKG}/lessons/bai-ba.md:4: unknown front matter key 'titel'",
        ),
        (
            lambda d: (d / "lessons" / "bai-ba.md").write_text(
                "---\ntitle: [unclosed\nminutes: 3\n---\nA\n", encoding="utf-8"
            ),
            f"{PKG}/lessons/bai-ba.md:",
        ),
        (
            lambda d: (d / "lessons" / "bai-ba.md").write_text(
                "---\ntitle: A\nminutes: 3\n---\n\nMở đầu.\n\n<style>\np { color: red }\n\nHết.\n",
                encoding="utf-8",
            ),
            f"{PKG}/lessons/bai-ba.md:8: <style> is never closed",
        ),
        (
            lambda d: (d / "lessons" / "bai-ba.md").write_text(
                "---\ntitle: A\nminutes: 3\n---\n\nẢnh ![x](assets/khong-co.png)\n",
                encoding="utf-8",
            ),
            f"{PKG}/lessons/bai-ba.md:6: no such asset: assets/khong-co.png",
        ),
        (
            lambda d: (d / "tools.py").write_text("import os\n", encoding="utf-8"),
            f"{PKG}/tools.py:1: a course package holds no code: remove this file",
        ),
        (
            lambda d: (d / "assets" / "logo.svg").write_text("<svg/>", encoding="utf-8"),
            f"{PKG}/assets/logo.svg:1: SVG files can carry scripts",
        ),
        (
            lambda d: (d / "assets" / "anh.png").write_bytes(b"<html>not an image</html>"),
            f"{PKG}/assets/anh.png:1: the content is not a image/png file",
        ),
        (
            lambda d: (d / "course.toml").write_text(
                (d / "course.toml").read_text(encoding="utf-8") + 'tools = ["khong_co.cong_cu"]\n',
                encoding="utf-8",
            ),
            f"{PKG}/course.toml:",
        ),
    ],
)
def test_validate_reports_file_and_line(runner, app, course_dir, mutate, expected):
    mutate(course_dir / "mau" / "package")
    app.config["ELEARN_COURSES_DIR"] = str(course_dir)
    try:
        result = runner.invoke(args=["courses", "validate"])
    finally:
        app.config["ELEARN_COURSES_DIR"] = str(Path(__file__).parent.parent / "courses")
    assert result.exit_code == 1
    assert expected in result.output, result.output


def test_cli_sync_and_validate_shipped_courses(runner):
    result = runner.invoke(args=["courses", "validate"])
    assert result.exit_code == 0 and result.output.startswith("OK: 5 course(s)")
    first = runner.invoke(args=["courses", "sync"])
    second = runner.invoke(args=["courses", "sync"])
    assert first.exit_code == 0 and first.output.count("revision 1 (new course)") == 5
    assert second.exit_code == 0 and second.output == "All 5 course(s) unchanged.\n"


def test_course_files_cannot_inject_script(app_ctx, course_dir):
    committed(sync_from_dir, course_dir)
    lesson = structure.published("khoa-mau").lesson_by_slug["bai-mot"]
    html = structure.lesson_html(lesson.version_id)
    lowered = html.lower()
    for bad in ("<script", "onerror", "onclick", 'href="javascript:', "<iframe", "style="):
        assert bad not in lowered, bad
    assert "<strong>bài một</strong>" in html


def test_assets_are_stored_by_hash_and_served_with_a_stable_url(app, client, course_dir):
    import hashlib

    with app.app_context():
        committed(sync_from_dir, course_dir)
        lesson = structure.published("khoa-mau").lesson_by_slug["bai-mot"]
        html = structure.lesson_html(lesson.version_id)
    data = (course_dir / "mau" / "package" / "assets" / "nhan.png").read_bytes()
    url = f"/media/{hashlib.sha256(data).hexdigest()}/nhan.png"
    # The lesson shows the image re-encoded (elearn.content.uploads); the original is
    # kept, byte for byte, and sent as a download.
    shown = re.search(r'<img src="(/media/[0-9a-f]{64}/nhan-2\.jpg)"', html)
    assert shown and "<picture>" in html and url not in html
    response = client.get(url)
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()
    variant = client.get(shown.group(1))
    assert variant.status_code == 200 and variant.mimetype == "image/jpeg"
    assert variant.headers["Content-Disposition"].startswith("inline")
    variant.close()
    other_name = client.get(url.replace("nhan.png", "x.png"))  # the name is cosmetic
    assert other_name.status_code == 200
    other_name.close()
    assert client.get("/media/" + "0" * 64 + "/nhan.png").status_code == 404
    assert client.get("/media/not-a-hash/nhan.png").status_code == 404


def test_render_markdown_strips_dangerous_urls():
    html = render_markdown('<a href="data:text/html,x">d</a> <img src="javascript:alert(1)">')
    assert "data:" not in html and "javascript:" not in html


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?autoplay=1"),
        ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
    ],
)
def test_video_embed_urls(url, embed):
    assert video_embed_url(url) == embed


KT = "courses/kt/package"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: (d / "questions" / "bank.gift").write_text(
                "$CATEGORY: nhanh\n\n::hong:: Câu hỏi hỏng {=a ~b\n", encoding="utf-8"
            ),
            f"{KT}/questions/bank.gift:3:",
        ),
        (
            lambda d: (d / "questions" / "bank.gift").write_text(
                "$CATEGORY: nhanh\n\n::tu-luan:: Hãy viết một đoạn văn. {}\n", encoding="utf-8"
            ),
            f"{KT}/questions/bank.gift:3:",
        ),
        (
            lambda d: (d / "course.toml").write_text(
                (d / "course.toml")
                .read_text(encoding="utf-8")
                .replace('category = "cuoi", draw = 4', 'category = "cuoi", draw = 40'),
                encoding="utf-8",
            ),
            "quiz 'cuoi-khoa': 'draw' must be 1-6",
        ),
        (
            lambda d: (d / "course.toml").write_text(
                (d / "course.toml")
                .read_text(encoding="utf-8")
                .replace('{ question = "tong-diem" }', '{ question = "khong-co" }'),
                encoding="utf-8",
            ),
            "quiz 'cuoi-khoa': no question named 'khong-co'",
        ),
        (
            lambda d: (d / "course.toml").write_text(
                (d / "course.toml")
                .read_text(encoding="utf-8")
                .replace('grading = "highest"', 'grading = "average"'),
                encoding="utf-8",
            ),
            f"{KT}/course.toml:31: quiz 'cuoi-khoa': 'grading' must be highest or last",
        ),
        (
            lambda d: (d / "course.toml").write_text(
                (d / "course.toml")
                .read_text(encoding="utf-8")
                .replace("pass_mark = 70", 'pass_mark = "70"'),
                encoding="utf-8",
            ),
            f"{KT}/course.toml:26: quiz 'cuoi-khoa': 'pass_mark' must be 0-100",
        ),
        (
            lambda d: (d / "course.toml").write_text(
                (d / "course.toml")
                .read_text(encoding="utf-8")
                .replace('quizzes = ["cuoi-khoa"]', "quizzes = []"),
                encoding="utf-8",
            ),
            "quiz 'cuoi-khoa' must be listed in exactly one section",
        ),
    ],
)
def test_validate_covers_quizzes(runner, app, tmp_path, mutate, expected):
    target = tmp_path / "courses"
    shutil.copytree(QUIZ_FIXTURES, target)
    mutate(target / "kt" / "package")
    app.config["ELEARN_COURSES_DIR"] = str(target)
    try:
        result = runner.invoke(args=["courses", "validate"])
    finally:
        app.config["ELEARN_COURSES_DIR"] = str(Path(__file__).parent.parent / "courses")
    assert result.exit_code == 1
    assert expected in result.output, result.output


def test_quiz_sync_keeps_question_keys(app_ctx, tmp_path):
    target = tmp_path / "courses"
    shutil.copytree(QUIZ_FIXTURES, target)
    committed(sync_from_dir, target)
    course = structure.published("khoa-kiem-tra")
    assert len(course.quizzes) == 2
    ids = {q.name: q.id for q in db.session.scalars(select(Question))}
    assert len(ids) == 9
    committed(sync_from_dir, target)
    assert {q.name: q.id for q in db.session.scalars(select(Question))} == ids
    bank = target / "kt" / "package" / "questions" / "bank.gift"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("::dung-sai::", "::dung-sai-moi::"),
        encoding="utf-8",
    )
    committed(sync_from_dir, target)
    db.session.expire_all()
    revision_id = structure.published("khoa-kiem-tra").revision_id
    in_bank = set(
        db.session.scalars(
            select(Question.name)
            .join(RevisionQuestion, RevisionQuestion.question_id == Question.id)
            .where(RevisionQuestion.revision_id == revision_id)
        )
    )
    assert "dung-sai-moi" in in_bank and "dung-sai" not in in_bank
    # The old key is kept for the attempts that drew it.
    assert (
        db.session.scalar(select(Question.id).where(Question.name == "dung-sai")) == ids["dung-sai"]
    )


def test_revision_lessons_point_at_versions(app_ctx, course_dir):
    committed(sync_from_dir, course_dir)
    placed = db.session.scalar(select(func.count()).select_from(RevisionLesson))
    assert placed == 3
