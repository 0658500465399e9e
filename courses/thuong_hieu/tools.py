"""Logic thuần của công cụ "Danh sách kiểm tra nhãn sản phẩm".

Người dùng chọn loại sản phẩm, đánh dấu những nội dung nhãn đã có và trả lời vài
câu hỏi về sản phẩm (ví dụ "đây có phải rượu vang không"); `check_label` cho biết
còn thiếu gì, chia thành "bắt buộc" và "nên có", kèm một kết luận.

Căn cứ (kiểm tra ngày 02/12/2026):
- Ba nội dung chung cho mọi hàng hóa: Nghị định 43/2017/NĐ-CP, Điều 10 khoản 1.
- Nội dung theo loại hàng: Phụ lục I của Nghị định 43/2017/NĐ-CP, được thay bằng
  Phụ lục I ban hành kèm Nghị định 111/2021/NĐ-CP. Mỗi loại hàng dưới đây ghi số
  dòng của phụ lục; các mục "(nếu có)" của phụ lục thành câu hỏi điều kiện.
- Cách ghi ngày: Nghị định 43/2017/NĐ-CP, Điều 15 khoản 1.
- Biểu trưng OCOP: Quyết định 148/QĐ-TTg; chỉ sản phẩm đã được công nhận từ 3 đến
  5 sao (giấy chứng nhận hiệu lực 36 tháng) mới được in biểu trưng và số sao.

Mô-đun này không phụ thuộc Flask để có thể kiểm thử riêng.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BAT_BUOC",
    "NEN_CO",
    "DAT",
    "CAN_BO_SUNG",
    "CHUA_DAT",
    "Item",
    "Group",
    "Condition",
    "ProductType",
    "CheckResult",
    "LabelInputError",
    "UnknownProductTypeError",
    "UnknownItemError",
    "UnknownConditionError",
    "CONDITIONS",
    "PRODUCT_TYPES",
    "TYPES",
    "OCOP_GROUPS",
    "MAX_VALUES",
    "groups_for",
    "items_for",
    "conditions_for",
    "get_type",
    "applicable_items",
    "check_label",
    "parse_certified",
]

BAT_BUOC = "bắt buộc"
NEN_CO = "nên có"

# Kết luận (mã ổn định để giao diện và kiểm thử dùng).
DAT = "dat"  # đủ mọi mục áp dụng
CAN_BO_SUNG = "can_bo_sung"  # đủ mục bắt buộc, còn thiếu mục nên có
CHUA_DAT = "chua_dat"  # thiếu mục bắt buộc hoặc có nội dung không được phép

# Một biểu mẫu thật gửi lên không quá vài chục giá trị; nhiều hơn là dữ liệu lạ.
MAX_VALUES = 100

ND43 = "Nghị định 43/2017/NĐ-CP"
PHU_LUC = "Phụ lục I Nghị định 43/2017/NĐ-CP (thay bằng Phụ lục I Nghị định 111/2021/NĐ-CP)"


@dataclass(frozen=True)
class Item:
    """Một mục trong danh sách kiểm tra."""

    key: str  # giá trị gửi lên trong tham số "item" (ascii)
    label: str
    explanation: str  # một dòng giải thích
    level: str  # BAT_BUOC hoặc NEN_CO
    source: str = ""  # căn cứ pháp lý, để người dùng tra lại
    ocop_only: bool = False  # chỉ áp dụng cho sản phẩm đã được công nhận OCOP
    requires: str | None = None  # chỉ áp dụng khi mục này đã được đánh dấu
    condition: str | None = None  # chỉ áp dụng khi điều kiện này đúng...
    unless: bool = False  # ...hoặc, nếu True, khi điều kiện này sai


@dataclass(frozen=True)
class Condition:
    """Một câu hỏi về sản phẩm, quyết định mục "(nếu có)" có áp dụng hay không."""

    key: str
    question: str


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    note: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ProductType:
    """Một loại hàng của Phụ lục I, với các mục bắt buộc riêng của nó."""

    key: str
    title: str
    ocop_group: str  # nhóm sản phẩm OCOP thường gặp (Quyết định 148/QĐ-TTg)
    examples: str
    annex_row: int
    annex_name: str  # tên nhóm hàng như ghi trong phụ lục
    items: tuple[Item, ...]
    not_required: str  # điều người làm nhãn hay tưởng là bắt buộc nhưng không phải
    date_condition: str | None = None  # ngày tháng chỉ có trên nhãn khi điều kiện này đúng
    has_dates: bool = True


CONDITIONS: dict[str, Condition] = {
    c.key: c
    for c in (
        Condition(
            "co_canh_bao",
            "Sản phẩm có điều cần cảnh báo người dùng (ví dụ dễ vỡ, cạnh sắc, chi tiết nhỏ "
            "trẻ em có thể nuốt, người có bệnh nền cần hỏi thầy thuốc).",
        ),
        Condition("ruou_vang", "Đây là rượu vang (ví dụ vang sim, vang nho, vang mận)."),
        Condition("ruou_co_han", "Cơ sở có đặt hạn sử dụng cho loại rượu này."),
        Condition("ruou_co_ma_lo", "Cơ sở đánh mã lô cho từng mẻ rượu."),
        Condition(
            "on_dinh_duoi_30_thang",
            "Mỹ phẩm giữ được chất lượng dưới 30 tháng (độ ổn định dưới 30 tháng).",
        ),
        Condition(
            "cach_dung_da_ro",
            "Hình dạng sản phẩm đã cho thấy rõ cách dùng (ví dụ thỏi son, bánh xà phòng).",
        ),
    )
}


def _row(row: int, point: str) -> str:
    return f"{PHU_LUC}, dòng {row}, điểm {point}"


def _dinh_luong(row: int, point: str = "a", example: str = "500 ml, 1 kg") -> Item:
    return Item(
        "dinh_luong",
        "Định lượng",
        f"Khối lượng tịnh, thể tích thực hoặc số đếm, có đơn vị đo, ví dụ {example}.",
        BAT_BUOC,
        _row(row, point),
    )


def _nsx(row: int, point: str = "b") -> Item:
    return Item(
        "ngay_san_xuat",
        "Ngày sản xuất",
        "Ghi ngày, tháng, năm; có thể viết tắt NSX, ví dụ NSX: 05/03/2026.",
        BAT_BUOC,
        _row(row, point),
    )


def _hsd(row: int, point: str = "c") -> Item:
    return Item(
        "han_su_dung",
        "Hạn sử dụng",
        "Ghi ngày hết hạn, hoặc số tháng kể từ ngày sản xuất; có thể viết tắt HSD.",
        BAT_BUOC,
        _row(row, point),
    )


def _canh_bao_neu_co(row: int, point: str, example: str) -> Item:
    return Item(
        "thong_tin_canh_bao",
        "Thông tin cảnh báo",
        f"Bắt buộc khi sản phẩm có điều cần cảnh báo, ví dụ {example}.",
        BAT_BUOC,
        _row(row, point),
        condition="co_canh_bao",
    )


def _craft_items(row: int, material: str, specs: str, care: str, warning: str) -> tuple:
    return (
        Item(
            "thanh_phan_vat_lieu",
            "Thành phần (vật liệu làm nên sản phẩm)",
            f"Sản phẩm làm bằng gì, ví dụ {material}.",
            BAT_BUOC,
            _row(row, "a"),
        ),
        Item(
            "thong_so_ky_thuat",
            "Thông số kỹ thuật",
            f"Kích thước, dung tích, khối lượng hoặc đặc tính chính, ví dụ {specs}.",
            BAT_BUOC,
            _row(row, "b"),
        ),
        Item(
            "huong_dan_su_dung_bao_quan",
            "Hướng dẫn sử dụng, hướng dẫn bảo quản",
            f"Dùng và giữ thế nào cho bền, ví dụ {care}.",
            BAT_BUOC,
            _row(row, "c"),
        ),
        _canh_bao_neu_co(row, "d", warning),
    )


_FOOD_NOT_REQUIRED = (
    "Biểu trưng OCOP, mã QR, mã vạch và câu chuyện sản phẩm không phải nội dung bắt buộc "
    "theo nghị định về nhãn."
)

PRODUCT_TYPES: tuple[ProductType, ...] = (
    ProductType(
        key="thuc_pham",
        title="Thực phẩm thông thường",
        ocop_group="Thực phẩm",
        examples="nước mắm, mật ong, miến dong, chè búp khô, bánh, mứt, giò chả đóng gói",
        annex_row=2,
        annex_name="Thực phẩm",
        items=(
            _dinh_luong(2),
            _nsx(2),
            _hsd(2),
            Item(
                "thanh_phan",
                "Thành phần hoặc thành phần định lượng",
                "Nguyên liệu, kể cả phụ gia, theo thứ tự khối lượng từ nhiều đến ít.",
                BAT_BUOC,
                _row(2, "d"),
            ),
            Item(
                "thong_tin_canh_bao",
                "Thông tin, cảnh báo",
                "Điều người dùng cần biết để tránh rủi ro, ví dụ chất dễ gây dị ứng "
                "như cá, tôm, đậu phộng.",
                BAT_BUOC,
                _row(2, "đ"),
            ),
            Item(
                "huong_dan_su_dung_bao_quan",
                "Hướng dẫn sử dụng, hướng dẫn bảo quản",
                "Cách dùng và cách giữ, ví dụ “Đậy kín nắp, để nơi khô mát”.",
                BAT_BUOC,
                _row(2, "e"),
            ),
        ),
        not_required=_FOOD_NOT_REQUIRED,
    ),
    ProductType(
        key="luong_thuc",
        title="Lương thực",
        ocop_group="Thực phẩm",
        examples="gạo ST25, gạo nếp cái hoa vàng, gạo Séng Cù, ngô hạt, bột sắn",
        annex_row=1,
        annex_name="Lương thực",
        items=(
            _dinh_luong(1, example="5 kg, 10 kg"),
            _nsx(1),
            _hsd(1),
            _canh_bao_neu_co(1, "d", "ghi chú cho người cần ăn kiêng nếu sản phẩm có"),
        ),
        not_required=(
            "Lương thực không bắt buộc ghi thành phần hay hướng dẫn sử dụng như thực phẩm chế "
            "biến (nên ghi cách bảo quản để khách giữ gạo khỏi mọt). " + _FOOD_NOT_REQUIRED
        ),
    ),
    ProductType(
        key="thuc_pham_bvsk",
        title="Thực phẩm bảo vệ sức khỏe",
        ocop_group="Thảo dược",
        examples="viên nghệ mật ong, trà túi lọc đã công bố là thực phẩm bảo vệ sức khỏe, cao sâm",
        annex_row=3,
        annex_name="Thực phẩm bảo vệ sức khỏe",
        items=(
            _dinh_luong(3, example="60 viên, 100 g"),
            _nsx(3),
            _hsd(3),
            Item(
                "thanh_phan",
                "Thành phần, thành phần định lượng hoặc giá trị dinh dưỡng",
                "Ghi các thành phần và hàm lượng như trong hồ sơ đã đăng ký bản công bố.",
                BAT_BUOC,
                _row(3, "d"),
            ),
            Item(
                "huong_dan_su_dung_bao_quan",
                "Hướng dẫn sử dụng, hướng dẫn bảo quản",
                "Liều dùng, đối tượng dùng, cách bảo quản.",
                BAT_BUOC,
                _row(3, "đ"),
            ),
            Item(
                "khuyen_cao_nguy_co",
                "Công bố khuyến cáo về nguy cơ",
                "Bắt buộc khi sản phẩm có nguy cơ cần khuyến cáo, "
                "ví dụ không dùng cho phụ nữ có thai.",
                BAT_BUOC,
                _row(3, "e"),
                condition="co_canh_bao",
            ),
            Item(
                "cum_tu_tpbvsk",
                "Cụm từ “Thực phẩm bảo vệ sức khỏe”",
                "Ghi đúng cụm từ này để người mua biết loại sản phẩm.",
                BAT_BUOC,
                _row(3, "g"),
            ),
            Item(
                "khong_phai_thuoc",
                "Câu “Thực phẩm này không phải là thuốc, "
                "không có tác dụng thay thế thuốc chữa bệnh”",
                "Câu bắt buộc, ghi đủ, không rút gọn.",
                BAT_BUOC,
                _row(3, "h"),
            ),
        ),
        not_required=_FOOD_NOT_REQUIRED,
    ),
    ProductType(
        key="do_uong",
        title="Đồ uống không cồn",
        ocop_group="Đồ uống",
        examples="nước cốt chanh leo, sữa ngô đóng chai, nước mơ ngâm, trà thảo mộc đóng chai",
        annex_row=6,
        annex_name="Đồ uống (trừ rượu)",
        items=(
            _dinh_luong(6, example="330 ml, 1 l"),
            _nsx(6),
            _hsd(6),
            Item(
                "thanh_phan",
                "Thành phần hoặc thành phần định lượng",
                "Nguyên liệu, kể cả đường và phụ gia, theo thứ tự từ nhiều đến ít.",
                BAT_BUOC,
                _row(6, "d"),
            ),
            Item(
                "thong_tin_canh_bao",
                "Thông tin cảnh báo",
                "Ví dụ “Lắc đều trước khi uống; đã mở nắp dùng trong 3 ngày”.",
                BAT_BUOC,
                _row(6, "đ"),
            ),
            Item(
                "huong_dan_su_dung_bao_quan",
                "Hướng dẫn sử dụng, hướng dẫn bảo quản",
                "Ví dụ “Bảo quản lạnh 2–6 °C”.",
                BAT_BUOC,
                _row(6, "e"),
            ),
        ),
        not_required=_FOOD_NOT_REQUIRED,
    ),
    ProductType(
        key="ruou",
        title="Rượu",
        ocop_group="Đồ uống",
        examples="rượu ngô men lá Bắc Hà, rượu làng Vân, rượu cần, vang sim Phú Quốc",
        annex_row=7,
        annex_name="Rượu",
        items=(
            _dinh_luong(7, example="500 ml, 750 ml"),
            Item(
                "do_con",
                "Hàm lượng etanol (độ cồn)",
                "Ví dụ “Độ cồn: 29,5% vol”. Nhãn rượu thiếu mục này là chưa đạt.",
                BAT_BUOC,
                _row(7, "b"),
            ),
            Item(
                "han_su_dung",
                "Hạn sử dụng",
                "Bắt buộc khi cơ sở có đặt hạn sử dụng cho loại rượu này.",
                BAT_BUOC,
                _row(7, "c"),
                condition="ruou_co_han",
            ),
            Item(
                "huong_dan_bao_quan_vang",
                "Hướng dẫn bảo quản",
                "Bắt buộc với rượu vang, ví dụ “Để nơi mát, tránh ánh nắng, đặt nằm chai”.",
                BAT_BUOC,
                _row(7, "d"),
                condition="ruou_vang",
            ),
            Item(
                "thong_tin_canh_bao",
                "Thông tin cảnh báo",
                "Bắt buộc khi có điều cần cảnh báo người dùng.",
                BAT_BUOC,
                _row(7, "đ"),
                condition="co_canh_bao",
            ),
            Item(
                "ma_lo",
                "Mã nhận diện lô",
                "Bắt buộc khi cơ sở đánh mã lô, ví dụ “Lô: 26-03”.",
                BAT_BUOC,
                _row(7, "e"),
                condition="ruou_co_ma_lo",
            ),
        ),
        not_required=(
            "Nhãn rượu không bắt buộc ghi ngày sản xuất, cũng không bắt buộc ghi thành phần "
            "như thực phẩm. " + _FOOD_NOT_REQUIRED
        ),
        date_condition="ruou_co_han",
    ),
    ProductType(
        key="my_pham",
        title="Mỹ phẩm",
        ocop_group="Thảo dược",
        examples="dầu gội bồ kết, xà phòng thảo mộc, tinh dầu sả chanh dùng ngoài da, son dầu gấc",
        annex_row=14,
        annex_name="Mỹ phẩm",
        items=(
            _dinh_luong(14, example="250 ml, 100 g"),
            Item(
                "thanh_phan",
                "Thành phần hoặc thành phần định lượng",
                "Liệt kê đủ các thành phần của công thức như trong hồ sơ công bố mỹ phẩm.",
                BAT_BUOC,
                _row(14, "b"),
            ),
            Item(
                "so_lo",
                "Số lô sản xuất",
                "Mỗi mẻ một số lô, để truy lại khi có khách phản ánh, ví dụ “Số lô: BK2603”.",
                BAT_BUOC,
                _row(14, "c"),
            ),
            Item(
                "nsx_hoac_hsd",
                "Ngày sản xuất hoặc hạn sử dụng",
                "Ghi ít nhất một trong hai mốc, theo thứ tự ngày, tháng, năm.",
                BAT_BUOC,
                _row(14, "d"),
            ),
            Item(
                "ngay_het_han",
                "Ngày hết hạn",
                "Bắt buộc với mỹ phẩm có độ ổn định dưới 30 tháng.",
                BAT_BUOC,
                _row(14, "đ"),
                condition="on_dinh_duoi_30_thang",
            ),
            Item(
                "huong_dan_su_dung",
                "Hướng dẫn sử dụng",
                "Bắt buộc, trừ khi hình dạng sản phẩm đã cho thấy rõ cách dùng.",
                BAT_BUOC,
                _row(14, "e"),
                condition="cach_dung_da_ro",
                unless=True,
            ),
            Item(
                "thong_tin_canh_bao",
                "Thông tin, cảnh báo",
                "Ví dụ “Chỉ dùng ngoài da; tránh để dây vào mắt; thử trước ở cổ tay”.",
                BAT_BUOC,
                _row(14, "g"),
            ),
        ),
        not_required=(
            "Mỹ phẩm làm từ thảo dược vẫn là mỹ phẩm: không ghi công dụng chữa bệnh. "
            + _FOOD_NOT_REQUIRED
        ),
    ),
    ProductType(
        key="do_go",
        title="Đồ gỗ",
        ocop_group="Thủ công mỹ nghệ",
        examples="bàn ghế gỗ, khay gỗ, thớt nghiến, tượng gỗ Đồng Kỵ",
        annex_row=32,
        annex_name="Đồ gỗ",
        items=_craft_items(
            32,
            "gỗ nghiến tự nhiên, phủ dầu ăn được",
            "đường kính 35 cm, dày 4 cm",
            "rửa nước, lau khô, không ngâm lâu, không để máy rửa bát",
            "cạnh sắc, dễ cháy",
        ),
        not_required=(
            "Đồ gỗ không bắt buộc ghi ngày sản xuất, hạn sử dụng hay thành phần kiểu thực phẩm. "
            "Biểu trưng OCOP, mã QR, mã vạch và câu chuyện sản phẩm cũng không bắt buộc."
        ),
        has_dates=False,
    ),
    ProductType(
        key="gom_su",
        title="Gốm, sành, sứ, thủy tinh",
        ocop_group="Thủ công mỹ nghệ",
        examples="bộ ấm chén Bát Tràng, bình gốm Chu Đậu, chum sành Phù Lãng",
        annex_row=33,
        annex_name="Sản phẩm sành, sứ, thủy tinh",
        items=_craft_items(
            33,
            "sứ trắng, men lam vẽ tay, không chì",
            "ấm 600 ml, 6 chén 60 ml",
            "dùng được trong lò vi sóng, không đặt trực tiếp lên lửa",
            "dễ vỡ, không để trẻ nhỏ chơi",
        ),
        not_required=(
            "Hàng gốm sứ không bắt buộc ghi ngày sản xuất, hạn sử dụng hay thành phần kiểu "
            "thực phẩm. Biểu trưng OCOP, mã QR, mã vạch và câu chuyện sản phẩm cũng không bắt buộc."
        ),
        has_dates=False,
    ),
    ProductType(
        key="thu_cong_my_nghe",
        title="Hàng thủ công mỹ nghệ",
        ocop_group="Thủ công mỹ nghệ",
        examples="giỏ cói Kim Sơn, làn mây tre đan Phú Vinh, thổ cẩm dệt tay, nón lá",
        annex_row=34,
        annex_name="Hàng thủ công mỹ nghệ",
        items=_craft_items(
            34,
            "cói tự nhiên, quai da bò",
            "cao 30 cm, miệng 40 cm, chịu tải 5 kg",
            "để nơi khô ráo, tránh ẩm mốc, phơi nắng nhẹ khi bị ẩm",
            "không đựng vật nóng",
        ),
        not_required=(
            "Hàng thủ công mỹ nghệ không bắt buộc ghi ngày sản xuất, hạn sử dụng hay thành phần "
            "kiểu thực phẩm. Biểu trưng OCOP, mã QR, mã vạch và câu chuyện sản phẩm "
            "cũng không bắt buộc."
        ),
        has_dates=False,
    ),
)

TYPES: dict[str, ProductType] = {t.key: t for t in PRODUCT_TYPES}

# Thứ tự các nhóm sản phẩm OCOP trên trang chọn loại hàng.
OCOP_GROUPS: tuple[str, ...] = tuple(dict.fromkeys(t.ocop_group for t in PRODUCT_TYPES))

_COMMON = Group(
    key="chung",
    title="Nội dung bắt buộc với mọi hàng hóa",
    note=f"{ND43}, Điều 10 khoản 1.",
    items=(
        Item(
            "ten_hang_hoa",
            "Tên hàng hóa",
            "Ghi rõ sản phẩm là gì, không làm người mua hiểu sai về bản chất hay công dụng.",
            BAT_BUOC,
            f"{ND43}, Điều 10 khoản 1 điểm a",
        ),
        Item(
            "to_chuc_chiu_trach_nhiem",
            "Tên và địa chỉ của tổ chức, cá nhân chịu trách nhiệm về hàng hóa",
            "Tên cơ sở, hợp tác xã hoặc hộ sản xuất và địa chỉ đủ để tìm đến được.",
            BAT_BUOC,
            f"{ND43}, Điều 10 khoản 1 điểm b",
        ),
        Item(
            "xuat_xu",
            "Xuất xứ hàng hóa",
            "Nơi làm ra sản phẩm, ví dụ “Sản xuất tại Việt Nam”.",
            BAT_BUOC,
            f"{ND43}, Điều 10 khoản 1 điểm c",
        ),
    ),
)

_LANGUAGE_ITEMS = (
    Item(
        "tieng_viet",
        "Nội dung bắt buộc ghi bằng tiếng Việt",
        "Có thể ghi thêm tiếng nước ngoài, nhưng phải tương ứng với phần tiếng Việt.",
        BAT_BUOC,
        f"{ND43}, Điều 7",
    ),
    Item(
        "de_doc",
        "Nhãn ở chỗ dễ thấy, chữ đọc được bằng mắt thường",
        "Người mua đọc được nội dung bắt buộc mà không phải tháo rời sản phẩm.",
        BAT_BUOC,
        f"{ND43}, Điều 4 đến Điều 6",
    ),
)


def _date_order_item(condition: str | None) -> Item:
    return Item(
        "thu_tu_ngay",
        "Ngày tháng ghi theo thứ tự ngày, tháng, năm",
        "Ghi thứ tự khác (ví dụ năm trước) thì phải có chú thích thứ tự bằng tiếng Việt.",
        BAT_BUOC,
        f"{ND43}, Điều 15 khoản 1",
        condition=condition,
    )


_SALES = Group(
    key="ban_hang",
    title="Nên có để bán hàng tốt hơn",
    note="Không bắt buộc theo quy định về nhãn, nhưng giúp khách nhận ra và mua lại.",
    items=(
        Item(
            "thuong_hieu_logo",
            "Tên thương hiệu và logo",
            "In đúng màu, đúng mẫu trong bộ nhận diện để khách nhận ra hàng của mình.",
            NEN_CO,
        ),
        Item(
            "thong_tin_lien_he",
            "Số điện thoại hoặc trang bán hàng",
            "Để khách đặt mua lại hoặc phản hồi khi có vấn đề.",
            NEN_CO,
        ),
        Item(
            "ma_vach",
            "Mã số, mã vạch",
            "Nhiều siêu thị và nhà phân phối yêu cầu khi nhận hàng.",
            NEN_CO,
        ),
    ),
)

_OCOP = Group(
    key="ocop",
    title="Mục dành cho sản phẩm OCOP",
    note=(
        "Biểu trưng OCOP và số sao chỉ dành cho sản phẩm đã được công nhận từ 3 đến "
        "5 sao. Mã QR và câu chuyện sản phẩm thì nên có với mọi sản phẩm."
    ),
    items=(
        Item(
            "bieu_trung_ocop",
            "Biểu trưng OCOP và số sao",
            "Chỉ in khi sản phẩm đã có giấy chứng nhận OCOP 3 đến 5 sao; in đúng số sao.",
            NEN_CO,
            "Quyết định 148/QĐ-TTg",
            ocop_only=True,
        ),
        Item(
            "chung_nhan_con_hieu_luc",
            "Giấy chứng nhận OCOP còn hiệu lực và khớp số sao đã in",
            "Giấy chứng nhận có hiệu lực 36 tháng; hết hạn thì không in tiếp số sao cũ.",
            BAT_BUOC,
            "Quyết định 148/QĐ-TTg",
            ocop_only=True,
            requires="bieu_trung_ocop",
        ),
        Item(
            "ma_qr",
            "Mã QR truy xuất nguồn gốc",
            "Dẫn tới thông tin lô hàng, vùng nguyên liệu, cơ sở sản xuất; đã quét thử.",
            NEN_CO,
        ),
        Item(
            "cau_chuyen_san_pham",
            "Câu chuyện sản phẩm ngắn",
            "Một hai câu trên nhãn hoặc qua mã QR: vùng đất, nguyên liệu, con người.",
            NEN_CO,
        ),
    ),
)


def _build_groups(product: ProductType) -> tuple[Group, ...]:
    presentation = _LANGUAGE_ITEMS
    if product.has_dates:
        presentation = presentation + (_date_order_item(product.date_condition),)
    return (
        _COMMON,
        Group(
            key="loai_hang",
            title=f"Nội dung bắt buộc theo loại hàng: {product.title.lower()}",
            note=f"{PHU_LUC}, dòng {product.annex_row} ({product.annex_name}).",
            items=product.items,
        ),
        Group(
            key="trinh_bay",
            title="Cách trình bày nhãn",
            note="Áp dụng cho mọi nội dung bắt buộc ở trên.",
            items=presentation,
        ),
        _SALES,
        _OCOP,
    )


_GROUPS: dict[str, tuple[Group, ...]] = {t.key: _build_groups(t) for t in PRODUCT_TYPES}
_ITEMS: dict[str, dict[str, Item]] = {
    key: {item.key: item for group in groups for item in group.items}
    for key, groups in _GROUPS.items()
}


class LabelInputError(ValueError):
    """Dữ liệu gửi lên không hợp lệ; thông báo (str) viết bằng tiếng Việt."""


def _shown(text: str, limit: int = 40) -> str:
    """Giá trị lạ để nhắc lại trong thông báo: bỏ ký tự điều khiển, cắt bớt nếu quá dài."""
    clean = "".join(ch for ch in str(text) if ch.isprintable())
    return clean if len(clean) <= limit else clean[:limit] + "…"


class UnknownProductTypeError(LabelInputError):
    """Loại sản phẩm không có trong danh sách."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(
            f"Loại sản phẩm “{_shown(key)}” không có trong danh sách. "
            "Hãy chọn lại loại sản phẩm của anh chị trong danh sách bên dưới."
        )


class UnknownItemError(LabelInputError):
    """Có mục không nằm trong danh sách kiểm tra của loại sản phẩm đã chọn."""

    def __init__(self, keys: Iterable[str], product: ProductType | None = None):
        self.keys = tuple(keys)
        shown = ", ".join(f"“{_shown(key)}”" for key in self.keys[:5])
        if len(self.keys) > 5:
            shown += "…"
        noun = "Mục" if len(self.keys) == 1 else "Các mục"
        where = f" của loại “{product.title}”" if product else ""
        super().__init__(
            f"{noun} {shown} không có trong danh sách kiểm tra nhãn{where}. "
            "Hãy mở lại trang danh sách và chỉ đánh dấu những mục có sẵn."
        )


class UnknownConditionError(LabelInputError):
    """Có câu hỏi điều kiện không thuộc loại sản phẩm đã chọn."""

    def __init__(self, keys: Iterable[str]):
        self.keys = tuple(keys)
        shown = ", ".join(f"“{_shown(key)}”" for key in self.keys[:5])
        super().__init__(
            f"Câu trả lời {shown} không thuộc các câu hỏi về sản phẩm này. "
            "Hãy mở lại trang danh sách và chỉ đánh dấu những ô có sẵn."
        )


@dataclass(frozen=True)
class CheckResult:
    product: ProductType
    certified: bool
    ticked: frozenset[str]
    conditions: frozenset[str]
    missing_mandatory: tuple[Item, ...]
    missing_recommended: tuple[Item, ...]
    not_applicable: tuple[Item, ...]  # mục "(nếu có)" không áp dụng với sản phẩm này
    problems: tuple[str, ...]  # nội dung không được phép, cần sửa
    status: str  # DAT, CAN_BO_SUNG hoặc CHUA_DAT
    verdict: str  # kết luận viết cho người dùng

    @property
    def complete(self) -> bool:
        return self.status == DAT

    @property
    def missing(self) -> dict[str, tuple[Item, ...]]:
        """Các mục còn thiếu, theo mức: {"bắt buộc": ..., "nên có": ...}."""
        return {BAT_BUOC: self.missing_mandatory, NEN_CO: self.missing_recommended}


_TRUE_VALUES = frozenset({"1", "on", "true", "yes", "co", "có"})
_FALSE_VALUES = frozenset({"", "0", "off", "false", "no", "khong", "không"})


def parse_certified(value: str | None) -> bool:
    """Đọc cờ "đã được công nhận OCOP" từ ô đánh dấu trên biểu mẫu."""
    text = (value or "").strip().lower()
    if text in _TRUE_VALUES:
        return True
    if text in _FALSE_VALUES:
        return False
    raise LabelInputError(
        f"Giá trị “{_shown(value or '', 20)}” của ô “Sản phẩm đã được công nhận OCOP” "
        "không hợp lệ. "
        "Hãy đánh dấu hoặc bỏ đánh dấu ô này rồi kiểm tra lại."
    )


def get_type(key: str | None) -> ProductType:
    """Loại sản phẩm theo khóa; khóa lạ gây UnknownProductTypeError."""
    product = TYPES.get(key or "")
    if product is None:
        raise UnknownProductTypeError(str(key))
    return product


def groups_for(product_key: str) -> tuple[Group, ...]:
    """Các nhóm mục của danh sách kiểm tra cho một loại sản phẩm, theo thứ tự."""
    return _GROUPS[get_type(product_key).key]


def items_for(product_key: str) -> dict[str, Item]:
    """Mọi mục của danh sách kiểm tra cho một loại sản phẩm, theo khóa."""
    return _ITEMS[get_type(product_key).key]


def conditions_for(product_key: str) -> tuple[Condition, ...]:
    """Các câu hỏi điều kiện mà danh sách của loại sản phẩm này dùng đến."""
    keys = dict.fromkeys(
        item.condition for item in items_for(product_key).values() if item.condition
    )
    return tuple(CONDITIONS[key] for key in keys)


def _condition_holds(item: Item, conditions: frozenset[str]) -> bool:
    if item.condition is None:
        return True
    return (item.condition in conditions) != item.unless


def applicable_items(
    product_key: str,
    ticked: Iterable[str] = (),
    certified: bool = False,
    conditions: Iterable[str] = (),
) -> tuple[Item, ...]:
    """Những mục cần xét với sản phẩm này, theo thứ tự của danh sách."""
    chosen = set(ticked)
    facts = frozenset(conditions)
    result = []
    for group in groups_for(product_key):
        for item in group.items:
            if item.ocop_only and not certified:
                continue
            if item.requires is not None and item.requires not in chosen:
                continue
            if not _condition_holds(item, facts):
                continue
            result.append(item)
    return tuple(result)


def _check_counts(*values: Iterable[str]) -> None:
    if sum(len(list(v)) for v in values) > MAX_VALUES:
        raise LabelInputError(
            "Biểu mẫu gửi lên quá nhiều ô đánh dấu. Hãy mở lại trang danh sách và đánh dấu "
            "lại những nội dung nhãn đang có."
        )


def check_label(
    product_key: str,
    ticked: Iterable[str],
    certified: bool = False,
    conditions: Iterable[str] = (),
) -> CheckResult:
    """So các mục đã đánh dấu với danh sách của loại sản phẩm; báo mục thiếu và kết luận.

    `ticked` là các khóa mục đã đánh dấu (trùng lặp được bỏ qua), `conditions` là các
    câu hỏi điều kiện được trả lời "đúng". Loại lạ, mục lạ hay điều kiện lạ gây
    LabelInputError. `certified` cho biết sản phẩm đã được công nhận OCOP (3 đến 5 sao).
    """
    keys = [str(key) for key in ticked]
    facts_list = [str(key) for key in conditions]
    _check_counts(keys, facts_list)
    product = get_type(product_key)
    known = _ITEMS[product.key]
    unknown = [key for key in dict.fromkeys(keys) if key not in known]
    if unknown:
        raise UnknownItemError(unknown, product)
    allowed = {c.key for c in conditions_for(product.key)}
    strange = [key for key in dict.fromkeys(facts_list) if key not in allowed]
    if strange:
        raise UnknownConditionError(strange)
    chosen = frozenset(keys)
    facts = frozenset(facts_list)

    problems: list[str] = []
    if not certified and "bieu_trung_ocop" in chosen:
        problems.append(
            "Sản phẩm chưa được công nhận OCOP từ 3 sao trở lên thì không được in "
            "biểu trưng OCOP và số sao. Hãy bỏ biểu trưng khỏi nhãn, hoặc đánh dấu ô "
            "“đã được công nhận” nếu sản phẩm đã có giấy chứng nhận còn hiệu lực."
        )

    applicable = applicable_items(product.key, chosen, certified, facts)
    missing = [item for item in applicable if item.key not in chosen]
    missing_mandatory = tuple(item for item in missing if item.level == BAT_BUOC)
    missing_recommended = tuple(item for item in missing if item.level == NEN_CO)
    not_applicable = tuple(
        item
        for group in _GROUPS[product.key]
        for item in group.items
        if item.condition is not None and not _condition_holds(item, facts)
    )

    if problems or missing_mandatory:
        status = CHUA_DAT
        parts = []
        if missing_mandatory:
            parts.append(f"còn thiếu {len(missing_mandatory)} nội dung bắt buộc")
        if problems:
            parts.append("có nội dung không được phép in")
        verdict = (
            f"Nhãn {product.title.lower()} chưa đạt: "
            + " và ".join(parts)
            + ". Cần sửa trước khi in bao bì và đưa hàng ra thị trường."
        )
    elif missing_recommended:
        status = CAN_BO_SUNG
        verdict = (
            f"Nhãn {product.title.lower()} đã đủ các nội dung bắt buộc trong danh sách. "
            f"Nên bổ sung thêm {len(missing_recommended)} mục để khách dễ nhận ra, "
            "dễ tin và dễ mua lại."
        )
    else:
        status = DAT
        verdict = f"Nhãn {product.title.lower()} đã có đủ các mục trong danh sách kiểm tra."

    return CheckResult(
        product=product,
        certified=certified,
        ticked=chosen,
        conditions=facts,
        missing_mandatory=missing_mandatory,
        missing_recommended=missing_recommended,
        not_applicable=not_applicable,
        problems=tuple(problems),
        status=status,
        verdict=verdict,
    )
