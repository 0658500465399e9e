"""Questions in .xlsx: the template, every type read and written back, and every kind of
bad workbook or bad cell reported by row and column, never raised."""

from __future__ import annotations

import io
import re
import time as clock
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from elearn.quiz import xlsx
from elearn.quiz.gift import parse_gift
from elearn.quiz.gift_writer import write_gift
from elearn.quiz.question import Question, Text
from elearn.quiz.types import QTYPES, validate
from tests.quiz.test_gift_writer import question as any_question

ROOT = Path(__file__).resolve().parents[2]
KEYS = [c.key for c in xlsx.COLUMNS]
LETTER = {key: chr(ord("A") + i) for i, key in enumerate(KEYS)}


def book(*rows: dict, headings: list | None = None, sheet=None) -> bytes:
    """A workbook: the template's headings (or ``headings``), then one row per dict of
    column key -> value; ``sheet(ws)`` may change cells before saving."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(headings if headings is not None else [c.heading for c in xlsx.COLUMNS])
    for row in rows:
        ws.append([row.get(key) for key in KEYS])
    if sheet is not None:
        sheet(ws)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**cells) -> dict:
    return {"category": "c", "name": "q", "question": "Q?"} | cells


def read(data: bytes) -> tuple[list[Question], list[tuple[int, str | None, str]]]:
    sheet = xlsx.read_questions(data)
    return [r.question for r in sheet.questions], [tuple(p) for p in sheet.problems]


def one(**cells) -> Question:
    questions, problems = read(book(row(**cells)))
    assert problems == []
    [q] = questions
    return q


def problems(*rows: dict, **kwargs) -> list[tuple[int, str | None, str]]:
    questions, found = read(book(*rows, **kwargs))
    return found


def gift(text: str) -> Question:
    questions, found = parse_gift("$CATEGORY: c\n\n" + text)
    assert found == []
    [q] = questions
    return q


# --------------------------------------------------------------------------- the template


def test_the_template_has_an_example_row_per_type_that_reads_back():
    data = xlsx.template()
    sheet = xlsx.read_questions(data)
    assert sheet.problems == []
    assert [r.question for r in sheet.questions] == xlsx.examples()
    assert sorted(r.question.qtype for r in sheet.questions) == sorted(QTYPES)
    assert [r.row for r in sheet.questions] == [2, 3, 4, 5, 6, 7]


def test_the_template_documents_its_columns_in_vietnamese_then_english():
    workbook = load_workbook(io.BytesIO(xlsx.template()))
    questions, guide = workbook.worksheets
    assert guide.title == "Hướng dẫn · Instructions"
    headings = [c.value for c in questions[1]]
    assert headings[:4] == [
        "Loại / Type",
        "Danh mục / Category",
        "Mã câu hỏi / Name",
        "Câu hỏi / Question",
    ]
    assert "Phương án 8 / Option 8" in headings and "Phương án 9 / Option 9" not in headings
    for cell in questions[1]:
        vi, en = cell.comment.text.split("\n\n")
        assert vi and en
    text = "\n".join(str(c.value) for r in guide.iter_rows() for c in r if c.value)
    for qtype in QTYPES:
        assert f"\n{qtype}\n" in f"\n{text}\n"
    assert "Tối đa 2.000 câu hỏi" in text and "At most 2,000 questions" in text
    assert questions.freeze_panes == "A2"


def test_headings_are_found_by_name_in_either_language_in_any_order():
    headings = ["Mã câu hỏi", "Question", "TYPE", "dap an", "Phuong an 2", "option 1"]
    data = book(headings=headings, sheet=lambda ws: ws.append(["a", "Q?", "single", 2, "y", "x"]))
    questions, found = read(data)
    assert found == []
    [q] = questions
    assert [(o.text.text, o.fraction) for o in q.options] == [("x", 0.0), ("y", 1.0)]


# --------------------------------------------------------------------------- each type


def test_single_choice_with_partial_credit_letters_and_feedback():
    q = one(
        type="single",
        answer="B; 3=-25%",
        option1="x",
        feedback1="no",
        option2="y",
        option3="[html]<b>z</b>",
        general_feedback="G",
    )
    assert q == gift("::q:: Q? {~x#no =y ~%-25%[html]<b>z</b> ####G}")
    assert q.line == 2


def test_multiple_answers_share_what_the_scores_leave():
    assert one(type="multi", answer="1; 3", option1="a", option2="b", option3="c") == gift(
        "::q:: Q? {~%50%a ~b ~%50%c}"
    )
    q = one(type="multi", answer="1=60%; 3; 2=-100%", option1="a", option2="b", option3="c")
    assert [o.fraction for o in q.options] == [0.6, -1.0, 0.4]
    q = one(type="nhiều đáp án", answer="1, 2, 3", option1="a", option2="b", option3="c")
    assert [o.fraction for o in q.options] == [0.3333333] * 3


def test_true_false_answers_and_their_feedback():
    q = one(type="Đúng/Sai", answer="sai", feedback1="you said true", feedback2="you said false")
    assert q == gift("::q:: Q? {F#you said true#you said false}")
    assert one(type="truefalse", answer=True).answer is True
    assert one(type="truefalse", answer="Đúng").answer is True


def test_short_answer_alternatives_scores_and_ignored_diacritics():
    q = one(
        type="short",
        answer="2=50%",
        option1="Hà Nội",
        option2="Ha*",
        feedback2="almost",
        ignore_diacritics="có",
    )
    assert q == gift("// elearn: ignore-diacritics\n::q:: Q? {=Hà Nội =%50%Ha*#almost}")
    assert one(type="trả lời ngắn", option1=1822).answers[0].text == "1822"


@pytest.mark.parametrize("spec", ["12.5 ± 0.5", "12.5+-0.5", "12.5:0.5", "12.5 +/- 0.5"])
def test_numeric_tolerance_spellings(spec):
    assert one(type="numeric", option1=spec) == gift("::q:: Q? {#12.5:0.5}")


def test_numeric_values_ranges_scores_and_any_other_number():
    q = one(
        type="số",
        answer="2=50%",
        option1=1822,
        option2="1800..1850",
        feedback2="close",
        option3="*",
        feedback3="far off",
    )
    assert q == gift("::q:: Q? {#=1822 =%50%1800..1850#close ~#far off}")


def test_matching_pairs_and_a_distractor():
    q = one(
        type="matching",
        option1="Canada -> Ottawa",
        option2="[html]<i>Ý</i> → Rome",
        option3="-> Paris",
    )
    assert q == gift("::q:: Q? {=Canada -> Ottawa =[html]<i>Ý</i> -> Rome = -> Paris}")


def test_numbers_in_text_cells_read_as_written():
    q = one(type="single", name=101, question=2024, answer=1.0, option1=0.5, option2=3)
    assert (q.name, q.text.text, [o.text.text for o in q.options]) == ("101", "2024", ["0.5", "3"])


# --------------------------------------------------------------------------- bad cells


def test_a_row_without_type_name_or_question():
    assert problems(row(type="", name="", question="", option1="x")) == [
        (2, "A", "The type is missing (single, multi, truefalse, …)."),
        (2, "C", "The name is missing: every question needs its own name."),
        (2, "D", "The question text is missing."),
    ]


def test_unknown_type():
    assert problems(row(type="essay")) == [
        (
            2,
            "A",
            "Unknown type “essay”: write one of single, multi, truefalse, short, numeric, "
            "matching.",
        )
    ]


def test_each_bad_row_is_reported_and_the_good_rows_are_kept():
    questions, found = read(
        book(
            row(name="ok", type="truefalse", answer="Đúng"),
            row(name="bad-key", type="single", answer="5", option1="a", option2="b"),
            row(name="no-key", type="single", option1="a", option2="b"),
            row(name="sum", type="multi", answer="1=50%; 2=30%", option1="a", option2="b"),
            row(name="ok2", type="truefalse", answer="Sai"),
        )
    )
    assert [q.name for q in questions] == ["ok", "ok2"]
    assert found == [
        (3, "E", "The answer names option 5, but that option is empty."),
        (4, "E", "The answer is missing: write the number of the right option, e.g. 2."),
        (5, "E", "The positive scores of the right answers add up to 80%, not 100%."),
    ]


@pytest.mark.parametrize(
    "cells,expected",
    [
        (
            dict(type="single", answer="x", option1="a", option2="b"),
            (
                "E",
                "“x” in the answer is not an option number from 1 to 8 (e.g. 2, or 2=50%; "
                "decimals with a dot).",
            ),
        ),
        (
            dict(type="single", answer="1; 1", option1="a", option2="b"),
            ("E", "The answer names option 1 twice."),
        ),
        (
            dict(type="single", answer="1; 2=150%", option1="a", option2="b"),
            ("E", "The score of option 2 is outside -100% to 100%."),
        ),
        (
            dict(type="single", answer="1; 2", option1="a", option2="b"),
            ("E", "A single-choice question has 2 answers worth 100%; only one may be."),
        ),
        (
            dict(type="single", answer=1, option1="a"),
            ("E", "A choice question needs at least 2 options; it has 1."),
        ),
        (
            dict(type="multi", answer="1=100%; 2", option1="a", option2="b"),
            (
                "E",
                "The scores given already add up to 100%: options 2 would get nothing (give "
                "them a score, or remove them).",
            ),
        ),
        (
            dict(type="single", answer=1, option1="a", option2="b", feedback3="?"),
            ("L", "Feedback 3 has no option 3."),
        ),
        (
            dict(type="truefalse", answer="maybe"),
            ("E", "The answer of a true/false question is Đúng (true) or Sai (false)."),
        ),
        (
            dict(type="truefalse", answer=""),
            ("E", "A true/false question needs its answer: True or False."),
        ),
        (
            dict(type="truefalse", answer="Đúng", option1="Đúng"),
            (
                "G",
                "A true/false question has no options: leave option 1 empty (Feedback 1 is "
                "for the answer true, Feedback 2 for false).",
            ),
        ),
        (
            dict(type="single", answer=1, option1="a", option2="b", ignore_diacritics="có"),
            ("W", "Ignoring diacritics applies only to short answers."),
        ),
        (
            dict(type="short", option1="a", ignore_diacritics="perhaps"),
            ("W", "Write “có” (yes) or leave it empty."),
        ),
        (
            dict(type="short", answer="1=50%", option1="a"),
            ("E", "A short-answer question needs one answer worth 100%."),
        ),
        (dict(type="short"), ("G", "Write at least one accepted answer in the option cells.")),
        (
            dict(type="short", option1="a -> b"),
            (
                "E",
                "Answer 1: “->” in a short answer or its feedback would read as a matching pair.",
            ),
        ),
        (
            dict(type="numeric", option1="12,5"),
            (
                "G",
                "“12,5”: write decimals with a dot (12.5), or type the number into the cell "
                "as a number.",
            ),
        ),
        (
            dict(type="numeric", option1="twelve"),
            ("G", "“twelve” is not a number (write decimals with a dot: 12.5)."),
        ),
        (
            dict(type="numeric", option1="15..10"),
            ("G", "In the range 15..10 the first number is greater than the second."),
        ),
        (dict(type="numeric", option1="3 ± -1"), ("G", "The tolerance must not be negative.")),
        (
            dict(type="numeric", option1=time(3, 2)),
            (
                "G",
                "Option 1 was read as a date or a time: write a tolerance as 3 ± 2 (not 3:2), "
                "or start the cell with '.",
            ),
        ),
        (
            dict(type="numeric", answer="2=10%", option1=5, option2="*"),
            ("E", "Option 2 (*, any other number) takes no score."),
        ),
        (
            dict(type="numeric", option1="*"),
            ("G", "Write at least one number in the option cells."),
        ),
        (
            dict(type="matching", option1="a -> 1", option2="b 2"),
            ("I", "Option 2 needs “->” between its two sides: left -> right."),
        ),
        (
            dict(type="matching", option1="a -> 1", option2="b -> "),
            ("I", "Option 2 has nothing after “->”."),
        ),
        (
            dict(type="matching", option1="a -> 1", option2="b -> 2", feedback1="nice"),
            ("H", "Matching pairs have no feedback."),
        ),
        (
            dict(type="matching", answer="1", option1="a -> 1", option2="b -> 2"),
            ("E", "A matching question has no answer key: each option is “left -> right”."),
        ),
        (
            dict(type="matching", option1="a -> 1", option2="-> 2"),
            ("E", "A matching question needs at least 2 pairs; it has 1."),
        ),
        (
            dict(type="truefalse", answer="Đúng", name=date(2025, 1, 2)),
            (
                "C",
                "The “Mã câu hỏi / Name” cell was read as a date or a time (2025-01-02 "
                "00:00:00): type it as text, starting the cell with '.",
            ),
        ),
        (
            dict(type="truefalse", answer="Đúng", category="phần\n1"),
            ("B", "The category starts or ends with a space, or has a line break."),
        ),
    ],
    ids=lambda v: v[1][:40] if isinstance(v, tuple) else None,
)
def test_bad_cells(cells, expected):
    [(number, column, message)] = problems(row(**cells))
    assert (number, column, message) == (2, *expected)


def test_formulas_are_refused_not_evaluated():
    def formulas(ws):
        ws["C2"] = '=CONCAT("cau-", ROW())'
        ws["E2"] = "=1+1"

    found = problems(row(type="single", option1="a", option2="b"), sheet=formulas)
    assert found == [
        (
            2,
            "C",
            "The “Mã câu hỏi / Name” cell holds a formula: type the value itself (copy the "
            "cells, then paste values only).",
        ),
        (
            2,
            "E",
            "The “Đáp án / Answer” cell holds a formula: type the value itself (copy the "
            "cells, then paste values only).",
        ),
    ]


def test_error_values_and_overlong_cells():
    def error(ws):
        ws["D2"].value, ws["D2"].data_type = "#REF!", "e"

    assert problems(row(type="truefalse", answer="Đúng"), sheet=error) == [
        (2, "D", "The “Câu hỏi / Question” cell holds the error value #REF!.")
    ]
    assert problems(row(type="truefalse", answer="Đúng", question="x" * 10_001)) == [
        (2, "D", "The “Câu hỏi / Question” cell is longer than 10.000 characters.")
    ]


def test_a_name_used_twice():
    assert problems(row(type="truefalse", answer="T"), row(type="truefalse", answer="F")) == [
        (3, "C", "The name “q” is already used in row 2.")
    ]


def test_text_starting_with_an_equals_sign_stays_text():
    q = gift("::q:: \\=x {~%50%\\=1 ~%50%\\=2 ~c}")
    assert [o.text.text for o in q.options] == ["=1", "=2", "c"]
    assert read(xlsx.write_questions([q])) == ([q], [])


# --------------------------------------------------------------------------- columns


def test_a_ninth_option_an_unknown_heading_and_a_headless_column():
    headings = [c.heading for c in xlsx.COLUMNS] + ["Phương án 9", "Ghi chú", "Notes", None]
    values = [row(type="truefalse", answer="Đúng").get(key) for key in KEYS]

    def extra(ws):
        ws.append([*values, "c", "my note", None, "lost"])

    found = problems(headings=headings, sheet=extra)
    assert found == [
        (2, "X", "There are at most 8 options: column X (“Phương án 9”) is not read."),
        (
            2,
            "Y",
            "Column Y has a heading the template does not have (“Ghi chú”): rename it "
            "as in the template or delete the column.",
        ),
        (
            2,
            "AA",
            "Column AA has values but no heading: add the template's heading or delete the column.",
        ),
    ]


def test_missing_or_repeated_headings():
    assert problems(headings=["Loại", "Câu hỏi"], sheet=lambda ws: ws.append(["single", "Q"])) == [
        (
            1,
            None,
            "Row 1 is read as the headings, but it lacks “Mã câu hỏi / Name”: keep the "
            "template's heading row.",
        )
    ]
    found = problems(headings=["Type", "Name", "Question", "Tên / Name"])
    assert found == [(1, "D", "The heading “Tên / Name” appears twice (columns B and D).")]


def test_empty_sheet_and_empty_rows():
    assert problems(headings=[]) == [(0, None, "The sheet is empty: fill in the template's rows.")]
    questions, found = read(
        book(row(type="truefalse", answer="T"), {}, {}, row(name="b", type="truefalse", answer="F"))
    )
    assert found == [] and [q.line for q in questions] == [2, 5]


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    rows = [row(name=f"q{i}", type="truefalse", answer="T") for i in range(4)]
    questions, found = read(book(*rows))
    assert questions == []
    assert found == [
        (5, None, "More than 3 questions: import at most 3 at a time (split the file).")
    ]


# --------------------------------------------------------------------------- bad files


NOT_XLSX = (
    "This file is not an Excel workbook (.xlsx): save it as .xlsx (Excel, LibreOffice or "
    "Google Sheets: Download as .xlsx) and upload it again."
)


def zip_of(entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_part(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_of(
        {
            i.filename: (change(source.read(i)) if i.filename == name else source.read(i))
            for i in source.infolist()
        }
    )


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The file is empty."),
        (b"type,name\nsingle,a\n", NOT_XLSX),
        (b"PK\x03\x04 truncated", NOT_XLSX),
        (zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), NOT_XLSX),
        (zip_of({"xl/workbook.xml": b"<not xml"}), NOT_XLSX),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "This is an old Excel file (.xls) or a workbook with a password: save it as .xlsx "
            "without a password and upload it again.",
        ),
    ],
    ids=["empty", "csv", "truncated-zip", "ods", "broken-workbook", "xls"],
)
def test_what_is_not_an_xlsx(data, message):
    assert problems_of_file(data) == [(0, None, message)]


def problems_of_file(data: bytes):
    sheet = xlsx.read_questions(data)
    assert sheet.questions == []
    return [tuple(p) for p in sheet.problems]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    template = zipfile.ZipFile(io.BytesIO(xlsx.template()))
    parts = {i.filename: template.read(i) for i in template.infolist()}
    bomb = zip_of(parts | {"xl/media/huge.bin": bytes(51 * 2**20)}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 200_000
    assert problems_of_file(bomb) == [
        (0, None, "The workbook unpacks to more than 50 MB: remove pictures or split it.")
    ]
    strings = zip_of(parts | {"xl/sharedStrings.xml": bytes(21 * 2**20)}, zipfile.ZIP_DEFLATED)
    assert problems_of_file(strings) == [
        (0, None, "The sheets unpack to more than 20 MB: split the questions into several files.")
    ]


def test_a_file_too_large(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_FILE_BYTES", 2**20)
    assert problems_of_file(bytes(2**20 + 1)) == [
        (0, None, "The file is larger than 1 MB: split the questions into several files.")
    ]


def test_a_broken_sheet_is_reported():
    broken = replace_part(xlsx.template(), "xl/worksheets/sheet1.xml", lambda xml: xml[:-200])
    assert problems_of_file(broken) == [
        (0, None, "The sheet could not be read: save it again as .xlsx and retry.")
    ]


def test_a_forged_far_row_is_not_walked_to():
    """A row numbered 999,999,999 (or a dimension saying so) must not make the reader
    produce a billion empty rows."""

    def forge(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:W999999999"/>', xml)
        far = b'<row r="999999999"><c r="A999999999" t="inlineStr"><is><t>single</t></is></c></row>'
        return xml.replace(b"</sheetData>", far + b"</sheetData>")

    data = replace_part(xlsx.template(), "xl/worksheets/sheet1.xml", forge)
    started = clock.monotonic()
    sheet = xlsx.read_questions(data)
    assert clock.monotonic() - started < 5
    assert len(sheet.questions) == 6
    assert [tuple(p) for p in sheet.problems] == [
        (
            20_000,
            None,
            "The sheet goes on past row 20.000, which is not read: delete the empty "
            "rows or split the file.",
        )
    ]


TEMPLATE = xlsx.template()


@settings(max_examples=60, deadline=None, database=None)
@given(st.integers(0, len(TEMPLATE) - 1), st.binary(min_size=1, max_size=40))
def test_a_damaged_file_gives_problems_never_an_exception(at, patch):
    damaged = TEMPLATE[:at] + patch + TEMPLATE[at + len(patch) :]
    sheet = xlsx.read_questions(damaged)
    assert sheet.problems or len(sheet.questions) == 6


def test_other_sheets_are_not_read():
    workbook = load_workbook(io.BytesIO(xlsx.template()))
    workbook.worksheets[1]["A1"] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue())[1] == []


# --------------------------------------------------------------------------- writing


def test_what_a_sheet_cannot_hold():
    many = gift("::many:: Q {=a ~b ~c ~d ~e ~f ~g ~h ~i}")
    control = gift("::ctl:: Q\x0bR {T}")
    unknown = Question(name="odd", qtype="essay", text=Text("Q"))
    assert xlsx.sheet_problems([many, control, unknown, gift("::fine:: Q {T}")]) == [
        ("many", "It has 9 options; a spreadsheet row holds 8."),
        ("ctl", "A text has a control character a spreadsheet cannot hold."),
        ("odd", "Questions of type “essay” cannot go in a spreadsheet."),
    ]


def _fits(q: Question) -> bool:
    return "\n" not in q.name and not xlsx.sheet_problems([q]) and validate(q) == []


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(any_question().filter(_fits), min_size=1, max_size=4, unique_by=lambda q: q.name))
def test_read_of_write_gives_the_questions_back(questions):
    for q in questions:
        q.category = "c"
    sheet = xlsx.read_questions(xlsx.write_questions(questions))
    assert [tuple(p) for p in sheet.problems] == []
    assert [r.question for r in sheet.questions] == questions
    # and they are the questions GIFT gives
    assert parse_gift(write_gift(questions))[0] == questions


@pytest.mark.parametrize(
    "course", sorted(ROOT.glob("courses/*/package")), ids=lambda p: p.parent.name
)
def test_the_shipped_banks_go_through_a_sheet_unchanged(course):
    questions = []
    for path in sorted(course.glob("questions/*.gift")):
        questions += parse_gift(path.read_text(encoding="utf-8"))[0]
    assert len(questions) > 20
    assert xlsx.sheet_problems(questions) == []
    sheet = xlsx.read_questions(xlsx.write_questions(questions))
    assert sheet.problems == []
    assert [r.question for r in sheet.questions] == questions


def test_written_numbers_are_numbers_when_exact():
    q = gift("::n:: Q {#=12.5 =%50%0.30000000000000004 =%10%1..2}")
    ws = load_workbook(io.BytesIO(xlsx.write_questions([q]))).worksheets[0]
    assert [ws["G2"].value, ws["I2"].value, ws["K2"].value] == [12.5, "0.30000000000000004", "1..2"]
    assert ws["E2"].value == "2=50%; 3=10%"
    assert isinstance(ws["G2"].value, float) and not isinstance(ws["G2"].value, datetime)
