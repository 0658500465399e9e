"""Every model, imported in one place for Alembic and the shell."""

from elearn.audit.models import AuditEvent
from elearn.auth.models import ApiToken, PasswordResetToken, User, UserSession
from elearn.certificates.models import Certificate
from elearn.classes.models import (
    Attendance,
    ClassAnnouncement,
    ClassCourse,
    ClassMember,
    ClassSession,
    ClassSessionLesson,
    ClassTrainer,
    TrainingClass,
)
from elearn.content.models import (
    Asset,
    Course,
    CourseRevision,
    Lesson,
    LessonVersion,
    Question,
    QuestionVersion,
    Quiz,
    RevisionAsset,
    RevisionLesson,
    RevisionQuestion,
    RevisionQuiz,
    Section,
)
from elearn.jobs.models import Job
from elearn.learn.models import Enrollment, LessonCompletion
from elearn.quiz.models import AttemptAnswer, QuizAttempt
from elearn.regions.models import Region
from elearn.studio.models import CourseStaff

__all__ = [
    "ApiToken",
    "Asset",
    "AttemptAnswer",
    "Attendance",
    "AuditEvent",
    "Certificate",
    "ClassAnnouncement",
    "ClassCourse",
    "ClassMember",
    "ClassSession",
    "ClassSessionLesson",
    "ClassTrainer",
    "Course",
    "CourseRevision",
    "CourseStaff",
    "Enrollment",
    "Job",
    "Lesson",
    "LessonCompletion",
    "LessonVersion",
    "PasswordResetToken",
    "Question",
    "QuestionVersion",
    "Quiz",
    "QuizAttempt",
    "Region",
    "RevisionAsset",
    "RevisionLesson",
    "RevisionQuestion",
    "RevisionQuiz",
    "Section",
    "TrainingClass",
    "User",
    "UserSession",
]
