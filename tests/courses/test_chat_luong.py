"""Tests of the "quan-ly-san-xuat-chat-luong" course module (courses/chat_luong).

Unit tests load courses/chat_luong/tools.py straight from its file, so they need
neither Flask nor the app. Tests whose names contain "http" use the `client`
fixture (a test client of the whole app) from tests/conftest.py.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.courses.tools_loader import load_tools

ROOT = Path(__file__).resolve().parents[2]
URL = "/tools/chat_luong/tu-cham-diem"


tools = load_tools("chat_luong")


def points_for_total(total) -> dict[str, Decimal]:
    """Spread `total` over the criteria, filling each up to its maximum in order."""
    left = Decimal(str(total))
    points = {}
    for criterion in tools.CRITERIA:
        give = min(left, Decimal(criterion.max_points))
        points[criterion.key] = give
        left -= give
    assert left == 0, "total above 100"
    return points


def all_max() -> dict[str, int]:
    return {c.key: c.max_points for c in tools.CRITERIA}


# ---------------------------------------------------------------- criteria data


def test_parts_have_official_maxima():
    assert [(p.key, p.max_points) for p in tools.PARTS] == [("A", 40), ("B", 25), ("C", 35)]
    assert tools.MAX_TOTAL == 100


def test_sub_criteria_sum_to_part_maximum():
    for part in tools.PARTS:
        assert sum(c.max_points for c in part.criteria) == part.max_points, part.key


def test_sub_criteria_named_in_the_facts():
    names = {c.code: c.name for c in tools.CRITERIA}
    assert names["A1"] == "Tổ chức sản xuất"
    assert names["A2"] == "Phát triển sản phẩm"
    assert names["A3"] == "Sức mạnh cộng đồng"
    assert names["B1"] == "Tiếp thị"
    assert names["B2"] == "Câu chuyện sản phẩm"
    assert names["C2"] == "Tiêu chuẩn sản phẩm"
    assert len(tools.CRITERIA) == 8
    assert len({c.key for c in tools.CRITERIA}) == 8


def test_bands_cover_0_to_100_without_gaps():
    assert [b.stars for b in tools.BANDS] == [1, 2, 3, 4, 5]
    assert tools.BANDS[0].min_points == 0
    for lower, upper in zip(tools.BANDS[:-1], tools.BANDS[1:], strict=True):
        assert lower.upper == upper.min_points
    assert tools.BANDS[-1].upper == 100


# ---------------------------------------------------------------- star bands


@pytest.mark.parametrize(
    "total, stars",
    [
        (0, 1),
        (29, 1),
        ("29.99", 1),
        (30, 2),
        (49, 2),
        ("49.5", 2),
        (50, 3),
        (69, 3),
        (70, 4),
        (89, 4),
        ("89.9", 4),
        (90, 5),
        (100, 5),
    ],
)
def test_star_band_boundaries(total, stars):
    assert tools.star_band(Decimal(str(total))).stars == stars


@pytest.mark.parametrize(
    "total, stars",
    [(29, 1), (30, 2), (49, 2), (50, 3), (69, 3), (70, 4), (89, 4), (90, 5), (100, 5)],
)
def test_score_band_boundaries(total, stars):
    result = tools.score(points_for_total(total))
    assert result.total == total
    assert result.band.stars == stars


@pytest.mark.parametrize("total", [-1, "100.5", 101, "abc", None])
def test_star_band_rejects_totals_outside_0_100(total):
    with pytest.raises(ValueError):
        tools.star_band(total)


def test_five_star_band_names_the_ministry():
    band = tools.star_band(95)
    assert "Bộ Nông nghiệp và Môi trường" in band.evaluator
    assert "90" in band.evaluator


def test_three_and_four_star_bands_are_recognised_by_the_province():
    for total in (55, 75):
        band = tools.star_band(total)
        assert "tỉnh" in band.evaluator
        assert "36 tháng" in band.certificate


def test_one_and_two_star_bands_get_no_certificate_text():
    for total in (10, 40):
        assert "từ 3 sao trở lên" in tools.star_band(total).certificate


# ---------------------------------------------------------------- score()


def test_score_full_marks():
    result = tools.score(all_max())
    assert result.total == 100
    assert [ps.points for ps in result.parts] == [40, 25, 35]
    assert result.band.stars == 5


def test_score_parts_and_total():
    points = {"a1": 12, "a2": 8, "a3": 10, "b1": 12, "b2": 5, "c1": 8, "c2": 15, "c3": 2}
    result = tools.score(points)
    assert [(ps.part.key, ps.points) for ps in result.parts] == [("A", 30), ("B", 17), ("C", 25)]
    assert result.total == 72
    assert result.band.stars == 4


def test_score_accepts_decimal_comma_strings():
    points = {key: "0" for key in all_max()}
    points["a1"] = "12,5"
    points["c2"] = " 7.25 "
    result = tools.score(points)
    assert result.total == Decimal("19.75")
    assert tools.format_points(result.total) == "19,75"


def test_weakest_part_is_lowest_ratio():
    points = all_max()
    points["b1"] = 0  # B: 7/25 = 28 %
    result = tools.score(points)
    assert result.weakest.part.key == "B"
    assert result.weakest.percent == 28


@pytest.mark.parametrize("value", [-1, "-0.5", 16, "15.01", 100])
def test_score_rejects_points_outside_0_to_max(value):
    points = all_max()
    points["a1"] = value  # A1 Tổ chức sản xuất, max 15
    with pytest.raises(tools.PointsError) as info:
        tools.score(points)
    message = str(info.value)
    assert "Tổ chức sản xuất" in message
    assert "từ 0 đến 15" in message
    assert info.value.criterion.key == "a1"


@pytest.mark.parametrize("value", ["abc", "", None, True, float("nan"), "inf", "1,2,3"])
def test_score_rejects_non_numbers(value):
    points = all_max()
    points["b2"] = value
    with pytest.raises(tools.PointsError) as info:
        tools.score(points)
    assert "Câu chuyện sản phẩm" in str(info.value)
    assert "con số" in str(info.value)


def test_score_rejects_missing_criterion():
    points = all_max()
    del points["c3"]
    with pytest.raises(tools.PointsError) as info:
        tools.score(points)
    assert "Chưa có điểm" in str(info.value)
    assert "Khả năng xuất khẩu" in str(info.value)


def test_score_rejects_unknown_key():
    points = all_max()
    points["d1"] = 3
    with pytest.raises(tools.PointsError) as info:
        tools.score(points)
    assert "d1" in str(info.value)


@pytest.mark.parametrize("criterion", tools.CRITERIA, ids=lambda c: c.key)
def test_check_points_edges_for_every_criterion(criterion):
    assert tools.check_points(criterion, 0) == 0
    assert tools.check_points(criterion, criterion.max_points) == criterion.max_points
    with pytest.raises(tools.PointsError) as info:
        tools.check_points(criterion, criterion.max_points + 1)
    assert criterion.name in str(info.value)


@pytest.mark.parametrize(
    "value, text",
    [(72, "72"), (Decimal("72.50"), "72,5"), (100, "100"), (0, "0"), ("19.75", "19,75")],
)
def test_format_points(value, text):
    assert tools.format_points(value) == text


# ---------------------------------------------------------------- HTTP


def _args(**overrides):
    args = {"a1": "12", "a2": "8", "a3": "10", "b1": "12", "b2": "5"}
    args.update({"c1": "8", "c2": "15", "c3": "2"})
    args.update(overrides)
    return args


def test_http_scorecard_form_loads(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tự chấm điểm theo bộ tiêu chí OCOP" in html
    assert "ước lượng để tự học" in html
    for criterion in tools.CRITERIA:
        assert f'name="{criterion.key}"' in html
    assert 'id="tong-diem"' not in html


def test_http_scorecard_valid_args_show_totals_and_band(client):
    response = client.get(URL, query_string=_args())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-total="72"' in html
    assert 'data-stars="4"' in html
    assert 'data-part="A" data-points="30"' in html
    assert 'data-part="B" data-points="17"' in html
    assert 'data-part="C" data-points="25"' in html
    assert "72/100" in html
    assert "4 sao" in html
    assert "công nhận hạng 4 sao" in html


def test_http_scorecard_five_stars_goes_to_the_ministry(client):
    args = {c.key: str(c.max_points) for c in tools.CRITERIA}
    args["c3"] = "0"  # 95 points
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-total="95"' in html
    assert 'data-stars="5"' in html
    assert "Bộ Nông nghiệp và Môi trường" in html


def test_http_scorecard_accepts_decimal_comma(client):
    response = client.get(URL, query_string=_args(a1="12,5"))
    assert response.status_code == 200
    assert 'data-total="72,5"' in response.get_data(as_text=True)


def test_http_scorecard_out_of_range_is_400_with_message(client):
    response = client.get(URL, query_string=_args(a1="16"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Điểm của tiêu chí «A1. Tổ chức sản xuất» phải từ 0 đến 15" in html
    assert 'id="tong-diem"' not in html
    assert 'name="a1"' in html  # the form is shown again


def test_http_scorecard_negative_is_400(client):
    response = client.get(URL, query_string=_args(c3="-1"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "«C3. Khả năng xuất khẩu và phân phối trên thị trường quốc tế» phải từ 0 đến 5" in html


def test_http_scorecard_not_a_number_is_400(client):
    response = client.get(URL, query_string=_args(b2="nhiều"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Điểm của tiêu chí «B2. Câu chuyện sản phẩm» phải là một con số" in html


def test_http_scorecard_missing_field_is_400(client):
    args = _args()
    del args["c2"]
    response = client.get(URL, query_string=args)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Hãy nhập điểm cho tiêu chí «C2. Tiêu chuẩn sản phẩm»" in html


def test_http_scorecard_blank_field_is_400(client):
    response = client.get(URL, query_string=_args(a2="  "))
    assert response.status_code == 400
    assert "Hãy nhập điểm cho tiêu chí «A2. Phát triển sản phẩm»" in response.get_data(as_text=True)


def test_http_scorecard_unrelated_args_just_show_the_form(client):
    response = client.get(URL, query_string={"utm_source": "zalo"})
    assert response.status_code == 200
