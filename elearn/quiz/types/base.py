"""The base class of question types, the grade and the refusal of a response."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from elearn.quiz.gift import BLANK, AnswerBlock
from elearn.quiz.question import (
    TEXT_FORMATS,
    Question,
    Text,
    letter_id,
    round_fraction,
)
from elearn.quiz.richtext import html_of, plain_text

# Multi-answer weights are accepted when they add up to 100 ± 0.01 %, so a sum that
# close to 1 counts as full marks (3 × 33.333 % = 99.999 %).
FULL = 1 - 1e-4
WEIGHT_TOLERANCE = 0.01  # percent
MAX_TEXT_ANSWER = 500

#: the answer fields of Question and their empty values; a type lists those it uses
ANSWER_FIELDS: dict[str, Callable[[], Any]] = {
    "options": list,
    "answer": lambda: None,
    "feedback_true": Text,
    "feedback_false": Text,
    "answers": list,
    "numeric_answers": list,
    "numeric_wrong_feedback": lambda: None,
    "pairs": list,
    "right_choices": list,
    "ignore_diacritics": lambda: False,
}


@dataclass
class Grade:
    """``fraction`` in 0..1; ``feedback``: sanitised HTML snippets, the chosen answers'
    feedback then the general feedback."""

    fraction: float
    correct: bool
    feedback: list[str] = field(default_factory=list)


class InvalidResponse(ValueError):
    """A response that does not fit its question: ``kind`` is ``"invalid"`` (wrong shape,
    unknown option) or ``"number"`` (a numeric answer that is not a number)."""

    def __init__(self, kind: str = "invalid", detail: str = ""):
        super().__init__(detail or kind)
        self.kind = kind


def is_empty_response(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str | list | dict) and len(raw) == 0)


def fraction_problems(fraction: Any, what: str) -> list[str]:
    if isinstance(fraction, bool) or not isinstance(fraction, int | float):
        return [f"{what}: fraction is not a number"]
    if not math.isfinite(fraction) or not -1 <= fraction <= 1:
        return [f"{what}: fraction {fraction!r} is outside -1..1"]
    if round_fraction(fraction) != fraction:
        return [f"{what}: fraction {fraction!r} has more than 7 decimal places"]
    return []


def expect_ids(ids: list[str], what: str) -> list[str]:
    expected = [letter_id(i) for i in range(len(ids))]
    return [] if ids == expected else [f"{what} ids must be a, b, c, … in order"]


class QuestionType(ABC):
    """Everything about one question type; subclasses are registered in
    :mod:`elearn.quiz.types` (see its docstring for the contract of each method)."""

    name: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    template: ClassVar[str] = ""
    #: the answer fields of Question this type uses (the others must stay empty)
    fields: ClassVar[tuple[str, ...]] = ()

    # -- GIFT ------------------------------------------------------------------------

    @abstractmethod
    def claims(self, body: str) -> bool:
        """See elearn.quiz.types."""

    @abstractmethod
    def parse_answers(self, ctx: AnswerBlock, q: Question) -> None:
        """See elearn.quiz.types."""

    @abstractmethod
    def write_answers(self, q: Question) -> str:
        """See elearn.quiz.types."""

    # -- structure --------------------------------------------------------------------

    def validate(self, q: Question) -> list[str]:
        """Structural problems of ``q`` (built by the parser or elsewhere); [] if none."""
        problems: list[str] = []
        if q.qtype != self.name:
            problems.append(f"question type is '{q.qtype}', not '{self.name}'")
        if not isinstance(q.name, str) or not q.name.strip():
            problems.append("empty question name")
        elif q.name != q.name.strip():
            problems.append("question name has spaces at the start or end")
        category = q.category
        if category != category.strip() or "\n" in category or "\r" in category:
            problems.append("category has spaces at the start or end, or a line break")
        elif category.startswith(("$course$/", "$system$/")):
            problems.append("category must not start with '$course$/' or '$system$/'")
        if not q.text.text.strip() or q.text.text.strip() == BLANK:
            problems.append("question has no text")
        for text, _block in q.texts():
            if text.format not in TEXT_FORMATS:
                problems.append(f"unknown text format '{text.format}'")
        for name, empty in ANSWER_FIELDS.items():
            if name not in self.fields and getattr(q, name) != empty():
                problems.append(f"'{name}' is not used by {self.name} questions")
        return problems + self.validate_answers(q)

    def validate_answers(self, q: Question) -> list[str]:
        return []

    def option_ids(self, q: Question) -> list[str] | None:
        """The ids an attempt shuffles and replaces by per-attempt tokens, or None."""
        return None

    # -- the attempt -------------------------------------------------------------------

    def public_view(self, q: Question, order: list[str] | None = None) -> dict[str, Any]:
        """What a learner may see before submitting: no fractions, feedback or answers."""
        html = html_of(q.text, inline=False)
        return {
            "name": q.name,
            "type": self.name,
            "text": plain_text(html),
            "html": html,
            "options": self.public_options(q, order),
        }

    def public_options(self, q: Question, order: list[str] | None) -> Any:
        if order is not None:
            raise ValueError(f"{self.name} questions have no options to order")
        return []

    @staticmethod
    def ordered(items: list[dict[str, str]], order: list[str] | None) -> list[dict[str, str]]:
        if order is None:
            return items
        by_id = {item["id"]: item for item in items}
        if len(order) != len(by_id) or set(order) != set(by_id):
            raise ValueError(f"order must be a permutation of {sorted(by_id)}")
        return [by_id[i] for i in order]

    def read_form(self, form: Any, field: str, view: dict[str, Any]) -> Any:
        """The raw response from the attempt page's posted fields."""
        return form.get(field, "")

    @abstractmethod
    def normalize(
        self,
        q: Question,
        view: dict[str, Any],
        raw: Any,
        to_option: Callable[[str], str | None],
    ) -> Any:
        """A checked response in option ids, None for no answer; else InvalidResponse."""

    def shown(self, response: Any, to_token: Callable[[str], str]) -> Any:
        """The saved response as the page's fields name it (tokens)."""
        return response

    # -- grading -----------------------------------------------------------------------

    @abstractmethod
    def grade(self, q: Question, response: Any) -> Grade:
        """See elearn.quiz.types."""

    def finish(self, q: Question, fraction: float, feedback: list[Text | None]) -> Grade:
        if not math.isfinite(fraction):
            fraction = 0.0
        fraction = min(1.0, max(0.0, fraction))
        if fraction >= FULL:
            fraction = 1.0
        fraction = round(fraction, 6)
        notes = [html_of(t, inline=True) for t in feedback if t is not None and t.text]
        general = html_of(q.general_feedback, inline=False)
        notes = [n for n in notes if n]
        if general:
            notes.append(general)
        return Grade(fraction=fraction, correct=fraction == 1.0, feedback=notes)

    def zero(self, q: Question) -> Grade:
        return self.finish(q, 0.0, [])

    # -- words for the review ----------------------------------------------------------

    def right_answer_text(self, q: Question) -> str:
        return ""

    def response_text(self, q: Question, response: Any) -> str:
        return str(response)

    @staticmethod
    def words(t: Text) -> str:
        """The plain words of an inline Text."""
        return plain_text(html_of(t, inline=True))


def percent(fraction: float) -> str:
    """``fraction`` as a GIFT percent in its shortest exact form (at most 5 decimals)."""
    s = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s
