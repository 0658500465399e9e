"""The printable course-completion certificate: one A4 landscape page, rendered with fpdf2.

All text is set in Noto Sans (bundled in ./fonts, SIL OFL 1.1) so Vietnamese diacritics
render and stay extractable from the PDF's text layer. The QR code (segno, error
correction level M) is drawn as vector shapes, so it is sharp at any zoom and print size.
The output is deterministic: the same inputs always give the same bytes (the PDF's
creation date is derived from `issued_on`), so repeated downloads are identical.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, WrapMode, XPos, YPos

from elearn.certificates.codes import format_code
from elearn.core.formats import format_long_date

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "NotoSans"
FONT_FILES = {"": FONT_DIR / "NotoSans-Regular.ttf", "B": FONT_DIR / "NotoSans-Bold.ttf"}

LANGUAGES = ("vi", "en")

TEXTS = {
    "vi": {
        "heading": "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC",
        "doc_title": "Giấy chứng nhận hoàn thành khóa học",
        "certifies": "Chứng nhận",
        "completed": "đã hoàn thành khóa học",
        "issued": "Cấp {date}",
        "code": "Mã xác thực:",
        "verify": "Kiểm tra tính xác thực tại",
    },
    "en": {
        "heading": "CERTIFICATE OF COURSE COMPLETION",
        "doc_title": "Certificate of course completion",
        "certifies": "This certifies that",
        "completed": "has completed the course",
        "issued": "Issued on {date}",
        "code": "Verification code:",
        "verify": "Verify at",
    },
}

# Page geometry (mm, A4 landscape) and colours (RGB).
PAGE_W, PAGE_H = 297.0, 210.0
CONTENT_X = 28.0
CONTENT_W = PAGE_W - 2 * CONTENT_X
QR_SIZE = 30.0
GREEN = (21, 87, 52)
GOLD = (184, 140, 40)
INK = (33, 37, 41)
MUTED = (90, 96, 102)
LINK = (21, 87, 52)

COURSE_MAX_PT = 20
# (font size, lines allowed) tried in turn for the course title.
COURSE_STEPS = [(pt, 2) for pt in range(COURSE_MAX_PT, 14, -1)] + [(13, 3), (12, 3), (11, 3)]
URL_MAX_PT, URL_MIN_PT = 10.5, 8
NAME_MAX_PT, TITLE_MAX_PT, ORG_MAX_PT = 34, 25, 13
PT = 25.4 / 72  # mm per point


def render_certificate(
    *,
    learner_name: str,
    course_title: str,
    issued_on: date,  # the day in the configured zone (see services.pdf_bytes)
    organisation: str,
    code: str,
    verify_url: str,
    language: str = "vi",
) -> bytes:
    """A one-page A4 landscape PDF certificate, as bytes.

    `code` may be in any form `normalize_code` accepts; it is printed grouped
    ("ABCD-EFGH-JKMN-PQ"). `verify_url` is printed and encoded in the QR code.
    Raises ValueError for an unknown language, an invalid code or an empty name/title.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    texts = TEXTS[language]
    printed_code = format_code(code)
    verify_url = verify_url.strip()
    if not verify_url:
        raise ValueError("verify_url is empty")

    pdf = _new_pdf()
    try:
        learner_name = _clean(pdf, learner_name, "learner_name")
        course_title = _clean(pdf, course_title, "course_title")
        organisation = _clean(pdf, organisation, "organisation")

        pdf.set_title(f"{texts['doc_title']}: {course_title} – {learner_name}")
        pdf.set_author(organisation)
        pdf.set_subject(printed_code)
        pdf.set_creator("elearn")
        pdf.set_lang(language)
        # A fixed creation date (also hashed into the file /ID) makes the output reproducible.
        pdf.set_creation_date(datetime.combine(issued_on, time(0, 0), tzinfo=UTC))

        pdf.add_page()
        _frame(pdf)

        # Organisation, with a short gold rule under it.
        pdf.set_text_color(*GREEN)
        _line(pdf, organisation, y=25, style="B", max_pt=ORG_MAX_PT)
        _rule(pdf, y=34.5, width=36)

        # Title.
        _line(pdf, texts["heading"], y=43, style="B", max_pt=TITLE_MAX_PT, height=14)

        # "This certifies that" / learner / "has completed the course".
        pdf.set_text_color(*MUTED)
        _line(pdf, texts["certifies"], y=66, max_pt=14)
        pdf.set_text_color(*INK)
        _line(pdf, learner_name, y=74, style="B", max_pt=NAME_MAX_PT, height=17)
        name_w = pdf.get_string_width(learner_name)
        _rule(pdf, y=93, width=min(max(name_w + 24, 100), CONTENT_W), line_width=0.35)
        pdf.set_text_color(*MUTED)
        _line(pdf, texts["completed"], y=97, max_pt=14)

        # Course title: one or two lines, vertically centred in a two-line slot.
        pdf.set_text_color(*GREEN)
        _course_title(pdf, course_title, top=106, slot_h=21)

        # Issue date.
        pdf.set_text_color(*INK)
        issued = texts["issued"].format(date=format_long_date(issued_on, language))
        _line(pdf, issued, y=134, max_pt=13)

        # Verification block (bottom left) and QR code (bottom right).
        qr_x = PAGE_W - CONTENT_X - QR_SIZE
        qr_y = PAGE_H - 20 - QR_SIZE
        block_w = qr_x - CONTENT_X - 8
        pdf.set_text_color(*MUTED)
        pdf.set_font(FONT_FAMILY, "", 10.5)
        pdf.set_xy(CONTENT_X, qr_y + 4)
        pdf.cell(pdf.get_string_width(texts["code"]) + 2, 6, texts["code"])
        pdf.set_text_color(*INK)
        pdf.set_font(FONT_FAMILY, "B", 13)
        pdf.cell(0, 6, printed_code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*MUTED)
        _line(pdf, texts["verify"], y=qr_y + 13, max_pt=10.5, x=CONTENT_X, w=block_w, align=Align.L)
        pdf.set_text_color(*LINK)
        printed_url = _clean(pdf, verify_url, "verify_url")
        _url(pdf, printed_url, link=verify_url, x=CONTENT_X, y=qr_y + 19, w=block_w)
        _qr(pdf, verify_url, x=qr_x, y=qr_y, size=QR_SIZE)

        return bytes(pdf.output())
    finally:
        # fpdf2 opens TTFs lazily and never closes them (even when a check above raises).
        for font in pdf.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()


def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(CONTENT_X, 20, CONTENT_X)
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, path)
    return pdf


def _clean(pdf: FPDF, text: str, field: str) -> str:
    """NFC, whitespace collapsed to single spaces, glyphs the font lacks replaced by '?'.

    NFC matters: Noto Sans is rendered without text shaping, so decomposed input
    ("e" + combining marks) would print the marks badly; precomposed letters are fine.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text:
        raise ValueError(f"{field} is empty")
    cmap = pdf.fonts[FONT_FAMILY.lower()].cmap
    return "".join(ch if ord(ch) in cmap else "?" for ch in text)


def _fit_size(pdf: FPDF, text: str, style: str, max_pt: float, width: float) -> float:
    """The largest font size <= max_pt at which `text` fits on one line of `width` mm."""
    pdf.set_font(FONT_FAMILY, style, max_pt)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return max_pt
    return max_pt * width / natural * 0.995


def _line(
    pdf: FPDF,
    text: str,
    *,
    y: float,
    style: str = "",
    max_pt: float,
    height: float | None = None,
    x: float = CONTENT_X,
    w: float = CONTENT_W,
    align: Align = Align.C,
    link: str = "",
) -> None:
    """One line of text at `y`, shrunk if needed so it never wraps or overflows."""
    size = _fit_size(pdf, text, style, max_pt, w)
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_xy(x, y)
    pdf.cell(w, height or size * PT * 1.5, text, align=align, link=link)


def _course_title(pdf: FPDF, title: str, *, top: float, slot_h: float) -> None:
    """The course title centred in a slot of `slot_h` mm: one or two lines from 20 down to
    15 pt; a very long title gets three smaller lines, and only beyond that is cut with "…"."""
    lines: list[str] = []
    size = COURSE_MAX_PT
    for size, max_lines in COURSE_STEPS:
        pdf.set_font(FONT_FAMILY, "B", size)
        lines = _wrap(pdf, title)
        if len(lines) <= max_lines:
            break
    else:
        kept = lines[: max_lines - 1]
        # The wrapped lines are consecutive pieces of `title`; whatever follows them is cut.
        end = 0
        for line in kept:
            end = title.index(line, end) + len(line)
        lines = [*kept, _ellipsize(pdf, title[end:].strip(), CONTENT_W)]
    line_h = size * PT * 1.35
    y = top + (slot_h - line_h * len(lines)) / 2
    for text in lines:
        pdf.set_xy(CONTENT_X, y)
        pdf.cell(CONTENT_W, line_h, text, align=Align.C)
        y += line_h


def _url(pdf: FPDF, url: str, *, link: str, x: float, y: float, w: float) -> None:
    """The verification URL, on one line if it fits at a readable size, else char-wrapped."""
    size = _fit_size(pdf, url, "", URL_MAX_PT, w)
    if size >= URL_MIN_PT:
        pdf.set_font(FONT_FAMILY, "", size)
        pdf.set_xy(x, y)
        pdf.cell(pdf.get_string_width(url), size * PT * 1.5, url, link=link)
        return
    pdf.set_font(FONT_FAMILY, "", URL_MIN_PT)
    pdf.set_xy(x, y)
    pdf.multi_cell(w, URL_MIN_PT * PT * 1.3, url, align=Align.L, wrapmode=WrapMode.CHAR, link=link)


def _wrap(pdf: FPDF, text: str) -> list[str]:
    lines = pdf.multi_cell(
        CONTENT_W, None, text, align=Align.C, dry_run=True, output=MethodReturnValue.LINES
    )
    return [line.strip() for line in lines if line.strip()]


def _ellipsize(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip(" ,;:-–") + "…"


def _frame(pdf: FPDF) -> None:
    """A double frame: a heavy green outer border and a thin gold inner one."""
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(1.6)
    pdf.rect(9, 9, PAGE_W - 18, PAGE_H - 18)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.4)
    pdf.rect(12.5, 12.5, PAGE_W - 25, PAGE_H - 25)


def _rule(
    pdf: FPDF,
    *,
    y: float,
    width: float,
    color: tuple[int, int, int] = GOLD,
    line_width: float = 0.8,
) -> None:
    pdf.set_draw_color(*color)
    pdf.set_line_width(line_width)
    x = (PAGE_W - width) / 2
    pdf.line(x, y, x + width, y)


def _qr(pdf: FPDF, data: str, *, x: float, y: float, size: float) -> None:
    """The QR code as filled vector squares, one path so no seams show between modules.

    The page around it is blank for more than the 4-module quiet zone the spec asks for.
    """
    qr = segno.make(data, error="m", boost_error=False, micro=False)
    matrix = qr.matrix
    module = size / len(matrix)
    with pdf.new_path() as path:
        path.style.fill_color = "#000000"
        path.style.stroke_color = None
        path.style.fill_opacity = None
        for row, cells in enumerate(matrix):
            col = 0
            while col < len(cells):
                if not cells[col]:
                    col += 1
                    continue
                start = col
                while col < len(cells) and cells[col]:
                    col += 1
                path.rectangle(x + start * module, y + row * module, (col - start) * module, module)
    pdf.link(x, y, size, size, data)
