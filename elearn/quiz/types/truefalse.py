"""True/false: ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}`` (any case).

``{T#wrong#right}``: the first feedback is for a learner who answered wrongly, the second
for one who answered rightly (Moodle's order). The Question keeps them as
``feedback_true``/``feedback_false``: shown to a learner who answered True/False.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext, lazy_gettext

from elearn.quiz.gift import AnswerBlock, find_unescaped, write_text
from elearn.quiz.question import Question
from elearn.quiz.types.base import Grade, InvalidResponse, QuestionType, is_empty_response

_WORDS = ("T", "TRUE", "F", "FALSE")


def _head(body: str) -> str:
    h = find_unescaped(body, "#")
    return (body if h < 0 else body[:h]).strip().upper()


class TrueFalseType(QuestionType):
    name = "truefalse"
    label = lazy_gettext("True/false")
    template = "quiz/types/truefalse.html"
    fields = ("answer", "feedback_true", "feedback_false")

    def claims(self, body: str) -> bool:
        return _head(body) in _WORDS

    def parse_answers(self, ctx: AnswerBlock, q: Question) -> None:
        q.answer = _head(ctx.body).startswith("T")
        wrong_raw = right_raw = None
        first = ctx.find("#")
        if first >= 0:
            second = ctx.find("#", first + 1)
            if second >= 0:
                wrong_raw = ctx.raw[first + 1 : second]
                right_raw = ctx.raw[second + 1 : ctx.end]
            else:
                wrong_raw = ctx.raw[first + 1 : ctx.end]
        wrong, right = ctx.feedback(wrong_raw), ctx.feedback(right_raw)
        if q.answer:
            q.feedback_true, q.feedback_false = right, wrong
        else:
            q.feedback_true, q.feedback_false = wrong, right

    def write_answers(self, q: Question) -> str:
        fmt = q.text.format
        if q.answer:
            right, wrong = q.feedback_true, q.feedback_false
        else:
            right, wrong = q.feedback_false, q.feedback_true
        right_s, wrong_s = write_text(right, fmt), write_text(wrong, fmt)
        out = "T" if q.answer else "F"
        if wrong_s or right_s:
            out += "#" + wrong_s
        if right_s:
            out += "#" + right_s
        return out

    def validate_answers(self, q: Question) -> list[str]:
        if not isinstance(q.answer, bool):
            return ["true/false question has no answer (True or False)"]
        return []

    def public_options(self, q: Question, order: list[str] | None) -> list[dict[str, str]]:
        if order is not None:
            raise ValueError("true/false questions have no options to order")
        return [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]

    def normalize(
        self,
        q: Question,
        view: dict[str, Any],
        raw: Any,
        to_option: Callable[[str], str | None],
    ) -> bool | None:
        if is_empty_response(raw):
            return None
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise InvalidResponse("invalid", "not true or false")

    def grade(self, q: Question, response: Any) -> Grade:
        if isinstance(response, str):
            word = response.strip().lower()
            if word not in ("true", "false"):
                return self.zero(q)
            response = word == "true"
        if not isinstance(response, bool) or q.answer is None:
            return self.zero(q)
        fraction = 1.0 if response == q.answer else 0.0
        return self.finish(q, fraction, [q.feedback_true if response else q.feedback_false])

    def right_answer_text(self, q: Question) -> str:
        return gettext("True") if q.answer else gettext("False")

    def response_text(self, q: Question, response: Any) -> str:
        return gettext("True") if response else gettext("False")
