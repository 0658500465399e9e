"""The studio's forms. They check shape and size; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DecimalField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from elearn.studio.checks import COURSE_SLUG_MAX, LESSON_SLUG_MAX, QUIZ_KEY_MAX, TITLE_MAX
from elearn.web.labels import TOPIC_LABELS

LANGUAGE_CHOICES = [SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")]
TOPIC_CHOICES = [SelectChoice(code, label) for code, label in TOPIC_LABELS.items()]
TOO_LONG = _l("At most %(max)d characters.")
SLUG_HINT = _l("Lower-case letters without accents, digits and hyphens; it appears in links.")


def _title(label=None) -> StringField:
    return StringField(
        label or _l("Title"),
        validators=[
            InputRequired(_l("Please enter a title.")),
            Length(max=TITLE_MAX, message=TOO_LONG),
        ],
    )


class CommaDecimalField(DecimalField):
    """A decimal number written either way: "1,5" (Vietnamese) or "1.5". A text input
    (with a decimal keypad on phones): a number input refuses the comma."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [str(valuelist[0]).strip().replace(",", ".")]
        super().process_formdata(valuelist)


class NewCourseForm(FlaskForm):
    title = _title(_l("Course title"))
    slug = StringField(
        _l("Address"),
        validators=[
            InputRequired(_l("Please enter an address.")),
            Length(max=COURSE_SLUG_MAX, message=TOO_LONG),
        ],
        description=SLUG_HINT,
    )
    topic = SelectField(_l("Topic"), choices=TOPIC_CHOICES)
    language = SelectField(_l("Language of the course"), choices=LANGUAGE_CHOICES)


class SettingsForm(FlaskForm):
    title = _title(_l("Course title"))
    summary = TextAreaField(
        _l("Summary"),
        validators=[Length(max=2000, message=TOO_LONG)],
        description=_l("Two or three sentences shown in the catalogue."),
    )
    topic = SelectField(_l("Topic"), choices=TOPIC_CHOICES)
    audience = StringField(_l("Who it is for"), validators=[Length(max=300, message=TOO_LONG)])
    estimated_hours = CommaDecimalField(
        _l("Estimated hours"),
        validators=[
            InputRequired(_l("Please enter the hours.")),
            NumberRange(min=0.1, max=200, message=_l("A number of hours above 0, at most 200.")),
        ],
        places=None,
    )
    tools = SelectMultipleField(
        _l("Tools shown on the course page"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    language = SelectField(_l("Language of the course"), choices=LANGUAGE_CHOICES)


class TitleForm(FlaskForm):
    title = _title()


class NewLessonForm(FlaskForm):
    title = _title(_l("Lesson title"))
    slug = StringField(
        _l("Address"),
        validators=[
            InputRequired(_l("Please enter an address.")),
            Length(max=LESSON_SLUG_MAX, message=TOO_LONG),
        ],
        description=SLUG_HINT,
    )
    section = IntegerField(_l("Section"), validators=[Optional(), NumberRange(min=1, max=1000)])


class NewQuizForm(FlaskForm):
    title = _title(_l("Quiz title"))
    key = StringField(
        _l("Key"),
        validators=[
            InputRequired(_l("Please enter a key.")),
            Length(max=QUIZ_KEY_MAX, message=TOO_LONG),
        ],
        description=SLUG_HINT,
    )
    section = IntegerField(_l("Section"), validators=[Optional(), NumberRange(min=1, max=1000)])


class MoveForm(FlaskForm):
    """One step ("up"/"down", the buttons), or a place: section and position (1-based)."""

    direction = StringField(validators=[Optional(), Length(max=4, message=TOO_LONG)])
    section = IntegerField(validators=[Optional(), NumberRange(min=1, max=1000)])
    position = IntegerField(validators=[Optional(), NumberRange(min=1, max=10000)])


class LessonForm(FlaskForm):
    title = _title(_l("Lesson title"))
    minutes = IntegerField(
        _l("Reading time (minutes)"),
        validators=[
            InputRequired(_l("A whole number of minutes from 1 to 240.")),
            NumberRange(min=1, max=240, message=_l("A whole number of minutes from 1 to 240.")),
        ],
    )
    markdown = TextAreaField(_l("Text (Markdown)"))
    #: The version the editor loaded: a save over a newer one is a conflict.
    version = IntegerField(
        validators=[InputRequired(), NumberRange(min=0, max=2**31 - 1)],
        widget=HiddenField.widget,
    )


class RestoreForm(FlaskForm):
    #: The lesson's current version when the history page was loaded.
    version = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=2**31 - 1)])


class InviteForm(FlaskForm):
    login = StringField(
        _l("E-mail or mobile number of a trainer"),
        validators=[
            InputRequired(_l("Please enter an e-mail address or a mobile number.")),
            Length(max=254, message=TOO_LONG),
        ],
    )


class PackageForm(FlaskForm):
    """A course package (.zip) to check, then import as a new draft course."""

    file = FileField(
        _l("Course package (.zip)"),
        validators=[FileRequired(_l("Choose a .zip file."))],
        render_kw={"accept": ".zip,application/zip"},
    )
