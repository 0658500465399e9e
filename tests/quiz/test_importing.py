"""Import previews (GIFT and .xlsx) and exports: what would be saved, every problem with
its place, statuses against the target's questions, and round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from elearn.content.revisions import question_content_hash
from elearn.core.errors import ValidationFailed
from elearn.quiz import importing, xlsx
from elearn.quiz.gift import parse_gift
from elearn.quiz.importing import (
    ImportProblem,
    export_gift,
    export_xlsx,
    preview_gift,
    preview_xlsx,
    xlsx_template,
)
from tests.quiz.test_xlsx import NOT_XLSX, book, row

ROOT = Path(__file__).resolve().parents[2]

GOOD_AND_BAD = """\
$CATEGORY: phan-1

::gia-ban:: Giá bán gồm những gì? {=giá vốn và lãi ~chỉ giá vốn}

::thieu-dap-an:: Câu này không có đáp án đúng {~a ~b}

::dung-sai:: OCOP có 6 nhóm sản phẩm. {T}

::gia-ban:: Trùng tên {T}

::so:: Lãi 25% trên 80 là bao nhiêu? {#20}
"""


def places(preview) -> list[tuple]:
    return [(p.line, p.row, p.column, p.message) for p in preview.problems]


# --------------------------------------------------------------------------- GIFT


def test_gift_with_two_errors_lists_both_with_their_lines_and_the_valid_questions():
    preview = preview_gift(GOOD_AND_BAD)
    assert places(preview) == [
        (
            5,
            None,
            None,
            "The question has no right answer: mark it with “=” or give scores with ~%n%.",
        ),
        (9, None, None, "The name “gia-ban” is already used by the question on line 3."),
    ]
    assert [(i.name, i.qtype, i.category, i.line) for i in preview.items] == [
        ("gia-ban", "single", "phan-1", 3),
        ("dung-sai", "truefalse", "phan-1", 7),
        ("so", "numeric", "phan-1", 11),
    ]
    assert preview.items[0].summary == "Giá bán gồm những gì?"
    assert preview.counts == {"numeric": 1, "single": 1, "truefalse": 1}
    assert not preview.ok


def test_fixing_the_errors_makes_the_preview_ok():
    fixed = GOOD_AND_BAD.replace("{~a ~b}", "{=a ~b}").replace("::gia-ban:: Trùng", "::khac:: T")
    preview = preview_gift(fixed)
    assert preview.problems == []
    assert preview.ok
    assert [q.name for q in preview.questions] == [
        "gia-ban",
        "thieu-dap-an",
        "dung-sai",
        "khac",
        "so",
    ]
    assert preview.by_status == {"new": 5, "changed": 0, "unchanged": 0}


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "",
            "Nothing to import: paste questions in GIFT, e.g. ::name:: Question text "
            "{=right ~wrong}",
        ),
        (
            "  \n\n\t",
            "Nothing to import: paste questions in GIFT, e.g. ::name:: Question text "
            "{=right ~wrong}",
        ),
        (
            "// a comment\n$CATEGORY: c\n",
            "No question found: each question is ::name:: text {answers}.",
        ),
        (b"::a:: bytes {T}", "The input is not text."),
    ],
    ids=["empty", "blank", "comments-only", "bytes"],
)
def test_nothing_to_import(text, message):
    preview = preview_gift(text)
    assert places(preview) == [(1, None, None, message)]
    assert not preview.ok


def test_a_paste_too_long(monkeypatch):
    monkeypatch.setattr(importing, "MAX_GIFT_CHARS", 100)
    assert places(preview_gift("$CATEGORY: c\n\n::a:: A {T}\n" * 10)) == [
        (1, None, None, "The text is longer than 100 characters: import it in parts.")
    ]


def test_questions_need_a_category_or_the_chosen_one():
    text = "::a:: A {T}\n\n$CATEGORY: c\n\n::b:: B {F}\n"
    assert places(preview_gift(text)) == [
        (
            1,
            None,
            None,
            "The question has no category: add “$CATEGORY: name” above it "
            "(GIFT), fill in the category column (spreadsheet), or choose a category.",
        )
    ]
    preview = preview_gift(text, default_category=" phan-2 ")
    assert preview.ok
    assert [q.category for q in preview.questions] == ["phan-2", "c"]
    assert places(preview_gift(text, default_category="$course$/x")) == [
        (
            None,
            None,
            None,
            "The chosen category: The category must not start with “$course$/” or “$system$/”.",
        ),
        (
            1,
            None,
            None,
            "The question has no category: add “$CATEGORY: name” above it "
            "(GIFT), fill in the category column (spreadsheet), or choose a category.",
        ),
    ]


def test_names_and_categories_fit_the_database():
    long_name, long_category = "n" * 121, "c" * 121
    text = f"$CATEGORY: {long_category}\n\n::{long_name}:: A {{T}}\n\n::a\nb:: B {{T}}\n"
    assert places(preview_gift(text)) == [
        (3, None, None, "The name is longer than 120 characters."),
        (3, None, None, "The category is longer than 120 characters."),
        (5, None, None, "The name must be on one line."),
        (5, None, None, "The category is longer than 120 characters."),
    ]


def test_names_the_target_has_are_new_changed_or_unchanged():
    [same, edited, _new] = parse_gift("$CATEGORY: c\n\n::a:: A {T}\n\n::b:: B {T}\n\n::c:: C {T}")[
        0
    ]
    existing = {"a": question_content_hash(same), "b": question_content_hash(edited)}
    text = "$CATEGORY: c\n\n::a:: A {T}\n\n::b:: B, edited {T}\n\n::c:: C {T}\n"
    preview = preview_gift(text, existing=existing)
    assert [(i.name, i.status) for i in preview.items] == [
        ("a", "unchanged"),
        ("b", "changed"),
        ("c", "new"),
    ]
    assert preview.ok  # a new version is not a problem
    assert preview.by_status == {"new": 1, "changed": 1, "unchanged": 1}


def test_problem_places_and_json():
    line = ImportProblem("m", line=4)
    cell = ImportProblem("m", row=7, column="H")
    assert (line.where, cell.where, ImportProblem("m", row=2).where, ImportProblem("m").where) == (
        "Line 4",
        "Row 7, column H",
        "Row 2",
        "",
    )
    assert line.as_dict() == {"line": 4, "message": "m"}
    assert cell.as_dict() == {"row": 7, "column": "H", "message": "m"}
    assert str(cell) == "Row 7, column H: m" and str(ImportProblem("m")) == "m"


# --------------------------------------------------------------------------- xlsx


def test_the_template_previews_as_six_new_questions():
    preview = preview_xlsx(xlsx_template())
    assert preview.ok
    assert sorted(preview.counts) == [
        "matching",
        "multi",
        "numeric",
        "short",
        "single",
        "truefalse",
    ]
    assert [i.row for i in preview.items] == [2, 3, 4, 5, 6, 7]


def test_xlsx_problems_have_rows_and_columns_and_good_rows_are_listed():
    data = book(
        row(name="tot", type="truefalse", answer="Đúng"),
        row(name="x" * 121, type="truefalse", answer="Đúng"),
        row(name="khong-loai"),
        row(name="khong-danh-muc", category="", type="truefalse", answer="Sai"),
    )
    preview = preview_xlsx(data)
    assert places(preview) == [
        (None, 4, "A", "The type is missing (single, multi, truefalse, …)."),
        (None, 3, "C", "The name is longer than 120 characters."),
        (
            None,
            5,
            "B",
            "The question has no category: add “$CATEGORY: name” above it (GIFT), "
            "fill in the category column (spreadsheet), or choose a category.",
        ),
    ]
    assert [(i.name, i.row) for i in preview.items] == [("tot", 2)]
    assert preview_xlsx(data, default_category="chung").problems[-1].row == 3


def test_a_file_problem_has_no_row():
    assert [p.as_dict() for p in preview_xlsx(b"not a workbook").problems] == [
        {"message": NOT_XLSX}
    ]


# --------------------------------------------------------------------------- export


def _shipped() -> list[list]:
    return [
        [
            q
            for path in sorted(course.glob("questions/*.gift"))
            for q in parse_gift(path.read_text(encoding="utf-8"))[0]
        ]
        for course in sorted(ROOT.glob("courses/*/package"))
    ]


@pytest.mark.parametrize("questions", _shipped(), ids=lambda qs: qs[0].name)
def test_exports_preview_back_as_the_same_questions(questions):
    assert preview_gift(export_gift(questions)).questions == questions
    assert preview_xlsx(export_xlsx(questions)).questions == questions


def test_an_export_that_would_not_read_back_is_refused_with_the_reasons():
    [a, b] = parse_gift("$CATEGORY: c\n\n::a:: A {T}\n\n::b:: B {=1 ~2 ~3 ~4 ~5 ~6 ~7 ~8 ~9}")[0]
    twin = parse_gift("::a:: A again {F}")[0][0]
    with pytest.raises(ValidationFailed) as refused:
        export_gift([a, twin])
    assert refused.value.message == "1 question(s) cannot be written to GIFT: a."
    assert refused.value.fields == {
        "a": [
            "This name is used by another question.",
            "This question has no category but comes after questions that have one.",
        ]
    }
    assert export_gift([a, b]).startswith("$CATEGORY: c\n")
    with pytest.raises(ValidationFailed) as refused:
        export_xlsx([a, b])
    assert refused.value.fields == {"b": ["It has 9 options; a spreadsheet row holds 8."]}
    assert xlsx.read_questions(export_xlsx([a])).problems == []
