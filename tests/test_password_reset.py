"""Password reset (S7): CSPRNG token, single use, short expiry, same answer for everyone."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from elearn.auth.models import PasswordResetToken
from elearn.core.time import utcnow
from elearn.extensions import db
from tests.conftest import PASSWORD

NEW = "một mật khẩu mới thật dài"


BASE_URL = "https://elearn.example.vn"  # TestingConfig.ELEARN_BASE_URL


def link_from(message) -> str:
    """The path of the reset link in a mail; the link must start with the configured base URL."""
    return re.search(re.escape(BASE_URL) + r"(/reset-password/\S+)", message.body).group(1)


def test_known_and_unknown_accounts_get_the_same_answer(app, client, make_user, outbox):
    make_user(email="an@example.vn")
    make_user(phone="0912345678")
    pages = []
    for login in ("an@example.vn", "khong-co@example.vn", "0912345678", "0999999999"):
        response = app.test_client().post("/forgot-password", data={"login": login})
        assert response.status_code == 200
        # Identical but for each session's own CSRF token.
        pages.append(
            re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
        )
    assert len(set(pages)) == 1
    assert "Kiểm tra email" in pages[0] or "email" in pages[0]
    assert len(outbox) == 1 and outbox[0].to == ["an@example.vn"]
    token = link_from(outbox[0]).rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, URL-safe: 256 bits


def test_reset_sets_the_password_once_and_ends_sessions(app, make_user, auth_client, outbox):
    user = make_user(email="an@example.vn")
    other_device = auth_client(user)
    app.test_client().post("/forgot-password", data={"login": "AN@example.vn"})
    link = link_from(outbox[0])
    client = app.test_client()
    assert client.get(link).status_code == 200
    weak = client.post(link, data={"new_password": "123"})
    assert weak.status_code == 400 and "ít nhất 8 ký tự" in weak.get_data(as_text=True)
    done = client.post(link, data={"new_password": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert other_device.get("/dashboard").status_code == 302
    assert (
        client.post("/login", data={"login": "an@example.vn", "password": PASSWORD}).status_code
        == 400
    )
    assert (
        client.post("/login", data={"login": "an@example.vn", "password": NEW}).status_code == 302
    )
    again = app.test_client().post(link, data={"new_password": "lại một mật khẩu khác dài"})
    assert again.status_code == 400
    assert "không còn hiệu lực" in again.get_data(as_text=True) or "đã được dùng" in again.get_data(
        as_text=True
    )
    assert app.test_client().get(link).status_code == 400


def test_expired_and_superseded_links_fail(app, make_user, outbox):
    make_user(email="an@example.vn")
    app.test_client().post("/forgot-password", data={"login": "an@example.vn"})
    app.test_client().post("/forgot-password", data={"login": "an@example.vn"})
    first, second = link_from(outbox[0]), link_from(outbox[1])
    assert app.test_client().post(first, data={"new_password": NEW}).status_code == 400
    with app.app_context():
        db.session.execute(
            update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert app.test_client().post(second, data={"new_password": NEW}).status_code == 400
    assert app.test_client().get("/reset-password/not-a-token").status_code == 400


def test_cli_reset_link_for_phone_accounts(app, runner, make_user):
    make_user(phone="0912345678")
    result = runner.invoke(args=["users", "reset-link", "0912 345 678"])
    assert result.exit_code == 0
    path = re.search(re.escape(BASE_URL) + r"(/reset-password/\S+)", result.output).group(1)
    assert app.test_client().post(path, data={"new_password": NEW}).status_code == 302
    client = app.test_client()
    assert client.post("/login", data={"login": "0912345678", "password": NEW}).status_code == 302
    assert runner.invoke(args=["users", "reset-link", "0999999999"]).exit_code == 1
    with app.app_context():
        assert db.session.scalar(select(PasswordResetToken.used_at)) is not None
    override = runner.invoke(
        args=["users", "reset-link", "0912345678", "--base-url", "https://lop.example.vn/"]
    )
    assert override.exit_code == 0
    assert override.output.startswith("https://lop.example.vn/reset-password/")


def test_reset_link_ignores_the_request_host(app, make_user, outbox):
    """A forged Host header is refused (400); a trusted one never reaches the mailed link."""
    make_user(email="an@example.vn")
    forged = app.test_client().post(
        "/forgot-password", data={"login": "an@example.vn"}, headers={"Host": "evil.example"}
    )
    assert forged.status_code == 400 and outbox == []
    response = app.test_client().post(
        "/forgot-password", data={"login": "an@example.vn"}, headers={"Host": "127.0.0.1"}
    )
    assert response.status_code == 200
    assert len(outbox) == 1
    link = re.search(r"https?://\S+", outbox[0].body).group(0)
    assert link.startswith(BASE_URL + "/reset-password/")
    assert app.test_client().get(link_from(outbox[0])).status_code == 200


def test_reset_mail_is_a_job_and_the_token_never_leaves_it(app, make_user, outbox):
    """The jobs row carries only the login; the token exists as a hash and in the mail."""
    from elearn.auth.sessions import token_hash
    from elearn.jobs.models import Job

    make_user(email="an@example.vn")
    app.test_client().post("/forgot-password", data={"login": "an@example.vn"})
    token = link_from(outbox[0]).rsplit("/", 1)[1]
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert (job.name, job.args, job.state) == (
            "auth.send_password_reset",
            {"login": "an@example.vn", "locale": "vi"},
            "done",
        )
        stored = db.session.scalar(select(PasswordResetToken.token_hash))
    assert stored == token_hash(token) and token not in str(job.args)
    # Unknown accounts enqueue the same job, which only audits (the same path in the request).
    app.test_client().post("/forgot-password", data={"login": "khong-co@example.vn"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 2
    assert len(outbox) == 1


def test_the_reset_mail_speaks_the_language_of_the_page(app, make_user, outbox):
    make_user(email="an@example.vn")
    app.test_client().post("/forgot-password", data={"login": "an@example.vn"})
    english = app.test_client()
    with english.session_transaction() as session:
        session["locale"] = "en"
    english.post("/forgot-password", data={"login": "an@example.vn"})
    assert [m.subject for m in outbox] == [
        "Đặt lại mật khẩu học trực tuyến OCOP",
        "Reset your OCOP e-learning password",
    ]
    assert outbox[1].body.startswith("Hello Nguyễn Văn An,")
