"""Grading a learner's response to a parsed GIFT :class:`~elearn.quiz.gift.Question`.

``grade(question, response)`` never raises on a bad response: a response of the wrong
type, or naming an unknown option, grades as 0. Responses by question type:

* single    -> option id (``"a"``)
* multi     -> list/tuple/set of option ids; the chosen fractions are added (wrong picks
               subtract) and the sum is clamped to 0..1
* truefalse -> bool, or the strings ``"true"``/``"false"`` (any case)
* short     -> str; compared trimmed, whitespace collapsed, NFC, casefolded, and without
               Vietnamese diacritics (đ -> d) when ``question.ignore_diacritics``
* numeric   -> int/float or a numeric string (``"12.5"`` or ``"12,5"``); tolerance and
               ranges are inclusive; the best matching answer counts
* matching  -> dict ``left_id -> right_id``; the fraction is the share of right pairs

``Grade.feedback`` holds the feedback of the chosen/matched answers, then the general
feedback. ``public_view`` is what a learner may see before submitting.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from elearn.quiz.gift import Question, parse_plain_number

__all__ = ["Grade", "grade", "normalize_answer", "parse_number", "public_view"]

# Multi-answer weights are accepted when they add up to 100 ± 0.01 %, so a sum that
# close to 1 counts as full marks (3 × 33.333 % = 99.999 %).
_FULL = 1 - 1e-4
# Relative slack for float comparisons at the edges of numeric tolerances/ranges.
_EPS = 1e-9


@dataclass
class Grade:
    fraction: float
    correct: bool
    feedback: list[str] = field(default_factory=list)


def _finish(question: Question, fraction: float, feedback: list[str]) -> Grade:
    if not math.isfinite(fraction):
        fraction = 0.0
    fraction = min(1.0, max(0.0, fraction))
    if fraction >= _FULL:
        fraction = 1.0
    fraction = round(fraction, 6)
    notes = [f for f in feedback if f]
    if question.general_feedback:
        notes.append(question.general_feedback)
    return Grade(fraction=fraction, correct=fraction == 1.0, feedback=notes)


def _zero(question: Question) -> Grade:
    return _finish(question, 0.0, [])


# --------------------------------------------------------------------------- text


def _strip_diacritics(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", s)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def normalize_answer(s: str, ignore_diacritics: bool = False) -> str:
    """The form short answers are compared in."""
    s = unicodedata.normalize("NFC", s)
    s = unicodedata.normalize("NFC", s.casefold())
    if ignore_diacritics:
        s = _strip_diacritics(s)
    return " ".join(s.split())


def parse_number(value: Any) -> float | None:
    """A finite float from an int/float or a string like ``"12.5"``/``"12,5"``; else None."""
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
    s = value.strip().replace(" ", "").replace("\u00a0", "")
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    return parse_plain_number(s)


# --------------------------------------------------------------------------- grading


def _grade_single(q: Question, response: Any) -> Grade:
    if not isinstance(response, str):
        return _zero(q)
    chosen = next((o for o in q.options if o.id == response.strip()), None)
    if chosen is None:
        return _zero(q)
    return _finish(q, chosen.fraction, [chosen.feedback])


def _grade_multi(q: Question, response: Any) -> Grade:
    if not isinstance(response, list | tuple | set | frozenset):
        return _zero(q)
    by_id = {o.id: o for o in q.options}
    picked: set[str] = set()
    for item in response:
        if not isinstance(item, str) or item.strip() not in by_id:
            return _zero(q)
        picked.add(item.strip())
    chosen = [o for o in q.options if o.id in picked]  # source order, each once
    total = sum(o.fraction for o in chosen)
    return _finish(q, total, [o.feedback for o in chosen])


def _grade_truefalse(q: Question, response: Any) -> Grade:
    if isinstance(response, str):
        word = response.strip().lower()
        if word not in ("true", "false"):
            return _zero(q)
        response = word == "true"
    if not isinstance(response, bool) or q.answer is None:
        return _zero(q)
    fraction = 1.0 if response == q.answer else 0.0
    return _finish(q, fraction, [q.feedback_true if response else q.feedback_false])


def _grade_short(q: Question, response: Any) -> Grade:
    if not isinstance(response, str):
        return _zero(q)
    given = normalize_answer(response, q.ignore_diacritics)
    if not given:
        return _zero(q)
    best = None
    for answer in q.answers:
        if normalize_answer(answer.text, q.ignore_diacritics) == given:
            if best is None or answer.fraction > best.fraction:
                best = answer
    if best is None:
        return _zero(q)
    return _finish(q, best.fraction, [best.feedback])


def _grade_numeric(q: Question, response: Any) -> Grade:
    number = parse_number(response)
    if number is None:
        return _zero(q)
    best = None
    for answer in q.numeric_answers:
        slack = _EPS * max(1.0, abs(answer.min), abs(answer.max))
        if answer.value is not None and answer.tolerance is not None:
            inside = abs(number - answer.value) <= answer.tolerance + slack
        else:
            inside = answer.min - slack <= number <= answer.max + slack
        if inside and (best is None or answer.fraction > best.fraction):
            best = answer
    if best is None:
        return _zero(q)
    return _finish(q, best.fraction, [best.feedback])


def _grade_matching(q: Question, response: Any) -> Grade:
    if not isinstance(response, Mapping) or not q.pairs:
        return _zero(q)
    lefts = {p.left_id: p for p in q.pairs}
    rights = {rid for rid, _ in q.right_choices}
    right_count = 0
    for left_id, right_id in response.items():
        if not isinstance(left_id, str) or left_id not in lefts:
            return _zero(q)
        if right_id is None or right_id == "":
            continue  # left unanswered
        if not isinstance(right_id, str) or right_id not in rights:
            return _zero(q)
        if lefts[left_id].right_id == right_id:
            right_count += 1
    return _finish(q, right_count / len(q.pairs), [])


_GRADERS = {
    "single": _grade_single,
    "multi": _grade_multi,
    "truefalse": _grade_truefalse,
    "short": _grade_short,
    "numeric": _grade_numeric,
    "matching": _grade_matching,
}


def grade(question: Question, response: Any) -> Grade:
    """Grade ``response``; see the module docstring for the response of each type."""
    grader = _GRADERS.get(question.qtype)
    if grader is None:
        return _zero(question)
    return grader(question, response)


# --------------------------------------------------------------------------- public view


def _ordered(items: list[dict[str, str]], order: list[str] | None) -> list[dict[str, str]]:
    if order is None:
        return items
    by_id = {item["id"]: item for item in items}
    if len(order) != len(by_id) or set(order) != set(by_id):
        raise ValueError(f"option_order must be a permutation of {sorted(by_id)}")
    return [by_id[i] for i in order]


def public_view(question: Question, option_order: list[str] | None = None) -> dict[str, Any]:
    """What a learner may see before submitting: no fractions, feedback or right answers.

    ``option_order`` (a permutation of the option ids) orders the options of single/multi
    questions and the right-hand choices of matching questions; it is ignored for the
    other types. For matching, ``options`` is ``{"left": [...], "right": [...]}``.
    """
    view: dict[str, Any] = {
        "id": question.name,
        "name": question.name,
        "type": question.qtype,
        "text": question.text,
        "text_format": question.text_format,
    }
    if question.qtype in ("single", "multi"):
        items = [{"id": o.id, "text": o.text} for o in question.options]
        view["options"] = _ordered(items, option_order)
    elif question.qtype == "truefalse":
        view["options"] = [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
    elif question.qtype == "matching":
        right = [{"id": rid, "text": text} for rid, text in question.right_choices]
        view["options"] = {
            "left": [{"id": p.left_id, "text": p.left_text} for p in question.pairs],
            "right": _ordered(right, option_order),
        }
    else:
        view["options"] = []
    return view
