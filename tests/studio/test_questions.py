"""The quiz editor, the question bank, question import (GIFT, .xlsx) and export, through
HTTP: previews list every problem by line or row and save nothing; "save all" saves all or
nothing; a published question edited becomes a new version."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from elearn.content.models import QuestionVersion, RevisionQuestion
from elearn.content.revisions import (
    draft_revision,
    published_revision,
    question_hashes,
    revision_questions,
)
from elearn.quiz.importing import export_xlsx, preview_xlsx, xlsx_template
from elearn.studio import quizzes
from tests.studio.conftest import IMPORTED, course_row, imported_course

BASE = f"/studio/courses/{IMPORTED}"

TWO_ERRORS = """$CATEGORY: moi

::q-mot:: Câu một? {=Đúng ~Sai}

::q-hai:: Câu hai thiếu đáp án đúng {~Sai ~Cũng sai}

::q-ba:: Câu ba {=Đúng ~Sai

::q-bon:: Câu bốn? {T}
"""
FIXED = """$CATEGORY: moi

::q-mot:: Câu một? {=Đúng ~Sai}

::q-hai:: Câu hai? {=Đúng ~Sai ~Cũng sai}

::q-ba:: Câu ba {=Đúng ~Sai}

::q-bon:: Câu bốn? {T}
"""


@pytest.fixture
def course(app, owner):
    return imported_course(app, owner)


def _draft_bank(app) -> dict[str, str]:
    with app.app_context():
        draft = draft_revision(course_row(IMPORTED).id)
        return question_hashes(draft) if draft is not None else {}


def _published_bank(app) -> dict[str, str]:
    with app.app_context():
        return question_hashes(published_revision(course_row(IMPORTED).id))


def _problems(page: str) -> list[str]:
    return re.findall(r"<li><strong>((?:Dòng|Hàng)[^<]*)</strong>", page)


def _question_id(app, name: str) -> int:
    with app.app_context():
        from elearn.content.models import Question

        return app.extensions["sqlalchemy"].session.scalar(
            select(Question.id).where(Question.name == name)
        )


# --------------------------------------------------------------------------- import


def test_a_paste_with_two_errors_lists_both_and_saves_nothing(app, owner, auth_client, course):
    client = auth_client(owner)
    before = _published_bank(app)
    page = client.get(f"{BASE}/questions/import")
    assert page.status_code == 200 and "mau-cau-hoi" not in page.text
    response = client.post(f"{BASE}/questions/import", data={"text": TWO_ERRORS, "action": "save"})
    assert response.status_code == 400
    problems = _problems(response.text)
    assert len(problems) == 2, problems
    assert problems[0].startswith("Dòng 5") and problems[1].startswith("Dòng 7")
    # the pasted text is kept in the form, nothing is saved (not even a draft)
    assert "Câu hai thiếu đáp án đúng" in response.text
    assert "Lưu tất cả" not in response.text
    assert draft_revision_missing(app)
    assert _published_bank(app) == before

    preview = client.post(f"{BASE}/questions/import", data={"text": FIXED, "action": "preview"})
    assert preview.status_code == 200
    assert "Lưu tất cả" in preview.text and preview.text.count("mới") >= 4
    assert draft_revision_missing(app)
    saved = client.post(f"{BASE}/questions/import", data={"text": FIXED, "action": "save"})
    assert saved.status_code == 303
    bank = _draft_bank(app)
    assert {"q-mot", "q-hai", "q-ba", "q-bon"} <= set(bank)
    assert _published_bank(app) == before


def draft_revision_missing(app) -> bool:
    with app.app_context():
        return draft_revision(course_row(IMPORTED).id) is None


def _xlsx_with_bad_row() -> bytes:
    book = load_workbook(io.BytesIO(xlsx_template()))
    sheet = book.worksheets[0]
    # the template's example rows: break the second one's type
    header_row = next(
        row[0].row
        for row in sheet.iter_rows()
        if any(c.value and "type" in str(c.value).lower() for c in row)
    )
    type_col = next(
        c.column for c in sheet[header_row] if c.value and "type" in str(c.value).lower()
    )
    sheet.cell(row=header_row + 2, column=type_col, value="khong-co-loai-nay")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_with_a_bad_row_shows_the_row(app, owner, auth_client, course):
    client = auth_client(owner)
    data = _xlsx_with_bad_row()
    with app.test_request_context():
        expected = preview_xlsx(data).problems
    assert expected and expected[0].row is not None
    response = client.post(
        f"{BASE}/questions/import",
        data={"file": (io.BytesIO(data), "cau-hoi.xlsx"), "action": "save"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert f"Hàng {expected[0].row}" in response.text
    assert draft_revision_missing(app)


def test_a_good_xlsx_previews_then_saves_all(app, owner, auth_client, course):
    client = auth_client(owner)
    with app.app_context():
        questions = revision_questions(published_revision(course_row(IMPORTED).id))
        for q in questions:
            q.name = q.name + "-x"
        data = export_xlsx(questions)
    response = client.post(
        f"{BASE}/questions/import",
        data={"file": (io.BytesIO(data), "cau-hoi.xlsx"), "action": "preview"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.text
    assert "Hàng 2" in response.text and "Lưu tất cả" in response.text
    text = re.search(r'<textarea name="text" hidden[^>]*>(.*?)</textarea>', response.text, re.S)
    import html

    saved = client.post(
        f"{BASE}/questions/import",
        data={"text": html.unescape(text.group(1)), "action": "save"},
    )
    assert saved.status_code == 303
    assert {q.name for q in questions} <= set(_draft_bank(app))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": ""}, "Chưa có gì để nhập"),
        ({"text": "   \n"}, "Chưa có gì để nhập"),
        ({"file": (io.BytesIO(b""), "a.gift")}, "Tệp trống"),
        ({"file": (io.BytesIO(b"\xff\xfe\x00garbage\x00"), "a.xlsx")}, "không phải"),
        ({"file": (io.BytesIO(b"PK\x03\x04not a zip"), "a.xlsx")}, ""),
        ({"file": (io.BytesIO(b"::a:: b {=c ~d}"), "a.gift"), "category": "x" * 121}, ""),
        ({"text": "::a:: text {=x ~y}", "category": "$course$/a"}, ""),
    ],
)
def test_bad_imports_are_clear_4xx(app, owner, auth_client, course, data, message):
    response = auth_client(owner).post(
        f"{BASE}/questions/import",
        data=data | {"action": "save"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert draft_revision_missing(app)


def _multipart(data: bytes, filename: str = "a.xlsx") -> tuple[bytes, str]:
    body = (
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename.encode()
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n--x--\r\n"
    )
    return body, "multipart/form-data; boundary=x"


def test_a_huge_upload_is_refused_with_413(app, owner, auth_client, course):
    client = auth_client(owner)
    body, kind = _multipart(b"0" * (11 * 2**20))
    response = client.post(f"{BASE}/questions/import", data=body, content_type=kind)
    assert response.status_code == 413
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 2**20  # other routes keep 2 MB
    # a 3 MB .xlsx reaches the importer (and is refused by it, as no workbook)
    body, kind = _multipart(b"PK\x03\x04" + b"0" * 3 * 2**20)
    response = client.post(f"{BASE}/questions/import", data=body, content_type=kind)
    assert response.status_code == 400
    assert draft_revision_missing(app)


# --------------------------------------------------------------------------- export


def test_exports_have_good_filenames_and_read_back(app, owner, auth_client, course):
    client = auth_client(owner)
    response = client.get(f"{BASE}/questions/export?category=cuoi&format=gift")
    assert response.status_code == 200
    assert 'filename="khoa-nhap-cuoi.gift"' in response.headers["Content-Disposition"]
    assert "$CATEGORY: cuoi" in response.text and "nhanh" not in response.text
    response = client.get(f"{BASE}/quizzes/kiem-tra-nhanh/export?format=xlsx")
    assert response.status_code == 200
    assert 'filename="khoa-nhap-kiem-tra-nhanh.xlsx"' in response.headers["Content-Disposition"]
    with app.test_request_context():
        preview = preview_xlsx(response.data)
    assert not preview.problems and {i.name for i in preview.items} == {"chon-mot", "dung-sai"}
    assert client.get(f"{BASE}/questions/export?format=pdf").status_code == 400
    assert client.get(f"{BASE}/questions/export?category=khong-co").status_code == 404
    assert client.get(f"{BASE}/quizzes/khong-co/export").status_code == 404
    template = client.get(f"{BASE}/questions/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"


# --------------------------------------------------------------------------- the bank


def test_the_bank_lists_by_category_with_search_and_use(app, owner, auth_client, course):
    client = auth_client(owner)
    page = client.get(f"{BASE}/questions")
    assert page.status_code == 200
    assert "chon-mot" in page.text and "tra-loi-ngan" in page.text
    assert "Kiểm tra nhanh" in page.text or "kiem-tra-nhanh" in page.text.lower()
    # diacritic-insensitive: "tieu chi" finds "tiêu chí"
    page = client.get(f"{BASE}/questions?q=TIEU+CHI")
    assert "chon-mot" in page.text and "dung-sai" not in page.text
    page = client.get(f"{BASE}/questions?category=cuoi")
    assert "chon-mot" not in page.text and "nhieu-dap-an" in page.text


def test_a_published_question_is_edited_as_a_new_version(app, owner, auth_client, course):
    client = auth_client(owner)
    question_id = _question_id(app, "chon-mot")
    page = client.get(f"{BASE}/questions/{question_id}")
    assert page.status_code == 200 and "::chon-mot::" in page.text
    before = _published_bank(app)
    text = (
        "::chon-mot:: Bộ tiêu chí OCOP tối đa mấy điểm? {=100#Đúng. ~50#Chưa đúng. ####Xem bài 1}"
    )
    response = client.post(
        f"{BASE}/questions/{question_id}", data={"text": text, "category": "nhanh"}
    )
    assert response.status_code == 303
    assert _published_bank(app) == before
    assert _draft_bank(app)["chon-mot"] != before["chon-mot"]
    with app.app_context():
        from elearn.extensions import db

        assert (
            db.session.scalar(
                select(func.count())
                .select_from(QuestionVersion)
                .where(QuestionVersion.question_id == question_id)
            )
            == 2
        )
    # renaming through the editor, or two questions, is refused with the line
    renamed = client.post(
        f"{BASE}/questions/{question_id}",
        data={"text": text.replace("chon-mot", "khac"), "category": "nhanh"},
    )
    assert renamed.status_code == 400 and "Dòng 1" in renamed.text
    bad = client.post(
        f"{BASE}/questions/{question_id}", data={"text": "::chon-mot:: x {", "category": "nhanh"}
    )
    assert bad.status_code == 400 and "::chon-mot:: x {" in bad.text


def test_new_questions_of_every_type_start_from_valid_gift(app, owner, auth_client, course):
    client = auth_client(owner)
    from elearn.quiz.types import QTYPES

    for n, qtype in enumerate(QTYPES):
        page = client.get(f"{BASE}/questions/new?type={qtype}")
        assert page.status_code == 200
        text = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', page.text, re.S)
        import html

        gift = html.unescape(text.group(1)).replace("::câu-hỏi-mới::", f"::moi-{n}::")
        gift = re.sub(r"^::[^:]+::", f"::moi-{n}::", gift.strip())
        response = client.post(
            f"{BASE}/questions/new?type={qtype}", data={"text": gift, "category": "moi"}
        )
        assert response.status_code == 303, (qtype, response.text)
    assert client.get(f"{BASE}/questions/new?type=essay").status_code == 404
    # a name already in the bank is refused
    response = client.post(
        f"{BASE}/questions/new", data={"text": "::chon-mot:: x {=a ~b}", "category": "moi"}
    )
    assert response.status_code == 400
    assert (
        client.post(f"{BASE}/questions/new", data={"text": "", "category": ""}).status_code == 400
    )


def test_deleting_a_question_is_confirmed_and_refused_while_a_quiz_uses_it(
    app, owner, auth_client, course
):
    client = auth_client(owner)
    used = _question_id(app, "tong-diem")
    assert client.get(f"{BASE}/questions/{used}/delete").status_code == 200
    response = client.post(f"{BASE}/questions/{used}/delete", follow_redirects=True)
    assert "tong-diem" in _draft_bank(app) or draft_revision_missing(app)
    assert "Kiểm tra cuối khóa” đang dùng câu hỏi này" in response.text
    client.post(
        f"{BASE}/questions/import",
        data={"text": "$CATEGORY: le\n::le-1:: a {=b ~c}\n", "action": "save"},
    )
    lone = _question_id(app, "le-1")
    assert client.post(f"{BASE}/questions/{lone}/delete").status_code == 303
    assert "le-1" not in _draft_bank(app)
    assert client.post(f"{BASE}/questions/999999/delete").status_code == 404


# --------------------------------------------------------------------------- quiz editor


def test_the_quiz_editor_saves_settings_and_items(app, owner, auth_client, course):
    client = auth_client(owner)
    page = client.get(f"{BASE}/quizzes/cuoi-khoa")
    assert page.status_code == 200 and "tong-diem" in page.text
    settings = {
        "title": "Kiểm tra cuối khóa",
        "pass_mark": "80",
        "max_attempts": "3",
        "time_limit_minutes": "20",
        "grading": "last",
        "review": "score",
        "shuffle_questions": "y",
        "required": "y",
    }
    assert client.post(f"{BASE}/quizzes/cuoi-khoa/settings", data=settings).status_code == 303
    bad = client.post(f"{BASE}/quizzes/cuoi-khoa/settings", data=settings | {"pass_mark": "120"})
    assert bad.status_code == 400 and "từ 0 đến 100" in bad.text
    bad = client.post(f"{BASE}/quizzes/cuoi-khoa/settings", data=settings | {"review": "all"})
    assert bad.status_code == 400
    with app.app_context():
        quiz = quizzes.quiz_of(draft_revision(course_row(IMPORTED).id), "cuoi-khoa")
        assert (quiz.pass_mark, quiz.max_attempts, quiz.grading, quiz.review) == (
            80,
            3,
            "last",
            "score",
        )
        assert quiz.shuffle_questions and not quiz.shuffle_options and quiz.required
    # draw more than the category holds: refused, translated
    response = client.post(
        f"{BASE}/quizzes/kiem-tra-nhanh/items/draw", data={"category": "cuoi", "draw": "99"}
    )
    assert response.status_code == 400 and "Rút từ 1 đến" in response.text
    response = client.post(
        f"{BASE}/quizzes/kiem-tra-nhanh/items/draw", data={"category": "khong-co"}
    )
    assert response.status_code == 400
    response = client.post(
        f"{BASE}/quizzes/kiem-tra-nhanh/items/draw", data={"category": "cuoi", "draw": "2"}
    )
    assert response.status_code == 303
    response = client.post(
        f"{BASE}/quizzes/kiem-tra-nhanh/items/question", data={"question": "tong-diem"}
    )
    assert response.status_code == 303
    response = client.post(
        f"{BASE}/quizzes/kiem-tra-nhanh/items/question", data={"question": "tong-diem"}
    )
    assert response.status_code == 400
    response = client.post(
        f"{BASE}/quizzes/kiem-tra-nhanh/items/question", data={"question": "khong-co"}
    )
    assert response.status_code == 400
    assert (
        client.post(
            f"{BASE}/quizzes/kiem-tra-nhanh/items/3/move", data={"direction": "up"}
        ).status_code
        == 303
    )
    assert client.post(f"{BASE}/quizzes/kiem-tra-nhanh/items/1/remove").status_code == 303
    assert client.post(f"{BASE}/quizzes/kiem-tra-nhanh/items/9/remove").status_code == 404
    with app.app_context():
        quiz = quizzes.quiz_of(draft_revision(course_row(IMPORTED).id), "kiem-tra-nhanh")
        assert quiz.items == [{"question": "tong-diem"}, {"category": "cuoi", "draw": 2}]
    # the draft still publishes
    assert client.post(f"{BASE}/publish").status_code in (302, 303)
    with app.app_context():
        revision = published_revision(course_row(IMPORTED).id)
        assert db_count(revision.id) > 0


def db_count(revision_id: int) -> int:
    from elearn.extensions import db

    return db.session.scalar(
        select(func.count())
        .select_from(RevisionQuestion)
        .where(RevisionQuestion.revision_id == revision_id)
    )


@pytest.mark.parametrize("who", ["learner", "stranger"])
def test_learners_and_other_trainers_are_refused(
    app, owner, stranger, make_user, auth_client, course, who
):
    user = stranger if who == "stranger" else make_user("learner", email="hv@example.vn")
    client = auth_client(user)
    question_id = _question_id(app, "chon-mot")
    for url in [
        f"{BASE}/questions",
        f"{BASE}/questions/import",
        f"{BASE}/questions/{question_id}",
        f"{BASE}/questions/export",
        f"{BASE}/quizzes/cuoi-khoa",
    ]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"{BASE}/questions/import", data={"text": FIXED, "action": "save"}).status_code
        == 403
    )
    assert draft_revision_missing(app)
