"""Logic thuần của công cụ "Danh sách kiểm tra nhãn sản phẩm".

Người dùng đánh dấu những nội dung nhãn sản phẩm của mình đã có; `check_label`
cho biết còn thiếu gì, chia thành "bắt buộc" và "nên có", kèm một kết luận.

Căn cứ của các mục bắt buộc: Nghị định 43/2017/NĐ-CP về nhãn hàng hóa, đã sửa
đổi, bổ sung bởi Nghị định 111/2021/NĐ-CP. Ba nội dung chung cho mọi hàng hóa
(tên hàng hóa; tên và địa chỉ tổ chức, cá nhân chịu trách nhiệm; xuất xứ) và
nhóm nội dung theo loại hàng dành cho thực phẩm, đồ uống đóng gói sẵn. Loại
hàng khác (rượu, mỹ phẩm, hàng thủ công...) có thể có yêu cầu riêng: danh sách
chỉ để tự rà soát, không thay ý kiến của cơ quan quản lý.

Mục OCOP: chỉ sản phẩm đã được công nhận từ 3 đến 5 sao (có giấy chứng nhận,
hiệu lực 36 tháng) mới được in biểu trưng OCOP và số sao. Với sản phẩm chưa
được công nhận, đánh dấu mục này là một lỗi cần sửa.

Mô-đun này không phụ thuộc Flask để có thể kiểm thử riêng.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BAT_BUOC",
    "NEN_CO",
    "Item",
    "Group",
    "CheckResult",
    "LabelInputError",
    "UnknownItemError",
    "GROUPS",
    "ITEMS",
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


@dataclass(frozen=True)
class Item:
    """Một mục trong danh sách kiểm tra."""

    key: str  # giá trị gửi lên trong tham số "item" (ascii)
    label: str
    explanation: str  # một dòng giải thích
    level: str  # BAT_BUOC hoặc NEN_CO
    ocop_only: bool = False  # chỉ áp dụng cho sản phẩm đã được công nhận OCOP
    requires: str | None = None  # chỉ áp dụng khi mục này đã được đánh dấu


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    note: str
    items: tuple[Item, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        key="chung",
        title="Nội dung bắt buộc với mọi hàng hóa",
        note="Theo Nghị định 43/2017/NĐ-CP, đã sửa đổi bởi Nghị định 111/2021/NĐ-CP.",
        items=(
            Item(
                "ten_hang_hoa",
                "Tên hàng hóa",
                "Ghi rõ sản phẩm là gì, không làm người mua hiểu sai về bản chất hay công dụng.",
                BAT_BUOC,
            ),
            Item(
                "to_chuc_chiu_trach_nhiem",
                "Tên và địa chỉ của tổ chức, cá nhân chịu trách nhiệm về hàng hóa",
                "Tên cơ sở, hợp tác xã hoặc hộ sản xuất và địa chỉ đủ để tìm đến được.",
                BAT_BUOC,
            ),
            Item(
                "xuat_xu",
                "Xuất xứ hàng hóa",
                "Nơi làm ra sản phẩm, ví dụ “Sản xuất tại Việt Nam”.",
                BAT_BUOC,
            ),
        ),
    ),
    Group(
        key="thuc_pham",
        title="Nội dung bắt buộc theo loại hàng: thực phẩm, đồ uống",
        note=(
            "Áp dụng cho thực phẩm, đồ uống đóng gói sẵn. Loại hàng khác có thể có "
            "yêu cầu riêng, hãy đối chiếu phụ lục của nghị định."
        ),
        items=(
            Item(
                "dinh_luong",
                "Định lượng",
                "Khối lượng tịnh, thể tích thực hoặc số đếm, với đơn vị đo như g, kg, ml, l.",
                BAT_BUOC,
            ),
            Item(
                "ngay_san_xuat",
                "Ngày sản xuất",
                "Ghi theo thứ tự ngày, tháng, năm; có thể viết tắt là NSX.",
                BAT_BUOC,
            ),
            Item(
                "han_su_dung",
                "Hạn sử dụng",
                "Ghi theo thứ tự ngày, tháng, năm; có thể viết tắt là HSD.",
                BAT_BUOC,
            ),
            Item(
                "thanh_phan",
                "Thành phần hoặc thành phần định lượng",
                "Liệt kê nguyên liệu, kể cả phụ gia, theo thứ tự khối lượng từ nhiều đến ít.",
                BAT_BUOC,
            ),
            Item(
                "thong_tin_canh_bao",
                "Thông tin, cảnh báo",
                "Điều người dùng cần biết để tránh rủi ro, ví dụ chất dễ gây dị ứng.",
                BAT_BUOC,
            ),
            Item(
                "huong_dan_su_dung",
                "Hướng dẫn sử dụng, hướng dẫn bảo quản",
                "Cách dùng và cách giữ sản phẩm, ví dụ “Đậy kín nắp, để nơi thoáng mát”.",
                BAT_BUOC,
            ),
        ),
    ),
    Group(
        key="trinh_bay",
        title="Cách trình bày nhãn",
        note="Áp dụng cho mọi nội dung bắt buộc ở trên.",
        items=(
            Item(
                "tieng_viet",
                "Nội dung bắt buộc ghi bằng tiếng Việt",
                "Có thể ghi thêm tiếng nước ngoài, nhưng phải tương ứng với phần tiếng Việt.",
                BAT_BUOC,
            ),
            Item(
                "de_doc",
                "Nhãn ở chỗ dễ thấy, chữ đọc được bằng mắt thường",
                "Người mua đọc được nội dung bắt buộc mà không phải tháo rời sản phẩm.",
                BAT_BUOC,
            ),
        ),
    ),
    Group(
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
    ),
    Group(
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
                ocop_only=True,
            ),
            Item(
                "chung_nhan_con_hieu_luc",
                "Giấy chứng nhận OCOP còn hiệu lực và khớp số sao đã in",
                "Giấy chứng nhận có hiệu lực 36 tháng; hết hạn thì không in tiếp số sao cũ.",
                BAT_BUOC,
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
    ),
)

ITEMS: dict[str, Item] = {item.key: item for group in GROUPS for item in group.items}
OCOP_KEYS = frozenset(key for key, item in ITEMS.items() if item.ocop_only)

_TRUE_VALUES = frozenset({"1", "on", "true", "yes", "co", "có"})
_FALSE_VALUES = frozenset({"", "0", "off", "false", "no", "khong", "không"})


class LabelInputError(ValueError):
    """Dữ liệu gửi lên không hợp lệ; thông báo (str) viết bằng tiếng Việt."""


class UnknownItemError(LabelInputError):
    """Có mục không nằm trong danh sách kiểm tra."""

    def __init__(self, keys: Iterable[str]):
        self.keys = tuple(keys)
        shown = ", ".join(f"“{key}”" for key in self.keys)
        noun = "Mục" if len(self.keys) == 1 else "Các mục"
        super().__init__(
            f"{noun} {shown} không có trong danh sách kiểm tra nhãn. "
            "Hãy mở lại trang danh sách và chỉ đánh dấu những mục có sẵn."
        )


@dataclass(frozen=True)
class CheckResult:
    certified: bool
    ticked: frozenset[str]
    missing_mandatory: tuple[Item, ...]
    missing_recommended: tuple[Item, ...]
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


def parse_certified(value: str | None) -> bool:
    """Đọc cờ "đã được công nhận OCOP" từ ô đánh dấu trên biểu mẫu."""
    text = (value or "").strip().lower()
    if text in _TRUE_VALUES:
        return True
    if text in _FALSE_VALUES:
        return False
    raise LabelInputError(
        f"Giá trị “{value}” của ô “Sản phẩm đã được công nhận OCOP” không hợp lệ. "
        "Hãy đánh dấu hoặc bỏ đánh dấu ô này rồi kiểm tra lại."
    )


def applicable_items(ticked: Iterable[str] = (), certified: bool = False) -> tuple[Item, ...]:
    """Những mục cần xét với sản phẩm này, theo thứ tự của danh sách."""
    chosen = set(ticked)
    result = []
    for group in GROUPS:
        for item in group.items:
            if item.ocop_only and not certified:
                continue
            if item.requires is not None and item.requires not in chosen:
                continue
            result.append(item)
    return tuple(result)


def check_label(ticked: Iterable[str], certified: bool = False) -> CheckResult:
    """So các mục đã đánh dấu với danh sách; báo mục còn thiếu và kết luận.

    `ticked` là các khóa mục đã đánh dấu (trùng lặp được bỏ qua). Khóa lạ gây
    UnknownItemError. `certified` cho biết sản phẩm đã được công nhận OCOP
    (3 đến 5 sao) hay chưa.
    """
    keys = [str(key) for key in ticked]
    unknown = [key for key in dict.fromkeys(keys) if key not in ITEMS]
    if unknown:
        raise UnknownItemError(unknown)
    chosen = frozenset(keys)

    problems: list[str] = []
    if not certified and chosen & OCOP_KEYS:
        problems.append(
            "Sản phẩm chưa được công nhận OCOP từ 3 sao trở lên thì không được in "
            "biểu trưng OCOP và số sao. Hãy bỏ biểu trưng khỏi nhãn, hoặc đánh dấu ô "
            "“đã được công nhận” nếu sản phẩm đã có giấy chứng nhận còn hiệu lực."
        )

    missing = [item for item in applicable_items(chosen, certified) if item.key not in chosen]
    missing_mandatory = tuple(item for item in missing if item.level == BAT_BUOC)
    missing_recommended = tuple(item for item in missing if item.level == NEN_CO)

    if problems or missing_mandatory:
        status = CHUA_DAT
        parts = []
        if missing_mandatory:
            parts.append(f"còn thiếu {len(missing_mandatory)} nội dung bắt buộc")
        if problems:
            parts.append("có nội dung không được phép in")
        verdict = (
            "Nhãn chưa đạt: "
            + " và ".join(parts)
            + ". Cần sửa trước khi in bao bì và đưa hàng ra thị trường."
        )
    elif missing_recommended:
        status = CAN_BO_SUNG
        verdict = (
            "Nhãn đã đủ các nội dung bắt buộc trong danh sách. Nên bổ sung thêm "
            f"{len(missing_recommended)} mục để khách dễ nhận ra, dễ tin và dễ mua lại."
        )
    else:
        status = DAT
        verdict = "Nhãn đã có đủ các mục trong danh sách kiểm tra."

    return CheckResult(
        certified=certified,
        ticked=chosen,
        missing_mandatory=missing_mandatory,
        missing_recommended=missing_recommended,
        problems=tuple(problems),
        status=status,
        verdict=verdict,
    )
