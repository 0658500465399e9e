"""What every fault drill shares: a throw-away instance, learners, a browser-like client.

A drill runs in its own process (run_all.py starts one per drill and database), so the
app, its engine and the published-structure cache belong to that drill's database only.
The drill prepares its learners in-process through the services (enrolment, lessons,
quizzes passed with the right answers), starts gunicorn on 127.0.0.1, drives it over
HTTP as a browser does (the login form, CSRF tokens from the pages, the quiz's
autosave and its `version` field) and checks the outcome with SQL counts.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (  # noqa: E402
    PASSWORD,
    PY,
    ROOT,
    Gunicorn,
    insert_learners,
    pg_database,
    setup_instance,
)
from common import worker_cpu_seconds as worker_cpu_seconds  # noqa: E402 (for the drills)

#: Seconds spent in each phase of the current drill (printed with its result).
PHASES: dict[str, float] = {}

PG_BASE = os.environ.get("FAULTS_PG", "postgresql://postgres@127.0.0.1:5432")
WORKERS = 3
SLUG = "thuong-mai-dien-tu"
#: The course's last quiz: passing it (with every lesson done) completes the course.
FINAL = "kiem-tra-cuoi-khoa"
#: Sync workers serve one request at a time: a queued request may wait a while.
HTTP_TIMEOUT = 120


# --- the result line ----------------------------------------------------------------


@dataclass
class Result:
    """One drill on one database: what was done, what was counted, pass or fail."""

    drill: str
    database: str
    workers: int = WORKERS
    done: str = ""
    #: name -> (observed, expected); a check passes when observed == expected.
    checks: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    error: str = ""

    def check(self, name: str, observed: Any, expected: Any) -> bool:
        self.checks[name] = (observed, expected)
        return observed == expected

    @property
    def passed(self) -> bool:
        return not self.error and all(obs == exp for obs, exp in self.checks.values())

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def to_json(self) -> str:
        return json.dumps(
            {
                "drill": self.drill,
                "database": self.database,
                "workers": self.workers,
                "done": self.done,
                "checks": {k: [str(o), str(e)] for k, (o, e) in self.checks.items()},
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "seconds": round(self.seconds, 1),
                "notes": self.notes,
                "error": self.error,
                "passed": self.passed,
            },
            ensure_ascii=False,
        )

    def report(self) -> str:
        lines = [
            f"{self.drill} on {self.database}, {self.workers} gunicorn workers: "
            f"{'PASS' if self.passed else 'FAIL'} ({self.seconds:.1f} s)",
            f"  done: {self.done}",
            f"  requests: {self.requests}, statuses: {dict(sorted(self.statuses.items()))}",
        ]
        for name, (observed, expected) in self.checks.items():
            mark = "ok " if observed == expected else "BAD"
            lines.append(f"  {mark} {name}: {observed} (expected {expected})")
        lines += [f"  note: {note}" for note in self.notes]
        if self.error:
            lines.append(f"  ERROR: {self.error}")
        return "\n".join(lines)


# --- the throw-away instance --------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    """A migrated, seeded instance on a throw-away database, and its gunicorn."""

    def __init__(self, kind: str, env: dict[str, str], tmp: Path) -> None:
        self.kind = kind
        self.env = env
        self.tmp = tmp
        self.port = free_port()
        self.server: Gunicorn | None = None
        self.server_log = tmp / "gunicorn.log"
        self.setup_seconds = 0.0
        from elearn import create_app

        self.app = create_app()

    @contextmanager
    def context(self) -> Iterator[None]:
        """An app context whose session is thrown away afterwards (reads, set-up)."""
        from elearn.extensions import db

        with self.app.app_context():
            try:
                yield
            finally:
                db.session.rollback()
                db.session.remove()

    def scalar(self, sql: str, **params: Any) -> Any:
        from sqlalchemy import text

        from elearn.extensions import db

        with self.context():
            return db.session.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        from sqlalchemy import text

        from elearn.extensions import db

        with self.context():
            return list(db.session.execute(text(sql), params).all())

    def execute(self, sql: str, **params: Any) -> int:
        """A write the drill makes behind the app's back (a fault), committed at once."""
        from sqlalchemy import text

        from elearn.core.db import unit_of_work
        from elearn.extensions import db

        with self.app.app_context(), unit_of_work():
            return db.session.execute(text(sql), params).rowcount

    def start(self, app_spec: str = "wsgi:app", workers: int = WORKERS) -> Gunicorn:
        """gunicorn with `workers` sync workers on 127.0.0.1; its log goes to a file.

        `app_spec` may name a module of bench/faults (faulty_wsgi:app).
        """
        log = self.server_log.open("ab")
        process = subprocess.Popen(
            [PY, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--timeout", "60",
             "--pythonpath", str(Path(__file__).resolve().parent), app_spec],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
        )  # fmt: skip
        self.server = Gunicorn(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status = Browser(self.port).get("/healthz")[0]
                if status == 200 and len(self.server.worker_pids()) == workers:
                    return self.server
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.server is not None and self.server.process.poll() is None:
            self.server.process.terminate()
            try:
                self.server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.process.kill()
                self.server.process.wait(timeout=10)
        self.server = None

    def log_text(self) -> str:
        return self.server_log.read_text(errors="replace") if self.server_log.exists() else ""

    def flask(self, *args: str) -> str:
        """Run a `flask` command against the instance (as cron would); returns its output."""
        done = subprocess.run(
            [PY, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.stdout.strip()


def instance_env(kind: str, tmp: Path, url: str | None, extra: dict[str, str] | None) -> dict:
    return {
        **os.environ,
        "ELEARN_INSTANCE_PATH": str(tmp),
        # Development settings without the debugger: error pages as users get them, and no
        # Redis (production requires it: jobs run in-process here, as in the embedded default).
        "ELEARN_ENV": "development",
        "FLASK_DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "ELEARN_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": url or f"sqlite:///{tmp / 'elearn.sqlite3'}",
        # Cheap hashes: the drills log in hundreds of times on 2 cores.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "REDIS_URL": "",
        **(extra or {}),
    }


@contextmanager
def database(kind: str, base: str, name: str, template: str | None) -> Iterator[str | None]:
    """common.pg_database, or a copy of a seeded template database (run_all makes one)."""
    if kind != "postgresql" or not template:
        with pg_database(kind, base, name) as url:
            yield url
        return
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for attempt in range(10):
            try:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                break
            except psycopg.errors.ObjectInUse:
                # Another drill is copying the template at this moment.
                if attempt == 9:
                    raise
                time.sleep(1)
    try:
        yield f"{base}/{name}"
    finally:
        # run_all drops its copies at the end: a DROP DATABASE waits for a checkpoint,
        # which on a busy shared server can take longer than the drill.
        if not os.environ.get("FAULTS_DROP_LATER"):
            drop_database(name, base)


def drop_database(name: str, pg_base: str = PG_BASE) -> None:
    import psycopg

    with psycopg.connect(f"{pg_base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fault_databases(pg_base: str = PG_BASE) -> set[str]:
    """The `faults_*` databases on the server (only the drills use that prefix)."""
    import psycopg

    with psycopg.connect(f"{pg_base}/postgres", autocommit=True) as conn:
        rows = conn.execute(r"SELECT datname FROM pg_database WHERE datname LIKE 'faults\_%'")
        return {row[0] for row in rows}


def seed_template(kind: str, tmp: Path, pg_base: str = PG_BASE) -> str | None:
    """Migrate and seed an instance once (run_all): drills then start from a copy of it.
    Returns the template database's name (PostgreSQL) or None (SQLite: the folder)."""
    name = f"faults_template_{os.getpid()}" if kind == "postgresql" else None
    if name:
        import psycopg

        with psycopg.connect(f"{pg_base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    saved = dict(os.environ)
    try:
        env = instance_env(kind, tmp, f"{pg_base}/{name}" if name else None, None)
        setup_instance(env)
        open_every_quiz(env["DATABASE_URL"])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return name


def open_every_quiz(url: str) -> None:
    """Drills pass quizzes before the last lesson (F3 completes the course with it), so no
    quiz waits for the lessons before it (`open_after_earlier`, on for final quizzes)."""
    from sqlalchemy import update

    from elearn import create_app
    from elearn.content.models import RevisionQuiz
    from elearn.core.db import unit_of_work
    from elearn.extensions import db

    # The URL is passed: the config classes read DATABASE_URL once, at their import.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), unit_of_work():
        db.session.execute(update(RevisionQuiz).values(open_after_earlier=False))
    with app.app_context():
        db.engine.dispose()


@contextmanager
def instance(
    kind: str, name: str, pg_base: str = PG_BASE, extra: dict[str, str] | None = None
) -> Iterator[Instance]:
    """A throw-away instance: PostgreSQL database `faults_<name>_<pid>` or a SQLite file.

    With FAULTS_TEMPLATE_DIR (and FAULTS_TEMPLATE_PG) set by run_all, the instance is a
    copy of an already seeded one; otherwise it is migrated and seeded here.
    """
    template_dir = os.environ.get(f"FAULTS_TEMPLATE_DIR_{kind.upper()}")
    template_pg = os.environ.get("FAULTS_TEMPLATE_PG") if pg_base == PG_BASE else None
    with tempfile.TemporaryDirectory(prefix=f"faults_{name}_") as tmp_name:
        tmp = Path(tmp_name)
        use_template = bool(template_dir) and (kind == "sqlite" or bool(template_pg))
        with database(
            kind, pg_base, f"faults_{name}_{os.getpid()}", template_pg if use_template else None
        ) as url:
            env = instance_env(kind, tmp, url, extra)
            started = time.monotonic()
            if use_template:
                shutil.copytree(str(template_dir), tmp, dirs_exist_ok=True)
                os.environ.update(env)
            else:
                setup_instance(env)
                open_every_quiz(env["DATABASE_URL"])
            inst = Instance(kind, env, tmp)
            inst.setup_seconds = PHASES["instance"] = time.monotonic() - started
            try:
                yield inst
            finally:
                began = time.monotonic()
                PHASES["drill"] = began - started - PHASES["instance"]
                inst.stop()
                # Close the drill's own connections so the database can be dropped.
                from elearn.extensions import db

                with inst.app.app_context():
                    db.engine.dispose()
                PHASES["stop"] = time.monotonic() - began
        if "stop" in PHASES:
            PHASES["drop"] = time.monotonic() - began - PHASES["stop"]


# --- learners -----------------------------------------------------------------------


def right_answers(attempt_id: int) -> dict[str, Any]:
    """The right response to every question of an attempt, in the attempt's option tokens
    (what a learner who knows the answers picks on the page); the test suite's helper."""
    from tests.answers import right_answers_of

    return right_answers_of(attempt_id)


def wrong_answers(attempt_id: int) -> dict[str, Any]:
    """A different answer to every question that has options (for "someone else's" input)."""
    from elearn.extensions import db
    from elearn.quiz import attempts as services
    from elearn.quiz.models import QuizAttempt

    attempt = db.session.get(QuizAttempt, attempt_id)
    answers: dict[str, Any] = {}
    for q in services.attempt_questions(attempt):
        p = q.parsed
        if p.qtype == "single":
            answers[str(q.id)] = q.to_token(next(o.id for o in p.options if o.fraction < 1))
        elif p.qtype == "truefalse":
            answers[str(q.id)] = not p.answer
        elif p.qtype == "short":
            answers[str(q.id)] = "không biết"
        elif p.qtype == "numeric":
            answers[str(q.id)] = -987654
    return answers


def form_fields(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The attempt page's fields for a set of answers (as the browser posts them)."""
    fields: list[tuple[str, str]] = []
    for qid, value in answers.items():
        if isinstance(value, dict):
            fields += [(f"q-{qid}-{left}", str(right)) for left, right in value.items()]
        elif isinstance(value, bool):
            fields.append((f"q-{qid}", "true" if value else "false"))
        elif isinstance(value, list):
            fields += [(f"q-{qid}", str(v)) for v in value]
        else:
            fields.append((f"q-{qid}", str(value)))
    return fields


def stored_answers(inst: Instance, attempt_id: int) -> dict[int, str]:
    """The attempt's saved responses as stored (JSON text), by question version id."""
    return {
        qid: json.dumps(response, sort_keys=True)
        for qid, response in inst.rows(
            "SELECT question_version_id, response FROM attempt_answers WHERE attempt_id = :a",
            a=attempt_id,
        )
    }


@dataclass
class Learner:
    id: int
    email: str


def prepare_learners(
    inst: Instance,
    prefix: str,
    count: int,
    *,
    skip_last_lesson: bool = False,
    pass_quizzes: tuple[str, ...] = (),
    lessons_done: int | None = None,
) -> list[Learner]:
    """Learners enrolled in the course, with its lessons done (all, all but the last, or
    the first `lessons_done`) and the named quizzes passed with the right answers, through
    the services."""
    from sqlalchemy import select

    from elearn.auth.models import User
    from elearn.content import structure
    from elearn.core.db import unit_of_work
    from elearn.extensions import db
    from elearn.learn import services as learn
    from elearn.quiz import attempts as quiz

    with inst.app.app_context():
        with unit_of_work():
            insert_learners(prefix, count)
        users = list(
            db.session.scalars(
                select(User).where(User.email.like(f"{prefix}%@bench.vn")).order_by(User.id)
            )
        )
        course = structure.published(SLUG)
        assert course is not None
        lessons = course.lessons[:-1] if skip_last_lesson else course.lessons
        if lessons_done is not None:
            lessons = course.lessons[:lessons_done]
        for user in users:
            with unit_of_work():
                user = db.session.get(User, user.id)
                learn.enroll_in_course(user, course)
                for lesson in lessons:
                    learn.complete_lesson(user.id, course, lesson)
                for key in pass_quizzes:
                    attempt, _started = quiz.start_attempt(user.id, course, course.quiz_by_key[key])
                    quiz.submit_attempt(attempt.id, user.id, right_answers(attempt.id))
        result = [Learner(u.id, u.email) for u in users]
        db.session.remove()
    return result


def quiz_id(inst: Instance, key: str = FINAL) -> int:
    """The stable id of one of the course's quizzes (other courses reuse the keys)."""
    from elearn.content import structure

    with inst.context():
        return structure.published(SLUG).quiz_by_key[key].id


def last_lesson_slug(inst: Instance) -> str:
    from elearn.content import structure

    with inst.context():
        return structure.published(SLUG).lessons[-1].slug


# --- the browser --------------------------------------------------------------------


class _Forms(HTMLParser):
    """Every form of a page: its action, hidden fields, and the answers it shows filled in
    (checked boxes, typed text, selected options) as (name, value) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "hidden": {}, "shown": set()})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name, value = a.get("name"), a.get("value") or ""
        if tag == "input" and name:
            kind = a.get("type") or "text"
            if kind == "hidden":
                form["hidden"][name] = value
            elif kind in ("radio", "checkbox"):
                if "checked" in a:
                    form["shown"].add((name, value))
            elif value:
                form["shown"].add((name, value))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in a and value:
            form["shown"].add((self.select, value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def forms_of(page: bytes) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(page.decode("utf-8", "replace"))
    return parser.forms


def form_to(page: bytes, action_part: str) -> dict[str, str]:
    """The hidden fields (csrf_token, version…) of the page's form posting to `action_part`
    (matched in the action's path: the language form's `?next=` names the page itself)."""
    for form in forms_of(page):
        if action_part in form["action"].split("?", 1)[0]:
            return dict(form["hidden"])
    raise AssertionError(f"no form posting to {action_part!r} on the page")


def shown_on(page: bytes, action_part: str) -> set[tuple[str, str]]:
    """The answers the page shows filled in, in the form posting to `action_part`."""
    for form in forms_of(page):
        if action_part in form["action"].split("?", 1)[0]:
            return set(form["shown"])
    raise AssertionError(f"no form posting to {action_part!r} on the page")


def flash_messages(page: bytes) -> list[str]:
    text = page.decode("utf-8", "replace")
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', text, re.S)
    ]


class Browser:
    """Cookies, one connection at a time, and the statuses it saw (0: connection failed).

    Never retries by itself: a browser does not resend a POST that got no answer.
    """

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None
        self.statuses: Counter = Counter()
        #: (monotonic time, status, method, path, traceback in the body) per request.
        self.log: list[tuple[float, int, str, str, bool]] = []

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        return self.conn

    def request(
        self,
        method: str,
        path: str,
        fields: list[tuple[str, str]] | dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            self.statuses[0] += 1
            self.log.append((time.monotonic(), 0, method, path, False))
            return 0, b"", {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        self.statuses[response.status] += 1
        self.log.append(
            (time.monotonic(), response.status, method, path, b"Traceback (most" in data)
        )
        return response.status, data, dict(response.headers)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def get(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        return self.request("GET", path)

    def post(
        self, path: str, fields: list[tuple[str, str]] | dict[str, str], **headers: str
    ) -> tuple[int, bytes, dict[str, str]]:
        return self.request(
            "POST", path, fields, {k.replace("_", "-"): v for k, v in headers.items()}
        )

    def follow(self, status: int, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        """GET the redirect target, as the browser does after a 302/303."""
        assert status in (301, 302, 303), status
        return self.get(path_of(headers["Location"]))

    def landing(
        self, status: int, headers: dict[str, str], limit: int = 4
    ) -> tuple[int, bytes, str]:
        """Follow redirects (at most `limit`) to the page the browser ends on, and its path."""
        page, path = b"", ""
        for _ in range(limit):
            if status not in (301, 302, 303):
                break
            path = path_of(headers["Location"])
            status, page, headers = self.get(path)
        return status, page, path

    def login(self, email: str, password: str = PASSWORD, next_path: str = "") -> str:
        """Log in through the form; returns where the login page sent the browser."""
        target = "/login" + (f"?{urlencode({'next': next_path})}" if next_path else "")
        status, page, _ = self.get(target)
        assert status == 200, status
        hidden = form_to(page, "")
        status, _, headers = self.post(target, {**hidden, "login": email, "password": password})
        assert status == 302, f"login of {email} answered {status}"
        return path_of(headers["Location"])

    def start_quiz(self, key: str = FINAL) -> int:
        """Open the quiz page, press "start" (or "continue"); returns the attempt id."""
        status, page, _ = self.get(f"/courses/{SLUG}/quizzes/{key}")
        assert status == 200, status
        hidden = form_to(page, "/start")
        status, page, headers = self.post(f"/courses/{SLUG}/quizzes/{key}/start", hidden)
        if status == 200:
            # Timed or attempt-limited: the page asks first, as it asks a learner.
            confirm = form_to(page, "/start")
            status, page, headers = self.post(f"/courses/{SLUG}/quizzes/{key}/start", confirm)
        assert status == 302, status
        return int(path_of(headers["Location"]).rstrip("/").rsplit("/", 1)[1])

    def attempt_form(self, attempt_id: int) -> dict[str, str]:
        """The attempt page's hidden fields (csrf_token, version)."""
        status, page, _ = self.get(f"/attempts/{attempt_id}")
        assert status == 200, status
        return form_to(page, f"/attempts/{attempt_id}/submit")

    def autosave(
        self, attempt_id: int, hidden: dict[str, str], answers: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """The page script's save: the whole form, X-Requested-With: fetch, JSON back."""
        status, body, _ = self.post(
            f"/attempts/{attempt_id}/save",
            list(hidden.items()) + form_fields(answers),
            X_Requested_With="fetch",
        )
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            data = {"html": True}
        if status == 200 and "version" in data:
            hidden["version"] = str(data["version"])
        return status, data

    def submit(
        self, attempt_id: int, hidden: dict[str, str], answers: dict[str, Any]
    ) -> tuple[int, bytes, dict[str, str]]:
        return self.post(
            f"/attempts/{attempt_id}/submit", list(hidden.items()) + form_fields(answers)
        )


def path_of(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def in_vietnamese(inst: Instance, message: str, **values: Any) -> str:
    """A message as the app shows it (Vietnamese, the default language)."""
    from flask_babel import force_locale, gettext

    with inst.app.test_request_context("/"), force_locale("vi"):
        return gettext(message, **values)


def run_threads(count: int, target: Callable[[int], None], timeout: float = 180) -> None:
    """`count` threads released together by a barrier; each gets its index."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the drill
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.1, deadline - time.monotonic()))
    if any(t.is_alive() for t in threads):
        raise RuntimeError(f"threads still running after {timeout:.0f} s")
    if errors:
        raise errors[0]


def merge_statuses(result: Result, browsers: list[Browser]) -> None:
    for b in browsers:
        result.statuses.update(b.statuses)


def tracebacks_in(inst: Instance) -> int:
    return inst.log_text().count("Traceback (most recent call last)")


# --- the command line ---------------------------------------------------------------


class AtTheFinalQuiz:
    """A learner logged in with an open attempt of the final quiz: the browser, the attempt,
    its form's hidden fields and the right answers (the starting point of F4, F6 and F8)."""

    def __init__(self, inst: Instance, email: str) -> None:
        self.browser = Browser(inst.port)
        self.browser.login(email)
        self.attempt_id = self.browser.start_quiz(FINAL)
        self.form = self.browser.attempt_form(self.attempt_id)
        with inst.context():
            self.answers = right_answers(self.attempt_id)


def main(name: str, run: Callable[[str], Result], kinds: tuple[str, ...]) -> None:
    """`python bench/faults/fN_….py [--db postgresql|sqlite] [--json]`."""
    parser = argparse.ArgumentParser(description=sys.modules["__main__"].__doc__)
    parser.add_argument("--db", choices=kinds, action="append")
    parser.add_argument("--json", action="store_true", help="one JSON line per run")
    opts = parser.parse_args()
    failed = False
    for kind in opts.db or list(kinds):
        started = time.monotonic()
        try:
            result = run(kind)
        except Exception as exc:  # noqa: BLE001 - a drill that breaks is a failed drill
            traceback.print_exc()
            result = Result(name, kind, error=f"{type(exc).__name__}: {exc}")
        result.seconds = time.monotonic() - started
        if PHASES:
            result.notes.append("seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in PHASES.items()))
            PHASES.clear()
        print(result.to_json() if opts.json else result.report(), flush=True)
        failed = failed or not result.passed
    sys.exit(1 if failed else 0)
