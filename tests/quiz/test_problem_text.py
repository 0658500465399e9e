"""The studio's words for parser and validation problems: every message has a rule, and
the rules keep the values (names, numbers) in the translated text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from elearn.quiz.gift import parse_gift
from elearn.quiz.problem_text import is_known, option_number, translate_problem
from elearn.quiz.question import letter_id

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "elearn/quiz/gift.py",
    ROOT / "elearn/quiz/gift_writer.py",
    *sorted((ROOT / "elearn/quiz/types").glob("*.py")),
]

#: what a formatted value stands for in a sample message (else "2": rules read numbers
#: as digits and quoted texts as anything)
SAMPLES = {"what": "option b", "option.id": "b", "p.left_id": "a", "name": "q1"}


def _sample(node: ast.expr) -> str | None:
    """The message a string or f-string node writes, with its values filled in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(part.value)
        else:
            source = ast.unparse(part.value)  # type: ignore[attr-defined]
            out.append(SAMPLES.get(source, "2"))
    text = "".join(out)
    # expect_ids is called with "option" or "matching left item", not "option b"
    return text.replace("option b ids", "option ids")


def messages() -> list[tuple[str, int, str]]:
    """(file, line, sample) of every problem message the parser, writer and types write."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "problem" and len(node.args) == 2:
                    candidates.append(node.args[1])
                elif name == "Problem" and len(node.args) == 3:
                    candidates.append(node.args[2])
                elif name == "append" and ast.unparse(func.value) == "problems":
                    arg = node.args[0]
                    candidates += arg.elts[1:] if isinstance(arg, ast.Tuple) else [arg]
            elif isinstance(node, ast.Return | ast.AugAssign) and isinstance(node.value, ast.List):
                candidates += node.value.elts
            for candidate in candidates:
                sample = _sample(candidate)
                if sample is not None:
                    found.append((path.name, candidate.lineno, sample))
    return found


def test_the_message_finder_finds_the_messages():
    found = {sample for _file, _line, sample in messages()}
    assert len(found) > 60
    assert "'}' without a matching '{'" in found
    assert "option b: fraction 2 is outside -1..1" in found
    assert "no category after questions with a category" in found


@pytest.mark.parametrize("where,sample", [((f, n), s) for f, n, s in messages()], ids=str)
def test_every_problem_message_has_a_translation_rule(where, sample):
    assert is_known(sample), f"{where}: add a rule to elearn/quiz/problem_text.py"


def test_unknown_messages_are_kept_as_they_are():
    assert not is_known("something new went wrong")
    assert translate_problem("something new went wrong") == "something new went wrong"


def test_option_numbers_invert_letter_ids():
    assert [option_number(letter_id(i)) for i in range(60)] == list(range(1, 61))


def test_values_are_kept_in_the_vietnamese_text(app_ctx):
    _questions, problems = parse_gift("::a:: A {T}\n\n::a:: B {=x ~%150%y}\n", "t.gift")
    with force_locale("vi"):
        words = [translate_problem(p.message) for p in problems]
    assert words == [
        "Mã “a” đã được dùng cho câu hỏi ở dòng 1.",
        "Điểm 150% nằm ngoài khoảng -100% đến 100%.",
    ]
    with force_locale("en"):
        assert translate_problem(problems[0].message) == (
            "The name “a” is already used by the question on line 1."
        )


def test_a_subject_becomes_the_option_number(app_ctx):
    with force_locale("vi"):
        assert translate_problem("option c: fraction 1.5 is outside -1..1") == (
            "Phương án 3: Điểm 150% nằm ngoài khoảng -100% đến 100%."
        )
        assert translate_problem("answer 2: empty answer") == "Đáp án 2: Câu trả lời bị trống."
