"""Turn parsed GIFT questions into JSON for the database, and back."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from elearn.content.render import render_markdown, sanitize_html
from elearn.quiz.gift import MatchPair, NumericAnswer, Option, Question, ShortAnswer


def to_data(question: Question) -> dict[str, Any]:
    data = asdict(question)
    data["pairs"] = [list(p) for p in question.pairs]
    data["right_choices"] = [list(c) for c in question.right_choices]
    data.pop("path", None)
    data["text_html"] = text_html(question)
    return data


def from_data(data: dict[str, Any]) -> Question:
    fields = dict(data)
    fields.pop("text_html", None)
    fields["options"] = [Option(**o) for o in data.get("options", [])]
    fields["answers"] = [ShortAnswer(**a) for a in data.get("answers", [])]
    fields["numeric_answers"] = [NumericAnswer(**n) for n in data.get("numeric_answers", [])]
    fields["pairs"] = [MatchPair(*p) for p in data.get("pairs", [])]
    fields["right_choices"] = [tuple(c) for c in data.get("right_choices", [])]
    return Question(**fields)


def text_html(question: Question) -> str:
    """The question text as safe HTML, whatever its GIFT format."""
    if question.text_format == "html":
        return sanitize_html(question.text)
    if question.text_format == "plain":
        from markupsafe import escape

        return f"<p>{escape(question.text)}</p>"
    return render_markdown(question.text)
