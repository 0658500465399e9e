"""Request and response bodies of API v1 as pydantic models; the OpenAPI document is made of them.

Responses go out through these models only: a field not declared here never reaches a
client, which is what keeps "which answers are right" out of the API. Every text field
says what it holds, in its description and in the `x-content` keyword: `sanitised-html`
(rendered and sanitised by the server, safe to insert as markup) or `plain-text` (insert
it as text; escape it when building HTML).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
)
from pydantic_core import PydanticCustomError

from elearn.content.schemas import TOPICS
from elearn.web.inputs import MAX_ID

PLAIN_TEXT = "plain-text"
SANITISED_HTML = "sanitised-html"


def _is_none(value: Any) -> bool:
    return value is None


def described(
    description: str, content: str | None = None, absent_when_none: bool = False, **kwargs: Any
) -> Any:
    """A field with its description; `content` marks text (x-content).

    `absent_when_none`: a field declared `X | None` is left out (never null) when it is
    None, and the document says "X, or absent".
    """

    def edit_schema(schema: dict[str, Any]) -> None:
        if content is not None:
            schema["x-content"] = content
        if absent_when_none:
            schema.pop("default", None)
            branches = [b for b in schema.pop("anyOf", []) if b != {"type": "null"}]
            schema.update(branches[0] if len(branches) == 1 else {"anyOf": branches})

    if absent_when_none:
        kwargs.update(default=None, exclude_if=_is_none)
    return Field(description=description, json_schema_extra=edit_schema, **kwargs)


def plain_text(description: str, **kwargs: Any) -> Any:
    """A text field shown as text."""
    return described(
        f"{description} Plain text: escape it when building HTML.", PLAIN_TEXT, **kwargs
    )


def sanitised_html(description: str, **kwargs: Any) -> Any:
    """A text field the server rendered and sanitised."""
    return described(
        f"{description} Sanitised HTML: safe to insert as markup.", SANITISED_HTML, **kwargs
    )


#: An aware datetime, written as `datetime.isoformat()` writes it (2025-03-01T08:00:00+00:00).
Timestamp = Annotated[
    AwareDatetime,
    PlainSerializer(datetime.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
PlainString = Annotated[str, Field(json_schema_extra={"x-content": PLAIN_TEXT})]
HtmlString = Annotated[str, Field(json_schema_extra={"x-content": SANITISED_HTML})]
# The topics a course.toml may name (elearn.content.schemas validates them on import).
Topic = Literal[TOPICS]  # type: ignore[valid-type]


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class RequestModel(BaseModel):
    """A request body or query: strict types (a string is not a number), unknown keys ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        # PostgreSQL refuses NUL in text: refused here, it is a 400 rather than a 500.
        if _holds_nul(value):
            raise PydanticCustomError("nul_character", "Text may not contain NUL (\\u0000).")
        return value


class ResponseModel(BaseModel):
    """A response body: exactly the declared fields, nothing else."""

    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- errors


class Problem(ResponseModel):
    """One problem of an input (a package, a GIFT text, a workbook) and where it is."""

    path: str | None = described(
        "The file in the package (course.toml, lessons/<slug>.md, …), or absent.",
        absent_when_none=True,
    )
    line: int | None = described(
        "The line (in the file, or in the GIFT text).", absent_when_none=True
    )
    row: int | None = described("The row of the workbook.", absent_when_none=True)
    column: str | None = described("The column letter of the workbook.", absent_when_none=True)
    message: str = plain_text("What is wrong.")


class ErrorDetail(ResponseModel):
    code: str = Field(
        description=(
            "What went wrong, for programs: invalid, malformed_json, unauthorized, "
            "invalid_credentials, not_enrolled, forbidden, not_found, conflict, "
            "too_many_requests, request_entity_too_large, internal_error, busy, …"
        )
    )
    message: str = plain_text("What went wrong, translated into the caller's language.")
    fields: dict[str, list[PlainString]] | None = described(
        "Only when particular values were refused: where (a field name, a path such as "
        "`answers.12`, or a question id) → what is wrong with it.",
        absent_when_none=True,
    )
    problems: list[Problem] | None = described(
        "Only when an input was read and found wrong (a package, a question import, a "
        "draft to publish): every problem and where it is.",
        absent_when_none=True,
    )


class Error(ResponseModel):
    """The body of every error response (4xx and 5xx)."""

    error: ErrorDetail


# --------------------------------------------------------------------------- tokens


class TokenRequest(RequestModel):
    login: str = Field(
        min_length=1,
        description="E-mail address or Vietnamese mobile number (any spacing, 0… or +84…).",
    )
    password: str = Field(min_length=1, description="Exactly as typed.")


class Token(ResponseModel):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`.")
    expires_at: Timestamp


# --------------------------------------------------------------------------- courses


class CourseQuery(RequestModel):
    topic: str | None = described(
        f"Only courses of this topic ({', '.join(TOPICS)}).", absent_when_none=True
    )
    q: str | None = described(
        "Words to search for in titles and summaries; ignores case and diacritics.",
        absent_when_none=True,
    )


class CourseSummary(ResponseModel):
    slug: str = Field(description="The course's address, as in /courses/{slug}.")
    title: str = plain_text("The course's title.")
    summary: str = plain_text("One or two sentences about the course.")
    topic: Topic
    lesson_count: int = Field(ge=0)


class CourseList(ResponseModel):
    courses: list[CourseSummary]


class LessonRef(ResponseModel):
    id: int = Field(description="The lesson's id, as in /lessons/{lesson_id}.")
    slug: str
    title: str = plain_text("The lesson's title.")
    minutes: int = Field(description="Estimated reading time.")


class QuizRef(ResponseModel):
    id: int = Field(description="The quiz's id, as in /quizzes/{quiz_id}.")
    key: str = Field(description="Stable across revisions of the course.")
    title: str = plain_text("The quiz's title.")
    required: bool = Field(description="Whether passing it is needed to complete the course.")


class Section(ResponseModel):
    title: str = plain_text("The section's title.")
    lessons: list[LessonRef]
    quizzes: list[QuizRef]


class Outline(ResponseModel):
    slug: str
    revision: int = Field(description="The published revision's number; it grows on republish.")
    title: str = plain_text("The course's title.")
    summary: str = plain_text("One or two sentences about the course.")
    topic: Topic
    estimated_hours: float
    sections: list[Section]


class Enrollment(ResponseModel):
    course: str = Field(description="The course's slug.")
    enrolled_at: Timestamp = Field(description="The first enrolment's time.")


# --------------------------------------------------------------------------- lessons


class Lesson(ResponseModel):
    id: int
    slug: str
    course: str = Field(description="The course's slug.")
    title: str = plain_text("The lesson's title.")
    minutes: int = Field(description="Estimated reading time.")
    required: bool = Field(description="Whether completing it is needed to complete the course.")
    video_url: str | None = Field(description="The lesson's video: an https YouTube or Vimeo link.")
    video_minutes: int | None
    html: str = sanitised_html("The lesson's content.")
    completed: bool = Field(description="Whether the caller has completed this lesson.")


class Completion(ResponseModel):
    lesson_id: int
    completed_at: Timestamp = Field(description="The first completion's time; repeats keep it.")


class CourseProgress(ResponseModel):
    slug: str
    title: str = plain_text("The course's title.")
    percent: int = Field(ge=0, le=100, description="Lessons done and quizzes passed, of all.")
    lessons_done: int = Field(ge=0)
    lessons_total: int = Field(ge=0)
    quizzes_passed: int = Field(ge=0)
    quizzes_total: int = Field(ge=0)
    completed_at: Timestamp | None = Field(description="When the course was completed, or null.")
    certificate_code: str | None = Field(
        description="The certificate's code (see /certificates/{code}), or null."
    )
    certificate_revoked_reason: str | None = plain_text(
        "Why the certificate was revoked (its PDF is then no longer served), or null."
    )


class Progress(ResponseModel):
    courses: list[CourseProgress] = Field(description="Every course the caller is enrolled in.")


# --------------------------------------------------------------------------- answers


def _one_of_the_answer_shapes(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # One message instead of one per member of the union.
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "answer_shape",
            "Not an answer: send an option id, a list of option ids, true or false, a text, "
            "a number, or an object of left id to right id.",
        ) from None


OptionId = Annotated[str, Field(description="An option id of this attempt.")]
AnswerValue = Annotated[
    OptionId | list[OptionId] | bool | int | float | dict[str, OptionId | None] | None,
    WrapValidator(_one_of_the_answer_shapes),
    Field(
        description=(
            "By question type: single → an option id; multi → a list of option ids; "
            "truefalse → true or false; short → the text (at most 500 characters); "
            'numeric → a number, or a string such as "12,5"; matching → an object of left '
            'id to right id. null, "", [] or {} clears the answer. The server then checks '
            "the value against the question (400 with the question id in `fields`)."
        )
    ),
]
Answers = Annotated[
    dict[str, AnswerValue],
    Field(description="Question id (as a string) → answer. Questions left out keep theirs."),
]


class SaveAnswersRequest(RequestModel):
    answers: Answers
    version: int | None = Field(
        default=None,
        ge=0,
        le=MAX_ID,
        description=(
            "The attempt's `version` the caller last saw; when another save happened since, "
            "the save is refused with 409 and nothing changes. Leave it out to save anyway."
        ),
    )


class SubmissionRequest(RequestModel):
    """Optional: the body may be left out."""

    answers: Answers = Field(default_factory=dict)


class SavedAnswers(ResponseModel):
    attempt_id: int
    saved: Literal[True]
    version: int = Field(description="The attempt's new version; send it with the next save.")


# --------------------------------------------------------------------------- quizzes


class Attempt(ResponseModel):
    """An attempt at a quiz; `passed` follows the quiz's current pass mark."""

    attempt_id: int
    number: int = Field(ge=1, description="1 for the caller's first attempt at the quiz, …")
    state: Literal["open", "submitted"]
    started_at: Timestamp
    deadline: Timestamp | None = Field(
        description="When a timed attempt ends (submissions get a short grace); null: untimed."
    )
    submitted_at: Timestamp | None
    score: float | None = Field(ge=0, le=100, description="0–100 once submitted, else null.")
    passed: bool | None = Field(description="Null until submitted.")


class Quiz(ResponseModel):
    id: int
    key: str
    title: str = plain_text("The quiz's title.")
    required: bool
    pass_mark: int = Field(ge=0, le=100, description="The score needed to pass, 0–100.")
    max_attempts: int | None = Field(description="Null: unlimited.")
    attempts_left: int | None = Field(description="Null: unlimited.")
    time_limit_minutes: int | None = Field(description="Null: untimed.")
    grading: Literal["highest", "last"] = Field(description="Which attempt counts.")
    review: Literal["score", "correctness", "full"] = Field(
        description=(
            "What a submission shows: the score only; also which questions were right; "
            "also the feedback."
        )
    )
    passed: bool
    open: bool = Field(
        description="Whether an attempt may start now: false until the required lessons "
        "and quizzes before it are done (when the quiz asks for that)."
    )
    not_open_reason: str | None = plain_text(
        "Null when open; otherwise what is left, in words for the learner.", default=None
    )
    attempts: list[Attempt]


class Option(ResponseModel):
    id: str = Field(description="Random per attempt, so it never hints at the right answer.")
    text: str = plain_text("The option as the author wrote it.")
    html: str | None = sanitised_html(
        "The option, rendered (may be absent: then show `text`).", absent_when_none=True
    )


class MatchChoice(ResponseModel):
    id: str = Field(description="Random per attempt.")
    text: str = plain_text("A right-hand choice.")


class MatchingOptions(ResponseModel):
    left: list[Option] = Field(description="The items to match; answer with their ids as keys.")
    right: list[MatchChoice] = Field(description="The choices; answer with their ids as values.")


class _Question(ResponseModel):
    id: int = Field(description="The key of this question's answer in `answers`.")
    text: str = plain_text(
        "The question's source text (it may hold Markdown or HTML source; show `html`)."
    )
    html: str = sanitised_html("The question, rendered.")


class ChoiceQuestion(_Question):
    """A single choice, multiple choice or true/false question."""

    type: Literal["single", "multi", "truefalse"]
    options: list[Option]
    saved: OptionId | list[OptionId] | bool | None = Field(
        description="The saved answer (an option id, a list of them, or true/false), or null."
    )


class MatchingQuestion(_Question):
    """A matching question: pair each left item with a right-hand choice."""

    type: Literal["matching"]
    options: MatchingOptions
    saved: dict[str, OptionId] | None = Field(
        description="The saved pairs (left id → right id), or null."
    )


class TextQuestion(_Question):
    """A short answer or numeric question."""

    type: Literal["short", "numeric"]
    options: list[Option] = Field(max_length=0, description="Always empty.")
    saved: str | int | float | None = Field(description="The saved answer, or null.")


AttemptQuestion = Annotated[
    ChoiceQuestion | MatchingQuestion | TextQuestion,
    Field(discriminator="type", description="Never says which answers are right."),
]


class AttemptDetail(Attempt):
    """An attempt with its questions, in its fixed order, and the saved answers."""

    version: int = Field(description="Grows with every save; see `version` in the answers.")
    questions: list[AttemptQuestion]


class QuestionResult(ResponseModel):
    id: int
    correct: bool
    fraction: float = Field(ge=0, le=1, description="The share of the question's marks, 0–1.")
    feedback: list[HtmlString] | None = described(
        "The author's feedback, each item sanitised HTML; only when the quiz's review is full.",
        absent_when_none=True,
    )


class SubmissionResult(Attempt):
    """A submitted attempt; the same on every repeat."""

    pass_mark: int = Field(ge=0, le=100)
    questions: list[QuestionResult] | None = described(
        "Per question; absent when the quiz's review shows the score only.",
        absent_when_none=True,
    )


# --------------------------------------------------------------------------- certificates


class Certificate(ResponseModel):
    valid: bool = Field(description="False once revoked.")
    code: str
    learner_name: str = plain_text("The learner's name as printed.")
    course_title: str = plain_text("The course's title as printed.")
    issued_at: Timestamp
    revoked_at: Timestamp | None = Field(description="When it was revoked, or null.")
    revoked_reason: str | None = plain_text("Why it was revoked, or null.")


# --------------------------------------------------------------------------- the studio


class DryRunQuery(RequestModel):
    dry_run: Annotated[bool, Field(strict=False)] = Field(
        default=False,
        description="1 (or true): only check; nothing is saved, and the answer lists the "
        "problems found.",
    )


class QuestionImportQuery(DryRunQuery):
    category: str | None = described(
        "The category of questions that name none (GIFT: no $CATEGORY above them).",
        absent_when_none=True,
        max_length=255,
    )


class ExportQuery(RequestModel):
    revision: Literal["draft", "published"] = Field(
        default="published", description="Which revision to export."
    )


class PackageCheck(ResponseModel):
    slug: str | None = described(
        "The address the course would have (absent when course.toml could not be read).",
        absent_when_none=True,
    )
    valid: bool = Field(description="True when importing it would create the course.")
    problems: list[Problem]


class CourseCreated(ResponseModel):
    slug: str
    state: Literal["draft"]


class StudioLesson(ResponseModel):
    title: str = plain_text("The lesson's title.")
    markdown: str = plain_text("The lesson's Markdown source (without its front matter).")
    minutes: int
    version: int = Field(
        description="The version shown (the draft's; the published one's when there is no "
        "draft): send it back when saving."
    )


class StudioLessonSave(RequestModel):
    title: str = Field(description="The lesson's title.")
    markdown: str = Field(description="The lesson's Markdown source.")
    version: int = Field(ge=0, le=MAX_ID, description="The version the text was based on.")
    minutes: int | None = described(
        "Estimated minutes; the current ones are kept when absent.",
        absent_when_none=True,
        ge=1,
        le=MAX_ID,
    )


class LessonSaved(ResponseModel):
    version: int = Field(description="The lesson's version now.")


class TheirLesson(ResponseModel):
    title: str = plain_text("Their title.")
    markdown: str = plain_text("Their Markdown.")
    minutes: int
    version: int
    by: str | None = plain_text(
        "Who saved it (absent: it came from a package).", absent_when_none=True
    )
    at: Timestamp


class LessonConflict(ResponseModel):
    """The lesson was saved by someone else after `version`: nothing of yours was saved."""

    error: ErrorDetail
    theirs: TheirLesson


class QuestionImport(ResponseModel):
    questions: int = Field(description="How many questions would be (or were) saved.")
    new: int
    changed: int = Field(
        description="Questions of a name the course has, whose content changes: a new version."
    )
    unchanged: int
    saved: bool = Field(description="False for a dry run.")
    problems: list[Problem]


class Published(ResponseModel):
    revision: int = Field(description="The number of the revision now published.")
