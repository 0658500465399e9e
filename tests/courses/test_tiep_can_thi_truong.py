"""Tests for the "tiep-can-thi-truong-xuc-tien-thuong-mai" course module.

Unit tests load ``courses/tiep_can_thi_truong/tools.py`` straight from its file and check
the rules against the worked examples of the lessons "gia-theo-kenh",
"vao-sieu-thi-chuoi-ban-le", "nha-phan-phoi-dai-ly" and "ke-hoach-kinh-doanh" (the lesson
text is read too, so the lesson's figures and the tool's cannot drift apart). HTTP tests
(``http`` in the name) use the ``client`` fixture.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from tests.courses.tools_loader import load_tools

tools = load_tools("tiep_can_thi_truong")
C = tools.ChannelInput
D = Decimal
LESSONS = Path(__file__).resolve().parents[2] / "courses/tiep_can_thi_truong/package/lessons"

PRICE, COST = D(120000), D(52000)
#: The four channels of the Mộc Châu tea example (lesson "gia-theo-kenh").
TEA = {
    "st": C(
        "Siêu thị",
        PRICE,
        COST,
        margin_pct=D(30),
        shipping=D(2000),
        returns_pct=D(3),
        one_off_fee=D(6000000),
        months=12,
        monthly_fixed=D(1500000),
    ),
    "npp": C(
        "Nhà phân phối",
        PRICE,
        COST,
        margin_pct=D(35),
        shipping=D(1500),
        returns_pct=D(1),
        monthly_fixed=D(500000),
    ),
    "san": C(
        "Sàn",
        PRICE,
        COST,
        fee_pct=D(14),
        shipping=D(8000),
        returns_pct=D(2),
        monthly_fixed=D(1000000),
    ),
    "tt": C("Trực tiếp", PRICE, COST, monthly_fixed=D(4000000)),
}
#                net      keep    keep%    contribution fixed     units
EXPECTED = {
    "st": ("84000", "79480", "66.23", "27480", "2000000", 73),
    "npp": ("78000", "75720", "63.10", "23720", "500000", 22),
    "san": ("103200", "93136", "77.61", "41136", "1000000", 25),
    "tt": ("120000", "120000", "100.00", "68000", "4000000", 59),
}


def _lesson(name):
    return (LESSONS / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", list(TEA))
def test_tea_example_per_channel(key):
    r = tools.channel_result(TEA[key])
    net, keep, keep_pct, contribution, fixed, units = EXPECTED[key]
    assert r.net_price == D(net)
    assert r.keep == D(keep)
    assert r.keep_pct == D(keep_pct)
    assert r.contribution == D(contribution)
    assert r.fixed_monthly == D(fixed)
    assert r.break_even_units == units


def test_the_lesson_prints_the_tools_figures():
    text = _lesson("gia-theo-kenh")
    for key, units in ((k, v[-1]) for k, v in EXPECTED.items()):
        r = tools.channel_result(TEA[key])
        assert tools.format_vnd(r.keep) in text
        assert tools.format_vnd(r.contribution) in text
        assert tools.format_percent(r.keep_pct) in text
        assert f"{units} hộp" in text
    # the supermarket row, step by step
    assert "2.000.000 ÷ 27.480 ≈ 72,8, làm tròn lên 73 hộp" in text
    supermarket = _lesson("vao-sieu-thi-chuoi-ban-le")
    assert "**79.480 đ**" in supermarket and "**27.480 đ**" in supermarket
    assert "**73 hộp mỗi tháng**" in supermarket


def test_business_plan_uses_the_same_contributions():
    text = _lesson("ke-hoach-kinh-doanh")
    volumes = {"st": 300, "npp": 400, "san": 150, "tt": 100}
    total = D(0)
    fixed = D(0)
    for key, volume in volumes.items():
        r = tools.channel_result(TEA[key])
        assert tools.format_vnd(r.contribution * volume) in text
        total += r.contribution * volume
        fixed += r.fixed_monthly
    assert tools.format_vnd(total) in text  # 30.702.400 đ
    assert fixed == D(7500000)
    assert "**" + tools.format_vnd(total - fixed - D(15000000)) + "**" in text  # 8.202.400 đ


def test_fish_sauce_distributor_example():
    r = tools.channel_result(
        C(
            "Nhà phân phối",
            D(150000),
            D(70000),
            margin_pct=D(35),
            shipping=D(3000),
            returns_pct=D(1),
            monthly_fixed=D(1000000),
        )
    )
    assert (r.keep, r.contribution, r.break_even_units) == (D(93525), D(23525), 43)
    text = _lesson("nha-phan-phoi-dai-ly")
    assert "**93.525 đ**" in text and "**23.525 đ**" in text and "**43 chai mỗi tháng**" in text


def test_household_on_a_platform_has_tax_withheld():
    # Decree 117/2025: 1% VAT + 0.5% PIT on goods, on top of a 14% platform fee.
    r = tools.channel_result(C("Sàn", D(150000), D(70000), fee_pct=D(14), tax_pct=D("1.5")))
    assert r.net_price == D(126750)
    assert "**126.750 đ**" in _lesson("gia-theo-kenh")


def test_promotion_that_never_breaks_even():
    promo = C(
        "Nhà phân phối",
        D(80000),
        COST,
        margin_pct=D(35),
        shipping=D(1500),
        returns_pct=D(1),
        monthly_fixed=D(500000),
    )
    r = tools.channel_result(promo)
    assert r.keep == D(49980)
    assert r.contribution == D(-2020)
    assert r.break_even_units is None and not r.breaks_even
    assert "**Lãi góp âm 2.020 đ**" in _lesson("gia-theo-kenh")


def test_zero_contribution_never_breaks_even_and_no_fixed_cost_breaks_even_at_once():
    assert tools.channel_result(C("x", D(100), D(100))).break_even_units is None
    assert tools.channel_result(C("x", D(100), D(40))).break_even_units == 0


def test_break_even_rounds_up_exactly():
    # contribution 30 đ, fixed 90 đ: exactly 3; fixed 91 đ: 4
    assert tools.channel_result(C("x", D(100), D(70), monthly_fixed=D(90))).break_even_units == 3
    assert tools.channel_result(C("x", D(100), D(70), monthly_fixed=D(91))).break_even_units == 4


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"margin_pct": D(60), "fee_pct": D(40)}, "cộng lại là 100%"),
        ({"margin_pct": D(100)}, "tỷ lệ phải từ 0 đến dưới 100%"),
        ({"returns_pct": D(-1)}, "tỷ lệ phải từ 0 đến dưới 100%"),
        ({"consumer_price": D(0)}, "giá bán lẻ phải lớn hơn 0 đ"),
        ({"unit_cost": D(-5)}, "không được là số âm"),
        ({"monthly_fixed": D(10) ** 30}, "số tiền quá lớn"),
        ({"consumer_price": D("Infinity")}, "không được là số âm"),
        ({"months": 0}, "từ 1 đến 120"),
    ],
)
def test_impossible_inputs_raise_vietnamese_errors(changes, message):
    base = dict(name="Siêu thị", consumer_price=PRICE, unit_cost=COST)
    with pytest.raises(tools.ChannelInputError, match=message):
        tools.channel_result(C(**{**base, **changes}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120000", "120000"),
        ("120.000", "120000"),
        ("1.250.000", "1250000"),
        ("1 250 000", "1250000"),
        ("120.000 đ", "120000"),
        ("0", "0"),
    ],
)
def test_parse_money(text, expected):
    assert tools.parse_money(text) == D(expected)


@pytest.mark.parametrize("text", ["abc", "12,5", "1e308", "120.00", "1,250,000", "--5", "∞"])
def test_parse_money_refuses(text):
    with pytest.raises(ValueError):
        tools.parse_money(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30", "30"), ("12,5", "12.5"), ("12.5", "12.5"), ("1,5%", "1.5"), (" 3 % ", "3")],
)
def test_parse_percent(text, expected):
    assert tools.parse_percent(text) == D(expected)


@pytest.mark.parametrize("text", ["100", "1.500", "-2", "abc", "1e2", "NaN", "x" * 50])
def test_parse_percent_refuses(text):
    with pytest.raises(ValueError):
        tools.parse_percent(text)


def test_parse_months():
    assert tools.parse_months("12") == 12
    for bad in ("0", "121", "1,5", "mười hai"):
        with pytest.raises(ValueError):
            tools.parse_months(bad)


# --- HTTP -----------------------------------------------------------------------

URL = "/tools/tiep_can_thi_truong/loi-nhuan-theo-kenh"


#: The tool's "Xem ví dụ" link (test_http_blank_form checks the page links these values).
EXAMPLE_ARGS = {
    "gia_ban": "120.000",
    "chi_phi_bien_doi": "52.000",
    "st_chiet_khau": "30",
    "st_van_chuyen": "2.000",
    "st_tra_ve": "3",
    "st_phi_mot_lan": "6.000.000",
    "st_so_thang": "12",
    "st_chi_phi_thang": "1.500.000",
    "npp_chiet_khau": "35",
    "npp_van_chuyen": "1.500",
    "npp_tra_ve": "1",
    "npp_chi_phi_thang": "500.000",
    "san_phi_san": "14",
    "san_van_chuyen": "8.000",
    "san_tra_ve": "2",
    "san_chi_phi_thang": "1.000.000",
    "tt_chi_phi_thang": "4.000.000",
}


def _example_args():
    return dict(EXAMPLE_ARGS)


def _html(response):
    return response.get_data(as_text=True).replace("\u00a0", " ")


def test_http_blank_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = _html(response)
    assert "Lợi nhuận theo kênh và điểm hòa vốn" in html
    assert 'name="gia_ban"' in html and 'name="st_chiet_khau"' in html
    assert "So sánh các kênh" not in html
    from urllib.parse import urlencode

    assert urlencode(EXAMPLE_ARGS).replace("&", "&amp;") in html


def test_http_worked_example(client):
    response = client.get(URL, query_string=_example_args())
    assert response.status_code == 200
    html = _html(response)
    for figure in ("79.480 đ", "75.720 đ", "93.136 đ", "120.000 đ", "66,23%", "63,1%", "77,61%"):
        assert figure in html
    for units in (73, 22, 25, 59):
        assert f"{units} sản phẩm" in html


def test_http_only_filled_channels_are_shown(client):
    args = {"gia_ban": "120000", "chi_phi_bien_doi": "52000", "npp_chiet_khau": "35"}
    html = _html(client.get(URL, query_string=args))
    assert "Nhà phân phối, đại lý" in html
    assert 'id="kenh-npp"' in html and 'id="kenh-st"' not in html


def test_http_never_breaks_even(client):
    args = {"gia_ban": "80.000", "chi_phi_bien_doi": "52.000", "npp_chiet_khau": "35"}
    args |= {"npp_tra_ve": "1", "npp_van_chuyen": "1500", "npp_chi_phi_thang": "500000"}
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    assert "Không bao giờ hòa vốn" in _html(response)


def _assert_refused(client, args, message):
    response = client.get(URL, query_string=args)
    assert response.status_code == 400
    html = _html(response)
    assert message in html
    assert "So sánh các kênh" not in html
    return html


def test_http_empty_submission(client):
    html = _assert_refused(
        client, {"gia_ban": "", "chi_phi_bien_doi": ""}, "Vui lòng nhập chi phí biến đổi"
    )
    assert "ít nhất một kênh" in html


def test_http_non_numeric_keeps_the_other_entries(client):
    html = _assert_refused(
        client, dict(_example_args(), st_chiet_khau="ba mươi"), "Hãy nhập tỷ lệ phần trăm"
    )
    assert 'value="ba mươi"' in html
    assert 'value="1.500.000"' in html and 'value="52.000"' in html


def test_http_negative(client):
    _assert_refused(client, dict(_example_args(), npp_van_chuyen="-1500"), "không được là số âm")


def test_http_margin_of_100_percent(client):
    _assert_refused(client, dict(_example_args(), st_chiet_khau="100"), "nhỏ hơn 100%")


def test_http_deductions_summing_to_100_percent(client):
    args = dict(_example_args(), san_phi_san="90", san_thue="10")
    _assert_refused(client, args, "không còn đồng nào về tay")


@pytest.mark.parametrize("huge", ["1" + "0" * 30, "1e308", "9" * 200])
def test_http_huge_numbers(client, huge):
    response = client.get(URL, query_string=dict(_example_args(), gia_ban=huge))
    assert response.status_code == 400
    html = _html(response)
    assert "quá lớn" in html or "quá dài" in html or "bằng chữ số" in html


def test_http_missing_price_for_a_channel(client):
    args = {"chi_phi_bien_doi": "52000", "st_chiet_khau": "30"}
    _assert_refused(client, args, "Chưa có giá bán lẻ")


def test_http_nul_byte_is_refused_not_crashed(client):
    response = client.get(URL, query_string=dict(_example_args(), gia_ban="120\x00000"))
    assert response.status_code == 400


def test_http_too_many_fields(client):
    args = _example_args() | {f"x{i}": "1" for i in range(2000)}
    response = client.get(URL, query_string=args)
    assert response.status_code in (200, 400, 414)
    assert response.status_code != 500
