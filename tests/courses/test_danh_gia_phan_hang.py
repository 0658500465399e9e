"""Tests of the "danh-gia-phan-hang-san-pham-ocop" course module (courses/danh_gia_phan_hang).

Unit tests load courses/danh_gia_phan_hang/tools.py straight from its file (no Flask);
tests whose names contain "http" use the `client` fixture (tests/conftest.py).
The worked example is the council of five members in the lesson
"phien-hop-hoi-dong.md": the lesson's numbers and these must agree.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.courses.tools_loader import load_tools

ROOT = Path(__file__).resolve().parents[2]
URL = "/tools/danh_gia_phan_hang/phieu-hoi-dong"
LESSON = ROOT / "courses/danh_gia_phan_hang/package/lessons/phien-hop-hoi-dong.md"
FONTS = {
    "": ROOT / "elearn/certificates/fonts/NotoSans-Regular.ttf",
    "B": ROOT / "elearn/certificates/fonts/NotoSans-Bold.ttf",
}

tools = load_tools("danh_gia_phan_hang")
D = Decimal

# The lesson's council: first round, then after discussion (members 4 and 5 re-score).
FIRST_ROUND = [
    ("Bà Lò Thị Hoa", (30, 18, 26)),
    ("Ông Nguyễn Văn Tâm", (32, 19, 27)),
    ("Bà Trần Thu Hà", (29, 17, 25)),
    ("Ông Phạm Quốc Việt", (33, 20, 28)),
    ("Bà Giàng Thị Mai", (28, 16, 24)),
]
SECOND_ROUND = FIRST_ROUND[:3] + [
    ("Ông Phạm Quốc Việt", (31, 19, 27)),
    ("Bà Giàng Thị Mai", (30, 17, 25)),
]


def members(rows, mandatory=None):
    mandatory = mandatory or [True] * len(rows)
    return [
        tools.Member(name, tuple(D(s) for s in scores), ok)
        for (name, scores), ok in zip(rows, mandatory, strict=True)
    ]


def form_for(rows, mandatory=None, **extra):
    mandatory = mandatory or ["dat"] * len(rows)
    data = {"san_pham": "Chè shan tuyết Suối Giàng", "nhom": "do-uong", "action": "tong-hop"}
    for i, ((name, (a, b, c)), ok) in enumerate(zip(rows, mandatory, strict=True), start=1):
        data.update({f"ten_{i}": name, f"a_{i}": str(a), f"b_{i}": str(b), f"c_{i}": str(c)})
        data[f"bb_{i}"] = ok
    data.update(extra)
    return data


# ---------------------------------------------------------------- rules


def test_parts_and_bands_follow_decision_148():
    assert [(p.code, p.max_points) for p in tools.PARTS] == [("A", 40), ("B", 25), ("C", 35)]
    assert [b.min_points for b in tools.BANDS] == [0, 30, 50, 70, 90]
    assert len(tools.GROUPS) == 6


@pytest.mark.parametrize(
    "points, stars",
    [("0", 1), ("29.99", 1), ("30", 2), ("49.99", 2), ("50", 3), ("69.99", 3), ("70", 4),
     ("89.99", 4), ("90", 5), ("100", 5)],
)  # fmt: skip
def test_star_band_does_not_round_up(points, stars):
    assert tools.star_band(D(points)).stars == stars


def test_lesson_first_round_needs_discussion():
    summary = tools.summarise(members(FIRST_ROUND))
    assert [m for m in (s.mean for s in summary.parts)] == [D("30.4"), D("18"), D("26")]
    assert summary.mean_total == D("74.4")
    assert summary.total.spread == 13
    assert summary.total.needs_discussion
    assert summary.flagged_members == (3, 4)  # 81 and 68 points
    assert [p.needs_discussion for p in summary.parts] == [True, True, True]
    assert summary.band.stars == 4
    assert summary.status == "thao-luan"


def test_lesson_second_round_is_recognised_four_stars():
    summary = tools.summarise(members(SECOND_ROUND))
    assert [m.total for m in members(SECOND_ROUND)] == [74, 78, 71, 77, 72]
    assert summary.mean_total == D("74.4")
    assert summary.total.spread == 7
    assert not summary.total.needs_discussion
    assert [p.spread for p in summary.parts] == [3, 2, 2]
    assert not any(p.needs_discussion for p in summary.parts)
    assert summary.status == "cong-nhan"
    assert summary.band.stars == 4
    assert "74,4" in summary.verdict and "4 sao" in summary.verdict


def test_spread_of_exactly_ten_is_allowed():
    rows = [("X", (30, 20, 30)), ("Y", (25, 18, 27))]  # 80 and 70
    summary = tools.summarise(members(rows))
    assert summary.total.spread == 10 and not summary.total.needs_discussion


def test_mandatory_criteria_not_met_by_all_means_not_recognised():
    summary = tools.summarise(members(SECOND_ROUND, [False] * 5))
    assert summary.status == "khong-cong-nhan"
    assert "chưa đạt tiêu chí bắt buộc" in summary.verdict


def test_split_opinion_on_mandatory_criteria_needs_discussion():
    summary = tools.summarise(members(SECOND_ROUND, [True, True, False, True, True]))
    assert summary.status == "thao-luan"
    assert summary.mandatory_no == 1
    assert "1 trên 5" in summary.verdict


def test_below_fifty_is_never_recognised():
    rows = [("X", (20, 10, 15)), ("Y", (22, 11, 16))]
    summary = tools.summarise(members(rows))
    assert summary.band.stars == 2
    assert summary.status == "khong-cong-nhan"


def test_ninety_and_above_goes_to_the_ministry():
    rows = [("X", (38, 24, 32)), ("Y", (37, 23, 31))]  # 94 and 91
    summary = tools.summarise(members(rows))
    assert summary.band.stars == 5
    assert "Bộ Nông nghiệp và Môi trường" in summary.verdict


def test_member_count_limits():
    with pytest.raises(ValueError):
        tools.summarise(members(FIRST_ROUND[:1]))
    with pytest.raises(ValueError):
        tools.summarise(members(FIRST_ROUND * 4))


@pytest.mark.parametrize(
    "raw, message",
    [("", "còn trống"), ("  ", "còn trống"), ("abc", "con số"), ("-3", "số âm"),
     ("41", "tối đa 40"), ("1e308", "con số"), ("1" + "0" * 30, "con số"), ("nan", "con số"),
     ("Infinity", "con số"), ("12,345", "con số"), ("3\x00", "con số")],
)  # fmt: skip
def test_parse_score_rejects_bad_input_in_vietnamese(raw, message):
    with pytest.raises(tools.ScoreError, match=message):
        tools.parse_score(raw, tools.PARTS[0], "thành viên 1")


@pytest.mark.parametrize("raw, value", [("32", "32"), ("32,5", "32.5"), ("32.25", "32.25")])
def test_parse_score_accepts_decimal_comma_and_point(raw, value):
    assert tools.parse_score(raw, tools.PARTS[0], "x") == D(value)


def test_format_points_is_vietnamese():
    assert tools.format_points(D("74.4")) == "74,4"
    assert tools.format_points(D("70")) == "70"
    assert tools.format_points(D("30.125")) == "30,13"


def test_parse_sheet_skips_blank_rows_and_reads_the_example():
    data = form_for(SECOND_ROUND, ten_6="", a_6="", b_6="", c_6="", bb_6="")
    sheet, errors = tools.parse_sheet(data)
    assert errors == {}
    assert len(sheet.members) == 5
    assert sheet.group_name == "Đồ uống"


def test_parse_sheet_refuses_too_many_members_and_fields():
    _, errors = tools.parse_sheet(form_for(SECOND_ROUND, a_16="3"))
    assert "tối đa 15" in errors["_form"]
    _, errors = tools.parse_sheet({f"x{i}": "1" for i in range(200)})
    assert "quá nhiều ô" in errors["_form"]


# ---------------------------------------------------------------- PDF


def test_pdf_record_starts_with_pdf_and_names_the_product():
    sheet, errors = tools.parse_sheet(form_for(SECOND_ROUND, hoi_dong="Hội đồng tỉnh Lào Cai"))
    assert errors == {}
    summary = tools.summarise(sheet.members)
    data = tools.render_minutes_pdf(
        sheet, summary, fonts=FONTS, printed_at="2/12/2026 09:30", compress=False
    )
    assert data.startswith(b"%PDF")
    assert b"FlateDecode" not in data.split(b"/FontFile2")[0]  # page content not compressed
    compressed = tools.render_minutes_pdf(sheet, summary, fonts=FONTS, printed_at="x")
    assert compressed.startswith(b"%PDF") and len(compressed) < len(data)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(compressed)).pages)
    text = " ".join(text.split())
    for expected in (
        "BIÊN BẢN TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM",
        "Chè shan tuyết Suối Giàng",
        "Hội đồng tỉnh Lào Cai",
        "Ông Nguyễn Văn Tâm",
        "74,4",
        "4 sao",
        "Đề nghị công nhận",
    ):
        assert expected in text, expected


def test_pdf_record_marks_members_to_discuss():
    sheet, _ = tools.parse_sheet(form_for(FIRST_ROUND))
    data = tools.render_minutes_pdf(
        sheet, tools.summarise(sheet.members), fonts=FONTS, printed_at="2/12/2026 09:30"
    )
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Chưa kết luận" in text and "(*)" in text and "13" in text


# ---------------------------------------------------------------- lesson agrees


def test_lesson_prints_the_same_figures():
    text = " ".join(LESSON.read_text(encoding="utf-8").replace("**", "").split())
    for figure in (
        "| 33 | 20 | 28 | 81 |",
        "| 28 | 16 | 24 | 68 |",
        "30,4",
        "74,4",
        "chênh 13 điểm",
        "chênh còn 7 điểm",
        "tổng 77",
        "tổng 72",
    ):
        assert figure in text, figure


# ---------------------------------------------------------------- HTTP


def test_http_get_shows_empty_form(client):
    response = client.get(URL + "?so=7")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="ten_7"' in page and 'name="ten_8"' not in page
    assert "không lưu gì" in page


@pytest.mark.parametrize("so", ["", "abc", "0", "999", "-1", "1e9"])
def test_http_get_bad_row_counts_fall_back(client, so):
    assert client.get(URL + "?so=" + so).status_code == 200


def test_http_post_summarises_the_worked_example(client):
    url = URL + "?course=danh-gia-phan-hang-san-pham-ocop"
    response = client.post(url, data=form_for(FIRST_ROUND))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-status="thao-luan"' in page and 'data-mean="74,4"' in page
    assert "cần trình bày căn cứ" in page
    response = client.post(URL, data=form_for(SECOND_ROUND))
    assert 'data-status="cong-nhan"' in response.get_data(as_text=True)


def test_http_post_pdf(client):
    response = client.post(URL, data=form_for(SECOND_ROUND, action="pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "che-shan-tuyet-suoi-giang" in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "field, value, message",
    [("a_2", "", "còn trống"), ("a_2", "ba mươi", "con số"), ("b_2", "26", "tối đa 25"),
     ("c_2", "-1", "số âm"), ("a_2", "1e308", "con số"), ("c_2", "1" + "0" * 30, "con số"),
     ("bb_2", "", "đạt hay chưa đạt"),
     ("san_pham", "", "tên sản phẩm"), ("nhom", "vai", "sáu nhóm")],
)  # fmt: skip
def test_http_bad_input_is_400_in_vietnamese_and_keeps_entries(client, field, value, message):
    data = form_for(SECOND_ROUND)
    data[field] = value
    response = client.post(URL, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Ông Nguyễn Văn Tâm"' in page  # the other entries are kept
    assert 'name="a_4" inputmode="decimal" autocomplete="off" size="6" value="31"' in page


def test_http_nul_bytes_are_400_in_vietnamese(client):
    # Refused by the platform's boundary (elearn/web/inputs.py) before the view runs.
    data = form_for(SECOND_ROUND)
    data["a_2"] = "3\x002"
    response = client.post(URL, data=data)
    assert response.status_code == 400
    assert "ký tự rỗng" in response.get_data(as_text=True)


def test_parse_sheet_refuses_nul_bytes_itself():
    data = form_for(SECOND_ROUND)
    data["ten_1"] = "A\x00B"
    sheet, errors = tools.parse_sheet(data)
    assert sheet is None and "ký tự rỗng" in errors["ten_1"]


def test_http_too_many_members_is_400(client):
    data = form_for(SECOND_ROUND, ten_16="X", a_16="30", b_16="20", c_16="30", bb_16="dat")
    response = client.post(URL, data=data)
    assert response.status_code == 400
    assert "tối đa 15" in response.get_data(as_text=True)


def test_http_one_member_is_400(client):
    response = client.post(URL, data=form_for(SECOND_ROUND[:1]))
    assert response.status_code == 400
    assert "ít nhất 2" in response.get_data(as_text=True)


def test_http_too_many_fields_is_400(client):
    data = form_for(SECOND_ROUND)
    data.update({f"x{i}": "1" for i in range(150)})
    response = client.post(URL, data=data)
    assert response.status_code == 400


def test_http_post_without_csrf_token_is_refused(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(URL, data=form_for(SECOND_ROUND, action="pdf"))
        assert response.status_code == 400
        assert not response.data.startswith(b"%PDF")
        page = client.get(URL).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        ok = client.post(URL, data=form_for(SECOND_ROUND, csrf_token=token))
        assert ok.status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
