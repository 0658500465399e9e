"""Khóa học "Thương hiệu và câu chuyện sản phẩm" và công cụ kiểm tra nhãn sản phẩm."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from elearn.modules import API_VERSION, CourseModule, Tool

from . import tools

blueprint = Blueprint("thuong_hieu", __name__, template_folder="templates")


# Ô ẩn của biểu mẫu: cho biết người dùng đã bấm "Kiểm tra", kể cả khi không đánh dấu mục nào.
SUBMITTED_FIELD = "kiem_tra"


@blueprint.get("/kiem-tra-nhan")
def label_checklist():
    """Danh sách kiểm tra nhãn: chỉ tính toán trên các ô đã đánh dấu, không lưu gì."""
    keys = request.args.getlist("item")
    raw_certified = request.args.get("certified")
    submitted = SUBMITTED_FIELD in request.args or bool(keys) or raw_certified is not None

    result = None
    error = None
    certified = False
    status = 200
    try:
        certified = tools.parse_certified(raw_certified)
        if submitted:
            result = tools.check_label(keys, certified)
    except tools.LabelInputError as exc:
        error = str(exc)
        status = 400

    return (
        render_template(
            "thuong_hieu/label_checklist.html",
            groups=tools.GROUPS,
            selected={key for key in keys if key in tools.ITEMS},
            certified=certified,
            result=result,
            error=error,
            submitted_field=SUBMITTED_FIELD,
            BAT_BUOC=tools.BAT_BUOC,
            NEN_CO=tools.NEN_CO,
        ),
        status,
    )


module = CourseModule(
    name="thuong_hieu",
    api_version=API_VERSION,
    blueprint=blueprint,
    tools=(
        Tool("label_checklist", "Danh sách kiểm tra nhãn sản phẩm", endpoint="label_checklist"),
    ),
    package="package",
)
