"""Numeric: ``{#12.5:0.5}`` (value ± tolerance), ``{#10..15}`` (a range),
``{#=1822:0#exact =%50%1822:2#close}`` (several answers, weights and feedback) and
Moodle's catch-all wrong answer ``{#3:2 ~#Completely wrong}``: a ``~`` answer whose text
is empty or ``*``, whose feedback is given for any answer that matches no other answer.

Tolerances and ranges are inclusive (with a tiny relative slack for float rounding); the
best matching answer counts. Learners write numbers the Vietnamese way (`parse_number`):
"142.857" is 142857 and "12,5" is 12.5; the review shows numbers in the page's locale.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale, lazy_gettext

from elearn.quiz.gift import AnswerBlock, parse_plain_number, short, write_text
from elearn.quiz.question import NumericAnswer, Question, Text
from elearn.quiz.types.base import (
    FULL,
    Grade,
    InvalidResponse,
    QuestionType,
    fraction_problems,
    is_empty_response,
    percent,
)

__all__ = ["NumericType", "format_number", "parse_number", "shown_number"]

# Relative slack for float comparisons at the edges of numeric tolerances/ranges.
_EPS = 1e-9


#: Spaces a phone keyboard or a copy-paste may put between groups of digits.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})
#: An integer part grouped in threes by "." or by spaces ("142.857", "1 234 567"); never
#: with a leading zero, so "0.125" stays a decimal point.
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:(?P<sep>[. ])\d{3})(?:(?P=sep)\d{3})*")
_DECIMAL_COMMA = re.compile(r"(?P<int>[^,]*),(?P<frac>\d+)")


def _integer_part(s: str) -> str | None:
    """Digits of an integer part written plainly or grouped in threes; else None."""
    if s.isdigit() and s.isascii():
        return s
    if _GROUPED.fullmatch(s):
        return s.replace(".", "").replace(" ", "")
    return None


def parse_number(value: Any) -> float | None:
    """A finite float from an int/float or from a learner's text; else None.

    The one rule for learners' numbers (documented for authors in docs/course-modules.md):
    - "," is the decimal separator: "12,5" is 12.5 (one comma at most);
    - "." or a space between groups of exactly three digits groups thousands:
      "142.857", "1.234.567", "85 000" and "1.234,5" are 142857, 1234567, 85000, 1234.5;
    - otherwise a single "." is a decimal point: "12.5", "0.125", "3.14159", "1e3";
    - anything else ("1,000.5", "12.5.1", "1,2,3", "12 5") is not a number, and the
      learner is told so instead of being marked wrong.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    s = " ".join(value.translate(_SPACES).split())
    sign = ""
    if s[:1] in ("-", "+"):
        sign, s = s[0], s[1:].lstrip()
    comma = _DECIMAL_COMMA.fullmatch(s)
    if comma:
        digits = _integer_part(comma["int"]) if comma["int"] else "0"
        if digits is None:
            return None
        return parse_plain_number(f"{sign}{digits}.{comma['frac']}")
    digits = _integer_part(s)
    if digits is not None:
        return parse_plain_number(sign + digits)
    if " " in s or "," in s:
        return None
    return parse_plain_number(sign + s)


def format_number(x: float) -> str:
    """``x`` written exactly (``repr``), without a useless ``.0``."""
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def _spec(answer: NumericAnswer) -> str:
    if answer.value is None:
        return f"{format_number(answer.min)}..{format_number(answer.max)}"
    if not answer.tolerance:
        return format_number(answer.value)
    return f"{format_number(answer.value)}:{format_number(answer.tolerance)}"


class NumericType(QuestionType):
    name = "numeric"
    label = lazy_gettext("Numeric")
    template = "quiz/types/numeric.html"
    fields = ("numeric_answers", "numeric_wrong_feedback")

    def claims(self, body: str) -> bool:
        return body.lstrip().startswith("#")

    # -- parsing -----------------------------------------------------------------------

    def parse_answers(self, ctx: AnswerBlock, q: Question) -> None:
        start = ctx.find("#") + 1
        if not ctx.raw[start : ctx.end].strip():
            ctx.problem(q.line, "numeric question has no answers")
            return
        parts = ctx.split(start)
        lead, rest = parts[0], parts[1:]
        has_equals = any(p.marker == "=" for p in rest)
        if lead.body.strip() and has_equals:
            ctx.parts(start)  # reports the text before the first answer
        elif lead.body.strip():
            rest = [lead._replace(marker="=", offset=start - 1), *rest]
        for part in rest:
            line = ctx.line_at(part.offset)
            if part.marker == "~":
                self.catch_all(ctx, q, part, line)
                continue
            weight, body, ok = ctx.weight(part)
            if not ok:
                continue
            raw_spec, raw_feedback = ctx.split_feedback(body)
            spec = ctx.plain(raw_spec)
            if not spec:
                ctx.problem(line, "empty numeric answer")
                continue
            answer = self.answer(ctx, line, spec)
            if answer is not None:
                answer.fraction = ctx.fraction(100.0 if weight is None else weight)
                answer.feedback = ctx.feedback(raw_feedback)
                q.numeric_answers.append(answer)
        if q.numeric_answers and max(a.fraction for a in q.numeric_answers) < 1:
            ctx.problem(q.line, "numeric question has no answer worth 100%")
        elif not q.numeric_answers and not has_equals and not lead.body.strip():
            ctx.problem(q.line, "numeric question has no answers")

    def catch_all(self, ctx: AnswerBlock, q: Question, part: Any, line: int) -> None:
        raw_text, raw_feedback = ctx.split_feedback(part.body)
        if ctx.plain(raw_text) not in ("", "*"):
            ctx.problem(line, "numeric answers must start with '='")
        elif q.numeric_wrong_feedback is not None:
            ctx.problem(line, "numeric question has more than one catch-all answer ('~')")
        else:
            q.numeric_wrong_feedback = ctx.feedback(raw_feedback)

    @staticmethod
    def answer(ctx: AnswerBlock, line: int, spec: str) -> NumericAnswer | None:
        if ".." in spec:
            lo_s, hi_s = spec.split("..", 1)
            lo, hi = parse_plain_number(lo_s), parse_plain_number(hi_s)
            for s, v in ((lo_s, lo), (hi_s, hi)):
                if v is None:
                    ctx.problem(line, f"numeric answer '{short(s.strip())}' is not a number")
                    return None
            assert lo is not None and hi is not None
            if lo > hi:
                ctx.problem(line, f"numeric range {spec.strip()}: minimum is greater than maximum")
                return None
            return NumericAnswer(min=lo, max=hi)
        value_s, _, tol_s = spec.partition(":")
        value = parse_plain_number(value_s)
        if value is None:
            ctx.problem(line, f"numeric answer '{short(value_s.strip())}' is not a number")
            return None
        tolerance = 0.0
        if tol_s.strip():
            tol = parse_plain_number(tol_s)
            if tol is None:
                ctx.problem(line, f"numeric tolerance '{short(tol_s.strip())}' is not a number")
                return None
            if tol < 0:
                ctx.problem(line, "numeric tolerance must not be negative")
                return None
            tolerance = tol
        elif ":" in spec:
            ctx.problem(line, "numeric tolerance is missing after ':'")
            return None
        lo, hi = value - tolerance, value + tolerance
        if not (math.isfinite(lo) and math.isfinite(hi)):
            ctx.problem(line, f"numeric answer '{short(spec)}' is out of range")
            return None
        return NumericAnswer(min=lo, max=hi, value=value, tolerance=tolerance)

    # -- writing -----------------------------------------------------------------------

    def write_answers(self, q: Question) -> str:
        fmt = q.text.format
        lines = []
        for answer in q.numeric_answers:
            weight = "" if answer.fraction == 1 else f"%{percent(answer.fraction)}%"
            feedback = write_text(answer.feedback, fmt)
            line = f"={weight}{_spec(answer)}"
            lines.append(f"\t{line}#{feedback}" if feedback else f"\t{line}")
        if q.numeric_wrong_feedback is not None:
            feedback = write_text(q.numeric_wrong_feedback, fmt)
            lines.append(f"\t~#{feedback}" if feedback else "\t~")
        return "#\n" + "\n".join(lines) + "\n"

    # -- structure ---------------------------------------------------------------------

    def validate_answers(self, q: Question) -> list[str]:
        if not q.numeric_answers:
            return ["numeric question has no answers"]
        problems = []
        for n, a in enumerate(q.numeric_answers, start=1):
            what = f"answer {n}"
            numbers = [a.min, a.max] + [x for x in (a.value, a.tolerance) if x is not None]
            if not all(
                isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
                for x in numbers
            ):
                problems.append(f"{what}: not a finite number")
                continue
            if (a.value is None) != (a.tolerance is None):
                problems.append(f"{what}: value and tolerance go together")
            elif a.value is not None and a.tolerance is not None:
                if a.tolerance < 0:
                    problems.append(f"{what}: numeric tolerance must not be negative")
                elif (a.min, a.max) != (a.value - a.tolerance, a.value + a.tolerance):
                    problems.append(f"{what}: min/max are not value ∓ tolerance")
            elif a.min > a.max:
                problems.append(f"{what}: minimum is greater than maximum")
            problems += fraction_problems(a.fraction, what)
        if not problems and max(a.fraction for a in q.numeric_answers) < 1:
            problems.append("numeric question has no answer worth 100%")
        return problems

    # -- the attempt -------------------------------------------------------------------

    def normalize(
        self,
        q: Question,
        view: dict[str, Any],
        raw: Any,
        to_option: Callable[[str], str | None],
    ) -> Any:
        if is_empty_response(raw):
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise InvalidResponse("invalid", "not a number or a text")
        if isinstance(raw, str) and not raw.strip():
            return None
        if parse_number(raw) is None:
            raise InvalidResponse("number", "not a number")
        return raw.strip() if isinstance(raw, str) else raw

    def best(self, q: Question, number: float) -> NumericAnswer | None:
        best = None
        for answer in q.numeric_answers:
            slack = _EPS * max(1.0, abs(answer.min), abs(answer.max))
            if answer.value is not None and answer.tolerance is not None:
                inside = abs(number - answer.value) <= answer.tolerance + slack
            else:
                inside = answer.min - slack <= number <= answer.max + slack
            if inside and (best is None or answer.fraction > best.fraction):
                best = answer
        return best

    def grade(self, q: Question, response: Any) -> Grade:
        number = parse_number(response)
        if number is None:
            return self.zero(q)
        best = self.best(q, number)
        if best is None:
            wrong: list[Text | None] = [q.numeric_wrong_feedback]
            return self.finish(q, 0.0, wrong)
        return self.finish(q, best.fraction, [best.feedback])

    def right_answer_text(self, q: Question) -> str:
        parts = []
        for answer in q.numeric_answers:
            if answer.fraction < FULL:
                continue
            if answer.value is not None:
                tol = f" ± {shown_number(answer.tolerance)}" if answer.tolerance else ""
                parts.append(f"{shown_number(answer.value)}{tol}")
            else:
                parts.append(f"{shown_number(answer.min)} – {shown_number(answer.max)}")
        return " / ".join(parts)

    def response_text(self, q: Question, response: Any) -> str:
        number = parse_number(response)
        return str(response) if number is None else shown_number(number)


def shown_number(x: float) -> str:
    """``x`` as the page's locale writes it ("142.857", "12,5" in Vietnamese), every digit kept."""
    # 12 significant digits: what a learner or an author typed, without float noise.
    return format_decimal(
        float(f"{x:.12g}"), locale=get_locale() or "vi", decimal_quantization=False
    )
