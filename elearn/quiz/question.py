"""The structured form of a quiz question: what the GIFT parser builds, what the database
stores as JSON (``question_to_data``/``question_from_data``) and what the GIFT writer writes.

Ids never reveal the answer: options are ``a``, ``b``, … in source order; matching left
items are ``a``, ``b``, … in source order; right-hand choices are ``1``, ``2``, … in
case-folded alphabetical order of their texts (identical texts share one id).

Equality is equality of the *data*: ``line``/``path`` (where a question was parsed) and
``Text.html`` (derived by :func:`elearn.quiz.richtext.render_question`) are left out of
``==``, and an empty :class:`Text` equals any other empty Text whatever its format (an
empty text has no format; GIFT cannot say one).

Fractions are kept to :data:`FRACTION_DECIMALS` (7) decimal places: the parser rounds
``percent / 100`` with :func:`round_fraction`, and the GIFT writer prints the percent in
its shortest exact form (at most 5 decimals), so a fraction survives a GIFT round trip
exactly. Questions built elsewhere should round their fractions the same way
(``validate`` reports fractions with more decimals).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FRACTION_DECIMALS",
    "TEXT_FORMATS",
    "MatchPair",
    "NumericAnswer",
    "Option",
    "Question",
    "ShortAnswer",
    "Text",
    "letter_id",
    "matching_ids",
    "question_from_data",
    "question_to_data",
    "round_fraction",
]

TEXT_FORMATS = ("moodle", "markdown", "html", "plain")
FRACTION_DECIMALS = 7


def round_fraction(value: float) -> float:
    """A fraction as stored: rounded to 7 decimal places (percent to 5)."""
    return round(value, FRACTION_DECIMALS)


def letter_id(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, …"""
    out = ""
    index += 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


@dataclass(eq=False)
class Text:
    """A rich text piece as the author wrote it, in one of :data:`TEXT_FORMATS`."""

    text: str = ""
    format: str = "moodle"
    #: sanitised HTML, filled by ``richtext.render_question``; never written to GIFT.
    html: str = ""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return self.text == other.text and (self.format == other.format or not self.text)

    __hash__ = None  # type: ignore[assignment]  # mutable


@dataclass
class Option:
    """A choice of a single/multi question. ``fraction`` is in -1..1."""

    id: str
    text: Text
    fraction: float
    feedback: Text = field(default_factory=Text)


@dataclass
class ShortAnswer:
    """An accepted answer of a short-answer question.

    ``text`` is plain text; ``*`` is a wildcard (any run of characters, possibly empty),
    ``\\*`` a literal star.
    """

    text: str
    fraction: float = 1.0
    feedback: Text = field(default_factory=Text)


@dataclass
class NumericAnswer:
    """``value ± tolerance`` (``{#12.5:0.5}``) or the range ``min..max`` (``{#10..15}``).

    ``min``/``max`` are always set (for the value form they are value ∓ tolerance);
    ``value``/``tolerance`` are None for the range form.
    """

    min: float
    max: float
    value: float | None = None
    tolerance: float | None = None
    fraction: float = 1.0
    feedback: Text = field(default_factory=Text)


@dataclass
class MatchPair:
    """A left item of a matching question and its right-hand answer (plain text)."""

    left_id: str
    left: Text
    right_id: str
    right_text: str


@dataclass
class Question:
    name: str
    qtype: str
    text: Text = field(default_factory=Text)
    category: str = ""
    general_feedback: Text = field(default_factory=Text)
    #: short answers only: compare without Vietnamese diacritics (``// elearn: …``)
    ignore_diacritics: bool = False
    # single / multi
    options: list[Option] = field(default_factory=list)
    # truefalse: ``answer`` is the right answer; feedback_true is shown to a learner who
    # answered True, feedback_false to one who answered False.
    answer: bool | None = None
    feedback_true: Text = field(default_factory=Text)
    feedback_false: Text = field(default_factory=Text)
    # short
    answers: list[ShortAnswer] = field(default_factory=list)
    # numeric; numeric_wrong_feedback is Moodle's catch-all ``~#feedback``: given for an
    # answer that matches no other answer (None: the question has no catch-all).
    numeric_answers: list[NumericAnswer] = field(default_factory=list)
    numeric_wrong_feedback: Text | None = None
    # matching: pairs in source order; right_choices = every right-hand (id, text),
    # distractors included, ordered by id.
    pairs: list[MatchPair] = field(default_factory=list)
    right_choices: list[tuple[str, str]] = field(default_factory=list)
    # where it was parsed: not part of the data
    line: int = field(default=0, compare=False)
    path: str = field(default="<string>", compare=False)

    def texts(self) -> list[tuple[Text, bool]]:
        """Every Text of the question with whether it is a block text (else inline)."""
        out: list[tuple[Text, bool]] = [(self.text, True), (self.general_feedback, True)]
        for o in self.options:
            out += [(o.text, False), (o.feedback, False)]
        out += [(self.feedback_true, False), (self.feedback_false, False)]
        out += [(a.feedback, False) for a in self.answers]
        out += [(n.feedback, False) for n in self.numeric_answers]
        if self.numeric_wrong_feedback is not None:
            out.append((self.numeric_wrong_feedback, False))
        out += [(p.left, False) for p in self.pairs]
        return out


def matching_ids(
    lefts: Sequence[tuple[Text, str]], distractors: Iterable[str] = ()
) -> tuple[list[MatchPair], list[tuple[str, str]]]:
    """Pairs and right-hand choices with their ids, from ``(left, right text)`` in source
    order and extra right-hand texts (distractors)."""
    rights = sorted({r for _, r in lefts} | set(distractors), key=lambda s: (s.casefold(), s))
    right_ids = {text: str(i) for i, text in enumerate(rights, start=1)}
    pairs = [
        MatchPair(letter_id(i), left, right_ids[right], right)
        for i, (left, right) in enumerate(lefts)
    ]
    return pairs, [(right_ids[t], t) for t in rights]


# --------------------------------------------------------------------------- JSON


def _text_data(t: Text) -> dict[str, str]:
    return {"text": t.text, "format": t.format, "html": t.html}


def _text(value: Any, default_format: str = "moodle") -> Text:
    if value is None:
        return Text(format=default_format)
    if isinstance(value, str):  # data written before Text existed
        return Text(value, default_format)
    return Text(
        str(value.get("text", "")),
        str(value.get("format", default_format)),
        str(value.get("html", "")),
    )


def question_to_data(q: Question) -> dict[str, Any]:
    """JSON-serialisable data of ``q`` (without line/path, with every Text's html)."""
    return {
        "name": q.name,
        "qtype": q.qtype,
        "text": _text_data(q.text),
        "category": q.category,
        "general_feedback": _text_data(q.general_feedback),
        "ignore_diacritics": q.ignore_diacritics,
        "options": [
            {
                "id": o.id,
                "text": _text_data(o.text),
                "fraction": o.fraction,
                "feedback": _text_data(o.feedback),
            }
            for o in q.options
        ],
        "answer": q.answer,
        "feedback_true": _text_data(q.feedback_true),
        "feedback_false": _text_data(q.feedback_false),
        "answers": [
            {"text": a.text, "fraction": a.fraction, "feedback": _text_data(a.feedback)}
            for a in q.answers
        ],
        "numeric_answers": [
            {
                "min": n.min,
                "max": n.max,
                "value": n.value,
                "tolerance": n.tolerance,
                "fraction": n.fraction,
                "feedback": _text_data(n.feedback),
            }
            for n in q.numeric_answers
        ],
        "numeric_wrong_feedback": None
        if q.numeric_wrong_feedback is None
        else _text_data(q.numeric_wrong_feedback),
        "pairs": [
            {
                "left_id": p.left_id,
                "left": _text_data(p.left),
                "right_id": p.right_id,
                "right_text": p.right_text,
            }
            for p in q.pairs
        ],
        "right_choices": [[rid, text] for rid, text in q.right_choices],
    }


def question_from_data(data: dict[str, Any]) -> Question:
    """The inverse of :func:`question_to_data`.

    Also reads the data stored before this module existed (texts as plain strings, the
    question's format in ``text_format``, its HTML in ``text_html``, pairs as lists); the
    html of such sub-texts is empty until ``render_question`` fills it.
    """
    fmt = data.get("text_format", "moodle")
    text = _text(data.get("text"), fmt)
    if "text_html" in data and not text.html:
        text.html = data["text_html"]
    fmt = text.format

    def pair(p: Any) -> MatchPair:
        if isinstance(p, list | tuple):
            left_id, left, right_id, right_text = p
        else:
            left_id, left = p["left_id"], p["left"]
            right_id, right_text = p["right_id"], p["right_text"]
        return MatchPair(left_id, _text(left, fmt), right_id, right_text)

    wrong = data.get("numeric_wrong_feedback")
    return Question(
        name=data["name"],
        qtype=data["qtype"],
        text=text,
        category=data.get("category", ""),
        general_feedback=_text(data.get("general_feedback"), fmt),
        ignore_diacritics=bool(data.get("ignore_diacritics", False)),
        options=[
            Option(o["id"], _text(o["text"], fmt), o["fraction"], _text(o.get("feedback"), fmt))
            for o in data.get("options", [])
        ],
        answer=data.get("answer"),
        feedback_true=_text(data.get("feedback_true"), fmt),
        feedback_false=_text(data.get("feedback_false"), fmt),
        answers=[
            ShortAnswer(a["text"], a.get("fraction", 1.0), _text(a.get("feedback"), fmt))
            for a in data.get("answers", [])
        ],
        numeric_answers=[
            NumericAnswer(
                min=n["min"],
                max=n["max"],
                value=n.get("value"),
                tolerance=n.get("tolerance"),
                fraction=n.get("fraction", 1.0),
                feedback=_text(n.get("feedback"), fmt),
            )
            for n in data.get("numeric_answers", [])
        ],
        numeric_wrong_feedback=None if wrong is None else _text(wrong, fmt),
        pairs=[pair(p) for p in data.get("pairs", [])],
        right_choices=[(c[0], c[1]) for c in data.get("right_choices", [])],
    )
