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


@pytest.mark.parametrize("half_points", range(100, 201))
def test_no_total_of_50_or_more_promises_a_certificate(half_points):
    """Issue 8 §1.6: mandatory criteria may still fail, so 50+ says "có thể … nếu đạt"."""
    band = tools.star_band(Decimal(half_points) / 2)
    assert "Được cấp giấy chứng nhận" not in band.certificate
    assert "có thể được công nhận" in band.certificate
    assert "nếu đạt các tiêu chí bắt buộc" in band.certificate


def test_one_and_two_star_bands_get_no_certificate_text():
    for total in (10, 40):
        assert "từ 3 sao trở lên" in tools.star_band(total).certificate


# ---------------------------------------------------------------- worked examples of the lessons

LESSONS = ROOT / "courses" / "chat_luong" / "package" / "lessons"


def test_lesson_example_fish_sauce_cooperative_is_64_points_three_stars():
    """bo-tieu-chi-ocop-quyet-dinh-148.md: the Thanh Hóa cooperative's self-check."""
    points = {"a1": 12, "a2": 6, "a3": 12, "b1": 8, "b2": 2, "c1": 8, "c2": 13, "c3": 3}
    result = tools.score(points)
    assert [ps.points for ps in result.parts] == [30, 10, 24]
    assert result.total == 64
    assert result.band.stars == 3
    assert result.weakest.part.key == "B"
    text = (LESSONS / "bo-tieu-chi-ocop-quyet-dinh-148.md").read_text(encoding="utf-8")
    for fragment in ("A 30/40", "B 10/25", "C 24/35", "64 điểm", "3 sao"):
        assert fragment in text, fragment


@pytest.mark.parametrize("total, stars", [("69.5", 3), (74, 4), (89, 4), ("89.5", 4)])
def test_lesson_band_examples(total, stars):
    """hang-sao-va-quy-trinh-danh-gia.md: 69,5 is 3 stars, 74 and 89 (and 89,5) are 4."""
    assert tools.star_band(Decimal(total)).stars == stars
    text = (LESSONS / "hang-sao-va-quy-trinh-danh-gia.md").read_text(encoding="utf-8")
    assert tools.format_points(total) in text


# ---------------------------------------------------------------- product groups


def test_six_product_groups_of_decision_148():
    assert [g.key for g in tools.GROUPS] == [
        "thuc-pham",
        "do-uong",
        "duoc-lieu",
        "thu-cong-my-nghe",
        "sinh-vat-canh",
        "du-lich",
    ]
    assert tools.DEFAULT_GROUP.key == "thuc-pham"
    for group in tools.GROUPS:
        assert group.evidence, group.key
        assert set(group.hints) <= {c.key for c in tools.CRITERIA}, group.key


def test_group_hints_replace_the_food_hints_where_rules_differ():
    c2 = next(c for c in tools.CRITERIA if c.key == "c2")
    craft = tools.product_group("thu-cong-my-nghe")
    assert "tiếp xúc thực phẩm" in craft.hint_for(c2)
    assert "TCVN 7800" in tools.product_group("du-lich").hint_for(c2)
    assert "mỹ phẩm" in tools.product_group("duoc-lieu").hint_for(c2)
    assert tools.product_group("thuc-pham").hint_for(c2) == c2.hint


@pytest.mark.parametrize("key", [None, "", "  "])
def test_missing_group_is_food(key):
    assert tools.product_group(key) is tools.DEFAULT_GROUP


@pytest.mark.parametrize("key", ["gom", "THUC-PHAM", "x" * 1000, "thuc-pham\x00", 5])
def test_unknown_group_is_refused_in_vietnamese(key):
    with pytest.raises(tools.GroupError) as info:
        tools.product_group(key)
    assert "nhóm sản phẩm" in str(info.value)


def test_the_group_does_not_change_the_points():
    points = {"a1": 12, "a2": 8, "a3": 10, "b1": 12, "b2": 5, "c1": 8, "c2": 15, "c3": 2}
    totals = {tools.score(points, group).total for group in tools.GROUPS}
    assert totals == {72}


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


@pytest.mark.parametrize("value", [-1, "-0.5", 16, "15.01", 100, "1e308", "1e999999999", 10**30])
def test_score_rejects_points_outside_0_to_max(value):
    points = all_max()
    points["a1"] = value  # A1 Tổ chức sản xuất, max 15
    with pytest.raises(tools.PointsError) as info:
        tools.score(points)
    message = str(info.value)
    assert "Tổ chức sản xuất" in message
    assert "từ 0 đến 15" in message
    assert info.value.criterion.key == "a1"


@pytest.mark.parametrize(
    "value", ["abc", "", None, True, float("nan"), "inf", "1,2,3", "10^30", "\x00", "9" * 41]
)
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
    assert "cách chia của khóa học để anh chị tự" in html
    assert "tiêu chí bắt buộc" in html
    assert 'name="nhom"' in html
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


def test_messages_address_the_learner_as_anh_chi():
    criterion = tools.CRITERIA[0]
    with pytest.raises(tools.PointsError) as info:
        tools.check_points(criterion, 99)
    assert "anh chị đã nhập 99" in str(info.value)
    sources = [
        ROOT / "courses" / "chat_luong" / "tools.py",
        ROOT / "courses" / "chat_luong" / "__init__.py",
        ROOT / "courses" / "chat_luong" / "templates" / "chat_luong" / "scorecard.html",
    ]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert " bạn " not in text and "Bạn " not in text, path.name


def test_no_hedge_about_our_own_reading_in_the_course():
    folder = ROOT / "courses" / "chat_luong"
    files = [*folder.glob("package/lessons/*.md"), *folder.glob("templates/**/*.html")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for hedge in ("chưa đọc được", "chưa đối chiếu", "chưa đọc toàn văn", "có lẽ"):
            assert hedge not in text, (path.name, hedge)


def test_huge_points_give_a_short_message():
    with pytest.raises(tools.PointsError) as info:
        tools.check_points(tools.CRITERIA[0], "1e308")
    assert "một số quá lớn" in str(info.value)
    assert len(str(info.value)) < 200
    assert tools.format_points("1e308") == "1E+308"


def test_http_scorecard_group_changes_the_hints_and_the_evidence(client):
    response = client.get(URL, query_string=_args(nhom="thu-cong-my-nghe"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-total="72"' in html
    assert "tiếp xúc thực phẩm" in html
    assert "Bát Tràng" in html
    assert '<option selected value="thu-cong-my-nghe">' in html or (
        'value="thu-cong-my-nghe" selected' in html
    )


def test_http_scorecard_switching_group_keeps_the_points_and_does_not_score(client):
    response = client.get(URL, query_string=_args(nhom="du-lich", doi_nhom="1", a1="7,5"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="tong-diem"' not in html
    assert 'value="7,5"' in html
    assert "TCVN 7800" in html


def test_http_scorecard_unknown_group_is_400_and_keeps_the_points(client):
    response = client.get(URL, query_string=_args(nhom="gom-su", a1="11"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Hãy chọn một nhóm sản phẩm trong danh sách" in html
    assert 'value="11"' in html
    assert 'id="tong-diem"' not in html


def test_http_scorecard_unknown_group_when_switching_is_400(client):
    response = client.get(URL, query_string={"nhom": "gom", "doi_nhom": "1"})
    assert response.status_code == 400
    assert "Hãy chọn một nhóm sản phẩm" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["1e308", "1" + "0" * 30, "10^30", "-0,0001", "9" * 60])
def test_http_scorecard_hostile_values_are_400_with_other_entries_kept(client, value):
    response = client.get(URL, query_string=_args(a1=value, b2="4,5"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tổ chức sản xuất" in html
    assert 'value="4,5"' in html
    assert 'id="tong-diem"' not in html


def test_http_scorecard_nul_byte_is_refused_by_the_app_not_a_500(client):
    # The app refuses NUL bytes in any request before the view (a clear 400 page).
    response = client.get(URL, query_string=_args(a1="12\x00"))
    assert response.status_code == 400
    assert "ký tự rỗng" in response.get_data(as_text=True)


def test_http_scorecard_many_unknown_fields_are_ignored(client):
    args = _args()
    args.update({f"x{i}": "1" for i in range(500)})
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    assert 'data-total="72"' in response.get_data(as_text=True)


def test_http_scorecard_result_never_promises_a_certificate(client):
    args = {c.key: str(c.max_points) for c in tools.CRITERIA}
    html = client.get(URL, query_string=args).get_data(as_text=True)
    assert "Được cấp giấy chứng nhận" not in html
    assert "nếu đạt các tiêu chí bắt buộc" in html
