"""Background jobs: the outbox, in-process and RQ dispatch, failures, retries, periodic tasks,
retention, mail settings and the admin page."""

from __future__ import annotations

import re
import signal
from datetime import timedelta

import pytest
from flask_mailman.backends.base import BaseEmailBackend
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select, update

from elearn import audit
from elearn.audit.models import AuditEvent
from elearn.auth import services as auth_services
from elearn.auth.models import ApiToken, PasswordResetToken, User, UserSession
from elearn.core.db import unit_of_work
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.jobs import queue
from elearn.jobs.models import Job
from elearn.jobs.queue import enqueue, job, run_job

REDIS_TEST_URL = "redis://127.0.0.1:6379/7"
#: Nothing listens on port 1: connecting fails at once.
REDIS_DOWN_URL = "redis://127.0.0.1:1/7"

CALLS: list[str | None] = []
FLAKY = {"failing": True}


@job("tests.record_name")
def record_name(user_id: int) -> str:
    """Reads the user it was given: proves the job sees the data committed before it."""
    user = db.session.get(User, user_id)
    CALLS.append(user.full_name if user is not None else None)
    return "recorded"


@job("tests.flaky")
def flaky(note: str) -> None:
    """Writes an audit row, then fails while FLAKY says so."""
    audit.record("tests.flaky_ran", None, note)
    if FLAKY["failing"]:
        raise RuntimeError(f"flaky job failed for {note}")
    CALLS.append(note)


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()
    FLAKY["failing"] = True
    yield
    CALLS.clear()


def _new_user(name: str = "Đặng Thu Trang") -> User:
    """A user added to the open unit of work (make_user commits on its own)."""
    return auth_services.register_user(
        f"u{_count(User) + 1}@example.vn",
        "correct horse battery staple",
        auth_services.Profile(full_name=name),
        require_details=False,
    )


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _job(job_id: int) -> Job:
    return db.session.get(Job, job_id, populate_existing=True)


# --- the outbox: enqueue with the unit of work -------------------------------------------


def test_a_job_of_a_rolled_back_unit_is_neither_recorded_nor_run(app_ctx):
    with pytest.raises(RuntimeError, match="abandon"):
        with unit_of_work():
            user = _new_user()
            enqueue("tests.record_name", user_id=user.id)
            raise RuntimeError("abandon the work")
    assert _count(Job) == 0
    assert CALLS == []


def test_a_committed_job_runs_after_the_commit_sees_the_data_and_is_done(app_ctx):
    before = utcnow()
    with unit_of_work():
        user = _new_user("Vũ Minh Khang")
        row = enqueue("tests.record_name", user_id=user.id)
        job_id = row.id
        assert CALLS == []  # nothing runs before the commit
    assert CALLS == ["Vũ Minh Khang"]  # a separate session saw the committed user
    done = _job(job_id)
    assert (done.state, done.attempts, done.args) == ("done", 1, {"user_id": user.id})
    assert before <= done.created_at <= done.started_at <= done.finished_at


def test_enqueue_refuses_what_cannot_be_an_outbox_row(app_ctx):
    with pytest.raises(RuntimeError, match="unit of work"):
        enqueue("tests.record_name", user_id=1)
    with unit_of_work():
        with pytest.raises(queue.UnknownJob):
            enqueue("tests.no_such_job")
        with pytest.raises(TypeError):
            enqueue("tests.record_name", user_id=object())
    assert _count(Job) == 0


def test_a_job_claimed_once_runs_once(app_ctx):
    with unit_of_work():
        user = _new_user("Hà Anh")
        db.session.add(Job(name="tests.record_name", args={"user_id": user.id}))
    job_id = db.session.scalar(select(Job.id))
    db.session.remove()
    assert run_job(job_id) == "done"
    assert run_job(job_id) == "skipped"
    assert CALLS == ["Hà Anh"]
    with unit_of_work(), pytest.raises(RuntimeError, match="own unit"):
        run_job(job_id)


def test_the_same_job_name_cannot_point_at_two_functions():
    with pytest.raises(ValueError, match="already registered"):
        job("tests.record_name")(lambda user_id: None)


# --- failures: recorded, harmless to the request, visible, retriable ----------------------


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail.example.vn:587 refused the connection")


@pytest.fixture
def smtp_down(app, monkeypatch):
    monkeypatch.setattr(app.extensions["mailman"], "backend", RefusingBackend)


def test_a_failing_job_is_recorded_and_the_request_still_answers(
    app, make_user, smtp_down, outbox, runner
):
    make_user(email="an@example.vn")
    pages = []
    for login in ("an@example.vn", "khong-co@example.vn"):
        response = app.test_client().post("/forgot-password", data={"login": login})
        assert response.status_code == 200
        pages.append(re.sub(r'value="[^"]+"', "", response.get_data(as_text=True)))
    assert pages[0] == pages[1]  # the failure is invisible to whoever asked
    with app.app_context():
        # Both requests enqueued the same job; only the known account's sends a mail.
        jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
        assert [j.state for j in jobs] == ["failed", "done"]
        failed = jobs[0]
        assert failed.state == "failed" and failed.attempts == 1
        assert failed.last_error.startswith("ConnectionRefusedError: mail.example.vn:587 refused")
        assert failed.last_error.endswith("in send_messages)")  # where it was raised
        # The job's own writes rolled back with it: no token whose link nobody received.
        assert _count(PasswordResetToken) == 0
    listed = runner.invoke(args=["jobs", "list", "--failed"])
    assert listed.exit_code == 0
    assert re.search(
        rf"^\s+{failed.id}\s+failed\s+1 .*auth.send_password_reset", listed.output, re.M
    )
    assert "ConnectionRefusedError" in listed.output
    assert outbox == []


def test_a_failed_job_is_retried_from_the_command_line(app_ctx, runner):
    with unit_of_work():
        job_id = enqueue("tests.flaky", note="lần 1").id
    failed = _job(job_id)
    assert failed.state == "failed" and "flaky job failed for lần 1" in failed.last_error
    assert _count(AuditEvent, AuditEvent.event == "tests.flaky_ran") == 0  # rolled back
    assert runner.invoke(args=["jobs", "list"]).output.count("tests.flaky") == 1
    FLAKY["failing"] = False
    result = runner.invoke(args=["jobs", "retry", str(job_id)])
    assert result.exit_code == 0, result.output
    assert f"Job {job_id} queued again; it is now done." in result.output
    done = _job(job_id)
    assert (done.state, done.attempts) == ("done", 2)
    assert CALLS == ["lần 1"]
    assert _count(AuditEvent, AuditEvent.event == "job.retried") == 1
    again = runner.invoke(args=["jobs", "retry", str(job_id)])
    assert again.exit_code == 1 and "not a failed job" in again.output
    assert runner.invoke(args=["jobs", "list", "--failed"]).output.strip() == "No failed jobs."


def test_a_dispatch_that_breaks_leaves_the_job_queued_and_the_request_answering(
    app, make_user, monkeypatch
):
    def broken(job_id):
        raise RuntimeError("database went away")

    monkeypatch.setattr(queue, "run_job", broken)
    make_user(email="an@example.vn")
    response = app.test_client().post("/forgot-password", data={"login": "an@example.vn"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Job.state)) == "queued"


# --- the admin page -------------------------------------------------------------------------


@pytest.fixture
def failed_reset(app, make_user, smtp_down):
    make_user(email="an@example.vn")
    app.test_client().post("/forgot-password", data={"login": "an@example.vn"})
    with app.app_context():
        return db.session.scalar(select(Job.id).where(Job.state == "failed"))


@pytest.mark.parametrize("role", ["anonymous", "learner", "trainer"])
def test_the_jobs_page_is_for_admins_only(app, make_user, auth_client, failed_reset, role):
    client = app.test_client() if role == "anonymous" else auth_client(make_user(role))
    for response in (
        client.get("/admin/jobs"),
        client.post(f"/admin/jobs/{failed_reset}/retry"),
    ):
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403
    with app.app_context():
        assert _job(failed_reset).state == "failed"


def test_an_admin_sees_failures_and_retries_with_a_csrf_token(
    app, admin_client, failed_reset, monkeypatch, outbox
):
    page = admin_client.get("/admin/jobs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "auth.send_password_reset" in html and "ConnectionRefusedError" in html
    assert f'action="/admin/jobs/{failed_reset}/retry"' in html
    assert admin_client.get(f"/admin/jobs/{failed_reset}/retry").status_code == 405
    monkeypatch.undo()  # the SMTP server is back
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert admin_client.post(f"/admin/jobs/{failed_reset}/retry").status_code == 400
        with app.app_context():
            assert _job(failed_reset).state == "failed"
        html = admin_client.get("/admin/jobs").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = admin_client.post(
            f"/admin/jobs/{failed_reset}/retry", data={"csrf_token": token}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/jobs")
    with app.app_context():
        done = _job(failed_reset)
        assert (done.state, done.attempts) == ("done", 2)
    assert len(outbox) == 1 and outbox[0].to == ["an@example.vn"]
    after = admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "auth.send_password_reset" not in after


def test_the_jobs_page_query_count_stays_flat(app, admin_client, count_queries):
    def add_failed(n):
        with app.app_context(), unit_of_work():
            for i in range(n):
                db.session.add(
                    Job(
                        name="tests.flaky",
                        args={"note": str(i)},
                        state="failed",
                        attempts=1,
                        last_error="RuntimeError: x",
                        finished_at=utcnow(),
                    )
                )
                db.session.add(Job(name="tests.flaky", args={"note": str(i)}))

    def measure():
        with count_queries() as statements:
            assert admin_client.get("/admin/jobs").status_code == 200
        return len(statements)

    add_failed(3)
    small = measure()
    add_failed(9)
    assert measure() == small


# --- RQ: with Redis at 127.0.0.1:6379, database 7 -------------------------------------------


@pytest.fixture
def redis_jobs(app, monkeypatch):
    """Jobs go to Redis database 7 (emptied before and after); skipped when Redis is down."""
    connection = Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except RedisError:
        pytest.skip("Redis does not answer at 127.0.0.1:6379: RQ tests skipped")
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    # RQ's command channel (remote "stop job") takes a second to close: tests send no commands.
    from elearn.jobs.worker import AppWorker

    monkeypatch.setattr(AppWorker, "subscribe", lambda self: None)
    # An RQ worker installs its own SIGINT/SIGTERM handlers; give pytest its own back.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield connection
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    connection.flushdb()
    connection.close()


def _rq_queue(connection):
    from rq import Queue

    return Queue(queue.QUEUE_NAME, connection=connection)


def _work(app, connection):
    from elearn.jobs.worker import AppWorker

    worker = AppWorker([_rq_queue(connection)], connection=connection, app=app)
    worker.work(burst=True)


def test_with_redis_enqueue_pushes_only_the_id_and_a_worker_runs_it(app, redis_jobs):
    with app.app_context(), unit_of_work():
        user = _new_user("Lý Gia Bảo")
        job_id = enqueue("tests.record_name", user_id=user.id).id
    rq_queue = _rq_queue(redis_jobs)
    assert rq_queue.job_ids == [f"elearn-job-{job_id}"]
    rq_job = rq_queue.fetch_job(f"elearn-job-{job_id}")
    assert rq_job.func_name == "elearn.jobs.queue.run_job" and rq_job.args == (job_id,)
    assert rq_job.kwargs == {}
    with app.app_context():
        assert _job(job_id).state == "queued"
        assert queue.push(job_id) is False  # already waiting: not pushed twice
    assert len(rq_queue) == 1 and CALLS == []
    _work(app, redis_jobs)
    assert CALLS == ["Lý Gia Bảo"]
    with app.app_context():
        assert _job(job_id).state == "done"
    assert len(rq_queue) == 0


def test_a_failed_push_leaves_the_job_queued_and_the_sweep_dispatches_it(
    app, make_user, redis_jobs, outbox, runner
):
    make_user(email="an@example.vn")
    app.config["REDIS_URL"] = REDIS_DOWN_URL
    response = app.test_client().post("/forgot-password", data={"login": "an@example.vn"})
    assert response.status_code == 200
    with app.app_context():
        job_id = db.session.scalar(select(Job.id).where(Job.state == "queued"))
        assert job_id is not None
    app.config["REDIS_URL"] = REDIS_TEST_URL
    assert runner.invoke(args=["jobs", "sweep"]).output.startswith("0 ")  # not stale yet
    with app.app_context(), unit_of_work():
        db.session.execute(update(Job).values(created_at=utcnow() - timedelta(minutes=6)))
    assert runner.invoke(args=["jobs", "sweep"]).output.startswith("1 ")
    assert _rq_queue(redis_jobs).job_ids == [f"elearn-job-{job_id}"]
    assert runner.invoke(args=["jobs", "sweep"]).output.startswith("1 ")  # still waiting...
    assert len(_rq_queue(redis_jobs)) == 1  # ...but not pushed twice
    _work(app, redis_jobs)
    with app.app_context():
        assert _job(job_id).state == "done"
    assert len(outbox) == 1


def test_the_worker_command_schedules_the_periodic_tasks_with_rq_cron(app, runner, redis_jobs):
    from elearn.jobs.periodic import PERIODIC
    from elearn.jobs.worker import build_cron

    cron = build_cron(redis_jobs)
    assert {(j.name, j.interval) for j in cron.get_jobs()} == {
        ("elearn.quiz.close_expired_attempts", 300),
        ("elearn.jobs.sweep", 60),
        ("elearn.maintenance.prune", 86400),
    }
    assert len(PERIODIC) == 3
    with app.app_context(), unit_of_work():
        db.session.add(AuditEvent(event="old.event", at=utcnow() - timedelta(days=800)))
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "Working queue 'elearn'" in result.output
    with app.app_context():
        assert _count(AuditEvent, AuditEvent.event == "old.event") == 0  # prune ran
        assert _count(AuditEvent, AuditEvent.event == "retention.pruned") == 1
        assert _count(Job) == 0  # periodic tasks that succeed leave no rows
    assert len(_rq_queue(redis_jobs)) == 0


def test_the_cron_thread_enqueues_the_periodic_tasks_and_stops(redis_jobs):
    import time

    from elearn.jobs.worker import CronThread, build_cron

    thread = CronThread(build_cron(redis_jobs))
    thread.start()
    deadline = time.monotonic() + 5
    while len(_rq_queue(redis_jobs)) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    thread.stopping.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    functions = {j.func_name for j in _rq_queue(redis_jobs).get_jobs()}
    assert functions == {"elearn.jobs.periodic.run_periodic"}
    assert sorted(j.args[0] for j in _rq_queue(redis_jobs).get_jobs()) == [
        "jobs.sweep",
        "maintenance.prune",
        "quiz.close_expired_attempts",
    ]


# --- periodic tasks without Redis -------------------------------------------------------------


def test_without_redis_the_loop_runs_each_task_on_its_interval(app, monkeypatch):
    import threading

    from elearn.jobs.worker import run_without_redis

    ran: list[tuple[float, str]] = []

    class FakeTime(threading.Event):
        """Waiting moves the clock instead of sleeping; stops after six waits."""

        def __init__(self):
            super().__init__()
            self.now = 0.0
            self.waits: list[float] = []

        def wait(self, timeout=None):
            self.waits.append(timeout)
            self.now += timeout
            if len(self.waits) == 6:
                self.set()
            return self.is_set()

    ticks = FakeTime()
    for name in ("quiz.close_expired_attempts", "jobs.sweep", "maintenance.prune"):
        monkeypatch.setitem(queue._registry, name, lambda name=name: ran.append((ticks.now, name)))
    run_without_redis(app, stop=ticks, clock=lambda: ticks.now)
    assert ticks.waits == [60.0] * 6
    assert [t for t, name in ran if name == "jobs.sweep"] == [0, 60, 120, 180, 240, 300]
    assert [t for t, name in ran if name == "quiz.close_expired_attempts"] == [0, 300]
    assert [t for t, name in ran if name == "maintenance.prune"] == [0]


def test_without_redis_the_worker_runs_the_periodic_tasks_itself(app, runner, monkeypatch):
    with app.app_context(), unit_of_work():
        user = _new_user("Mai Lan")
        db.session.add(
            Job(
                name="tests.record_name",
                args={"user_id": user.id},
                created_at=utcnow() - timedelta(minutes=10),
            )
        )
        db.session.add(AuditEvent(event="old.event", at=utcnow() - timedelta(days=800)))

    def closing_fails():
        raise RuntimeError("quiz tables locked")

    monkeypatch.setitem(queue._registry, "quiz.close_expired_attempts", closing_fails)
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "REDIS_URL is not set" in result.output
    assert CALLS == ["Mai Lan"]  # the sweep ran the job a crashed process left queued
    with app.app_context():
        assert _count(AuditEvent, AuditEvent.event == "old.event") == 0
        failed = db.session.scalars(select(Job).where(Job.state == "failed")).one()
        assert failed.name == "quiz.close_expired_attempts"
        assert "RuntimeError: quiz tables locked" in failed.last_error
    monkeypatch.undo()
    retried = runner.invoke(args=["jobs", "retry", str(failed.id)])
    assert retried.exit_code == 0 and "it is now done" in retried.output


def test_the_sweep_fails_jobs_left_running_by_a_dead_worker(app_ctx):
    long_ago = utcnow() - queue.RUNNING_STALE - timedelta(minutes=1)
    with unit_of_work():
        db.session.add(Job(name="tests.flaky", state="running", started_at=long_ago))
        db.session.add(Job(name="tests.flaky", state="running", started_at=utcnow()))
    with unit_of_work():
        assert queue.sweep() == 0
    rows = db.session.execute(select(Job.state, Job.last_error).order_by(Job.id)).all()
    assert rows == [("failed", queue.INTERRUPTED), ("running", None)]


def test_quizzes_close_expired_still_works(runner):
    result = runner.invoke(args=["quizzes", "close-expired"])
    assert result.exit_code == 0 and "0 expired attempt(s)" in result.output


# --- retention ------------------------------------------------------------------------------


def test_prune_deletes_exactly_what_is_old(app, runner, make_user):
    user = make_user()
    now = utcnow()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)
    far_future = now + timedelta(days=30)
    keep: dict[str, set[int]] = {}

    def add(kind, row, kept):
        db.session.add(row)
        db.session.flush()
        if kept:
            keep.setdefault(kind, set()).add(row.id)

    def session(n, **values):
        values.setdefault("expires_at", far_future)
        values.setdefault("idle_minutes", 120)
        return UserSession(token_hash=f"s{n}".ljust(64, "0"), user_id=user.id, **values)

    with app.app_context(), unit_of_work():
        add("sessions", session(1, expires_at=old), False)
        add("sessions", session(2, revoked_at=old), False)
        add("sessions", session(3, revoked_at=recent), True)
        # Idle limits: 14 days after last seen 45 days ago ended 31 days ago; after 40, 26.
        add("sessions", session(4, idle_minutes=14 * 1440, last_seen_at=now - timedelta(45)), False)
        add("sessions", session(5, idle_minutes=14 * 1440, last_seen_at=now - timedelta(40)), True)
        add("sessions", session(6, last_seen_at=old - timedelta(hours=3)), False)
        add("sessions", session(7, last_seen_at=now), True)
        for n, (values, kept) in enumerate(
            [
                ({"expires_at": old}, False),
                ({"expires_at": far_future, "revoked_at": old}, False),
                ({"expires_at": recent}, True),
                ({"expires_at": far_future}, True),
            ]
        ):
            add(
                "api_tokens",
                ApiToken(token_hash=f"a{n}".ljust(64, "0"), user_id=user.id, **values),
                kept,
            )
        for n, (values, kept) in enumerate(
            [
                ({"expires_at": old}, False),
                ({"expires_at": far_future, "used_at": old}, False),
                ({"expires_at": far_future, "used_at": recent}, True),
                ({"expires_at": far_future}, True),
            ]
        ):
            add(
                "reset_tokens",
                PasswordResetToken(token_hash=f"r{n}".ljust(64, "0"), user_id=user.id, **values),
                kept,
            )
        add("audit", AuditEvent(event="t.old", at=now - timedelta(days=731)), False)
        add("audit", AuditEvent(event="t.recent", at=now - timedelta(days=729)), True)
        for state, finished, kept in [
            ("done", old, False),
            ("done", recent, True),
            ("failed", old, True),  # waits for a retry
            ("failed", now - timedelta(days=731), False),
            ("queued", None, True),
        ]:
            add(
                "jobs",
                Job(
                    name="tests.flaky",
                    state=state,
                    finished_at=finished,
                    created_at=now - timedelta(days=800),
                ),
                kept,
            )

    result = runner.invoke(args=["maintenance", "prune"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "sessions: 4 deleted",
        "api_tokens: 2 deleted",
        "reset_tokens: 2 deleted",
        "audit_events: 1 deleted",
        "jobs: 2 deleted",
    ]
    with app.app_context():
        assert set(db.session.scalars(select(UserSession.id))) == keep["sessions"]
        assert set(db.session.scalars(select(ApiToken.id))) == keep["api_tokens"]
        assert set(db.session.scalars(select(PasswordResetToken.id))) == keep["reset_tokens"]
        assert set(db.session.scalars(select(Job.id))) == keep["jobs"]
        events = set(db.session.scalars(select(AuditEvent.event)))
        assert "t.old" not in events and {"t.recent", "user.registered"} <= events
        assert "retention.pruned" in events


def test_job_errors_keep_no_sql_values_or_url_passwords():
    from sqlalchemy.exc import IntegrityError

    wrapped = IntegrityError(
        "INSERT INTO t (token_hash) VALUES (%(token_hash)s)",
        {"token_hash": "bi-mat-123"},
        Exception("duplicate key value violates unique constraint"),
    )
    text = queue.describe(wrapped)
    assert text.startswith("IntegrityError: duplicate key value") and "bi-mat-123" not in text
    leaky = queue.describe(RuntimeError("cannot reach redis://:hunter2@cache:6379/0"))
    assert "hunter2" not in leaky and "redis://***@cache:6379/0" in leaky
