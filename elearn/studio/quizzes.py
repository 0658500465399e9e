"""The quiz editor's services: a draft quiz's settings and its items (fixed questions by
name, "draw N from a category"), checked against the draft's question bank with the
rules of the package validator (``courses validate``). Services flush, never commit."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from elearn.content.models import CourseRevision, Quiz, RevisionQuiz
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.extensions import db
from elearn.studio.questions import bank, categories

GRADINGS = ("highest", "last")
REVIEWS = ("score", "correctness", "full")
#: the limits of course.toml's quiz settings (elearn.content.schemas.QuizSettings)
MAX_ATTEMPTS = 100
MAX_MINUTES = 600


def quiz_of(revision: CourseRevision, key: str) -> RevisionQuiz:
    """The quiz ``key`` of ``revision``; NotFound if it has none."""
    row = db.session.scalar(
        select(RevisionQuiz)
        .join(Quiz, Quiz.id == RevisionQuiz.quiz_id)
        .where(RevisionQuiz.revision_id == revision.id, Quiz.key == key)
    )
    if row is None:
        raise NotFound(_("No such quiz in this course."))
    return row


def _draft_quiz(draft: CourseRevision, key: str) -> RevisionQuiz:
    if draft.state != "draft":
        raise Conflict(_("Only a draft can be changed: a published revision never changes."))
    return quiz_of(draft, key)


def update_settings(draft: CourseRevision, key: str, **settings: Any) -> RevisionQuiz:
    """Save a quiz's settings in the draft: title, pass_mark (0-100), max_attempts
    (0-100, 0 unlimited), time_limit_minutes (0-600, 0 none), shuffle_questions,
    shuffle_options, grading (highest|last), review (score|correctness|full), required,
    open_after_earlier. ValidationFailed (by field) for a value out of range."""
    quiz = _draft_quiz(draft, key)
    fields: dict[str, list[str]] = {}
    title = str(settings.get("title") or "").strip()
    if not title or len(title) > 200:
        fields["title"] = [_("Please enter a title (at most 200 characters).")]
    ranges = {
        "pass_mark": (0, 100, _("The pass mark is a percentage from 0 to 100.")),
        "max_attempts": (
            0,
            MAX_ATTEMPTS,
            _("Attempts: from 0 (unlimited) to %(n)d.", n=MAX_ATTEMPTS),
        ),
        "time_limit_minutes": (
            0,
            MAX_MINUTES,
            _("Time limit: from 0 (none) to %(n)d minutes.", n=MAX_MINUTES),
        ),
    }
    for name, (low, high, message) in ranges.items():
        value = settings.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            fields[name] = [message]
    if settings.get("grading") not in GRADINGS:
        fields["grading"] = [_("Choose which attempt counts.")]
    if settings.get("review") not in REVIEWS:
        fields["review"] = [_("Choose what learners see after submitting.")]
    if fields:
        raise ValidationFailed(_("Please check the quiz settings."), fields)
    quiz.title = title
    for name in ("pass_mark", "max_attempts", "time_limit_minutes", "grading", "review"):
        setattr(quiz, name, settings[name])
    for name in ("shuffle_questions", "shuffle_options", "required", "open_after_earlier"):
        setattr(quiz, name, bool(settings.get(name)))
    db.session.flush()
    return quiz


def add_question_item(draft: CourseRevision, key: str, name: str) -> None:
    """Add a fixed question (by name) at the end of the quiz's items."""
    quiz = _draft_quiz(draft, key)
    name = (name or "").strip()
    if name not in {entry.name for entry in bank(draft)}:
        raise ValidationFailed(
            _("The course has no question named “%(name)s”.", name=name),
            {"question": [_("Choose a question of the bank.")]},
        )
    items = list(quiz.items or [])
    if {"question": name} in items:
        raise ValidationFailed(
            _("The quiz already has the question “%(name)s”.", name=name),
            {"question": [_("This question is already in the quiz.")]},
        )
    quiz.items = [*items, {"question": name}]
    db.session.flush()


def add_draw_item(draft: CourseRevision, key: str, category: str, draw: int | None) -> None:
    """Add "draw ``draw`` questions from ``category``" (None: every question of it)."""
    quiz = _draft_quiz(draft, key)
    category = (category or "").strip()
    available = categories(draft).get(category, 0)
    if available == 0:
        raise ValidationFailed(
            _("The category “%(category)s” has no questions.", category=category),
            {"category": [_("Choose a category that has questions.")]},
        )
    if draw is not None and not 1 <= draw <= available:
        message = _(
            "Draw from 1 to %(n)d questions: the category “%(category)s” has %(n)d.",
            n=available,
            category=category,
        )
        raise ValidationFailed(message, {"draw": [message]})
    items = list(quiz.items or [])
    if any(item.get("category") == category for item in items):
        message = _("The quiz already draws from the category “%(category)s”.", category=category)
        raise ValidationFailed(message, {"category": [message]})
    item: dict[str, Any] = {"category": category}
    if draw is not None:
        item["draw"] = draw
    quiz.items = [*items, item]
    db.session.flush()


def remove_item(draft: CourseRevision, key: str, index: int) -> None:
    """Remove the quiz's item at ``index`` (1-based)."""
    quiz = _draft_quiz(draft, key)
    items = list(quiz.items or [])
    if not 1 <= index <= len(items):
        raise NotFound(_("No such item in this quiz."))
    del items[index - 1]
    quiz.items = items
    db.session.flush()


def move_item(draft: CourseRevision, key: str, index: int, direction: str) -> None:
    """Move the item at ``index`` (1-based) one step "up" or "down"."""
    quiz = _draft_quiz(draft, key)
    items = list(quiz.items or [])
    if not 1 <= index <= len(items):
        raise NotFound(_("No such item in this quiz."))
    target = index - 2 if direction == "up" else index if direction == "down" else None
    if target is None or not 0 <= target < len(items):
        raise ValidationFailed(_("Move up or down."))
    items[index - 1], items[target] = items[target], items[index - 1]
    quiz.items = items
    db.session.flush()


def item_problems(revision: CourseRevision, items: list[dict]) -> list[str]:
    """What the package validator would say about these items in ``revision`` (a question
    gone, a category emptied, a draw now larger than its category), translated."""
    names = {entry.name for entry in bank(revision)}
    sizes = categories(revision)
    problems: list[str] = []
    for item in items:
        if "question" in item and item["question"] not in names:
            problems.append(_("No question named “%(name)s”.", name=item["question"]))
        elif "category" in item:
            available = sizes.get(item["category"], 0)
            if available == 0:
                problems.append(
                    _("The category “%(category)s” has no questions.", category=item["category"])
                )
            elif item.get("draw") and item["draw"] > available:
                problems.append(
                    _(
                        "Draw from 1 to %(n)d questions: the category “%(category)s” has %(n)d.",
                        n=available,
                        category=item["category"],
                    )
                )
    if not items:
        problems.append(_("The quiz has no questions yet: add a question or a category."))
    return problems
