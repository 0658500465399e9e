"""Khóa học "Tiếp cận thị trường và xúc tiến thương mại": blueprint và công cụ của khóa học."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import Blueprint, render_template, request, url_for
from wtforms import Form, StringField

from elearn.modules import API_VERSION, CourseModule, Tool

from .tools import (
    CHANNELS,
    MAX_AMOUNT,
    MAX_UNIT_PRICE,
    ChannelInput,
    ChannelInputError,
    channel_result,
    format_percent,
    format_vnd,
    parse_money,
    parse_months,
    parse_percent,
)

blueprint = Blueprint("tiep_can_thi_truong", __name__, template_folder="templates")

#: Số liệu của ví dụ trong bài "Giá theo kênh" (hộp chè Mộc Châu 200 g).
EXAMPLE_ARGS = {
    "gia_ban": "120.000",
    "chi_phi_bien_doi": "52.000",
    "st_chiet_khau": "30",
    "st_van_chuyen": "2.000",
    "st_tra_ve": "3",
    "st_phi_mot_lan": "6.000.000",
    "st_so_thang": "12",
    "st_chi_phi_thang": "1.500.000",
    "npp_chiet_khau": "35",
    "npp_van_chuyen": "1.500",
    "npp_tra_ve": "1",
    "npp_chi_phi_thang": "500.000",
    "san_phi_san": "14",
    "san_van_chuyen": "8.000",
    "san_tra_ve": "2",
    "san_chi_phi_thang": "1.000.000",
    "tt_chi_phi_thang": "4.000.000",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NumberField(StringField):
    """Ô số kiểu Việt Nam: giữ nguyên chữ người dùng gõ, đọc bằng ``parse``; lỗi tiếng Việt."""

    def __init__(
        self, label=None, validators=None, parse=None, limit=None, inputmode="decimal", **kw
    ):
        kw["render_kw"] = {"inputmode": inputmode, "autocomplete": "off"}
        super().__init__(label, validators, **kw)
        self._parse = parse
        self._limit = limit
        self.value = None

    def _value(self):
        # Ký tự điều khiển (kể cả NUL) không có chỗ trong trang HTML.
        return _CONTROL.sub("", self.data or "")

    def read(self):
        """Đọc số; ô trống cho ``None``. Lỗi được ghi vào ``errors`` của ô."""
        text = (self.data or "").strip()
        self.value = None
        self.errors = []
        if not text:
            return None
        try:
            value = self._parse(text)
        except ValueError as exc:
            self.errors.append(str(exc))
            return None
        if self._limit is not None and value > self._limit:
            self.errors.append(f"Số tiền quá lớn: tối đa {format_vnd(self._limit)}.")
            return None
        self.value = value
        return value


def _money(label, description="", limit=MAX_UNIT_PRICE):
    return NumberField(
        label, parse=parse_money, description=description, inputmode="numeric", limit=limit
    )


def _percent(label, description=""):
    return NumberField(label, parse=parse_percent, description=description)


#: Các ô của mỗi kênh: (tên ô, hàm tạo ô, tên thuộc tính trong ChannelInput).
CHANNEL_FIELDS = (
    (
        "gia",
        lambda: _money("Giá bán lẻ riêng ở kênh này (đồng)", "Để trống: dùng giá bán lẻ chung."),
    ),
    (
        "chiet_khau",
        lambda: _percent("Chiết khấu cho kênh (% giá bán lẻ)", "Phần kênh giữ lại, ví dụ 30."),
    ),
    (
        "phi_san",
        lambda: _percent(
            "Phí sàn, phí thanh toán (% giá bán lẻ)", "Cộng mọi khoản sàn thu theo %."
        ),
    ),
    (
        "thue",
        lambda: _percent(
            "Thuế sàn khấu trừ thay (% giá bán lẻ)",
            "Hộ, cá nhân bán trên sàn có thanh toán: hàng hóa 1,5%. Doanh nghiệp, HTX: để trống.",
        ),
    ),
    ("van_chuyen", lambda: _money("Vận chuyển mỗi sản phẩm anh chị chịu (đồng)")),
    ("tra_ve", lambda: _percent("Hàng trả về, hư hỏng (% số hàng giao)", "Ví dụ 3.")),
    (
        "phi_mot_lan",
        lambda: _money(
            "Phí một lần (đồng)", "Phí vào quầy, phí mã hàng, gian hội chợ…", limit=MAX_AMOUNT
        ),
    ),
    (
        "so_thang",
        lambda: NumberField(
            "Chia phí một lần trong (tháng)",
            parse=parse_months,
            description="Để trống: 12.",
            inputmode="numeric",
        ),
    ),
    (
        "chi_phi_thang",
        lambda: _money(
            "Chi phí cố định mỗi tháng của kênh (đồng)",
            "Phí trưng bày, lương người bán, quảng cáo, thuê quầy…",
            limit=MAX_AMOUNT,
        ),
    ),
)


def _build_form_class():
    attrs = {
        "gia_ban": _money(
            "Giá bán lẻ chung (đồng)",
            "Giá người mua trả, giữ giống nhau ở mọi kênh. Ví dụ 120.000.",
        ),
        "chi_phi_bien_doi": _money(
            "Chi phí biến đổi mỗi sản phẩm (đồng)",
            "Nguyên liệu, bao bì, công làm ra một sản phẩm. Ví dụ 52.000.",
        ),
    }
    for prefix, _name in CHANNELS:
        for key, make in CHANNEL_FIELDS:
            attrs[f"{prefix}_{key}"] = make()
    return type("ChannelForm", (Form,), attrs)


ChannelForm = _build_form_class()


def _channel_fields(form, prefix):
    return [(key, form[f"{prefix}_{key}"]) for key, _make in CHANNEL_FIELDS]


def _calculate(form):
    """Đọc biểu mẫu và tính từng kênh; trả (kết quả, lỗi chung)."""
    price = form.gia_ban.read()
    unit_cost = form.chi_phi_bien_doi.read()
    errors = []
    if unit_cost is None and not form.chi_phi_bien_doi.errors:
        form.chi_phi_bien_doi.errors.append("Vui lòng nhập chi phí biến đổi mỗi sản phẩm.")

    used = []
    for prefix, name in CHANNELS:
        fields = _channel_fields(form, prefix)
        values = {key: field.read() for key, field in fields}
        if any((field.data or "").strip() for _key, field in fields):
            used.append((prefix, name, values))
    if not used:
        errors.append(
            "Hãy nhập số liệu cho ít nhất một kênh. "
            "Kênh không mất phí nào thì ghi 0 vào ô chiết khấu."
        )

    has_field_errors = any(field.errors for field in form)
    if has_field_errors or errors:
        return None, errors

    results = []
    for prefix, name, values in used:
        own_price = values["gia"] if values["gia"] is not None else price
        if own_price is None:
            form[f"{prefix}_gia"].errors.append(
                "Chưa có giá bán lẻ: nhập giá bán lẻ chung ở trên hoặc giá riêng của kênh này."
            )
            continue
        zero = Decimal(0)
        channel = ChannelInput(
            name=name,
            consumer_price=own_price,
            unit_cost=unit_cost,
            margin_pct=values["chiet_khau"] or zero,
            fee_pct=values["phi_san"] or zero,
            tax_pct=values["thue"] or zero,
            shipping=values["van_chuyen"] or zero,
            returns_pct=values["tra_ve"] or zero,
            one_off_fee=values["phi_mot_lan"] or zero,
            months=values["so_thang"] or 12,
            monthly_fixed=values["chi_phi_thang"] or zero,
        )
        try:
            results.append((prefix, channel_result(channel)))
        except ChannelInputError as exc:
            errors.append(exc.message)
    if errors or any(field.errors for field in form):
        return None, errors
    return results, errors


def _vnd(amount):
    """Số tiền để hiển thị, không bị ngắt dòng giữa số và "đ"."""
    return format_vnd(amount).replace(" ", "\u00a0")


@blueprint.get("/loi-nhuan-theo-kenh")
def channel_calculator():
    """Máy tính lợi nhuận theo kênh và điểm hòa vốn (GET, không lưu gì)."""
    form = ChannelForm(request.args)
    submitted = any(field.name in request.args for field in form)
    results, errors, status = None, [], 200
    if submitted:
        results, errors = _calculate(form)
        if results is None:
            status = 400
    return (
        render_template(
            "tiep_can_thi_truong/channel_calculator.html",
            form=form,
            channels=[(prefix, name, _channel_fields(form, prefix)) for prefix, name in CHANNELS],
            results=results,
            errors=errors,
            has_errors=status == 400,
            example_url=url_for(".channel_calculator", **EXAMPLE_ARGS),
            vnd=_vnd,
            pct=format_percent,
        ),
        status,
    )


module = CourseModule(
    name="tiep_can_thi_truong",
    api_version=API_VERSION,
    blueprint=blueprint,
    tools=(
        Tool(
            "channel_calculator",
            "Lợi nhuận theo kênh và điểm hòa vốn",
            endpoint="channel_calculator",
        ),
    ),
    package="package",
)
