"""Questions back to GIFT: ``write_gift(questions) -> str``.

The output is deterministic (same questions, same bytes): ``$CATEGORY: c`` (then a blank
line) when the category changes, and before the first question if it has one; the line
``// elearn: ignore-diacritics`` right before a question that has it; ``::name::``; the
question text with a ``[format]`` marker when its format is not ``moodle``; the answer
block written by the question's type; ``####general feedback``. Questions are separated
by one blank line and the text ends with a newline.

* Sub-texts (options, feedback, matching items, general feedback) carry a marker only
  when their format differs from the question text's, or when the text itself starts
  like a marker (``[html]…`` written as ``[moodle][html]…``).
* ``\\ ~ = # { } :`` are escaped, line breaks written ``\\n`` (so a question never has a
  blank line or a line that reads as a comment).
* Fractions: the parser rounds every fraction to 7 decimal places (``round_fraction``);
  the writer prints the percent in its shortest exact form with at most 5 decimals
  (0.3333333 -> ``%33.33333%``). Numbers of numeric answers are written with ``repr``
  (exact). So ``parse_gift(write_gift(qs))`` gives back ``qs`` (line/path and html
  aside, texts trimmed, ``\\r\\n`` as ``\\n``) for questions that
  :func:`elearn.quiz.types.validate` accepts, and ``write_gift`` of that is the same text.
* A fill-in-the-blank question is written with its ``_____`` in the text and the answer
  block at the end (it reads back the same).

``bank_problems(questions)`` lists what would stop a list of questions from reading back:
each question's ``validate`` problems, duplicate names, and a question without a category
after one with a category (GIFT cannot go back to "no category");
``named_bank_problems`` gives them as (name, problem) pairs.
"""

from __future__ import annotations

from collections.abc import Iterable

from elearn.quiz.gift import escape, write_text
from elearn.quiz.question import Question
from elearn.quiz.types import get_type, validate

__all__ = ["bank_problems", "named_bank_problems", "write_gift", "write_question"]

DIRECTIVE = "// elearn: ignore-diacritics"


def write_question(q: Question) -> str:
    """One question in GIFT (no category line, no trailing newline)."""
    answers = get_type(q.qtype).write_answers(q)
    general = write_text(q.general_feedback, q.text.format)
    if general:
        answers += f"\t####{general}\n" if answers.endswith("\n") else f"####{general}"
    head = f"{DIRECTIVE}\n" if q.ignore_diacritics else ""
    return f"{head}::{escape(q.name.strip())}:: {write_text(q.text, 'moodle')} {{{answers}}}"


def write_gift(questions: Iterable[Question]) -> str:
    """The questions as one GIFT text (see the module docstring)."""
    chunks: list[str] = []
    category = ""
    for q in questions:
        if q.category and q.category != category:
            chunks.append(f"$CATEGORY: {q.category}")
        category = q.category or category
        chunks.append(write_question(q))
    return "\n\n".join(chunks) + "\n" if chunks else ""


def bank_problems(questions: Iterable[Question]) -> list[str]:
    """Why ``questions`` would not read back from ``write_gift`` as they are; [] if none."""
    return [f"{name}: {problem}" for name, problem in named_bank_problems(questions)]


def named_bank_problems(questions: Iterable[Question]) -> list[tuple[str, str]]:
    """:func:`bank_problems` as (question name, problem) pairs."""
    problems: list[tuple[str, str]] = []
    names: set[str] = set()
    category = ""
    for q in questions:
        problems += [(q.name, p) for p in validate(q)]
        if q.name in names:
            problems.append((q.name, "duplicate question name"))
        names.add(q.name)
        if category and not q.category:
            problems.append((q.name, "no category after questions with a category"))
        category = q.category or category
    return problems
