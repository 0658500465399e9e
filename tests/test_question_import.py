"""Imported questions saved into a draft: new keys, new versions for changed content,
nothing for identical content, published revisions untouched; export of a category or a
quiz; the `flask questions …` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.content.models import (
    Course,
    CourseRevision,
    Question,
    QuestionVersion,
    RevisionQuestion,
)
from elearn.content.package import files_from_folder, read_files, write_files
from elearn.content.revisions import (
    QuestionsSaved,
    add_questions_to_revision,
    create_revision,
    import_package,
    package_of,
    question_hashes,
    quiz_questions,
    revision_questions,
)
from elearn.core.errors import Conflict, NotFound
from elearn.extensions import db
from elearn.quiz.importing import preview_gift, preview_xlsx
from tests.conftest import committed

PACKAGE = Path(__file__).parent / "fixtures" / "quiz_courses" / "kt" / "package"
SLUG = "khoa-kiem-tra"

PASTE = """\
$CATEGORY: nhanh

::dung-sai:: Giấy chứng nhận OCOP có hiệu lực 36 tháng. {T}

::chon-mot:: Bộ tiêu chí OCOP có tối đa bao nhiêu điểm? {=100 điểm ~50 điểm ~200 điểm}

::moi:: Một câu hỏi mới trong danh mục cũ. {F}

$CATEGORY: Phần mới

::khac:: Một câu hỏi trong danh mục mới. {T}
"""


def _published_and_draft() -> tuple[int, int]:
    """The test course published (revision 1), then a draft (revision 2) sharing its versions."""
    package = read_files(files_from_folder(PACKAGE))
    published = import_package(package, publish_now=True)
    course = db.session.get(Course, published.course_id)
    draft = create_revision(course, read_files(files_from_folder(PACKAGE)))
    return published.id, draft.id


@pytest.fixture
def revisions(app):
    with app.app_context():
        return committed(_published_and_draft)


def versions_of(name: str) -> list[int]:
    return list(
        db.session.scalars(
            select(QuestionVersion.number)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(Question.name == name)
            .order_by(QuestionVersion.number)
        )
    )


def version_in(revision_id: int, name: str) -> int:
    return db.session.scalar(
        select(QuestionVersion.number)
        .join(RevisionQuestion, RevisionQuestion.version_id == QuestionVersion.id)
        .join(Question, Question.id == RevisionQuestion.question_id)
        .where(RevisionQuestion.revision_id == revision_id, Question.name == name)
    )


def test_a_preview_against_the_draft_then_saving_it(app, revisions):
    published_id, draft_id = revisions
    with app.app_context():
        draft = db.session.get(CourseRevision, draft_id)
        preview = preview_gift(PASTE, existing=question_hashes(draft))
        assert [(i.name, i.status) for i in preview.items] == [
            ("dung-sai", "unchanged"),
            ("chon-mot", "changed"),
            ("moi", "new"),
            ("khac", "new"),
        ]
        saved = committed(
            add_questions_to_revision, db.session.get(CourseRevision, draft_id), preview.questions
        )
        assert saved == QuestionsSaved(
            added=["moi", "khac"], changed=["chon-mot"], unchanged=["dung-sai"]
        )

        # the edited question has a new version in the draft; the published one keeps v1
        assert versions_of("chon-mot") == [1, 2]
        assert (version_in(draft_id, "chon-mot"), version_in(published_id, "chon-mot")) == (2, 1)
        assert versions_of("dung-sai") == [1]
        assert version_in(published_id, "moi") is None
        rows = dict(
            db.session.execute(
                select(Question.name, RevisionQuestion.bank)
                .join(RevisionQuestion, RevisionQuestion.question_id == Question.id)
                .where(RevisionQuestion.revision_id == draft_id)
            ).all()
        )
        assert (rows["moi"], rows["khac"], rows["chon-mot"]) == ("bank", "phan-moi", "bank")
        assert [q.name for q in revision_questions(db.session.get(CourseRevision, draft_id))][
            -2:
        ] == [
            "moi",
            "khac",
        ]

        # the draft is still a valid package, and the same import again changes nothing
        draft = db.session.get(CourseRevision, draft_id)
        package = read_files(write_files(package_of(draft)))
        assert "khac" in {q.name for _bank, q in package.questions}
        again = preview_gift(PASTE, existing=question_hashes(draft))
        assert {i.status for i in again.items} == {"unchanged"}
        count = db.session.scalar(select(func.count()).select_from(QuestionVersion))
        assert committed(add_questions_to_revision, draft, again.questions).added == []
        assert db.session.scalar(select(func.count()).select_from(QuestionVersion)) == count


def test_going_back_to_earlier_content_reuses_its_version(app, revisions):
    _published_id, draft_id = revisions
    with app.app_context():
        draft = db.session.get(CourseRevision, draft_id)
        original = next(q for q in revision_questions(draft) if q.name == "dung-sai")
        edited = preview_gift("$CATEGORY: nhanh\n\n::dung-sai:: Sửa lại. {F}").questions
        committed(add_questions_to_revision, draft, edited)
        assert version_in(draft_id, "dung-sai") == 2
        draft = db.session.get(CourseRevision, draft_id)
        assert committed(add_questions_to_revision, draft, [original]).changed == ["dung-sai"]
        assert version_in(draft_id, "dung-sai") == 1
        assert versions_of("dung-sai") == [1, 2]


def test_only_a_draft_takes_questions_and_names_must_not_repeat(app, revisions):
    published_id, draft_id = revisions
    questions = preview_gift(PASTE).questions
    with app.app_context():
        with pytest.raises(Conflict):
            add_questions_to_revision(db.session.get(CourseRevision, published_id), questions)
        with pytest.raises(ValueError):
            add_questions_to_revision(
                db.session.get(CourseRevision, draft_id), questions + questions[:1]
            )


def test_questions_of_a_category_or_a_quiz(app, revisions):
    _published_id, draft_id = revisions
    with app.app_context():
        draft = db.session.get(CourseRevision, draft_id)
        assert [q.name for q in revision_questions(draft, "nhanh")] == ["chon-mot", "dung-sai"]
        # the final quiz: its fixed question, then every question of "cuoi"
        assert [q.name for q in quiz_questions(draft, "cuoi-khoa")] == [
            "tong-diem",
            "nhieu-dap-an",
            "tra-loi-ngan",
            "khong-dau",
            "so-dung",
            "khoang",
            "ghep-doi",
        ]
        with pytest.raises(NotFound):
            quiz_questions(draft, "khong-co")


# --------------------------------------------------------------------------- the commands


def test_import_preview_command(app, runner, revisions, tmp_path):
    paste = tmp_path / "paste.gift"
    paste.write_text(PASTE, encoding="utf-8")
    result = runner.invoke(
        args=["questions", "import-preview", str(paste), "--course", SLUG, "--draft"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "line 5: chon-mot [single, nhanh] sẽ tạo phiên bản mới: Bộ tiêu chí OCOP" in result.output
    )
    assert "line 3: dung-sai [truefalse, nhanh] không đổi: Giấy chứng nhận" in result.output
    assert "4 question(s) (1 single, 3 truefalse); 0 problem(s)." in result.output

    bad = tmp_path / "bad.gift"
    bad.write_text("$CATEGORY: c\n\n::a:: A {~x ~y}\n", encoding="utf-8")
    result = runner.invoke(args=["questions", "import-preview", str(bad)])
    assert result.exit_code == 1
    assert "0 question(s) (none); 1 problem(s)." in result.output


def test_export_and_template_commands(app, runner, revisions, tmp_path):
    target = tmp_path / "cuoi.xlsx"
    result = runner.invoke(
        args=["questions", "export", SLUG, "--to", str(target), "--quiz", "cuoi-khoa"]
    )
    assert result.exit_code == 0, result.output
    assert f"Exported 7 question(s) of {SLUG} to {target}." in result.output
    assert len(preview_xlsx(target.read_bytes()).questions) == 7

    gift = tmp_path / "nhanh.gift"
    result = runner.invoke(
        args=["questions", "export", SLUG, "--to", str(gift), "--category", "nhanh", "--draft"]
    )
    assert result.exit_code == 0, result.output
    assert [q.name for q in preview_gift(gift.read_text()).questions] == ["chon-mot", "dung-sai"]

    refused = runner.invoke(args=["questions", "export", SLUG, "--to", str(tmp_path / "x.csv")])
    assert refused.exit_code == 1 and "must name a .gift or .xlsx file" in refused.output
    missing = runner.invoke(args=["questions", "export", "khong-co", "--to", str(gift)])
    assert missing.exit_code == 1

    template = tmp_path / "mau.xlsx"
    result = runner.invoke(args=["questions", "template", "--to", str(template)])
    assert result.exit_code == 0
    assert preview_xlsx(template.read_bytes()).ok
