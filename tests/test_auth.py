"""Accounts through the real pages: register, log in/out, profile, password (S1-S13)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from elearn.audit.models import AuditEvent
from elearn.auth.identity import normalize_phone
from elearn.auth.models import User, UserSession
from elearn.core.time import utcnow
from elearn.extensions import db
from tests.conftest import PASSWORD, PRODUCTION

GOOD = {
    "full_name": "Lò Văn Ánh",
    "login": "0912 345 678",
    "password": "mật khẩu dài lắm nhé",
    "learner_group": "household",
    "province_code": "14",
    "commune_code": "03847",
    "organisation": "HTX Chè Shan Tuyết",
    "product_group": "beverages",
}


def register(client, **changes):
    data = {**GOOD, **changes}
    return client.post("/register", data=data)


def login(client, login_name, password, **extra):
    return client.post("/login", data={"login": login_name, "password": password, **extra})


def user_by(app, **kw) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).filter_by(**kw))


@pytest.mark.parametrize(
    "raw",
    [
        "0912 345 678",
        "0912345678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "0912.345.678",
    ],
)
def test_phone_forms_normalise_to_one_account(raw):
    assert normalize_phone(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["012345", "0212345678", "+1 555 123 4567", "09123456789", "abc"])
def test_malformed_phones_are_rejected(raw):
    assert normalize_phone(raw) is None


def test_register_with_phone_logs_in_and_stores_profile(app, client):
    response = register(client, commune_code="03847")
    assert response.status_code == 302
    user = user_by(app, phone="+84912345678")
    assert user is not None and user.email is None
    assert user.password_hash.startswith("scrypt:")
    assert (user.province_code, user.commune_code) == ("14", "03847")
    assert user.learner_group == "household" and user.product_group == "beverages"
    assert client.get("/dashboard").status_code == 200


def test_register_with_email_is_case_insensitive(app, client):
    assert register(client, login="  Chi.Nguyen@Example.VN ").status_code == 302
    assert user_by(app, email="chi.nguyen@example.vn") is not None


def test_same_phone_in_another_form_is_a_duplicate(app, client):
    assert register(client).status_code == 302
    other = app.test_client()
    response = register(other, login="+84 912 345 678")
    assert response.status_code == 400
    assert "Số điện thoại này đã có tài khoản" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_duplicate_email_is_refused(client, make_user):
    make_user(email="an@example.vn")
    response = register(client, login="AN@example.vn")
    assert response.status_code == 400
    assert "Địa chỉ email này đã có tài khoản" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"login": "0123"}, "Nhập địa chỉ email hoặc số điện thoại di động"),
        ({"login": "not-an-email@"}, "Địa chỉ email không đúng"),
        ({"password": "ngan7ky"}, "ít nhất 8 ký tự"),
        ({"password": "password123"}, "quá phổ biến"),
        ({"password": "Password123"}, "quá phổ biến"),
        ({"full_name": ""}, "Vui lòng nhập họ và tên"),
        ({"learner_group": ""}, "Vui lòng chọn nhóm học viên"),
        ({"province_code": ""}, "Vui lòng chọn tỉnh hoặc thành phố"),
        ({"province_code": "99"}, "Vui lòng chọn tỉnh hoặc thành phố"),
        ({"commune_code": "00004"}, "không thuộc tỉnh đã chọn"),
        ({"commune_code": ""}, "Vui lòng chọn xã/phường/đặc khu"),
        ({"learner_group": "hacker"}, "Vui lòng chọn nhóm học viên"),
    ],
)
def test_bad_registration_input_gets_a_translated_error(app, client, changes, message):
    response = register(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_registration_shows_every_error_at_once(app, client):
    empty = {name: "" for name in GOOD}
    response = client.post("/register", data=empty)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in (
        "Vui lòng nhập họ và tên",
        "Vui lòng nhập địa chỉ email hoặc số điện thoại di động",
        "Vui lòng chọn mật khẩu",
        "Vui lòng chọn nhóm học viên",
        "Vui lòng chọn tỉnh hoặc thành phố",
        "Vui lòng chọn xã/phường/đặc khu",
    ):
        assert message in page, message
    # The service's own checks join the form's: a bad commune shows beside a missing name.
    response = register(client, full_name="", commune_code="00004")
    page = response.get_data(as_text=True)
    assert "Vui lòng nhập họ và tên" in page and "không thuộc tỉnh đã chọn" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_commune_is_required_for_producers_and_optional_for_officials(app, client):
    for group in ("household", "cooperative", "company_manager", "farm_owner", "other"):
        response = register(client, learner_group=group, commune_code="")
        assert response.status_code == 400, group
        assert "Vui lòng chọn xã/phường/đặc khu" in response.get_data(as_text=True)
    assert register(client, learner_group="program_official", commune_code="").status_code == 302
    user = user_by(app, phone="+84912345678")
    assert (user.learner_group, user.province_code, user.commune_code) == (
        "program_official",
        "14",
        None,
    )


def test_profile_of_a_producer_needs_a_commune(app, learner, learner_client):
    data = {"full_name": "Lò Thị Mai", "learner_group": "household", "province_code": "14"}
    response = learner_client.post("/profile", data=data)
    assert response.status_code == 400
    assert "Vui lòng chọn xã/phường/đặc khu" in response.get_data(as_text=True)
    data["learner_group"] = "program_official"
    assert learner_client.post("/profile", data=data).status_code == 302


def test_login_fields_do_not_force_the_email_keyboard(client):
    for url in ("/register", "/login"):
        page = client.get(url).get_data(as_text=True)
        field = re.search(r'<input[^>]*id="login"[^>]*>', page).group(0)
        assert 'inputmode="text"' in field and 'autocomplete="username"' in field, url
        assert 'type="text"' in field and "email" not in field.split("autocomplete")[0], url


def test_password_fields_offer_a_show_password_toggle_to_scripts_only(client):
    page = client.get("/register").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="password"[^>]*>', page).group(0)
    assert "data-show-password" in field
    # The button itself is made by elearn.js: without JavaScript there is nothing to press.
    assert "<button" not in page.split('id="password"')[1].split("</div>")[0]


def test_long_unicode_password_with_spaces_is_kept_exactly(app, client):
    password = "  Mật khẩu có dấu cách ở hai đầu và rất dài, dài tới sáu mươi tư! "[:64]
    assert len(password) == 64
    assert register(client, password=password).status_code == 302
    client.post("/logout")
    assert login(client, "0912345678", password).status_code == 302
    fresh = app.test_client()
    assert login(fresh, "0912345678", password.strip()).status_code == 400


def test_refresh_button_shows_communes_without_javascript(client):
    response = client.post("/register", data={**GOOD, "action": "refresh"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Xã Mường Bú" in page
    assert 'class="error"' not in page


def test_login_with_any_phone_form_and_wrong_password_is_generic(client, make_user):
    make_user(phone="0987654321")
    assert login(client, "+84 987 654 321", PASSWORD).status_code == 302
    other = client.application.test_client()
    wrong_password = login(other, "0987654321", "wrong password here")
    unknown_user = login(other, "0911111111", PASSWORD)
    for response in (wrong_password, unknown_user):
        assert response.status_code == 400
        assert "Sai thông tin đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)


def test_login_rotates_session_cookie_and_sets_flags(app, make_user):
    make_user(email="an@example.vn")
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("elearn_session")
    response = login(client, "an@example.vn", PASSWORD)
    after = client.get_cookie("elearn_session")
    assert after is not None and (before is None or before.value != after.value)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_kills_a_copied_cookie_server_side(app, make_user):
    make_user(email="an@example.vn")
    client = app.test_client()
    login(client, "an@example.vn", PASSWORD)
    stolen = client.get_cookie("elearn_session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("elearn_session", stolen)
    response = thief.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_by_get_is_not_allowed(learner_client):
    assert learner_client.get("/logout").status_code == 405
    assert learner_client.get("/dashboard").status_code == 200


def test_deactivated_account_loses_its_sessions(app, runner, learner, learner_client):
    assert learner_client.get("/dashboard").status_code == 200
    result = runner.invoke(args=["users", "deactivate", learner.email])
    assert result.exit_code == 0, result.output
    assert learner_client.get("/dashboard").status_code == 302
    assert login(app.test_client(), learner.email, PASSWORD).status_code == 400


def test_password_change_needs_current_password_and_ends_other_sessions(app, learner, auth_client):
    first, second = auth_client(learner), auth_client(learner)
    bad = first.post(
        "/password",
        data={"current_password": "nope nope nope", "new_password": "một câu mới rất dài"},
    )
    assert bad.status_code == 400
    assert "Mật khẩu hiện tại không đúng" in bad.get_data(as_text=True)
    missing = first.post("/password", data={"new_password": "một câu mới rất dài"})
    assert missing.status_code == 400
    common = first.post(
        "/password", data={"current_password": PASSWORD, "new_password": "iloveyou123"}
    )
    assert common.status_code == 400
    ok = first.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "một câu mới rất dài",
            "end_other_sessions": "y",
        },
    )
    assert ok.status_code == 302
    assert first.get("/dashboard").status_code == 200
    assert second.get("/dashboard").status_code == 302
    assert login(app.test_client(), learner.email, "một câu mới rất dài").status_code == 302


def test_idle_and_absolute_timeouts_end_sessions(app, learner, auth_client):
    client = auth_client(learner)
    with app.app_context():
        row = db.session.scalars(select(UserSession)).one()
        row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
        db.session.commit()
    assert client.get("/dashboard").status_code == 302
    client = auth_client(learner, remember=True)
    with app.app_context():
        row = db.session.scalars(select(UserSession).where(UserSession.remember.is_(True))).one()
        assert row.expires_at - row.created_at == timedelta(
            days=app.config["REMEMBER_ABSOLUTE_DAYS"]
        )
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_activity_keeps_a_session_alive_at_most_one_write_a_minute(app, learner, auth_client):
    client = auth_client(learner)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    with app.app_context():
        row = db.session.scalars(select(UserSession)).one()
        row.last_seen_at = utcnow() - idle + timedelta(minutes=1)
        db.session.commit()
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        touched = db.session.scalars(select(UserSession)).one().last_seen_at
    assert utcnow() - touched < timedelta(seconds=30)
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(UserSession)).one().last_seen_at == touched


def test_throttle_per_account_and_ip_without_hashing(app, make_user, monkeypatch):
    make_user(email="an@example.vn")
    make_user(email="binh@example.vn")
    client = app.test_client()
    for _ in range(5):
        assert login(client, "an@example.vn", "wrong password!").status_code == 400
    calls = []
    import elearn.auth.services as services

    real = services.verify_password
    monkeypatch.setattr(services, "verify_password", lambda h, p: calls.append(1) or real(h, p))
    throttled = login(client, "an@example.vn", PASSWORD)
    assert throttled.status_code == 429
    assert "Quá nhiều lần đăng nhập sai" in throttled.get_data(as_text=True)
    assert calls == []
    # Another account from the same address, and the same account from another address, still work.
    assert login(app.test_client(), "binh@example.vn", PASSWORD).status_code == 302
    other_ip = app.test_client()
    response = other_ip.post(
        "/login",
        data={"login": "an@example.vn", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302


def test_rehash_on_login_when_cost_rises(app, make_user):
    make_user(email="an@example.vn")
    old = user_by(app, email="an@example.vn").password_hash
    assert old.startswith("scrypt:1024:")
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:2048:8:1"
    try:
        assert login(app.test_client(), "an@example.vn", PASSWORD).status_code == 302
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"
    assert user_by(app, email="an@example.vn").password_hash.startswith("scrypt:2048:8:1$")


def test_production_default_hash_cost_is_owasp_minimum():
    from elearn.config import ProductionConfig

    assert ProductionConfig.PASSWORD_HASH_METHOD == "scrypt:131072:8:1"


def test_logins_are_audited_without_passwords_and_crlf_is_escaped(app, make_user):
    make_user(email="an@example.vn")
    client = app.test_client()
    login(client, "an@example.vn", PASSWORD)
    login(app.test_client(), "evil\r\nlogin.succeeded user=1", "secret-typed-password")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    kinds = [e.event for e in events]
    assert "login.succeeded" in kinds and "login.failed" in kinds
    failed = [e for e in events if e.event == "login.failed"][0]
    assert "\r" not in failed.subject and "\n" not in failed.subject
    assert "\\x0d\\x0a" in failed.subject
    assert all("secret-typed-password" not in (e.subject + e.detail) for e in events)
    assert all(e.at.tzinfo is not None for e in events)


def test_profile_edit_and_errors(app, learner, learner_client):
    page = learner_client.get("/profile")
    assert page.status_code == 200 and "hocvien@example.vn" in page.get_data(as_text=True)
    bad = learner_client.post(
        "/profile", data={"full_name": "", "learner_group": "cooperative", "province_code": "14"}
    )
    assert bad.status_code == 400
    assert user_by(app, id=learner.id).full_name == "Lò Thị Mai"
    ok = learner_client.post(
        "/profile",
        data={
            "full_name": "Lò Thị Mai Anh",
            "learner_group": "cooperative",
            "province_code": "14",
            "commune_code": "03847",
            "organisation": "HTX Mường Bú",
            # role and id are not form fields: they must be ignored (no mass assignment)
            "role": "admin",
            "id": "999",
        },
    )
    assert ok.status_code == 302
    user = user_by(app, id=learner.id)
    assert (user.full_name, user.role, user.commune_code) == ("Lò Thị Mai Anh", "learner", "03847")


def test_forms_reject_missing_csrf_token(app, make_user):
    make_user(email="an@example.vn")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        assert login(client, "an@example.vn", PASSWORD).status_code == 400
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        ok = login(client, "an@example.vn", PASSWORD, csrf_token=token)
        assert ok.status_code == 302
        assert client.post("/logout").status_code == 400
        assert client.get("/dashboard").status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_safe_next_redirect(app, make_user):
    make_user(email="an@example.vn")
    evil = app.test_client().post(
        "/login?next=//evil.example/x", data={"login": "an@example.vn", "password": PASSWORD}
    )
    assert evil.headers["Location"] == "/dashboard"
    good = app.test_client().post(
        "/login?next=/courses", data={"login": "an@example.vn", "password": PASSWORD}
    )
    assert good.headers["Location"] == "/courses"


def test_no_default_accounts_and_cli_creates_admin(app, runner):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "boss@example.vn",
            "--name",
            "Quản trị",
            "--role",
            "admin",
            "--password",
            "một mật khẩu quản trị dài",
        ]
    )
    assert result.exit_code == 0, result.output
    assert user_by(app, email="boss@example.vn").role == "admin"
    weak = runner.invoke(
        args=["users", "create", "--phone", "0912000111", "--name", "X", "--password", "123"]
    )
    assert weak.exit_code == 1 and "password" in weak.output


def test_demo_is_refused_in_production(monkeypatch, tmp_path):
    from elearn import create_app

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    app = create_app({**PRODUCTION, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1 and "Refused" in result.output


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    from elearn import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({**PRODUCTION, "SECRET_KEY": None})
