"""Matching: ``{=Canada -> Ottawa =Italy -> Rome = -> Paris}``.

Left items are rich texts (ids ``a``, ``b``, … in source order); right-hand texts are
plain text (as in Moodle), with ids ``1``, ``2``, … in case-folded alphabetical order
(identical texts share an id), so the ids do not reveal the pairing. ``= -> x`` adds a
right-hand distractor. The fraction is the share of right pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext

from elearn.quiz.gift import AnswerBlock, escape, find_unescaped, write_text
from elearn.quiz.question import Question, Text, matching_ids
from elearn.quiz.richtext import html_of
from elearn.quiz.types.base import (
    Grade,
    InvalidResponse,
    QuestionType,
    expect_ids,
    is_empty_response,
)

__all__ = ["MatchingType"]


class MatchingType(QuestionType):
    name = "matching"
    label = lazy_gettext("Matching")
    template = "quiz/types/matching.html"
    fields = ("pairs", "right_choices")

    def claims(self, body: str) -> bool:
        return find_unescaped(body, "=") >= 0 and "->" in body

    def parse_answers(self, ctx: AnswerBlock, q: Question) -> None:
        problems_before = ctx.problem_count
        lefts: list[tuple[Text, str]] = []
        distractors: list[str] = []
        for part in ctx.parts():
            line = ctx.line_at(part.offset)
            if part.marker != "=":
                ctx.problem(line, "matching pairs must start with '='")
                continue
            body = part.body
            arrow = body.find("->")
            if arrow < 0:
                ctx.problem(line, "matching pair has no '->'")
                continue
            if find_unescaped(body, "#") >= 0:
                ctx.problem(line, "feedback ('#') is not supported in matching pairs")
                continue
            left, right = ctx.text(body[:arrow]), ctx.plain(body[arrow + 2 :])
            if not right:
                ctx.problem(line, "matching pair has no right-hand side")
                continue
            if left.text:
                lefts.append((left, right))
            else:
                distractors.append(right)
        if ctx.problem_count != problems_before:
            return
        if len(lefts) < 2:
            ctx.problem(q.line, f"matching question needs at least 2 pairs, has {len(lefts)}")
            return
        q.pairs, q.right_choices = matching_ids(lefts, distractors)

    def distractors(self, q: Question) -> list[str]:
        used = {p.right_id for p in q.pairs}
        return [text for rid, text in q.right_choices if rid not in used]

    def write_answers(self, q: Question) -> str:
        fmt = q.text.format
        lines = [f"\t={write_text(p.left, fmt)} -> {escape(p.right_text.strip())}" for p in q.pairs]
        lines += [f"\t= -> {escape(text.strip())}" for text in self.distractors(q)]
        return "\n" + "\n".join(lines) + "\n"

    def validate_answers(self, q: Question) -> list[str]:
        problems = []
        if len(q.pairs) < 2:
            problems.append(f"matching question needs at least 2 pairs, has {len(q.pairs)}")
        problems += expect_ids([p.left_id for p in q.pairs], "matching left item")
        for p in q.pairs:
            if not p.left.text.strip():
                problems.append(f"matching item {p.left_id} has no text")
            elif "->" in p.left.text:
                problems.append(f"matching item {p.left_id} must not contain '->'")
        texts = [t for _, t in q.right_choices] + [p.right_text for p in q.pairs]
        if any(not t.strip() for t in texts):
            problems.append("matching pair has no right-hand side")
        if problems:
            return problems
        expected = matching_ids([(p.left, p.right_text) for p in q.pairs], self.distractors(q))
        if (q.pairs, q.right_choices) != expected:
            problems.append(
                "matching right-hand ids must be 1, 2, … in alphabetical order of their texts"
            )
        return problems

    def option_ids(self, q: Question) -> list[str]:
        return [rid for rid, _ in q.right_choices]

    def public_options(self, q: Question, order: list[str] | None) -> dict[str, Any]:
        right = [{"id": rid, "text": text} for rid, text in q.right_choices]
        return {
            "left": [
                {"id": p.left_id, "text": self.words(p.left), "html": html_of(p.left, True)}
                for p in q.pairs
            ],
            "right": self.ordered(right, order),
        }

    def read_form(self, form: Any, field: str, view: dict[str, Any]) -> Any:
        return {
            item["id"]: form.get(f"{field}-{item['id']}", "") for item in view["options"]["left"]
        }

    def normalize(
        self,
        q: Question,
        view: dict[str, Any],
        raw: Any,
        to_option: Callable[[str], str | None],
    ) -> dict[str, str] | None:
        if is_empty_response(raw):
            return None
        if not isinstance(raw, dict):
            raise InvalidResponse("invalid", "not an object of left item to right choice")
        left = {item["id"] for item in view["options"]["left"]}
        right = {item["id"] for item in view["options"]["right"]}
        cleaned = {}
        for key, value in raw.items():
            if not isinstance(key, str) or not (value is None or isinstance(value, str)):
                raise InvalidResponse("invalid", "not an object of left item to right choice")
            if key not in left or (value not in right and value not in ("", None)):
                raise InvalidResponse("invalid", "unknown left item or right choice")
            if value:
                option = to_option(value)
                if option is None:
                    raise InvalidResponse("invalid", "unknown right choice")
                cleaned[key] = option
        return cleaned or None

    def shown(self, response: Any, to_token: Callable[[str], str]) -> Any:
        if response is None:
            return None
        return {k: to_token(v) for k, v in response.items()}

    def grade(self, q: Question, response: Any) -> Grade:
        if not isinstance(response, Mapping) or not q.pairs:
            return self.zero(q)
        lefts = {p.left_id: p for p in q.pairs}
        rights = {rid for rid, _ in q.right_choices}
        right_count = 0
        for left_id, right_id in response.items():
            if not isinstance(left_id, str) or left_id not in lefts:
                return self.zero(q)
            if right_id is None or right_id == "":
                continue  # left unanswered
            if not isinstance(right_id, str) or right_id not in rights:
                return self.zero(q)
            if lefts[left_id].right_id == right_id:
                right_count += 1
        return self.finish(q, right_count / len(q.pairs), [])

    def right_answer_text(self, q: Question) -> str:
        return "; ".join(f"{self.words(p.left)} → {p.right_text}" for p in q.pairs)

    def response_text(self, q: Question, response: Any) -> str:
        left = {p.left_id: self.words(p.left) for p in q.pairs}
        right = dict(q.right_choices)
        items = (response or {}).items()
        return "; ".join(f"{left.get(k, k)} → {right.get(v, v)}" for k, v in items)
