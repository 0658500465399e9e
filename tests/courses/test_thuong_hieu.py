"""Tests of the "thuong-hieu-cau-chuyen-san-pham" course module (courses/thuong_hieu).

Unit tests load courses/thuong_hieu/tools.py straight from its file, so they need
neither Flask nor the app. Tests whose names contain "http" use the `client`
fixture (a test client of the whole app) from tests/conftest.py.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.courses.tools_loader import load_tools

ROOT = Path(__file__).resolve().parents[2]
URL = "/tools/thuong_hieu/kiem-tra-nhan"


tools = load_tools("thuong_hieu")

ALL_KEYS = list(tools.ITEMS)
NON_OCOP_KEYS = [key for key, item in tools.ITEMS.items() if not item.ocop_only]
MANDATORY_NON_OCOP = [
    key for key, item in tools.ITEMS.items() if item.level == tools.BAT_BUOC and not item.ocop_only
]


def keys_of(items) -> list[str]:
    return [item.key for item in items]


# ---------------------------------------------------------------- checklist data


def test_item_keys_are_unique_ascii_and_explained():
    keys = [item.key for group in tools.GROUPS for item in group.items]
    assert len(keys) == len(set(keys))
    for group in tools.GROUPS:
        assert group.title and group.items
        for item in group.items:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", item.key)
            assert item.label.strip() and item.explanation.strip()
            assert "\n" not in item.explanation  # one line each
            assert item.level in (tools.BAT_BUOC, tools.NEN_CO)
            if item.requires is not None:
                assert item.requires in tools.ITEMS


def test_mandatory_label_items_of_decree_43_are_listed():
    mandatory = set(MANDATORY_NON_OCOP)
    for key in (
        "ten_hang_hoa",
        "to_chuc_chiu_trach_nhiem",
        "xuat_xu",
        "dinh_luong",
        "ngay_san_xuat",
        "han_su_dung",
        "thanh_phan",
        "thong_tin_canh_bao",
        "huong_dan_su_dung",
    ):
        assert key in mandatory
    # QR code and product story are recommended, never mandatory
    assert tools.ITEMS["ma_qr"].level == tools.NEN_CO
    assert tools.ITEMS["cau_chuyen_san_pham"].level == tools.NEN_CO
    assert tools.ITEMS["bieu_trung_ocop"].ocop_only


# ---------------------------------------------------------------- check_label


def test_all_ticked_certified_is_complete():
    result = tools.check_label(ALL_KEYS, certified=True)
    assert result.complete
    assert result.status == tools.DAT
    assert result.missing_mandatory == ()
    assert result.missing_recommended == ()
    assert result.problems == ()
    assert result.missing == {tools.BAT_BUOC: (), tools.NEN_CO: ()}
    assert "đủ" in result.verdict


def test_all_non_ocop_ticked_not_certified_is_complete():
    result = tools.check_label(NON_OCOP_KEYS, certified=False)
    assert result.complete
    assert result.missing_mandatory == () and result.missing_recommended == ()


def test_missing_mandatory_items_are_listed_in_order():
    ticked = [k for k in NON_OCOP_KEYS if k not in ("ten_hang_hoa", "han_su_dung")]
    result = tools.check_label(ticked, certified=False)
    assert not result.complete
    assert result.status == tools.CHUA_DAT
    assert keys_of(result.missing_mandatory) == ["ten_hang_hoa", "han_su_dung"]
    assert result.missing_recommended == ()
    assert keys_of(result.missing[tools.BAT_BUOC]) == ["ten_hang_hoa", "han_su_dung"]
    assert "2 nội dung bắt buộc" in result.verdict


def test_nothing_ticked_lists_every_mandatory_item():
    result = tools.check_label([], certified=False)
    assert keys_of(result.missing_mandatory) == MANDATORY_NON_OCOP
    assert result.status == tools.CHUA_DAT


def test_only_recommended_missing_gives_can_bo_sung():
    ticked = [k for k in NON_OCOP_KEYS if k not in ("ma_qr", "ma_vach")]
    result = tools.check_label(ticked, certified=False)
    assert result.status == tools.CAN_BO_SUNG
    assert not result.complete
    assert result.missing_mandatory == ()
    assert keys_of(result.missing_recommended) == ["ma_vach", "ma_qr"]
    assert "bắt buộc" in result.verdict and "Nên bổ sung thêm 2 mục" in result.verdict


def test_ocop_items_only_apply_when_certified():
    not_certified = tools.check_label(NON_OCOP_KEYS, certified=False)
    assert not set(keys_of(not_certified.missing_mandatory + not_certified.missing_recommended)) & (
        tools.OCOP_KEYS
    )

    certified = tools.check_label(NON_OCOP_KEYS, certified=True)
    assert keys_of(certified.missing_recommended) == ["bieu_trung_ocop"]
    assert certified.missing_mandatory == ()
    assert certified.status == tools.CAN_BO_SUNG


def test_certificate_validity_required_once_the_mark_is_printed():
    result = tools.check_label(NON_OCOP_KEYS + ["bieu_trung_ocop"], certified=True)
    assert keys_of(result.missing_mandatory) == ["chung_nhan_con_hieu_luc"]
    assert result.status == tools.CHUA_DAT

    ok = tools.check_label(NON_OCOP_KEYS + ["bieu_trung_ocop", "chung_nhan_con_hieu_luc"], True)
    assert ok.complete


def test_ocop_mark_without_certification_is_a_problem():
    result = tools.check_label(NON_OCOP_KEYS + ["bieu_trung_ocop"], certified=False)
    assert result.status == tools.CHUA_DAT
    assert len(result.problems) == 1
    assert "không được in" in result.problems[0]
    assert result.missing_mandatory == ()  # OCOP items are still not required
    assert "không được phép" in result.verdict


def test_duplicate_ticks_are_harmless():
    result = tools.check_label(ALL_KEYS + ALL_KEYS, certified=True)
    assert result.complete
    assert result.ticked == frozenset(ALL_KEYS)


def test_unknown_key_is_rejected_with_vietnamese_message():
    with pytest.raises(tools.UnknownItemError) as excinfo:
        tools.check_label(["ten_hang_hoa", "khong_co_muc_nay"], certified=False)
    message = str(excinfo.value)
    assert excinfo.value.keys == ("khong_co_muc_nay",)
    assert "khong_co_muc_nay" in message
    assert "không có trong danh sách kiểm tra nhãn" in message
    assert isinstance(excinfo.value, tools.LabelInputError)


def test_several_unknown_keys_are_all_named():
    with pytest.raises(tools.UnknownItemError) as excinfo:
        tools.check_label(["x1", "", "x1", "ten_hang_hoa"])
    assert excinfo.value.keys == ("x1", "")
    assert str(excinfo.value).startswith("Các mục")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, False), ("", False), ("0", False), ("1", True), ("on", True), ("true", True)],
)
def test_parse_certified(raw, expected):
    assert tools.parse_certified(raw) is expected


def test_parse_certified_rejects_garbage():
    with pytest.raises(tools.LabelInputError, match="không hợp lệ"):
        tools.parse_certified("maybe")


# ---------------------------------------------------------------- HTTP (needs the app)


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _checked(page: str) -> set[str]:
    return set(re.findall(r'name="item" value="([a-z_]+)" checked', page))


def test_http_checklist_page_loads(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = _page(response)
    assert "Danh sách kiểm tra nhãn sản phẩm" in page
    for key in ALL_KEYS:
        assert f'value="{key}"' in page
    assert 'name="certified"' in page
    assert 'id="ket-qua"' not in page  # no result before submitting
    assert _checked(page) == set()


def test_http_result_shown_with_ticks_kept(client):
    response = client.get(
        URL, query_string=[("kiem_tra", "1"), ("item", "ten_hang_hoa"), ("item", "xuat_xu")]
    )
    assert response.status_code == 200
    page = _page(response)
    assert 'id="ket-qua"' in page
    assert "Nhãn chưa đạt" in page
    assert 'data-item="han_su_dung"' in page  # listed as missing
    assert 'data-item="ten_hang_hoa"' not in page
    assert page.index('id="ket-qua"') < page.index('id="danh-sach"')  # result above the list
    assert _checked(page) == {"ten_hang_hoa", "xuat_xu"}


def test_http_nothing_ticked_still_gives_a_result(client):
    response = client.get(URL, query_string={"kiem_tra": "1"})
    assert response.status_code == 200
    page = _page(response)
    assert 'data-status="chua_dat"' in page
    assert f"còn thiếu {len(MANDATORY_NON_OCOP)} nội dung bắt buộc" in page


def test_http_certified_flag_adds_ocop_items_and_stays_ticked(client):
    query = [("kiem_tra", "1"), ("certified", "1")] + [("item", k) for k in NON_OCOP_KEYS]
    page = _page(client.get(URL, query_string=query))
    assert 'data-status="can_bo_sung"' in page
    assert 'data-item="bieu_trung_ocop"' in page
    assert re.search(r'name="certified" value="1" checked', page)
    assert _checked(page) == set(NON_OCOP_KEYS)


def test_http_all_ticked_is_complete(client):
    query = [("certified", "1")] + [("item", k) for k in ALL_KEYS]
    page = _page(client.get(URL, query_string=query))
    assert 'data-status="dat"' in page
    assert "Nhãn đã có đủ các mục trong danh sách kiểm tra." in page


def test_http_unknown_key_is_400_with_message(client):
    response = client.get(URL, query_string=[("item", "ten_hang_hoa"), ("item", "bua_bai")])
    assert response.status_code == 400
    page = _page(response)
    assert "“bua_bai” không có trong danh sách kiểm tra nhãn" in page
    assert _checked(page) == {"ten_hang_hoa"}  # known ticks are kept


def test_http_bad_certified_value_is_400(client):
    response = client.get(URL, query_string={"certified": "maybe"})
    assert response.status_code == 400
    assert "không hợp lệ" in _page(response)
