"""The forms of the quiz and question bank editors (shape and size; services check rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from elearn.quiz.importing import MAX_CATEGORY, MAX_GIFT_CHARS
from elearn.studio.forms import TOO_LONG
from elearn.studio.quizzes import MAX_ATTEMPTS, MAX_MINUTES

GRADING_CHOICES = [
    SelectChoice("highest", _l("The highest score")),
    SelectChoice("last", _l("The last attempt")),
]
REVIEW_CHOICES = [
    SelectChoice("score", _l("Only the score")),
    SelectChoice("correctness", _l("The score and which answers were right")),
    SelectChoice("full", _l("Everything: right answers and feedback")),
]


def _number(label, low: int, high: int, message, description=None) -> IntegerField:
    return IntegerField(
        label,
        validators=[InputRequired(message), NumberRange(min=low, max=high, message=message)],
        description=description,
    )


class QuizSettingsForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            InputRequired(_l("Please enter a title.")),
            Length(max=200, message=TOO_LONG),
        ],
    )
    pass_mark = _number(
        _l("Pass mark (percent)"), 0, 100, _l("The pass mark is a percentage from 0 to 100.")
    )
    max_attempts = _number(
        _l("Attempts allowed"),
        0,
        MAX_ATTEMPTS,
        _l("Attempts: from 0 (unlimited) to %(n)d.", n=MAX_ATTEMPTS),
        _l("0 means unlimited."),
    )
    time_limit_minutes = _number(
        _l("Time limit (minutes)"),
        0,
        MAX_MINUTES,
        _l("Time limit: from 0 (none) to %(n)d minutes.", n=MAX_MINUTES),
        _l("0 means no time limit."),
    )
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_options = BooleanField(_l("Shuffle the options of each question"))
    grading = SelectField(_l("Which attempt counts"), choices=GRADING_CHOICES)
    review = SelectField(_l("After submitting, learners see"), choices=REVIEW_CHOICES)
    required = BooleanField(_l("Required to complete the course"))
    open_after_earlier = BooleanField(
        _l("Opens only after the required lessons and quizzes before it are done")
    )


class QuestionItemForm(FlaskForm):
    question = SelectField(_l("Question"), choices=[], validate_choice=False,
                           validators=[InputRequired(_l("Choose a question."))])  # fmt: skip


class DrawItemForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[], validate_choice=False,
                           validators=[InputRequired(_l("Choose a category."))])  # fmt: skip
    draw = IntegerField(
        _l("How many questions to draw"),
        validators=[Optional(), NumberRange(min=1, max=10_000, message=_l("At least 1."))],
        description=_l("Empty: every question of the category."),
    )


class QuestionForm(FlaskForm):
    category = StringField(
        _l("Category"),
        validators=[
            InputRequired(_l("Please enter a category.")),
            Length(max=MAX_CATEGORY, message=TOO_LONG),
        ],
        description=_l("Quizzes draw questions by category, e.g. part-1."),
    )
    text = TextAreaField(
        _l("The question in GIFT"),
        validators=[
            InputRequired(_l("Please write the question.")),
            Length(max=100_000, message=TOO_LONG),
        ],
        description=_l(
            "::name:: question text {answers}. = a right answer, ~ a wrong one, "
            "#feedback after an answer, ####general feedback at the end."
        ),
    )


class ImportForm(FlaskForm):
    text = TextAreaField(
        _l("Paste questions in GIFT"),
        validators=[Optional(), Length(max=MAX_GIFT_CHARS, message=TOO_LONG)],
    )
    file = FileField(_l("Or upload a .gift or .xlsx file"))
    category = StringField(
        _l("Category for questions without one"),
        validators=[Optional(), Length(max=MAX_CATEGORY, message=TOO_LONG)],
    )
