"""Single choice: ``{=right ~wrong ~%50%half right}``.

Moodle's rule: a choice block (one with ``~``) that has an unescaped ``=`` is a single
choice question whatever the ``~`` weights: the ``=`` answer is worth 100 %, a ``~%n%``
answer n % (negative: a penalty), a plain ``~`` answer 0. Exactly one answer is worth
100 %.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext

from elearn.quiz.gift import AnswerBlock, find_unescaped
from elearn.quiz.question import Option, Question
from elearn.quiz.types.base import FULL, Grade, InvalidResponse
from elearn.quiz.types.choice import ChoiceType


class SingleType(ChoiceType):
    name = "single"
    label = lazy_gettext("Single choice")
    template = "quiz/types/single.html"

    def claims(self, body: str) -> bool:
        return find_unescaped(body, "~") >= 0 and find_unescaped(body, "=") >= 0

    def parse_answers(self, ctx: AnswerBlock, q: Question) -> None:
        parts, entries, skip = self.read_entries(ctx)
        self.add_options(ctx, q, entries)
        if skip:
            return
        rights = sum(1 for p in parts if p.marker == "=")
        if rights > 1:
            ctx.problem(
                q.line,
                f"single choice question has {rights} right answers ('='); "
                "use ~%n% weights for a multiple-answer question",
            )
        full = sum(1 for o in q.options if o.fraction >= 1)
        if q.options and full == 0:
            ctx.problem(q.line, "single choice question has no answer worth 100%")
        elif rights <= 1 and full > 1:
            ctx.problem(q.line, f"single choice question has {full} answers worth 100%")

    def marker(self, option: Option) -> tuple[str, str]:
        if option.fraction == 1:
            return "=", ""
        return super().marker(option)

    def validate_answers(self, q: Question) -> list[str]:
        problems = self.validate_options(q)
        full = sum(1 for o in q.options if o.fraction == 1)
        if q.options and full == 0:
            problems.append("single choice question has no answer worth 100%")
        elif full > 1:
            problems.append(f"single choice question has {full} answers worth 100%")
        return problems

    def normalize(
        self,
        q: Question,
        view: dict[str, Any],
        raw: Any,
        to_option: Callable[[str], str | None],
    ) -> str | None:
        if self.is_empty(raw):
            return None
        if not isinstance(raw, str) or raw not in self.view_ids(view):
            raise InvalidResponse("invalid", "not one of the options")
        return self.to_id(raw, to_option)

    def shown(self, response: Any, to_token: Callable[[str], str]) -> Any:
        return None if response is None else to_token(response)

    def grade(self, q: Question, response: Any) -> Grade:
        if not isinstance(response, str):
            return self.zero(q)
        chosen = next((o for o in q.options if o.id == response.strip()), None)
        if chosen is None:
            return self.zero(q)
        return self.grade_options(q, [chosen])

    def right_answer_text(self, q: Question) -> str:
        return "; ".join(self.words(o.text) for o in q.options if o.fraction >= FULL)

    def response_text(self, q: Question, response: Any) -> str:
        return self.option_words(q).get(response, "")
