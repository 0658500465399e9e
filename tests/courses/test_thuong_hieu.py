"""Tests of the "thuong-hieu-cau-chuyen-san-pham" course module (courses/thuong_hieu).

Unit tests load courses/thuong_hieu/tools.py straight from its file, so they need
neither Flask nor the app. Tests whose names contain "http" use the `client`
fixture (a test client of the whole app) from tests/conftest.py.

The label examples are the worked examples of the lesson
package/lessons/noi-dung-bat-buoc-tren-nhan.md; a test checks the lesson still
tells them the same way.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.courses.tools_loader import load_tools

ROOT = Path(__file__).resolve().parents[2]
URL = "/tools/thuong_hieu/kiem-tra-nhan"
LESSON = ROOT / "courses/thuong_hieu/package/lessons/noi-dung-bat-buoc-tren-nhan.md"

tools = load_tools("thuong_hieu")

COMMON = ["ten_hang_hoa", "to_chuc_chiu_trach_nhiem", "xuat_xu", "tieng_viet", "de_doc"]
SALES = ["thuong_hieu_logo", "thong_tin_lien_he", "ma_vach", "ma_qr", "cau_chuyen_san_pham"]
FOOD_ITEMS = ["ngay_san_xuat", "han_su_dung", "thanh_phan"]


def keys_of(items) -> list[str]:
    return [item.key for item in items]


def mandatory(product_key: str, conditions=()) -> list[str]:
    return [
        item.key
        for item in tools.applicable_items(product_key, conditions=conditions)
        if item.level == tools.BAT_BUOC
    ]


def non_ocop(product_key: str, conditions=()) -> list[str]:
    return keys_of(tools.applicable_items(product_key, conditions=conditions))


# ---------------------------------------------------------------- checklist data


def test_product_types_cover_the_annex_rows_of_the_brief():
    rows = {t.key: t.annex_row for t in tools.PRODUCT_TYPES}
    assert rows == {
        "thuc_pham": 2,
        "luong_thuc": 1,
        "thuc_pham_bvsk": 3,
        "do_uong": 6,
        "ruou": 7,
        "my_pham": 14,
        "do_go": 32,
        "gom_su": 33,
        "thu_cong_my_nghe": 34,
    }
    assert set(tools.OCOP_GROUPS) == {"Thực phẩm", "Đồ uống", "Thảo dược", "Thủ công mỹ nghệ"}


@pytest.mark.parametrize("product", [t.key for t in tools.PRODUCT_TYPES])
def test_items_are_unique_ascii_explained_and_sourced(product):
    keys = [item.key for group in tools.groups_for(product) for item in group.items]
    assert len(keys) == len(set(keys))
    for group in tools.groups_for(product):
        assert group.title and group.items and group.note
        for item in group.items:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", item.key)
            assert item.label.strip() and item.explanation.strip()
            assert "\n" not in item.explanation
            assert item.level in (tools.BAT_BUOC, tools.NEN_CO)
            if item.level == tools.BAT_BUOC:
                assert item.source, item.key  # every mandatory row cites its source
            if item.requires is not None:
                assert item.requires in tools.items_for(product)
            if item.condition is not None:
                assert item.condition in tools.CONDITIONS


@pytest.mark.parametrize("product", [t.key for t in tools.PRODUCT_TYPES])
def test_common_items_cite_article_10_and_type_items_cite_their_annex_row(product):
    groups = {g.key: g for g in tools.groups_for(product)}
    for item in groups["chung"].items:
        assert "Điều 10 khoản 1" in item.source
    row = tools.TYPES[product].annex_row
    for item in groups["loai_hang"].items:
        assert "Phụ lục I" in item.source and f"dòng {row}," in item.source
        assert "111/2021" in item.source


def test_rice_row_1_is_the_short_list():
    assert mandatory("luong_thuc") == COMMON[:3] + [
        "dinh_luong",
        "ngay_san_xuat",
        "han_su_dung",
        "tieng_viet",
        "de_doc",
        "thu_tu_ngay",
    ]
    assert "thong_tin_canh_bao" in mandatory("luong_thuc", ["co_canh_bao"])


def test_wine_row_7_needs_ethanol_not_production_date():
    items = tools.items_for("ruou")
    assert "do_con" in mandatory("ruou")
    assert "ngay_san_xuat" not in items
    assert "thanh_phan" not in items
    # each "(nếu có)" of the annex row becomes a condition
    assert {c.key for c in tools.conditions_for("ruou")} == {
        "ruou_co_han",
        "ruou_vang",
        "co_canh_bao",
        "ruou_co_ma_lo",
    }
    assert mandatory("ruou") == COMMON[:3] + ["dinh_luong", "do_con", "tieng_viet", "de_doc"]
    with_all = mandatory("ruou", ["ruou_co_han", "ruou_vang", "co_canh_bao", "ruou_co_ma_lo"])
    for key in ("han_su_dung", "huong_dan_bao_quan_vang", "thong_tin_canh_bao", "ma_lo"):
        assert key in with_all
    assert "thu_tu_ngay" in with_all  # a date on the label follows the date-order rule


def test_health_supplement_row_3_needs_the_not_a_medicine_phrase():
    item = tools.items_for("thuc_pham_bvsk")["khong_phai_thuoc"]
    assert item.level == tools.BAT_BUOC
    assert "Thực phẩm này không phải là thuốc, không có tác dụng thay thế thuốc chữa bệnh" in (
        item.label
    )
    assert "cum_tu_tpbvsk" in mandatory("thuc_pham_bvsk")


def test_cosmetics_row_14_needs_a_lot_number():
    assert "so_lo" in mandatory("my_pham")
    assert "huong_dan_su_dung" in mandatory("my_pham")
    assert "huong_dan_su_dung" not in mandatory("my_pham", ["cach_dung_da_ro"])
    assert "ngay_het_han" in mandatory("my_pham", ["on_dinh_duoi_30_thang"])


@pytest.mark.parametrize("product", ["do_go", "gom_su", "thu_cong_my_nghe"])
def test_crafts_rows_32_to_34_have_no_food_items(product):
    items = tools.items_for(product)
    for key in FOOD_ITEMS + ["dinh_luong", "thu_tu_ngay"]:
        assert key not in items
    assert mandatory(product) == COMMON[:3] + [
        "thanh_phan_vat_lieu",
        "thong_so_ky_thuat",
        "huong_dan_su_dung_bao_quan",
        "tieng_viet",
        "de_doc",
    ]


def test_qr_story_and_ocop_mark_are_never_mandatory():
    for product in tools.TYPES:
        items = tools.items_for(product)
        assert items["ma_qr"].level == tools.NEN_CO
        assert items["cau_chuyen_san_pham"].level == tools.NEN_CO
        assert items["bieu_trung_ocop"].ocop_only and items["bieu_trung_ocop"].level == tools.NEN_CO


# ---------------------------------------------------------------- the lesson's examples


def test_lesson_example_fish_sauce_phu_quoc_passes():
    ticked = non_ocop("thuc_pham")
    result = tools.check_label("thuc_pham", ticked)
    assert result.complete and result.status == tools.DAT
    assert "thực phẩm thông thường" in result.verdict


def test_lesson_example_corn_liquor_without_ethanol_fails():
    ticked = [k for k in non_ocop("ruou") if k != "do_con"]
    result = tools.check_label("ruou", ticked)
    assert result.status == tools.CHUA_DAT
    assert keys_of(result.missing_mandatory) == ["do_con"]
    assert "1 nội dung bắt buộc" in result.verdict


def test_lesson_example_corn_liquor_with_ethanol_and_no_date_passes():
    result = tools.check_label("ruou", COMMON + ["dinh_luong", "do_con"])
    assert result.missing_mandatory == ()
    assert result.status == tools.CAN_BO_SUNG  # only the selling items are missing
    assert "ngay_san_xuat" not in result.ticked
    assert set(keys_of(result.not_applicable)) == {
        "han_su_dung",
        "huong_dan_bao_quan_vang",
        "thong_tin_canh_bao",
        "ma_lo",
        "thu_tu_ngay",
    }


def test_lesson_example_sim_wine_needs_storage_instructions():
    ticked = COMMON + ["dinh_luong", "do_con", "ma_lo"]
    result = tools.check_label("ruou", ticked, conditions=["ruou_vang", "ruou_co_ma_lo"])
    assert keys_of(result.missing_mandatory) == ["huong_dan_bao_quan_vang"]
    ok = tools.check_label(
        "ruou", ticked + ["huong_dan_bao_quan_vang"], conditions=["ruou_vang", "ruou_co_ma_lo"]
    )
    assert ok.missing_mandatory == ()


def test_lesson_example_sedge_basket_passes_without_food_items():
    ticked = COMMON + ["thanh_phan_vat_lieu", "thong_so_ky_thuat", "huong_dan_su_dung_bao_quan"]
    result = tools.check_label("thu_cong_my_nghe", ticked + SALES)
    assert result.complete
    assert not set(FOOD_ITEMS) & set(keys_of(result.missing_mandatory))


def test_lesson_example_bat_trang_tea_set_without_specifications_fails():
    ticked = COMMON + ["thanh_phan_vat_lieu", "huong_dan_su_dung_bao_quan", "thong_tin_canh_bao"]
    result = tools.check_label("gom_su", ticked, conditions=["co_canh_bao"])
    assert keys_of(result.missing_mandatory) == ["thong_so_ky_thuat"]


def test_lesson_example_soapberry_shampoo_without_lot_number_fails():
    ticked = [k for k in non_ocop("my_pham") if k != "so_lo"]
    result = tools.check_label("my_pham", ticked)
    assert keys_of(result.missing_mandatory) == ["so_lo"]


def test_lesson_example_rice_passes_without_ingredients():
    result = tools.check_label("luong_thuc", non_ocop("luong_thuc"))
    assert result.complete
    assert "thanh_phan" not in tools.items_for("luong_thuc")


def test_lesson_example_turmeric_capsules_without_phrase_fails():
    ticked = [k for k in non_ocop("thuc_pham_bvsk") if k != "khong_phai_thuoc"]
    result = tools.check_label("thuc_pham_bvsk", ticked)
    assert keys_of(result.missing_mandatory) == ["khong_phai_thuoc"]


def test_the_lesson_tells_every_row_the_tool_checks():
    text = LESSON.read_text(encoding="utf-8").lower()
    for product in tools.PRODUCT_TYPES:
        assert f"dòng {product.annex_row}" in text, product.key
        assert product.title.lower() in text, product.key
        for item in product.items:
            assert item.label.split(" (")[0].lower() in text, (product.key, item.key)
    for phrase in (
        "điều 10",
        "111/2021",
        "không bắt buộc ghi ngày sản xuất",
        "chú thích thứ tự",
        "vang sim",
        "bát tràng",
        "cói",
        "bồ kết",
        "không phải là thuốc",
    ):
        assert phrase in text, phrase


# ---------------------------------------------------------------- check_label rules


def test_nothing_ticked_lists_every_mandatory_item_in_order():
    result = tools.check_label("thuc_pham", [])
    assert keys_of(result.missing_mandatory) == mandatory("thuc_pham")
    assert result.status == tools.CHUA_DAT


def test_only_recommended_missing_gives_can_bo_sung():
    ticked = [k for k in non_ocop("do_uong") if k not in ("ma_qr", "ma_vach")]
    result = tools.check_label("do_uong", ticked)
    assert result.status == tools.CAN_BO_SUNG
    assert keys_of(result.missing_recommended) == ["ma_vach", "ma_qr"]
    assert "Nên bổ sung thêm 2 mục" in result.verdict


def test_ocop_items_only_apply_when_certified():
    ticked = non_ocop("gom_su")
    assert tools.check_label("gom_su", ticked).complete
    certified = tools.check_label("gom_su", ticked, certified=True)
    assert keys_of(certified.missing_recommended) == ["bieu_trung_ocop"]
    marked = tools.check_label("gom_su", ticked + ["bieu_trung_ocop"], certified=True)
    assert keys_of(marked.missing_mandatory) == ["chung_nhan_con_hieu_luc"]
    ok = tools.check_label(
        "gom_su", ticked + ["bieu_trung_ocop", "chung_nhan_con_hieu_luc"], certified=True
    )
    assert ok.complete


def test_ocop_mark_without_certification_is_a_problem():
    result = tools.check_label("thuc_pham", non_ocop("thuc_pham") + ["bieu_trung_ocop"])
    assert result.status == tools.CHUA_DAT
    assert len(result.problems) == 1 and "không được in" in result.problems[0]
    assert result.missing_mandatory == ()
    assert "không được phép" in result.verdict


def test_ticking_an_item_whose_condition_is_off_is_harmless():
    result = tools.check_label("ruou", non_ocop("ruou") + ["ma_lo", "han_su_dung"])
    assert result.complete


def test_duplicate_ticks_are_harmless():
    keys = non_ocop("do_go")
    assert tools.check_label("do_go", keys + keys).complete


def test_unknown_product_type_is_rejected_in_vietnamese():
    with pytest.raises(tools.UnknownProductTypeError) as excinfo:
        tools.check_label("xe_may", [])
    assert "“xe_may” không có trong danh sách" in str(excinfo.value)
    assert isinstance(excinfo.value, tools.LabelInputError)


def test_food_item_on_a_basket_is_an_unknown_item():
    with pytest.raises(tools.UnknownItemError) as excinfo:
        tools.check_label("thu_cong_my_nghe", ["ten_hang_hoa", "han_su_dung"])
    assert excinfo.value.keys == ("han_su_dung",)
    assert "hàng thủ công mỹ nghệ" in str(excinfo.value).lower()


def test_several_unknown_keys_are_all_named():
    with pytest.raises(tools.UnknownItemError) as excinfo:
        tools.check_label("thuc_pham", ["x1", "", "x1", "ten_hang_hoa"])
    assert excinfo.value.keys == ("x1", "")
    assert str(excinfo.value).startswith("Các mục")


def test_condition_of_another_type_is_rejected():
    with pytest.raises(tools.UnknownConditionError):
        tools.check_label("thuc_pham", [], conditions=["ruou_vang"])


def test_too_many_values_are_rejected():
    with pytest.raises(tools.LabelInputError, match="quá nhiều"):
        tools.check_label("thuc_pham", ["ten_hang_hoa"] * (tools.MAX_VALUES + 1))


def test_control_characters_are_not_echoed():
    with pytest.raises(tools.UnknownProductTypeError) as excinfo:
        tools.get_type("ru\x00ou" + "x" * 200)
    message = str(excinfo.value)
    assert "\x00" not in message and len(message) < 300


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, False), ("", False), ("0", False), ("1", True), ("on", True), ("true", True)],
)
def test_parse_certified(raw, expected):
    assert tools.parse_certified(raw) is expected


def test_parse_certified_rejects_garbage():
    with pytest.raises(tools.LabelInputError, match="không hợp lệ"):
        tools.parse_certified("maybe\x00")


# ---------------------------------------------------------------- HTTP (needs the app)


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _checked(page: str, name: str = "item") -> set[str]:
    return set(re.findall(rf'name="{name}" value="([a-z_0-9]+)" checked', page))


def test_http_first_page_asks_for_the_product_type(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = _page(response)
    assert 'id="chon-loai"' in page and 'id="danh-sach"' not in page
    for product in tools.PRODUCT_TYPES:
        assert f'name="loai" value="{product.key}"' in page
    assert 'id="ket-qua"' not in page


def test_http_checklist_of_the_chosen_type(client):
    response = client.get(URL, query_string={"loai": "ruou"})
    assert response.status_code == 200
    page = _page(response)
    assert 'name="loai" value="ruou"' in page  # the chosen type is kept in the form
    for key in tools.items_for("ruou"):
        assert f'name="item" value="{key}"' in page
    assert 'value="ngay_san_xuat"' not in page
    for condition in tools.conditions_for("ruou"):
        assert f'name="dk" value="{condition.key}"' in page
    assert "Phụ lục I, dòng 7" in page
    assert 'id="ket-qua"' not in page


def test_http_liquor_without_ethanol_fails(client):
    query = [("loai", "ruou"), ("kiem_tra", "1")] + [
        ("item", k) for k in non_ocop("ruou") if k != "do_con"
    ]
    response = client.get(URL, query_string=query)
    assert response.status_code == 200
    page = _page(response)
    assert 'data-status="chua_dat"' in page
    assert 'data-item="do_con"' in page
    assert "dòng 7, điểm b" in page  # the missing row cites its source
    assert page.index('id="ket-qua"') < page.index('id="danh-sach"')


def test_http_basket_with_its_own_items_passes(client):
    query = [("loai", "thu_cong_my_nghe")] + [("item", k) for k in non_ocop("thu_cong_my_nghe")]
    page = _page(client.get(URL, query_string=query))
    assert 'data-status="dat"' in page
    assert _checked(page) == set(non_ocop("thu_cong_my_nghe"))


def test_http_conditions_and_certified_stay_ticked(client):
    query = [
        ("loai", "ruou"),
        ("kiem_tra", "1"),
        ("certified", "1"),
        ("dk", "ruou_vang"),
        ("item", "do_con"),
    ]
    page = _page(client.get(URL, query_string=query))
    assert _checked(page, "dk") == {"ruou_vang"}
    assert _checked(page) == {"do_con"}
    assert re.search(r'name="certified" value="1" checked', page)
    assert 'data-item="huong_dan_bao_quan_vang"' in page
    assert 'data-item="bieu_trung_ocop"' in page  # recommended once certified


def test_http_nothing_ticked_still_gives_a_result(client):
    response = client.get(URL, query_string={"loai": "gom_su", "kiem_tra": "1"})
    assert response.status_code == 200
    page = _page(response)
    assert 'data-status="chua_dat"' in page
    assert f"còn thiếu {len(mandatory('gom_su'))} nội dung bắt buộc" in page


def test_http_unknown_type_is_400_with_the_chooser(client):
    response = client.get(URL, query_string={"loai": "xe_may", "kiem_tra": "1"})
    assert response.status_code == 400
    page = _page(response)
    assert "Loại sản phẩm “xe_may” không có trong danh sách" in page
    assert 'id="chon-loai"' in page


def test_http_items_without_a_type_is_400(client):
    response = client.get(URL, query_string=[("item", "ten_hang_hoa"), ("kiem_tra", "1")])
    assert response.status_code == 400
    assert "chưa chọn loại sản phẩm" in _page(response)


def test_http_unknown_key_is_400_and_known_ticks_are_kept(client):
    query = [("loai", "thu_cong_my_nghe"), ("item", "ten_hang_hoa"), ("item", "han_su_dung")]
    response = client.get(URL, query_string=query)
    assert response.status_code == 400
    page = _page(response)
    assert "“han_su_dung” không có trong danh sách kiểm tra nhãn" in page
    assert _checked(page) == {"ten_hang_hoa"}
    assert 'name="loai" value="thu_cong_my_nghe"' in page


def test_http_bad_certified_value_is_400(client):
    response = client.get(URL, query_string={"loai": "ruou", "certified": "maybe"})
    assert response.status_code == 400
    assert "không hợp lệ" in _page(response)


@pytest.mark.parametrize(
    "query",
    [
        {"loai": "ruou", "dk": "1e308"},
        {"loai": "ruou", "certified": "10" * 15},
        {"loai": "x" * 5000},
        {"loai": "", "kiem_tra": "1"},
        {"loai": "-1"},
    ],
)
def test_http_bad_input_is_400_never_500(client, query):
    response = client.get(URL, query_string=query)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page


@pytest.mark.parametrize("query", [{"loai": "ru\x00ou"}, {"loai": "ruou", "item": "do\x00con"}])
def test_http_nul_bytes_are_refused(client, query):
    # The app refuses NUL bytes before any view runs (elearn/web/inputs.py).
    response = client.get(URL, query_string=query)
    assert response.status_code == 400
    assert "\x00" not in response.get_data(as_text=True)


def test_http_too_many_fields_is_400(client):
    query = [("loai", "thuc_pham")] + [("item", "ten_hang_hoa")] * (tools.MAX_VALUES + 1)
    response = client.get(URL, query_string=query)
    assert response.status_code == 400
    assert "quá nhiều ô đánh dấu" in _page(response)


def test_http_course_link_is_kept(client):
    page = _page(client.get(URL, query_string={"course": "thuong-hieu-cau-chuyen-san-pham"}))
    assert 'name="course" value="thuong-hieu-cau-chuyen-san-pham"' in page
