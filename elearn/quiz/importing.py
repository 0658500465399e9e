"""Question import and export: the services the studio, the JSON API and the CLI call.

An import is previewed first, then saved all or nothing::

    preview = preview_gift(text, existing=question_hashes(draft), default_category="phan-1")
    if preview.ok:
        add_questions_to_revision(draft, preview.questions)   # elearn.content.revisions

:func:`preview_gift` (pasted or uploaded GIFT) and :func:`preview_xlsx` (a workbook made
from :func:`xlsx_template`) never raise on bad input: every problem is an
:class:`ImportProblem` with its GIFT line, or its spreadsheet row and column, and a message
in the current locale. A question with a problem is left out of ``preview.questions``; the
others are listed, each marked new, changed (saving makes a new version) or unchanged
against ``existing`` (name -> content hash, as ``question_hashes`` gives for a revision).

:func:`export_gift` and :func:`export_xlsx` write questions so that previewing the result
gives the same questions back; they raise ValidationFailed (with the reasons by question
name in ``fields``) for questions that could not come back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn.content.revisions import question_content_hash
from elearn.core.errors import ValidationFailed
from elearn.quiz import xlsx
from elearn.quiz.gift import parse_gift, short
from elearn.quiz.gift_writer import named_bank_problems, write_gift
from elearn.quiz.problem_text import translate_problem
from elearn.quiz.question import Question
from elearn.quiz.richtext import html_of, plain_text
from elearn.quiz.types import QTYPES, validate

__all__ = [
    "MAX_GIFT_CHARS",
    "MAX_QUESTIONS",
    "STATUS_LABELS",
    "ImportPreview",
    "ImportProblem",
    "PreviewItem",
    "export_gift",
    "export_xlsx",
    "preview_gift",
    "preview_xlsx",
    "xlsx_template",
]

#: a paste (about 2,000 questions of 1,000 characters)
MAX_GIFT_CHARS = 2_000_000
MAX_QUESTIONS = xlsx.MAX_ROWS
#: the database's column sizes (Question.name, QuestionVersion.category)
MAX_NAME = 120
MAX_CATEGORY = 120

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
STATUS_LABELS = {
    NEW: _l("new"),
    CHANGED: _l("will create a new version"),
    UNCHANGED: _l("unchanged"),
}


@dataclass(frozen=True)
class ImportProblem:
    """One problem of an import: where (a GIFT ``line``, or a spreadsheet ``row`` and
    ``column`` letter; none for the whole input) and a translated ``message``."""

    message: str
    line: int | None = None
    row: int | None = None
    column: str | None = None

    @property
    def where(self) -> str:
        """The place in words ("Line 4", "Row 7, column H"), "" for the whole input."""
        if self.line is not None:
            return _("Line %(n)d", n=self.line)
        if self.row is not None and self.column is not None:
            return _("Row %(n)d, column %(column)s", n=self.row, column=self.column)
        if self.row is not None:
            return _("Row %(n)d", n=self.row)
        return ""

    def as_dict(self) -> dict[str, Any]:
        """For JSON: ``{"line", "message"}`` or ``{"row", "column", "message"}``."""
        place: dict[str, Any] = {}
        if self.line is not None:
            place["line"] = self.line
        if self.row is not None:
            place["row"] = self.row
            place["column"] = self.column
        return place | {"message": self.message}

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class PreviewItem:
    """A question that would be saved, where it was read and what saving it does."""

    question: Question
    #: NEW, CHANGED (saving makes a new version) or UNCHANGED (saving leaves it alone)
    status: str
    line: int | None = None
    row: int | None = None

    @property
    def name(self) -> str:
        return self.question.name

    @property
    def qtype(self) -> str:
        return self.question.qtype

    @property
    def category(self) -> str:
        return self.question.category

    @property
    def summary(self) -> str:
        """The question text as plain words, cut to 100 characters."""
        return short(plain_text(html_of(self.question.text, inline=False)), 100)


@dataclass(frozen=True)
class ImportPreview:
    """What an import would save and every problem that stops it."""

    items: list[PreviewItem] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing wrong and something to save: the import may be saved."""
        return not self.problems and bool(self.items)

    @property
    def questions(self) -> list[Question]:
        """The questions read without a problem, in input order."""
        return [item.question for item in self.items]

    @property
    def counts(self) -> dict[str, int]:
        """Question type -> how many, in registry order (types with none left out)."""
        found = [item.qtype for item in self.items]
        return {qtype: found.count(qtype) for qtype in QTYPES if qtype in found}

    @property
    def by_status(self) -> dict[str, int]:
        """NEW / CHANGED / UNCHANGED -> how many."""
        return {s: sum(1 for i in self.items if i.status == s) for s in (NEW, CHANGED, UNCHANGED)}


# --------------------------------------------------------------------------- preview


def _category_problem(category: str) -> str | None:
    if len(category) > MAX_CATEGORY:
        return _("The category is longer than %(n)d characters.", n=MAX_CATEGORY)
    if category != category.strip() or "\n" in category or "\r" in category:
        return translate_problem("category has spaces at the start or end, or a line break")
    if category.startswith(("$course$/", "$system$/")):
        return translate_problem("category must not start with '$course$/' or '$system$/'")
    return None


def _question_problems(question: Question, check: bool) -> list[tuple[str, str]]:
    """(field, message) for what stops saving a question read without a format problem."""
    found: list[tuple[str, str]] = []
    if len(question.name) > MAX_NAME:
        found.append(("name", _("The name is longer than %(n)d characters.", n=MAX_NAME)))
    if "\n" in question.name or "\r" in question.name:
        found.append(("name", _("The name must be on one line.")))
    if not question.category:
        found.append(
            (
                "category",
                _(
                    "The question has no category: add “$CATEGORY: name” above it (GIFT), "
                    "fill in the category column (spreadsheet), or choose a category."
                ),
            )
        )
    elif (wrong := _category_problem(question.category)) is not None:
        found.append(("category", wrong))
    if check:
        found += [("", translate_problem(message)) for message in validate(question)]
    return found


def _finish(
    read: Iterable[tuple[Question, dict[str, Any]]],
    problems: list[ImportProblem],
    existing: Mapping[str, str],
    default_category: str,
    *,
    place_of: Any,
    check: bool,
) -> ImportPreview:
    """The checks both formats share, then each question's status against ``existing``.

    ``read``: (question, where it was read: ``{"line": n}`` or ``{"row": n}``);
    ``place_of(where, field)`` -> the ImportProblem place of a field ("name", "category");
    ``check``: run the registry's ``validate`` too (the spreadsheet reader already did).
    """
    items: list[PreviewItem] = []
    for question, where in read:
        if not question.category:
            question.category = default_category
        found = [
            ImportProblem(message, **place_of(where, about))
            for about, message in _question_problems(question, check)
        ]
        problems += found
        if found:
            continue
        known = existing.get(question.name)
        if known is None:
            status = NEW
        else:
            status = UNCHANGED if question_content_hash(question) == known else CHANGED
        items.append(PreviewItem(question, status, where.get("line"), where.get("row")))
    if len(items) > MAX_QUESTIONS:
        problems.append(
            ImportProblem(
                _(
                    "More than %(n)s questions: import at most %(n)s at a time.",
                    n=f"{MAX_QUESTIONS:,}".replace(",", "."),
                )
            )
        )
    return ImportPreview(items, problems)


def _default_category(default_category: str, problems: list[ImportProblem]) -> str:
    default_category = (default_category or "").strip()
    wrong = _category_problem(default_category) if default_category else None
    if wrong is not None:
        problems.append(ImportProblem(_("The chosen category: %(problem)s", problem=wrong)))
        return ""
    return default_category


def preview_gift(
    text: str, existing: Mapping[str, str] | None = None, default_category: str = ""
) -> ImportPreview:
    """What importing GIFT ``text`` would save, and every problem with its line.

    ``existing``: name -> content hash of the questions the target already has
    (``elearn.content.revisions.question_hashes``); ``default_category`` is given to
    questions without a ``$CATEGORY``. Never raises for bad input."""
    problems: list[ImportProblem] = []
    if not isinstance(text, str):
        return ImportPreview([], [ImportProblem(_("The input is not text."), line=1)])
    if len(text) > MAX_GIFT_CHARS:
        return ImportPreview(
            [],
            [
                ImportProblem(
                    _(
                        "The text is longer than %(n)s characters: import it in parts.",
                        n=f"{MAX_GIFT_CHARS:,}".replace(",", "."),
                    ),
                    line=1,
                )
            ],
        )
    if not text.strip():
        return ImportPreview(
            [],
            [
                ImportProblem(
                    _(
                        "Nothing to import: paste questions in GIFT, e.g. "
                        "::name:: Question text {=right ~wrong}"
                    ),
                    line=1,
                )
            ],
        )
    category = _default_category(default_category, problems)
    questions, found = parse_gift(text, "<gift>")
    problems += [ImportProblem(translate_problem(p.message), line=p.line) for p in found]
    if not questions and not found:
        problems.append(
            ImportProblem(_("No question found: each question is ::name:: text {answers}."), line=1)
        )
    return _finish(
        ((q, {"line": q.line}) for q in questions),
        problems,
        existing or {},
        category,
        place_of=lambda where, _field: where,
        check=True,
    )


def preview_xlsx(
    data: bytes, existing: Mapping[str, str] | None = None, default_category: str = ""
) -> ImportPreview:
    """What importing a workbook made from :func:`xlsx_template` would save, and every
    problem with its row and column (``existing`` and ``default_category`` as for
    :func:`preview_gift`). Never raises for bad input, whatever the bytes."""
    problems: list[ImportProblem] = []
    category = _default_category(default_category, problems)
    sheet = xlsx.read_questions(data)
    problems += [
        ImportProblem(p.message, row=p.row or None, column=p.column) for p in sheet.problems
    ]

    def place_of(where: dict[str, Any], about: str) -> dict[str, Any]:
        return where | {"column": sheet.columns.get(about)}

    return _finish(
        ((r.question, {"row": r.row}) for r in sheet.questions),
        problems,
        existing or {},
        category,
        place_of=place_of,
        check=False,
    )


def xlsx_template() -> bytes:
    """The .xlsx template the import page offers (one example row per question type)."""
    return xlsx.template()


# --------------------------------------------------------------------------- export


def _refuse(problems: list[tuple[str, str]], what: str) -> None:
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    for name, message in problems:
        fields.setdefault(name, []).append(message)
    raise ValidationFailed(
        _(
            "%(count)d question(s) cannot be written to %(format)s: %(names)s.",
            count=len(fields),
            format=what,
            names=", ".join(fields),
        ),
        fields,
    )


def export_gift(questions: Sequence[Question]) -> str:
    """``questions`` as GIFT (read back by :func:`preview_gift` unchanged); raises
    ValidationFailed for questions that would not read back."""
    _refuse([(n, translate_problem(p)) for n, p in named_bank_problems(questions)], "GIFT")
    return write_gift(questions)


def export_xlsx(questions: Sequence[Question]) -> bytes:
    """``questions`` as an .xlsx in the template's layout (read back by
    :func:`preview_xlsx` unchanged); raises ValidationFailed for questions a sheet cannot
    hold (more than 8 options, …) or that would not read back."""
    problems = [(n, translate_problem(p)) for n, p in named_bank_problems(questions)]
    _refuse(problems + xlsx.sheet_problems(questions), "Excel")
    return xlsx.write_questions(questions)
