"""E-mail through Flask-Mailman (settings; the log in development) and links from the base URL."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import PRODUCTION


def _other_app(tmp_path, monkeypatch, **config):
    from elearn import create_app

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "MAIL_SERVER": None, "MAIL_BACKEND": None}
    return create_app({**settings, **config})


def test_mail_settings_map_onto_flask_mailman(tmp_path, monkeypatch):
    app = _other_app(
        tmp_path,
        monkeypatch,
        **PRODUCTION,
        MAIL_SERVER="smtp.example.vn",
        MAIL_PORT=2525,
        MAIL_USERNAME="elearn",
        MAIL_PASSWORD="mat-khau",
        MAIL_FROM="OCOP <hoc@example.vn>",
    )
    state = app.extensions["mailman"]
    assert (state.backend, state.server, state.port, state.use_tls) == (
        "smtp",
        "smtp.example.vn",
        2525,
        True,
    )
    assert (state.username, state.password, state.default_sender) == (
        "elearn",
        "mat-khau",
        "OCOP <hoc@example.vn>",
    )


def test_without_mail_server_development_logs_and_production_refuses(tmp_path, monkeypatch, caplog):
    from elearn.core.mail import MailNotConfigured, send_mail

    development = _other_app(tmp_path, monkeypatch, ELEARN_ENV="development")
    with development.app_context(), caplog.at_level(logging.INFO, logger="elearn.core.mail"):
        send_mail("an@example.vn", "Chào", "Nội dung thư")
    assert "an@example.vn" in caplog.text and "MAIL_SERVER is not set" in caplog.text
    production = _other_app(tmp_path, monkeypatch, **PRODUCTION)
    caplog.clear()
    with production.app_context(), pytest.raises(MailNotConfigured):
        send_mail("an@example.vn", "Chào", "https://x/reset-password/bí-mật")
    assert "bí-mật" not in caplog.text


def test_external_url_uses_the_configured_base_url_anywhere(app, monkeypatch):
    from elearn.web.urls import BaseUrlMissing, external_url

    with app.app_context():
        assert external_url("auth.reset_password", token="abc") == (
            "https://elearn.example.vn/reset-password/abc"
        )
        assert external_url("catalog.index", q="thương hiệu") == (
            "https://elearn.example.vn/courses?q=th%C6%B0%C6%A1ng+hi%E1%BB%87u"
        )
        assert external_url("main.index", _base="https://ocop.example.vn/hoc/") == (
            "https://ocop.example.vn/hoc/"
        )
        monkeypatch.setitem(app.config, "ELEARN_BASE_URL", None)
        with pytest.raises(BaseUrlMissing):
            external_url("main.index")
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        monkeypatch.setitem(app.config, "ELEARN_BASE_URL", "https://elearn.example.vn")
        assert external_url("main.index") == "https://elearn.example.vn/"
