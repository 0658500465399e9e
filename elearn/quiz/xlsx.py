"""Questions in an Excel workbook (.xlsx): the import template, reading and writing.

One row per question on the first sheet, under one row of headings; a second sheet
("Hướng dẫn / Instructions") explains every column and type in Vietnamese, then English.
The columns are found by their headings (Vietnamese or English, any case, with or without
diacritics), so a trainer may reorder them or delete the ones a question bank does not use:

=====================  =============================================================
Loại / Type            single, multi, truefalse, short, numeric, matching (or the
                       Vietnamese names: một đáp án, nhiều đáp án, đúng/sai, …)
Danh mục / Category    the category (empty: the one chosen when importing)
Mã câu hỏi / Name      the question's key in the course
Câu hỏi / Question     the text; a leading ``[markdown]``, ``[html]`` or ``[plain]``
                       sets its format, as in GIFT
Đáp án / Answer        the answer key: ``2`` (single; letters A–H too), ``1; 3`` or
                       ``1=60%; 3=40%; 2=-100%`` (multi), ``Đúng``/``Sai``
                       (true/false), partial scores ``2=50%`` (short, numeric)
Nhận xét chung /       the general feedback
General feedback
Phương án n / Option n options 1–8: choice texts, accepted short answers, numbers
                       (``12.5``, ``12.5 ± 0.5``, ``10..15``, ``*`` for any other),
                       matching pairs ``left -> right`` (``-> right`` a distractor)
Phản hồi n / Feedback  the feedback of option n (true/false: 1 for an answer "true",
n                      2 for "false")
Bỏ qua dấu /           short answer only: "có" to accept answers without diacritics
Ignore diacritics
=====================  =============================================================

Separate columns rather than "text | feedback" in one cell: a phone spreadsheet app edits
one short cell at a time well, and no character has to be escaped.

:func:`read_questions` never raises: anything wrong (not an xlsx, too big, formulas, dates
where text is expected, error values, unknown headings or types, bad answer keys…) is a
:class:`CellProblem` with its row and column letter. Each row becomes the
:class:`~elearn.quiz.question.Question` GIFT would give, checked by the type registry's
``validate`` (the one set of structural rules), so it can be written to GIFT and read back
unchanged. :func:`write_questions` writes questions in the same layout (``read_questions``
of it gives them back); :func:`sheet_problems` says first what it could not write.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from elearn.core.text import fold
from elearn.quiz.gift import parse_gift, split_format
from elearn.quiz.problem_text import option_number, translate_problem
from elearn.quiz.question import (
    NumericAnswer,
    Option,
    Question,
    ShortAnswer,
    Text,
    letter_id,
    matching_ids,
    round_fraction,
)
from elearn.quiz.types import REGISTRY, validate
from elearn.quiz.types.base import percent
from elearn.quiz.types.numeric import NumericType, format_number

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_OPTIONS",
    "MAX_ROWS",
    "CellProblem",
    "RowQuestion",
    "Sheet",
    "read_questions",
    "sheet_problems",
    "template",
    "write_questions",
]

MAX_OPTIONS = 8
#: questions (non-empty rows) in one file
MAX_ROWS = 2000
MAX_CELL_CHARS = 10_000
#: the upload itself, and what its parts may unpack to (the declared sizes bound what
#: zipfile inflates: a part longer than it declares fails its CRC check)
MAX_FILE_BYTES = 10 * 2**20
MAX_UNPACKED_BYTES = 50 * 2**20
#: the parts openpyxl parses (pictures are never read)
MAX_XML_BYTES = 20 * 2**20
MAX_PARTS = 500
#: rows and columns looked at: a sheet may declare (or skip to) row 1,048,576, and
#: reading stops here whatever it says
MAX_ROW_INDEX = 20_000
MAX_COLUMNS = 64

SHEET_TITLE = "Câu hỏi · Questions"
HELP_TITLE = "Hướng dẫn · Instructions"
TRUE_WORD, FALSE_WORD, YES_WORD = "Đúng", "Sai", "có"


class CellProblem(NamedTuple):
    """A problem of the workbook: its row (1-based; 0 = the file), column letter or None,
    and a translated message."""

    row: int
    column: str | None
    message: str


class RowQuestion(NamedTuple):
    row: int
    question: Question


class Sheet(NamedTuple):
    """What :func:`read_questions` found."""

    questions: list[RowQuestion]
    problems: list[CellProblem]
    #: column key ("name", "option3", …) -> its letter in this workbook
    columns: dict[str, str]


# --------------------------------------------------------------------------- the columns


@dataclass(frozen=True)
class Column:
    key: str
    vi: str
    en: str
    width: int
    help_vi: str
    help_en: str

    @property
    def heading(self) -> str:
        return f"{self.vi} / {self.en}"


BEFORE_OPTIONS = (
    Column(
        "type",
        "Loại",
        "Type",
        12,
        "Bắt buộc. Loại câu hỏi: single, multi, truefalse, short, numeric, matching "
        "(xem các loại ở trang Hướng dẫn). Cũng nhận tên tiếng Việt: một đáp án, nhiều đáp án, "
        "đúng/sai, trả lời ngắn, số, ghép đôi.",
        "Required. The question type: single, multi, truefalse, short, numeric, matching "
        "(see the types on the Instructions sheet). The Vietnamese names are accepted too.",
    ),
    Column(
        "category",
        "Danh mục",
        "Category",
        14,
        "Nhóm câu hỏi; bài kiểm tra rút câu hỏi theo danh mục (ví dụ: phan-1). "
        "Để trống: dùng danh mục chọn khi nhập.",
        "The question's group; quizzes draw questions by category (e.g. phan-1). "
        "Empty: the category chosen when importing.",
    ),
    Column(
        "name",
        "Mã câu hỏi",
        "Name",
        16,
        "Bắt buộc. Mã riêng của câu hỏi trong khóa học, tối đa 120 ký tự, ví dụ gia-ban-1. "
        "Nhập lại một mã đã có sẽ tạo phiên bản mới của câu hỏi đó.",
        "Required. The question's own key in the course, at most 120 characters, e.g. "
        "gia-ban-1. Importing a name the course has makes a new version of that question.",
    ),
    Column(
        "question",
        "Câu hỏi",
        "Question",
        40,
        "Bắt buộc. Nội dung câu hỏi. Có thể bắt đầu bằng [markdown], [html] hoặc [plain] "
        "để chọn định dạng (mặc định: chữ thường, cho phép HTML). Các ô phương án, phản hồi "
        "cũng vậy.",
        "Required. The question text. It may start with [markdown], [html] or [plain] to "
        "choose its format (default: plain text, HTML allowed). So may options and feedback.",
    ),
    Column(
        "answer",
        "Đáp án",
        "Answer",
        16,
        "Đáp án đúng; ý nghĩa tùy loại câu hỏi (xem các loại ở trang Hướng dẫn).",
        "The answer key; what it holds depends on the type (see the types on the "
        "Instructions sheet).",
    ),
    Column(
        "general_feedback",
        "Nhận xét chung",
        "General feedback",
        30,
        "Hiện cho mọi học viên sau khi nộp bài, dù trả lời thế nào.",
        "Shown to every learner after submitting, whatever the answer.",
    ),
)
AFTER_OPTIONS = (
    Column(
        "ignore_diacritics",
        "Bỏ qua dấu",
        "Ignore diacritics",
        12,
        "Chỉ cho câu trả lời ngắn: ghi “có” để chấp nhận câu trả lời gõ không dấu "
        "(Ha Noi = Hà Nội).",
        "Short answer only: write “có” (yes) to accept answers typed without diacritics.",
    ),
)
OPTION_HELP = (
    "Các phương án trả lời, tối đa 8; ý nghĩa tùy loại câu hỏi (xem các loại ở trang Hướng dẫn).",
    "The options, at most 8; what they hold depends on the type (see the types on the "
    "Instructions sheet).",
)
FEEDBACK_HELP = (
    "Phản hồi cho học viên chọn (hoặc gõ) phương án cùng số.",
    "Feedback for a learner who chose (or typed) the option with the same number.",
)


def option_column(n: int) -> Column:
    return Column(f"option{n}", f"Phương án {n}", f"Option {n}", 22, *OPTION_HELP)


def feedback_column(n: int) -> Column:
    return Column(f"feedback{n}", f"Phản hồi {n}", f"Feedback {n}", 22, *FEEDBACK_HELP)


COLUMNS: tuple[Column, ...] = (
    *BEFORE_OPTIONS,
    *(c for n in range(1, MAX_OPTIONS + 1) for c in (option_column(n), feedback_column(n))),
    *AFTER_OPTIONS,
)
REQUIRED = ("type", "name", "question")

TYPE_HELP = {
    "single": (
        "Một đáp án. Phương án: các lựa chọn. Đáp án: số thứ tự của phương án đúng, "
        "ví dụ 2 (nhận cả chữ A–H). Cho điểm một phần phương án khác: 2; 3=50%.",
        "Single choice. Options: the choices. Answer: the number of the right option, "
        "e.g. 2 (letters A–H work too). Partial credit for another option: 2; 3=50%.",
    ),
    "multi": (
        "Nhiều đáp án (học viên được chọn nhiều). Đáp án: các phương án đúng, ví dụ 1; 3 "
        "(chia đều 100%) hoặc 1=60%; 3=40%. Nên cho phương án sai điểm âm để chọn tất cả "
        "không được điểm tối đa: 1; 3; 2=-100%; 4=-100%. Tổng điểm dương phải là 100%.",
        "Multiple answers (the learner may tick several). Answer: the right options, e.g. "
        "1; 3 (they share 100%) or 1=60%; 3=40%. Give wrong options a negative score so "
        "that ticking everything does not score full marks: 1; 3; 2=-100%; 4=-100%. The "
        "positive scores add up to 100%.",
    ),
    "truefalse": (
        "Đúng/sai. Đáp án: Đúng hoặc Sai. Để trống các ô phương án; Phản hồi 1 dành cho "
        "người trả lời Đúng, Phản hồi 2 cho người trả lời Sai.",
        "True/false. Answer: Đúng (true) or Sai (false). Leave the option cells empty; "
        "Feedback 1 is for a learner who answered true, Feedback 2 for one who answered false.",
    ),
    "short": (
        "Trả lời ngắn (học viên gõ chữ). Phương án: các câu trả lời được chấp nhận; dấu * "
        "thay cho đoạn chữ bất kỳ. Không phân biệt chữ hoa, chữ thường. Đáp án: để trống "
        "(mọi phương án được 100%) hoặc cho điểm một phần: 2=50%.",
        "Short answer (the learner types). Options: the accepted answers; * stands for any "
        "text. Case is ignored. Answer: empty (every option is worth 100%) or partial "
        "scores: 2=50%.",
    ),
    "numeric": (
        "Số. Phương án: một số (12.5), số kèm sai số cho phép (12.5 ± 0.5, hoặc 12.5+-0.5) "
        "hoặc một khoảng (10..15); * là mọi số khác (để ghi phản hồi). Số thập phân viết "
        "bằng dấu chấm, hoặc nhập vào ô dạng số. Đáp án: như trả lời ngắn.",
        "Numeric. Options: a number (12.5), a number with a tolerance (12.5 ± 0.5, or "
        "12.5+-0.5) or a range (10..15); * is any other number (for its feedback). Write "
        "decimals with a dot, or type a number into the cell. Answer: as for short answer.",
    ),
    "matching": (
        "Ghép đôi. Phương án: vế trái -> vế phải (ít nhất 2 cặp); chỉ -> vế phải (không có "
        "vế trái) là một lựa chọn gây nhiễu. Không dùng cột Đáp án và các cột Phản hồi.",
        "Matching. Options: left -> right (at least 2 pairs); -> right alone adds a "
        "distractor. The Answer and Feedback columns are not used.",
    ),
}
RULES_HELP = (
    (
        "Mỗi hàng là một câu hỏi; hàng 1 là tiêu đề, giữ nguyên (có thể xóa cột không dùng). "
        "Các hàng ví dụ (mã vi-du-…): sửa hoặc xóa trước khi nhập.",
        "One row per question; row 1 holds the headings: keep them (unused columns may be "
        "deleted). The example rows (names vi-du-…): change or delete them before importing.",
    ),
    (
        "Nhập giá trị, không dùng công thức. Nếu ứng dụng tự đổi ô thành ngày hoặc giờ "
        "(ví dụ 3:2), hãy viết 3 ± 2 hoặc thêm dấu ' ở đầu ô.",
        "Type values, not formulas. If the app turns a cell into a date or a time (e.g. "
        "3:2), write 3 ± 2 or start the cell with '.",
    ),
    (
        "Tối đa 2.000 câu hỏi mỗi tệp và 10.000 ký tự mỗi ô.",
        "At most 2,000 questions per file and 10,000 characters per cell.",
    ),
    (
        "Trước khi lưu, trang nhập liệt kê mọi lỗi theo hàng và cột; chưa hết lỗi thì "
        "chưa có gì được lưu.",
        "Before saving, the import page lists every problem by row and column; nothing is "
        "saved until there are none.",
    ),
)

#: folded type names a trainer may write -> registry name
TYPE_NAMES = {
    fold(alias): qtype
    for qtype, aliases in {
        "single": ("single", "single choice", "một đáp án", "một lựa chọn", "chọn một"),
        "multi": ("multi", "multiple answers", "nhiều đáp án", "nhiều lựa chọn", "chọn nhiều"),
        "truefalse": ("truefalse", "true/false", "true false", "đúng/sai", "đúng sai"),
        "short": ("short", "short answer", "trả lời ngắn", "điền từ"),
        "numeric": ("numeric", "number", "số", "câu hỏi số", "điền số"),
        "matching": ("matching", "ghép đôi", "ghép cặp", "nối"),
    }.items()
    for alias in aliases
}
#: folded words for a true/false answer, and for the yes/no "ignore diacritics" cell
TRUE_WORDS = {"dung", "d", "true", "t", "1"}
FALSE_WORDS = {"sai", "s", "false", "f", "0"}
YES_WORDS = {"co", "c", "x", "yes", "y", "1", "true", "dung"}
NO_WORDS = {"khong", "k", "no", "n", "0", "false", "sai"}

_HEADINGS = {fold(s): c.key for c in COLUMNS for s in (c.vi, c.en, c.heading, c.key)}
_KNOWN_KEYS = {c.key for c in COLUMNS}
_NUMBERED = re.compile(r"(phuong an|option|phan hoi|feedback)\s*(\d+)")
_KEY_ENTRY = re.compile(r"([0-9]+|[a-z])\s*(?:[=:]\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*%?)?")
_TOLERANCE = re.compile(r"\s*(?:±|\+/-|\+-)\s*")


def _heading_key(value: Any) -> tuple[str | None, str]:
    """(column key or None, the heading as written) of a heading cell."""
    written = " ".join(str(value).split())
    folded = fold(written)
    for candidate in (folded, *(p.strip() for p in re.split(r"[/·\n()]", folded))):
        if candidate in _HEADINGS:
            return _HEADINGS[candidate], written
        m = _NUMBERED.fullmatch(candidate)
        if m:
            kind = "option" if m[1] in ("phuong an", "option") else "feedback"
            return f"{kind}{int(m[2])}", written
    return None, written


# --------------------------------------------------------------------------- reading


def _open(data: bytes) -> tuple[Any, str | None]:
    """(workbook, None) or (None, what is wrong), before openpyxl parses anything big."""
    if not isinstance(data, bytes | bytearray) or not data:
        return None, _("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        return None, _(
            "The file is larger than %(mb)d MB: split the questions into several files.",
            mb=MAX_FILE_BYTES // 2**20,
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None, _(
            "This is an old Excel file (.xls) or a workbook with a password: save it as "
            ".xlsx without a password and upload it again."
        )
    not_xlsx = _(
        "This file is not an Excel workbook (.xlsx): save it as .xlsx (Excel, LibreOffice "
        "or Google Sheets: Download as .xlsx) and upload it again."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except Exception:  # BadZipFile, EOFError, NotImplementedError (compression), …
        return None, not_xlsx
    xml = sum(p.file_size for p in parts if p.filename.endswith((".xml", ".rels")))
    total = sum(p.file_size for p in parts)
    if len(parts) > MAX_PARTS or total > MAX_UNPACKED_BYTES:
        return None, _(
            "The workbook unpacks to more than %(mb)d MB: remove pictures or split it.",
            mb=MAX_UNPACKED_BYTES // 2**20,
        )
    if xml > MAX_XML_BYTES:
        return None, _(
            "The sheets unpack to more than %(mb)d MB: split the questions into several files.",
            mb=MAX_XML_BYTES // 2**20,
        )
    if "xl/workbook.xml" not in archive.namelist():
        return None, not_xlsx
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it ignores (data validation extensions, …)
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
    except Exception:  # any malformed part: the trainer needs one clear sentence
        return None, not_xlsx
    if not workbook.worksheets:
        return None, not_xlsx
    return workbook, None


class _Cell(NamedTuple):
    """What the reader keeps of a cell: openpyxl's value and data type ("f" formula,
    "e" error, "d" date, "n" number, "s" text, "b" boolean)."""

    value: Any
    data_type: str


def _filled_rows(sheet: Any) -> tuple[list[tuple[int, dict[int, _Cell]]], int]:
    """(row number, column index -> cell) of the rows with a value, the heading row and at
    most one more than a file may hold; and the last row the sheet says it has."""
    declared = sheet.max_row or 0
    rows: list[tuple[int, dict[int, _Cell]]] = []
    cells = sheet.iter_rows(min_row=1, max_row=MAX_ROW_INDEX, max_col=MAX_COLUMNS)
    for number, row in enumerate(cells, start=1):
        values = {
            index: _Cell(cell.value, cell.data_type)
            for index, cell in enumerate(row, start=1)
            if cell.value not in (None, "")
        }
        if values:
            rows.append((number, values))
            if len(rows) > MAX_ROWS + 1:
                break
    return rows, declared


class _Row:
    """The cells of one row by column key, and the problems found reading them."""

    def __init__(self, number: int, cells: dict[str, Any], letters: dict[str, str]):
        self.number = number
        self.cells = cells
        self.letters = letters
        self.problems: list[CellProblem] = []

    def problem(self, key: str | None, message: str) -> None:
        column = self.letters.get(key) if key else None
        self.problems.append(CellProblem(self.number, column, message))

    def heading(self, key: str) -> str:
        return next(c.heading for c in COLUMNS if c.key == key)

    def raw(self, key: str) -> Any:
        """The cell's value, or None (with a problem) when it is a formula, an error or
        too long; an empty cell is ""."""
        cell = self.cells.get(key)
        if cell is None or cell.value is None:
            return ""
        if cell.data_type == "f":
            self.problem(
                key,
                _(
                    "The “%(column)s” cell holds a formula: type the value itself (copy the cells, "
                    "then paste values only).",
                    column=self.heading(key),
                ),
            )
            return None
        if cell.data_type == "e":
            self.problem(
                key,
                _(
                    "The “%(column)s” cell holds the error value %(value)s.",
                    column=self.heading(key),
                    value=cell.value,
                ),
            )
            return None
        value = cell.value
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
            if len(value) > MAX_CELL_CHARS:
                self.problem(
                    key,
                    _(
                        "The “%(column)s” cell is longer than %(n)s characters.",
                        column=self.heading(key),
                        n=_thousands(MAX_CELL_CHARS),
                    ),
                )
                return None
        return value

    def text(self, key: str) -> str | None:
        """The cell as text: numbers written plainly; None (with a problem) for a date."""
        value = self.raw(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int | float):
            return format_number(value)
        if isinstance(value, datetime | date | time | timedelta):
            self.problem(
                key,
                _(
                    "The “%(column)s” cell was read as a date or a time (%(value)s): type it as "
                    "text, starting the cell with '.",
                    column=self.heading(key),
                    value=value,
                ),
            )
            return None
        return str(value)

    def rich(self, key: str, default: str) -> Text | None:
        value = self.text(key)
        if value is None:
            return None
        fmt, rest = split_format(value)
        return Text(rest, fmt or default)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[CellProblem] = []
        self.questions: list[RowQuestion] = []
        self.names: dict[str, int] = {}
        #: column index -> the heading as written, for headings the template does not have
        self.unknown: dict[int, str] = {}
        self.letters: dict[str, str] = {}

    def problem(self, row: int, column: str | None, message: str) -> None:
        self.problems.append(CellProblem(row, column, message))

    def run(self, data: bytes) -> None:
        workbook, wrong = _open(data)
        if workbook is None:
            self.problem(0, None, wrong or "")
            return
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows, declared = _filled_rows(workbook.worksheets[0])
        except Exception:  # the sheet's XML is parsed only now: damaged, or not a sheet
            self.problem(
                0, None, _("The sheet could not be read: save it again as .xlsx and retry.")
            )
            return
        finally:
            workbook.close()
        self.sheet(rows, declared)

    def sheet(self, rows: list[tuple[int, dict[int, _Cell]]], declared: int) -> None:
        if not rows:
            self.problem(0, None, _("The sheet is empty: fill in the template's rows."))
            return
        (number, values), questions = rows[0], rows[1:]
        header = self.headings(number, values)
        if header is None:
            return
        if len(questions) > MAX_ROWS:
            self.problem(
                questions[MAX_ROWS][0],
                None,
                _(
                    "More than %(n)s questions: import at most %(n)s at a time (split the file).",
                    n=_thousands(MAX_ROWS),
                ),
            )
            return
        stray: dict[int, int] = {}  # column index -> first row with a value there
        for number, values in questions:
            for index in values.keys() - header.keys():
                stray.setdefault(index, number)
            self.row(number, {header[i]: c for i, c in values.items() if i in header})
        for index, number in sorted(stray.items()):
            self.problem(number, get_column_letter(index), self.stray_message(index))
        if declared > MAX_ROW_INDEX:
            self.problem(
                MAX_ROW_INDEX,
                None,
                _(
                    "The sheet goes on past row %(n)s, which is not read: delete the empty "
                    "rows or split the file.",
                    n=_thousands(MAX_ROW_INDEX),
                ),
            )

    def stray_message(self, index: int) -> str:
        letter = get_column_letter(index)
        written = self.unknown.get(index)
        if written is None:
            return _(
                "Column %(column)s has values but no heading: add the template's heading "
                "or delete the column.",
                column=letter,
            )
        key, _written = _heading_key(written)
        if key is not None and key.startswith(("option", "feedback")):
            return _(
                "There are at most %(n)s options: column %(column)s (“%(heading)s”) is not read.",
                n=MAX_OPTIONS,
                column=letter,
                heading=written,
            )
        return _(
            "Column %(column)s has a heading the template does not have (“%(heading)s”): "
            "rename it as in the template or delete the column.",
            column=letter,
            heading=written,
        )

    def headings(self, number: int, values: dict[int, _Cell]) -> dict[int, str] | None:
        header: dict[int, str] = {}
        letters = self.letters
        for index, cell in values.items():
            key, written = _heading_key(cell.value)
            letter = get_column_letter(index)
            if key is None or key not in _KNOWN_KEYS:
                self.unknown[index] = written
            elif key in letters:
                self.problem(
                    number,
                    letter,
                    _(
                        "The heading “%(heading)s” appears twice (columns %(first)s and "
                        "%(second)s).",
                        heading=written,
                        first=letters[key],
                        second=letter,
                    ),
                )
            else:
                header[index] = key
                letters[key] = letter
        missing = [c.heading for c in COLUMNS if c.key in REQUIRED and c.key not in letters]
        if missing:
            self.problem(
                number,
                None,
                _(
                    "Row %(row)s is read as the headings, but it lacks %(columns)s: keep the "
                    "template's heading row.",
                    row=number,
                    columns=", ".join(f"“{m}”" for m in missing),
                ),
            )
            return None
        return header

    def row(self, number: int, cells: dict[str, _Cell]) -> None:
        row = _Row(number, cells, self.letters)
        question = _question(row)
        if question is not None and not row.problems:
            first = self.names.setdefault(question.name, number)
            if first != number:
                row.problem(
                    "name",
                    _(
                        "The name “%(name)s” is already used in row %(row)s.",
                        name=question.name,
                        row=first,
                    ),
                )
        self.problems += row.problems
        if question is not None and not row.problems:
            self.questions.append(RowQuestion(number, question))


def _thousands(n: int) -> str:
    """``n`` grouped the Vietnamese way (2.000), which English readers also follow."""
    return f"{n:,}".replace(",", ".")


def read_questions(data: bytes) -> Sheet:
    """The questions of a workbook's first sheet and every problem found; never raises.
    A row with a problem gives no question."""
    reader = _Reader()
    reader.run(data)
    return Sheet(reader.questions, reader.problems, reader.letters)


# --------------------------------------------------------------------------- a row


class _NumberProblems:
    """What ``NumericType.answer`` reports, as problems of option ``n`` of a row (the
    type reads the spec: one set of rules for GIFT and spreadsheets)."""

    def __init__(self, row: _Row):
        self.row = row

    def problem(self, n: int, message: str) -> None:
        self.row.problem(f"option{n}", translate_problem(message))


def _key_entries(row: _Row) -> list[tuple[int, float | None]] | None:
    """The answer key as (option number, percent or None) entries; None on a problem."""
    value = row.raw("answer")
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, datetime | date | time | timedelta):
        row.problem(
            "answer",
            _("The answer must name options by their numbers, e.g. 2 or 1; 3 or 2=50%."),
        )
        return None
    text = format_number(value) if isinstance(value, int | float) else str(value)
    entries: list[tuple[int, float | None]] = []
    ok = True
    for entry in re.split(r"[;,\n]+", text):
        entry = fold(entry)
        if not entry:
            continue
        m = _KEY_ENTRY.fullmatch(entry)
        number = None
        if m is not None:
            number = int(m[1]) if m[1].isdigit() else ord(m[1]) - ord("a") + 1
        if m is None or number is None or not 1 <= number <= MAX_OPTIONS:
            row.problem(
                "answer",
                _(
                    "“%(entry)s” in the answer is not an option number from 1 to %(n)s "
                    "(e.g. 2, or 2=50%%; decimals with a dot).",
                    entry=entry,
                    n=MAX_OPTIONS,
                ),
            )
            ok = False
            continue
        pct = float(m[2]) if m[2] is not None else None
        if pct is not None and not -100 <= pct <= 100:
            row.problem(
                "answer",
                _("The score of option %(n)s is outside -100%% to 100%%.", n=number),
            )
            ok = False
        elif any(n == number for n, _p in entries):
            row.problem("answer", _("The answer names option %(n)s twice.", n=number))
            ok = False
        else:
            entries.append((number, pct))
    return entries if ok else None


def _check_key_names(row: _Row, entries: list[tuple[int, float | None]], filled: set[int]) -> bool:
    ok = True
    for n, _pct in entries:
        if n not in filled:
            row.problem(
                "answer", _("The answer names option %(n)s, but that option is empty.", n=n)
            )
            ok = False
    return ok


def _orphan_feedback(row: _Row, n: int) -> None:
    row.problem(f"feedback{n}", _("Feedback %(n)s has no option %(n)s.", n=n))


def _choice(row: _Row, q: Question) -> None:
    fmt = q.text.format
    options: list[tuple[int, Text, Text]] = []
    for n in range(1, MAX_OPTIONS + 1):
        text, feedback = row.rich(f"option{n}", fmt), row.rich(f"feedback{n}", fmt)
        if text is None or feedback is None:
            continue
        if text.text:
            options.append((n, text, feedback))
        elif feedback.text:
            _orphan_feedback(row, n)
    entries = _key_entries(row)
    if entries == []:
        row.problem(
            "answer", _("The answer is missing: write the number of the right option, e.g. 2.")
        )
    if not entries or not _check_key_names(row, entries, {n for n, _t, _f in options}):
        return
    percents = {n: pct for n, pct in entries}
    if q.qtype == "multi":
        bare = [n for n, pct in entries if pct is None]
        given = sum(pct for pct in percents.values() if pct is not None and pct > 0)
        if bare and given >= 100:
            row.problem(
                "answer",
                _(
                    "The scores given already add up to %(x)s%%: options %(options)s would "
                    "get nothing (give them a score, or remove them).",
                    x=f"{given:g}",
                    options=", ".join(map(str, bare)),
                ),
            )
            return
        for n in bare:
            percents[n] = (100 - given) / len(bare)
    else:
        percents = {n: 100.0 if pct is None else pct for n, pct in percents.items()}
    q.options = [
        Option(letter_id(i), text, round_fraction(percents.get(n, 0.0) / 100), feedback)
        for i, (n, text, feedback) in enumerate(options)
    ]


def _truefalse(row: _Row, q: Question) -> None:
    fmt = q.text.format
    for n in range(1, MAX_OPTIONS + 1):
        if row.cells.get(f"option{n}") is not None:
            row.problem(
                f"option{n}",
                _(
                    "A true/false question has no options: leave option %(n)s empty "
                    "(Feedback 1 is for the answer true, Feedback 2 for false).",
                    n=n,
                ),
            )
        if n > 2 and row.cells.get(f"feedback{n}") is not None:
            _orphan_feedback(row, n)
    value = row.raw("answer")
    if isinstance(value, bool):
        q.answer = value
    elif isinstance(value, int | float | str) and value != "":
        word = fold(format_number(value) if isinstance(value, int | float) else value)
        q.answer = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        if q.answer is None:
            row.problem(
                "answer", _("The answer of a true/false question is Đúng (true) or Sai (false).")
            )
    elif value not in (None, ""):
        row.problem(
            "answer", _("The answer of a true/false question is Đúng (true) or Sai (false).")
        )
    q.feedback_true = row.rich("feedback1", fmt) or Text(format=fmt)
    q.feedback_false = row.rich("feedback2", fmt) or Text(format=fmt)


def _weighted(row: _Row, q: Question, read: Callable[[int], Any]) -> list[_Weighted] | None:
    """Short answer and numeric: every filled option, with its score from the answer key
    (100% when the key does not name it); None when the key has a problem."""
    fmt = q.text.format
    found: list[tuple[int, Any, Text]] = []
    for n in range(1, MAX_OPTIONS + 1):
        value, feedback = read(n), row.rich(f"feedback{n}", fmt)
        if value is None or feedback is None:
            continue
        if value != "":
            found.append((n, value, feedback))
        elif feedback.text:
            _orphan_feedback(row, n)
    entries = _key_entries(row)
    if entries is None or not _check_key_names(row, entries, {n for n, _v, _f in found}):
        return None
    named = {n for n, _pct in entries}
    percents = {n: pct for n, pct in entries if pct is not None}
    return [
        _Weighted(n, value, round_fraction(percents.get(n, 100.0) / 100), f, n in named)
        for n, value, f in found
    ]


class _Weighted(NamedTuple):
    n: int
    value: Any
    fraction: float
    feedback: Text
    named: bool


def _short(row: _Row, q: Question) -> None:
    answers = _weighted(row, q, lambda n: row.text(f"option{n}"))
    if answers is None:
        return
    if not answers:
        row.problem("option1", _("Write at least one accepted answer in the option cells."))
        return
    q.answers = [ShortAnswer(a.value, a.fraction, a.feedback) for a in answers]


def _numeric_spec(row: _Row, n: int) -> str | None:
    key = f"option{n}"
    value = row.raw(key)
    if isinstance(value, bool):
        row.problem(key, _("Option %(n)s is not a number.", n=n))
        return None
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, datetime | date | time | timedelta):
        row.problem(
            key,
            _(
                "Option %(n)s was read as a date or a time: write a tolerance as 3 ± 2 "
                "(not 3:2), or start the cell with '.",
                n=n,
            ),
        )
        return None
    return value


def _numeric(row: _Row, q: Question) -> None:
    answers = _weighted(row, q, lambda n: _numeric_spec(row, n))
    if answers is None:
        return
    reporter = _NumberProblems(row)
    for a in answers:
        spec = a.value
        if spec == "*":
            if a.named:
                row.problem(
                    "answer", _("Option %(n)s (*, any other number) takes no score.", n=a.n)
                )
            elif q.numeric_wrong_feedback is not None:
                row.problem(f"option{a.n}", _("Only one option may be * (any other number)."))
            else:
                q.numeric_wrong_feedback = a.feedback
            continue
        if "," in spec:
            row.problem(
                f"option{a.n}",
                _(
                    "“%(x)s”: write decimals with a dot (12.5), or type the number into the "
                    "cell as a number.",
                    x=spec,
                ),
            )
            continue
        # the type reads the number, tolerance or range: the same rules as in GIFT
        answer = NumericType.answer(reporter, a.n, _TOLERANCE.sub(":", spec))  # type: ignore[arg-type]
        if answer is not None:
            answer.fraction, answer.feedback = a.fraction, a.feedback
            q.numeric_answers.append(answer)
    if not q.numeric_answers and not row.problems:
        row.problem("option1", _("Write at least one number in the option cells."))


def _matching(row: _Row, q: Question) -> None:
    fmt = q.text.format
    if row.cells.get("answer") is not None:
        row.problem(
            "answer",
            _("A matching question has no answer key: each option is “left -> right”."),
        )
    lefts: list[tuple[Text, str]] = []
    distractors: list[str] = []
    for n in range(1, MAX_OPTIONS + 1):
        if row.cells.get(f"feedback{n}") is not None:
            row.problem(f"feedback{n}", _("Matching pairs have no feedback."))
        cell = row.text(f"option{n}")
        if not cell:
            continue
        arrow, width = cell.find("->"), 2
        if arrow < 0:
            arrow, width = cell.find("→"), 1
        if arrow < 0:
            row.problem(
                f"option{n}",
                _("Option %(n)s needs “->” between its two sides: left -> right.", n=n),
            )
            continue
        left, right = cell[:arrow].strip(), cell[arrow + width :].strip()
        if not right:
            row.problem(f"option{n}", _("Option %(n)s has nothing after “->”.", n=n))
            continue
        fmt_left, text = split_format(left)
        if text:
            lefts.append((Text(text, fmt_left or fmt), right))
        else:
            distractors.append(right)
    q.pairs, q.right_choices = matching_ids(lefts, distractors)


_BUILDERS: dict[str, Callable[[_Row, Question], None]] = {
    "single": _choice,
    "multi": _choice,
    "truefalse": _truefalse,
    "short": _short,
    "numeric": _numeric,
    "matching": _matching,
}


def _validate_column(message: str) -> str | None:
    """The column a ``validate`` message is about."""
    m = re.match(r"option ([a-z]+):", message)
    if m:
        return f"option{option_number(m[1])}"
    if "question name" in message:
        return "name"
    if message.startswith("category"):
        return "category"
    if message == "question has no text":
        return "question"
    return "answer"


def _yes_no(row: _Row, key: str) -> bool | None:
    """A yes/no cell: True, False (also when empty), None on a problem."""
    value = row.raw(key)
    if value is None or isinstance(value, bool):
        return value
    if value == "":
        return False
    word = fold(format_number(value) if isinstance(value, int | float) else str(value))
    if word in YES_WORDS | NO_WORDS:
        return word in YES_WORDS
    row.problem(key, _("Write “có” (yes) or leave it empty."))
    return None


def _question(row: _Row) -> Question | None:
    """The row's question (with problems in ``row.problems``), or None if unreadable."""
    type_text, name = row.text("type"), row.text("name")
    category, text = row.text("category"), row.rich("question", "moodle")
    qtype = None
    if type_text == "":
        row.problem("type", _("The type is missing (single, multi, truefalse, …)."))
    elif type_text is not None:
        qtype = TYPE_NAMES.get(fold(type_text))
        if qtype is None or qtype not in REGISTRY:
            row.problem(
                "type",
                _(
                    "Unknown type “%(x)s”: write one of %(types)s.",
                    x=type_text,
                    types=", ".join(_BUILDERS),
                ),
            )
            qtype = None
    if name == "":
        row.problem("name", _("The name is missing: every question needs its own name."))
    if text is not None and not text.text:
        row.problem("question", _("The question text is missing."))
    if qtype is None:
        return None
    fmt = text.format if text is not None else "moodle"
    q = Question(
        name=name or "",
        qtype=qtype,
        text=text or Text(),
        category=category or "",
        general_feedback=row.rich("general_feedback", fmt) or Text(format=fmt),
        feedback_true=Text(format=fmt),
        feedback_false=Text(format=fmt),
        line=row.number,
    )
    ignore = _yes_no(row, "ignore_diacritics")
    if ignore and qtype != "short":
        row.problem("ignore_diacritics", _("Ignoring diacritics applies only to short answers."))
    q.ignore_diacritics = bool(ignore) and qtype == "short"
    _BUILDERS[qtype](row, q)
    if row.problems:
        return None
    for message in validate(q):
        row.problem(_validate_column(message), translate_problem(message))
    return None if row.problems else q


# --------------------------------------------------------------------------- writing


def _cell_text(t: Text, default: str) -> str:
    """A Text as a cell: a ``[format]`` marker when its format is not ``default`` or the
    text itself starts like a marker (GIFT's rule, without GIFT's escapes)."""
    text = t.text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    marker = t.format != default or split_format(text)[0] is not None
    return f"[{t.format}]{text}" if marker else text


def _score(n: int, fraction: float) -> str:
    return f"{n}={percent(fraction)}%"


def _number(x: float) -> float | str:
    """A number as a cell: a number when the file keeps it exactly (openpyxl writes 16
    significant digits), else its exact text."""
    return x if float(f"{x:.16g}") == x else format_number(x)


def _spec(a: NumericAnswer) -> float | str:
    if a.value is None:
        return f"{format_number(a.min)}..{format_number(a.max)}"
    if not a.tolerance:
        return _number(a.value)
    return f"{format_number(a.value)} ± {format_number(a.tolerance)}"


def _cells(q: Question) -> dict[str, Any]:
    """The cells of a question's row by column key (the inverse of ``_question``)."""
    fmt = q.text.format
    cells: dict[str, Any] = {
        "type": q.qtype,
        "category": q.category,
        "name": q.name,
        "question": _cell_text(q.text, "moodle"),
        "general_feedback": _cell_text(q.general_feedback, fmt),
    }
    key: list[str] = []
    items: list[tuple[Any, Text | None]] = []
    if q.qtype in ("single", "multi"):
        for n, o in enumerate(q.options, start=1):
            items.append((_cell_text(o.text, fmt), o.feedback))
            if q.qtype == "single" and o.fraction == 1:
                key.append(str(n))
            elif o.fraction:
                key.append(_score(n, o.fraction))
    elif q.qtype == "truefalse":
        cells["answer"] = TRUE_WORD if q.answer else FALSE_WORD
        items = [("", q.feedback_true), ("", q.feedback_false)]
    elif q.qtype == "short":
        for n, a in enumerate(q.answers, start=1):
            items.append((a.text, a.feedback))
            if a.fraction != 1:
                key.append(_score(n, a.fraction))
        cells["ignore_diacritics"] = YES_WORD if q.ignore_diacritics else ""
    elif q.qtype == "numeric":
        for n, a in enumerate(q.numeric_answers, start=1):
            items.append((_spec(a), a.feedback))
            if a.fraction != 1:
                key.append(_score(n, a.fraction))
        if q.numeric_wrong_feedback is not None:
            items.append(("*", q.numeric_wrong_feedback))
    elif q.qtype == "matching":
        used = {p.right_id for p in q.pairs}
        items = [(f"{_cell_text(p.left, fmt)} -> {p.right_text.strip()}", None) for p in q.pairs]
        items += [(f"-> {text.strip()}", None) for rid, text in q.right_choices if rid not in used]
    if key:
        cells["answer"] = "; ".join(key)
    for n, (value, feedback) in enumerate(items, start=1):
        cells[f"option{n}"] = value
        cells[f"feedback{n}"] = _cell_text(feedback, fmt) if feedback is not None else ""
    return cells


def _option_count(q: Question) -> int:
    return {
        "single": len(q.options),
        "multi": len(q.options),
        "truefalse": 2,
        "short": len(q.answers),
        "numeric": len(q.numeric_answers) + (q.numeric_wrong_feedback is not None),
        "matching": len(q.right_choices) + len(q.pairs) - len({p.right_id for p in q.pairs}),
    }.get(q.qtype, 0)


def sheet_problems(questions: Iterable[Question]) -> list[tuple[str, str]]:
    """(question name, translated message) for what a sheet cannot hold: a type this
    layout does not know, more than 8 options, a cell over 10,000 characters or with a
    control character. ``write_questions`` expects none."""
    problems: list[tuple[str, str]] = []
    for q in questions:
        if q.qtype not in _BUILDERS:
            problems.append(
                (q.name, _("Questions of type “%(x)s” cannot go in a spreadsheet.", x=q.qtype))
            )
            continue
        count = _option_count(q)
        if count > MAX_OPTIONS:
            problems.append(
                (
                    q.name,
                    _(
                        "It has %(count)s options; a spreadsheet row holds %(n)s.",
                        count=count,
                        n=MAX_OPTIONS,
                    ),
                )
            )
            continue
        texts = [v for v in _cells(q).values() if isinstance(v, str)]
        if any(len(t) > MAX_CELL_CHARS for t in texts):
            problems.append(
                (
                    q.name,
                    _(
                        "A text is longer than %(n)s characters, too long for a cell.",
                        n=_thousands(MAX_CELL_CHARS),
                    ),
                )
            )
        elif any(ILLEGAL_CHARACTERS_RE.search(t) for t in texts):
            problems.append(
                (q.name, _("A text has a control character a spreadsheet cannot hold."))
            )
    return problems


_HEADING_FILL = PatternFill("solid", fgColor="FFE2EFDA")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _questions_sheet(sheet: Any, questions: Sequence[Question]) -> None:
    sheet.title = SHEET_TITLE
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.heading)
        cell.font = Font(bold=True)
        cell.fill = _HEADING_FILL
        cell.alignment = _WRAP
        cell.comment = Comment(f"{column.help_vi}\n\n{column.help_en}", "elearn", 200, 320)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for number, q in enumerate(questions, start=2):
        cells = _cells(q)
        for index, column in enumerate(COLUMNS, start=1):
            value = cells.get(column.key, "")
            if value == "":
                continue
            cell = sheet.cell(row=number, column=index, value=value)
            if isinstance(value, str):
                # a text starting with "=" stays text, never a formula
                cell.data_type = "s"
            cell.alignment = _WRAP
    sheet.freeze_panes = "A2"
    types = DataValidation(
        type="list",
        formula1='"' + ",".join(_BUILDERS) + '"',
        allow_blank=True,
        showErrorMessage=False,  # the Vietnamese names are accepted too
    )
    sheet.add_data_validation(types)
    types.add(f"A2:A{MAX_ROWS + 1}")


def _help_sheet(sheet: Any) -> None:
    sheet.title = HELP_TITLE
    options = f"1–{MAX_OPTIONS}"
    # (cells, whether the row is a heading); None leaves a blank row
    rows: list[tuple[tuple[str, str, str], bool] | None] = [
        (("Cột / Column", "Tiếng Việt", "English"), True),
        *(((c.heading, c.help_vi, c.help_en), False) for c in BEFORE_OPTIONS),
        ((f"Phương án {options} / Option {options}", *OPTION_HELP), False),
        ((f"Phản hồi {options} / Feedback {options}", *FEEDBACK_HELP), False),
        *(((c.heading, c.help_vi, c.help_en), False) for c in AFTER_OPTIONS),
        None,
        (("Loại / Type", "Các loại câu hỏi", "Question types"), True),
        *(((qtype, vi, en), False) for qtype, (vi, en) in TYPE_HELP.items()),
        None,
        (("", "Quy tắc chung", "General rules"), True),
        *((("", vi, en), False) for vi, en in RULES_HELP),
    ]
    for number, row in enumerate(rows, start=1):
        if row is None:
            continue
        values, heading = row
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=index, value=value)
            cell.data_type = "s"
            cell.alignment = _WRAP
            cell.font = Font(bold=heading)
    for letter, width in (("A", 26), ("B", 60), ("C", 60)):
        sheet.column_dimensions[letter].width = width


def write_questions(questions: Sequence[Question]) -> bytes:
    """An .xlsx of ``questions`` in the import layout, with the instructions sheet.
    Check :func:`sheet_problems` first."""
    workbook = Workbook()
    _questions_sheet(workbook.active, questions)
    _help_sheet(workbook.create_sheet())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXAMPLES_GIFT = """\
$CATEGORY: vi-du

::vi-du-mot-dap-an:: Sản phẩm OCOP được đánh giá, phân hạng theo thang mấy sao? {
\t~3 sao#Chưa đúng: 3 sao là hạng thấp nhất được công nhận.
\t=5 sao#Đúng.
\t~10 sao
\t####Sản phẩm đạt từ 3 đến 5 sao được công nhận là sản phẩm OCOP.
}

::vi-du-nhieu-dap-an:: Kênh nào dưới đây là sàn thương mại điện tử? {
\t~%50%Shopee
\t~%50%Lazada
\t~%-100%Chợ phiên của xã#Chợ phiên là kênh bán trực tiếp.
}

::vi-du-dung-sai:: Sản phẩm đạt từ 3 sao OCOP trở lên được cấp giấy chứng nhận. {T#Chưa đúng: \
sản phẩm từ 3 sao trở lên được công nhận.#Chính xác.}

// elearn: ignore-diacritics
::vi-du-tra-loi-ngan:: Điền vào chỗ trống: chương trình “Mỗi ___ một sản phẩm”. {
\t=xã#Chính xác.
\t=%0%huyện#Chưa đúng: chương trình lấy xã làm đơn vị.
}

::vi-du-so:: Một hộp trà có giá vốn 80 nghìn đồng, bán lãi 25%. Giá bán là bao nhiêu nghìn \
đồng? {#
\t=100#Đúng: 80 × 1,25 \\= 100.
\t=%50%100:5#Gần đúng: hãy tính lại cho chính xác.
\t~#Giá bán \\= giá vốn × (1 + 25%).
}

::vi-du-ghep-doi:: Ghép mỗi sản phẩm với nhóm sản phẩm OCOP của nó. {
\t=Nước mắm -> Thực phẩm
\t=Rượu cần -> Đồ uống
\t=Cao dược liệu -> Thảo dược
\t= -> Dịch vụ du lịch cộng đồng
}
"""


def examples() -> list[Question]:
    """One example question per type, as the template shows them."""
    questions, problems = parse_gift(EXAMPLES_GIFT, "examples.gift")
    assert not problems, problems
    return questions


def template() -> bytes:
    """The import template: the headings, an example row per type, the instructions."""
    return write_questions(examples())
