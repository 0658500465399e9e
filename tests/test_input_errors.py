"""Inputs that used to be 500s: each is now a clear 4xx or a friendly message (issue 7, item 7).

Deeply nested JSON is in tests/test_boundary.py (the boundary bounds every JSON body).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.quiz.models import AttemptAnswer
from tests.conftest import PASSWORD, draw_everything
from tests.test_quiz import SLUG, api, enrol_and_read, form_data, right_answers

__all__ = ["api"]  # a fixture used below


def _started_with_matching(app, api, quiz_course):
    enrol_and_read(api, app)
    draw_everything(app, SLUG, "cuoi-khoa")
    started = api.post(f"/quizzes/{quiz_course['cuoi-khoa']}/attempts").json
    matching = next(q for q in started["questions"] if q["type"] == "matching")
    return started["attempt_id"], matching


@pytest.mark.parametrize("value", [["t-1"], {"x": "y"}, [], {}, [None], 3])
def test_a_matching_answer_whose_values_are_lists_or_objects_is_400(app, api, quiz_course, value):
    attempt_id, matching = _started_with_matching(app, api, quiz_course)
    left = matching["options"]["left"][0]["id"]
    answers = {str(matching["id"]): {left: value}}
    for method, url in [
        (api.put, f"/attempts/{attempt_id}/answers"),
        (api.post, f"/attempts/{attempt_id}/submission"),
    ]:
        response = method(url, json={"answers": answers})
        assert response.status_code == 400, (url, value)
        assert response.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0


def test_a_matching_answer_keyed_by_a_list_like_text_is_400(app, api, quiz_course):
    attempt_id, matching = _started_with_matching(app, api, quiz_course)
    answers = {str(matching["id"]): {"['a']": "t-1"}}
    response = api.put(f"/attempts/{attempt_id}/answers", json={"answers": answers})
    assert response.status_code == 400


@pytest.mark.parametrize("version", ["²", "١", "𝟙", "99999999999999999999", "-1", " 1"])
def test_a_quiz_form_with_an_odd_version_is_not_a_500(
    app, api, client, learner, quiz_course, version
):
    from tests.conftest import login_client

    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    answers = right_answers(app, attempt_id)
    browser = login_client(app, learner)
    data = form_data(answers)
    data["version"] = version
    fetch = {"X-Requested-With": "fetch"}  # the page's autosave
    saved = browser.post(f"/attempts/{attempt_id}/save", data=data, headers=fetch)
    assert saved.status_code == 400, saved.status
    assert saved.json["error"]["message"]
    submitted = browser.post(f"/attempts/{attempt_id}/submit", data=data)
    assert submitted.status_code == 303, submitted.status
    assert submitted.headers["Location"].endswith(f"/attempts/{attempt_id}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0
    # The same form with a good version is saved: nothing was lost on the way.
    data["version"] = "0"
    assert browser.post(f"/attempts/{attempt_id}/save", data=data, headers=fetch).json["saved"]


@pytest.mark.parametrize("version", [2**31, 2**63])
def test_an_api_version_beyond_the_database_is_400(app, api, quiz_course, version):
    enrol_and_read(api, app)
    attempt_id = api.post(f"/quizzes/{quiz_course['kiem-tra-nhanh']}/attempts").json["attempt_id"]
    answers = right_answers(app, attempt_id)
    response = api.put(
        f"/attempts/{attempt_id}/answers", json={"answers": answers, "version": version}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "target",
    ["/%0d%0aSet-Cookie:%20x=1", "/courses%0a", "/%E2%80%A8", "/\t/evil.example", "/%09x"],
)
def test_login_with_a_next_holding_control_characters_goes_to_the_dashboard(
    client, make_user, target
):
    user = make_user(email="an@example.vn")
    response = client.post(
        "/login?next=" + target, data={"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/dashboard" or location.endswith("/dashboard"), location
    assert "Set-Cookie" not in location and "\r" not in location and "\n" not in location


def test_login_with_a_plain_local_next_still_goes_there(client, make_user, courses):
    user = make_user(email="an@example.vn")
    response = client.post(
        "/login?next=" + quote("/courses/thuong-mai-dien-tu?tab=1"),
        data={"login": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/courses/thuong-mai-dien-tu?tab=1"


@pytest.mark.parametrize(
    "margin", ["99,99999999999999999999999999", "99.999999999999999999999999999999", "99,99"]
)
def test_price_tool_at_an_extreme_margin_explains_instead_of_failing(client, courses, margin):
    args = {"gia_von": "1000000000", "bao_bi": "0", "phi_san": "0", "phi_thanh_toan": "0"}
    response = client.get(
        "/tools/thuong_mai_dien_tu/gia-ban", query_string={**args, "loi_nhuan": margin}
    )
    assert response.status_code in (200, 400)
    page = response.get_data(as_text=True)
    if response.status_code == 400:
        assert "lợi nhuận" in page.lower()


def test_price_service_refuses_an_absurd_price_in_vietnamese():
    from tests.courses.tools_loader import load_tools

    tools = load_tools("thuong_mai_dien_tu")
    with pytest.raises(tools.PriceInputError) as info:
        tools.calculate_selling_price(
            1_000_000_000, 0, 0, 0, 0, 0, Decimal("99.99999999999999999999999999")
        )
    assert "quá lớn" in info.value.message
    assert info.value.field == "margin_pct"
