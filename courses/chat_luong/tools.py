"""Logic thuần của công cụ "Tự chấm điểm theo bộ tiêu chí OCOP".

Dữ liệu tiêu chí dựa trên cấu trúc phiếu chấm của Quyết định 148/QĐ-TTg
(ngày 24/02/2023): phần A 40 điểm, phần B 25 điểm, phần C 35 điểm, tổng 100.
Tên các tiêu chí con lấy theo những gì các nguồn công khai nêu. Cách chia điểm
tối đa giữa các tiêu chí con trong mỗi phần là ước lượng để tự học: phiếu chấm
chính thức (Phụ lục III, riêng cho từng nhóm, bộ sản phẩm) mới là căn cứ.

Thang hạng sao: dưới 30 là 1 sao; 30 đến dưới 50 là 2 sao; 50 đến dưới 70
là 3 sao; 70 đến dưới 90 là 4 sao; 90 đến 100 là 5 sao. Quy trình theo
Quyết định 1489/QĐ-TTg (ngày 06/07/2025): xã đánh giá sơ bộ, tỉnh công nhận
3 và 4 sao, Bộ Nông nghiệp và Môi trường đánh giá sản phẩm từ 90 điểm để
công nhận 5 sao.

Mô-đun này không phụ thuộc Flask hay WTForms để có thể kiểm thử riêng.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "Criterion",
    "Part",
    "Band",
    "PartScore",
    "Result",
    "PointsError",
    "PARTS",
    "CRITERIA",
    "BANDS",
    "MAX_TOTAL",
    "parse_points",
    "check_points",
    "star_band",
    "score",
    "format_points",
]


@dataclass(frozen=True)
class Criterion:
    """Một tiêu chí con trong phiếu tự chấm."""

    key: str  # tên trường trong biểu mẫu (ascii), ví dụ "a1"
    code: str  # mã hiển thị, ví dụ "A1"
    name: str
    max_points: int
    hint: str  # câu hỏi gợi ý để tự xem xét, không phải nội dung phiếu chính thức

    @property
    def label(self) -> str:
        return f"{self.code}. {self.name}"


@dataclass(frozen=True)
class Part:
    """Một phần của phiếu chấm (A, B hoặc C)."""

    key: str
    name: str
    max_points: int
    criteria: tuple[Criterion, ...]

    @property
    def label(self) -> str:
        return f"Phần {self.key}. {self.name}"


@dataclass(frozen=True)
class Band:
    """Một hạng sao: từ `min_points` đến dưới `upper` (riêng 5 sao gồm cả 100)."""

    stars: int
    min_points: int
    upper: int
    range_text: str
    meaning: str
    certificate: str
    evaluator: str

    @property
    def name(self) -> str:
        return f"{self.stars} sao"

    @property
    def symbol(self) -> str:
        return "★" * self.stars + "☆" * (5 - self.stars)


PARTS: tuple[Part, ...] = (
    Part(
        key="A",
        name="Sản phẩm và sức mạnh cộng đồng",
        max_points=40,
        criteria=(
            Criterion(
                key="a1",
                code="A1",
                name="Tổ chức sản xuất",
                max_points=15,
                hint=(
                    "Nguyên liệu có nguồn gốc rõ ràng và ổn định không? Cơ sở có "
                    "quy trình sản xuất, sổ ghi chép theo lô, nơi sản xuất hợp vệ "
                    "sinh và liên kết với người cung cấp nguyên liệu không?"
                ),
            ),
            Criterion(
                key="a2",
                code="A2",
                name="Phát triển sản phẩm",
                max_points=10,
                hint=(
                    "Sản phẩm có được cải tiến về công thức, bao bì, nhãn mác không? "
                    "Có kế hoạch phát triển sản phẩm mới hay dòng sản phẩm phụ không?"
                ),
            ),
            Criterion(
                key="a3",
                code="A3",
                name="Sức mạnh cộng đồng",
                max_points=15,
                hint=(
                    "Sản phẩm có dùng lao động, nguyên liệu của địa phương không? "
                    "Thành viên, người dân có cùng tham gia và cùng hưởng lợi không?"
                ),
            ),
        ),
    ),
    Part(
        key="B",
        name="Khả năng tiếp thị",
        max_points=25,
        criteria=(
            Criterion(
                key="b1",
                code="B1",
                name="Tiếp thị",
                max_points=18,
                hint=(
                    "Sản phẩm đang bán qua những kênh nào, ở bao nhiêu nơi? Cơ sở có "
                    "tham gia hội chợ, bán trực tuyến, có người lo việc bán hàng không?"
                ),
            ),
            Criterion(
                key="b2",
                code="B2",
                name="Câu chuyện sản phẩm",
                max_points=7,
                hint=(
                    "Đã có câu chuyện sản phẩm viết thành văn, đúng sự thật, gắn với "
                    "vùng đất và con người nơi làm ra sản phẩm chưa?"
                ),
            ),
        ),
    ),
    Part(
        key="C",
        name="Chất lượng sản phẩm",
        max_points=35,
        criteria=(
            Criterion(
                key="c1",
                code="C1",
                name="Chất lượng cảm quan, dinh dưỡng, tính độc đáo",
                max_points=10,
                hint=(
                    "Màu, mùi, vị, trạng thái có ổn định giữa các lô không? Sản phẩm "
                    "có nét riêng so với sản phẩm cùng loại không?"
                ),
            ),
            Criterion(
                key="c2",
                code="C2",
                name="Tiêu chuẩn sản phẩm",
                max_points=20,
                hint=(
                    "Có hồ sơ tự công bố hoặc công bố phù hợp, phiếu kiểm nghiệm, "
                    "chứng nhận như VietGAP, HACCP, ISO 22000, hữu cơ, và truy xuất "
                    "được nguồn gốc theo lô không?"
                ),
            ),
            Criterion(
                key="c3",
                code="C3",
                name="Khả năng xuất khẩu và phân phối trên thị trường quốc tế",
                max_points=5,
                hint=(
                    "Sản phẩm đã bán ra nước ngoài, hoặc đã chuẩn bị đủ điều kiện để "
                    "có thể xuất khẩu chưa?"
                ),
            ),
        ),
    ),
)

CRITERIA: tuple[Criterion, ...] = tuple(c for part in PARTS for c in part.criteria)

MAX_TOTAL = 100

_PROVINCE_PATH = (
    "Theo Quyết định 1489/QĐ-TTg: Ủy ban nhân dân cấp xã đánh giá sơ bộ hồ sơ "
    "và đề nghị lên tỉnh; hội đồng đánh giá cấp tỉnh chấm điểm."
)

BANDS: tuple[Band, ...] = (
    Band(
        stars=1,
        min_points=0,
        upper=30,
        range_text="dưới 30 điểm",
        meaning="Mức khởi đầu, là điểm xuất phát để sản phẩm cải thiện dần trong OCOP.",
        certificate=(
            "Giấy chứng nhận OCOP chỉ cấp cho sản phẩm đạt từ 3 sao trở lên, tức là từ 50 điểm."
        ),
        evaluator=(
            _PROVINCE_PATH + " Với mức điểm này, nên hoàn thiện sản phẩm và hồ sơ "
            "qua chu trình OCOP của địa phương trước khi đề nghị đánh giá."
        ),
    ),
    Band(
        stars=2,
        min_points=30,
        upper=50,
        range_text="từ 30 đến dưới 50 điểm",
        meaning="Chưa đạt chuẩn OCOP, nhưng có thể cải thiện để lên 3 sao.",
        certificate=(
            "Giấy chứng nhận OCOP chỉ cấp cho sản phẩm đạt từ 3 sao trở lên, tức là từ 50 điểm."
        ),
        evaluator=(
            _PROVINCE_PATH + " Hãy tìm phần bị điểm thấp nhất và cải thiện nó trước khi nộp hồ sơ."
        ),
    ),
    Band(
        stars=3,
        min_points=50,
        upper=70,
        range_text="từ 50 đến dưới 70 điểm",
        meaning="Sản phẩm cấp tỉnh, đạt chuẩn OCOP, có thể nâng hạng.",
        certificate=(
            "Được cấp giấy chứng nhận, có hiệu lực 36 tháng; được in nhãn OCOP "
            "và số sao trên bao bì."
        ),
        evaluator=_PROVINCE_PATH + " Tỉnh xem xét và công nhận hạng 3 sao.",
    ),
    Band(
        stars=4,
        min_points=70,
        upper=90,
        range_text="từ 70 đến dưới 90 điểm",
        meaning="Sản phẩm cấp tỉnh, có thể phấn đấu lên 5 sao.",
        certificate=(
            "Được cấp giấy chứng nhận, có hiệu lực 36 tháng; được in nhãn OCOP "
            "và số sao trên bao bì."
        ),
        evaluator=_PROVINCE_PATH + " Tỉnh xem xét và công nhận hạng 4 sao.",
    ),
    Band(
        stars=5,
        min_points=90,
        upper=100,
        range_text="từ 90 đến 100 điểm",
        meaning="Sản phẩm OCOP cấp quốc gia, có khả năng xuất khẩu.",
        certificate=(
            "Được cấp giấy chứng nhận, có hiệu lực 36 tháng; được in nhãn OCOP "
            "và số sao trên bao bì."
        ),
        evaluator=(
            _PROVINCE_PATH + " Sản phẩm đạt từ 90 điểm được tỉnh đề nghị lên Bộ "
            "Nông nghiệp và Môi trường đánh giá và công nhận 5 sao."
        ),
    ),
)


class PointsError(ValueError):
    """Điểm không hợp lệ cho một tiêu chí; thông báo viết bằng tiếng Việt."""

    def __init__(self, message: str, criterion: Criterion | None = None):
        super().__init__(message)
        self.message = message
        self.criterion = criterion

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class PartScore:
    part: Part
    points: Decimal
    items: tuple[tuple[Criterion, Decimal], ...]

    @property
    def percent(self) -> int:
        """Tỉ lệ điểm đạt được so với điểm tối đa của phần, làm tròn xuống."""
        return int(self.points * 100 / self.part.max_points)


@dataclass(frozen=True)
class Result:
    parts: tuple[PartScore, ...]
    total: Decimal
    band: Band

    @property
    def weakest(self) -> PartScore:
        """Phần có tỉ lệ điểm thấp nhất (phần đứng trước nếu bằng nhau)."""
        return min(self.parts, key=lambda ps: ps.points / ps.part.max_points)


def parse_points(value: object) -> Decimal | None:
    """Đổi một giá trị nhập (số hoặc chuỗi, chấp nhận dấu phẩy thập phân) thành
    Decimal. Trả về None nếu không phải một con số hữu hạn."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if not text:
            return None
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite():
        return None
    return number


def check_points(criterion: Criterion, value: object) -> Decimal:
    """Kiểm tra điểm của một tiêu chí; trả về Decimal hoặc nêu PointsError."""
    number = parse_points(value)
    if number is None:
        raise PointsError(
            f"Điểm của tiêu chí «{criterion.label}» phải là một con số, ví dụ 8 hoặc 8,5.",
            criterion,
        )
    if number < 0 or number > criterion.max_points:
        raise PointsError(
            f"Điểm của tiêu chí «{criterion.label}» phải từ 0 đến "
            f"{criterion.max_points}; bạn đã nhập {format_points(number)}.",
            criterion,
        )
    return number + 0  # bỏ dấu âm của -0


def star_band(total: object) -> Band:
    """Hạng sao ứng với một tổng điểm từ 0 đến 100."""
    number = parse_points(total)
    if number is None or number < 0 or number > MAX_TOTAL:
        raise ValueError(f"Tổng điểm phải là một số từ 0 đến {MAX_TOTAL}.")
    for band in BANDS:
        if number < band.upper:
            return band
    return BANDS[-1]  # đúng 100 điểm


def score(points: Mapping[str, object]) -> Result:
    """Tính điểm từng phần, tổng điểm và hạng sao.

    `points` ánh xạ khóa tiêu chí ("a1" … "c3") sang điểm tự chấm. Thiếu một
    tiêu chí, có khóa lạ hoặc điểm nằm ngoài 0..tối đa đều bị từ chối bằng
    PointsError có thông báo tiếng Việt nêu tên tiêu chí.
    """
    known = {c.key for c in CRITERIA}
    unknown = sorted(k for k in points if k not in known)
    if unknown:
        raise PointsError("Không có tiêu chí nào mang mã: " + ", ".join(unknown) + ".")
    part_scores = []
    for part in PARTS:
        items = []
        for criterion in part.criteria:
            if criterion.key not in points:
                raise PointsError(f"Chưa có điểm cho tiêu chí «{criterion.label}».", criterion)
            items.append((criterion, check_points(criterion, points[criterion.key])))
        part_points = sum((p for _, p in items), Decimal(0))
        part_scores.append(PartScore(part, part_points, tuple(items)))
    total = sum((ps.points for ps in part_scores), Decimal(0))
    return Result(tuple(part_scores), total, star_band(total))


def format_points(value: object) -> str:
    """Viết số điểm theo kiểu Việt Nam: 72 hoặc 72,5 (dấu phẩy thập phân)."""
    number = parse_points(value)
    if number is None:
        return str(value)
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
