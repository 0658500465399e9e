"""A parser for Moodle's GIFT question format, as used by ``courses/*/questions/*.gift``.

``parse_gift(text, path)`` returns ``(questions, problems)``: :class:`~elearn.quiz.question.
Question` objects and :class:`Problem` objects. It never raises: anything wrong with the
input becomes a Problem (``path:line: message``), and a question with a problem is left
out of ``questions``. Supported (see docs/course-modules.md and docs.moodle.org "GIFT
format"):

* questions separated by blank lines; ``//`` comment lines; ``$CATEGORY: name``;
* ``::name::`` (required, unique within one parse call), multi-line questions, an answer
  block in the middle of the text (fill in the blank: the block becomes ``_____``);
* text formats ``[moodle]`` (the default), ``[markdown]``, ``[html]``, ``[plain]`` (any
  case) at the start of the question text and of every sub-text: option texts, matching
  left items, per-answer feedback, true/false feedback, the general feedback. A sub-text
  without a marker has the question text's format (Moodle's rule);
* the answer block is handed to the first question type of the registry
  (:mod:`elearn.quiz.types`) that claims it, in Moodle's order: numeric ``{#…}``, choice
  (``~``: single choice when the block has an unescaped ``=``, else multiple answers),
  matching (``=`` and ``->``), true/false, short answer;
* ``#`` per-answer feedback, ``####`` general feedback, escapes ``\\~ \\= \\# \\{ \\} \\:
  \\\\`` and ``\\n`` (newline);
* ``// elearn: ignore-diacritics`` on the line before a short-answer question (blank
  lines in between are ignored).

This module also holds the GIFT lexical helpers the question types and the writer share
(:func:`find_unescaped`, :func:`escape`, :func:`write_text`, :class:`AnswerBlock`).
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from elearn.quiz.question import (
    TEXT_FORMATS,
    MatchPair,
    NumericAnswer,
    Option,
    Question,
    ShortAnswer,
    Text,
    round_fraction,
)

__all__ = [
    "BLANK",
    "TEXT_FORMATS",
    "AnswerBlock",
    "MatchPair",
    "NumericAnswer",
    "Option",
    "Part",
    "Problem",
    "Question",
    "ShortAnswer",
    "Text",
    "escape",
    "find_unescaped",
    "parse_gift",
    "parse_plain_number",
    "split_format",
    "unescape",
    "write_text",
]

BLANK = "_____"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# --------------------------------------------------------------------------- lexical helpers

_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_WEIGHT_RE = re.compile(r"%([^%\n]*)%")
_FORMAT_RE = re.compile(r"\[(moodle|markdown|html|plain)\]", re.IGNORECASE)
_DIRECTIVE_RE = re.compile(r"//\s*elearn\s*:\s*(.*?)\s*$", re.IGNORECASE)
_CATEGORY_PREFIX = "$CATEGORY:"
_SPECIAL = {c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n"}


def find_unescaped(s: str, sub: str, start: int = 0, end: int | None = None) -> int:
    """Index of the first ``sub`` in ``s[start:end]`` not preceded by an escaping ``\\``."""
    n = len(s) if end is None else end
    i = start
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if s.startswith(sub, i) and i + len(sub) <= n:
            return i
        i += 1
    return -1


_find = find_unescaped


def unescape(s: str) -> str:
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n and s[i + 1] in _ESCAPES:
            out.append(_ESCAPES[s[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def escape(s: str) -> str:
    """``s`` written for GIFT: ``\\ ~ = # { } :`` escaped, newlines as ``\\n``."""
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(_SPECIAL.get(c, c) for c in s)


def _clean(s: str) -> str:
    return unescape(s.strip()).strip()


def split_format(s: str) -> tuple[str | None, str]:
    """A leading ``[format]`` marker of (unescaped) ``s``: (format or None, the rest)."""
    m = _FORMAT_RE.match(s)
    if not m:
        return None, s
    return m.group(1).lower(), s[m.end() :].strip()


def write_text(t: Text, default_format: str) -> str:
    """A Text written for GIFT: escaped, with a ``[format]`` marker when its format is
    not ``default_format`` or when the text itself starts like a marker. Empty: ``""``."""
    text = t.text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    marker = f"[{t.format}]" if t.format != default_format or _FORMAT_RE.match(text) else ""
    return marker + escape(text)


def parse_plain_number(s: str) -> float | None:
    """A finite float from text like "12.5" or "-3e2" (dot decimals only); else None."""
    s = s.strip()
    if not _NUMBER_RE.fullmatch(s):
        return None
    try:
        value = float(s)
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def short(s: str, limit: int = 40) -> str:
    """``s`` on one line, cut to ``limit`` characters, for problem messages."""
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def fmt_pct(x: float) -> str:
    return f"{x:g}"


class _Block:
    """The raw text of one question with a map from offsets back to file lines."""

    def __init__(self, lines: list[tuple[int, str]]):
        self.raw = "\n".join(text for _, text in lines)
        self.linenos = [n for n, _ in lines]
        self.newlines = [i for i, c in enumerate(self.raw) if c == "\n"]

    @property
    def start(self) -> int:
        return self.linenos[0]

    def line_at(self, offset: int) -> int:
        return self.linenos[bisect.bisect_left(self.newlines, offset)]


class Part(NamedTuple):
    """One answer of an answer block: split at unescaped ``=`` and ``~``."""

    marker: str  # "=", "~" or "" (text before the first marker)
    body: str  # raw (still escaped) text after the marker
    offset: int  # offset of the marker in the block


def _split_answers(block: str, start: int, end: int) -> list[Part]:
    parts: list[Part] = []
    marker, seg_start, marker_at = "", start, start
    i = start
    while i < end:
        c = block[i]
        if c == "\\":
            i += 2
            continue
        if c in "=~":
            parts.append(Part(marker, block[seg_start:i], marker_at))
            marker, seg_start, marker_at = c, i + 1, i
        i += 1
    parts.append(Part(marker, block[seg_start:end], marker_at))
    return parts


class AnswerBlock:
    """The answer block of one question (between ``{`` and ``}``, before ``####``) as a
    question type's ``parse_answers`` sees it: the raw text, helpers that read GIFT
    answers, and :meth:`problem` to report what is wrong (with the file line)."""

    def __init__(self, parser: _Parser, block: _Block, start: int, end: int, q: Question):
        self._parser = parser
        self._block = block
        self.raw = block.raw
        self.start = start
        self.end = end
        self.question_line = q.line
        #: the default format of every sub-text: the question text's format
        self.text_format = q.text.format

    @property
    def body(self) -> str:
        return self.raw[self.start : self.end]

    @property
    def problem_count(self) -> int:
        return len(self._parser.problems)

    def problem(self, line: int, message: str) -> None:
        self._parser.problem(line, message)

    def line_at(self, offset: int) -> int:
        return self._block.line_at(offset)

    def first_line(self) -> int:
        """The line of the first non-blank character of the block."""
        body = self.body
        return self.line_at(self.start + (len(body) - len(body.lstrip())))

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:
        """Offset (in ``raw``) of the first unescaped ``sub`` in the block, or -1."""
        return find_unescaped(
            self.raw, sub, self.start if start is None else start, self.end if end is None else end
        )

    def split(self, start: int | None = None, end: int | None = None) -> list[Part]:
        """Every part, the text before the first marker (marker ``""``) included."""
        return _split_answers(
            self.raw, self.start if start is None else start, self.end if end is None else end
        )

    def parts(self, start: int | None = None, end: int | None = None) -> list[Part]:
        """The ``=``/``~`` answers; text before the first one is reported."""
        parts = self.split(start, end)
        lead = parts[0]
        if lead.body.strip():
            self.problem(
                self.line_at(lead.offset + len(lead.body) - len(lead.body.lstrip())),
                f"unexpected text before the first answer: '{short(unescape(lead.body))}'",
            )
        return parts[1:]

    def weight(self, part: Part) -> tuple[float | None, str, bool]:
        """Split an optional leading ``%n%``; returns (percent or None, rest, ok)."""
        body = part.body.lstrip()
        m = _WEIGHT_RE.match(body)
        if not m:
            return None, body, True
        line = self.line_at(part.offset)
        value = parse_plain_number(m.group(1))
        if value is None:
            self.problem(line, f"invalid weight '%{short(m.group(1))}%'")
            return None, body[m.end() :], False
        if not -100 <= value <= 100:
            self.problem(line, f"weight {fmt_pct(value)}% is outside -100..100")
            return None, body[m.end() :], False
        return value, body[m.end() :], True

    @staticmethod
    def fraction(percent: float) -> float:
        return round_fraction(percent / 100)

    def text(self, raw: str) -> Text:
        """A sub-text: unescaped, trimmed, its ``[format]`` marker honoured and removed."""
        cleaned = _clean(raw)
        fmt, rest = split_format(cleaned)
        return Text(rest, fmt or self.text_format)

    @staticmethod
    def plain(raw: str) -> str:
        """Plain text (no format marker): unescaped and trimmed."""
        return _clean(raw)

    @staticmethod
    def split_feedback(raw: str) -> tuple[str, str | None]:
        """``answer#feedback`` -> (raw answer, raw feedback or None)."""
        h = find_unescaped(raw, "#")
        if h < 0:
            return raw, None
        return raw[:h], raw[h + 1 :]

    def feedback(self, raw: str | None) -> Text:
        return self.text(raw) if raw is not None else Text(format=self.text_format)


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        self.questions: list[Question] = []
        self.problems: list[Problem] = []
        self.names: dict[str, int] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    # -- splitting into blocks ------------------------------------------------------

    def run(self) -> None:
        text = self.text
        if text.startswith("\ufeff"):
            text = text[1:]
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        category = ""
        current: list[tuple[int, str]] = []
        current_directive: int | None = None  # directive line of the block in progress
        pending: int | None = None  # line of an ignore-diacritics not yet used by a question

        def misplaced(line: int) -> None:
            self.problem(
                line, "'// elearn: ignore-diacritics' is not immediately before a question"
            )

        def flush() -> None:
            nonlocal current
            if current:
                self.block(_Block(current), category, current_directive)
                current = []

        for lineno, line in enumerate(text.split("\n"), start=1):
            stripped = line.strip()
            if not stripped:
                flush()
                continue
            if stripped.startswith("//"):
                m = _DIRECTIVE_RE.fullmatch(stripped)
                if m is not None and m.group(1).lower() != "ignore-diacritics":
                    self.problem(lineno, f"unknown '// elearn:' directive '{short(m.group(1))}'")
                elif m is not None and current:
                    misplaced(lineno)
                elif m is not None:
                    if pending is not None:
                        misplaced(pending)
                    pending = lineno
                elif pending is not None and not current:
                    # another comment between the directive and the question
                    misplaced(pending)
                    pending = None
                continue
            if stripped.startswith(_CATEGORY_PREFIX):
                flush()
                if pending is not None:
                    misplaced(pending)
                    pending = None
                category = stripped[len(_CATEGORY_PREFIX) :].strip()
                for prefix in ("$course$/", "$system$/"):
                    if category.startswith(prefix):
                        category = category[len(prefix) :].strip()
                        break
                if not category:
                    self.problem(lineno, "$CATEGORY has no name")
                continue
            if not current:
                current_directive, pending = pending, None
            current.append((lineno, line))
        flush()
        if pending is not None:
            misplaced(pending)

    def block(self, block: _Block, category: str, directive_line: int | None) -> None:
        before = len(self.problems)
        try:
            question = self.question(block, category, directive_line is not None)
        except Exception as exc:  # pragma: no cover - a safety net; tests assert it is unused
            self.problem(block.start, f"internal error while parsing question: {exc!r}")
            return
        if question is not None and question.qtype != "short" and directive_line is not None:
            self.problem(
                directive_line,
                "'// elearn: ignore-diacritics' applies only to short-answer questions",
            )
        if question is None or len(self.problems) != before:
            return
        self.questions.append(question)

    # -- one question -----------------------------------------------------------------

    def question(self, block: _Block, category: str, ignore_diacritics: bool) -> Question | None:
        raw = block.raw
        start_line = block.start
        problems_before = len(self.problems)
        pos = len(raw) - len(raw.lstrip())

        # ::name::
        name = ""
        if raw.startswith("::", pos):
            close = _find(raw, "::", pos + 2)
            if close < 0:
                self.problem(start_line, "unclosed question name (missing the closing '::')")
                return None
            name = _clean(raw[pos + 2 : close])
            pos = close + 2
            if not name:
                self.problem(start_line, "empty question name")
        else:
            self.problem(start_line, "question has no name (expected '::name::' at the start)")
        if name and name in self.names:
            self.problem(
                start_line,
                f"duplicate question name '{name}' (first defined at line {self.names[name]})",
            )
        elif name:
            self.names[name] = start_line

        # [format]
        text_format = "moodle"
        rest_start = pos
        while rest_start < len(raw) and raw[rest_start].isspace():
            rest_start += 1
        m = _FORMAT_RE.match(raw, rest_start)
        if m:
            text_format = m.group(1).lower()
            pos = m.end()

        # the answer block
        open_at = _find(raw, "{", pos)
        if open_at < 0:
            stray = _find(raw, "}", pos)
            if stray >= 0:
                self.problem(block.line_at(stray), "'}' without a matching '{'")
            else:
                self.problem(
                    start_line, "unsupported question type: description (no answer block '{…}')"
                )
            return None
        stray = _find(raw, "}", pos, open_at)
        if stray >= 0:
            self.problem(block.line_at(stray), "'}' without a matching '{'")
        close_at = _find(raw, "}", open_at + 1)
        if close_at < 0:
            self.problem(
                block.line_at(open_at),
                "unclosed '{' (the answer block must end with '}' before the next blank line)",
            )
            return None
        inner_open = _find(raw, "{", open_at + 1, close_at)
        if inner_open >= 0:
            self.problem(
                block.line_at(inner_open), "'{' inside an answer block (escape it as '\\{')"
            )
        extra_open = _find(raw, "{", close_at + 1)
        if extra_open >= 0:
            self.problem(
                block.line_at(extra_open),
                "more than one answer block (missing blank line between questions?)",
            )
        extra_close = _find(raw, "}", close_at + 1)
        if extra_close >= 0 and (extra_open < 0 or extra_close < extra_open):
            self.problem(block.line_at(extra_close), "'}' without a matching '{'")

        before_text = raw[pos:open_at]
        after_text = raw[close_at + 1 :]
        if after_text.strip():
            text = unescape(before_text + BLANK + after_text).strip()
        else:
            text = unescape(before_text).strip()
        if not text or text == BLANK:
            self.problem(start_line, "question has no text")

        question = Question(
            name=name,
            qtype="",
            text=Text(text, text_format),
            category=category,
            line=start_line,
            path=self.path,
            ignore_diacritics=ignore_diacritics,
            general_feedback=Text(format=text_format),
            feedback_true=Text(format=text_format),
            feedback_false=Text(format=text_format),
        )

        # general feedback
        a_start, a_end = open_at + 1, close_at
        gf = _find(raw, "####", a_start, a_end)
        ctx = AnswerBlock(self, block, a_start, a_end, question)
        if gf >= 0:
            question.general_feedback = ctx.text(raw[gf + 4 : a_end])
            ctx.end = gf

        self.answers(question, ctx)
        if len(self.problems) != problems_before:
            return None
        return question

    def answers(self, q: Question, ctx: AnswerBlock) -> None:
        from elearn.quiz.types import REGISTRY  # the types import this module

        body = ctx.body
        if not body.strip():
            self.problem(q.line, "unsupported question type: essay (empty answer block '{}')")
            return
        for qtype in REGISTRY.values():
            if qtype.claims(body):
                q.qtype = qtype.name
                qtype.parse_answers(ctx, q)
                return
        self.problem(
            ctx.first_line(),
            "unknown question type: answers must start with '=' or '~', or be T/F or a #number",
        )


def parse_gift(text: str, path: str = "<string>") -> tuple[list[Question], list[Problem]]:
    """Parse GIFT ``text``; ``path`` is only used in problems. Never raises."""
    if not isinstance(text, str):
        return [], [Problem(str(path), 1, "input is not text")]
    parser = _Parser(text, str(path))
    parser.run()
    return parser.questions, parser.problems
