"""Multiple answers: ``{~%50%right ~%50%also right ~%-100%wrong ~neutral}``.

A choice block without any unescaped ``=``: every answer is ``~``, with an optional
``%n%`` weight (-100..100). The positive weights must add up to 100 (± 0.01). A learner
may choose several answers: the chosen fractions are added (wrong picks subtract) and the
sum is clamped to 0..1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext

from elearn.quiz.gift import AnswerBlock, find_unescaped, fmt_pct
from elearn.quiz.question import Question
from elearn.quiz.types.base import WEIGHT_TOLERANCE, Grade, InvalidResponse
from elearn.quiz.types.choice import ChoiceType


class MultiType(ChoiceType):
    name = "multi"
    label = lazy_gettext("Multiple answers")
    template = "quiz/types/multi.html"

    def claims(self, body: str) -> bool:
        return find_unescaped(body, "~") >= 0 and find_unescaped(body, "=") < 0

    def parse_answers(self, ctx: AnswerBlock, q: Question) -> None:
        _parts, entries, skip = self.read_entries(ctx)
        self.add_options(ctx, q, entries)
        if skip or not entries:
            return
        weights = [e.percent for e in entries if e.percent is not None]
        if not weights:
            ctx.problem(q.line, "single choice question has no right answer ('=')")
            return
        total = sum(w for w in weights if w > 0)
        if total == 0:
            ctx.problem(
                q.line,
                "multiple-answer question has no right answer (no '=' and no positive ~%n% weight)",
            )
        elif abs(total - 100) > WEIGHT_TOLERANCE + 1e-9:
            ctx.problem(q.line, f"multiple-answer weights add up to {fmt_pct(total)}%, not 100%")

    def validate_answers(self, q: Question) -> list[str]:
        problems = self.validate_options(q)
        if problems:
            return problems
        total = sum(o.fraction for o in q.options if o.fraction > 0) * 100
        if total == 0:
            problems.append("multiple-answer question has no right answer (no positive weight)")
        elif abs(total - 100) > WEIGHT_TOLERANCE + 1e-9:
            problems.append(f"multiple-answer weights add up to {fmt_pct(total)}%, not 100%")
        return problems

    def read_form(self, form: Any, field: str, view: dict[str, Any]) -> Any:
        return form.getlist(field)

    def normalize(
        self,
        q: Question,
        view: dict[str, Any],
        raw: Any,
        to_option: Callable[[str], str | None],
    ) -> list[str] | None:
        if self.is_empty(raw):
            return None
        if isinstance(raw, str):
            raw = [raw]
        ids = self.view_ids(view)
        if not isinstance(raw, list) or not all(isinstance(x, str) and x in ids for x in raw):
            raise InvalidResponse("invalid", "not a list of the options")
        return sorted({self.to_id(x, to_option) for x in raw})

    def shown(self, response: Any, to_token: Callable[[str], str]) -> Any:
        return None if response is None else [to_token(v) for v in response]

    def grade(self, q: Question, response: Any) -> Grade:
        if not isinstance(response, list | tuple | set | frozenset):
            return self.zero(q)
        by_id = {o.id: o for o in q.options}
        picked: set[str] = set()
        for item in response:
            if not isinstance(item, str) or item.strip() not in by_id:
                return self.zero(q)
            picked.add(item.strip())
        return self.grade_options(q, [o for o in q.options if o.id in picked])

    def right_answer_text(self, q: Question) -> str:
        return "; ".join(self.words(o.text) for o in q.options if o.fraction > 0)

    def response_text(self, q: Question, response: Any) -> str:
        words = self.option_words(q)
        return "; ".join(words.get(v, "") for v in response or [])
