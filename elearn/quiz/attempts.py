"""Quiz attempts: start, save as you go, submit once, grade on the server, review.

Rules that keep attempts honest:
- the question versions drawn and their option order are fixed when the attempt starts,
  so editing a question later never changes an attempt or its review;
- answers are saved as the learner goes; after the deadline (plus a short grace) no
  answer is accepted, and the attempt is graded on what was saved;
- submitting twice, or from two tabs at once, grades once: the attempt row is locked
  and only an `open` attempt can become `submitted`;
- the browser and the API never receive which answers are right before submission.

Grading sends `attempt_graded`; whether the quiz is passed is decided by
`elearn.quiz.standing`, never here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from elearn import audit
from elearn.content import structure as content
from elearn.content.models import Question, QuestionVersion, Quiz, RevisionQuestion
from elearn.content.structure import CourseStructure, LessonEntry, QuizEntry
from elearn.core.db import upsert
from elearn.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from elearn.core.events import attempt_graded
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.learn.enrolment import completed_lesson_ids, is_enrolled
from elearn.quiz import standing
from elearn.quiz.models import AttemptAnswer, QuizAttempt
from elearn.quiz.question import Question as ParsedQuestion
from elearn.quiz.question import question_from_data
from elearn.quiz.types import InvalidResponse, QuestionType, get_type


def grace() -> timedelta:
    return timedelta(seconds=current_app.config["QUIZ_GRACE_SECONDS"])


def published_quiz(quiz_id: int) -> tuple[CourseStructure, QuizEntry] | None:
    """A quiz of a published course, by its stable id, with the current settings."""
    course_id = db.session.scalar(select(Quiz.course_id).where(Quiz.id == quiz_id))
    if course_id is None:
        return None
    course = content.published_for_courses([course_id]).get(course_id)
    if course is None or quiz_id not in course.quiz_by_id:
        return None
    return course, course.quiz_by_id[quiz_id]


def quiz_of(attempt: QuizAttempt) -> tuple[CourseStructure, QuizEntry]:
    """The quiz an attempt belongs to, with its current settings (those of the revision the
    attempt was started under, if the quiz is no longer published)."""
    found = published_quiz(attempt.quiz_id)
    if found is not None:
        return found
    course = content.for_revision(attempt.revision_id)
    assert course is not None
    return course, course.quiz_by_id[attempt.quiz_id]


def attempts_for(user_id: int, quiz_id: int) -> list[QuizAttempt]:
    """A learner's attempts at a quiz, closing any whose time ran out."""
    stmt = (
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
        .order_by(QuizAttempt.number)
    )
    attempts = list(db.session.scalars(stmt))
    for attempt in attempts:
        if attempt.state == "open":
            finalize_if_expired(attempt)
    return attempts


def attempts_left(quiz: QuizEntry, attempts: list[QuizAttempt]) -> int | None:
    """How many more attempts may start (None: unlimited)."""
    if not quiz.max_attempts:
        return None
    return max(0, quiz.max_attempts - len(attempts))


def _draw_layout(
    course: CourseStructure, quiz: QuizEntry, rng: random.Random
) -> list[dict[str, Any]]:
    names = [item["question"] for item in quiz.items if "question" in item]
    categories = [item["category"] for item in quiz.items if "category" in item]
    # Only the questions this quiz can use, from the revision's bank, not the whole bank.
    rows = db.session.execute(
        select(Question.name, QuestionVersion)
        .join(RevisionQuestion, RevisionQuestion.version_id == QuestionVersion.id)
        .join(Question, Question.id == RevisionQuestion.question_id)
        .where(
            RevisionQuestion.revision_id == course.revision_id,
            or_(Question.name.in_(names), QuestionVersion.category.in_(categories)),
        )
        .order_by(RevisionQuestion.position)
    ).all()
    by_name = {name: version for name, version in rows}
    versions = [version for _name, version in rows]
    chosen: list[QuestionVersion] = []
    for item in quiz.items:
        if "question" in item:
            question = by_name.get(item["question"])
            candidates = [question] if question else []
        else:
            candidates = [q for q in versions if q.category == item["category"]]
            if item.get("draw"):
                candidates = rng.sample(candidates, min(item["draw"], len(candidates)))
        chosen.extend(q for q in candidates if q not in chosen)
    if not chosen:
        raise Conflict(_("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    layout = []
    for question in chosen:
        order = get_type(question.qtype).option_ids(question_from_data(question.data))
        tokens = None
        if order is not None:
            if quiz.shuffle_options:
                rng.shuffle(order)
            # Per-attempt random ids: "a" must not tell anyone it was the author's first option.
            tokens = {}
            for option_id in order:
                token = f"{rng.getrandbits(24):06x}"
                while token in tokens.values():
                    token = f"{rng.getrandbits(24):06x}"
                tokens[option_id] = token
        layout.append({"qid": question.id, "order": order, "tokens": tokens})
    return layout


@dataclass(frozen=True)
class QuizOpening:
    """Whether a quiz is open for a learner and, if not, what is left before it opens."""

    lessons_left: tuple[LessonEntry, ...] = ()
    quizzes_left: tuple[QuizEntry, ...] = ()

    @property
    def open(self) -> bool:
        return not self.lessons_left and not self.quizzes_left

    @property
    def message(self) -> str:
        """What is left, in plain words (the quiz page, a refused start, the API)."""
        items = [lesson.title for lesson in self.lessons_left]
        items += [quiz.title for quiz in self.quizzes_left]
        return _(
            "This quiz opens after the lessons and checks that come before it. "
            "Still to do: %(items)s.",
            items="; ".join(items),
        )


def quiz_opening(user_id: int, course: CourseStructure, quiz: QuizEntry) -> QuizOpening:
    """The one rule "is this quiz open for this learner, and what is left".

    A quiz with `open_after_earlier` opens once every required lesson before it (those of
    earlier sections and of its own section, whose quizzes follow its lessons) is completed
    and every required quiz before it is passed. Other quizzes are always open.
    """
    if not quiz.open_after_earlier:
        return QuizOpening()
    lessons = [lesson for lesson in course.required_lessons if lesson.section <= quiz.section]
    quizzes = [q for q in course.required_quizzes if q.position < quiz.position]
    done = completed_lesson_ids(user_id, course.course_id) if lessons else set()
    passed = standing.standings(user_id, quizzes)
    return QuizOpening(
        lessons_left=tuple(lesson for lesson in lessons if lesson.id not in done),
        quizzes_left=tuple(q for q in quizzes if not passed[q.id].passed),
    )


def start_needs_confirmation(quiz: QuizEntry) -> bool:
    """Starting uses one of few attempts or starts a clock: the learner confirms first."""
    return bool(quiz.time_limit_minutes or quiz.max_attempts)


def start_confirmation(
    user_id: int, course: CourseStructure, quiz: QuizEntry
) -> QuizSummary | None:
    """What the "start now?" page shows, or None when starting asks nothing: an untimed,
    unlimited quiz, an attempt to resume, or a start that start_attempt refuses (with why)."""
    if not start_needs_confirmation(quiz) or not is_enrolled(user_id, course.course_id):
        return None
    summary = quiz_summary(user_id, quiz)
    if summary.open is not None or not summary.can_start:
        return None
    if not quiz_opening(user_id, course, quiz).open:
        return None
    return summary


def start_attempt(
    user_id: int, course: CourseStructure, quiz: QuizEntry, rng: random.Random | None = None
) -> tuple[QuizAttempt, bool]:
    """Resume the open attempt, or start a new one if the quiz is open and attempts are left.

    Returns the attempt and whether it was started by this call.
    """
    if not is_enrolled(user_id, course.course_id):
        raise Forbidden(_("Enrol in the course first."))
    open_attempt = db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.state == "open",
        )
    )
    if open_attempt is not None and finalize_if_expired(open_attempt):
        open_attempt = None
    if open_attempt is not None:
        return open_attempt, False
    opening = quiz_opening(user_id, course, quiz)
    if not opening.open:
        raise Conflict(opening.message)
    # Counted in SQL: a learner may have many attempts at an unlimited quiz.
    count, last = db.session.execute(
        select(func.count(QuizAttempt.id), func.max(QuizAttempt.number)).where(
            QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz.id
        )
    ).one()
    if quiz.max_attempts and count >= quiz.max_attempts:
        raise Conflict(_("You have used all %(n)d attempts at this quiz.", n=quiz.max_attempts))
    now = utcnow()
    attempt = QuizAttempt(
        quiz_id=quiz.id,
        revision_id=course.revision_id,
        user_id=user_id,
        number=(last or 0) + 1,
        started_at=now,
        deadline=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
        layout=_draw_layout(course, quiz, rng or random.SystemRandom()),
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # Another tab started the same attempt number at the same moment: use that one.
        existing = db.session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.quiz_id == quiz.id,
                QuizAttempt.state == "open",
            )
        )
        if existing is None:
            raise Conflict(_("The attempt could not be started. Please try again.")) from None
        return existing, False
    return attempt, True


def attempt_for_user(attempt_id: int, user_id: int) -> QuizAttempt:
    """The attempt if it is this learner's; otherwise NotFound (no hint that it exists)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        if attempt is not None:
            _audit_denied(attempt, user_id)
        raise NotFound(_("No such attempt."))
    return attempt


def _audit_denied(attempt: QuizAttempt, user_id: int) -> None:
    """Someone asked for another learner's attempt: audited (rate-limited), answered 404."""
    audit.record_denied(
        "access.denied", user_id, f"attempt {attempt.id}", f"owner={attempt.user_id}"
    )


@dataclass
class AttemptQuestion:
    """One question of an attempt as the page shows it (option ids are per-attempt tokens)."""

    #: The question version's id: what answers and results are keyed by.
    id: int
    number: int
    parsed: ParsedQuestion
    #: The public view (elearn.quiz.types): never fractions, feedback or right answers.
    view: dict[str, Any]
    #: The saved response, in original option ids (what the grader reads).
    response: Any = None
    tokens: dict[str, str] | None = None

    @property
    def type(self) -> QuestionType:
        return get_type(self.parsed.qtype)

    @property
    def template(self) -> str:
        return self.type.template

    def to_token(self, option_id: str) -> str:
        return self.tokens.get(option_id, option_id) if self.tokens else option_id

    def to_option(self, token: str) -> str | None:
        if not self.tokens:
            return token
        return next((orig for orig, tok in self.tokens.items() if tok == token), None)

    @property
    def shown(self) -> Any:
        """The saved response as the page's fields name it (tokens)."""
        if self.response is None:
            return None
        return self.type.shown(self.response, self.to_token)

    def response_text(self) -> str:
        """The learner's saved answer in words, for the review page."""
        if self.response is None:
            return _("(no answer)")
        return self.type.response_text(self.parsed, self.response)

    def right_answer_text(self) -> str:
        """The right answer in words, for the full review."""
        return self.type.right_answer_text(self.parsed)


def _tokenise_view(view: dict[str, Any], tokens: dict[str, str] | None) -> None:
    if not tokens:
        return
    options = view["options"]
    items = options["right"] if isinstance(options, dict) else options
    for item in items:
        item["id"] = tokens.get(item["id"], item["id"])


def attempt_questions(attempt: QuizAttempt) -> list[AttemptQuestion]:
    """The attempt's questions in its fixed order, with the saved responses."""
    ids = [item["qid"] for item in attempt.layout]
    rows = {
        q.id: q
        for q in db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(ids)))
    }
    saved = saved_responses(attempt.id)
    result = []
    for number, item in enumerate(attempt.layout, start=1):
        row = rows.get(item["qid"])
        if row is None:
            continue
        parsed = question_from_data(row.data)
        view = get_type(parsed.qtype).public_view(parsed, item["order"])
        view["id"] = row.id
        tokens = item.get("tokens")
        _tokenise_view(view, tokens)
        result.append(
            AttemptQuestion(
                id=row.id,
                number=number,
                parsed=parsed,
                view=view,
                response=saved.get(row.id),
                tokens=tokens,
            )
        )
    return result


def saved_responses(attempt_id: int) -> dict[int, Any]:
    return {
        a.question_version_id: a.response
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)
        )
    }


def unanswered_questions(attempt: QuizAttempt) -> list[AttemptQuestion]:
    """The attempt's questions with no saved answer, in the attempt's order."""
    return [q for q in attempt_questions(attempt) if q.response is None]


def questions_with_answers(attempt: QuizAttempt, answers: dict[int, Any]) -> list[AttemptQuestion]:
    """The attempt's questions showing posted (unsaved) answers where they are valid, to show
    a form again without losing what was typed; nothing is saved."""
    questions = attempt_questions(attempt)
    for question in questions:
        if question.id in answers:
            try:
                question.response = normalize_response(question, answers[question.id])
            except ValidationFailed:
                pass
    return questions


def read_form_answers(attempt: QuizAttempt, form: Any) -> dict[int, Any]:
    """Every question's raw answer from the attempt page's posted fields."""
    return {q.id: q.type.read_form(form, f"q-{q.id}", q.view) for q in attempt_questions(attempt)}


def normalize_response(question: AttemptQuestion, raw: Any) -> Any:
    """Check a response's shape for its question type; None means "no answer"."""
    try:
        return question.type.normalize(question.parsed, question.view, raw, question.to_option)
    except InvalidResponse as exc:
        if exc.kind == "number":
            raise ValidationFailed(
                _("The answer to question %(n)d must be a number.", n=question.number),
                {str(question.id): [_("Enter a number, for example 12,5 or 142.857")]},
            ) from None
        raise ValidationFailed(
            _("The answer to question %(n)d is not valid.", n=question.number),
            {str(question.id): [_("Not a valid answer for this question.")]},
        ) from None


def _check_open(attempt: QuizAttempt, now: datetime) -> None:
    if attempt.state != "open":
        raise Conflict(_("This attempt has already been submitted; its answers cannot change."))
    if attempt.deadline is not None and now > attempt.deadline + grace():
        # Refused: the boundary rolls back; the attempt is closed the next time anyone
        # looks at it (or by the scheduled job), graded on the answers saved in time.
        raise Conflict(
            _("Time is up: the attempt was graded on the answers saved before the deadline.")
        )


def _upsert_answer(attempt_id: int, version_id: int, response: Any, now: datetime) -> None:
    if response is None:
        db.session.execute(
            AttemptAnswer.__table__.delete().where(
                AttemptAnswer.attempt_id == attempt_id,
                AttemptAnswer.question_version_id == version_id,
            )
        )
        return
    upsert(
        AttemptAnswer,
        {
            "attempt_id": attempt_id,
            "question_version_id": version_id,
            "response": response,
            "saved_at": now,
        },
        ["attempt_id", "question_version_id"],
        ["response", "saved_at"],
    )


def _apply_answers(attempt: QuizAttempt, answers: dict[Any, Any], now: datetime) -> None:
    questions = {q.id: q for q in attempt_questions(attempt)}
    cleaned = {}
    for key, raw in answers.items():
        try:
            qid = int(key)
        except (TypeError, ValueError):
            qid = -1
        if qid not in questions:
            raise ValidationFailed(
                _("An answer was sent for a question that is not in this attempt.")
            )
        cleaned[qid] = normalize_response(questions[qid], raw)
    for qid, response in cleaned.items():
        _upsert_answer(attempt.id, qid, response, now)


def _check_version(attempt: QuizAttempt, version: int | None) -> None:
    if version is not None and version != attempt.version:
        raise Conflict(
            _(
                "This page is out of date (the answers were changed in another window). "
                "Reload it to see the saved answers."
            )
        )


def _bump_version(attempt: QuizAttempt) -> None:
    """Count a save; the `state = 'open'` condition makes a save racing a submit fail."""
    bumped = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == "open")
        .values(version=QuizAttempt.version + 1)
    )
    if not bumped.rowcount:
        raise Conflict(_("This attempt has already been submitted; its answers cannot change."))


def lock_attempt(attempt_id: int) -> QuizAttempt | None:
    """The attempt, reloaded under a row lock: saves and submits of one attempt queue here."""
    return db.session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.id == attempt_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def save_answers(attempt: QuizAttempt, answers: dict[Any, Any], version: int | None = None) -> int:
    """Save progress (all-or-nothing); refused once submitted, past the deadline or stale.

    Returns the attempt's new version number.
    """
    now = utcnow()
    # Lock the attempt row before writing any answer, in the same order as submit_attempt:
    # a save that wrote answers first and then bumped the version could deadlock with a
    # submit holding the row and waiting for those answers (PostgreSQL). Reloaded, so the
    # checks below see the state a concurrent submit left.
    lock_attempt(attempt.id)
    _check_open(attempt, now)
    _check_version(attempt, version)
    _apply_answers(attempt, answers, now)
    _bump_version(attempt)
    db.session.refresh(attempt)
    return attempt.version


def _grade_and_close(attempt: QuizAttempt, now: datetime) -> bool:
    """Grade on the saved answers and close the attempt; False if it was already closed."""
    course, quiz = quiz_of(attempt)
    before = standing.standings(attempt.user_id, [quiz])[quiz.id]
    questions = attempt_questions(attempt)
    result: dict[str, Any] = {}
    total = 0.0
    for question in questions:
        graded = question.type.grade(question.parsed, question.response)
        total += graded.fraction
        result[str(question.id)] = {
            "fraction": round(graded.fraction, 4),
            "correct": graded.correct,
            "feedback": graded.feedback,
        }
    score = round(100 * total / len(questions), 2) if questions else 0.0
    closed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == "open")
        .values(state="submitted", submitted_at=now, score=score, result=result)
    )
    if not closed.rowcount:
        return False
    db.session.refresh(attempt)
    # The attempt being graded is the learner's latest: no other can be open meanwhile.
    counted = score if quiz.grading == "last" else max(score, before.score or 0.0)
    attempt_graded.send(
        attempt,
        user_id=attempt.user_id,
        course_id=course.course_id,
        quiz_id=quiz.id,
        passed_before=before.passed,
        passed_now=standing.passes(quiz, counted),
    )
    return True


def finalize_if_expired(attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Close and grade an open attempt whose deadline (plus grace) has passed."""
    now = now or utcnow()
    if attempt.state != "open" or attempt.deadline is None or now <= attempt.deadline + grace():
        return False
    return _grade_and_close(attempt, attempt.deadline)


def close_expired_attempts() -> int:
    """Grade and close every open attempt past its deadline and grace; returns how many."""
    cutoff = utcnow() - grace()
    ids = list(
        db.session.scalars(
            select(QuizAttempt.id).where(QuizAttempt.state == "open", QuizAttempt.deadline < cutoff)
        )
    )
    closed = 0
    for attempt_id in ids:
        attempt = db.session.get(QuizAttempt, attempt_id)
        if attempt is not None and finalize_if_expired(attempt):
            closed += 1
    return closed


def submit_attempt(
    attempt_id: int,
    user_id: int,
    answers: dict[Any, Any] | None = None,
    version: int | None = None,
) -> QuizAttempt:
    """Grade and close the attempt once; repeating it returns the same result."""
    now = utcnow()
    # The row lock makes concurrent submissions of one attempt queue here (PostgreSQL);
    # SQLite serialises writing transactions already (BEGIN IMMEDIATE).
    attempt = lock_attempt(attempt_id)
    if attempt is None or attempt.user_id != user_id:
        if attempt is not None:
            _audit_denied(attempt, user_id)
        raise NotFound(_("No such attempt."))
    if attempt.state == "open":
        late = attempt.deadline is not None and now > attempt.deadline + grace()
        if answers and not late:
            _check_version(attempt, version)
            _apply_answers(attempt, answers, now)
        _grade_and_close(attempt, attempt.deadline if late else now)
    return attempt


@dataclass
class QuizSummary:
    """A learner's standing in a quiz as the quiz page and the API show it."""

    attempts: list[QuizAttempt]
    open: QuizAttempt | None
    counted: QuizAttempt | None
    standing: standing.QuizStanding
    #: Attempts that may still start (None: unlimited).
    left: int | None

    @property
    def passed(self) -> bool:
        return self.standing.passed

    @property
    def can_start(self) -> bool:
        """Whether the page offers "start", "try again" or "continue"."""
        return self.open is not None or self.left is None or self.left > 0


def question_count(course: CourseStructure, quiz: QuizEntry) -> int:
    """How many questions an attempt at `quiz` draws (for the overview, before starting):
    as _draw_layout counts them, in one query over the revision's bank."""
    names = [item["question"] for item in quiz.items if "question" in item]
    categories = [item["category"] for item in quiz.items if "category" in item]
    rows = db.session.execute(
        select(Question.name, QuestionVersion.category)
        .join(RevisionQuestion, RevisionQuestion.version_id == QuestionVersion.id)
        .join(Question, Question.id == RevisionQuestion.question_id)
        .where(
            RevisionQuestion.revision_id == course.revision_id,
            or_(Question.name.in_(names), QuestionVersion.category.in_(categories)),
        )
    ).all()
    known = {name for name, _category in rows}
    chosen: set[str] = set()
    drawn = 0
    for item in quiz.items:
        if "question" in item:
            if item["question"] in known and item["question"] not in chosen:
                chosen.add(item["question"])
                drawn += 1
            continue
        candidates = {name for name, category in rows if category == item["category"]}
        fresh = candidates - chosen
        take = min(item["draw"], len(fresh)) if item.get("draw") else len(fresh)
        chosen |= fresh
        drawn += take
    return drawn


def quiz_summary(user_id: int, quiz: QuizEntry) -> QuizSummary:
    """The learner's attempts, the one that counts, passed or not, attempts left."""
    attempts = attempts_for(user_id, quiz.id)
    submitted = [a for a in attempts if a.state == "submitted"]
    return QuizSummary(
        attempts=attempts,
        open=next((a for a in attempts if a.state == "open"), None),
        counted=standing.counted_attempt(quiz.grading, submitted),
        standing=standing.standing_from(quiz, submitted),
        left=attempts_left(quiz, attempts),
    )


@dataclass(frozen=True)
class ReviewPolicy:
    """What a learner sees after submitting, by the quiz's review setting."""

    questions: bool
    right_answers: bool
    feedback: bool


def review_policy(quiz: QuizEntry) -> ReviewPolicy:
    full = quiz.review == "full"
    return ReviewPolicy(questions=quiz.review != "score", right_answers=full, feedback=full)
