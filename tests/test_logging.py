"""The app's log (elearn.web.logs): JSON lines with a request id, no forged lines (S24)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from flask import request

from elearn import create_app
from elearn.web.logs import JsonLinesFormatter, JsonLinesHandler, request_id_from
from tests.conftest import PRODUCTION

FORGED = "2026-12-02 10:00:00 INFO elearn.audit login.succeeded user=1"


@pytest.fixture
def log_stream(app) -> Iterator[io.StringIO]:
    """What the app's own handler writes, in place of standard error."""
    handlers = [h for h in logging.getLogger("elearn").handlers if isinstance(h, JsonLinesHandler)]
    assert len(handlers) == 1
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(previous)


@pytest.fixture
def failing_app(tmp_path, monkeypatch):
    """An app that fails on every path under /fails, as an unexpected error in a view would
    (in a hook, so that a path no rule matches, as one with a newline, fails too)."""
    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {"ELEARN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"}
    )

    @app.before_request
    def fails():
        if request.path.startswith("/fails/"):
            raise RuntimeError("boom")

    return app


def _lines(stream: io.StringIO) -> list[dict]:
    text = stream.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_a_crlf_path_cannot_forge_a_second_line(failing_app, log_stream):
    path = "/fails/x%0d%0a" + FORGED.replace(" ", "%20") + "%0a%e2%80%a8%c2%85%1b[31m"
    response = failing_app.test_client().get(path)
    assert response.status_code == 500
    lines = _lines(log_stream)
    assert len(lines) == 1, log_stream.getvalue()
    (line,) = lines
    assert line["level"] == "ERROR" and line["logger"] == "elearn.web.errors"
    assert line["message"] == "Unhandled error"
    assert line["path"] == "/fails/x\r\n" + FORGED + "\n\u2028\u0085\x1b[31m"
    assert "RuntimeError: boom" in line["exception"]
    assert line["request_id"] == response.headers["X-Request-ID"]
    raw = log_stream.getvalue()
    for char in "\r\x00\u2028\u0085\x1b":
        assert char not in raw
    assert raw.count("\n") == 1


def test_a_login_with_crlf_cannot_forge_an_audit_line(client, make_user, log_stream):
    make_user(email="an@example.vn")
    response = client.post("/login", data={"login": "x\r\n" + FORGED, "password": "wrong"})
    assert response.status_code in (200, 400)
    lines = _lines(log_stream)
    assert any(line["logger"] == "elearn.audit" for line in lines)
    assert not any(line["message"].startswith(FORGED) for line in lines)
    assert log_stream.getvalue().count("\n") == len(lines)


def test_every_control_character_is_escaped():
    formatter = JsonLinesFormatter()
    every = "".join(map(chr, range(0x20))) + "\x7f" + "".join(map(chr, range(0x80, 0xA0)))
    every += "\u2028\u2029\u202e\u200f\ufeff"
    record = logging.LogRecord("elearn.test", logging.WARNING, __file__, 1, "%s", (every,), None)
    line = formatter.format(record)
    assert all(ch.isprintable() and ch not in "\u2028\u2029" for ch in line), repr(line)
    fields = json.loads(line)
    assert fields["message"] == every
    assert fields["time"].endswith("Z") and fields["level"] == "WARNING"


def test_vietnamese_stays_readable():
    record = logging.LogRecord("elearn.test", logging.INFO, __file__, 1, "Xin chào", (), None)
    assert '"message": "Xin chào"' in JsonLinesFormatter().format(record)


def test_request_id_is_taken_when_well_formed_and_returned(client, log_stream):
    response = client.get("/healthz", headers={"X-Request-ID": "abc123-proxy-id"})
    assert response.headers["X-Request-ID"] == "abc123-proxy-id"


@pytest.mark.parametrize("header", [None, "", "short", "x" * 200, "bad id with spaces", "é" * 10])
def test_a_malformed_request_id_is_replaced(client, header):
    headers = {"X-Request-ID": header} if header is not None else {}
    response = client.get("/healthz", headers=headers)
    rid = response.headers["X-Request-ID"]
    assert rid != header and len(rid) == 32 and int(rid, 16) >= 0


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_a_refused_request_has_an_id_too(client):
    response = client.get("/courses?q=%00")
    assert response.status_code == 400
    assert request_id_from(response.headers["X-Request-ID"]) == response.headers["X-Request-ID"]


def test_lines_logged_in_a_request_carry_its_id(app, client, make_user, log_stream):
    make_user(email="an@example.vn")
    response = client.post(
        "/login",
        data={"login": "an@example.vn", "password": "wrong"},
        headers={"X-Request-ID": "req-0001-abcdef"},
    )
    assert response.status_code in (200, 400)
    audit = [line for line in _lines(log_stream) if line["logger"] == "elearn.audit"]
    audit = [line for line in audit if "login." in line["message"]]
    assert audit and all(line["request_id"] == "req-0001-abcdef" for line in audit)
    assert all(line["path"] == "/login" and line["method"] == "POST" for line in audit)


def test_a_production_app_logs_json_lines_only_through_its_handler(monkeypatch, tmp_path):
    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    settings = {"SECRET_KEY": "k" * 48, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    app = create_app({**PRODUCTION, **settings})
    handlers = app.logger.handlers  # reading app.logger lets Flask add its default handler
    assert [type(h) for h in handlers] == [JsonLinesHandler]
    create_app({"ELEARN_ENV": "testing", **settings})
    assert len(logging.getLogger("elearn").handlers) == 1
