"""Every model, imported in one place for Alembic and the shell."""

from elearn.audit.models import AuditEvent
from elearn.auth.models import ApiToken, User, UserSession
from elearn.catalog.models import Course, Lesson, Section
from elearn.certificates.models import Certificate
from elearn.jobs.models import Job
from elearn.learn.models import Enrollment, LessonCompletion
from elearn.quiz.models import AttemptAnswer, Question, Quiz, QuizAttempt
from elearn.regions.models import Region

__all__ = [
    "ApiToken",
    "AttemptAnswer",
    "Certificate",
    "Question",
    "Quiz",
    "QuizAttempt",
    "AuditEvent",
    "Course",
    "Enrollment",
    "Job",
    "Lesson",
    "LessonCompletion",
    "Region",
    "Section",
    "User",
    "UserSession",
]
