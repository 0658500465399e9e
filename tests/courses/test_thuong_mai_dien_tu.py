"""Tests for the "thuong-mai-dien-tu" course module.

Unit tests exercise ``courses/thuong_mai_dien_tu/tools.py`` (loaded straight from
its file, so they need neither Flask nor the app). HTTP tests (every one has
``http`` in its name) use the ``client`` fixture from ``tests/conftest.py``: a
Flask test client of the whole app, with the module's blueprint mounted under
``/tools/thuong_mai_dien_tu/``.

Run only the unit tests with::

    python -m pytest tests/courses/test_thuong_mai_dien_tu.py -k "not http"
"""

from decimal import Decimal
from pathlib import Path

import pytest

from tests.courses.tools_loader import load_tools

TOOLS_PATH = Path(__file__).resolve().parents[2] / "courses" / "thuong_mai_dien_tu" / "tools.py"


tools = load_tools("thuong_mai_dien_tu")
calc = tools.calculate_selling_price
PriceInputError = tools.PriceInputError

LESSONS = TOOLS_PATH.parent / "package" / "lessons"

# The worked example of lesson "tinh-gia-ban" and of the tool's example link: a household
# sells a 200 g box of tea on a platform with a payment function (fees of a 2025 fee stack,
# 1.5% VAT + PIT withheld on goods under Decree 117/2025/NĐ-CP).
EXAMPLE = dict(
    production_cost=Decimal("85000"),
    packaging_cost=Decimal("7000"),
    commission_pct=Decimal("12"),
    payment_fee_pct=Decimal("5"),
    shipping_cost=Decimal("5000"),
    other_cost=Decimal("3000"),
    margin_pct=Decimal("20"),
    withheld_tax_pct=Decimal("1.5"),
)


def lesson_text(name):
    return (LESSONS / f"{name}.md").read_text(encoding="utf-8")


# --- calculate_selling_price: the worked example ----------------------------------


def test_worked_example_exact_figures():
    # By hand:
    #   costs in đồng   = 85,000 + 7,000 + 5,000 + 3,000              = 100,000 đ
    #   rates           = 12% + 5% + 1.5% + 20%                       = 38.5%
    #   exact price     = 100,000 / 0.615                             = 162,601.6… đ
    #   rounded up to the next 1,000 đ                                = 163,000 đ
    #   commission      = 12% x 163,000                               =  19,560 đ
    #   payment fee     = 5% x 163,000                                =   8,150 đ
    #   withheld tax    = 1.5% x 163,000                              =   2,445 đ
    #   profit          = 163,000 - 100,000 - 19,560 - 8,150 - 2,445  =  32,845 đ
    #   profit share    = 32,845 / 163,000 = 20.150…%                 -> 20.15%
    #   payout          = 163,000 - 19,560 - 8,150 - 2,445            = 132,845 đ
    r = calc(**EXAMPLE)
    assert r.selling_price == Decimal("163000")
    assert r.exact_price == Decimal("162602")
    assert r.total_cost == Decimal("100000")
    assert r.total_pct == Decimal("38.5")
    assert r.commission == Decimal("19560")
    assert r.payment_fee == Decimal("8150")
    assert r.withheld_tax == Decimal("2445")
    assert r.profit == Decimal("32845")
    assert r.profit_pct == Decimal("20.15")
    assert r.payout == Decimal("132845")
    assert r.step == Decimal("1000")


def test_the_lesson_shows_the_tools_figures():
    # Lesson and tool must agree: every figure the tool prints for the example is in the lesson.
    text = lesson_text("tinh-gia-ban")
    r = calc(**EXAMPLE)
    for amount in (r.exact_price, r.selling_price, r.commission, r.payment_fee, r.withheld_tax):
        assert tools.format_vnd(amount).removesuffix(" đ") in text
    assert tools.format_vnd(r.profit).removesuffix(" đ") in text
    assert tools.format_percent(r.profit_pct) in text
    assert tools.format_vnd(r.payout).removesuffix(" đ") in text


def test_breakdown_adds_up_to_the_selling_price():
    r = calc(**EXAMPLE)
    parts = (
        r.production_cost
        + r.packaging_cost
        + r.shipping_cost
        + r.other_cost
        + r.commission
        + r.payment_fee
        + r.withheld_tax
        + r.profit
    )
    assert parts == r.selling_price


def test_profit_never_below_the_desired_margin_after_rounding():
    r = calc(**EXAMPLE)
    assert r.profit >= r.selling_price * r.margin_pct / 100


def test_accepts_ints_and_plain_strings():
    r = calc(85000, "7000", "12", 5, "5000", 3000, "20.0", withheld_tax_pct="1.5")
    assert r.selling_price == Decimal("163000")
    assert isinstance(r.selling_price, Decimal)


def test_withheld_tax_defaults_to_zero_in_the_function():
    # Cooperatives, firms and own-declared channels: nothing is withheld.
    r = calc(85000, 7000, 12, 5, 5000, 3000, 20)
    assert r.withheld_tax == 0
    assert r.selling_price == Decimal("159000")


def test_lesson_trap_example_cost_plus_20_percent_loses_money():
    # Lesson: cost 100,000 đ sold at 120,000 đ with 12% + 5% fees and 1.5% tax: a loss.
    assert tools.profit_at_price(120000, 100000, 12, 5, "1.5") == Decimal("-2200")
    assert "−2.200" in lesson_text("tinh-gia-ban")


def test_lesson_discount_example():
    # 163,000 đ minus 10% = 146,700 đ: 17,604 + 7,335 + 2,201 deducted, 19,560 đ left.
    assert tools.profit_at_price(146700, 100000, 12, 5, "1.5") == Decimal("19560")
    text = lesson_text("tinh-gia-ban")
    for figure in ("146.700", "17.604", "7.335", "2.201", "19.560"):
        assert figure in text


def test_own_channel_example_from_the_lesson():
    # Own Facebook page, bank transfer, household under the threshold: 100,000 / 0.8.
    r = calc(85000, 7000, 0, 0, 5000, 3000, 20, withheld_tax_pct=0)
    assert r.selling_price == Decimal("125000")
    assert "125.000" in lesson_text("tinh-gia-ban")


def test_combo_example_from_the_lesson():
    # Two boxes: 170,000 + 10,000 + 5,000 + 5,000 = 190,000; / 0.615 = 308,943.1… -> 309,000
    r = calc(170000, 10000, 12, 5, 5000, 5000, 20, withheld_tax_pct="1.5")
    assert r.selling_price == Decimal("309000")
    assert "309.000" in lesson_text("tinh-gia-ban")


def test_withholding_rates_of_decree_117():
    # goods 1% VAT + 0.5% PIT; transport and goods-related services 3% + 1.5%; services 5% + 2%
    assert tools.WITHHOLDING_RATES == {
        "hang_hoa": Decimal("1.5"),
        "van_tai": Decimal("4.5"),
        "dich_vu": Decimal("7"),
    }


def test_reconciliation_lesson_shows_the_withheld_line():
    # Lesson "thanh-toan-doi-soat": order DH01 at 163,000 đ on a platform: 1,630 đ VAT and
    # 815 đ PIT withheld, 132,845 đ paid out.
    r = calc(**EXAMPLE)
    text = lesson_text("thanh-toan-doi-soat")
    assert r.withheld_tax == Decimal("1630") + Decimal("815")
    for figure in ("1.630", "815", "2.445", "132.845", "19.560", "8.150"):
        assert figure in text


# --- rounding ----------------------------------------------------------------------


def test_rounds_up_not_to_nearest():
    # 100,001 đ with no fees and no margin -> 101,000 đ (nearest would be 100,000).
    r = calc(100001, 0, 0, 0, 0, 0, 0)
    assert r.selling_price == Decimal("101000")
    assert r.profit == Decimal("999")


def test_exact_multiple_of_the_step_is_not_raised():
    # 70,000 / (1 - 0.30) = 100,000 exactly: stays 100,000.
    r = calc(70000, 0, 0, 0, 0, 0, 30)
    assert r.selling_price == Decimal("100000")
    assert r.exact_price == Decimal("100000")
    assert r.profit == Decimal("30000")
    assert r.profit_pct == Decimal("30.00")


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (Decimal("1000"), Decimal("163000")),
        (Decimal("500"), Decimal("163000")),
        (Decimal("100"), Decimal("162700")),
        (Decimal("1"), Decimal("162602")),
        (Decimal("5000"), Decimal("165000")),
    ],
)
def test_custom_rounding_step(step, expected):
    r = calc(**EXAMPLE, step=step)
    assert r.selling_price == expected


def test_fees_are_rounded_half_up_to_the_dong():
    # price 1,000 đ; commission 0.05% of 1,000 = 0.5 đ -> 1 đ; profit is the remainder.
    r = calc(900, 0, Decimal("0.05"), 0, 0, 0, 0)
    assert r.selling_price == Decimal("1000")
    assert r.commission == Decimal("1")
    assert r.profit == Decimal("99")


def test_withheld_tax_is_rounded_half_up_like_the_fees():
    # 1.5% of 1,100 = 16.5 -> 17 đ
    r = calc(1000, 0, 0, 0, 0, 0, Decimal("7.5"), step=100, withheld_tax_pct="1.5")
    assert r.selling_price == Decimal("1100")
    assert r.withheld_tax == Decimal("17")


def test_decimal_percentages():
    # 100,000 / (1 - 0.275) = 137,931.03… -> 138,000; 2.5% x 138,000 = 3,450
    r = calc(100000, 0, 5, Decimal("2.5"), 0, 0, 20)
    assert r.selling_price == Decimal("138000")
    assert r.payment_fee == Decimal("3450")
    assert r.commission == Decimal("6900")
    assert r.profit == Decimal("27650")


# --- invalid input -----------------------------------------------------------------

FIELDS = [
    "production_cost",
    "packaging_cost",
    "commission_pct",
    "payment_fee_pct",
    "shipping_cost",
    "other_cost",
    "margin_pct",
    "withheld_tax_pct",
]


@pytest.mark.parametrize("field", FIELDS + ["step"])
def test_negative_values_are_refused(field):
    args = dict(EXAMPLE, step=Decimal("1000"))
    args[field] = Decimal("-1")
    with pytest.raises(PriceInputError) as info:
        calc(**args)
    assert info.value.field == field
    assert "không được là số âm" in info.value.message
    assert info.value.message.startswith(tools.LABELS[field])


@pytest.mark.parametrize(
    "bad", ["abc", "", "12,5", "NaN", "Infinity", "-inf", "1\x005", None, True, [1], object()]
)
@pytest.mark.parametrize("field", FIELDS)
def test_non_numbers_are_refused(field, bad):
    args = dict(EXAMPLE)
    args[field] = bad
    with pytest.raises(PriceInputError) as info:
        calc(**args)
    assert info.value.field == field
    assert info.value.message in (
        f"{tools.LABELS[field]} phải là một số.",
        f"{tools.LABELS[field]} không được là số âm.",
    )


@pytest.mark.parametrize(
    ("commission", "payment", "margin", "shown"),
    [
        (80, 0, 20, "100%"),
        (8, 2, 90, "100%"),
        (100, 0, 0, "100%"),
        (60, Decimal("2.5"), 40, "102,5%"),
        (150, 0, 0, "150%"),
    ],
)
def test_rates_summing_to_100_percent_or_more_are_refused(commission, payment, margin, shown):
    with pytest.raises(PriceInputError) as info:
        calc(100000, 0, commission, payment, 0, 0, margin)
    message = info.value.message
    assert "phải nhỏ hơn 100%" in message
    assert f"cộng lại là {shown}" in message


def test_rates_just_under_100_percent_are_accepted():
    r = calc(1000, 0, 50, 0, 0, 0, Decimal("49.9"))
    # 1,000 / 0.001 = 1,000,000 exactly
    assert r.selling_price == Decimal("1000000")


def test_zero_total_cost_is_refused():
    with pytest.raises(PriceInputError) as info:
        calc(0, 0, 8, 2, 0, 0, 20)
    assert info.value.field == "production_cost"
    assert "0 đ" in info.value.message


def test_zero_step_is_refused():
    with pytest.raises(PriceInputError) as info:
        calc(**EXAMPLE, step=0)
    assert info.value.field == "step"
    assert "lớn hơn 0" in info.value.message


def test_error_is_a_value_error():
    assert issubclass(PriceInputError, ValueError)


# --- parsing and formatting helpers -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85000", "85000"),
        ("85.000", "85000"),
        ("85,000", "85000"),
        ("85 000", "85000"),
        ("1.500.000", "1500000"),
        (" 7000 đ ", "7000"),
        ("7.000đ", "7000"),
        ("0", "0"),
    ],
)
def test_parse_money(text, expected):
    assert tools.parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "12,5", "85.5", "1e5", "85.00", "NaN", "", "--5"])
def test_parse_money_refuses_garbage(text):
    with pytest.raises(ValueError, match="Hãy nhập số tiền bằng chữ số|không được là số âm"):
        tools.parse_money(text)


def test_parse_money_refuses_negative():
    with pytest.raises(ValueError, match="Số tiền không được là số âm."):
        tools.parse_money("-5000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8", "8"), ("2,5", "2.5"), ("2.5", "2.5"), ("8%", "8"), (" 20 % ", "20"), ("0", "0")],
)
def test_parse_percent(text, expected):
    assert tools.parse_percent(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "8%%", "1,2,3", "", "inf"])
def test_parse_percent_refuses_garbage(text):
    with pytest.raises(ValueError, match="Hãy nhập tỷ lệ phần trăm bằng chữ số"):
        tools.parse_percent(text)


def test_parse_percent_refuses_negative():
    with pytest.raises(ValueError, match="Tỷ lệ phần trăm không được là số âm."):
        tools.parse_percent("-2")


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("143000"), "143.000 đ"),
        (Decimal("2860"), "2.860 đ"),
        (Decimal("0"), "0 đ"),
        (Decimal("1500000"), "1.500.000 đ"),
        (Decimal("142857.5"), "142.858 đ"),
        (Decimal("-12870"), "−12.870 đ"),
    ],
)
def test_format_vnd(amount, text):
    assert tools.format_vnd(amount) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("8"), "8%"),
        (Decimal("2.50"), "2,5%"),
        (Decimal("20.07"), "20,07%"),
        (Decimal("100"), "100%"),
        (Decimal("0"), "0%"),
    ],
)
def test_format_percent(value, text):
    assert tools.format_percent(value) == text


# --- HTTP: the tool page in the whole app -------------------------------------------

URL = "/tools/thuong_mai_dien_tu/gia-ban"
EXAMPLE_ARGS = {
    "gia_von": "85000",
    "bao_bi": "7000",
    "phi_san": "12",
    "phi_thanh_toan": "5",
    "thue_khau_tru": "1,5",
    "van_chuyen": "5000",
    "chi_phi_khac": "3000",
    "loi_nhuan": "20",
}


def _html(response):
    # amounts are shown with a no-break space between the number and "đ"
    return response.get_data(as_text=True).replace("\u00a0", " ")


def test_http_blank_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = _html(response)
    assert "Máy tính giá bán online" in html
    assert "<form" in html
    for name in EXAMPLE_ARGS:
        assert f'name="{name}"' in html
    # the pre-filled example link
    assert "gia_von=85000" in html
    assert "Giá bán đề xuất" not in html


def test_http_blank_form_prefills_the_withheld_tax_for_goods(client):
    html = _html(client.get(URL))
    assert 'name="thue_khau_tru"' in html
    assert 'value="1,5"' in html


def test_http_worked_example(client):
    response = client.get(URL, query_string=EXAMPLE_ARGS)
    assert response.status_code == 200
    html = _html(response)
    assert "Giá bán đề xuất: 163.000 đ" in html
    for figure in ("19.560 đ", "8.150 đ", "2.445 đ", "32.845 đ", "162.602 đ", "132.845 đ"):
        assert figure in html
    assert "Thuế sàn khấu trừ (1,5%)" in html
    assert "20,15%" in html


def test_http_example_link_gives_the_worked_example(client):
    import html as htmllib
    import re

    page = _html(client.get(URL))
    href = re.search(r'<a href="([^"]*gia-ban\?[^"]*)">Xem ví dụ', page).group(1)
    response = client.get(htmllib.unescape(href))
    assert response.status_code == 200
    assert "Giá bán đề xuất: 163.000 đ" in _html(response)


def test_http_vietnamese_number_formats(client):
    args = dict(EXAMPLE_ARGS, gia_von="85.000", bao_bi="7 000", phi_thanh_toan="5,0")
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    assert "Giá bán đề xuất: 163.000 đ" in _html(response)


def test_http_withheld_tax_absent_means_goods_on_a_platform(client):
    args = {key: value for key, value in EXAMPLE_ARGS.items() if key != "thue_khau_tru"}
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    assert "Giá bán đề xuất: 163.000 đ" in _html(response)


@pytest.mark.parametrize("value", ["", "0"])
def test_http_withheld_tax_blank_or_zero_for_own_declared_channels(client, value):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, thue_khau_tru=value))
    assert response.status_code == 200
    html = _html(response)
    assert "Giá bán đề xuất: 159.000 đ" in html
    assert "tự để dành phần thuế" in html


def test_http_own_facebook_page_example(client):
    args = dict(EXAMPLE_ARGS, phi_san="", phi_thanh_toan="", thue_khau_tru="0")
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    assert "Giá bán đề xuất: 125.000 đ" in _html(response)


def test_http_optional_fields_blank_count_as_zero(client):
    args = {"gia_von": "70000", "loi_nhuan": "30", "bao_bi": "", "phi_san": "", "thue_khau_tru": ""}
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    assert "Giá bán đề xuất: 100.000 đ" in _html(response)


def test_http_letters_are_refused(client):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, gia_von="tám mươi nghìn"))
    assert response.status_code == 400
    html = _html(response)
    assert "Hãy nhập số tiền bằng chữ số" in html
    assert "Giá bán đề xuất" not in html
    assert 'name="gia_von"' in html  # the form is shown again


def test_http_letters_in_a_percentage_are_refused(client):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, phi_san="tám"))
    assert response.status_code == 400
    assert "Hãy nhập tỷ lệ phần trăm bằng chữ số" in _html(response)


def test_http_negative_is_refused(client):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, bao_bi="-7000"))
    assert response.status_code == 400
    assert "Số tiền không được là số âm." in _html(response)


def test_http_negative_percentage_is_refused(client):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, phi_thanh_toan="-2"))
    assert response.status_code == 400
    assert "Tỷ lệ phần trăm không được là số âm." in _html(response)


def test_http_commission_of_100_percent_is_refused(client):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, phi_san="100"))
    assert response.status_code == 400
    assert "Tỷ lệ phần trăm phải nhỏ hơn 100%." in _html(response)


def test_http_rates_summing_to_100_percent_are_refused(client):
    args = dict(EXAMPLE_ARGS, phi_san="70", phi_thanh_toan="8,5")
    response = client.get(URL, query_string=args)
    assert response.status_code == 400
    html = _html(response)
    assert "thuế bị khấu trừ và lợi nhuận mong muốn cộng lại là 100%, phải nhỏ hơn 100%" in html
    assert "Giá bán đề xuất" not in html


def test_http_missing_required_field(client):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, gia_von=""))
    assert response.status_code == 400
    assert "Vui lòng nhập giá vốn sản xuất." in _html(response)


def test_http_zero_costs_are_refused(client):
    args = {"gia_von": "0", "loi_nhuan": "20"}
    response = client.get(URL, query_string=args)
    assert response.status_code == 400
    assert "Tổng chi phí cho mỗi sản phẩm đang là 0 đ" in _html(response)


def test_http_absurdly_large_amount_is_refused(client):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, gia_von="2.000.000.000"))
    assert response.status_code == 400
    assert "Số tiền quá lớn" in _html(response)


def test_http_withheld_tax_of_100_percent_is_refused(client):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, thue_khau_tru="100"))
    assert response.status_code == 400
    html = _html(response)
    assert "Tỷ lệ phần trăm phải nhỏ hơn 100%." in html
    assert 'value="85000"' in html  # the other entries are kept


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gia_von", "1e308", "Hãy nhập số tiền bằng chữ số"),
        ("gia_von", "1" + "0" * 30, "Số tiền quá lớn"),
        ("thue_khau_tru", "1e308", "Hãy nhập tỷ lệ phần trăm bằng chữ số"),
        ("thue_khau_tru", "1" + "0" * 30, "Tỷ lệ phần trăm phải nhỏ hơn 100%."),
        ("thue_khau_tru", "một phẩy năm", "Hãy nhập tỷ lệ phần trăm bằng chữ số"),
        ("thue_khau_tru", "-1,5", "Tỷ lệ phần trăm không được là số âm."),
    ],
)
def test_http_bad_input_gets_a_vietnamese_400(client, field, value, message):
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, **{field: value}))
    assert response.status_code == 400
    html = _html(response)
    assert message in html
    assert "Giá bán đề xuất" not in html
    assert 'value="7000"' in html  # the other entries are kept


@pytest.mark.parametrize("field", ["gia_von", "thue_khau_tru"])
def test_http_nul_byte_is_refused_without_a_result(client, field):
    # The app refuses NUL bytes before any view runs (elearn/web/inputs.py): 400, never 500.
    response = client.get(URL, query_string=dict(EXAMPLE_ARGS, **{field: "1\x005"}))
    assert response.status_code == 400
    assert "Giá bán đề xuất" not in _html(response)


def test_huge_amounts_are_refused_by_the_function():
    for huge in (Decimal("1e308"), 10**30):
        with pytest.raises(PriceInputError) as info:
            calc(huge, 0, 12, 5, 0, 0, 20, withheld_tax_pct="1.5")
        assert "quá lớn" in info.value.message


def test_http_many_fields_do_not_break_the_page(client):
    pairs = [f"x{i}=1" for i in range(3000)] + [f"{k}={v}" for k, v in EXAMPLE_ARGS.items()]
    query = "&".join(pairs)
    response = client.get(f"{URL}?{query}")
    assert response.status_code in (200, 400, 413, 414)
    assert response.status_code != 500


def test_http_repeated_field_uses_the_first_value(client):
    query = "&".join([f"{k}={v}" for k, v in EXAMPLE_ARGS.items()] + ["gia_von=1"] * 500)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert "Giá bán đề xuất: 163.000 đ" in _html(response)


def test_http_unrelated_query_args_show_the_blank_form(client):
    response = client.get(URL, query_string={"utm_source": "zalo"})
    assert response.status_code == 200
    assert "Giá bán đề xuất" not in _html(response)
