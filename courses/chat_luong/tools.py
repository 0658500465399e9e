"""Logic thuần của công cụ "Tự chấm điểm theo bộ tiêu chí OCOP".

Khung phiếu chấm theo Điều 1 Quyết định 148/QĐ-TTg (ngày 24/02/2023), chung
cho cả sáu nhóm sản phẩm: phần A 40 điểm, phần B 25 điểm, phần C 35 điểm, tổng
100; tên các nhóm tiêu chí con cũng theo Điều 1. Cách chia điểm tối đa giữa
các tiêu chí con trong mỗi phần là cách chia của khóa học để tự tập: phiếu chấm
chi tiết của từng nhóm, phân nhóm nằm ở Phụ lục III của quyết định. Gợi ý minh
chứng thay đổi theo nhóm sản phẩm (GROUPS).

Thang hạng sao (Điều 1 khoản 2): dưới 30 là 1 sao; 30–49 là 2 sao; 50–69 là
3 sao; 70–89 là 4 sao; 90–100 là 5 sao; công cụ coi mọi tổng dưới mốc sau là
hạng trước (89,5 vẫn là 4 sao). Quy trình theo Quyết định 1489/QĐ-TTg (ngày
06/7/2025): xã đánh giá một phần hồ sơ và đề nghị tỉnh, tỉnh công nhận 3 và 4
sao, sản phẩm từ 90 điểm được đề nghị lên Bộ Nông nghiệp và Môi trường.
Tổng điểm đủ chưa phải là được công nhận: sản phẩm còn phải đạt các tiêu chí
bắt buộc của hạng trong phiếu chấm của nhóm.

Mô-đun này không phụ thuộc Flask hay WTForms để có thể kiểm thử riêng.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "Criterion",
    "ProductGroup",
    "Part",
    "Band",
    "PartScore",
    "Result",
    "PointsError",
    "PARTS",
    "CRITERIA",
    "GROUPS",
    "DEFAULT_GROUP",
    "GroupError",
    "product_group",
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


@dataclass(frozen=True)
class ProductGroup:
    """Một nhóm sản phẩm OCOP (Điều 1 Quyết định 148) và minh chứng đặc thù của nhóm.

    Điểm tối đa của ba phần A, B, C giống nhau ở mọi nhóm; cái khác là câu hỏi
    chi tiết trong phiếu chấm của nhóm, nên công cụ đổi gợi ý minh chứng.
    """

    key: str
    name: str
    examples: str
    #: gợi ý minh chứng riêng của nhóm, theo khóa tiêu chí ("a1", "c2"…)
    hints: Mapping[str, str]
    #: những giấy tờ chất lượng nền tảng của nhóm, hiện ở phần kết quả
    evidence: tuple[str, ...]

    def hint_for(self, criterion: Criterion) -> str:
        return self.hints.get(criterion.key, criterion.hint)


GROUPS: tuple[ProductGroup, ...] = (
    ProductGroup(
        key="thuc-pham",
        name="Thực phẩm",
        examples="nước mắm Phú Quốc, mận sấy Mộc Châu, chè Thái Nguyên, mật ong",
        hints={},
        evidence=(
            "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm, hoặc bản cam kết "
            "sản xuất thực phẩm an toàn nếu cơ sở thuộc diện không phải cấp giấy",
            "Hồ sơ tự công bố (hoặc bản đăng ký công bố với thực phẩm bảo vệ sức khỏe) "
            "và phiếu kiểm nghiệm",
            "Nhãn đủ nội dung bắt buộc của nhóm thực phẩm",
        ),
    ),
    ProductGroup(
        key="do-uong",
        name="Đồ uống",
        examples="rượu ngô Bắc Hà, rượu cần, nước ép, trà túi lọc",
        hints={
            "c2": (
                "Có giấy chứng nhận đủ điều kiện an toàn thực phẩm, hồ sơ công bố, phiếu "
                "kiểm nghiệm (với rượu: hàm lượng methanol, aldehyd), nhãn ghi độ cồn, "
                "và giấy phép sản xuất rượu khi bán ra thị trường chưa?"
            ),
        },
        evidence=(
            "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "Hồ sơ tự công bố và phiếu kiểm nghiệm của từng loại đồ uống",
            "Với rượu: giấy phép sản xuất rượu và nhãn ghi hàm lượng etanol",
        ),
    ),
    ProductGroup(
        key="duoc-lieu",
        name="Dược liệu và sản phẩm từ dược liệu",
        examples="trà hoa vàng, cao actiso Đà Lạt, tinh dầu quế, dầu gội bồ kết",
        hints={
            "a1": (
                "Vùng trồng, thu hái dược liệu có rõ ràng không? Có ghi chép thu hái, "
                "sơ chế, sấy và đo độ ẩm theo lô không?"
            ),
            "c2": (
                "Sản phẩm thuộc loại nào: thực phẩm (tự công bố), thực phẩm bảo vệ sức "
                "khỏe (đăng ký công bố), mỹ phẩm (phiếu công bố ở Sở Y tế) hay thuốc "
                "(số đăng ký)? Đã có đúng giấy tờ của loại đó chưa?"
            ),
        },
        evidence=(
            "Giấy tờ đúng loại sản phẩm: hồ sơ tự công bố (trà, thực phẩm), bản đăng "
            "ký công bố (thực phẩm bảo vệ sức khỏe), phiếu công bố mỹ phẩm, hoặc số "
            "đăng ký thuốc",
            "Nguồn gốc dược liệu và phiếu kiểm nghiệm",
            "Với mỹ phẩm: điều kiện sản xuất mỹ phẩm và số lô trên nhãn",
        ),
    ),
    ProductGroup(
        key="thu-cong-my-nghe",
        name="Thủ công mỹ nghệ",
        examples="gốm Bát Tràng, mây tre đan Phú Vinh, lụa Vạn Phúc, đồ gỗ Đồng Kỵ",
        hints={
            "a1": (
                "Nguyên liệu (đất, mây, tre, gỗ, tơ) có nguồn gốc hợp pháp và ổn định "
                "không? Có quy trình từng công đoạn và kiểm tra thành phẩm không?"
            ),
            "c1": (
                "Hoa văn, kỹ thuật, màu men có nét riêng của làng nghề không? Sản phẩm "
                "có đồng đều về kích thước, độ hoàn thiện giữa các lô không?"
            ),
            "c2": (
                "Có tiêu chuẩn cơ sở ghi thông số kỹ thuật không? Đồ đựng thức ăn (bát, "
                "đĩa, đũa) đã tự công bố theo quy chuẩn vật liệu tiếp xúc thực phẩm chưa?"
            ),
        },
        evidence=(
            "Tiêu chuẩn cơ sở: thành phần, thông số kỹ thuật, cách dùng và bảo quản",
            "Với bát, đĩa, cốc, đũa dùng cho thức ăn: hồ sơ tự công bố dụng cụ tiếp "
            "xúc thực phẩm và phiếu kiểm nghiệm (ví dụ thôi nhiễm chì, cadimi của gốm)",
            "Nhãn ghi thành phần, thông số, hướng dẫn sử dụng (không có mục thực phẩm)",
        ),
    ),
    ProductGroup(
        key="sinh-vat-canh",
        name="Sinh vật cảnh",
        examples="đào Nhật Tân, quất cảnh, lan rừng nhân giống, cá cảnh",
        hints={
            "a1": (
                "Giống, cây mẹ có nguồn gốc rõ ràng không? Có sổ chăm sóc, bón phân, "
                "phòng trừ sâu bệnh theo từng lô cây không?"
            ),
            "c2": (
                "Có hướng dẫn chăm sóc kèm sản phẩm không? Loài có thuộc danh mục cần "
                "giấy phép (như một số loài lan rừng) không; khi xuất khẩu có kiểm dịch "
                "thực vật không?"
            ),
        },
        evidence=(
            "Nguồn gốc giống và sổ chăm sóc theo lô",
            "Hướng dẫn chăm sóc in kèm sản phẩm",
            "Giấy kiểm dịch, giấy phép với loài thuộc danh mục quản lý khi bán xa, xuất khẩu",
        ),
    ),
    ProductGroup(
        key="du-lich",
        name="Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        examples="homestay ở Hà Giang, bản du lịch cộng đồng ở Mai Châu, làng nghề đón khách",
        hints={
            "a1": (
                "Dịch vụ có quy trình đón, phục vụ, an toàn cho khách không? Người làm "
                "dịch vụ có được tập huấn không?"
            ),
            "a3": (
                "Bao nhiêu hộ trong thôn, bản cùng làm dịch vụ và chia sẻ thu nhập? Văn "
                "hóa, ẩm thực địa phương có được đưa vào trải nghiệm không?"
            ),
            "c1": (
                "Trải nghiệm có nét riêng của địa phương không? Phòng, nhà vệ sinh, "
                "bữa ăn có sạch và ổn định giữa các đoàn khách không?"
            ),
            "c2": (
                "Cơ sở lưu trú đã đáp ứng điều kiện tối thiểu và tiêu chuẩn homestay "
                "(TCVN 7800) chưa? Bếp phục vụ khách có giấy tờ an toàn thực phẩm chưa?"
            ),
            "c3": (
                "Đã đón khách quốc tế, có đối tác lữ hành, có thông tin bằng tiếng nước ngoài chưa?"
            ),
        },
        evidence=(
            "Điều kiện kinh doanh lưu trú và tiêu chuẩn homestay (TCVN 7800)",
            "Giấy tờ an toàn thực phẩm của bếp ăn phục vụ khách",
            "Quy trình an toàn, phòng cháy, sơ cứu; sổ góp ý của khách",
        ),
    ),
)

DEFAULT_GROUP = GROUPS[0]


class GroupError(ValueError):
    """Mã nhóm sản phẩm không có trong danh sách."""


def product_group(key: object) -> ProductGroup:
    """Nhóm sản phẩm theo mã; thiếu mã là nhóm thực phẩm."""
    if key is None or (isinstance(key, str) and not key.strip()):
        return DEFAULT_GROUP
    for group in GROUPS:
        if isinstance(key, str) and key.strip() == group.key:
            return group
    raise GroupError(
        "Hãy chọn một nhóm sản phẩm trong danh sách (thực phẩm, đồ uống, dược liệu, "
        "thủ công mỹ nghệ, sinh vật cảnh, du lịch)."
    )


MAX_TOTAL = 100


def _certificate(stars: int) -> str:
    # Tổng điểm đủ chưa phải là được công nhận: phiếu chấm có tiêu chí bắt buộc.
    return (
        f"Với tổng điểm này, sản phẩm có thể được công nhận {stars} sao và cấp giấy "
        "chứng nhận OCOP (hiệu lực 36 tháng, được in biểu trưng OCOP và số sao trên "
        f"bao bì), nếu đạt các tiêu chí bắt buộc của hạng {stars} sao trong phiếu "
        "chấm của nhóm sản phẩm."
    )


_PROVINCE_PATH = (
    "Theo Quyết định 1489/QĐ-TTg: Ủy ban nhân dân cấp xã đánh giá một phần hồ sơ "
    "(nguồn gốc sản phẩm và nguyên liệu, lao động địa phương, nguồn gốc ý tưởng, "
    "bản sắc địa phương) và đề nghị lên tỉnh; hội đồng cấp tỉnh chấm điểm."
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
        certificate=_certificate(3),
        evaluator=_PROVINCE_PATH + " Tỉnh xem xét và công nhận hạng 3 sao.",
    ),
    Band(
        stars=4,
        min_points=70,
        upper=90,
        range_text="từ 70 đến dưới 90 điểm",
        meaning="Sản phẩm cấp tỉnh, có thể phấn đấu lên 5 sao.",
        certificate=_certificate(4),
        evaluator=_PROVINCE_PATH + " Tỉnh xem xét và công nhận hạng 4 sao.",
    ),
    Band(
        stars=5,
        min_points=90,
        upper=100,
        range_text="từ 90 đến 100 điểm",
        meaning="Sản phẩm OCOP cấp quốc gia, có khả năng xuất khẩu.",
        certificate=_certificate(5),
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
    group: ProductGroup = DEFAULT_GROUP

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
        # Một điểm số không bao giờ dài hơn vài ký tự; chuỗi dài (hay "1e999999")
        # chỉ tốn công tính và làm thông báo lỗi dài vô tận.
        if not text or len(text) > _MAX_TEXT:
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


_MAX_TEXT = 40
_PRINTABLE_EXPONENT = 12  # xa hơn thì in "một số quá lớn/quá nhỏ" thay cho hàng nghìn chữ số


def _short(number: Decimal) -> str:
    if number != 0 and abs(number.adjusted()) > _PRINTABLE_EXPONENT:
        return "một số quá lớn" if number.adjusted() > 0 else "một số quá nhỏ"
    return format_points(number)


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
            f"{criterion.max_points}; anh chị đã nhập {_short(number)}.",
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


def score(points: Mapping[str, object], group: ProductGroup = DEFAULT_GROUP) -> Result:
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
    return Result(tuple(part_scores), total, star_band(total), group)


def format_points(value: object) -> str:
    """Viết số điểm theo kiểu Việt Nam: 72 hoặc 72,5 (dấu phẩy thập phân)."""
    number = parse_points(value)
    if number is None:
        return str(value)
    if number != 0 and abs(number.adjusted()) > _PRINTABLE_EXPONENT:
        return str(number).replace(".", ",")  # dạng 1E+308: không trải ra hàng trăm chữ số
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
