"""Logic thuần của công cụ "Phiếu tổng hợp điểm của hội đồng đánh giá OCOP".

Không phụ thuộc Flask: kiểm thử được bằng cách nạp thẳng tệp này.

Căn cứ và quy tắc (xem courses/danh_gia_phan_hang/SOURCES.md):

* Phiếu chấm theo Quyết định 148/QĐ-TTg (24/02/2023): phần A tối đa 40 điểm, phần B
  25 điểm, phần C 35 điểm, tổng 100.
* Hạng sao theo điểm trung bình của các thành viên: dưới 30 là 1 sao; 30 đến dưới 50
  là 2 sao; 50 đến dưới 70 là 3 sao; 70 đến dưới 90 là 4 sao; từ 90 là 5 sao. Điểm
  trung bình không được làm tròn lên để "vớt" hạng: 89,99 vẫn là 4 sao.
* Chênh lệch: quy chế hội đồng của nhiều tỉnh (ví dụ Tây Ninh, Đồng Tháp) ghi điểm
  của các thành viên không được chênh nhau quá 10 điểm; quá mức đó hội đồng thảo luận
  và chấm lại. Công cụ dùng đúng quy tắc đó cho tổng điểm: khoảng cách giữa tổng cao
  nhất và thấp nhất lớn hơn 10 điểm thì phải thảo luận, và nêu tên hai thành viên ở
  hai đầu. Với từng phần, công cụ tự đặt ngưỡng cùng tỉ lệ (10% điểm tối đa của phần:
  A 4, B 2,5, C 3,5) để chỉ ra chỗ vênh nằm ở phần nào; đó là gợi ý, không phải quy định.
* Tiêu chí bắt buộc: mỗi thành viên ghi sản phẩm đạt hay chưa đạt các tiêu chí bắt
  buộc trong phiếu chấm của bộ sản phẩm. Tất cả ghi "đạt" thì xét hạng theo điểm; có
  người ghi "chưa đạt" thì hội đồng phải thảo luận và thống nhất trước khi kết luận;
  tất cả ghi "chưa đạt" thì sản phẩm không được công nhận hạng sao từ 3 sao trở lên,
  dù điểm trung bình đủ.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

__all__ = [
    "PARTS",
    "GROUPS",
    "BANDS",
    "MIN_MEMBERS",
    "MAX_MEMBERS",
    "TOTAL_SPREAD_LIMIT",
    "Part",
    "Band",
    "Member",
    "Sheet",
    "Summary",
    "ScoreError",
    "parse_score",
    "star_band",
    "summarise",
    "parse_sheet",
    "format_points",
    "render_minutes_pdf",
]

MIN_MEMBERS = 2
MAX_MEMBERS = 15
#: Quy chế nhiều tỉnh: điểm của các thành viên không chênh nhau quá 10 điểm.
TOTAL_SPREAD_LIMIT = Decimal(10)
#: Ô chữ tối đa (tên sản phẩm, chủ thể, hội đồng, thành viên) và ô ghi chú.
TEXT_MAX = 160
NOTE_MAX = 1000
#: Số ô tối đa một biểu mẫu hợp lệ có thể gửi (15 thành viên × 5 ô + ô chung), dư một ít.
FIELDS_MAX = 100


@dataclass(frozen=True)
class Part:
    key: str  # "a", "b", "c": tiền tố tên ô trong biểu mẫu
    code: str  # "A", "B", "C"
    name: str
    max_points: int

    @property
    def spread_limit(self) -> Decimal:
        """Ngưỡng gợi ý cho phần: 10% điểm tối đa (cùng tỉ lệ 10/100 của tổng)."""
        return Decimal(self.max_points) / 10


PARTS: tuple[Part, ...] = (
    Part("a", "A", "Sản phẩm và sức mạnh cộng đồng", 40),
    Part("b", "B", "Khả năng tiếp thị", 25),
    Part("c", "C", "Chất lượng sản phẩm", 35),
)

#: Sáu nhóm sản phẩm OCOP theo Quyết định 148/QĐ-TTg.
GROUPS: tuple[tuple[str, str], ...] = (
    ("thuc-pham", "Thực phẩm"),
    ("do-uong", "Đồ uống"),
    ("thao-duoc", "Thảo dược (kể cả mỹ phẩm từ thảo dược)"),
    ("thu-cong", "Thủ công mỹ nghệ"),
    ("sinh-vat-canh", "Sinh vật cảnh"),
    ("du-lich", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
)
GROUP_NAMES = dict(GROUPS)


@dataclass(frozen=True)
class Band:
    stars: int
    min_points: int
    range_text: str
    outcome: str

    @property
    def name(self) -> str:
        return f"{self.stars} sao"


BANDS: tuple[Band, ...] = (
    Band(1, 0, "dưới 30 điểm", "Không được cấp giấy chứng nhận OCOP."),
    Band(2, 30, "từ 30 đến dưới 50 điểm", "Không được cấp giấy chứng nhận OCOP."),
    Band(
        3,
        50,
        "từ 50 đến dưới 70 điểm",
        "Hội đồng cấp tỉnh đề nghị; UBND tỉnh công nhận và cấp giấy chứng nhận 3 sao.",
    ),
    Band(
        4,
        70,
        "từ 70 đến dưới 90 điểm",
        "Hội đồng cấp tỉnh đề nghị; UBND tỉnh công nhận và cấp giấy chứng nhận 4 sao.",
    ),
    Band(
        5,
        90,
        "từ 90 đến 100 điểm",
        "Sản phẩm tiềm năng 5 sao: tỉnh đề xuất Bộ Nông nghiệp và Môi trường đánh giá, "
        "công nhận ở cấp quốc gia.",
    ),
)


class ScoreError(ValueError):
    """Một ô điểm không hợp lệ; thông điệp bằng tiếng Việt, đọc được cho người dùng."""


_NUMBER = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")


def parse_score(raw: str | None, part: Part, who: str) -> Decimal:
    """Đọc điểm một phần của một thành viên: 0 đến tối đa, tối đa hai chữ số lẻ."""
    text = (raw or "").strip()
    label = f"Điểm phần {part.code} của {who}"
    if not text:
        raise ScoreError(f"{label} còn trống: nhập từ 0 đến {part.max_points}.")
    if text.startswith("-") and _NUMBER.match(text[1:].strip()):
        raise ScoreError(f"{label} không được là số âm: nhập từ 0 đến {part.max_points}.")
    if not _NUMBER.match(text):
        raise ScoreError(f"{label} phải là một con số, ví dụ 32 hoặc 32,5.")
    value = Decimal(text.replace(",", "."))
    if value > part.max_points:
        raise ScoreError(f"{label} vượt mức tối đa {part.max_points} điểm của phần này.")
    return value


def star_band(points: Decimal) -> Band:
    """Hạng sao của một điểm trung bình 0..100 (không làm tròn)."""
    if not Decimal(0) <= points <= Decimal(100):
        raise ValueError("điểm phải từ 0 đến 100")
    chosen = BANDS[0]
    for band in BANDS:
        if points >= band.min_points:
            chosen = band
    return chosen


@dataclass(frozen=True)
class Member:
    name: str
    scores: tuple[Decimal, Decimal, Decimal]  # A, B, C
    mandatory_met: bool

    @property
    def total(self) -> Decimal:
        return sum(self.scores, Decimal(0))


@dataclass(frozen=True)
class Sheet:
    """Những gì thư ký nhập: sản phẩm, hội đồng và điểm từng thành viên."""

    product: str
    producer: str
    group: str  # khóa trong GROUPS
    council: str
    meeting_date: str  # như người dùng gõ, ví dụ "02/12/2026"
    members: tuple[Member, ...]
    notes: str = ""

    @property
    def group_name(self) -> str:
        return GROUP_NAMES.get(self.group, "")


@dataclass(frozen=True)
class PartSummary:
    part: Part | None  # None: tổng
    mean: Decimal
    low: Decimal
    high: Decimal
    limit: Decimal
    needs_discussion: bool

    @property
    def spread(self) -> Decimal:
        return self.high - self.low


@dataclass(frozen=True)
class Summary:
    parts: tuple[PartSummary, ...]
    total: PartSummary
    band: Band
    mandatory_yes: int
    mandatory_no: int
    flagged_members: tuple[int, ...]  # chỉ số (từ 0) các thành viên ở hai đầu khi vênh
    verdict: str
    status: str  # "cong-nhan", "khong-cong-nhan", "thao-luan"
    notes: tuple[str, ...] = field(default=())

    @property
    def mean_total(self) -> Decimal:
        return self.total.mean


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _summary_of(values: list[Decimal], part: Part | None, limit: Decimal) -> PartSummary:
    low, high = min(values), max(values)
    return PartSummary(part, _mean(values), low, high, limit, high - low > limit)


def summarise(members: Iterable[Member]) -> Summary:
    """Điểm trung bình, chênh lệch, hạng sao và kết luận của hội đồng cho một sản phẩm."""
    members = list(members)
    if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
        raise ValueError(f"hội đồng cần từ {MIN_MEMBERS} đến {MAX_MEMBERS} thành viên chấm")
    parts = tuple(
        _summary_of([m.scores[i] for m in members], part, part.spread_limit)
        for i, part in enumerate(PARTS)
    )
    totals = [m.total for m in members]
    total = _summary_of(totals, None, TOTAL_SPREAD_LIMIT)
    band = star_band(total.mean)
    yes = sum(1 for m in members if m.mandatory_met)
    no = len(members) - yes

    flagged: tuple[int, ...] = ()
    notes: list[str] = []
    if total.needs_discussion:
        flagged = tuple(i for i, t in enumerate(totals) if t in (total.low, total.high))
        notes.append(
            f"Tổng điểm cao nhất và thấp nhất chênh nhau {format_points(total.spread)} điểm, "
            f"quá {format_points(TOTAL_SPREAD_LIMIT)} điểm: hội đồng thảo luận, các thành "
            "viên ở hai đầu trình bày căn cứ, rồi chấm lại trước khi thông qua kết quả."
        )
    for ps in parts:
        if ps.needs_discussion:
            notes.append(
                f"Phần {ps.part.code} vênh {format_points(ps.spread)} điểm "
                f"(gợi ý xem lại khi quá {format_points(ps.limit)}): đối chiếu lại bằng "
                "chứng trong hồ sơ cho các tiêu chí của phần này."
            )

    if band.stars < 3:
        status = "khong-cong-nhan"
        verdict = (
            f"Điểm trung bình {format_points(total.mean)} ({band.name}): chưa đạt 3 sao, "
            "không được công nhận là sản phẩm OCOP."
        )
    elif no == 0:
        status = "cong-nhan"
        verdict = f"Điểm trung bình {format_points(total.mean)}: {band.name}. {band.outcome}"
    elif yes == 0:
        status = "khong-cong-nhan"
        verdict = (
            f"Điểm trung bình {format_points(total.mean)} ({band.name} theo điểm), nhưng sản "
            "phẩm chưa đạt tiêu chí bắt buộc: không được công nhận hạng sao này dù đủ điểm. "
            "Ghi rõ trong biên bản tiêu chí nào chưa đạt."
        )
    else:
        status = "thao-luan"
        verdict = (
            f"{no} trên {len(members)} thành viên ghi sản phẩm chưa đạt tiêu chí bắt buộc: "
            "hội đồng phải đối chiếu hồ sơ và thống nhất trước khi kết luận. Chưa thể công "
            f"nhận {band.name} (điểm trung bình {format_points(total.mean)})."
        )
    if total.needs_discussion and status == "cong-nhan":
        status = "thao-luan"
        verdict += " Kết quả chỉ được thông qua sau khi hội đồng xử lý phần chênh lệch."
    return Summary(parts, total, band, yes, no, flagged, verdict, status, tuple(notes))


def format_points(value: Decimal | int) -> str:
    """Điểm kiểu Việt Nam: 64,4; 70; 12,5 (tối đa hai chữ số lẻ, bỏ số 0 thừa)."""
    value = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# ---------------------------------------------------------------- the posted form


def _clean_text(raw: str | None, limit: int) -> str:
    text = unicodedata.normalize("NFC", raw or "")
    return " ".join(text.split())[:limit]


def member_fields(index: int) -> tuple[str, str, str, str, str]:
    """Tên các ô của thành viên thứ `index` (từ 1): tên, A, B, C, tiêu chí bắt buộc."""
    return (f"ten_{index}", f"a_{index}", f"b_{index}", f"c_{index}", f"bb_{index}")


_MEMBER_FIELD = re.compile(r"^(?:ten|a|b|c|bb)_(\d+)$")


def parse_sheet(form: Mapping[str, str]) -> tuple[Sheet | None, dict[str, str]]:
    """Đọc biểu mẫu đã gửi. Trả (phiếu, {}) hoặc (None, {tên ô: lỗi tiếng Việt})."""
    errors: dict[str, str] = {}
    if len(form) > FIELDS_MAX:
        return None, {"_form": "Biểu mẫu có quá nhiều ô. Hãy mở lại trang và nhập lại."}
    for name, value in form.items():
        if "\x00" in name or "\x00" in (value or ""):
            errors[name if name in form else "_form"] = (
                "Ô này có ký tự không hợp lệ (ký tự rỗng). Hãy gõ lại nội dung."
            )
    indexes = set()
    for name in form:
        match = _MEMBER_FIELD.match(name)
        if match:
            indexes.add(int(match.group(1)))
    if any(i < 1 or i > MAX_MEMBERS for i in indexes):
        errors["_form"] = f"Phiếu nhận tối đa {MAX_MEMBERS} thành viên chấm điểm."
    if errors:
        return None, errors

    product = _clean_text(form.get("san_pham"), TEXT_MAX)
    if not product:
        errors["san_pham"] = "Hãy nhập tên sản phẩm được đánh giá."
    group = (form.get("nhom") or "").strip()
    if group not in GROUP_NAMES:
        errors["nhom"] = "Hãy chọn một trong sáu nhóm sản phẩm OCOP."

    members: list[Member] = []
    for index in sorted(indexes):
        f_name, f_a, f_b, f_c, f_bb = member_fields(index)
        raw = [form.get(f_a, ""), form.get(f_b, ""), form.get(f_c, "")]
        name = _clean_text(form.get(f_name), TEXT_MAX)
        if not name and not any((r or "").strip() for r in raw):
            continue  # dòng để trống: bỏ qua
        who = name or f"thành viên {index}"
        scores = []
        for part, value, fname in zip(PARTS, raw, (f_a, f_b, f_c), strict=True):
            try:
                scores.append(parse_score(value, part, who))
            except ScoreError as exc:
                errors[fname] = str(exc)
        verdict = (form.get(f_bb) or "").strip()
        if verdict not in ("dat", "chua-dat"):
            errors[f_bb] = f"Hãy chọn {who} ghi sản phẩm đạt hay chưa đạt tiêu chí bắt buộc."
        if len(scores) == 3 and verdict in ("dat", "chua-dat"):
            members.append(Member(name or f"Thành viên {index}", tuple(scores), verdict == "dat"))
    if not errors and len(members) < MIN_MEMBERS:
        errors["_form"] = f"Cần điểm của ít nhất {MIN_MEMBERS} thành viên hội đồng."
    if errors:
        return None, errors
    sheet = Sheet(
        product=product,
        producer=_clean_text(form.get("chu_the"), TEXT_MAX),
        group=group,
        council=_clean_text(form.get("hoi_dong"), TEXT_MAX),
        meeting_date=_clean_text(form.get("ngay"), 40),
        members=tuple(members),
        notes=" ".join(unicodedata.normalize("NFC", form.get("ghi_chu") or "").split())[:NOTE_MAX],
    )
    return sheet, {}


# ---------------------------------------------------------------- the PDF record

STATUS_WORDS = {
    "cong-nhan": "Đề nghị công nhận",
    "khong-cong-nhan": "Không công nhận",
    "thao-luan": "Chưa kết luận: cần thảo luận",
}


def render_minutes_pdf(
    sheet: Sheet,
    summary: Summary,
    *,
    fonts: Mapping[str, Path],
    printed_at: str,
    compress: bool = True,
) -> bytes:
    """Biên bản tổng hợp kết quả chấm điểm (A4 dọc), dùng phông Noto Sans cho tiếng Việt.

    `fonts`: {"": đường dẫn phông thường, "B": phông đậm}. `printed_at`: thời điểm lập,
    đã định dạng theo giờ Việt Nam.
    """
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    for style, path in fonts.items():
        pdf.add_font("NotoSans", style, str(path))
    pdf.set_title(f"Biên bản tổng hợp điểm: {sheet.product}")
    pdf.add_page()
    cmap = pdf.fonts["notosans"].cmap

    def clean(text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        return "".join(ch if ord(ch) in cmap else "?" for ch in text)

    def line(text: str, size: float = 10.5, style: str = "", align: str = "L") -> None:
        pdf.set_font("NotoSans", style, size)
        pdf.multi_cell(0, size * 0.5, clean(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line("BIÊN BẢN TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM SẢN PHẨM OCOP", 14, "B", "C")
    pdf.ln(2)
    line(f"Sản phẩm: {sheet.product}", 11, "B")
    line(f"Chủ thể: {sheet.producer or '(chưa ghi)'}")
    line(f"Nhóm sản phẩm: {sheet.group_name}")
    line(f"Hội đồng: {sheet.council or '(chưa ghi)'}")
    line(f"Ngày họp: {sheet.meeting_date or '(chưa ghi)'}")
    pdf.ln(2)

    widths = (8, 62, 20, 20, 20, 22, 28)
    heads = ("TT", "Thành viên", "A (40)", "B (25)", "C (35)", "Tổng", "Tiêu chí BB")
    pdf.set_font("NotoSans", "B", 9.5)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 7, clean(h), border=1, align="C")
    pdf.ln()
    pdf.set_font("NotoSans", "", 9.5)
    for number, member in enumerate(sheet.members, start=1):
        mark = " (*)" if number - 1 in summary.flagged_members else ""
        row = (
            str(number),
            member.name[:40] + mark,
            *(format_points(s) for s in member.scores),
            format_points(member.total),
            "Đạt" if member.mandatory_met else "Chưa đạt",
        )
        for i, (w, text) in enumerate(zip(widths, row, strict=True)):
            pdf.cell(w, 7, clean(text), border=1, align="L" if i == 1 else "C")
        pdf.ln()
    pdf.set_font("NotoSans", "B", 9.5)
    for label, getter in (
        ("Trung bình", lambda s: s.mean),
        ("Chênh lệch", lambda s: s.spread),
    ):
        cells = ("", label, *(format_points(getter(p)) for p in summary.parts))
        cells = (*cells, format_points(getter(summary.total)), "")
        for i, (w, text) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(w, 7, clean(text), border=1, align="L" if i == 1 else "C")
        pdf.ln()
    pdf.ln(3)
    line(f"Hạng theo điểm trung bình: {summary.band.name} ({summary.band.range_text}).", 11, "B")
    line(
        f"Tiêu chí bắt buộc: {summary.mandatory_yes} thành viên ghi đạt, "
        f"{summary.mandatory_no} thành viên ghi chưa đạt."
    )
    line(f"Kết luận: {STATUS_WORDS[summary.status]}.", 11, "B")
    line(summary.verdict)
    for note in summary.notes:
        line(f"- {note}")
    if summary.flagged_members:
        line("(*) Thành viên có tổng điểm ở hai đầu khi chênh lệch vượt 10 điểm.", 9)
    if sheet.notes:
        pdf.ln(2)
        line("Ghi chú của hội đồng:", 10.5, "B")
        line(sheet.notes)
    pdf.ln(4)
    line(
        "Biên bản do công cụ tổng hợp từ điểm thư ký nhập; không thay cho phiếu chấm có "
        "chữ ký của từng thành viên. Chữ ký: Chủ tịch Hội đồng, Thư ký Hội đồng.",
        9,
    )
    line(f"Lập lúc {printed_at} (giờ Việt Nam).", 9)
    try:
        return bytes(pdf.output())
    finally:
        for font in pdf.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()
