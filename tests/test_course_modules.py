"""Course modules: validation with file:line, idempotent sync, archiving, sanitising."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.catalog.models import Course, Lesson, Section
from elearn.content.render import render_markdown, video_embed_url
from elearn.coursemodules.loader import load_all
from elearn.coursemodules.sync import SyncFailed, sync_from_dir
from elearn.extensions import db
from elearn.learn.models import LessonCompletion
from elearn.learn.services import complete_lesson, enroll
from tests.conftest import committed

FIXTURES = Path(__file__).parent / "fixtures" / "courses"


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    target = tmp_path / "courses"
    shutil.copytree(FIXTURES, target)
    return target


def counts():
    return (
        db.session.scalar(select(func.count()).select_from(Course)),
        db.session.scalar(select(func.count()).select_from(Lesson)),
        db.session.scalar(select(func.count()).select_from(Section)),
    )


def test_shipped_courses_validate_and_have_substance():
    specs, problems = load_all(Path(__file__).parent.parent / "courses")
    assert problems == []
    assert {s.topic for s in specs} >= {"ecommerce", "branding", "quality"}
    for spec in specs:
        assert spec.language == "vi"
        assert len(spec.lessons) >= 6, spec.slug
        assert len(spec.sections) >= 2, spec.slug
        for lesson in spec.lessons.values():
            # a real 5-10 minute read: several hundred words, headings, a summary
            words = len(lesson.body_html.split())
            assert words >= 500, (spec.slug, lesson.slug, words)
            assert "<h2>" in lesson.body_html
            assert 5 <= lesson.minutes <= 15


def test_sync_is_idempotent_and_keeps_progress(app_ctx, course_dir, make_user):
    report = committed(sync_from_dir, course_dir)
    assert report.lessons_added == 3
    first = counts()
    committed(sync_from_dir, course_dir)
    assert counts() == first
    user = make_user()
    course = db.session.scalar(select(Course).where(Course.slug == "khoa-mau"))
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "bai-hai"))
    committed(enroll, user.id, course)
    committed(complete_lesson, user.id, lesson)
    # Edit the lesson and reorder: identity by slug keeps the completion.
    path = course_dir / "mau" / "lessons" / "bai-hai.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Bài hai", "Bài hai (sửa)"), encoding="utf-8"
    )
    manifest = course_dir / "mau" / "course.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            '["bai-mot", "bai-hai"]', '["bai-hai", "bai-mot"]'
        ),
        encoding="utf-8",
    )
    committed(sync_from_dir, course_dir)
    db.session.expire_all()
    same = db.session.scalar(select(Lesson).where(Lesson.slug == "bai-hai"))
    assert same.id == lesson.id and same.title == "Bài hai (sửa)" and same.position == 1
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1


def test_removed_lesson_is_archived_not_deleted(app_ctx, course_dir, make_user):
    committed(sync_from_dir, course_dir)
    user = make_user()
    course = db.session.scalar(select(Course))
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "bai-ba"))
    committed(enroll, user.id, course)
    committed(complete_lesson, user.id, lesson)
    (course_dir / "mau" / "lessons" / "bai-ba.md").unlink()
    manifest = course_dir / "mau" / "course.toml"
    text = manifest.read_text(encoding="utf-8").replace(
        '[[sections]]\ntitle = "Phần hai"\nlessons = ["bai-ba"]\n', ""
    )
    manifest.write_text(text, encoding="utf-8")
    report = committed(sync_from_dir, course_dir)
    assert report.lessons_archived == 1
    db.session.expire_all()
    archived = db.session.get(Lesson, lesson.id)
    assert archived.archived and archived.section_id is None
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1
    assert db.session.scalar(select(func.count()).select_from(Section)) == 1


def test_broken_file_fails_sync_and_changes_nothing(app_ctx, course_dir):
    committed(sync_from_dir, course_dir)
    before = counts()
    title_before = db.session.scalar(select(Course.title))
    manifest = course_dir / "mau" / "course.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("Khóa học mẫu", "Tên mới"), encoding="utf-8"
    )
    bad = course_dir / "mau" / "lessons" / "bai-hai.md"
    bad.write_text("---\ntitle: Bài hai\nminutes: nhiều\n---\n\nNội dung\n", encoding="utf-8")
    with pytest.raises(SyncFailed) as info:
        committed(sync_from_dir, course_dir)
    assert str(info.value.problems[0]) == (
        "courses/mau/lessons/bai-hai.md:3: 'minutes' must be a whole number from 1 to 240"
    )
    db.session.expire_all()
    assert counts() == before
    assert db.session.scalar(select(Course.title)) == title_before


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: (d / "mau" / "course.toml").write_text(
                'slug = "x"\ntitle = [\n', encoding="utf-8"
            ),
            "courses/mau/course.toml:",
        ),
        (
            lambda d: (d / "mau" / "lessons" / "bai-moi.md").write_text(
                "---\ntitle: X\nminutes: 3\n---\nA\n", encoding="utf-8"
            ),
            "courses/mau/lessons/bai-moi.md:1: lesson 'bai-moi' is not listed",
        ),
        (
            lambda d: (d / "mau" / "lessons" / "bai-ba.md").unlink(),
            "courses/mau/course.toml:15: lesson 'bai-ba' has no file lessons/bai-ba.md",
        ),
        (
            lambda d: (d / "mau" / "lessons" / "bai-ba.md").write_text(
                "Không có front matter\n", encoding="utf-8"
            ),
            "courses/mau/lessons/bai-ba.md:1: lesson must start with YAML front matter",
        ),
        (
            lambda d: (d / "mau" / "lessons" / "bai-ba.md").write_text(
                "---\ntitle: A\nminutes: 3\nvideo: https://evil.example/v\n---\nA\n",
                encoding="utf-8",
            ),
            "courses/mau/lessons/bai-ba.md:4: 'video' must be an https YouTube or Vimeo link",
        ),
        (
            lambda d: (d / "mau" / "lessons" / "bai-ba.md").write_text(
                "---\ntitle: A\nminutes: 3\ntitel: typo\n---\nA\n", encoding="utf-8"
            ),
            "courses/mau/lessons/bai-ba.md:4: unknown front matter key 'titel'",
        ),
        (
            lambda d: (d / "mau" / "lessons" / "bai-ba.md").write_text(
                "---\ntitle: [unclosed\nminutes: 3\n---\nA\n", encoding="utf-8"
            ),
            "courses/mau/lessons/bai-ba.md:",
        ),
    ],
)
def test_validate_reports_file_and_line(runner, app, course_dir, mutate, expected):
    mutate(course_dir)
    app.config["ELEARN_COURSES_DIR"] = str(course_dir)
    try:
        result = runner.invoke(args=["courses", "validate"])
    finally:
        app.config["ELEARN_COURSES_DIR"] = str(Path(__file__).parent.parent / "courses")
    assert result.exit_code == 1
    assert expected in result.output, result.output


def test_cli_sync_and_validate_shipped_courses(runner):
    result = runner.invoke(args=["courses", "validate"])
    assert result.exit_code == 0 and result.output.startswith("OK: 3 course(s)")
    first = runner.invoke(args=["courses", "sync"])
    second = runner.invoke(args=["courses", "sync"])
    assert first.exit_code == 0 and "added" in first.output
    assert second.exit_code == 0 and "0 lesson(s) added" in second.output


def test_course_files_cannot_inject_script(app_ctx, course_dir):
    committed(sync_from_dir, course_dir)
    html = db.session.scalar(select(Lesson.body_html).where(Lesson.slug == "bai-mot"))
    lowered = html.lower()
    for bad in ("<script", "onerror", "onclick", 'href="javascript:', "<iframe", "style="):
        assert bad not in lowered, bad
    assert "/courses/khoa-mau/tools/static/nhan.png" in html
    assert "<strong>bài một</strong>" in html


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


QUIZ_FIXTURES = Path(__file__).parent / "fixtures" / "quiz_courses"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: (d / "kt" / "questions" / "bank.gift").write_text(
                "$CATEGORY: nhanh\n\n::hong:: Câu hỏi hỏng {=a ~b\n", encoding="utf-8"
            ),
            "courses/kt/questions/bank.gift:3:",
        ),
        (
            lambda d: (d / "kt" / "questions" / "bank.gift").write_text(
                "$CATEGORY: nhanh\n\n::tu-luan:: Hãy viết một đoạn văn. {}\n", encoding="utf-8"
            ),
            "courses/kt/questions/bank.gift:3:",
        ),
        (
            lambda d: (d / "kt" / "course.toml").write_text(
                (d / "kt" / "course.toml")
                .read_text(encoding="utf-8")
                .replace('category = "cuoi", draw = 4', 'category = "cuoi", draw = 40'),
                encoding="utf-8",
            ),
            "quiz 'cuoi-khoa': 'draw' must be 1-6",
        ),
        (
            lambda d: (d / "kt" / "course.toml").write_text(
                (d / "kt" / "course.toml")
                .read_text(encoding="utf-8")
                .replace('{ question = "tong-diem" }', '{ question = "khong-co" }'),
                encoding="utf-8",
            ),
            "quiz 'cuoi-khoa': no question named 'khong-co'",
        ),
        (
            lambda d: (d / "kt" / "course.toml").write_text(
                (d / "kt" / "course.toml")
                .read_text(encoding="utf-8")
                .replace('grading = "highest"', 'grading = "average"'),
                encoding="utf-8",
            ),
            "quiz 'cuoi-khoa': 'grading' must be highest or last",
        ),
        (
            lambda d: (d / "kt" / "course.toml").write_text(
                (d / "kt" / "course.toml")
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
    mutate(target)
    app.config["ELEARN_COURSES_DIR"] = str(target)
    try:
        result = runner.invoke(args=["courses", "validate"])
    finally:
        app.config["ELEARN_COURSES_DIR"] = str(Path(__file__).parent.parent / "courses")
    assert result.exit_code == 1
    assert expected in result.output, result.output


def test_quiz_sync_is_idempotent_and_keeps_attempts(app_ctx, tmp_path, make_user):
    from elearn.quiz.models import Question, Quiz

    target = tmp_path / "courses"
    shutil.copytree(QUIZ_FIXTURES, target)
    first = committed(sync_from_dir, target)
    assert (first.quizzes, first.questions) == (2, 9)
    ids = {q.name: q.id for q in db.session.scalars(select(Question))}
    committed(sync_from_dir, target)
    assert {q.name: q.id for q in db.session.scalars(select(Question))} == ids
    bank = target / "kt" / "questions" / "bank.gift"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("::dung-sai::", "::dung-sai-moi::"),
        encoding="utf-8",
    )
    committed(sync_from_dir, target)
    db.session.expire_all()
    assert db.session.get(Question, ids["dung-sai"]).archived is True
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 2
