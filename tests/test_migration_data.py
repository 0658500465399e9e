"""Migrating a database made by the previous schema (0003) keeps every learner's records.

The rows are written with SQL as the old code wrote them (question data in the old
shape, attempts with their layouts and results, an archived lesson with a completion, a
course that counts the last attempt); after `flask db upgrade` the new model must show
the same courses, progress, attempts, reviews and certificates, and a downgrade and
upgrade again keep the row counts.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from elearn import create_app
from elearn.certificates.services import verify
from elearn.content import structure
from elearn.content.models import CourseRevision, QuestionVersion
from elearn.core.db import unit_of_work
from elearn.extensions import db
from elearn.learn.models import Enrollment
from elearn.learn.services import progress_in
from elearn.quiz import attempts, standing
from elearn.quiz.models import AttemptAnswer, QuizAttempt
from elearn.regions.services import load_regions
from tests.test_regions_i18n_migrations import scratch_database_url  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def old_question(name, qtype, text_, category, **fields):
    """A question's data as schema 0003 stored it (elearn/quiz/store.py then)."""
    data = {
        "name": name, "qtype": qtype, "text": text_, "category": category,
        "text_format": "moodle", "general_feedback": "", "line": 1, "options": [],
        "answer": None, "feedback_true": "", "feedback_false": "", "answers": [],
        "ignore_diacritics": False, "numeric_answers": [], "pairs": [], "right_choices": [],
        "text_html": f"<p>{text_}</p>",
    }  # fmt: skip
    data.update(fields)
    return data


SINGLE = old_question(
    "chon-mot", "single", "Bộ tiêu chí OCOP có tối đa bao nhiêu điểm?", "nhanh",
    options=[
        {"id": "a", "text": "100 điểm", "fraction": 1.0, "feedback": "Đúng <b>100</b>."},
        {"id": "b", "text": "50 điểm", "fraction": 0.0, "feedback": "Chưa đúng."},
    ],
)  # fmt: skip
TRUEFALSE = old_question(
    "dung-sai", "truefalse", "Giấy chứng nhận OCOP có hiệu lực 36 tháng.", "nhanh", answer=True
)
MATCHING = old_question(
    "ghep", "matching", "Ghép số sao với khoảng điểm.", "nhanh",
    pairs=[["a", "5 sao", "1", "90–100"], ["b", "4 sao", "2", "70–89"]],
    right_choices=[["1", "90–100"], ["2", "70–89"]],
)  # fmt: skip


def seed_schema_0003(bind) -> dict[str, int]:
    def run(sql: str, **params):
        return bind.execute(text(sql), params)

    when = WHEN.replace(tzinfo=None) if bind.dialect.name == "sqlite" else WHEN
    for uid, (email, name) in enumerate(
        [("lan@example.vn", "Hà Thị Lan"), ("son@example.vn", "Lò Văn Sơn")], start=1
    ):
        run(
            "INSERT INTO users (id, email, password_hash, full_name, role, learner_group, "
            "organisation, province_code, commune_code, active, created_at) VALUES "
            "(:id, :email, 'scrypt:x', :name, 'learner', 'cooperative', '', '14', NULL, true, :t)",
            id=uid, email=email, name=name, t=when,
        )  # fmt: skip
    for cid, slug, published in [(1, "khoa-cu", True), (2, "khoa-an", False)]:
        run(
            "INSERT INTO courses (id, slug, module, title, summary, topic, audience, "
            "estimated_hours, version, language, published, archived, search_text, synced_at) "
            "VALUES (:id, :slug, 'cu', :title, 'Tóm tắt', 'quality', '', 1.5, '1.0', 'vi', :p, "
            "false, :search, :t)",
            id=cid, slug=slug, title=f"Khóa {slug}", p=published, search=slug, t=when,
        )  # fmt: skip
        run(
            "INSERT INTO sections (id, course_id, position, title) VALUES (:id, :c, 1, 'Phần 1')",
            id=cid, c=cid,
        )  # fmt: skip
    lessons = [
        (1, 1, 1, "bai-mot", 1, True, False),
        (2, 1, 1, "bai-hai", 2, True, False),
        (3, 1, None, "bai-cu", 99, True, True),  # archived: removed from the files earlier
        (4, 1, 1, "bai-them", 3, False, False),  # optional
        (5, 2, 2, "bai-an", 1, True, False),
    ]
    for lid, cid, sid, slug, pos, required, archived in lessons:
        run(
            "INSERT INTO lessons (id, course_id, section_id, slug, position, title, minutes, "
            "required, video_url, video_minutes, body_html, archived, updated_at) VALUES "
            "(:id, :c, :s, :slug, :pos, :title, 5, :req, NULL, NULL, :html, :arch, :t)",
            id=lid, c=cid, s=sid, slug=slug, pos=pos, title=f"Bài {slug}", req=required,
            html=f"<p>Nội dung {slug}</p>", arch=archived, t=when,
        )  # fmt: skip
    for qid, data in enumerate([SINGLE, TRUEFALSE, MATCHING], start=1):
        run(
            "INSERT INTO questions (id, course_id, name, category, qtype, position, data, "
            "archived) VALUES (:id, 1, :name, 'nhanh', :qtype, :pos, :data, false)",
            id=qid, name=data["name"], qtype=data["qtype"], pos=qid, data=json.dumps(data),
        )  # fmt: skip
    for zid, key, grading in [(1, "kiem-tra", "last")]:
        run(
            "INSERT INTO quizzes (id, course_id, section_id, key, position, title, pass_mark, "
            "max_attempts, time_limit_minutes, shuffle_questions, shuffle_options, grading, "
            "review, required, items, archived) VALUES (:id, 1, 1, :key, 1, 'Kiểm tra', 60, 0, "
            "0, false, true, :grading, 'full', true, :items, false)",
            id=zid, key=key, grading=grading, items=json.dumps([{"category": "nhanh"}]),
        )  # fmt: skip
    layout = [
        {"qid": 1, "order": ["b", "a"], "tokens": {"a": "aa11aa", "b": "bb22bb"}},
        {"qid": 2, "order": None, "tokens": None},
        {"qid": 3, "order": ["2", "1"], "tokens": {"1": "cc33cc", "2": "dd44dd"}},
    ]
    result_1 = {
        "1": {"fraction": 1.0, "correct": True, "feedback": ["Đúng <b>100</b>."]},
        "2": {"fraction": 1.0, "correct": True, "feedback": []},
        "3": {"fraction": 1.0, "correct": True, "feedback": []},
    }
    result_2 = {
        "1": {"fraction": 0.0, "correct": False, "feedback": ["Chưa đúng."]},
        "2": {"fraction": 1.0, "correct": True, "feedback": []},
        "3": {"fraction": 0.5, "correct": False, "feedback": []},
    }
    # Learner 1: 100, then 50 (grading "last": the quiz is not passed any more).
    for aid, number, score, result in [(1, 1, 100.0, result_1), (2, 2, 50.0, result_2)]:
        run(
            "INSERT INTO quiz_attempts (id, quiz_id, user_id, number, state, started_at, "
            "deadline, submitted_at, layout, score, passed, version, result) VALUES "
            "(:id, 1, 1, :n, 'submitted', :t, NULL, :t, :layout, :score, :passed, 1, :result)",
            id=aid, n=number, t=when, layout=json.dumps(layout), score=score,
            passed=score >= 60, result=json.dumps(result),
        )  # fmt: skip
    for qid, response in [(1, "a"), (2, True), (3, {"a": "1", "b": "2"})]:
        run(
            "INSERT INTO attempt_answers (attempt_id, question_id, response, saved_at) VALUES "
            "(1, :q, :r, :t)",
            q=qid, r=json.dumps(response), t=when,
        )  # fmt: skip
    # Learner 2 completed before the "last" rule bit, with a certificate.
    run(
        "INSERT INTO quiz_attempts (id, quiz_id, user_id, number, state, started_at, deadline, "
        "submitted_at, layout, score, passed, version, result) VALUES (3, 1, 2, 1, "
        "'submitted', :t, NULL, :t, :layout, 100, true, 1, :result)",
        t=when, layout=json.dumps(layout), result=json.dumps(result_1),
    )  # fmt: skip
    for eid, uid, cid, completed in [(1, 1, 1, None), (2, 2, 1, when), (3, 1, 2, None)]:
        run(
            "INSERT INTO enrollments (id, user_id, course_id, enrolled_at, completed_at) "
            "VALUES (:id, :u, :c, :t, :done)",
            id=eid, u=uid, c=cid, t=when, done=completed,
        )  # fmt: skip
    for uid, lid in [(1, 1), (1, 3), (2, 1), (2, 2), (2, 4)]:
        run(
            "INSERT INTO lesson_completions (user_id, lesson_id, completed_at) "
            "VALUES (:u, :l, :t)",
            u=uid, l=lid, t=when,
        )  # fmt: skip
    run(
        "INSERT INTO certificates (code, user_id, course_id, issued_at, learner_name, "
        "course_title) VALUES ('ABCDEFGHJKMN23', 2, 1, :t, 'Lò Văn Sơn', 'Khóa khoa-cu')",
        t=when,
    )
    if bind.dialect.name == "postgresql":
        for table in ("users", "courses", "sections", "lessons", "questions", "quizzes",
                      "quiz_attempts", "enrollments"):  # fmt: skip
            run(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    return counts(bind)


COUNTED = ("users", "enrollments", "lesson_completions", "quiz_attempts", "attempt_answers",
           "certificates", "lessons", "questions", "quizzes", "courses")  # fmt: skip


def counts(bind) -> dict[str, int]:
    return {t: bind.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in COUNTED}


@pytest.fixture
def old_app(tmp_path, monkeypatch, scratch_database_url):  # noqa: F811
    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {
            "ELEARN_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": scratch_database_url,
            "ELEARN_MEDIA_DIR": str(tmp_path / "media"),
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    structure.clear_caches()


def test_upgrading_a_database_of_schema_0003_loses_nothing(old_app):
    with old_app.app_context():
        upgrade(revision="0003")
        with unit_of_work():
            load_regions()
        with db.engine.begin() as connection:
            before = seed_schema_0003(connection)
        upgrade()
        structure.clear_caches()
        with db.engine.connect() as connection:
            assert counts(connection) == before

        # Courses: revision 1 each, published or (hidden before) retired.
        states = dict(
            db.session.execute(select(CourseRevision.course_id, CourseRevision.state)).all()
        )
        assert states == {1: "published", 2: "retired"}
        assert structure.published("khoa-an") is None
        course = structure.published("khoa-cu")
        assert [lesson.slug for lesson in course.lessons] == ["bai-mot", "bai-hai", "bai-them"]
        assert "<p>Nội dung bai-mot</p>" in structure.lesson_html(course.lessons[0].version_id)
        assert [q.key for q in course.quizzes] == ["kiem-tra"]

        # Figures on the enrolments, computed by the rule of elearn.quiz.standing.
        figures = {
            e.user_id: (e.lessons_done, e.lessons_total, e.quizzes_passed, e.quizzes_total,
                        e.percent, e.province_code, e.learner_group)
            for e in db.session.scalars(select(Enrollment).where(Enrollment.course_id == 1))
        }  # fmt: skip
        assert figures == {
            1: (1, 2, 0, 1, 33, "14", "cooperative"),
            2: (2, 2, 1, 1, 100, "14", "cooperative"),
        }
        for user_id in (1, 2):
            enrollment = db.session.scalar(
                select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == 1)
            )
            live = progress_in(user_id, course, enrollment)
            done, _total, passed, _quizzes, percent, _province, _group = figures[user_id]
            assert (live.lessons_done, live.quizzes_passed, live.percent) == (done, passed, percent)
        quiz = course.quizzes[0]
        assert standing.standings(1, [quiz])[quiz.id].passed is False  # the last attempt: 50
        assert standing.standings(2, [quiz])[quiz.id].passed is True

        # Attempts: the drawn versions, the saved answers and the review as they were.
        first = db.session.get(QuizAttempt, 1)
        questions = attempts.attempt_questions(first)
        assert [q.parsed.name for q in questions] == ["chon-mot", "dung-sai", "ghep"]
        assert questions[0].view["html"] == "<p>Bộ tiêu chí OCOP có tối đa bao nhiêu điểm?</p>"
        assert [o["id"] for o in questions[0].view["options"]] == ["bb22bb", "aa11aa"]
        assert questions[0].response_text() == "100 điểm"
        assert questions[2].shown == {"a": "cc33cc", "b": "dd44dd"}
        assert questions[1].response_text() in ("True", "Đúng")
        # Old plain-text feedback is escaped, now that the review shows feedback as HTML.
        assert first.result["1"]["feedback"] == ["Đúng &lt;b&gt;100&lt;/b&gt;."]
        assert db.session.scalar(select(func.count()).select_from(QuestionVersion)) == 3
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 3

        # The certificate still verifies; the archived lesson's key and completion stay.
        assert verify("ABCD-EFGH-JKMN-23").learner_name == "Lò Văn Sơn"
        assert (
            db.session.execute(text("SELECT count(*) FROM lessons WHERE slug = 'bai-cu'")).scalar()
            == 1
        )

        # Back down and up again: the same rows.
        db.session.remove()
        downgrade(revision="0003")
        with db.engine.connect() as connection:
            assert counts(connection) == before
        upgrade()
        with db.engine.connect() as connection:
            assert counts(connection) == before
