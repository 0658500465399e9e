"""The shape of a course package's course.toml and lesson front matter, as pydantic models.

Strict: a string is not a number and `true` is not 1. Every rule has a message an
author can act on; `problems_from()` turns pydantic's errors into those messages, keyed
by where in the file they belong, and the package reader adds the file and line.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from elearn.content.render import video_embed_url

TOPICS = ("ecommerce", "branding", "market", "quality", "ocop-criteria", "management")
LANGUAGES = ("vi", "en")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TOOL_ID_PATTERN = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"

_STRICT = ConfigDict(strict=True, extra="forbid")

NonEmpty = Annotated[str, Field(min_length=1, pattern=r"\S")]


class QuizSettings(BaseModel):
    """A [quizzes.<key>] table."""

    model_config = _STRICT

    title: NonEmpty
    pass_mark: Annotated[int, Field(ge=0, le=100)] = 70
    max_attempts: Annotated[int, Field(ge=0, le=100)] = 0
    time_limit_minutes: Annotated[int, Field(ge=0, le=600)] = 0
    shuffle_questions: bool = False
    shuffle_options: bool = False
    grading: Literal["highest", "last"] = "highest"
    review: Literal["score", "correctness", "full"] = "full"
    required: bool = True
    #: Open only once the required lessons and quizzes before it are done; left out, it is
    #: on for the course's final quiz (the last quiz of the last section) and off otherwise.
    open_after_earlier: bool | None = None
    items: Annotated[list[dict[str, Any]], Field(min_length=1)]


#: A quiz's settings (all but its items), as course.toml, RevisionQuiz, the package and
#: the structure name them.
QUIZ_SETTINGS = tuple(name for name in QuizSettings.model_fields if name != "items")


class SectionSpec(BaseModel):
    """A [[sections]] entry."""

    model_config = _STRICT

    title: NonEmpty
    lessons: list[str] = []
    quizzes: list[str] = []


class Manifest(BaseModel):
    """course.toml."""

    model_config = _STRICT

    slug: Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
    title: Annotated[NonEmpty, Field(max_length=200)]
    summary: NonEmpty
    topic: Literal["ecommerce", "branding", "market", "quality", "ocop-criteria", "management"]
    audience: str = ""
    estimated_hours: Annotated[float, Field(gt=0, le=200, strict=False)]
    version: NonEmpty
    language: Literal["vi", "en"] = "vi"
    published: bool = True
    tools: list[Annotated[str, Field(pattern=TOOL_ID_PATTERN)]] = []
    sections: Annotated[list[SectionSpec], Field(min_length=1)]
    quizzes: dict[str, QuizSettings] = {}

    @field_validator("estimated_hours", mode="before")
    @classmethod
    def _hours_are_a_number(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("not a number")
        return value


class FrontMatter(BaseModel):
    """The YAML front matter of a lesson."""

    model_config = _STRICT

    title: Annotated[NonEmpty, Field(max_length=200)]
    minutes: Annotated[int, Field(ge=1, le=240)]
    video: str | None = None
    video_minutes: Annotated[int, Field(ge=1, le=600)] | None = None
    required: bool = True

    @field_validator("video")
    @classmethod
    def _video_is_youtube_or_vimeo(cls, value: str | None) -> str | None:
        if value is not None and video_embed_url(value) is None:
            raise ValueError("not a YouTube or Vimeo link")
        return value


MANIFEST_MESSAGES = {
    "slug": "slug must be lower-case letters, digits and -",
    "title": "'title' must be a non-empty string",
    "summary": "'summary' must be a non-empty string",
    "topic": f"topic must be one of {', '.join(TOPICS)}",
    "audience": "'audience' must be a string",
    "estimated_hours": "'estimated_hours' must be a number of hours between 0 and 200",
    "version": "'version' must be a non-empty string",
    "language": "language must be vi or en",
    "published": "'published' must be true or false",
    "tools": "'tools' must be a list of tool ids like \"module.tool\"",
    "sections": "at least one [[sections]] entry is required",
    "quizzes": "'quizzes' must be a table",
}
SECTION_MESSAGES = {
    "title": "section needs a 'title'",
    "lessons": "'lessons' must be a list of lesson slugs",
    "quizzes": "'quizzes' must be a list of quiz keys",
}
QUIZ_MESSAGES = {
    "title": "'title' must be a non-empty string",
    "pass_mark": "'pass_mark' must be 0-100",
    "max_attempts": "'max_attempts' must be 0 (unlimited) to 100",
    "time_limit_minutes": "'time_limit_minutes' must be 0 (none) to 600",
    "shuffle_questions": "'shuffle_questions' must be true or false",
    "shuffle_options": "'shuffle_options' must be true or false",
    "grading": "'grading' must be highest or last",
    "review": "'review' must be score, correctness or full",
    "required": "'required' must be true or false",
    "open_after_earlier": "'open_after_earlier' must be true or false",
    "items": "'items' must be a non-empty list",
}
FRONT_MATTER_MESSAGES = {
    "title": "front matter needs a 'title'",
    "minutes": "'minutes' must be a whole number from 1 to 240",
    "video": "'video' must be an https YouTube or Vimeo link",
    "video_minutes": "'video_minutes' must be a whole number of minutes",
    "required": "'required' must be true or false",
}


def problems_from(error: ValidationError, kind: str) -> list[tuple[tuple[Any, ...], str]]:
    """(location, message) for each error; location is pydantic's loc tuple."""
    out: list[tuple[tuple[Any, ...], str]] = []
    seen: set[tuple[Any, ...]] = set()
    for item in error.errors():
        loc = tuple(item["loc"])
        message = _message(kind, loc, item["type"])
        key = loc[:3] if kind == "manifest" and loc[:1] in (("sections",), ("quizzes",)) else loc
        if key in seen:
            continue
        seen.add(key)
        out.append((loc, message))
    return out


def _message(kind: str, loc: tuple[Any, ...], error_type: str) -> str:
    field = str(loc[-1]) if loc else ""
    if kind == "front_matter":
        if error_type == "extra_forbidden":
            return f"unknown front matter key '{field}'"
        return FRONT_MATTER_MESSAGES.get(str(loc[0]), f"invalid '{loc[0]}'")
    # course.toml
    top = str(loc[0])
    if top == "sections" and len(loc) >= 3:
        if error_type == "extra_forbidden":
            return f"unknown section setting '{loc[2]}'"
        return SECTION_MESSAGES.get(str(loc[2]), "each section must be a table")
    if top == "quizzes" and len(loc) >= 3:
        quiz = loc[1]
        if error_type == "extra_forbidden":
            return f"unknown quiz setting '{loc[2]}'"
        return f"quiz '{quiz}': " + QUIZ_MESSAGES.get(str(loc[2]), f"invalid '{loc[2]}'")
    if top == "quizzes" and len(loc) == 2:
        return f"quiz '{loc[1]}' must be a table"
    if top == "sections" and len(loc) == 2:
        return "each section must be a table"
    if error_type == "extra_forbidden":
        return f"unknown course.toml key '{field}'"
    if error_type == "missing" and top != "sections":
        return f"'{top}' is required"
    return MANIFEST_MESSAGES.get(top, f"invalid '{top}'")
