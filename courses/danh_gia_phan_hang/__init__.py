"""Khóa học "Đánh giá và phân hạng sản phẩm OCOP" và phiếu tổng hợp điểm của hội đồng."""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, Response, render_template, request

from elearn.core.formats import format_datetime
from elearn.core.time import configured_zone, utcnow
from elearn.modules import API_VERSION, CourseModule, Tool, pdf_font_paths

from . import tools

blueprint = Blueprint("danh_gia_phan_hang", __name__, template_folder="templates")

DEFAULT_ROWS = 5


def _rows_wanted(raw: str | None) -> int:
    """Số dòng thành viên hiển thị (?so=7), trong giới hạn 2..15; sai thì lấy mặc định."""
    if raw and raw.isdigit() and len(raw) <= 2:
        return min(max(int(raw), tools.MIN_MEMBERS), tools.MAX_MEMBERS)
    return DEFAULT_ROWS


def _shown_values(form) -> dict[str, str]:
    """Giá trị để điền lại vào biểu mẫu: bỏ ký tự rỗng, cắt bớt chuỗi quá dài."""
    return {
        key.replace("\x00", ""): (value or "").replace("\x00", "")[: tools.NOTE_MAX]
        for key, value in list(form.items())[: tools.FIELDS_MAX]
    }


_INDEX = re.compile(r"^(?:ten|a|b|c|bb)_(\d{1,2})$")


def _render(values, rows, *, errors=None, sheet=None, summary=None, status=200):
    return (
        render_template(
            "danh_gia_phan_hang/council_sheet.html",
            values=values,
            rows=rows,
            errors=errors or {},
            sheet=sheet,
            summary=summary,
            parts=tools.PARTS,
            groups=tools.GROUPS,
            bands=tools.BANDS,
            fmt=tools.format_points,
            member_fields=tools.member_fields,
            max_members=tools.MAX_MEMBERS,
            min_members=tools.MIN_MEMBERS,
        ),
        status,
    )


@blueprint.get("/phieu-hoi-dong")
def council_sheet():
    """Biểu mẫu trống (không lưu gì)."""
    return _render({}, _rows_wanted(request.args.get("so")))


@blueprint.post("/phieu-hoi-dong")
def council_sheet_submit():
    """Tổng hợp điểm, hoặc trả biên bản PDF; chỉ tính từ biểu mẫu gửi lên, không lưu."""
    form = request.form
    values = _shown_values(form)
    indexes = [int(m.group(1)) for k in values if (m := _INDEX.match(k))]
    rows = min(max([_rows_wanted(request.args.get("so")), *indexes]), tools.MAX_MEMBERS)
    sheet, errors = tools.parse_sheet(form)
    if errors:
        return _render(values, rows, errors=errors, status=400)
    summary = tools.summarise(sheet.members)
    if form.get("action") == "pdf":
        printed = format_datetime(utcnow(), "vi", configured_zone())
        data = tools.render_minutes_pdf(sheet, summary, fonts=pdf_font_paths(), printed_at=printed)
        name = unicodedata.normalize("NFKD", sheet.product).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "san-pham"
        return Response(
            data,
            mimetype="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="bien-ban-cham-diem-{slug}.pdf"',
                "Cache-Control": "no-store",
            },
        )
    return _render(values, rows, sheet=sheet, summary=summary)


module = CourseModule(
    name="danh_gia_phan_hang",
    api_version=API_VERSION,
    blueprint=blueprint,
    tools=(
        Tool(
            "council_sheet",
            "Phiếu tổng hợp điểm của hội đồng đánh giá OCOP",
            endpoint="council_sheet",
            description=(
                "Nhập điểm phần A, B, C của từng thành viên; xem điểm trung bình, "
                "chênh lệch cần thảo luận, hạng sao và in biên bản PDF."
            ),
        ),
    ),
    package="package",
)
