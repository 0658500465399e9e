"""Quizzes end to end: attempts that lose nothing and count once, completion, certificates."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from elearn.certificates.models import Certificate
from elearn.content.models import RevisionQuiz
from elearn.content.structure import clear_caches
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.learn.models import Enrollment
from elearn.quiz import attempts as services
from elearn.quiz.models import AttemptAnswer, QuizAttempt
from tests.answers import right_answers_of
from tests.conftest import PASSWORD, committed, draw_everything

FIXTURES = Path(__file__).parent / "fixtures" / "quiz_courses"
SLUG = "khoa-kiem-tra"


def right_answers(app, attempt_id: int) -> dict[str, object]:
    """The right response to every question of an attempt, in the attempt's option ids."""
    with app.app_context():
        return right_answers_of(attempt_id)


def past_deadline_and_grace(app, attempt_id: int) -> None:
    """Move an attempt's deadline back so that its grace period is over too."""
    with app.app_context():
        db.session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(deadline=utcnow() - timedelta(seconds=app.config["QUIZ_GRACE_SECONDS"] + 5))
        )
        db.session.commit()


def form_data(answers: dict[str, object], version: int | None = None) -> dict:
    """The attempt page's field names for a set of answers."""
    data: dict[str, object] = {}
    for qid, value in answers.items():
        if isinstance(value, dict):
            for left, right in value.items():
                data[f"q-{qid}-{left}"] = right
        elif isinstance(value, bool):
            data[f"q-{qid}"] = "true" if value else "false"
        else:
            data[f"q-{qid}"] = value
    if version is not None:
        data["version"] = str(version)
    return data


@pytest.fixture
def api(client, learner):
    token = client.post(
        "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}

    class Api:
        def get(self, url):
            return client.get(f"/api/v1{url}", headers=headers)

        def post(self, url, json=None):
            return client.post(f"/api/v1{url}", json=json, headers=headers)

        def put(self, url, json=None):
            return client.put(f"/api/v1{url}", json=json, headers=headers)

    return Api()


def pass_every_quiz(api, app, quiz_course) -> str:
    """Pass both quizzes with right answers through the API; returns the certificate code."""
    for key in ("kiem-tra-nhanh", "cuoi-khoa"):
        attempt_id = api.post(f"/quizzes/{quiz_course[key]}/attempts").json["attempt_id"]
        api.post(
            f"/attempts/{attempt_id}/submission", json={"answers": right_answers(app, attempt_id)}
        )
    return api.get("/me/progress").json["courses"][0]["certificate_code"]


def enrol_and_read(api, app):
    assert api.post(f"/courses/{SLUG}/enrollment").status_code == 201
    outline = api.get(f"/courses/{SLUG}").json
    for section in outline["sections"]:
        for lesson in section["lessons"]:
            assert api.post(f"/lessons/{lesson['id']}/completion").status_code == 200
    return outline


def test_outline_lists_quizzes_per_section(client, quiz_course):
    outline = client.get(f"/api/v1/courses/{SLUG}").json
    assert [[q["title"] for q in s["quizzes"]] for s in outline["sections"]] == [
        ["Kiểm tra nhanh"],
        ["Kiểm tra cuối khóa"],
    ]
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Học xong cả 2 bài học bắt buộc và đạt cả 2 bài kiểm tra bắt buộc." in page


def test_full_course_completion_through_the_api(app, api, quiz_course, learner):
    enrol_and_read(api, app)
    progress = api.get("/me/progress").json["courses"][0]
    assert (progress["quizzes_passed"], progress["quizzes_total"]) == (0, 2)
    assert progress["completed_at"] is None and progress["certificate_code"] is None
    for key in ("kiem-tra-nhanh", "cuoi-khoa"):
        started = api.post(f"/quizzes/{quiz_course[key]}/attempts")
        assert started.status_code == 201
        body = started.json
        text = started.get_data(as_text=True)
        assert "fraction" not in text and "feedback" not in text and '"answer"' not in text
        answers = right_answers(app, body["attempt_id"])
        saved = api.put(f"/attempts/{body['attempt_id']}/answers", json={"answers": answers})
        assert saved.status_code == 200
        result = api.post(f"/attempts/{body['attempt_id']}/submission")
        assert result.status_code == 200
        assert result.json["score"] == 100 and result.json["passed"] is True
        again = api.post(f"/attempts/{body['attempt_id']}/submission", json={"answers": {}})
        assert (
            again.json["score"] == 100 and again.json["submitted_at"] == result.json["submitted_at"]
        )
    progress = api.get("/me/progress").json["courses"][0]
    assert progress["quizzes_passed"] == 2 and progress["percent"] == 100
    assert progress["completed_at"] is not None
    code = progress["certificate_code"]
    assert code and len(code) >= 10
    check = api.get(f"/certificates/{code}").json
    assert check == {
        "valid": True,
        "code": code,
        "learner_name": learner.full_name,
        "course_title": "Khóa học có bài kiểm tra",
        "issued_at": check["issued_at"],
        "revoked_at": None,
        "revoked_reason": None,
    }
    assert api.get("/certificates/ABCDEFGHJKMN23").status_code == 404
    assert api.get("/certificates/0O1Il").status_code == 404


def test_full_course_completion_through_the_web(app, learner, learner_client, quiz_course):
    client = learner_client
    client.post(f"/courses/{SLUG}/enroll")
    for lesson in ("bai-mot", "bai-hai"):
        client.post(f"/courses/{SLUG}/lessons/{lesson}/complete")
    course_page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Còn 2 bài kiểm tra." in course_page
    for key in ("kiem-tra-nhanh", "cuoi-khoa"):
        overview = client.get(f"/courses/{SLUG}/quizzes/{key}")
        assert overview.status_code == 200 and "Bắt đầu làm bài" in overview.get_data(as_text=True)
        started = client.post(f"/courses/{SLUG}/quizzes/{key}/start", data={"confirm": "1"})
        assert started.status_code == 302
        attempt_url = started.headers["Location"]
        attempt_id = int(attempt_url.rsplit("/", 1)[1])
        page = client.get(attempt_url).get_data(as_text=True)
        assert "Nộp bài để chấm điểm" in page
        answers = right_answers(app, attempt_id)
        saved = client.post(f"/attempts/{attempt_id}/save", data=form_data(answers, 0))
        assert saved.status_code == 303
        assert client.get(attempt_url).status_code == 200
        with app.app_context():
            saved_count = db.session.scalar(
                select(func.count())
                .select_from(AttemptAnswer)
                .where(AttemptAnswer.attempt_id == attempt_id)
            )
        assert saved_count == len(answers)
        submitted = client.post(f"/attempts/{attempt_id}/submit", data=form_data(answers, 1))
        assert submitted.status_code == 303 and submitted.headers["Location"].endswith("/review")
        review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
        assert "Điểm của bạn: 100" in review
        # Back button: the stale form is refused politely and nothing changes.
        stale = client.post(
            f"/attempts/{attempt_id}/submit", data=form_data({}, 0), follow_redirects=True
        )
        assert "Bài làm này đã được nộp trước đó" in stale.get_data(as_text=True)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Tải chứng nhận (PDF)" in dashboard
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
    first = client.get(f"/certificates/{code}.pdf")
    second = client.get(f"/certificates/{code}.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF") and first.data == second.data
    verify = app.test_client().get(f"/verify/{code}")
    assert verify.status_code == 200
    text = verify.get_data(as_text=True)
    assert "Chứng nhận hợp lệ" in text and learner.full_name in text


def test_attempt_keeps_its_questions_and_saved_answers(app, api, quiz_course):
    enrol_and_read(api, app)
    first = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts")
    again = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json["questions"] == again.json["questions"]
    assert len(first.json["questions"]) == 5
    attempt_id = first.json["attempt_id"]
    answers = right_answers(app, attempt_id)
    some = dict(list(answers.items())[:2])
    assert api.put(f"/attempts/{attempt_id}/answers", json={"answers": some}).status_code == 200
    reloaded = api.get(f"/attempts/{attempt_id}").json

    def norm(value):
        return sorted(value) if isinstance(value, list) else value

    saved = {
        str(q["id"]): norm(q["saved"]) for q in reloaded["questions"] if q["saved"] is not None
    }
    assert saved == {k: norm(v) for k, v in some.items()}
    single = [q for q in reloaded["questions"] if q["type"] in ("single", "multi")]
    for q in single:
        assert all(len(o["id"]) == 6 for o in q["options"])  # per-attempt tokens, not a, b, c


@pytest.mark.parametrize(
    "bad",
    [
        {"999999": "x"},
        {"nope": 1},
    ],
)
def test_answers_for_unknown_questions_are_refused(app, api, quiz_course, bad):
    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    response = api.put(f"/attempts/{attempt_id}/answers", json={"answers": bad})
    assert response.status_code == 400 and response.json["error"]["message"]


def test_invalid_answer_shapes_are_refused_and_nothing_is_saved(app, api, quiz_course):
    enrol_and_read(api, app)
    draw_everything(app, SLUG, "cuoi-khoa")
    started = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts").json
    attempt_id = started["attempt_id"]
    by_type = {q["type"]: q["id"] for q in started["questions"]}
    assert set(by_type) == {"multi", "short", "numeric", "matching"}
    answers = right_answers(app, attempt_id)
    for qtype, bad in [
        ("multi", ["not-a-token"]),
        ("multi", "x" * 3),
        ("matching", ["a list"]),
        ("numeric", "mười hai"),
        ("numeric", True),
        ("short", "x" * 501),
        ("short", 12),
    ]:
        payload = dict(answers)
        payload[str(by_type[qtype])] = bad
        response = api.put(f"/attempts/{attempt_id}/answers", json={"answers": payload})
        assert response.status_code == 400, (qtype, bad)
    assert api.put(f"/attempts/{attempt_id}/answers", json="{bad json").status_code == 400
    assert api.put(f"/attempts/{attempt_id}/answers", json={"answers": []}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0


def test_stale_version_is_refused(app, api, quiz_course):
    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    answers = right_answers(app, attempt_id)
    ok = api.put(f"/attempts/{attempt_id}/answers", json={"answers": answers, "version": 0})
    assert ok.json["version"] == 1
    stale = api.put(
        f"/attempts/{attempt_id}/answers",
        json={"answers": {k: None for k in answers}, "version": 0},
    )
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == len(answers)


def test_time_limit_is_enforced_on_the_server(app, api, quiz_course):
    enrol_and_read(api, app)
    started = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts").json
    attempt_id = started["attempt_id"]
    assert started["deadline"] is not None
    answers = right_answers(app, attempt_id)
    first_two = dict(list(answers.items())[:2])
    api.put(f"/attempts/{attempt_id}/answers", json={"answers": first_two})
    past_deadline_and_grace(app, attempt_id)
    late_save = api.put(f"/attempts/{attempt_id}/answers", json={"answers": answers})
    assert late_save.status_code == 409 and "hết giờ" in late_save.json["error"]["message"]
    # The late answers were not taken: graded on the two saved before the deadline (2 of 5).
    result = api.post(f"/attempts/{attempt_id}/submission", json={"answers": answers}).json
    assert result["state"] == "submitted" and result["score"] == 40.0 and result["passed"] is False


def test_submission_inside_the_grace_period_counts(app, api, quiz_course):
    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts").json["attempt_id"]
    answers = right_answers(app, attempt_id)
    with app.app_context():
        db.session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(deadline=utcnow() - timedelta(seconds=5))
        )
        db.session.commit()
    result = api.post(f"/attempts/{attempt_id}/submission", json={"answers": answers}).json
    assert result["score"] == 100


def test_expired_attempt_left_open_is_closed_when_looked_at(app, api, quiz_course, learner_client):
    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts").json["attempt_id"]
    answers = right_answers(app, attempt_id)
    api.put(f"/attempts/{attempt_id}/answers", json={"answers": answers})
    with app.app_context():
        db.session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(deadline=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
    info = api.get(f"/quizzes/{quiz_course['cuoi-khoa']}").json
    attempt = info["attempts"][0]
    assert attempt["state"] == "submitted" and attempt["score"] == 100
    assert info["passed"] is True


def test_attempt_limit(app, api, quiz_course, learner_client):
    enrol_and_read(api, app)
    quiz_id = quiz_course["cuoi-khoa"]
    for _ in range(2):
        attempt_id = api.post(f"/quizzes/{quiz_id}/attempts").json["attempt_id"]
        api.post(f"/attempts/{attempt_id}/submission")
    refused = api.post(f"/quizzes/{quiz_id}/attempts")
    assert refused.status_code == 409
    assert refused.json["error"]["message"] == "Bạn đã dùng hết 2 lượt làm bài kiểm tra này."
    web = learner_client.post(
        f"/courses/{SLUG}/quizzes/cuoi-khoa/start", data={"confirm": "1"}, follow_redirects=True
    )
    assert "Bạn đã dùng hết 2 lượt" in web.get_data(as_text=True)
    assert api.get(f"/quizzes/{quiz_id}").json["attempts_left"] == 0


def test_highest_attempt_counts_and_completion_is_never_taken_away(app, api, quiz_course):
    enrol_and_read(api, app)
    quick = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    api.post(f"/attempts/{quick}/submission", json={"answers": right_answers(app, quick)})
    final = quiz_course["cuoi-khoa"]
    good = api.post(f"/quizzes/{final}/attempts").json["attempt_id"]
    api.post(f"/attempts/{good}/submission", json={"answers": right_answers(app, good)})
    done = api.get("/me/progress").json["courses"][0]
    assert done["completed_at"] and done["certificate_code"]
    bad = api.post(f"/quizzes/{final}/attempts").json["attempt_id"]
    assert api.post(f"/attempts/{bad}/submission").json["score"] == 0
    after = api.get("/me/progress").json["courses"][0]
    assert after["completed_at"] == done["completed_at"]
    assert after["certificate_code"] == done["certificate_code"]
    assert api.get(f"/quizzes/{final}").json["passed"] is True


def test_other_learners_cannot_touch_an_attempt_or_certificate(
    app, api, quiz_course, make_user, auth_client, admin_client
):
    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    intruder = auth_client(make_user(email="b@example.vn"))
    assert intruder.get(f"/attempts/{attempt_id}").status_code == 404
    assert intruder.get(f"/attempts/{attempt_id}/review").status_code == 404
    assert intruder.post(f"/attempts/{attempt_id}/save", data={}).status_code == 404
    assert intruder.post(f"/attempts/{attempt_id}/submit", data={}).status_code == 404
    token = (
        app.test_client()
        .post("/api/v1/auth/token", json={"login": "b@example.vn", "password": PASSWORD})
        .json["token"]
    )
    headers = {"Authorization": f"Bearer {token}"}
    other = app.test_client()
    assert other.get(f"/api/v1/attempts/{attempt_id}", headers=headers).status_code == 404
    assert (
        other.put(
            f"/api/v1/attempts/{attempt_id}/answers", json={"answers": {}}, headers=headers
        ).status_code
        == 404
    )
    assert (
        other.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers).status_code == 404
    )
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.state == "open"
    api.post(f"/attempts/{attempt_id}/submission", json={"answers": right_answers(app, attempt_id)})
    final = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts").json["attempt_id"]
    api.post(f"/attempts/{final}/submission", json={"answers": right_answers(app, final)})
    code = api.get("/me/progress").json["courses"][0]["certificate_code"]
    assert intruder.get(f"/certificates/{code}.pdf").status_code == 404
    assert admin_client.get(f"/certificates/{code}.pdf").status_code == 200


def test_quiz_pages_need_enrolment(app, learner_client, quiz_course):
    page = learner_client.get(f"/courses/{SLUG}/quizzes/kiem-tra-nhanh").get_data(as_text=True)
    assert "Bắt đầu làm bài" not in page
    refused = learner_client.post(f"/courses/{SLUG}/quizzes/kiem-tra-nhanh/start")
    assert refused.status_code == 303
    assert learner_client.get(f"/courses/{SLUG}/quizzes/khong-co").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_admin_revokes_with_a_reason(app, api, quiz_course, admin_client, learner_client):
    enrol_and_read(api, app)
    code = pass_every_quiz(api, app, quiz_course)
    assert (
        learner_client.post(f"/admin/certificates/{code}/revoke", data={"reason": "x"}).status_code
        == 403
    )
    listing = admin_client.get("/admin/certificates", query_string={"q": code})
    assert code in listing.get_data(as_text=True)
    empty = admin_client.post(
        f"/admin/certificates/{code}/revoke", data={"reason": "  "}, follow_redirects=True
    )
    assert "Vui lòng nêu lý do thu hồi." in empty.get_data(as_text=True)
    assert api.get(f"/certificates/{code}").json["valid"] is True
    # The first POST only asks to confirm; the second, with confirm=yes, revokes.
    asked = admin_client.post(
        f"/admin/certificates/{code}/revoke", data={"reason": "Gian lận khi làm bài"}
    )
    assert asked.status_code == 200 and "Thu hồi chứng nhận này?" in asked.get_data(as_text=True)
    assert api.get(f"/certificates/{code}").json["valid"] is True
    ok = admin_client.post(
        f"/admin/certificates/{code}/revoke",
        data={"reason": "Gian lận khi làm bài", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "Đã thu hồi chứng nhận." in ok.get_data(as_text=True)
    public = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "Chứng nhận này đã bị thu hồi" in public and "Gian lận khi làm bài" in public
    assert api.get(f"/certificates/{code}").json == api.get(f"/certificates/{code}").json
    assert api.get(f"/certificates/{code}").json["revoked_reason"] == "Gian lận khi làm bài"
    from elearn.audit.models import AuditEvent

    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.event == "certificate.revoked")
            )
            == 1
        )


def test_verify_page_unknown_code_and_english(client, quiz_course):
    missing = client.get("/verify/ABCDEFGHJKMN23")
    assert missing.status_code == 404
    assert "Không có chứng nhận nào mang mã này" in missing.get_data(as_text=True)
    assert client.get("/verify/<script>").status_code == 404
    client.post("/language", data={"lang": "en"})
    english = client.get("/verify/ABCDEFGHJKMN23").get_data(as_text=True)
    assert "No certificate has this code" in english


def test_concurrent_submissions_and_completions_count_once(
    app, make_user, auth_client, quiz_course
):
    """20 threads submit one attempt, 20 complete the last lesson: 1 grade, 1 completion,
    1 certificate."""
    user = make_user()
    client = auth_client(user)
    client.post(f"/courses/{SLUG}/enroll")
    client.post(f"/courses/{SLUG}/lessons/bai-mot/complete")
    with app.app_context():
        course, quiz = services.published_quiz(quiz_course["kiem-tra-nhanh"])
        quick, _ = committed(services.start_attempt, user.id, course, quiz)
        quick_id = quick.id
    answers = right_answers(app, quick_id)
    clients = [auth_client(user) for _ in range(20)]

    def run_all(action):
        barrier = threading.Barrier(len(clients))
        statuses: list[int] = []

        def hit(c):
            barrier.wait()
            statuses.append(action(c))

        threads = [threading.Thread(target=hit, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return statuses

    statuses = run_all(
        lambda c: c.post(f"/attempts/{quick_id}/submit", data=form_data(answers)).status_code
    )
    assert all(s in (303, 409) for s in statuses), statuses
    with app.app_context():
        course, final = services.published_quiz(quiz_course["cuoi-khoa"])
        attempt, _ = committed(services.start_attempt, user.id, course, final)
        final_id = attempt.id
    final_answers = right_answers(app, final_id)
    client.post(f"/attempts/{final_id}/submit", data=form_data(final_answers))
    # The quizzes are passed; now the last lesson from 20 tabs at once completes the course.
    statuses = run_all(lambda c: c.post(f"/courses/{SLUG}/lessons/bai-hai/complete").status_code)
    assert statuses == [302] * 20
    with app.app_context():
        submitted = db.session.scalar(
            select(func.count())
            .select_from(QuizAttempt)
            .where(
                QuizAttempt.quiz_id == quiz_course["kiem-tra-nhanh"],
                QuizAttempt.state == "submitted",
            )
        )
        assert submitted == 1
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 2
        assert db.session.get(QuizAttempt, quick_id).score == 100
        enrollment = db.session.scalars(select(Enrollment)).one()
        assert enrollment.completed_at is not None
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_api_concurrent_submission_returns_one_result(app, api, quiz_course, learner):
    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    answers = right_answers(app, attempt_id)
    token = (
        app.test_client()
        .post("/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD})
        .json["token"]
    )
    barrier = threading.Barrier(20)
    results: list[tuple[int, object]] = []

    def hit():
        c = app.test_client()
        barrier.wait()
        r = c.post(
            f"/api/v1/attempts/{attempt_id}/submission",
            json={"answers": answers},
            headers={"Authorization": f"Bearer {token}"},
        )
        results.append((r.status_code, r.json.get("score") if r.status_code == 200 else None))

    threads = [threading.Thread(target=hit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(status in (200, 409) for status, _ in results), results
    assert {score for status, score in results if status == 200} == {100}
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(QuizAttempt)
                .where(QuizAttempt.state == "submitted")
            )
            == 1
        )


def test_close_expired_command_grades_abandoned_attempts(app, api, quiz_course, runner):
    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts").json["attempt_id"]
    api.put(f"/attempts/{attempt_id}/answers", json={"answers": right_answers(app, attempt_id)})
    assert "0 expired" in runner.invoke(args=["quizzes", "close-expired"]).output
    with app.app_context():
        db.session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(deadline=utcnow() - timedelta(hours=2))
        )
        db.session.commit()
    result = runner.invoke(args=["quizzes", "close-expired"])
    assert result.exit_code == 0 and "1 expired" in result.output
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.state == "submitted" and attempt.score == 100
        assert attempt.submitted_at == attempt.deadline


def test_review_shows_what_the_quiz_allows(app, api, quiz_course, learner_client):
    enrol_and_read(api, app)
    full = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    api.post(f"/attempts/{full}/submission")
    page = learner_client.get(f"/attempts/{full}/review").get_data(as_text=True)
    assert "Đáp án đúng:" in page and "100 điểm" in page  # right answer shown in full review
    assert "(chưa trả lời)" in page
    part = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts").json["attempt_id"]
    api.post(f"/attempts/{part}/submission")
    page = learner_client.get(f"/attempts/{part}/review").get_data(as_text=True)
    assert "Đáp án đúng:" not in page and "chưa đúng" in page
    result = api.post(f"/attempts/{part}/submission").json
    assert "questions" in result and all("feedback" not in q for q in result["questions"])
    with app.app_context():
        # An author's change of settings, in place (the studio would publish a revision).
        db.session.execute(update(RevisionQuiz).values(review="score"))
        db.session.commit()
    clear_caches()
    page = learner_client.get(f"/attempts/{part}/review").get_data(as_text=True)
    assert "Câu hỏi 1" not in page and "Điểm của bạn: 0" in page
    assert "questions" not in api.post(f"/attempts/{part}/submission").json


def test_shipped_quizzes_meet_the_course_rules(shipped_specs):
    types = set()
    for spec in shipped_specs:
        categories: dict[str, int] = {}
        for _bank, question in spec.questions:
            categories[question.category] = categories.get(question.category, 0) + 1
            types.add(question.qtype)
        last = spec.sections[-1].quizzes
        finals = [spec.quizzes[k] for k in last if any("draw" in i for i in spec.quizzes[k].items)]
        assert finals, f"{spec.slug}: a final quiz in the last section"
        # The final quiz draws the most (a section check may draw a few from its bank too).
        final = max(finals, key=lambda quiz: sum(i.get("draw", 0) for i in quiz.items))
        drawn = sum(i.get("draw", 0) for i in final.items)
        bank = sum(categories[i["category"]] for i in final.items if "category" in i)
        assert drawn >= 12 and bank >= 25, (spec.slug, drawn, bank)
        for section in spec.sections:
            checks = [spec.quizzes[k] for k in section.quizzes if spec.quizzes[k] is not final]
            assert checks, f"{spec.slug}: a check per section"
            for check in checks:
                # A short check: 4-6 questions, fixed or drawn from a larger bank.
                size = sum(
                    i.get("draw") or categories[i["category"]] if "category" in i else 1
                    for i in check.items
                )
                assert 4 <= size <= 6, (spec.slug, check.key, size)
        assert all(q.text.text.strip() for _bank, q in spec.questions)
    assert types == {"single", "multi", "truefalse", "short", "numeric", "matching"}


def test_a_save_racing_a_submission_changes_nothing(app, api, quiz_course, learner):
    """The attempt was read as open, then submitted elsewhere before the save wrote."""
    from elearn.core.errors import Conflict

    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    answers = right_answers(app, attempt_id)
    with app.app_context():
        stale = db.session.get(QuizAttempt, attempt_id)
        assert stale.state == "open"
        other = app.test_client()
        token = other.post(
            "/api/v1/auth/token", json={"login": learner.email, "password": PASSWORD}
        ).json["token"]
        submitted = other.post(
            f"/api/v1/attempts/{attempt_id}/submission",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert submitted.json["score"] == 0
        with pytest.raises(Conflict):
            services.save_answers(stale, answers)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0
        assert db.session.get(QuizAttempt, attempt_id).score == 0


def test_session_lost_mid_quiz_resumes_after_login(app, learner, quiz_course):
    """F7: the session ends during a quiz; autosaved answers survive and the attempt resumes."""
    client = app.test_client()
    assert (
        client.post("/login", data={"login": learner.email, "password": PASSWORD}).status_code
        == 302
    )
    client.post(f"/courses/{SLUG}/enroll")
    attempt_url = client.post(f"/courses/{SLUG}/quizzes/kiem-tra-nhanh/start").headers["Location"]
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    answers = right_answers(app, attempt_id)
    assert client.post(f"/attempts/{attempt_id}/save", data=form_data(answers)).status_code == 303
    client.post("/logout")
    lost = client.post(f"/attempts/{attempt_id}/submit", data=form_data(answers))
    assert lost.status_code == 302 and "/login" in lost.headers["Location"]
    back = client.post(
        lost.headers["Location"], data={"login": learner.email, "password": PASSWORD}
    )
    assert back.status_code == 302
    resumed = client.get(back.headers["Location"], follow_redirects=True)
    assert resumed.request.path == f"/attempts/{attempt_id}"
    assert "checked" in resumed.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == len(answers)


def test_bad_input_on_the_quiz_pages_is_refused_politely(app, learner_client, quiz_course):
    client = learner_client
    client.post(f"/courses/{SLUG}/enroll")
    attempt_url = client.post(
        f"/courses/{SLUG}/quizzes/cuoi-khoa/start", data={"confirm": "1"}
    ).headers["Location"]
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        numeric = next(
            q.id for q in services.attempt_questions(attempt) if q.parsed.qtype == "numeric"
        )
    answers = right_answers(app, attempt_id)
    bad = dict(answers)
    bad[str(numeric)] = "bốn mươi"
    saved = client.post(f"/attempts/{attempt_id}/save", data=form_data(bad), follow_redirects=True)
    assert saved.status_code == 200 and "phải là một số" in saved.get_data(as_text=True)
    # A forged option on a quiz whose questions are fixed (no random draw).
    quick_url = client.post(f"/courses/{SLUG}/quizzes/kiem-tra-nhanh/start").headers["Location"]
    quick_id = int(quick_url.rsplit("/", 1)[1])
    forged = right_answers(app, quick_id)
    single = next(k for k, v in forged.items() if isinstance(v, str))
    forged[single] = "not-an-option"
    refused = client.post(f"/attempts/{quick_id}/submit", data=form_data(forged))
    assert refused.status_code == 303 and refused.headers["Location"].endswith(f"/{quick_id}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0
        assert db.session.get(QuizAttempt, quick_id).state == "open"
        assert db.session.get(QuizAttempt, attempt_id).state == "open"
    stale = client.post(f"/attempts/{attempt_id}/save", data=form_data(answers, version=7))
    assert stale.status_code == 303
    autosave = client.post(
        f"/attempts/{attempt_id}/save",
        data=form_data(answers, version=0),
        headers={"X-Requested-With": "fetch"},
    )
    assert autosave.status_code == 200 and autosave.json == {"saved": True, "version": 1}
    conflict = client.post(
        f"/attempts/{attempt_id}/save",
        data=form_data(answers, version=0),
        headers={"X-Requested-With": "fetch"},
    )
    assert conflict.status_code == 409 and "Trang này đã cũ" in conflict.json["error"]["message"]


def test_revoke_reason_too_long_is_refused(app, api, quiz_course, admin_client):
    enrol_and_read(api, app)
    code = pass_every_quiz(api, app, quiz_course)
    long = admin_client.post(
        f"/admin/certificates/{code}/revoke",
        data={"reason": "x" * 301, "confirm": "yes"},
        follow_redirects=True,
    )
    assert "quá dài" in long.get_data(as_text=True)
    assert api.get(f"/certificates/{code}").json["valid"] is True
    assert (
        admin_client.post(
            "/admin/certificates/ABCDEFGHJKMN23/revoke", data={"reason": "x"}
        ).status_code
        == 404
    )


def test_after_a_section_the_learner_is_led_to_its_quiz(app, api, learner_client, quiz_course):
    client = learner_client
    client.post(f"/courses/{SLUG}/enroll")
    done = client.post(f"/courses/{SLUG}/lessons/bai-mot/complete")
    assert done.headers["Location"].endswith(f"/courses/{SLUG}/quizzes/kiem-tra-nhanh")
    # Once the section's quiz is passed, completing its lesson again leads on to the next lesson.
    attempt_url = client.post(f"/courses/{SLUG}/quizzes/kiem-tra-nhanh/start").headers["Location"]
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    client.post(f"/attempts/{attempt_id}/submit", data=form_data(right_answers(app, attempt_id)))
    again = client.post(f"/courses/{SLUG}/lessons/bai-mot/complete")
    assert again.headers["Location"].endswith(f"/courses/{SLUG}/lessons/bai-hai")
    last = client.post(f"/courses/{SLUG}/lessons/bai-hai/complete")
    assert last.headers["Location"].endswith(f"/courses/{SLUG}/quizzes/cuoi-khoa")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Làm bài kiểm tra: Kiểm tra cuối khóa" in dashboard
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Làm bài kiểm tra: Kiểm tra cuối khóa" in page


def test_a_save_locks_the_attempt_before_writing_answers(app, api, quiz_course, monkeypatch):
    """Saves take the attempt's row lock first, as submits do: a save that wrote answers and
    then waited for the attempt row deadlocked with a submit holding it (PostgreSQL)."""
    from sqlalchemy import event

    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    answers = right_answers(app, attempt_id)
    calls: list[str] = []
    lock, upsert = services.lock_attempt, services._upsert_answer
    monkeypatch.setattr(services, "lock_attempt", lambda *a: calls.append("lock") or lock(*a))
    monkeypatch.setattr(services, "_upsert_answer", lambda *a: calls.append("write") or upsert(*a))
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        statements: list[str] = []
        listener = lambda *a: statements.append(" ".join(a[2].split()).lower())  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            committed(services.save_answers, attempt, answers)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        dialect = db.engine.dialect.name
    assert calls[0] == "lock" and "write" in calls, calls
    if dialect == "postgresql":
        locked = [i for i, s in enumerate(statements) if "for update" in s]
        written = [i for i, s in enumerate(statements) if "attempt_answers" in s]
        assert locked and written and locked[0] < written[0], statements


def _race_saves_and_submits(clients, attempt_id: int, answers: dict) -> list[int]:
    """Every fourth client submits, the others save, all at once; the status codes."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def hit(index: int, c) -> None:
        barrier.wait()
        action = "submit" if index % 4 == 0 else "save"
        response = c.post(f"/attempts/{attempt_id}/{action}", data=form_data(answers))
        statuses.append(response.status_code)

    threads = [threading.Thread(target=hit, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_saves_and_submits_racing_on_one_attempt_never_fail(
    app, make_user, auth_client, quiz_course
):
    """Autosaves from several tabs while the learner submits: each save is saved or refused
    (409), the submit grades once, nothing deadlocks into a 500."""
    user = make_user()
    client = auth_client(user)
    client.post(f"/courses/{SLUG}/enroll")
    for _trial in range(2):  # the quiz allows two attempts
        with app.app_context():
            course, quiz = services.published_quiz(quiz_course["kiem-tra-nhanh"])
            attempt, _ = committed(services.start_attempt, user.id, course, quiz)
            attempt_id = attempt.id
        answers = right_answers(app, attempt_id)
        clients = [auth_client(user) for _ in range(12)]
        statuses = _race_saves_and_submits(clients, attempt_id, answers)
        assert all(s in (200, 303, 409) for s in statuses), statuses
        with app.app_context():
            done = db.session.get(QuizAttempt, attempt_id)
            assert done.state == "submitted" and done.score == 100
