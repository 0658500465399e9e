"""The question bank of a course in the studio: list and search, edit one question as
GIFT, delete from the draft, import (GIFT or .xlsx) and export.

A question is edited as its GIFT text and saved through :func:`preview_gift`, the
importer's parser and checks: the form, the paste and the .xlsx import (whose questions
are checked by the registry too) share one code path, every type of the registry is
edited the same way, and a question a form saved always exports and imports back.
Saving goes through ``add_questions_to_revision``: a changed question gets a new
QuestionVersion (a published revision keeps pointing at the old one), never an edit in
place. Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, select

from elearn.content.models import (
    CourseRevision,
    Question,
    QuestionVersion,
    Quiz,
    RevisionQuestion,
    RevisionQuiz,
)
from elearn.content.revisions import (
    QuestionsSaved,
    add_questions_to_revision,
    question_hashes,
    quiz_questions,
    revision_questions,
)
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.core.text import fold
from elearn.extensions import db
from elearn.quiz.gift import short
from elearn.quiz.gift_writer import write_question
from elearn.quiz.importing import ImportPreview, ImportProblem, preview_gift
from elearn.quiz.question import Question as ParsedQuestion
from elearn.quiz.question import question_from_data
from elearn.quiz.richtext import html_of, plain_text
from elearn.quiz.types import QTYPES

#: A new question's starting text, per type: the GIFT the form shows, with per-option
#: feedback (``#``) and general feedback (``####``) in place.
SKELETONS = {
    "single": "::{name}:: Question text? {{\n=Right answer#Why it is right\n"
    "~Wrong answer#Why it is wrong\n~Another wrong answer#Feedback\n"
    "####General feedback\n}}",
    "multi": "::{name}:: Question text (choose every right answer) {{\n"
    "~%50%First right answer#Feedback\n~%50%Second right answer#Feedback\n"
    "~%-100%Wrong answer#Feedback\n####General feedback\n}}",
    "truefalse": "::{name}:: A statement that is true. {{TRUE#Feedback when the answer is "
    "wrong#Feedback when it is right####General feedback}}",
    "short": "::{name}:: Question text? {{\n=right answer#Feedback\n=other right answer\n"
    "####General feedback\n}}",
    "numeric": "::{name}:: How much is 2 + 2? {{#\n=4:0#Feedback\n####General feedback\n}}",
    "matching": "::{name}:: Match each item with its pair. {{\n=First -> one\n"
    "=Second -> two\n=Third -> three\n####General feedback\n}}",
}


@dataclass
class BankEntry:
    """A question of the bank as the list shows it."""

    question_id: int
    name: str
    qtype: str
    category: str
    summary: str
    version: int
    #: quiz titles that use it (by name, or by drawing from its category)
    used_in: list[str] = field(default_factory=list)
    #: its version is in the published revision (editing makes a new version)
    published: bool = False


def _rows(revision: CourseRevision):
    return db.session.execute(
        select(Question.id, Question.name, QuestionVersion)
        .join(RevisionQuestion, RevisionQuestion.question_id == Question.id)
        .join(QuestionVersion, QuestionVersion.id == RevisionQuestion.version_id)
        .where(RevisionQuestion.revision_id == revision.id)
        .order_by(RevisionQuestion.position, RevisionQuestion.id)
    ).all()


def quiz_items(revision: CourseRevision) -> list[tuple[str, str, list[dict]]]:
    """(key, title, items) of every quiz of ``revision``, in outline order."""
    return [
        (key, title, list(items or []))
        for key, title, items in db.session.execute(
            select(Quiz.key, RevisionQuiz.title, RevisionQuiz.items)
            .join(Quiz, Quiz.id == RevisionQuiz.quiz_id)
            .where(RevisionQuiz.revision_id == revision.id)
            .order_by(RevisionQuiz.position)
        ).all()
    ]


def _published_versions(course_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(RevisionQuestion.version_id)
            .join(CourseRevision, CourseRevision.id == RevisionQuestion.revision_id)
            .where(CourseRevision.course_id == course_id, CourseRevision.state == "published")
        )
    )


def bank(revision: CourseRevision, search: str = "", category: str = "") -> list[BankEntry]:
    """The questions of ``revision`` in bank order; ``search`` keeps those whose name,
    category or text hold every word (diacritics and case ignored, as the catalogue)."""
    words = fold(search or "").split()[:8]
    quizzes = quiz_items(revision)
    published = _published_versions(revision.course_id)
    out: list[BankEntry] = []
    for question_id, name, version in _rows(revision):
        if category and version.category != category:
            continue
        parsed = question_from_data(version.data)
        summary = short(plain_text(html_of(parsed.text, inline=False)), 120)
        if words:
            haystack = fold(
                f"{name} {version.category} {plain_text(html_of(parsed.text, inline=False))}"
            )
            if not all(word in haystack for word in words):
                continue
        used = [
            title
            for _key, title, items in quizzes
            if any(
                item.get("question") == name or item.get("category") == version.category
                for item in items
            )
        ]
        out.append(
            BankEntry(
                question_id,
                name,
                version.qtype,
                version.category,
                summary,
                version.number,
                used,
                version.id in published,
            )
        )
    return out


def categories(revision: CourseRevision) -> dict[str, int]:
    """Category -> how many questions, in bank order."""
    counts: dict[str, int] = {}
    for _id, _name, version in _rows(revision):
        counts[version.category] = counts.get(version.category, 0) + 1
    return counts


def question_in(revision: CourseRevision, question_id: int) -> tuple[ParsedQuestion, int]:
    """The question of ``revision`` with this key, and its version number; else NotFound."""
    row = db.session.execute(
        select(QuestionVersion.data, QuestionVersion.number)
        .join(RevisionQuestion, RevisionQuestion.version_id == QuestionVersion.id)
        .where(
            RevisionQuestion.revision_id == revision.id,
            RevisionQuestion.question_id == question_id,
        )
    ).first()
    if row is None:
        raise NotFound(_("No such question in this course."))
    return question_from_data(row.data), row.number


def question_gift(question: ParsedQuestion) -> str:
    """The question as the editor shows it: its GIFT without the category line."""
    return write_question(question)


def skeleton(qtype: str, name: str = "") -> str:
    """The GIFT a new question of ``qtype`` starts from (NotFound for an unknown type)."""
    if qtype not in QTYPES or qtype not in SKELETONS:
        raise NotFound(_("No such question type."))
    return SKELETONS[qtype].format(name=name or _("new-question"))


def preview_one(
    revision: CourseRevision, text: str, category: str, name: str | None = None
) -> ImportPreview:
    """Check the GIFT of one question as the editor saves it: exactly one question, in
    ``category``; when editing (``name``), under the same name."""
    preview = preview_gift(text, question_hashes(revision), category)
    problems = list(preview.problems)
    if not problems and len(preview.items) != 1:
        problems.append(
            ImportProblem(_("Write exactly one question here: use Import for several."), line=1)
        )
    elif not problems and name is not None and preview.items[0].name != name:
        problems.append(
            ImportProblem(
                _(
                    "The name cannot change here (it is the question's key in quizzes): "
                    "keep ::%(name)s::.",
                    name=name,
                ),
                line=preview.items[0].line,
            )
        )
    elif not problems and name is None and preview.items[0].status != "new":
        problems.append(
            ImportProblem(
                _(
                    "The course already has a question named “%(name)s”.",
                    name=preview.items[0].name,
                ),
                line=preview.items[0].line,
            )
        )
    return ImportPreview(preview.items, problems)


def save_questions(draft: CourseRevision, preview: ImportPreview, user_id: int) -> QuestionsSaved:
    """Save a checked preview into ``draft``, all or nothing (the caller's unit of work);
    ValidationFailed when it has problems or nothing to save."""
    if not preview.ok:
        raise ValidationFailed(_("Nothing was saved: fix the problems listed first."))
    return add_questions_to_revision(draft, preview.questions, created_by_id=user_id)


def delete_question(draft: CourseRevision, question_id: int) -> str:
    """Take a question out of the draft (its versions stay for attempts); Conflict while
    a quiz names it or would draw more questions than its category then holds."""
    parsed, _number = question_in(draft, question_id)
    remaining = categories(draft).get(parsed.category, 0) - 1
    for _key, title, items in quiz_items(draft):
        for item in items:
            if item.get("question") == parsed.name:
                raise Conflict(
                    _(
                        "The quiz “%(quiz)s” uses this question: take it out of the quiz first.",
                        quiz=title,
                    )
                )
            if item.get("category") == parsed.category and remaining < item.get("draw", 1):
                raise Conflict(
                    _(
                        "The quiz “%(quiz)s” draws from the category “%(category)s”, which "
                        "would then have too few questions: change the quiz first.",
                        quiz=title,
                        category=parsed.category,
                    )
                )
    db.session.execute(
        delete(RevisionQuestion).where(
            RevisionQuestion.revision_id == draft.id, RevisionQuestion.question_id == question_id
        )
    )
    db.session.flush()
    return parsed.name


def export_questions(
    revision: CourseRevision, category: str | None = None, quiz_key: str | None = None
) -> list[ParsedQuestion]:
    """The questions to export: a category's, a quiz's, or the whole bank; NotFound for
    an empty category."""
    if quiz_key is not None:
        return quiz_questions(revision, quiz_key)
    questions = revision_questions(revision, category or None)
    if category and not questions:
        raise NotFound(_("No question in the category “%(category)s”.", category=category))
    return questions
