"""The certificate PDF: one A4 landscape page whose text layer has the Vietnamese text."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from elearn.certificates.pdf import render_certificate
from elearn.core.formats import format_long_date as format_date

NAME = "Nguyễn Thị Hoà Bình"
COURSE = "Thương mại điện tử cho sản phẩm OCOP"
CODE = "7KQ4M9XB2HTRWC"
URL = "https://elearn.example.vn/chung-nhan/7KQ4M9XB2HTRWC"
ARGS = dict(
    learner_name=NAME,
    course_title=COURSE,
    issued_on=date(2026, 11, 23),
    organisation="Trung tâm Đào tạo OCOP",
    code=CODE,
    verify_url=URL,
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return nfc(read(pdf).pages[0].extract_text())


@pytest.fixture(scope="module")
def vi_pdf() -> bytes:
    return render_certificate(**ARGS)


@pytest.fixture(scope="module")
def en_pdf() -> bytes:
    return render_certificate(**ARGS, language="en")


def test_is_a_pdf(vi_pdf):
    assert vi_pdf.startswith(b"%PDF")
    assert isinstance(vi_pdf, bytes)


@pytest.mark.parametrize("fixture", ["vi_pdf", "en_pdf"])
def test_one_landscape_a4_page(request, fixture):
    reader = read(request.getfixturevalue(fixture))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(841.89, abs=0.01)
    assert float(box.height) == pytest.approx(595.28, abs=0.01)


def test_vietnamese_text_layer(vi_pdf):
    text = text_of(vi_pdf)
    assert nfc(NAME) in text
    assert nfc(COURSE) in text
    assert "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC" in text
    assert "Chứng nhận" in text
    assert "đã hoàn thành khóa học" in text
    assert "ngày 23 tháng 11 năm 2026" in text
    assert "Trung tâm Đào tạo OCOP" in text
    assert "7KQ4-M9XB-2HTR-WC" in text
    assert "Kiểm tra tính xác thực tại" in text
    assert URL in text


def test_english_text_layer(en_pdf):
    text = text_of(en_pdf)
    assert "CERTIFICATE OF COURSE COMPLETION" in text
    assert "This certifies that" in text
    assert nfc(NAME) in text
    assert "has completed the course" in text
    assert nfc(COURSE) in text
    assert "23 November 2026" in text
    assert "Verify at" in text
    assert "7KQ4-M9XB-2HTR-WC" in text


def test_metadata(vi_pdf):
    meta = read(vi_pdf).metadata
    assert meta.author == "Trung tâm Đào tạo OCOP"
    assert NAME in meta.title and COURSE in meta.title
    assert meta.subject == "7KQ4-M9XB-2HTR-WC"
    assert meta.creation_date.date() == date(2026, 11, 23)


def test_qr_area_links_to_the_verify_url(vi_pdf):
    page = read(vi_pdf).pages[0]
    uris = [annot.get_object()["/A"]["/URI"] for annot in page.get("/Annots", [])]
    assert URL in uris


def test_same_inputs_same_bytes(vi_pdf):
    assert render_certificate(**ARGS) == vi_pdf
    assert render_certificate(**{**ARGS, "code": "ABCDEFGHJKMNPQ"}) != vi_pdf
    assert render_certificate(**{**ARGS, "issued_on": date(2026, 11, 24)}) != vi_pdf


def test_code_may_be_given_formatted_or_lower_case(vi_pdf):
    assert render_certificate(**{**ARGS, "code": "7kq4-m9xb-2htr-wc"}) == vi_pdf


def test_decomposed_input_is_printed_composed(vi_pdf):
    nfd = unicodedata.normalize("NFD", NAME)
    assert nfd != NAME
    assert render_certificate(**{**ARGS, "learner_name": nfd}) == vi_pdf


def test_long_texts_stay_on_one_page():
    course = (
        "Xây dựng và phát triển thương hiệu, nhãn hiệu tập thể, chỉ dẫn địa lý cho sản phẩm "
        "OCOP vùng Đồng bằng sông Cửu Long trong bối cảnh chuyển đổi số và hội nhập kinh tế "
        "quốc tế giai đoạn 2026–2030 và tầm nhìn đến năm 2035"
    )
    pdf = render_certificate(
        **{
            **ARGS,
            "learner_name": "Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Bảo Ngọc Trâm Anh",
            "course_title": course,
            "organisation": "Văn phòng Điều phối Chương trình Nông thôn mới Trung ương " * 3,
            "verify_url": URL + "?x=" + "y" * 150,
        }
    )
    reader = read(pdf)
    assert len(reader.pages) == 1
    text = " ".join(text_of(pdf).split())
    assert course in text  # three smaller lines, nothing cut
    assert "Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Bảo Ngọc Trâm Anh" in text


def test_absurdly_long_course_title_is_cut_with_an_ellipsis():
    pdf = render_certificate(**{**ARGS, "course_title": COURSE * 12})
    assert len(read(pdf).pages) == 1
    text = text_of(pdf)
    assert "…" in text
    assert COURSE in text


def test_characters_missing_from_the_font_are_replaced():
    pdf = render_certificate(**{**ARGS, "learner_name": "Hoà 中文 Bình"})
    assert "Hoà ?? Bình" in text_of(pdf)


@pytest.mark.parametrize(
    "override",
    [
        {"language": "fr"},
        {"code": "ABCD-EFGH-JKM0"},
        {"learner_name": "   "},
        {"course_title": ""},
        {"organisation": "\n"},
        {"verify_url": " "},
    ],
)
def test_rejects_bad_input(override):
    with pytest.raises(ValueError):
        render_certificate(**{**ARGS, **override})


@pytest.mark.parametrize(
    ("day", "language", "expected"),
    [
        (date(2026, 11, 23), "vi", "ngày 23 tháng 11 năm 2026"),
        (date(2026, 2, 5), "vi", "ngày 05 tháng 02 năm 2026"),
        (date(2026, 3, 1), "vi", "ngày 01 tháng 3 năm 2026"),
        (date(2026, 11, 23), "en", "23 November 2026"),
        (date(2026, 2, 5), "en", "5 February 2026"),
    ],
)
def test_format_date(day, language, expected):
    assert format_date(day, language) == expected
