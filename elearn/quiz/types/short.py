"""Short answer: ``{=answer =%50%almost#feedback}``.

Answers are compared trimmed, whitespace collapsed, NFC, case-folded and, when the
question carries ``// elearn: ignore-diacritics``, without Vietnamese diacritics
(đ -> d). ``*`` in an answer matches any run of characters (possibly empty), ``\\*`` is a
literal star; an answer that is only ``*`` accepts anything (give it a low weight). The
best matching answer counts.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext

from elearn.quiz.gift import AnswerBlock, escape, find_unescaped, write_text
from elearn.quiz.question import Question, ShortAnswer
from elearn.quiz.types.base import (
    FULL,
    MAX_TEXT_ANSWER,
    Grade,
    InvalidResponse,
    QuestionType,
    fraction_problems,
    is_empty_response,
    percent,
)

__all__ = ["ShortType", "answer_pattern", "matches", "normalize_answer"]


def _strip_diacritics(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", s)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def _fold(s: str, ignore_diacritics: bool) -> str:
    s = unicodedata.normalize("NFC", s)
    s = unicodedata.normalize("NFC", s.casefold())
    if ignore_diacritics:
        s = _strip_diacritics(s)
    return s


def normalize_answer(s: str, ignore_diacritics: bool = False) -> str:
    """The form short answers are compared in."""
    return " ".join(_fold(s, ignore_diacritics).split())


_SPACE = re.compile(r"(\s+)")


@functools.lru_cache(maxsize=4096)
def answer_pattern(text: str, ignore_diacritics: bool = False) -> re.Pattern[str]:
    """The regular expression a normalised response must match fully for ``text``.

    It accepts exactly the normalised forms of ``text`` with each ``*`` replaced by any
    text: ``Hà * Nội`` accepts "Hà Nội" and "Hà thủ đô Nội" but not "HàNội".
    """
    # tokens: ("lit", non-blank text) / ("sp", "") / ("w", "")
    tokens: list[tuple[str, str]] = []

    def literal(s: str) -> None:
        for chunk in _SPACE.split(_fold(s, ignore_diacritics)):
            if chunk and chunk.isspace():
                tokens.append(("sp", ""))
            elif chunk:
                tokens.append(("lit", chunk))

    buf: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text.startswith("*", i + 1):
            buf.append("*")
            i += 2
            continue
        if c == "*":
            literal("".join(buf))
            buf = []
            tokens.append(("w", ""))
        else:
            buf.append(c)
        i += 1
    literal("".join(buf))

    out: list[str] = []
    k = 0
    while k < len(tokens):
        kind, value = tokens[k]
        if kind == "lit":
            out.append(re.escape(value))
            k += 1
            continue
        run_start = k
        while k < len(tokens) and tokens[k][0] != "lit":
            k += 1
        run = [t[0] for t in tokens[run_start:k]]
        at_start, at_end = run_start == 0, k == len(tokens)
        starts, ends = run[0] == "sp", run[-1] == "sp"
        if "w" not in run:
            out.append("" if at_start or at_end else " ")
        elif at_start and at_end:
            out.append(".*")
        elif at_start:
            out.append("(?:.* )?" if ends else ".*")
        elif at_end:
            out.append("(?: .*)?" if starts else ".*")
        elif starts and ends:
            out.append(" (?:.* )?")
        elif starts:
            out.append(" .*")
        elif ends:
            out.append(".* ")
        else:
            out.append(".* .*" if "sp" in run else ".*")
    return re.compile("".join(out), re.DOTALL)


def matches(answer: str, response: str, ignore_diacritics: bool = False) -> bool:
    given = normalize_answer(response, ignore_diacritics)
    return bool(given) and answer_pattern(answer, ignore_diacritics).fullmatch(given) is not None


class ShortType(QuestionType):
    name = "short"
    label = lazy_gettext("Short answer")
    template = "quiz/types/short.html"
    fields = ("answers", "ignore_diacritics")

    def claims(self, body: str) -> bool:
        return find_unescaped(body, "=") >= 0 and body.lstrip().startswith("=")

    def parse_answers(self, ctx: AnswerBlock, q: Question) -> None:
        problems_before = ctx.problem_count
        for part in ctx.parts():
            line = ctx.line_at(part.offset)
            if part.marker != "=":
                ctx.problem(line, "short-answer answers must start with '='")
                continue
            weight, rest, ok = ctx.weight(part)
            if not ok:
                continue
            raw_text, raw_feedback = ctx.split_feedback(rest)
            text = ctx.plain(raw_text)
            if not text:
                ctx.problem(line, "empty answer")
                continue
            fraction = ctx.fraction(100.0 if weight is None else weight)
            q.answers.append(ShortAnswer(text, fraction, ctx.feedback(raw_feedback)))
        if q.answers and max(a.fraction for a in q.answers) < 1:
            ctx.problem(q.line, "short-answer question has no answer worth 100%")
        elif not q.answers and ctx.problem_count == problems_before:
            ctx.problem(q.line, "question has no answers")

    def write_answers(self, q: Question) -> str:
        fmt = q.text.format
        lines = []
        for answer in q.answers:
            text = escape(answer.text.strip())
            weight = "" if answer.fraction == 1 else percent(answer.fraction)
            if not weight and text.startswith("%"):
                weight = "100"
            line = "=" + (f"%{weight}%" if weight else "") + text
            feedback = write_text(answer.feedback, fmt)
            lines.append(f"\t{line}#{feedback}" if feedback else f"\t{line}")
        return "\n" + "\n".join(lines) + "\n"

    def validate_answers(self, q: Question) -> list[str]:
        problems = []
        if not q.answers:
            return ["question has no answers"]
        for n, answer in enumerate(q.answers, start=1):
            if not answer.text.strip():
                problems.append(f"answer {n}: empty answer")
            if "->" in answer.text or "->" in answer.feedback.text:
                problems.append(
                    f"answer {n}: '->' in a short answer or its feedback reads as matching"
                )
            problems += fraction_problems(answer.fraction, f"answer {n}")
        if not problems and max(a.fraction for a in q.answers) < 1:
            problems.append("short-answer question has no answer worth 100%")
        return problems

    def normalize(
        self,
        q: Question,
        view: dict[str, Any],
        raw: Any,
        to_option: Callable[[str], str | None],
    ) -> str | None:
        if is_empty_response(raw):
            return None
        if not isinstance(raw, str) or len(raw) > MAX_TEXT_ANSWER:
            raise InvalidResponse("invalid", "not a text of at most 500 characters")
        return raw.strip() or None

    def best(self, q: Question, response: Any) -> ShortAnswer | None:
        if not isinstance(response, str):
            return None
        best = None
        for answer in q.answers:
            if matches(answer.text, response, q.ignore_diacritics):
                if best is None or answer.fraction > best.fraction:
                    best = answer
        return best

    def grade(self, q: Question, response: Any) -> Grade:
        best = self.best(q, response)
        if best is None:
            return self.zero(q)
        return self.finish(q, best.fraction, [best.feedback])

    def right_answer_text(self, q: Question) -> str:
        return " / ".join(a.text for a in q.answers if a.fraction >= FULL)
