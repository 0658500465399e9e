"""Logic thuần của công cụ "Máy tính giá bán online" (không phụ thuộc Flask).

Giá bán được tính sao cho sau khi trừ mọi khoản, phần còn lại đúng bằng lợi
nhuận mong muốn (tính theo % giá bán):

    giá bán = chi phí tính bằng đồng
              ÷ (1 − (phí sàn + phí thanh toán + thuế bị khấu trừ + lợi nhuận) ÷ 100)

Thuế bị khấu trừ là phần thuế giá trị gia tăng và thuế thu nhập cá nhân mà sàn
có chức năng thanh toán giữ lại trên từng đơn của hộ, cá nhân kinh doanh
(Nghị định 117/2025/NĐ-CP): với hàng hóa 1% + 0,5% = 1,5% doanh thu.

rồi làm tròn lên đến bước làm tròn (mặc định 1.000 đ). Mọi phép tính dùng
Decimal; các khoản phí tính ra đồng được làm tròn đến 1 đ, lợi nhuận là phần còn
lại để bảng chia cộng lại đúng bằng giá bán.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

__all__ = [
    "DEFAULT_STEP",
    "WITHHOLDING_RATES",
    "LABELS",
    "PriceBreakdown",
    "PriceInputError",
    "calculate_selling_price",
    "format_percent",
    "format_vnd",
    "parse_money",
    "parse_percent",
    "profit_at_price",
]

DEFAULT_STEP = Decimal(1000)

#: Tỷ lệ sàn có chức năng thanh toán khấu trừ trên doanh thu mỗi đơn của hộ, cá nhân
#: kinh doanh cư trú (thuế GTGT + thuế TNCN), Nghị định 117/2025/NĐ-CP, Điều 5 khoản 2.
WITHHOLDING_RATES = {
    "hang_hoa": Decimal("1.5"),  # hàng hóa: 1% + 0,5%
    "van_tai": Decimal("4.5"),  # vận tải, dịch vụ có gắn với hàng hóa: 3% + 1,5%
    "dich_vu": Decimal("7"),  # dịch vụ (ví dụ tour, phòng homestay): 5% + 2%
}
#: Giá bán lớn nhất tính ra được (1 triệu tỷ đồng): lợi nhuận gần 100% cho giá vô lý.
MAX_SELLING_PRICE = Decimal(10) ** 15
ONE_DONG = Decimal(1)
HUNDRED = Decimal(100)

#: Tên tiếng Việt của từng đại lượng, dùng trong thông báo lỗi.
LABELS = {
    "production_cost": "Giá vốn sản xuất",
    "packaging_cost": "Chi phí bao bì",
    "commission_pct": "Phí sàn",
    "payment_fee_pct": "Phí thanh toán",
    "withheld_tax_pct": "Thuế bị khấu trừ",
    "shipping_cost": "Phí vận chuyển người bán chịu",
    "other_cost": "Chi phí khác",
    "margin_pct": "Lợi nhuận mong muốn",
    "step": "Mức làm tròn",
    "selling_price": "Giá bán",
    "total_cost": "Tổng chi phí",
}


class PriceInputError(ValueError):
    """Dữ liệu không dùng được để tính giá. ``message`` là câu tiếng Việt cho người dùng."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class PriceBreakdown:
    """Kết quả tính giá cho một sản phẩm; mọi số tiền tính bằng đồng."""

    selling_price: Decimal  # giá bán đề xuất, đã làm tròn lên theo ``step``
    exact_price: Decimal  # giá tính đúng trước khi làm tròn (làm tròn đến 1 đ để hiển thị)
    production_cost: Decimal
    packaging_cost: Decimal
    shipping_cost: Decimal
    other_cost: Decimal
    commission_pct: Decimal
    payment_fee_pct: Decimal
    margin_pct: Decimal
    commission: Decimal  # phí sàn tính trên giá bán đã làm tròn
    payment_fee: Decimal  # phí thanh toán tính trên giá bán đã làm tròn
    profit: Decimal  # phần còn lại sau mọi chi phí, phí và thuế bị khấu trừ
    step: Decimal
    withheld_tax_pct: Decimal = Decimal(0)
    withheld_tax: Decimal = Decimal(0)  # thuế sàn khấu trừ, tính trên giá bán đã làm tròn

    @property
    def total_cost(self) -> Decimal:
        """Tổng các khoản tính bằng đồng (giá vốn, bao bì, vận chuyển, chi phí khác)."""
        return self.production_cost + self.packaging_cost + self.shipping_cost + self.other_cost

    @property
    def total_pct(self) -> Decimal:
        """Tổng các tỷ lệ tính theo giá bán (phí sàn, phí thanh toán, thuế, lợi nhuận)."""
        return self.commission_pct + self.payment_fee_pct + self.withheld_tax_pct + self.margin_pct

    @property
    def payout(self) -> Decimal:
        """Tiền sàn chuyển về cho người bán: giá bán trừ phí sàn, phí thanh toán và thuế."""
        return self.selling_price - self.commission - self.payment_fee - self.withheld_tax

    @property
    def profit_pct(self) -> Decimal:
        """Lợi nhuận thực tế theo % giá bán, 2 chữ số thập phân."""
        if not self.selling_price:
            return Decimal("0.00")
        return (self.profit * HUNDRED / self.selling_price).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


def _to_decimal(value: object, key: str) -> Decimal:
    label = LABELS[key]
    if isinstance(value, bool):
        raise PriceInputError(f"{label} phải là một số.", key)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, (float, str)):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise PriceInputError(f"{label} phải là một số.", key) from None
    else:
        raise PriceInputError(f"{label} phải là một số.", key)
    if not number.is_finite():
        raise PriceInputError(f"{label} phải là một số.", key)
    if number < 0:
        raise PriceInputError(f"{label} không được là số âm.", key)
    return number


def calculate_selling_price(
    production_cost,
    packaging_cost,
    commission_pct,
    payment_fee_pct,
    shipping_cost,
    other_cost,
    margin_pct,
    step=DEFAULT_STEP,
    withheld_tax_pct=0,
) -> PriceBreakdown:
    """Tính giá bán online cho một sản phẩm.

    Các khoản tiền tính bằng đồng cho một sản phẩm; các tỷ lệ là phần trăm của
    giá bán (8 nghĩa là 8%). ``withheld_tax_pct`` là thuế sàn khấu trừ trên mỗi đơn
    (1,5 cho hàng hóa của hộ kinh doanh bán trên sàn có chức năng thanh toán; 0 khi
    tự khai thuế). Nhận Decimal, int hoặc chuỗi số. Gặp dữ liệu không
    hợp lệ (không phải số, số âm, tổng tỷ lệ từ 100% trở lên, tổng chi phí bằng 0)
    thì báo ``PriceInputError`` kèm câu giải thích bằng tiếng Việt.
    """
    values = {
        "production_cost": production_cost,
        "packaging_cost": packaging_cost,
        "commission_pct": commission_pct,
        "payment_fee_pct": payment_fee_pct,
        "shipping_cost": shipping_cost,
        "other_cost": other_cost,
        "margin_pct": margin_pct,
        "step": step,
        "withheld_tax_pct": withheld_tax_pct,
    }
    d = {key: _to_decimal(value, key) for key, value in values.items()}

    if d["step"] == 0:
        raise PriceInputError("Mức làm tròn phải lớn hơn 0 đ.", "step")

    total_pct = d["commission_pct"] + d["payment_fee_pct"] + d["withheld_tax_pct"] + d["margin_pct"]
    if total_pct >= HUNDRED:
        raise PriceInputError(
            "Phí sàn, phí thanh toán, thuế bị khấu trừ và lợi nhuận mong muốn cộng lại là "
            f"{format_percent(total_pct)}, phải nhỏ hơn 100%. Không có giá bán nào "
            "đáp ứng được: hãy giảm lợi nhuận mong muốn hoặc kiểm tra lại các mức phí.",
            "margin_pct",
        )

    total_cost = d["production_cost"] + d["packaging_cost"] + d["shipping_cost"] + d["other_cost"]
    if total_cost == 0:
        raise PriceInputError(
            "Tổng chi phí cho mỗi sản phẩm đang là 0 đ. Hãy nhập ít nhất giá vốn sản xuất.",
            "production_cost",
        )

    with localcontext() as ctx:
        ctx.prec = 50
        exact = total_cost / (1 - total_pct / HUNDRED)
        if exact > MAX_SELLING_PRICE:
            raise PriceInputError(
                "Giá bán tính ra quá lớn (hơn 1 triệu tỷ đồng) vì phí sàn, phí thanh toán, "
                "thuế bị khấu trừ và lợi nhuận mong muốn cộng lại gần bằng 100%. Hãy giảm "
                "lợi nhuận mong muốn hoặc kiểm tra lại các mức phí.",
                "margin_pct",
            )
        selling_price = (exact / d["step"]).to_integral_value(rounding=ROUND_CEILING) * d["step"]
        commission = (selling_price * d["commission_pct"] / HUNDRED).quantize(
            ONE_DONG, rounding=ROUND_HALF_UP
        )
        payment_fee = (selling_price * d["payment_fee_pct"] / HUNDRED).quantize(
            ONE_DONG, rounding=ROUND_HALF_UP
        )
        withheld_tax = (selling_price * d["withheld_tax_pct"] / HUNDRED).quantize(
            ONE_DONG, rounding=ROUND_HALF_UP
        )
        profit = selling_price - total_cost - commission - payment_fee - withheld_tax
        exact_display = exact.quantize(ONE_DONG, rounding=ROUND_HALF_UP)

    return PriceBreakdown(
        selling_price=selling_price,
        exact_price=exact_display,
        production_cost=d["production_cost"],
        packaging_cost=d["packaging_cost"],
        shipping_cost=d["shipping_cost"],
        other_cost=d["other_cost"],
        commission_pct=d["commission_pct"],
        payment_fee_pct=d["payment_fee_pct"],
        margin_pct=d["margin_pct"],
        commission=commission,
        payment_fee=payment_fee,
        profit=profit,
        step=d["step"],
        withheld_tax_pct=d["withheld_tax_pct"],
        withheld_tax=withheld_tax,
    )


def profit_at_price(
    selling_price,
    total_cost,
    commission_pct=0,
    payment_fee_pct=0,
    withheld_tax_pct=0,
) -> Decimal:
    """Tiền lãi của một sản phẩm khi bán ở một giá cho trước (ví dụ sau khi giảm giá).

    Mỗi khoản phí và thuế tính theo % giá bán rồi làm tròn đến 1 đ, như trên bảng
    đối soát; kết quả có thể âm (bán lỗ).
    """
    values = {
        "selling_price": selling_price,
        "total_cost": total_cost,
        "commission_pct": commission_pct,
        "payment_fee_pct": payment_fee_pct,
        "withheld_tax_pct": withheld_tax_pct,
    }
    d = {key: _to_decimal(value, key) for key, value in values.items()}
    price = d["selling_price"]
    with localcontext() as ctx:
        ctx.prec = 50
        deductions = sum(
            (price * d[key] / HUNDRED).quantize(ONE_DONG, rounding=ROUND_HALF_UP)
            for key in ("commission_pct", "payment_fee_pct", "withheld_tax_pct")
        )
        return price - d["total_cost"] - deductions


# --- Đọc số do người dùng gõ (kiểu Việt Nam) -------------------------------------

_MONEY_SUFFIX = re.compile(r"\s*(?:đồng|vnđ|vnd|đ|d)\s*$", re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_PLAIN_INT = re.compile(r"\d+")
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?")


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", "", text)


def parse_money(text: str) -> Decimal:
    """Đọc số tiền (đồng) do người dùng gõ: "85000", "85.000", "85,000", "85 000 đ".

    Dấu chấm, dấu phẩy và khoảng trắng được hiểu là dấu tách hàng nghìn. Báo
    ``ValueError`` với câu tiếng Việt nếu không đọc được hoặc là số âm.
    """
    raw = _MONEY_SUFFIX.sub("", text.strip())
    s = _squeeze(raw)
    if s.startswith(("-", "−")):
        raise ValueError("Số tiền không được là số âm.")
    if _GROUPED.fullmatch(s):
        s = s.replace(".", "").replace(",", "")
    if not _PLAIN_INT.fullmatch(s):
        raise ValueError("Hãy nhập số tiền bằng chữ số, không có phần lẻ, ví dụ 85000 hoặc 85.000.")
    return Decimal(s)


def parse_percent(text: str) -> Decimal:
    """Đọc tỷ lệ phần trăm: "8", "2,5", "2.5", "8%". Báo ``ValueError`` nếu không đọc được."""
    s = _squeeze(text.strip())
    if s.endswith("%"):
        s = s[:-1]
    if s.startswith(("-", "−")):
        raise ValueError("Tỷ lệ phần trăm không được là số âm.")
    if not _PERCENT.fullmatch(s):
        raise ValueError("Hãy nhập tỷ lệ phần trăm bằng chữ số, ví dụ 8 hoặc 2,5.")
    return Decimal(s.replace(",", "."))


# --- Hiển thị số kiểu Việt Nam ----------------------------------------------------


def format_vnd(amount) -> str:
    """143000 -> "143.000 đ" (làm tròn đến đồng)."""
    q = Decimal(amount).quantize(ONE_DONG, rounding=ROUND_HALF_UP)
    sign = "−" if q < 0 else ""
    return f"{sign}{abs(int(q)):,}".replace(",", ".") + " đ"


def format_percent(value) -> str:
    """Decimal("2.50") -> "2,5%"; Decimal("20.07") -> "20,07%"."""
    q = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{q:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"
