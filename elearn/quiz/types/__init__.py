"""The question-type registry: one class per question type holds everything about it (as
CTFd registers challenge types). Adding a type means one :class:`QuestionType` subclass,
registered with :func:`register`, and one attempt-form template.

Every type is a :class:`QuestionType` singleton with:

``name``, ``label``, ``template``
    ``"single"``; a lazy translatable label (``lazy_gettext("Single choice")``); the
    attempt-form partial ``"quiz/types/<name>.html"``, included inside the question's
    ``<fieldset>`` with ``q`` (``q.id``, ``q.number``, ``q.view`` = the public view with
    per-attempt tokens as ids, ``q.shown`` = the saved response in token space) and
    ``name`` = ``"q-" ~ q.id``.
``fields``
    The answer fields of :class:`~elearn.quiz.question.Question` the type uses.
``claims(body) -> bool``
    Whether a GIFT answer block (raw text between ``{`` and ``}``, general feedback
    removed) is this type's. The parser asks the types in registry order, which is
    Moodle's detection order: numeric (``#``), single (``~`` and ``=``), multi (``~``
    without ``=``), matching (``=`` and ``->``), true/false, short answer; first wins.
``parse_answers(ctx, q) -> None``
    Fill ``q``'s answer fields from the block; report problems with
    ``ctx.problem(line, message)`` (``ctx`` is a :class:`~elearn.quiz.gift.AnswerBlock`).
``write_answers(q) -> str``
    The GIFT text between ``{`` and ``}`` (before ``####``).
``validate(q) -> list[str]``
    Structural problems of a Question built anywhere (studio form, Excel import): the
    rules the parser enforces, plus what GIFT cannot write (ids not in the parser's
    order, a field of another type filled, ``->`` in a short answer, …). A Question
    without problems comes back equal from ``parse_gift(write_gift([q]))`` (with its
    texts trimmed, as GIFT trims them).
``option_ids(q) -> list[str] | None``
    The ids an attempt shuffles and replaces by per-attempt tokens (single/multi: option
    ids; matching: right-hand ids; else None).
``public_view(q, order=None) -> dict``
    What a learner may see before submitting, never fractions, feedback or right
    answers: ``{"name", "type", "text" (plain), "html" (sanitised), "options"}``;
    options are ``[{"id", "text", "html"}]`` (single/multi), ``[{"id": "true", "text":
    "True"}, {"id": "false", "text": "False"}]`` (true/false), ``{"left": [{"id",
    "text", "html"}], "right": [{"id", "text"}]}`` (matching), ``[]`` otherwise.
    ``order`` is a permutation of ``option_ids(q)`` (ValueError otherwise; types without
    options accept only None).
``read_form(form, field, view) -> Any``
    The raw response from the posted attempt form (a werkzeug MultiDict); ``field`` is
    ``"q-<id>"`` (matching reads ``"q-<id>-<left id>"``, multi uses ``getlist``).
``normalize(q, view, raw, to_option) -> Any``
    Check a raw response (from the form or JSON) and convert tokens back to option ids
    with ``to_option(token) -> id | None``. None for no answer (None, "", [], {});
    raises :class:`InvalidResponse` (``kind="invalid"``: wrong shape, unknown token, a
    text over 500 characters; ``kind="number"``: a numeric answer that is not a number).
    Multi returns a sorted list of unique ids; matching ``{left_id: right_id}`` without
    unanswered items.
``shown(response, to_token) -> Any``
    The saved response in the page's token space (to re-check the inputs).
``grade(q, response) -> Grade``
    Never raises; a response of the wrong shape grades 0. ``Grade.feedback`` is
    sanitised HTML: the chosen answers' feedback, then the general feedback.
``right_answer_text(q) -> str`` / ``response_text(q, response) -> str``
    Plain words for the review page (``response`` is not None: the caller says
    "(no answer)").

Module-level helpers dispatch on ``q.qtype``: :func:`grade` (an unknown type grades 0),
:func:`validate`, :func:`public_view`. :func:`register` adds a type (``before=`` places it
in detection order), :func:`unregister` removes one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from elearn.quiz.question import Question
from elearn.quiz.types.base import Grade, InvalidResponse, QuestionType
from elearn.quiz.types.matching import MatchingType
from elearn.quiz.types.multi import MultiType
from elearn.quiz.types.numeric import NumericType, parse_number
from elearn.quiz.types.short import ShortType, normalize_answer
from elearn.quiz.types.single import SingleType
from elearn.quiz.types.truefalse import TrueFalseType

__all__ = [
    "QTYPES",
    "REGISTRY",
    "Grade",
    "InvalidResponse",
    "QuestionType",
    "get_type",
    "grade",
    "normalize_answer",
    "parse_number",
    "public_view",
    "register",
    "unregister",
    "validate",
]

#: name -> type, in detection order
REGISTRY: dict[str, QuestionType] = {}


class _Names(Sequence[str]):
    """The registered type names in registry order (a live view of REGISTRY)."""

    def __getitem__(self, index: Any) -> Any:
        return tuple(REGISTRY)[index]

    def __len__(self) -> int:
        return len(REGISTRY)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(REGISTRY))

    def __contains__(self, name: object) -> bool:
        return name in REGISTRY

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return tuple(REGISTRY) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(tuple(REGISTRY))


QTYPES: Sequence[str] = _Names()


def register(cls: type[QuestionType], *, before: str | None = None) -> type[QuestionType]:
    """Register a question type (usable as a class decorator); ``before`` puts it ahead
    of that type in detection order (e.g. ``before="short"``), else it goes last."""
    if not cls.name or cls.name in REGISTRY:
        raise ValueError(f"question type name {cls.name!r} is empty or already registered")
    if before is not None and before not in REGISTRY:
        raise ValueError(f"no question type {before!r} to register before")
    items = list(REGISTRY.items())
    index = len(items) if before is None else [n for n, _ in items].index(before)
    items.insert(index, (cls.name, cls()))
    REGISTRY.clear()
    REGISTRY.update(items)
    return cls


def unregister(name: str) -> None:
    """Remove a type (for tests of custom types)."""
    REGISTRY.pop(name, None)


def get_type(name: str) -> QuestionType:
    """The registered type ``name``; KeyError if there is none."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown question type {name!r}") from None


for _cls in (NumericType, SingleType, MultiType, MatchingType, TrueFalseType, ShortType):
    register(_cls)


def grade(q: Question, response: Any) -> Grade:
    """Grade ``response`` to ``q``; a question of an unknown type grades 0."""
    qtype = REGISTRY.get(q.qtype)
    if qtype is None:
        return Grade(0.0, False, [])
    return qtype.grade(q, response)


def validate(q: Question) -> list[str]:
    """Structural problems of ``q``; [] if none."""
    qtype = REGISTRY.get(q.qtype)
    if qtype is None:
        return [f"unknown question type '{q.qtype}'"]
    return qtype.validate(q)


def public_view(q: Question, order: list[str] | None = None) -> dict[str, Any]:
    """``get_type(q.qtype).public_view(q, order)``."""
    return get_type(q.qtype).public_view(q, order)
