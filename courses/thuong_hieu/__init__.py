"""Khóa học "Thương hiệu và câu chuyện sản phẩm" và công cụ kiểm tra nhãn sản phẩm."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from elearn.modules import API_VERSION, CourseModule, Tool

from . import tools

blueprint = Blueprint("thuong_hieu", __name__, template_folder="templates")


# Ô ẩn của biểu mẫu: cho biết người dùng đã bấm "Kiểm tra", kể cả khi không đánh dấu mục nào.
SUBMITTED_FIELD = "kiem_tra"
TYPE_FIELD = "loai"
ITEM_FIELD = "item"
CONDITION_FIELD = "dk"

NO_TYPE_MESSAGE = (
    "Anh chị chưa chọn loại sản phẩm. Mỗi loại hàng có những nội dung nhãn bắt buộc "
    "riêng, nên hãy chọn loại sản phẩm trước rồi mới đánh dấu nhãn."
)


@blueprint.get("/kiem-tra-nhan")
def label_checklist():
    """Danh sách kiểm tra nhãn theo loại sản phẩm: chỉ tính toán, không lưu gì."""
    raw_type = request.args.get(TYPE_FIELD)
    keys = request.args.getlist(ITEM_FIELD)
    facts = request.args.getlist(CONDITION_FIELD)
    raw_certified = request.args.get("certified")
    submitted = (
        SUBMITTED_FIELD in request.args or bool(keys) or bool(facts) or raw_certified is not None
    )

    product = None
    result = None
    error = None
    certified = False
    status = 200
    try:
        if len(keys) + len(facts) > tools.MAX_VALUES:
            # Kiểm tra trước mọi việc khác: không dựng danh sách dài để báo lỗi.
            keys, facts = [], []
            raise tools.LabelInputError(
                "Biểu mẫu gửi lên quá nhiều ô đánh dấu. Hãy mở lại trang danh sách và "
                "đánh dấu lại những nội dung nhãn đang có."
            )
        if raw_type is None or not raw_type.strip():
            if submitted:
                raise tools.LabelInputError(NO_TYPE_MESSAGE)
        else:
            product = tools.get_type(raw_type.strip())
        certified = tools.parse_certified(raw_certified)
        if product is not None and submitted:
            result = tools.check_label(product.key, keys, certified, facts)
    except tools.LabelInputError as exc:
        error = str(exc)
        status = 400

    known_items = tools.items_for(product.key) if product else {}
    known_conditions = {c.key for c in tools.conditions_for(product.key)} if product else set()
    return (
        render_template(
            "thuong_hieu/label_checklist.html",
            product=product,
            product_types=tools.PRODUCT_TYPES,
            ocop_groups=tools.OCOP_GROUPS,
            groups=tools.groups_for(product.key) if product else (),
            conditions=tools.conditions_for(product.key) if product else (),
            selected={key for key in keys if key in known_items},
            selected_conditions={key for key in facts if key in known_conditions},
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
