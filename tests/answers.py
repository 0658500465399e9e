"""The right answer to each question of an attempt, in the form the attempt page posts.

Shared by the test suite and the fault drills (bench/faults), so both drive quizzes the same
way. Call it inside an app context.
"""

from __future__ import annotations

from typing import Any

from elearn.extensions import db
from elearn.quiz import attempts as services
from elearn.quiz.models import QuizAttempt


def right_answers_of(attempt_id: int) -> dict[str, Any]:
    """Question id (as the form names it) -> the response that scores 100%."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    answers: dict[str, Any] = {}
    for q in services.attempt_questions(attempt):
        p = q.parsed
        if p.qtype == "single":
            answers[str(q.id)] = q.to_token(next(o.id for o in p.options if o.fraction == 1))
        elif p.qtype == "multi":
            answers[str(q.id)] = [q.to_token(o.id) for o in p.options if o.fraction > 0]
        elif p.qtype == "truefalse":
            answers[str(q.id)] = p.answer
        elif p.qtype == "short":
            answers[str(q.id)] = next(a.text for a in p.answers if a.fraction == 1)
        elif p.qtype == "numeric":
            n = p.numeric_answers[0]
            answers[str(q.id)] = n.value if n.value is not None else n.min
        elif p.qtype == "matching":
            answers[str(q.id)] = {pair.left_id: q.to_token(pair.right_id) for pair in p.pairs}
    return answers
