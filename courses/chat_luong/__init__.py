"""Khóa học "Quản lý sản xuất và chất lượng" và công cụ tự chấm điểm OCOP."""

from __future__ import annotations

import decimal

from flask import Blueprint, render_template, request
from wtforms import Form
from wtforms.fields import DecimalField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, StopValidation, ValidationError
from wtforms.widgets import TextInput

from elearn.modules import API_VERSION, CourseModule, Tool

from . import tools

blueprint = Blueprint("chat_luong", __name__, template_folder="templates")


class PointsField(DecimalField):
    """Ô nhập điểm: nhận cả dấu phẩy thập phân (12,5) và báo lỗi bằng tiếng Việt."""

    def __init__(self, label=None, validators=None, criterion=None, **kwargs):
        super().__init__(label, validators, places=None, **kwargs)
        self.criterion = criterion

    def _value(self):
        if self.data is not None and not self.process_errors:
            return tools.format_points(self.data)
        return super()._value()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0]
        if raw is None or not str(raw).strip():
            self.data = None  # để InputRequired báo thiếu
            return
        number = tools.parse_points(raw)
        if number is None:
            self.data = None
            raise ValueError(
                f"Điểm của tiêu chí «{self.criterion.label}» phải là một con số, ví dụ 8 hoặc 8,5."
            )
        self.data = number


class PointsInRange:
    """Dùng chính quy tắc của tools.check_points để kiểm tra 0..tối đa."""

    def __init__(self, criterion: tools.Criterion):
        self.criterion = criterion

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()  # lỗi "không phải con số" đã được ghi
        if field.data is None:  # ô chỉ có khoảng trắng
            raise StopValidation(required_message(self.criterion))
        try:
            tools.check_points(self.criterion, field.data)
        except tools.PointsError as exc:
            raise ValidationError(str(exc)) from exc


def required_message(criterion: tools.Criterion) -> str:
    return (
        f"Hãy nhập điểm cho tiêu chí «{criterion.label}», từ 0 "
        f"đến {criterion.max_points}. Nếu chưa đạt gì, nhập 0."
    )


def _make_form_class() -> type[Form]:
    attrs = {}
    for criterion in tools.CRITERIA:
        attrs[criterion.key] = PointsField(
            f"{criterion.label} (0 đến {criterion.max_points} điểm)",
            validators=[
                InputRequired(message=required_message(criterion)),
                PointsInRange(criterion),
            ],
            criterion=criterion,
            description=f"Gợi ý tự hỏi: {criterion.hint}",
            # Ô chữ với bàn phím số: trên điện thoại tiếng Việt dấu thập phân
            # thường là dấu phẩy, mà ô type="number" lại không nhận dấu phẩy.
            widget=TextInput(),
            render_kw={"inputmode": "decimal", "autocomplete": "off"},
        )
    attrs["nhom"] = SelectField(
        "Nhóm sản phẩm",
        choices=[SelectChoice(group.key, group.name) for group in tools.GROUPS],
        default=tools.DEFAULT_GROUP.key,
        validate_choice=False,  # thông báo tiếng Việt do GroupValidator đưa ra
        validators=[GroupValidator()],
        description=(
            "Ba phần A, B, C có cùng điểm tối đa ở mọi nhóm; gợi ý minh chứng dưới "
            "mỗi ô đổi theo nhóm."
        ),
    )
    return type("ScorecardForm", (Form,), attrs)


class GroupValidator:
    """Nhóm sản phẩm phải là một trong sáu nhóm của Quyết định 148."""

    def __call__(self, form, field):
        try:
            tools.product_group(field.data)
        except tools.GroupError as exc:
            raise StopValidation(str(exc)) from exc


ScorecardForm = _make_form_class()
FIELD_NAMES = tuple(c.key for c in tools.CRITERIA)


@blueprint.get("/tu-cham-diem")
def scorecard():
    """Phiếu tự chấm: chỉ tính toán, không lưu gì."""
    form = ScorecardForm(request.args)
    # "Đổi nhóm" chỉ đổi gợi ý minh chứng và giữ các điểm đã nhập, không chấm.
    switching = "doi_nhom" in request.args
    submitted = not switching and any(name in request.args for name in FIELD_NAMES)
    try:
        group = tools.product_group(form.nhom.data)
        group_error = None
    except tools.GroupError as exc:
        group, group_error = tools.DEFAULT_GROUP, str(exc)
    result = None
    status = 200
    if group_error and not submitted:
        # Chỉ đổi nhóm mà mã nhóm lạ.
        form.nhom.errors = [group_error]
        status = 400
    elif submitted:
        if form.validate():
            try:
                result = tools.score({name: form[name].data for name in FIELD_NAMES}, group)
            except (tools.PointsError, decimal.InvalidOperation) as exc:
                target = getattr(exc, "criterion", None)
                field = form[target.key] if target is not None else form[FIELD_NAMES[0]]
                field.errors = list(field.errors) + [str(exc)]
                status = 400
        else:
            status = 400
    return (
        render_template(
            "chat_luong/scorecard.html",
            form=form,
            parts=tools.PARTS,
            groups=tools.GROUPS,
            group=group,
            bands=tools.BANDS,
            result=result,
            submitted=submitted,
            fmt=tools.format_points,
        ),
        status,
    )


module = CourseModule(
    name="chat_luong",
    api_version=API_VERSION,
    blueprint=blueprint,
    tools=(Tool("scorecard", "Tự chấm điểm theo bộ tiêu chí OCOP", endpoint="scorecard"),),
    package="package",
)
