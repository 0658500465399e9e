"""Shipped question banks must test understanding, not test-taking (issue 8 §2).

A learner who did not read the lessons should not be able to pass by picking the longest
option, by answering "False" to every true/false statement, or by spotting the option
text that recurs in every question. For each shipped course (all of its banks together):

* the right option is the longest (ties count) in 10–40% of single-choice questions, and
  the shortest (ties count) in 10–40% (with four options chance gives about 25%): a writer
  who shortens every key to beat the first rule has made the second cue, and "never the
  longest" is a cue too;
* between 35% and 65% of true/false statements are true;
* no option text appears in more than 3 questions;
* every quiz that can draw a choice question shuffles its options, so position carries
  no signal either.

``python -m tests.courses.test_quiz_cueing`` prints the figures per course.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from elearn.content.package import Package, files_from_folder, read_files
from elearn.quiz.question import Question

COURSES = Path(__file__).resolve().parents[2] / "courses"
PACKAGES = sorted(p for p in COURSES.glob("*/package") if (p / "course.toml").is_file())

LENGTH_SHARE = (0.10, 0.40)
TRUE_SHARE = (0.35, 0.65)
OPTION_REPEAT_MAX = 3


def read_package(folder: Path) -> Package:
    return read_files(files_from_folder(folder), label=str(folder.relative_to(COURSES.parent)))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s%]", "", text)).strip()


@dataclass
class Figures:
    single: int
    longest_right: int
    shortest_right: int
    truefalse: int
    true_keys: int
    repeated: dict[str, int]

    @property
    def longest_share(self) -> float:
        return self.longest_right / self.single if self.single else 0.0

    @property
    def shortest_share(self) -> float:
        return self.shortest_right / self.single if self.single else 0.0

    @property
    def true_share(self) -> float:
        return self.true_keys / self.truefalse if self.truefalse else 0.5


def _lengths(question: Question) -> tuple[list[int], list[int]]:
    every = [len(option.text.text.strip()) for option in question.options]
    right = [len(option.text.text.strip()) for option in question.options if option.fraction >= 1]
    return every, right


def right_is_longest(question: Question) -> bool:
    every, right = _lengths(question)
    return bool(right) and max(right) >= max(every)


def right_is_shortest(question: Question) -> bool:
    every, right = _lengths(question)
    return bool(right) and min(right) <= min(every)


def figures(questions: list[Question]) -> Figures:
    single = [q for q in questions if q.qtype == "single"]
    truefalse = [q for q in questions if q.qtype == "truefalse"]
    seen: Counter[str] = Counter()
    for question in questions:
        texts = {_norm(option.text.text) for option in question.options}
        texts |= {_norm(choice) for _, choice in question.right_choices}
        seen.update(t for t in texts if t)
    return Figures(
        single=len(single),
        longest_right=sum(right_is_longest(q) for q in single),
        shortest_right=sum(right_is_shortest(q) for q in single),
        truefalse=len(truefalse),
        true_keys=sum(bool(q.answer) for q in truefalse),
        repeated={text: n for text, n in seen.items() if n > OPTION_REPEAT_MAX},
    )


def course_figures(folder: Path) -> tuple[Package, Figures]:
    package = read_package(folder)
    return package, figures([question for _, question in package.questions])


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.parent.name for p in PACKAGES])
def test_the_longest_option_is_not_the_key(folder):
    _, f = course_figures(folder)
    assert f.single >= 5, "a course's banks hold single-choice questions"
    low, high = LENGTH_SHARE
    assert low <= f.longest_share <= high, (
        f"the right option is the longest in {f.longest_right} of {f.single} single-choice "
        f"questions ({f.longest_share:.0%}, not within {low:.0%}–{high:.0%})"
    )


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.parent.name for p in PACKAGES])
def test_the_shortest_option_is_not_the_key(folder):
    _, f = course_figures(folder)
    low, high = LENGTH_SHARE
    assert low <= f.shortest_share <= high, (
        f"the right option is the shortest in {f.shortest_right} of {f.single} single-choice "
        f"questions ({f.shortest_share:.0%}, not within {low:.0%}–{high:.0%})"
    )


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.parent.name for p in PACKAGES])
def test_true_false_keys_are_balanced(folder):
    _, f = course_figures(folder)
    if f.truefalse < 4:
        pytest.skip("too few true/false statements to balance")
    low, high = TRUE_SHARE
    assert low <= f.true_share <= high, (
        f"{f.true_keys} of {f.truefalse} true/false statements are true ({f.true_share:.0%})"
    )


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.parent.name for p in PACKAGES])
def test_no_option_text_recurs_across_many_questions(folder):
    _, f = course_figures(folder)
    assert not f.repeated, f"options in more than {OPTION_REPEAT_MAX} questions: {f.repeated}"


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.parent.name for p in PACKAGES])
def test_choice_options_are_shuffled(folder):
    package = read_package(folder)
    banks_with_choices = {
        bank for bank, q in package.questions if q.qtype in {"single", "multi", "matching"}
    }
    for key, quiz in package.quizzes.items():
        categories = {item.get("category") for item in quiz.items}
        if categories & banks_with_choices:
            assert quiz.shuffle_options, f"quiz {key} draws choice questions but keeps their order"


# ------------------------------------------------------------- the rules themselves


def _q(qtype: str, **kw) -> Question:
    return Question(name="q", qtype=qtype, **kw)


def test_the_figures_see_cueing():
    from elearn.quiz.question import Option, Text

    def single(right: str, *wrong: str) -> Question:
        options = [Option("a", Text(right), 1.0)] + [
            Option(str(i), Text(w), 0.0) for i, w in enumerate(wrong)
        ]
        return _q("single", options=options)

    cued = [single("một câu trả lời dài và đầy đủ nhất", "ngắn", "ngắn nữa") for _ in range(3)]
    fair = [single("ngắn", "một phương án sai nhưng dài hơn", f"sai {i}") for i in range(2)]
    f = figures(cued + fair + [_q("truefalse", answer=False) for _ in range(3)])
    assert (f.single, f.longest_right, f.shortest_right) == (5, 3, 2)
    assert f.longest_share == 0.6 > LENGTH_SHARE[1]
    assert (f.truefalse, f.true_keys) == (3, 0)
    assert f.repeated == {"ngắn": 5}  # two wrong "ngắn" options, and the fair keys
    many = [single(f"đúng {i}", "Tất cả các ý trên", f"x{i}") for i in range(4)]
    assert figures(many).repeated == {"tất cả các ý trên": 4}


def _report() -> None:  # pragma: no cover - a report for people
    for folder in PACKAGES:
        _, f = course_figures(folder)
        print(
            f"{folder.parent.name:22} single-choice {f.single:3}  right=longest "
            f"{f.longest_right:3} ({f.longest_share:4.0%})  right=shortest {f.shortest_right:3} "
            f"({f.shortest_share:4.0%})  true/false {f.truefalse:3}  true "
            f"{f.true_keys:3} ({f.true_share:4.0%})  repeated options {len(f.repeated)}"
        )


if __name__ == "__main__":  # pragma: no cover
    _report()


# ------------------------------------------------- feedback that contradicts the key

#: How the shipped banks open feedback that says "right" or "wrong".
_SAYS_RIGHT = re.compile(r"^\s*(đúng|chính xác)\b", re.IGNORECASE)
_SAYS_WRONG = re.compile(r"^\s*(sai|chưa đúng|không đúng|chưa chính xác)\b", re.IGNORECASE)


def contradicting_feedback(question: Question) -> list[str]:
    """Feedback that tells a learner the opposite of what they got: "Chưa đúng" on the key,
    "Đúng" on a wrong option (a true/false statement's two feedbacks swapped, say)."""
    found = []

    def check(text: str, right: bool, where: str) -> None:
        if (right and _SAYS_WRONG.match(text)) or (not right and _SAYS_RIGHT.match(text)):
            found.append(f"{question.name} ({where}): {text[:60]!r}")

    for option in question.options:
        check(option.feedback.text, option.fraction > 0, option.text.text[:30])
    if question.qtype == "truefalse":
        # feedback_true is shown to a learner who answered "true".
        check(question.feedback_true.text, question.answer is True, "answer true")
        check(question.feedback_false.text, question.answer is False, "answer false")
    return found


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.parent.name for p in PACKAGES])
def test_feedback_agrees_with_the_key(folder):
    package = read_package(folder)
    problems = [p for _, q in package.questions for p in contradicting_feedback(q)]
    assert not problems, problems


def test_contradicting_feedback_is_seen():
    from elearn.quiz.question import Option, Text

    swapped = _q(
        "truefalse",
        answer=True,
        feedback_true=Text("Chưa đúng. Câu này đúng."),
        feedback_false=Text("Đúng. Câu này đúng."),
    )
    assert len(contradicting_feedback(swapped)) == 2
    fine = _q(
        "single",
        options=[
            Option("a", Text("x"), 1.0, Text("Đúng. Vì…")),
            Option("b", Text("y"), 0.0, Text("Chưa đúng. Vì…")),
        ],
    )
    assert contradicting_feedback(fine) == []
