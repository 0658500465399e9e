"""The studio's words for the problems the GIFT parser and the question types report.

``parse_gift`` and ``QuestionType.validate`` word their problems in plain English for
course authors at a terminal (``flask courses validate``) and for tests; they stay that
way. A trainer importing questions in the browser reads them here, translated:
:func:`translate_problem` matches a message against the table below and gives it in the
current locale, with its values (names, numbers, the text quoted) kept. A message no rule
matches is returned as it is, never dropped (``tests/quiz/test_importing.py`` checks that
every message written in ``gift.py``, ``gift_writer.py`` and ``types/`` has a rule).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn.quiz.question import letter_id

__all__ = ["option_number", "translate_problem"]


def option_number(option_id: str) -> int:
    """``a`` -> 1, ``b`` -> 2, … ``aa`` -> 27: the inverse of ``letter_id``."""
    n = 0
    for c in option_id:
        n = n * 26 + (ord(c) - ord("a") + 1)
    assert letter_id(n - 1) == option_id
    return n


_RULES = [
    # -- the parser: blocks, names, categories -----------------------------------------
    (r"input is not text", _l("The input is not text.")),
    (r"\$CATEGORY has no name", _l("“$CATEGORY:” is not followed by a category name.")),
    (
        r"unknown '// elearn:' directive '(?P<x>.*)'",
        _l("Unknown “// elearn:” instruction “%(x)s”."),
    ),
    (
        r"'// elearn: ignore-diacritics' is not immediately before a question",
        _l("“// elearn: ignore-diacritics” must be on the line just before a question."),
    ),
    (
        r"'// elearn: ignore-diacritics' applies only to short-answer questions",
        _l("“// elearn: ignore-diacritics” applies only to short-answer questions."),
    ),
    (
        r"internal error while parsing question: (?P<x>.*)",
        _l("This question could not be read (internal error: %(x)s)."),
    ),
    (
        r"unclosed question name \(missing the closing '::'\)",
        _l("The question name is not closed: “::” is missing after it."),
    ),
    (r"empty question name", _l("The question name is empty.")),
    (
        r"question has no name \(expected '::name::' at the start\)",
        _l("The question has no name: start it with “::name::”."),
    ),
    (
        r"duplicate question name '(?P<name>.*)' \(first defined at line (?P<line>\d+)\)",
        _l("The name “%(name)s” is already used by the question on line %(line)s."),
    ),
    (r"duplicate question name", _l("This name is used by another question.")),
    (
        r"no category after questions with a category",
        _l("This question has no category but comes after questions that have one."),
    ),
    (r"'\}' without a matching '\{'", _l("“}” has no matching “{”.")),
    (
        r"unsupported question type: description \(no answer block '\{…\}'\)",
        _l("This question has no answers “{…}” (descriptions are not supported)."),
    ),
    (
        r"unsupported question type: essay \(empty answer block '\{\}'\)",
        _l("The answers “{}” are empty (essay questions are not supported)."),
    ),
    (
        r"unclosed '\{' \(the answer block must end with '\}' before the next blank line\)",
        _l("“{” is not closed: the answers must end with “}” before the next blank line."),
    ),
    (
        r"'\{' inside an answer block \(escape it as '\\\{'\)",
        _l("“{” inside the answers: write it as “\\{”."),
    ),
    (
        r"more than one answer block \(missing blank line between questions\?\)",
        _l("More than one “{…}”: is a blank line missing between two questions?"),
    ),
    (r"question has no text", _l("The question has no text.")),
    (
        r"unknown question type: answers must start with '=' or '~', or be T/F or a #number",
        _l(
            "Unknown question type: the answers must start with “=” or “~”, "
            "or be T/F, or a number after “#”."
        ),
    ),
    (
        r"unexpected text before the first answer: '(?P<x>.*)'",
        _l("Unexpected text “%(x)s” before the first answer."),
    ),
    (r"invalid weight '%(?P<x>.*)%'", _l("“%%%(x)s%%” is not a valid score.")),
    (
        r"weight (?P<x>.*)% is outside -100\.\.100",
        _l("The score %(x)s%% is outside -100%% to 100%%."),
    ),
    # -- choice questions ----------------------------------------------------------------
    (r"empty answer", _l("The answer is empty.")),
    (
        r"choice question needs at least 2 answers, has (?P<n>\d+)",
        _l("A choice question needs at least 2 options; it has %(n)s."),
    ),
    (
        r"single choice question has (?P<n>\d+) right answers \('='\); "
        r"use ~%n% weights for a multiple-answer question",
        _l(
            "A single-choice question has %(n)s right answers (“=”): for several right "
            "answers, give each a score with ~%%n%%."
        ),
    ),
    (
        r"single choice question has no answer worth 100%",
        _l("A single-choice question needs one answer worth 100%."),
    ),
    (
        r"single choice question has (?P<n>\d+) answers worth 100%",
        _l("A single-choice question has %(n)s answers worth 100%%; only one may be."),
    ),
    (
        r"single choice question has no right answer \('='\)",
        _l("The question has no right answer: mark it with “=” or give scores with ~%n%."),
    ),
    (
        r"multiple-answer question has no right answer \(no '=' and no positive ~%n% weight\)",
        _l("A multiple-answer question needs at least one answer with a positive score."),
    ),
    (
        r"multiple-answer question has no right answer \(no positive weight\)",
        _l("A multiple-answer question needs at least one answer with a positive score."),
    ),
    (
        r"multiple-answer weights add up to (?P<x>.*)%, not 100%",
        _l("The positive scores of the right answers add up to %(x)s%%, not 100%%."),
    ),
    (
        r"option ids must be a, b, c, … in order",
        _l("The options are not numbered in order (internal data)."),
    ),
    # -- true/false ----------------------------------------------------------------------
    (
        r"true/false question has no answer \(True or False\)",
        _l("A true/false question needs its answer: True or False."),
    ),
    # -- short answer --------------------------------------------------------------------
    (
        r"short-answer answers must start with '='",
        _l("Every answer of a short-answer question starts with “=”."),
    ),
    (
        r"short-answer question has no answer worth 100%",
        _l("A short-answer question needs one answer worth 100%."),
    ),
    (r"question has no answers", _l("The question has no answers.")),
    (
        r"'->' in a short answer or its feedback reads as matching",
        _l("“->” in a short answer or its feedback would read as a matching pair."),
    ),
    # -- numeric -------------------------------------------------------------------------
    (r"numeric question has no answers", _l("The numeric question has no answers.")),
    (
        r"numeric answers must start with '='",
        _l("Every answer of a numeric question starts with “=” (or “~” for any other)."),
    ),
    (
        r"numeric question has more than one catch-all answer \('~'\)",
        _l("The numeric question has more than one answer for “any other number”."),
    ),
    (r"empty numeric answer", _l("The numeric answer is empty.")),
    (
        r"numeric answer '(?P<x>.*)' is not a number",
        _l("“%(x)s” is not a number (write decimals with a dot: 12.5)."),
    ),
    (
        r"numeric range (?P<x>.*): minimum is greater than maximum",
        _l("In the range %(x)s the first number is greater than the second."),
    ),
    (
        r"numeric tolerance '(?P<x>.*)' is not a number",
        _l("The tolerance “%(x)s” is not a number (write decimals with a dot: 0.5)."),
    ),
    (r"numeric tolerance must not be negative", _l("The tolerance must not be negative.")),
    (r"numeric tolerance is missing after ':'", _l("The tolerance is missing after “:”.")),
    (
        r"numeric answer '(?P<x>.*)' is out of range",
        _l("The number “%(x)s” is too large."),
    ),
    (
        r"numeric question has no answer worth 100%",
        _l("A numeric question needs one answer worth 100%."),
    ),
    (r"not a finite number", _l("This is not a number.")),
    (
        r"value and tolerance go together",
        _l("A value and its tolerance go together (internal data)."),
    ),
    (
        r"min/max are not value ∓ tolerance",
        _l("The range does not match the value and tolerance (internal data)."),
    ),
    (
        r"minimum is greater than maximum",
        _l("The first number of the range is greater than the second."),
    ),
    # -- matching ------------------------------------------------------------------------
    (r"matching pairs must start with '='", _l("Every matching pair starts with “=”.")),
    (r"matching pair has no '->'", _l("A matching pair needs “->” between its two sides.")),
    (
        r"feedback \('#'\) is not supported in matching pairs",
        _l("Matching pairs cannot have feedback (“#”)."),
    ),
    (
        r"matching pair has no right-hand side",
        _l("A matching pair has nothing after “->”."),
    ),
    (
        r"matching question needs at least 2 pairs, has (?P<n>\d+)",
        _l("A matching question needs at least 2 pairs; it has %(n)s."),
    ),
    (
        r"matching item (?P<option>[a-z]+) has no text",
        _l("Matching pair %(option)s has nothing before “->”."),
    ),
    (
        r"matching item (?P<option>[a-z]+) must not contain '->'",
        _l("Matching pair %(option)s has “->” more than once."),
    ),
    (
        r"matching left item ids must be a, b, c, … in order",
        _l("The matching pairs are not numbered in order (internal data)."),
    ),
    (
        r"matching right-hand ids must be 1, 2, … in alphabetical order of their texts",
        _l("The right-hand sides are not numbered in order (internal data)."),
    ),
    # -- any type (QuestionType.validate) -----------------------------------------------
    (
        r"question type is '(?P<x>.*)', not '(?P<y>.*)'",
        _l("The question type is “%(x)s”, not “%(y)s” (internal data)."),
    ),
    (r"unknown question type '(?P<x>.*)'", _l("Unknown question type “%(x)s”.")),
    (
        r"question name has spaces at the start or end",
        _l("The question name starts or ends with a space."),
    ),
    (
        r"category has spaces at the start or end, or a line break",
        _l("The category starts or ends with a space, or has a line break."),
    ),
    (
        r"category must not start with '\$course\$/' or '\$system\$/'",
        _l("The category must not start with “$course$/” or “$system$/”."),
    ),
    (r"unknown text format '(?P<x>.*)'", _l("Unknown text format “%(x)s”.")),
    (
        r"'(?P<x>.*)' is not used by (?P<y>.*) questions",
        _l("“%(x)s” does not belong to a question of type “%(y)s”."),
    ),
    (r"fraction is not a number", _l("The score is not a number.")),
    (
        r"fraction (?P<fraction>.*) is outside -1\.\.1",
        _l("The score %(x)s%% is outside -100%% to 100%%."),
    ),
    (
        r"fraction (?P<x>.*) has more than 7 decimal places",
        _l("The score %(x)s has too many decimal places."),
    ),
]
_COMPILED = [(re.compile(pattern), template) for pattern, template in _RULES]

#: "option b: …" and "answer 2: …" (QuestionType.validate): what the rest is about
_SUBJECT = re.compile(r"(?:option (?P<option>[a-z]+)|answer (?P<answer>\d+)): (?P<rest>.+)", re.S)


def _match(message: str) -> str | None:
    for pattern, template in _COMPILED:
        m = pattern.fullmatch(message)
        if m is None:
            continue
        values = m.groupdict()
        if "fraction" in values:  # a fraction, said as the percent authors write
            fraction = values.pop("fraction")
            try:
                values["x"] = f"{float(fraction) * 100:g}"
            except ValueError:
                values["x"] = fraction
        if "option" in values:
            values["option"] = str(option_number(values["option"]))
        return str(template) % values if values else str(template)
    return None


def translate_problem(message: str) -> str:
    """``message`` (from parse_gift, validate or bank_problems) in the current locale;
    the message itself when no rule knows it."""
    subject = _SUBJECT.fullmatch(message)
    if subject is not None:
        rest = _match(subject["rest"])
        if rest is not None:
            if subject["option"]:
                return _(
                    "Option %(n)s: %(problem)s", n=option_number(subject["option"]), problem=rest
                )
            return _("Answer %(n)s: %(problem)s", n=subject["answer"], problem=rest)
    translated = _match(message)
    return message if translated is None else translated


def is_known(message: str) -> bool:
    """Whether a rule translates ``message`` (for the test that every message has one)."""
    subject = _SUBJECT.fullmatch(message)
    if subject is not None and _match(subject["rest"]) is not None:
        return True
    return _match(message) is not None
