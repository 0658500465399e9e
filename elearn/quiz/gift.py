"""A parser for Moodle's GIFT question format, as used by ``courses/*/questions/*.gift``.

``parse_gift(text, path)`` returns ``(questions, problems)``. It never raises: anything
wrong with the input becomes a :class:`Problem` (``path:line: message``), and a question
with a problem is left out of ``questions``. Supported (see docs/course-modules.md):

* questions separated by blank lines; ``//`` comment lines; ``$CATEGORY: name``;
* ``::name::`` (required, unique within one parse call), ``[moodle]``/``[markdown]``/
  ``[html]``/``[plain]`` text formats, multi-line questions, an answer block in the
  middle of the text (fill in the blank: the block becomes ``_____``);
* single choice ``{=right ~wrong}``, multiple answers ``{~%50%a ~%50%b ~%-100%c}``,
  true/false ``{T}``/``{F#wrong-fb#right-fb}``, short answer ``{=a =%50%b}``, numeric
  ``{#12.5:0.5}``/``{#10..15}``/``{#=12:0 =%50%12:2}``, matching ``{=a -> 1 =b -> 2}``
  (``= -> x`` adds a right-hand distractor);
* ``#`` per-answer feedback, ``####`` general feedback, escapes ``\\~ \\= \\# \\{ \\} \\:
  \\\\`` and ``\\n`` (newline);
* ``// elearn: ignore-diacritics`` on the line before a short-answer question (blank
  lines in between are ignored).

Option ids are ``a``, ``b``, … in source order. Matching left items are ``a``, ``b``, …
in source order; right-hand choices are ``1``, ``2``, … in alphabetical order of their
text (identical texts share one id), so the ids do not reveal the pairing.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "MatchPair",
    "NumericAnswer",
    "Option",
    "Problem",
    "Question",
    "ShortAnswer",
    "QTYPES",
    "parse_gift",
]

QTYPES = ("single", "multi", "truefalse", "short", "numeric", "matching")
TEXT_FORMATS = ("moodle", "markdown", "html", "plain")
BLANK = "_____"
WEIGHT_TOLERANCE = 0.01  # percent: multi-answer positive weights must add up to 100 ± this


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Option:
    """A choice of a single/multi question. ``fraction`` is in -1..1."""

    id: str
    text: str
    fraction: float
    feedback: str = ""


@dataclass
class ShortAnswer:
    """An accepted answer of a short-answer question."""

    text: str
    fraction: float = 1.0
    feedback: str = ""


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
    feedback: str = ""


class MatchPair(NamedTuple):
    left_id: str
    left_text: str
    right_id: str
    right_text: str


@dataclass
class Question:
    name: str
    qtype: str
    text: str
    category: str = ""
    text_format: str = "moodle"
    general_feedback: str = ""
    line: int = 0
    path: str = "<string>"
    # single / multi
    options: list[Option] = field(default_factory=list)
    # truefalse: ``answer`` is the right answer; feedback_true is shown to a learner who
    # answered True, feedback_false to one who answered False.
    answer: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""
    # short
    answers: list[ShortAnswer] = field(default_factory=list)
    ignore_diacritics: bool = False
    # numeric
    numeric_answers: list[NumericAnswer] = field(default_factory=list)
    # matching: pairs in source order; right_choices = every right-hand (id, text),
    # distractors included, ordered by id.
    pairs: list[MatchPair] = field(default_factory=list)
    right_choices: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers

_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_WEIGHT_RE = re.compile(r"%([^%\n]*)%")
_FORMAT_RE = re.compile(r"\[(moodle|markdown|html|plain)\]", re.IGNORECASE)
_DIRECTIVE_RE = re.compile(r"//\s*elearn\s*:\s*(.*?)\s*$", re.IGNORECASE)
_CATEGORY_PREFIX = "$CATEGORY:"


def _find(s: str, sub: str, start: int = 0, end: int | None = None) -> int:
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


def _unescape(s: str) -> str:
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


def _clean(s: str) -> str:
    return _unescape(s.strip()).strip()


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


def _letter_id(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, …"""
    out = ""
    index += 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def _short(s: str, limit: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _fmt_pct(x: float) -> str:
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


class _Answer(NamedTuple):
    marker: str  # "=", "~" or "" (text before the first marker)
    body: str  # raw text after the marker
    offset: int  # offset of the marker in the block


def _split_answers(block: str, start: int, end: int) -> list[_Answer]:
    """Split ``block[start:end]`` at unescaped ``=`` and ``~``."""
    parts: list[_Answer] = []
    marker, seg_start, marker_at = "", start, start
    i = start
    while i < end:
        c = block[i]
        if c == "\\":
            i += 2
            continue
        if c in "=~":
            parts.append(_Answer(marker, block[seg_start:i], marker_at))
            marker, seg_start, marker_at = c, i + 1, i
        i += 1
    parts.append(_Answer(marker, block[seg_start:end], marker_at))
    return parts


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
                    self.problem(lineno, f"unknown '// elearn:' directive '{_short(m.group(1))}'")
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
            text = _unescape(before_text + BLANK + after_text).strip()
        else:
            text = _unescape(before_text).strip()
        if not text or text == BLANK:
            self.problem(start_line, "question has no text")

        question = Question(
            name=name,
            qtype="",
            text=text,
            category=category,
            text_format=text_format,
            line=start_line,
            path=self.path,
            ignore_diacritics=ignore_diacritics,
        )

        # general feedback
        a_start, a_end = open_at + 1, close_at
        gf = _find(raw, "####", a_start, a_end)
        if gf >= 0:
            question.general_feedback = _clean(raw[gf + 4 : a_end])
            a_end = gf

        self.answers(question, block, a_start, a_end)
        if len(self.problems) != problems_before:
            return None
        return question

    # -- the answer block --------------------------------------------------------------

    def answers(self, q: Question, block: _Block, start: int, end: int) -> None:
        raw = block.raw
        body = raw[start:end]
        stripped = body.strip()
        first = start + (len(body) - len(body.lstrip()))
        if not stripped:
            self.problem(q.line, "unsupported question type: essay (empty answer block '{}')")
            return
        if stripped.startswith("#"):
            q.qtype = "numeric"
            self.numeric(q, block, first + 1, end)
            return
        if _find(raw, "~", start, end) >= 0:
            self.choice(q, block, start, end)
            return
        has_eq = _find(raw, "=", start, end) >= 0
        if has_eq and "->" in body:
            q.qtype = "matching"
            self.matching(q, block, start, end)
            return
        hash_at = _find(raw, "#", start, end)
        head = raw[start : hash_at if hash_at >= 0 else end].strip().upper()
        if head in ("T", "TRUE", "F", "FALSE"):
            q.qtype = "truefalse"
            q.answer = head.startswith("T")
            wrong = right = ""
            if hash_at >= 0:
                second = _find(raw, "#", hash_at + 1, end)
                if second >= 0:
                    wrong = _clean(raw[hash_at + 1 : second])
                    right = _clean(raw[second + 1 : end])
                else:
                    wrong = _clean(raw[hash_at + 1 : end])
            if q.answer:
                q.feedback_true, q.feedback_false = right, wrong
            else:
                q.feedback_true, q.feedback_false = wrong, right
            return
        if has_eq and stripped.startswith("="):
            q.qtype = "short"
            self.short(q, block, start, end)
            return
        self.problem(
            block.line_at(first),
            "unknown question type: answers must start with '=' or '~', or be T/F or a #number",
        )

    def _parts(self, block: _Block, start: int, end: int) -> list[_Answer]:
        parts = _split_answers(block.raw, start, end)
        lead = parts[0]
        if lead.body.strip():
            self.problem(
                block.line_at(lead.offset + len(lead.body) - len(lead.body.lstrip())),
                f"unexpected text before the first answer: '{_short(_unescape(lead.body))}'",
            )
        return parts[1:]

    def _weight(self, block: _Block, part: _Answer) -> tuple[float | None, str, bool]:
        """Split an optional leading ``%n%``; returns (percent or None, rest, ok)."""
        body = part.body.lstrip()
        m = _WEIGHT_RE.match(body)
        if not m:
            return None, body, True
        line = block.line_at(part.offset)
        value = parse_plain_number(m.group(1))
        if value is None:
            self.problem(line, f"invalid weight '%{_short(m.group(1))}%'")
            return None, body[m.end() :], False
        if not -100 <= value <= 100:
            self.problem(line, f"weight {_fmt_pct(value)}% is outside -100..100")
            return None, body[m.end() :], False
        return value, body[m.end() :], True

    @staticmethod
    def _feedback(body: str) -> tuple[str, str]:
        h = _find(body, "#")
        if h < 0:
            return _clean(body), ""
        return _clean(body[:h]), _clean(body[h + 1 :])

    def choice(self, q: Question, block: _Block, start: int, end: int) -> None:
        parts = self._parts(block, start, end)
        entries: list[tuple[_Answer, float | None, str, str]] = []
        weighted_tilde = False
        bad_weight = False
        for part in parts:
            weight, rest, ok = self._weight(block, part)
            if not ok:
                weighted_tilde = weighted_tilde or part.marker == "~"
                bad_weight = True
                continue
            text, feedback = self._feedback(rest)
            if not text:
                self.problem(block.line_at(part.offset), "empty answer")
            if weight is not None and part.marker == "~":
                weighted_tilde = True
            entries.append((part, weight, text, feedback))
        if weighted_tilde:
            q.qtype = "multi"
            total = 0.0
            for part, weight, text, feedback in entries:
                pct = weight if weight is not None else (100.0 if part.marker == "=" else 0.0)
                if pct > 0:
                    total += pct
                q.options.append(Option(_letter_id(len(q.options)), text, pct / 100, feedback))
            if entries and not bad_weight and abs(total - 100) > WEIGHT_TOLERANCE + 1e-9:
                self.problem(
                    q.line, f"multiple-answer weights add up to {_fmt_pct(total)}%, not 100%"
                )
            return
        q.qtype = "single"
        right = [e for e in entries if e[0].marker == "="]
        for part, weight, text, feedback in entries:
            if weight is not None:
                pct = weight
            else:
                pct = 100.0 if part.marker == "=" else 0.0
            q.options.append(Option(_letter_id(len(q.options)), text, pct / 100, feedback))
        if not right:
            self.problem(q.line, "single choice question has no right answer ('=')")
        elif len(right) > 1:
            self.problem(
                q.line,
                f"single choice question has {len(right)} right answers ('='); "
                "use ~%n% weights for a multiple-answer question",
            )
        if right and max(o.fraction for o in q.options) < 1:
            self.problem(q.line, "single choice question has no answer worth 100%")

    def short(self, q: Question, block: _Block, start: int, end: int) -> None:
        problems_before = len(self.problems)
        for part in self._parts(block, start, end):
            line = block.line_at(part.offset)
            if part.marker != "=":
                self.problem(line, "short-answer answers must start with '='")
                continue
            weight, rest, ok = self._weight(block, part)
            if not ok:
                continue
            text, feedback = self._feedback(rest)
            if not text:
                self.problem(line, "empty answer")
                continue
            pct = 100.0 if weight is None else weight
            q.answers.append(ShortAnswer(text, pct / 100, feedback))
        if q.answers and max(a.fraction for a in q.answers) < 1:
            self.problem(q.line, "short-answer question has no answer worth 100%")
        elif not q.answers and len(self.problems) == problems_before:
            self.problem(q.line, "question has no answers")

    def numeric(self, q: Question, block: _Block, start: int, end: int) -> None:
        raw = block.raw
        if not raw[start:end].strip():
            self.problem(q.line, "numeric question has no answers")
            return
        if _find(raw, "=", start, end) >= 0:
            parts = self._parts(block, start, end)
        else:
            parts = [_Answer("=", raw[start:end], start - 1)]
        for part in parts:
            line = block.line_at(part.offset)
            if part.marker != "=":
                self.problem(line, "numeric answers must start with '='")
                continue
            weight, rest, ok = self._weight(block, part)
            if not ok:
                continue
            spec, feedback = self._feedback(rest)
            if not spec:
                self.problem(line, "empty numeric answer")
                continue
            pct = 100.0 if weight is None else weight
            answer = self._numeric_answer(line, spec)
            if answer is not None:
                answer.fraction = pct / 100
                answer.feedback = feedback
                q.numeric_answers.append(answer)
        if q.numeric_answers and max(a.fraction for a in q.numeric_answers) < 1:
            self.problem(q.line, "numeric question has no answer worth 100%")

    def _numeric_answer(self, line: int, spec: str) -> NumericAnswer | None:
        if ".." in spec:
            lo_s, hi_s = spec.split("..", 1)
            lo, hi = parse_plain_number(lo_s), parse_plain_number(hi_s)
            for s, v in ((lo_s, lo), (hi_s, hi)):
                if v is None:
                    self.problem(line, f"numeric answer '{_short(s.strip())}' is not a number")
                    return None
            assert lo is not None and hi is not None
            if lo > hi:
                self.problem(line, f"numeric range {spec.strip()}: minimum is greater than maximum")
                return None
            return NumericAnswer(min=lo, max=hi)
        value_s, _, tol_s = spec.partition(":")
        value = parse_plain_number(value_s)
        if value is None:
            self.problem(line, f"numeric answer '{_short(value_s.strip())}' is not a number")
            return None
        tolerance = 0.0
        if tol_s.strip():
            tol = parse_plain_number(tol_s)
            if tol is None:
                self.problem(line, f"numeric tolerance '{_short(tol_s.strip())}' is not a number")
                return None
            if tol < 0:
                self.problem(line, "numeric tolerance must not be negative")
                return None
            tolerance = tol
        elif ":" in spec:
            self.problem(line, "numeric tolerance is missing after ':'")
            return None
        lo, hi = value - tolerance, value + tolerance
        if not (math.isfinite(lo) and math.isfinite(hi)):
            self.problem(line, f"numeric answer '{_short(spec)}' is out of range")
            return None
        return NumericAnswer(min=lo, max=hi, value=value, tolerance=tolerance)

    def matching(self, q: Question, block: _Block, start: int, end: int) -> None:
        problems_before = len(self.problems)
        lefts: list[tuple[str, str]] = []
        distractors: list[str] = []
        for part in self._parts(block, start, end):
            line = block.line_at(part.offset)
            if part.marker != "=":
                self.problem(line, "matching pairs must start with '='")
                continue
            body = part.body
            arrow = body.find("->")
            if arrow < 0:
                self.problem(line, "matching pair has no '->'")
                continue
            if _find(body, "#") >= 0:
                self.problem(line, "feedback ('#') is not supported in matching pairs")
                continue
            left, right = _clean(body[:arrow]), _clean(body[arrow + 2 :])
            if not right:
                self.problem(line, "matching pair has no right-hand side")
                continue
            if left:
                lefts.append((left, right))
            else:
                distractors.append(right)
        if len(self.problems) != problems_before:
            return
        if len(lefts) < 2:
            self.problem(q.line, f"matching question needs at least 2 pairs, has {len(lefts)}")
            return
        rights = sorted({r for _, r in lefts} | set(distractors), key=lambda s: (s.casefold(), s))
        right_ids = {text: str(i) for i, text in enumerate(rights, start=1)}
        q.right_choices = [(right_ids[t], t) for t in rights]
        q.pairs = [
            MatchPair(_letter_id(i), left, right_ids[right], right)
            for i, (left, right) in enumerate(lefts)
        ]


def parse_gift(text: str, path: str = "<string>") -> tuple[list[Question], list[Problem]]:
    """Parse GIFT ``text``; ``path`` is only used in problems. Never raises."""
    if not isinstance(text, str):
        return [], [Problem(str(path), 1, "input is not text")]
    parser = _Parser(text, str(path))
    parser.run()
    return parser.questions, parser.problems
