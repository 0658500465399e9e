"""Vietnamese formats everywhere in the Vietnamese UI, English ones in English (issue 7,
item 21): the helpers in elearn.core.formats and the pages that use them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from elearn.core.formats import format_date, format_datetime, format_number
from elearn.extensions import db
from elearn.quiz.models import QuizAttempt

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
#: 20:44 UTC on 1 December is 03:44 on 2 December in Vietnam.
MOMENT = datetime(2026, 12, 1, 20, 44, 5, tzinfo=UTC)


def test_vietnamese_dates_times_and_numbers():
    assert format_datetime(MOMENT, "vi", VIETNAM) == "2/12/2026 03:44"
    assert format_datetime(MOMENT, "vi", VIETNAM, seconds=True) == "2/12/2026 03:44:05"
    assert format_date(MOMENT, "vi", VIETNAM) == "2/12/2026"
    assert format_date(date(2026, 3, 9), "vi", VIETNAM) == "9/3/2026"
    assert format_number(2.5, "vi") == "2,5"
    assert format_number(2.0, "vi") == "2"
    assert format_number(1234.56, "vi") == "1.234,6"
    assert format_number(87.5, "vi") == "87,5"
    assert format_date(None, "vi", VIETNAM) == format_datetime(None, "vi", VIETNAM) == ""


def test_english_keeps_english_formats():
    assert format_datetime(MOMENT, "en", VIETNAM) == "Dec 2, 2026, 03:44"
    assert format_date(MOMENT, "en", VIETNAM) == "Dec 2, 2026"
    assert format_number(2.5, "en") == "2.5"
    assert format_number(1234.56, "en") == "1,234.6"


def test_the_zone_decides_the_day():
    assert format_date(MOMENT, "vi", ZoneInfo("UTC")) == "1/12/2026"
    with pytest.raises(ValueError):
        format_date(datetime(2026, 12, 1, 20, 44), "vi", VIETNAM)  # naive: not a stored time


def test_hours_are_written_with_a_decimal_comma(client, courses):
    halves = [c for c in courses if c.estimated_hours % 1]
    assert halves, "a shipped course with a fractional number of hours"
    course = halves[0]
    hours = f"{course.estimated_hours:g}"
    vi = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert f"khoảng {hours.replace('.', ',')} giờ" in vi and f"{hours} giờ" not in vi
    assert f"khoảng {hours.replace('.', ',')} giờ" in client.get("/courses").get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    en = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert f"about {hours} hours" in en


def test_quiz_overview_says_how_many_questions_and_when_the_clock_starts(app, learner_client):
    from pathlib import Path

    from elearn.content.sync import sync_from_dir
    from tests.conftest import committed

    with app.app_context():
        committed(sync_from_dir, Path(__file__).parent / "fixtures" / "quiz_courses")
    client = learner_client
    client.post("/courses/khoa-kiem-tra/enroll")
    overview = client.get("/courses/khoa-kiem-tra/quizzes/cuoi-khoa").get_data(as_text=True)
    assert "Thời gian chỉ bắt đầu tính khi bạn bấm nút bắt đầu làm bài" in overview
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
    started = client.post("/courses/khoa-kiem-tra/quizzes/cuoi-khoa/start", data={"confirm": "1"})
    with app.app_context():
        attempt = db.session.get(QuizAttempt, int(started.headers["Location"].rsplit("/", 1)[1]))
        drawn = len(attempt.layout)
    assert drawn > 1
    assert f"Bài kiểm tra này có {drawn} câu hỏi." in overview
    untimed = client.get("/courses/khoa-kiem-tra/quizzes/kiem-tra-nhanh").get_data(as_text=True)
    assert "Bài kiểm tra này có" in untimed and "Thời gian chỉ bắt đầu" not in untimed
