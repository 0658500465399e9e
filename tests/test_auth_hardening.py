"""Issue 7, items 1, 2, 3, 6 and 8: hosts and links, throttles, tokens, audit of refused access."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from elearn.audit.models import AuditEvent
from elearn.auth.models import ApiToken, User
from elearn.extensions import db
from tests.conftest import PASSWORD, PRODUCTION, committed

BASE_URL = "https://elearn.example.vn"  # TestingConfig.ELEARN_BASE_URL
NEW = "một mật khẩu mới thật dài"


def login(client, login_name, password, ip="127.0.0.1"):
    return client.post(
        "/login",
        data={"login": login_name, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def mint(client, login_name, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"login": login_name, "password": password})


def audit_count(app, event: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.event == event)
        )


@pytest.fixture
def hashes(monkeypatch) -> list[int]:
    """Counts the password verifications the auth services run."""
    import elearn.auth.services as services

    calls: list[int] = []
    real = services.verify_password
    monkeypatch.setattr(services, "verify_password", lambda h, p: calls.append(1) or real(h, p))
    return calls


# ----------------------------------------------------------------- 1. hosts and links


def test_an_untrusted_host_gets_a_plain_translated_400_and_no_mail(app, make_user, outbox):
    from elearn.jobs.models import Job

    make_user(email="an@example.vn")
    client = app.test_client()
    page = client.get("/login", headers={"Host": "evil.example"})
    body = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "không thuộc trang học trực tuyến OCOP" in body and "Traceback" not in body
    forged = client.post(
        "/forgot-password", data={"login": "an@example.vn"}, headers={"Host": "evil.example"}
    )
    assert forged.status_code == 400
    assert outbox == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    # A trusted name other than the base URL's still mails the configured base URL.
    ok = client.post(
        "/forgot-password", data={"login": "an@example.vn"}, headers={"Host": "127.0.0.1"}
    )
    assert ok.status_code == 200
    assert BASE_URL + "/reset-password/" in outbox[0].body and "127.0.0.1" not in outbox[0].body


def test_a_forwarded_host_behind_the_proxy_is_checked_too(monkeypatch, tmp_path):
    from elearn import create_app

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    app = create_app({"ELEARN_ENV": "testing", "PROXY_FIX_X_FOR": 1})
    response = app.test_client().get("/login", headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 400


def test_production_needs_a_base_url_and_redis_and_trusts_only_its_host(monkeypatch, tmp_path):
    from elearn import create_app

    monkeypatch.setenv("ELEARN_INSTANCE_PATH", str(tmp_path))
    settings = {**PRODUCTION, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with pytest.raises(RuntimeError, match="ELEARN_BASE_URL"):
        create_app({**settings, "ELEARN_BASE_URL": None})
    with pytest.raises(RuntimeError, match="ELEARN_BASE_URL"):
        create_app({**settings, "ELEARN_BASE_URL": "hoc.example.vn"})
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app({**settings, "REDIS_URL": None})
    app = create_app(settings)
    assert app.config["TRUSTED_HOSTS"] == ["hoc.example.vn"]
    client = app.test_client()
    assert client.get("/login", base_url="https://evil.example").status_code == 400
    assert client.get("/login", base_url="https://hoc.example.vn").status_code == 200
    listed = create_app({**settings, "TRUSTED_HOSTS": ["hoc.example.vn", "ocop.example.vn"]})
    assert listed.test_client().get("/login", base_url="https://ocop.example.vn").status_code == 200


def test_trusted_hosts_setting_reads_a_comma_separated_list(monkeypatch):
    from elearn.config import _list

    monkeypatch.setenv("ELEARN_TRUSTED_HOSTS", " hoc.example.vn, .ocop.vn ,")
    assert _list("ELEARN_TRUSTED_HOSTS") == ["hoc.example.vn", ".ocop.vn"]
    monkeypatch.setenv("ELEARN_TRUSTED_HOSTS", "")
    assert _list("ELEARN_TRUSTED_HOSTS") is None


def test_the_certificate_qr_link_comes_from_the_base_url(app, courses, learner, learner_client):
    from elearn.certificates.models import Certificate
    from elearn.certificates.services import issue_certificate
    from elearn.content.models import Course

    with app.app_context():
        course_id = db.session.scalars(select(Course.id)).first()
    with app.app_context():
        assert committed(issue_certificate, learner.id, course_id)
        code = db.session.scalar(select(Certificate.code))
    pdf = learner_client.get(f"/certificates/{code}.pdf")
    assert pdf.status_code == 200
    page = PdfReader(io.BytesIO(pdf.data)).pages[0]
    uris = [annot.get_object()["/A"]["/URI"] for annot in page.get("/Annots", [])]
    assert uris and set(uris) == {f"{BASE_URL}/verify/{code}"}


# ----------------------------------------------------------------- 2. login throttle


def test_every_spelling_of_a_phone_counts_against_one_account(app, make_user, hashes):
    make_user(phone="0912345678")
    make_user(email="binh@example.vn")
    client = app.test_client()
    for spelling in ("0912345678", "0912 345 678", "+84912345678", "09  12345678", "84912345678"):
        assert login(client, spelling, "wrong password!").status_code == 400
    hashes.clear()
    throttled = login(client, "+84 912 345 678", PASSWORD)
    assert throttled.status_code == 429
    assert "Quá nhiều lần đăng nhập sai" in throttled.get_data(as_text=True)
    assert hashes == []
    # Another account's correct password from the same (shared NAT) address still works,
    # and so does this account from another address.
    assert login(app.test_client(), "binh@example.vn", PASSWORD).status_code == 302
    assert login(app.test_client(), "0912345678", PASSWORD, ip="10.9.8.7").status_code == 302


def test_an_email_in_other_case_or_spacing_is_the_same_account(app, make_user):
    make_user(email="an@example.vn")
    client = app.test_client()
    for spelling in (
        "an@example.vn",
        "AN@example.vn",
        " An@Example.VN",
        "an@EXAMPLE.vn ",
        "AN@EXAMPLE.VN",
    ):
        login(client, spelling, "wrong password!")
    assert login(client, "an@example.vn", PASSWORD).status_code == 429


def test_the_per_ip_rule_is_looser_and_longer_and_spares_other_addresses(app, make_user):
    from limits import parse_many

    per_account_ip = parse_many(app.config["LOGIN_FAILURES_PER_ACCOUNT_IP"])[0]
    per_ip = parse_many(app.config["LOGIN_FAILURES_PER_IP"])[0]
    assert per_ip.amount > per_account_ip.amount
    assert per_ip.get_expiry() > per_account_ip.get_expiry()
    # The per-IP rule itself, made small for the test: failures on several accounts.
    app.config["LOGIN_FAILURES_PER_IP"] = "6 per hour"
    try:
        for name in ("an", "binh", "chi"):
            make_user(email=f"{name}@example.vn")
        client = app.test_client()
        for name in ("an", "binh", "an", "binh", "an", "binh"):
            assert login(client, f"{name}@example.vn", "wrong password!").status_code == 400
        assert login(client, "chi@example.vn", PASSWORD).status_code == 429
        assert login(client, "chi@example.vn", PASSWORD, ip="10.9.8.7").status_code == 302
    finally:
        app.config["LOGIN_FAILURES_PER_IP"] = "100 per hour"


# ----------------------------------------------------------------- 3. tokens end with the password


def test_logging_out_other_devices_ends_api_tokens_too(app, learner, auth_client):
    token = mint(app.test_client(), learner.email).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    assert client.get("/api/v1/me/progress", headers=headers).status_code == 200
    browser = auth_client(learner)
    page = browser.get("/password").get_data(as_text=True)
    assert "Đăng xuất trên các thiết bị và ứng dụng khác của tôi" in page
    assert "mọi mã truy cập API của tài khoản sẽ ngừng hoạt động" in page
    changed = browser.post(
        "/password",
        data={"current_password": PASSWORD, "new_password": NEW, "end_other_sessions": "y"},
    )
    assert changed.status_code == 302
    assert client.get("/api/v1/me/progress", headers=headers).status_code == 401
    assert browser.get("/dashboard").status_code == 200


def test_keeping_other_devices_keeps_api_tokens(app, learner, auth_client):
    token = mint(app.test_client(), learner.email).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    changed = auth_client(learner).post(
        "/password", data={"current_password": PASSWORD, "new_password": NEW}
    )
    assert changed.status_code == 302
    assert app.test_client().get("/api/v1/me/progress", headers=headers).status_code == 200


# ----------------------------------------------------------------- 6. limits on hashing


def test_successful_logins_are_limited_per_account_before_the_hash(app, make_user, hashes):
    make_user(email="an@example.vn")
    make_user(email="binh@example.vn")
    for _ in range(10):
        assert login(app.test_client(), "an@example.vn", PASSWORD).status_code == 302
    hashes.clear()
    refused = login(app.test_client(), "AN@example.vn", PASSWORD, ip="10.9.8.7")
    assert refused.status_code == 429
    assert "Đăng nhập vào tài khoản này quá nhiều lần" in refused.get_data(as_text=True)
    assert hashes == []
    assert login(app.test_client(), "binh@example.vn", PASSWORD).status_code == 302
    assert audit_count(app, "login.throttled") == 1


def test_token_minting_is_limited_per_account(app, make_user, hashes):
    make_user(email="an@example.vn")
    client = app.test_client()
    for _ in range(5):
        assert mint(client, "an@example.vn").status_code == 201
    hashes.clear()
    refused = mint(client, " An@example.vn")
    assert refused.status_code == 429 and refused.json["error"]["code"] == "too_many_requests"
    assert hashes == []
    # Web logins have their own budget.
    assert login(client, "an@example.vn", PASSWORD).status_code == 302


def test_live_tokens_are_capped_and_the_oldest_revoked(app, make_user):
    user = make_user(email="an@example.vn")
    app.config["API_TOKENS_MAX"] = 3
    try:
        tokens = [mint(app.test_client(), "an@example.vn").json["token"] for _ in range(5)]
    finally:
        app.config["API_TOKENS_MAX"] = 5
    client = app.test_client()
    statuses = [
        client.get("/api/v1/me/progress", headers={"Authorization": f"Bearer {t}"}).status_code
        for t in tokens
    ]
    assert statuses == [401, 401, 200, 200, 200]
    with app.app_context():
        live = db.session.scalar(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    assert live == 3
    assert audit_count(app, "api_token.issued") == 5


def test_the_current_password_check_is_throttled(app, learner, auth_client, hashes):
    client = auth_client(learner)
    for _ in range(5):
        wrong = client.post(
            "/password", data={"current_password": "đoán mò thôi", "new_password": NEW}
        )
        assert wrong.status_code == 400
    hashes.clear()
    refused = client.post("/password", data={"current_password": PASSWORD, "new_password": NEW})
    assert refused.status_code == 429
    assert "Nhập sai mật khẩu hiện tại quá nhiều lần" in refused.get_data(as_text=True)
    assert hashes == []
    assert audit_count(app, "password.change_throttled") == 1
    assert login(app.test_client(), learner.email, PASSWORD).status_code == 302


# ----------------------------------------------------------------- 8. timing and audit


def test_reset_requests_take_the_same_path_for_every_login(app, make_user, outbox):
    """One audit row and one job per request, account or not; only the job tells them apart."""
    from elearn.jobs.models import Job

    make_user(email="an@example.vn")
    make_user(phone="0912345678")
    logins = ["an@example.vn", "khong-co@example.vn", "0912345678", "không phải gì cả"]
    for typed in logins:
        assert app.test_client().post("/forgot-password", data={"login": typed}).status_code == 200
    with app.app_context():
        jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
        assert [(j.name, sorted(j.args), j.state) for j in jobs] == [
            ("auth.send_password_reset", ["locale", "login"], "done")
        ] * 4
        assert [j.args["login"] for j in jobs] == [
            "an@example.vn",
            "khong-co@example.vn",
            "+84912345678",
            "",
        ]
    assert audit_count(app, "password.reset_asked") == 4
    assert audit_count(app, "password.reset_unknown") == 3
    assert [m.to for m in outbox] == [["an@example.vn"]]


def test_refused_access_to_anothers_certificate_is_audited_and_rate_limited(
    app, courses, make_user, auth_client
):
    from elearn.certificates.models import Certificate
    from elearn.certificates.services import issue_certificate
    from elearn.content.models import Course

    owner = make_user(email="an@example.vn")
    other = make_user(email="binh@example.vn")
    with app.app_context():
        course_id = db.session.scalars(select(Course.id)).first()
        committed(issue_certificate, owner.id, course_id)
        code = db.session.scalar(select(Certificate.code))
    client = auth_client(other)
    for _ in range(25):
        assert client.get(f"/certificates/{code}.pdf").status_code == 404
    assert client.get("/certificates/ABCDEFGHJKMN23.pdf").status_code == 404
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == "access.denied")
        ).all()
    assert len(rows) == 20  # AUDIT_DENIED_PER_USER
    assert {(r.user_id, r.subject, r.detail) for r in rows} == {
        (other.id, f"certificate {code}", f"owner={owner.id}")
    }
    assert auth_client(owner).get(f"/certificates/{code}.pdf").status_code == 200


def test_refused_access_to_anothers_attempt_is_audited(app, make_user, auth_client):
    from elearn.content.models import Quiz
    from elearn.content.sync import sync_from_dir
    from tests.test_quiz import FIXTURES, SLUG

    with app.app_context():
        committed(sync_from_dir, FIXTURES)
        quiz_id = db.session.scalars(select(Quiz.id).where(Quiz.key == "kiem-tra-nhanh")).first()
    owner = make_user(email="an@example.vn")
    other = make_user(email="binh@example.vn")
    api = app.test_client()
    token = mint(api, owner.email).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.post(f"/api/v1/courses/{SLUG}/enrollment", headers=headers).status_code == 201
    started = api.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers)
    assert started.status_code == 201
    attempt_id = started.json["attempt_id"]
    thief = auth_client(other)
    assert thief.get(f"/attempts/{attempt_id}").status_code == 404
    other_token = mint(app.test_client(), other.email).json["token"]
    stolen = app.test_client().get(
        f"/api/v1/attempts/{attempt_id}", headers={"Authorization": f"Bearer {other_token}"}
    )
    assert stolen.status_code == 404
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == "access.denied")
        ).all()
    assert [(r.user_id, r.subject) for r in rows] == [(other.id, f"attempt {attempt_id}")] * 2


def _signup(client, phone: str, ip: str):
    return client.post(
        "/register",
        data={
            "full_name": "Lò Văn Ánh",
            "login": phone,
            "password": "mật khẩu dài lắm nhé",
            "learner_group": "household",
            "province_code": "14",
            "commune_code": "03847",
        },
        environ_base={"REMOTE_ADDR": ip},
    )


def test_sign_ups_are_limited_per_address_and_per_network(app):
    phones = iter(f"09{n:08d}" for n in range(12345000, 12345100))
    for _ in range(10):
        assert _signup(app.test_client(), next(phones), "10.1.2.3").status_code == 302
    refused = _signup(app.test_client(), next(phones), "10.1.2.3")
    assert refused.status_code == 429
    assert "Có quá nhiều tài khoản được tạo từ mạng này" in refused.get_data(as_text=True)
    for _ in range(10):
        assert _signup(app.test_client(), next(phones), "10.1.2.4").status_code == 302
    # The /24 has made 20 accounts this hour: a third address in it is refused too.
    assert _signup(app.test_client(), next(phones), "10.1.2.5").status_code == 429
    assert _signup(app.test_client(), next(phones), "10.1.3.5").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 21
    assert audit_count(app, "user.register_throttled") == 2


def test_network_of_an_address():
    from elearn.auth.throttle import network_of

    assert network_of("203.113.7.9") == "203.113.7.0/24"
    assert network_of("2001:ee0:4f1:12::9") == "2001:ee0:4f1:12::/64"
    assert network_of("") == ""


def test_sign_up_form_submissions_are_limited_whatever_their_outcome(app, make_user):
    make_user(phone="0912345678")
    app.config["SIGNUP_POSTS_PER_IP"] = "3 per hour"
    try:
        client = app.test_client()
        for _ in range(3):
            # An existing login: refused, but each answer tells a prober something.
            assert _signup(client, "0912 345 678", "10.1.2.3").status_code == 400
        assert _signup(client, "0912 345 678", "10.1.2.3").status_code == 429
        assert _signup(client, "0912 345 678", "10.1.2.4").status_code == 400
    finally:
        app.config["SIGNUP_POSTS_PER_IP"] = "60 per hour"
