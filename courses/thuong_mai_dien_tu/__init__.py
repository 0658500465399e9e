"""Khóa học "Thương mại điện tử cho sản phẩm OCOP": blueprint và công cụ của khóa học."""

from decimal import Decimal

from flask import Blueprint, render_template, request, url_for
from wtforms import DecimalField, Form
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from elearn.modules import API_VERSION, CourseModule, Tool

from .tools import (
    WITHHOLDING_RATES,
    PriceInputError,
    calculate_selling_price,
    format_percent,
    format_vnd,
    parse_money,
    parse_percent,
)

blueprint = Blueprint(
    "thuong_mai_dien_tu",
    __name__,
    template_folder="templates",
)


#: Số liệu của ví dụ trong bài "Tính giá bán khi bán online" (hộp chè 200 g bán trên sàn).
EXAMPLE_ARGS = {
    "gia_von": "85000",
    "bao_bi": "7000",
    "phi_san": "12",
    "phi_thanh_toan": "5",
    "thue_khau_tru": "1,5",
    "van_chuyen": "5000",
    "chi_phi_khac": "3000",
    "loi_nhuan": "20",
}

MAX_MONEY = Decimal(1_000_000_000)


class _VietnameseNumberField(DecimalField):
    """Ô nhập số kiểu Việt Nam: bàn phím số trên điện thoại, lỗi bằng tiếng Việt.

    Ô để trống cho ``data`` là ``None`` (hiểu là 0 nếu ô không bắt buộc).
    Lớp con định nghĩa ``parse(text)``: trả về số, hoặc báo ``ValueError`` bằng tiếng Việt.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, inputmode="decimal", **kwargs):
        render_kw = {"inputmode": inputmode, "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, places=None, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(exc)) from exc


class MoneyField(_VietnameseNumberField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, inputmode="numeric", **kwargs)

    def parse(self, text):
        value = parse_money(text)
        if value > MAX_MONEY:
            raise ValueError("Số tiền quá lớn: tối đa 1.000.000.000 đ cho mỗi sản phẩm.")
        return value


class PercentField(_VietnameseNumberField):
    def _value(self):
        # Mặc định hiển thị kiểu Việt Nam: "1,5" chứ không phải "1.5".
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:f}".replace(".", ",")

    def parse(self, text):
        value = parse_percent(text)
        if value >= 100:
            raise ValueError("Tỷ lệ phần trăm phải nhỏ hơn 100%.")
        return value


class Required:
    """Bắt buộc nhập (kể cả khi người dùng chỉ gõ khoảng trắng)."""

    field_flags = {"required": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not field.process_errors:
            field.errors[:] = []
            raise StopValidation(self.message)


class PriceForm(Form):
    gia_von = MoneyField(
        "Giá vốn sản xuất mỗi sản phẩm (đồng)",
        [Required("Vui lòng nhập giá vốn sản xuất.")],
        description="Nguyên liệu, công lao động, điện nước, khấu hao… chia cho một sản phẩm. "
        "Ví dụ 85000 hoặc 85.000.",
    )
    bao_bi = MoneyField(
        "Bao bì mỗi sản phẩm (đồng)",
        description="Hộp, túi, nhãn, thùng, vật liệu chèn.",
    )
    van_chuyen = MoneyField(
        "Phí vận chuyển người bán chịu mỗi sản phẩm (đồng)",
        description="Phần phí giao hàng anh chị trả thay khách. Khách tự trả hết thì để trống.",
    )
    chi_phi_khac = MoneyField(
        "Chi phí khác mỗi sản phẩm (đồng)",
        description="Quảng cáo, quà tặng kèm, hàng hỏng vỡ phải bù… chia cho một sản phẩm.",
    )
    phi_san = PercentField(
        "Phí sàn (% giá bán)",
        description="Xem mục phí dành cho người bán trên trang của sàn. "
        "Bán qua trang riêng thì để trống.",
    )
    phi_thanh_toan = PercentField(
        "Phí thanh toán (% giá bán)",
        description="Ví dụ 5 hoặc 2,5.",
    )
    thue_khau_tru = PercentField(
        "Thuế sàn khấu trừ (% giá bán)",
        default=WITHHOLDING_RATES["hang_hoa"],
        description="Hộ, cá nhân kinh doanh bán hàng hóa trên sàn có chức năng thanh toán "
        "(Shopee, Lazada, TikTok Shop, Tiki…): 1,5 (1% thuế GTGT + 0,5% thuế TNCN). "
        "Bán dịch vụ như tour, phòng homestay: 7. Bán qua Facebook, Zalo, trang riêng "
        "(tự khai thuế) hoặc là hợp tác xã, doanh nghiệp: để 0.",
    )
    loi_nhuan = PercentField(
        "Lợi nhuận mong muốn (% giá bán)",
        [Required("Vui lòng nhập lợi nhuận mong muốn, ví dụ 20.")],
        description="Phần trăm giá bán anh chị muốn giữ lại, ví dụ 20.",
    )


def _zero_if_none(value):
    return Decimal(0) if value is None else value


def _vnd(amount):
    """Số tiền để hiển thị, không bị ngắt dòng giữa số và "đ"."""
    return format_vnd(amount).replace(" ", "\u00a0")


@blueprint.get("/gia-ban")
def price_calculator():
    form = PriceForm(request.args)
    submitted = any(field.name in request.args for field in form)
    result = None
    status = 200

    if submitted:
        if form.validate():
            try:
                result = calculate_selling_price(
                    production_cost=form.gia_von.data,
                    packaging_cost=_zero_if_none(form.bao_bi.data),
                    commission_pct=_zero_if_none(form.phi_san.data),
                    payment_fee_pct=_zero_if_none(form.phi_thanh_toan.data),
                    withheld_tax_pct=_zero_if_none(form.thue_khau_tru.data),
                    shipping_cost=_zero_if_none(form.van_chuyen.data),
                    other_cost=_zero_if_none(form.chi_phi_khac.data),
                    margin_pct=form.loi_nhuan.data,
                )
            except PriceInputError as exc:
                form.form_errors.append(exc.message)
                status = 400
        else:
            status = 400

    return (
        render_template(
            "thuong_mai_dien_tu/price_calculator.html",
            form=form,
            result=result,
            has_errors=status == 400,
            example_url=url_for(".price_calculator", **EXAMPLE_ARGS),
            vnd=_vnd,
            pct=format_percent,
        ),
        status,
    )


module = CourseModule(
    name="thuong_mai_dien_tu",
    api_version=API_VERSION,
    blueprint=blueprint,
    tools=(Tool("price_calculator", "Máy tính giá bán online", endpoint="price_calculator"),),
    package="package",
)
