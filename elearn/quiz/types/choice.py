"""What single choice and multiple-answer questions share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from elearn.quiz.gift import AnswerBlock, Part, write_text
from elearn.quiz.question import Option, Question, Text, letter_id
from elearn.quiz.richtext import html_of
from elearn.quiz.types.base import (
    Grade,
    InvalidResponse,
    QuestionType,
    expect_ids,
    fraction_problems,
    is_empty_response,
    percent,
)


class Entry(NamedTuple):
    part: Part
    percent: float | None
    text: Text
    feedback: Text


class ChoiceType(QuestionType):
    fields = ("options",)

    def read_entries(self, ctx: AnswerBlock) -> tuple[list[Part], list[Entry], bool]:
        """The answers of a choice block: (every part, the readable ones, whether the checks
        of the whole block must be skipped: a bad weight or too few answers)."""
        parts = ctx.parts()
        entries: list[Entry] = []
        bad_weight = False
        for part in parts:
            weight, rest, ok = ctx.weight(part)
            if not ok:
                bad_weight = True
                continue
            raw_text, raw_feedback = ctx.split_feedback(rest)
            text = ctx.text(raw_text)
            if not text.text:
                ctx.problem(ctx.line_at(part.offset), "empty answer")
            entries.append(Entry(part, weight, text, ctx.feedback(raw_feedback)))
        if len(parts) < 2 and not bad_weight:
            ctx.problem(
                ctx.question_line, f"choice question needs at least 2 answers, has {len(parts)}"
            )
            return parts, entries, True
        return parts, entries, bad_weight

    @staticmethod
    def add_options(ctx: AnswerBlock, q: Question, entries: list[Entry]) -> None:
        for e in entries:
            pct = e.percent if e.percent is not None else (100.0 if e.part.marker == "=" else 0.0)
            q.options.append(
                Option(letter_id(len(q.options)), e.text, ctx.fraction(pct), e.feedback)
            )

    # -- writing -----------------------------------------------------------------------

    def marker(self, option: Option) -> tuple[str, str]:
        """(marker, weight) of an option: ``("~", "")``, ``("~", "50")``, ``("=", "")``."""
        if option.fraction == 0:
            return "~", ""
        return "~", percent(option.fraction)

    def write_answers(self, q: Question) -> str:
        fmt = q.text.format
        lines = []
        for option in q.options:
            text = write_text(option.text, fmt)
            marker, weight = self.marker(option)
            if not weight and text.startswith("%"):
                # the text would read as a weight: write the weight explicitly
                weight = "100" if marker == "=" else "0"
            line = marker + (f"%{weight}%" if weight else "") + text
            feedback = write_text(option.feedback, fmt)
            lines.append(f"\t{line}#{feedback}" if feedback else f"\t{line}")
        return "\n" + "\n".join(lines) + "\n"

    # -- structure ---------------------------------------------------------------------

    def validate_options(self, q: Question) -> list[str]:
        problems = []
        if len(q.options) < 2:
            problems.append(f"choice question needs at least 2 answers, has {len(q.options)}")
        problems += expect_ids([o.id for o in q.options], "option")
        for option in q.options:
            if not option.text.text.strip():
                problems.append(f"option {option.id}: empty answer")
            problems += fraction_problems(option.fraction, f"option {option.id}")
        return problems

    def option_ids(self, q: Question) -> list[str]:
        return [o.id for o in q.options]

    # -- the attempt -------------------------------------------------------------------

    def public_options(self, q: Question, order: list[str] | None) -> list[dict[str, str]]:
        items = [
            {"id": o.id, "text": self.words(o.text), "html": html_of(o.text, inline=True)}
            for o in q.options
        ]
        return self.ordered(items, order)

    @staticmethod
    def view_ids(view: dict[str, Any]) -> set[str]:
        return {o["id"] for o in view.get("options", [])}

    @staticmethod
    def to_id(token: str, to_option: Callable[[str], str | None]) -> str:
        option = to_option(token)
        if option is None:
            raise InvalidResponse("invalid", f"unknown option {token!r}")
        return option

    def option_words(self, q: Question) -> dict[str, str]:
        return {o.id: self.words(o.text) for o in q.options}

    def grade_options(self, q: Question, chosen: list[Option]) -> Grade:
        return self.finish(q, sum(o.fraction for o in chosen), [o.feedback for o in chosen])

    @staticmethod
    def is_empty(raw: Any) -> bool:
        return is_empty_response(raw)
