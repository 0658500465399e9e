"""Issue 7, "never lose a learner's answers": the session ending mid-quiz, quizzes that open
after what comes before them, confirming a submission with unanswered questions, numbers
written the Vietnamese way."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.quiz import attempts as services
from elearn.quiz.models import QuizAttempt
from tests.conftest import PASSWORD, committed, draw_everything
from tests.test_quiz import (
    FIXTURES,
    SLUG,
    form_data,
    past_deadline_and_grace,
    right_answers,
)
from tests.test_regions_i18n_migrations import scratch_database_url  # noqa: F401 (fixture)

QUALITY = "quan-ly-san-xuat-chat-luong"
ECOM = "thuong-mai-dien-tu"


def _start(client, slug: str, key: str, **data) -> int:
    started = client.post(f"/courses/{slug}/quizzes/{key}/start", data=data)
    assert started.status_code == 302, started.get_data(as_text=True)
    return int(started.headers["Location"].rsplit("/", 1)[1])


def _question_named(app, attempt_id: int, name: str) -> int:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        return next(q.id for q in services.attempt_questions(attempt) if q.parsed.name == name)


# --------------------------------------------------------------------------- item 13


def test_an_amount_typed_the_vietnamese_way_is_right_and_shown_so(app, courses, learner_client):
    client = learner_client
    client.post(f"/courses/{ECOM}/enroll")
    draw_everything(app, ECOM, "kiem-tra-phan-2")
    attempt_id = _start(client, ECOM, "kiem-tra-phan-2")
    answers = right_answers(app, attempt_id)
    payout = _question_named(app, attempt_id, "p2-tien-ve")
    answers[str(payout)] = "163.000"
    submitted = client.post(f"/attempts/{attempt_id}/submit", data=form_data(answers))
    assert submitted.status_code == 303
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.result[str(payout)]["correct"] is True
        assert attempt.score == 100
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "<strong>Câu trả lời của bạn:</strong> 163.000</p>" in review
    assert "<strong>Đáp án đúng:</strong> 163.000</p>" in review


@pytest.mark.parametrize("typed", ["1,000.5", "163.00.0"])
def test_a_number_that_fits_no_rule_is_refused_not_marked_wrong(
    app, courses, learner_client, typed
):
    client = learner_client
    client.post(f"/courses/{ECOM}/enroll")
    draw_everything(app, ECOM, "kiem-tra-phan-2")
    attempt_id = _start(client, ECOM, "kiem-tra-phan-2")
    payout = _question_named(app, attempt_id, "p2-tien-ve")
    refused = client.post(
        f"/attempts/{attempt_id}/save",
        data=form_data({str(payout): typed}),
        headers={"X-Requested-With": "fetch"},
    )
    assert refused.status_code == 400
    assert "phải là một số" in refused.json["error"]["message"]
    with app.app_context():
        assert (
            db.session.scalar(select(QuizAttempt.state).where(QuizAttempt.id == attempt_id))
            == "open"
        )


# --------------------------------------------------------------------------- item 12


def test_submitting_with_unanswered_questions_asks_first(app, quiz_course, learner_client):
    client = learner_client
    client.post(f"/courses/{SLUG}/enroll")
    attempt_id = _start(client, SLUG, "kiem-tra-nhanh")
    answers = right_answers(app, attempt_id)
    first, *rest = answers
    asked = client.post(f"/attempts/{attempt_id}/submit", data=form_data({first: answers[first]}))
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert f"{len(rest)} câu chưa trả lời. Vẫn nộp bài?" in page
    assert 'name="confirm_unanswered" value="1"' in page
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        # Not graded, no attempt used, and the one answer given is saved.
        assert attempt.state == "open" and attempt.score is None
        assert list(services.saved_responses(attempt_id)) == [int(first)]
        version = attempt.version
    confirmed = client.post(
        f"/attempts/{attempt_id}/submit",
        data=form_data({first: answers[first]}, version) | {"confirm_unanswered": "1"},
    )
    assert confirmed.status_code == 303 and confirmed.headers["Location"].endswith("/review")
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.state == "submitted" and attempt.score < 100


def test_an_empty_sheet_is_not_graded_without_confirmation(app, quiz_course, learner_client):
    client = learner_client
    client.post(f"/courses/{SLUG}/enroll")
    attempt_id = _start(client, SLUG, "kiem-tra-nhanh")
    total = len(right_answers(app, attempt_id))
    asked = client.post(f"/attempts/{attempt_id}/submit", data={})
    assert f"{total} câu chưa trả lời" in asked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).state == "open"


def test_a_full_sheet_is_graded_at_once(app, quiz_course, learner_client):
    client = learner_client
    client.post(f"/courses/{SLUG}/enroll")
    attempt_id = _start(client, SLUG, "kiem-tra-nhanh")
    submitted = client.post(
        f"/attempts/{attempt_id}/submit", data=form_data(right_answers(app, attempt_id), 0)
    )
    assert submitted.status_code == 303 and submitted.headers["Location"].endswith("/review")


# --------------------------------------------------------------------------- item 10, F7


def test_autosave_after_the_session_ended_gets_a_json_401(app, learner, quiz_course):
    client = app.test_client()
    client.post("/login", data={"login": learner.email, "password": PASSWORD})
    client.post(f"/courses/{SLUG}/enroll")
    attempt_id = _start(client, SLUG, "kiem-tra-nhanh")
    client.post("/logout")
    answers = right_answers(app, attempt_id)
    for headers in ({"X-Requested-With": "fetch"}, {"Accept": "application/json"}):
        lost = client.post(f"/attempts/{attempt_id}/save", data=form_data(answers), headers=headers)
        assert lost.status_code == 401 and lost.mimetype == "application/json"
        error = lost.json["error"]
        assert error["code"] == "logged_out"
        assert "câu trả lời vẫn được giữ trên điện thoại này" in error["message"]
        assert error["login_url"] == f"/login?next=/attempts/{attempt_id}"
    # A page navigation still goes to the login page.
    page = client.post(f"/attempts/{attempt_id}/save", data=form_data(answers))
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_a_stale_form_token_shows_the_answers_again_unsaved(app, learner, quiz_course):
    """F7: logged in again in another tab, the old tab's token is stale: nothing is lost."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        token = _token(client.get("/login").get_data(as_text=True))
        client.post(
            "/login", data={"login": learner.email, "password": PASSWORD, "csrf_token": token}
        )
        token = _token(client.get(f"/courses/{SLUG}").get_data(as_text=True))
        client.post(f"/courses/{SLUG}/enroll", data={"csrf_token": token})
        started = client.post(
            f"/courses/{SLUG}/quizzes/kiem-tra-nhanh/start", data={"csrf_token": token}
        )
        attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
        answers = right_answers(app, attempt_id)
        stale = form_data(answers, 0) | {"csrf_token": "stale-token"}
        shown = client.post(f"/attempts/{attempt_id}/submit", data=stale)
        assert shown.status_code == 400
        html = shown.get_data(as_text=True)
        assert "câu trả lời chưa được lưu" in html
        assert html.count("checked") >= len(answers) - 1
        fresh = _token(html)
        with app.app_context():
            assert db.session.get(QuizAttempt, attempt_id).state == "open"
            assert services.saved_responses(attempt_id) == {}
        done = client.post(
            f"/attempts/{attempt_id}/submit", data=form_data(answers, 0) | {"csrf_token": fresh}
        )
        assert done.status_code == 303 and done.headers["Location"].endswith("/review")
        autosave = client.post(
            f"/attempts/{attempt_id}/save",
            data={"csrf_token": "stale-token"},
            headers={"X-Requested-With": "fetch"},
        )
        assert autosave.status_code == 400 and autosave.json["error"]["code"] == "csrf"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --------------------------------------------------------------------------- item 11

KT_PACKAGE = FIXTURES / "kt" / "package"


def _fixture_files(**replace: str) -> dict[str, bytes]:
    from elearn.content.package import files_from_folder

    files = files_from_folder(KT_PACKAGE)
    toml = files["course.toml"].decode()
    # The fixture turns the setting off for the other tests; here the default is read.
    toml = toml.replace("open_after_earlier = false\n", "")
    for old, new in replace.items():
        toml = toml.replace(old, new)
    files["course.toml"] = toml.encode()
    return files


def test_open_after_earlier_is_on_by_default_for_the_final_quiz_only():
    from elearn.content.package import read_files, write_files

    package = read_files(_fixture_files())
    assert package.quizzes["cuoi-khoa"].open_after_earlier is True
    assert package.quizzes["kiem-tra-nhanh"].open_after_earlier is False
    # Written out explicitly, read back the same.
    again = read_files(write_files(package))
    assert {k: q.open_after_earlier for k, q in again.quizzes.items()} == {
        "kiem-tra-nhanh": False,
        "cuoi-khoa": True,
    }
    chosen = read_files(
        _fixture_files(
            **{"pass_mark = 50\n": "pass_mark = 50\nopen_after_earlier = true\n"},
            **{'grading = "highest"\n': 'grading = "highest"\nopen_after_earlier = false\n'},
        )
    )
    assert chosen.quizzes["kiem-tra-nhanh"].open_after_earlier is True
    assert chosen.quizzes["cuoi-khoa"].open_after_earlier is False


def test_open_after_earlier_must_be_true_or_false():
    from elearn.content.package import PackageError, read_files

    with pytest.raises(PackageError) as info:
        read_files(
            _fixture_files(**{"pass_mark = 50\n": 'pass_mark = 50\nopen_after_earlier = "yes"\n'})
        )
    assert "'open_after_earlier' must be true or false" in "\n".join(map(str, info.value.problems))


FINAL = "kiem-tra-cuoi-khoa"


def test_final_quiz_opens_after_what_comes_before_it(app, courses, learner, learner_client):
    client = learner_client
    client.post(f"/courses/{QUALITY}/enroll")
    overview = client.get(f"/courses/{QUALITY}/quizzes/{FINAL}").get_data(as_text=True)
    assert "Còn phải hoàn thành:" in overview and "Bắt đầu làm bài" not in overview
    assert "Kiểm tra nhanh phần 3" in overview
    # A crafted POST is refused with the same words, and no attempt is used.
    refused = client.post(
        f"/courses/{QUALITY}/quizzes/{FINAL}/start", data={"confirm": "1"}, follow_redirects=True
    )
    assert "Còn phải hoàn thành:" in refused.get_data(as_text=True)
    # The API says the same, and refuses to start it.
    token = client.post(
        "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        from elearn.content import structure

        course = structure.published(QUALITY)
        final_id = course.quiz_by_key[FINAL].id
        lessons = [lesson.slug for lesson in course.lessons]
        checks = [q.key for q in course.quizzes if q.key != FINAL]
    described = client.get(f"/api/v1/quizzes/{final_id}", headers=headers).json
    assert described["open"] is False and "Còn phải hoàn thành" in described["not_open_reason"]
    started = client.post(f"/api/v1/quizzes/{final_id}/attempts", headers=headers)
    assert started.status_code == 409
    assert started.json["error"]["message"] == described["not_open_reason"]
    with app.app_context():
        assert db.session.scalar(select(QuizAttempt.id)) is None

    # Every lesson read and every section's check passed except the last one.
    for slug in lessons:
        client.post(f"/courses/{QUALITY}/lessons/{slug}/complete")
    for key in checks[:-1]:
        attempt_id = _start(client, QUALITY, key)
        client.post(
            f"/attempts/{attempt_id}/submit", data=form_data(right_answers(app, attempt_id))
        )
    overview = client.get(f"/courses/{QUALITY}/quizzes/{FINAL}").get_data(as_text=True)
    assert "Kiểm tra nhanh phần 3" in overview and "Kiểm tra nhanh phần 1" not in overview
    attempt_id = _start(client, QUALITY, checks[-1])
    client.post(f"/attempts/{attempt_id}/submit", data=form_data(right_answers(app, attempt_id)))
    assert client.get(f"/api/v1/quizzes/{final_id}", headers=headers).json["open"] is True

    # Open now; timed with three attempts, so starting asks first and uses nothing yet.
    asked = client.post(f"/courses/{QUALITY}/quizzes/{FINAL}/start")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Vâng, bắt đầu ngay" in page
    assert "bạn có 30 phút để nộp bài" in page and "bạn còn 3 lượt" in page
    with app.app_context():
        assert (
            db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.quiz_id == final_id)) is None
        )
    attempt_id = _start(client, QUALITY, FINAL, confirm="1")
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).quiz_id == final_id
    # Resuming the open attempt asks nothing.
    resumed = client.post(f"/courses/{QUALITY}/quizzes/{FINAL}/start")
    assert resumed.status_code == 302 and resumed.headers["Location"].endswith(f"/{attempt_id}")


def test_an_untimed_unlimited_quiz_starts_without_asking(app, courses, learner_client):
    client = learner_client
    client.post(f"/courses/{QUALITY}/enroll")
    started = client.post(f"/courses/{QUALITY}/quizzes/kiem-tra-phan-2/start")
    assert started.status_code == 302 and "/attempts/" in started.headers["Location"]


def test_migration_turns_the_setting_on_for_existing_final_quizzes(tmp_path, monkeypatch, request):
    """0007 adds the column; existing revisions get the default (on for the final quiz)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from elearn import create_app
    from elearn.content.sync import sync_from_dir

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    url = request.getfixturevalue("scratch_database_url")
    app = create_app({"ELEARN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    query = text(
        "SELECT q.key, rq.open_after_earlier FROM revision_quizzes rq "
        "JOIN quizzes q ON q.id = rq.quiz_id ORDER BY q.key"
    )
    with app.app_context():
        upgrade()
        committed(sync_from_dir, FIXTURES)
        db.session.execute(text("UPDATE revision_quizzes SET open_after_earlier = FALSE"))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0006")
        upgrade()
        rows = {key: bool(value) for key, value in db.session.execute(query)}
        assert rows == {"cuoi-khoa": True, "kiem-tra-nhanh": False}
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


def test_a_late_web_submit_says_the_late_answers_were_not_counted(app, quiz_course, learner):
    """F6: past the deadline and its grace, what the form carries is not counted, and the
    learner is told so on the result page instead of silently getting a low score."""
    client = app.test_client()
    client.post("/login", data={"login": learner.email, "password": PASSWORD})
    client.post(f"/courses/{SLUG}/enroll")
    client.post(f"/courses/{SLUG}/lessons/bai-mot/complete")
    client.post(f"/courses/{SLUG}/lessons/bai-hai/complete")
    started = client.post(f"/courses/{SLUG}/quizzes/cuoi-khoa/start", data={"confirm": "1"})
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    answers = right_answers(app, attempt_id)
    past_deadline_and_grace(app, attempt_id)
    late = client.post(f"/attempts/{attempt_id}/submit", data=form_data(answers))
    assert late.status_code == 303
    page = client.get(late.headers["Location"]).get_data(as_text=True)
    assert "không được tính" in page
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.state == "submitted" and attempt.score == 0
