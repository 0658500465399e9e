"""Certificates through HTTP: dates in the configured zone, revocation and reinstatement,
the admin search (issue 7, items 14-16)."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from elearn.audit.models import AuditEvent
from elearn.certificates import services
from elearn.certificates.codes import format_code
from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.learn.models import Enrollment
from tests.conftest import committed

FIXTURES = Path(__file__).parent.parent / "fixtures" / "courses"
SLUG = "khoa-mau"
#: Completed at 23:30 UTC on 30 November: already 1 December (06:30) in Vietnam.
LATE_EVENING_UTC = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


@pytest.fixture
def mau(app):
    from elearn.content.sync import sync_from_dir

    with app.app_context():
        committed(sync_from_dir, FIXTURES)


def complete_course(app, client) -> str:
    """Complete khoa-mau through the pages; returns the certificate's code."""
    client.post(f"/courses/{SLUG}/enroll")
    for lesson in ("bai-mot", "bai-hai"):
        client.post(f"/courses/{SLUG}/lessons/{lesson}/complete")
    with app.app_context():
        return db.session.scalars(select(Certificate.code).order_by(Certificate.id.desc())).first()


def pdf_text(data: bytes) -> str:
    return unicodedata.normalize("NFC", PdfReader(io.BytesIO(data)).pages[0].extract_text())


def audit_details(app, event: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail).where(AuditEvent.event == event).order_by(AuditEvent.id)
            )
        )


# ----------------------------------------------------------------------------- item 14


def test_completion_at_2330_utc_is_dated_the_next_day_everywhere(
    app, mau, make_user, auth_client, admin_client
):
    client = auth_client(make_user(full_name="Nguyễn Thị Hoa"))
    code = complete_course(app, client)
    with app.app_context():
        db.session.execute(update(Enrollment).values(completed_at=LATE_EVENING_UTC))
        db.session.execute(update(Certificate).values(issued_at=LATE_EVENING_UTC))
        db.session.commit()

    pdf = client.get(f"/certificates/{code}.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    assert "ngày 01 tháng 12 năm 2026" in text and "30 tháng 11" not in text
    # The printed link and QR code come from ELEARN_BASE_URL, not the request's host.
    assert f"https://elearn.example.vn/verify/{code}" in text

    verify = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "1/12/2026" in verify and "30/11/2026" not in verify
    course_page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Hoàn thành ngày 1/12/2026." in course_page
    listing = admin_client.get("/admin/certificates", query_string={"q": code}).get_data(
        as_text=True
    )
    assert "1/12/2026" in listing

    english = app.test_client()
    english.post("/language", data={"lang": "en"})
    assert "Dec 1, 2026" in english.get(f"/verify/{code}").get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    assert "1 December 2026" in pdf_text(client.get(f"/certificates/{code}.pdf").data)


# ----------------------------------------------------------------------------- item 15


def revoke(admin_client, code: str, reason: str):
    asked = admin_client.post(f"/admin/certificates/{code}/revoke", data={"reason": reason})
    assert asked.status_code == 200 and "Thu hồi chứng nhận này?" in asked.get_data(as_text=True)
    return admin_client.post(
        f"/admin/certificates/{code}/revoke",
        data={"reason": reason, "confirm": "yes"},
        follow_redirects=True,
    )


def test_revoked_certificate_is_not_served_and_the_learner_is_told(
    app, mau, make_user, auth_client, admin_client
):
    client = auth_client(make_user(full_name="Nguyễn Thị Hoa"))
    code = complete_course(app, client)
    before = client.get(f"/certificates/{code}.pdf")
    assert before.status_code == 200

    done = revoke(admin_client, code, "Nộp bài hộ người khác")
    assert "Đã thu hồi chứng nhận." in done.get_data(as_text=True)

    refused = client.get(f"/certificates/{code}.pdf")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 410 and refused.mimetype == "text/html"
    assert "đã bị thu hồi" in page and "Nộp bài hộ người khác" in page
    for url in ("/dashboard", f"/courses/{SLUG}"):
        page = client.get(url).get_data(as_text=True)
        assert "Chứng nhận của bạn đã bị thu hồi" in page, url
        assert "Nộp bài hộ người khác" in page, url
        assert f"/certificates/{code}.pdf" not in page, url

    with app.app_context():
        revoked_at = db.session.scalar(select(Certificate.revoked_at))
    public = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "Chứng nhận này đã bị thu hồi" in public and "Nộp bài hộ người khác" in public
    vietnam = ZoneInfo("Asia/Ho_Chi_Minh")
    assert f"Thu hồi ngày {revoked_at.astimezone(vietnam):%-d/%-m/%Y}." in public
    api = app.test_client().get(f"/api/v1/certificates/{code}").json
    assert api["valid"] is False and api["revoked_reason"] == "Nộp bài hộ người khác"
    assert api["revoked_at"] == revoked_at.isoformat()

    [detail] = audit_details(app, "certificate.revoked")
    assert "before=valid" in detail and "after=revoked" in detail
    assert "Nộp bài hộ người khác" in detail

    # Reinstated: valid again, and the very same PDF as before.
    asked = admin_client.post(
        f"/admin/certificates/{code}/reinstate", data={"reason": "Đã xác minh lại"}
    )
    assert asked.status_code == 200
    assert "Khôi phục chứng nhận này?" in asked.get_data(as_text=True)
    assert client.get(f"/certificates/{code}.pdf").status_code == 410
    done = admin_client.post(
        f"/admin/certificates/{code}/reinstate",
        data={"reason": "Đã xác minh lại", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "Đã khôi phục chứng nhận" in done.get_data(as_text=True)
    after = client.get(f"/certificates/{code}.pdf")
    assert after.status_code == 200 and after.data == before.data
    assert "Chứng nhận hợp lệ" in app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert f"/certificates/{code}.pdf" in client.get("/dashboard").get_data(as_text=True)
    [detail] = audit_details(app, "certificate.reinstated")
    assert "Đã xác minh lại" in detail and "before=revoked" in detail
    assert "Nộp bài hộ người khác" in detail and "after=valid" in detail


def test_revoke_and_reinstate_are_refused_politely(
    app, mau, make_user, auth_client, admin_client, learner_client
):
    client = auth_client(make_user())
    code = complete_course(app, client)
    assert (
        learner_client.post(
            f"/admin/certificates/{code}/reinstate", data={"reason": "x", "confirm": "yes"}
        ).status_code
        == 403
    )
    valid = admin_client.post(
        f"/admin/certificates/{code}/reinstate",
        data={"reason": "x", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "không có gì để khôi phục" in valid.get_data(as_text=True)
    revoke(admin_client, code, "Sai tên")
    empty = admin_client.post(
        f"/admin/certificates/{code}/reinstate",
        data={"reason": "   ", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "Vui lòng nêu lý do khôi phục." in empty.get_data(as_text=True)
    again = admin_client.post(
        f"/admin/certificates/{code}/revoke",
        data={"reason": "Lần nữa", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "đã bị thu hồi trước đó" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Certificate.revoked_reason)) == "Sai tên"
    assert len(audit_details(app, "certificate.revoked")) == 1
    assert audit_details(app, "certificate.reinstated") == []
    assert (
        admin_client.post(
            "/admin/certificates/ABCDEFGHJKMN23/reinstate", data={"reason": "x"}
        ).status_code
        == 404
    )


# ----------------------------------------------------------------------------- item 16


def test_admin_search_ignores_diacritics_and_case_and_finds_partial_codes(
    app, mau, make_user, auth_client, admin_client
):
    hoa = complete_course(app, auth_client(make_user(full_name="Nguyễn Thị Hoa")))
    binh = complete_course(app, auth_client(make_user(full_name="Trần Văn Bình")))

    def found(term: str) -> set[str]:
        page = admin_client.get("/admin/certificates", query_string={"q": term})
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        return {code for code in (hoa, binh) if format_code(code) in text}

    for term in ("nguyen thi hoa", "NGUYỄN THỊ HOA", "Nguyễn Thị Hoa", "thi hoa", "NGUYEN"):
        assert found(term) == {hoa}, term
    assert found("binh") == {binh}
    assert found("đ%") == set() and found("_") == set()
    # A piece of the code, across a group boundary, with or without the dash, any case.
    for term in (hoa[4:12], f"{hoa[4:8]}-{hoa[8:12]}", hoa[4:12].lower(), format_code(hoa)):
        assert found(term) == {hoa}, term
    assert found("") == {hoa, binh}


def test_search_query_uses_the_stored_folded_name(app, mau, make_user, auth_client):
    complete_course(app, auth_client(make_user(full_name="Đặng Thị Hoà")))
    with app.app_context():
        assert db.session.scalar(select(Certificate.learner_name_folded)) == "dang thi hoa"
        sql = str(services.search_query("Hoà").compile())
        assert "learner_name_folded" in sql
        assert db.session.scalars(services.search_query("dang thi hoa")).one()


def test_admin_search_query_count_is_flat(app, mau, make_user, admin_client, count_queries):
    from elearn.content import structure

    with app.app_context():
        course_id = structure.published(SLUG).course_id

    def issue(n: int) -> None:
        for _ in range(n):
            user = make_user(full_name="Nguyễn Thị Hoa")
            with app.app_context():
                committed(services.issue_certificate, user.id, course_id)

    def measure() -> int:
        admin_client.get("/admin/certificates", query_string={"q": "nguyen"})  # warm up
        with count_queries() as statements:
            page = admin_client.get("/admin/certificates", query_string={"q": "nguyen"})
        assert page.status_code == 200
        return len(statements)

    issue(2)
    few = measure()
    issue(6)
    assert measure() == few
    with app.app_context():
        assert len(db.session.scalars(services.search_query("NGUYỄN")).all()) == 8
