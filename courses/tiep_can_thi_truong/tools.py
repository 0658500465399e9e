"""Logic thuần của công cụ "Lợi nhuận theo kênh và điểm hòa vốn" (không phụ thuộc Flask).

Cùng một sản phẩm đi qua nhiều kênh (siêu thị, nhà phân phối, sàn thương mại điện tử,
bán trực tiếp). Với mỗi kênh, tính trên **một sản phẩm giao đi**:

    tiền thuần   = giá bán lẻ × (1 − (chiết khấu + phí sàn + thuế bị khấu trừ) ÷ 100)
    tiền về tay  = tiền thuần × (1 − tỷ lệ hàng trả về ÷ 100) − vận chuyển mỗi sản phẩm
    lãi góp      = tiền về tay − chi phí biến đổi mỗi sản phẩm
    chi phí cố định mỗi tháng = chi phí tháng của kênh + phí một lần ÷ số tháng phân bổ
    sản lượng hòa vốn = làm tròn lên (chi phí cố định mỗi tháng ÷ lãi góp)

Lãi góp từ 0 trở xuống thì kênh không bao giờ hòa vốn, bán càng nhiều càng lỗ.
Mọi phép tính dùng Decimal và giữ số chính xác; chỉ làm tròn khi hiển thị.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

__all__ = [
    "CHANNELS",
    "ChannelInput",
    "ChannelInputError",
    "ChannelResult",
    "MAX_AMOUNT",
    "MAX_MONTHS",
    "MAX_UNIT_PRICE",
    "channel_result",
    "format_percent",
    "format_vnd",
    "parse_months",
    "parse_money",
    "parse_percent",
]

HUNDRED = Decimal(100)
ONE = Decimal(1)
#: Giá bán lẻ và chi phí cho một sản phẩm: tối đa 1 tỷ đồng.
MAX_UNIT_PRICE = Decimal(1_000_000_000)
#: Phí một lần và chi phí cố định mỗi tháng: tối đa 1.000 tỷ đồng.
MAX_AMOUNT = Decimal(10) ** 12
MAX_MONTHS = 120
#: Ô nhập dài hơn thế này chắc chắn không phải một con số hợp lý.
MAX_TEXT = 40

#: Mã kênh (dùng làm tiền tố tên ô trong biểu mẫu) và tên kênh.
CHANNELS = (
    ("st", "Siêu thị, chuỗi bán lẻ"),
    ("npp", "Nhà phân phối, đại lý"),
    ("san", "Sàn thương mại điện tử"),
    ("tt", "Bán trực tiếp"),
)


class ChannelInputError(ValueError):
    """Số liệu của một kênh không tính được. ``message`` là câu tiếng Việt cho người dùng."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ChannelInput:
    """Số liệu của một kênh. Tiền tính bằng đồng, tỷ lệ là phần trăm (30 nghĩa là 30%)."""

    name: str
    consumer_price: Decimal  # giá người mua cuối cùng trả cho một sản phẩm
    unit_cost: Decimal  # chi phí biến đổi của một sản phẩm (nguyên liệu, bao bì, công)
    margin_pct: Decimal = Decimal(0)  # chiết khấu cho kênh, tính trên giá bán lẻ
    fee_pct: Decimal = Decimal(0)  # phí sàn, phí thanh toán, tính trên giá bán lẻ
    tax_pct: Decimal = Decimal(0)  # thuế sàn khấu trừ thay, tính trên giá bán lẻ
    shipping: Decimal = Decimal(0)  # vận chuyển người bán chịu cho mỗi sản phẩm
    returns_pct: Decimal = Decimal(0)  # phần trăm hàng giao bị trả về, hư hỏng, không được trả tiền
    one_off_fee: Decimal = Decimal(0)  # phí một lần (phí vào quầy, phí mã hàng, gian hội chợ)
    months: int = 12  # số tháng chia phí một lần
    monthly_fixed: Decimal = Decimal(0)  # chi phí cố định mỗi tháng của riêng kênh này


@dataclass(frozen=True)
class ChannelResult:
    """Kết quả cho một kênh; số tiền là Decimal chính xác (làm tròn khi hiển thị)."""

    channel: ChannelInput
    net_price: Decimal  # giá bán lẻ trừ chiết khấu, phí sàn, thuế bị khấu trừ
    returns_loss: Decimal  # tiền mất vì hàng trả về, tính bình quân cho một sản phẩm giao
    keep: Decimal  # tiền về tay cho một sản phẩm giao, trước chi phí biến đổi
    contribution: Decimal  # lãi góp: tiền về tay trừ chi phí biến đổi
    fixed_monthly: Decimal  # chi phí cố định mỗi tháng, gồm phần phí một lần chia ra
    break_even_units: int | None  # None: không bao giờ hòa vốn

    @property
    def deductions_pct(self) -> Decimal:
        c = self.channel
        return c.margin_pct + c.fee_pct + c.tax_pct

    @property
    def keep_pct(self) -> Decimal:
        """Tiền về tay theo % giá bán lẻ, 2 chữ số thập phân."""
        return _share(self.keep, self.channel.consumer_price)

    @property
    def contribution_pct(self) -> Decimal:
        return _share(self.contribution, self.channel.consumer_price)

    @property
    def breaks_even(self) -> bool:
        return self.break_even_units is not None


def _share(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def channel_result(channel: ChannelInput) -> ChannelResult:
    """Tính tiền về tay, lãi góp và sản lượng hòa vốn mỗi tháng của một kênh.

    Báo ``ChannelInputError`` (câu tiếng Việt) khi số liệu không thể đúng: số âm, giá
    bán lẻ bằng 0, tỷ lệ từ 100% trở lên, số tháng ngoài 1–120.
    """
    c = channel
    for key, value, limit in (
        ("consumer_price", c.consumer_price, MAX_UNIT_PRICE),
        ("unit_cost", c.unit_cost, MAX_UNIT_PRICE),
        ("shipping", c.shipping, MAX_UNIT_PRICE),
        ("one_off_fee", c.one_off_fee, MAX_AMOUNT),
        ("monthly_fixed", c.monthly_fixed, MAX_AMOUNT),
    ):
        if not value.is_finite() or value < 0:
            raise ChannelInputError(f"{c.name}: số tiền không được là số âm.", key)
        if value > limit:
            raise ChannelInputError(f"{c.name}: số tiền quá lớn.", key)
    for key, value in (
        ("margin_pct", c.margin_pct),
        ("fee_pct", c.fee_pct),
        ("tax_pct", c.tax_pct),
        ("returns_pct", c.returns_pct),
    ):
        if not value.is_finite() or value < 0 or value >= HUNDRED:
            raise ChannelInputError(f"{c.name}: tỷ lệ phải từ 0 đến dưới 100%.", key)
    if c.consumer_price == 0:
        raise ChannelInputError(f"{c.name}: giá bán lẻ phải lớn hơn 0 đ.", "consumer_price")
    if not 1 <= c.months <= MAX_MONTHS:
        raise ChannelInputError(
            f"{c.name}: số tháng chia phí một lần phải từ 1 đến {MAX_MONTHS}.", "months"
        )
    deductions = c.margin_pct + c.fee_pct + c.tax_pct
    if deductions >= HUNDRED:
        raise ChannelInputError(
            f"{c.name}: chiết khấu, phí sàn và thuế bị khấu trừ cộng lại là "
            f"{format_percent(deductions)}, không còn đồng nào về tay. Tổng phải dưới 100%.",
            "margin_pct",
        )

    net = c.consumer_price * (1 - deductions / HUNDRED)
    returns_loss = net * c.returns_pct / HUNDRED
    keep = net - returns_loss - c.shipping
    contribution = keep - c.unit_cost
    fixed = c.monthly_fixed + c.one_off_fee / Decimal(c.months)
    if contribution <= 0:
        units = None
    elif fixed == 0:
        units = 0
    else:
        units = int((fixed / contribution).to_integral_value(rounding=ROUND_CEILING))
    return ChannelResult(
        channel=c,
        net_price=net,
        returns_loss=returns_loss,
        keep=keep,
        contribution=contribution,
        fixed_monthly=fixed,
        break_even_units=units,
    )


# --- Đọc số do người dùng gõ (kiểu Việt Nam) -------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_MONEY_SUFFIX = re.compile(r"(?:đồng|vnđ|vnd|đ)$", re.IGNORECASE)
#: "1.250.000", "1 250 000": nhóm ba chữ số ngăn bằng dấu chấm (khoảng trắng đã bỏ).
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_DIGITS = re.compile(r"\d+")
#: "12,5", "12.5", "12": phần lẻ ngăn bằng dấu phẩy hoặc một dấu chấm.
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)?")


def _clean(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise ValueError("Ô này quá dài: hãy nhập một con số, ví dụ 120.000.")
    return _SPACES.sub("", text)


def parse_money(text: str) -> Decimal:
    """Số tiền (đồng) kiểu Việt Nam: "120000", "120.000", "120 000 đ"; không có phần lẻ."""
    s = _MONEY_SUFFIX.sub("", _clean(text))
    if s.startswith(("-", "−")):
        raise ValueError("Số tiền không được là số âm.")
    if _GROUPED.fullmatch(s):
        s = s.replace(".", "")
    if not _DIGITS.fullmatch(s):
        raise ValueError("Hãy nhập số tiền bằng chữ số, ví dụ 120000 hoặc 120.000.")
    return Decimal(s)


def parse_percent(text: str) -> Decimal:
    """Tỷ lệ phần trăm: "30", "12,5", "12.5", "1,5%". Dấu phẩy là dấu thập phân."""
    s = _clean(text)
    if s.endswith("%"):
        s = s[:-1]
    if s.startswith(("-", "−")):
        raise ValueError("Tỷ lệ phần trăm không được là số âm.")
    if _GROUPED.fullmatch(s):  # "1.500" là một nghìn năm trăm, không phải 1,5
        s = s.replace(".", "")
    if not _DECIMAL.fullmatch(s):
        raise ValueError("Hãy nhập tỷ lệ phần trăm bằng chữ số, ví dụ 30 hoặc 1,5.")
    value = Decimal(s.replace(",", "."))
    if value >= HUNDRED:
        raise ValueError("Tỷ lệ phần trăm phải nhỏ hơn 100%.")
    return value


def parse_months(text: str) -> int:
    """Số tháng chia phí một lần: số nguyên từ 1 đến 120."""
    s = _clean(text)
    if not _DIGITS.fullmatch(s):
        raise ValueError("Hãy nhập số tháng bằng chữ số, ví dụ 12.")
    months = int(s)
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"Số tháng phải từ 1 đến {MAX_MONTHS}.")
    return months


# --- Hiển thị số kiểu Việt Nam ----------------------------------------------------


def format_vnd(amount) -> str:
    """79480 -> "79.480 đ" (làm tròn đến đồng); số âm có dấu trừ."""
    q = Decimal(amount).quantize(ONE, rounding=ROUND_HALF_UP)
    sign = "−" if q < 0 else ""
    return f"{sign}{abs(int(q)):,}".replace(",", ".") + " đ"


def format_percent(value) -> str:
    """Decimal("66.23") -> "66,23%"; Decimal("1.50") -> "1,5%"."""
    q = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{abs(q):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "−" if q < 0 else ""
    return sign + text.replace(".", ",") + "%"
