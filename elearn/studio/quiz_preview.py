"""A quiz of the draft taken as a learner would, graded in memory and never recorded.

The preview shows every question the quiz may draw (in the order of its items, options
as written), so the author sees them all; the learner's page draws from them. Answers
are read and graded with the question types' own code, and nothing is written: no
QuizAttempt, no answers, no progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from elearn.content import structure
from elearn.content.models import Course
from elearn.content.revisions import quiz_questions
from elearn.core.errors import NotFound, ValidationFailed
from elearn.quiz.attempts import AttemptQuestion, normalize_response
from elearn.quiz.types import get_type
from elearn.quiz.types.base import Grade
from elearn.studio.drafts import working_revision


@dataclass(frozen=True)
class PreviewQuiz:
    """The quiz's title and pass mark, and its questions as the attempt page shows them."""

    key: str
    title: str
    pass_mark: int
    questions: list[AttemptQuestion]


@dataclass(frozen=True)
class PreviewResult:
    """One question's answer, graded."""

    question: AttemptQuestion
    grade: Grade
    #: The answer could not be read (e.g. a word where a number was asked).
    invalid: bool = False


def preview_quiz(course: Course, key: str) -> PreviewQuiz:
    """The quiz of the working revision (draft, else published); NotFound without it."""
    revision = working_revision(course)
    shown = structure.for_revision(revision.id) if revision is not None else None
    quiz = shown.quiz_by_key.get(key) if shown is not None else None
    if revision is None or quiz is None:
        raise NotFound(_("No such quiz in this course."))
    questions = []
    for number, parsed in enumerate(quiz_questions(revision, key), start=1):
        try:
            view = get_type(parsed.qtype).public_view(parsed, None)
        except KeyError:
            continue  # a type no longer installed: the validator reports it before publishing
        view["id"] = number
        questions.append(AttemptQuestion(id=number, number=number, parsed=parsed, view=view))
    return PreviewQuiz(key, quiz.title, quiz.pass_mark, questions)


def grade_preview(quiz: PreviewQuiz, form: Any) -> tuple[list[PreviewResult], float]:
    """Grade the posted answers in memory: each question's result and the score (0..100)."""
    results = []
    for question in quiz.questions:
        raw = question.type.read_form(form, f"q-{question.id}", question.view)
        invalid = False
        try:
            question.response = normalize_response(question, raw)
        except ValidationFailed:
            question.response, invalid = None, True
        grade = (
            question.type.grade(question.parsed, question.response)
            if question.response is not None
            else question.type.zero(question.parsed)
        )
        results.append(PreviewResult(question, grade, invalid))
    total = sum(r.grade.fraction for r in results)
    score = 100 * total / len(results) if results else 0.0
    return results, score
