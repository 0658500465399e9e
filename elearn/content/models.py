"""Course content as versioned data.

A course has a stable identity (`Course`) and revisions (`CourseRevision`): at most one
draft, at most one published, older ones retired. Learners only ever see the published
revision. Lessons, questions and quizzes have stable keys per course (`Lesson.slug`,
`Question.name`, `Quiz.key`), which progress, attempts and reports point at; their
content lives in immutable versions (`LessonVersion`, `QuestionVersion`) that revisions
reference (`RevisionLesson`, `RevisionQuestion`), so an unchanged lesson is shared by
many revisions and an edited one gets a new version while old attempts keep theirs.
Quiz settings are per revision (`RevisionQuiz`). Images and attachments are stored by
content hash (`Asset`, see `elearn.content.storage`) and named per revision
(`RevisionAsset`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db

ORIGINS = ("package", "studio", "import")
REVISION_STATES = ("draft", "published", "retired")


class Course(db.Model):
    """A course's stable identity: its slug, where it came from, and its revisions."""

    __tablename__ = "courses"
    __table_args__ = (CheckConstraint("origin IN ('package', 'studio', 'import')", name="origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: package: synced from a course module; studio: written in the browser; import: a zip.
    origin: Mapped[str] = mapped_column(String(16), default="package")
    #: The course module that provides the package (origin "package" only).
    module: Mapped[str | None] = mapped_column(String(80), default=None)
    #: Hidden from the catalogue; learners' records are kept.
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The last change: an edit in the studio, a publish, a sync or a reset.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Who made the last change (None: a sync, a command, or a deleted account).
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    revisions: Mapped[list[CourseRevision]] = relationship(
        back_populates="course", order_by="CourseRevision.number", lazy="raise"
    )


class CourseRevision(db.Model):
    """One state of a course's content: what learners see once it is published."""

    __tablename__ = "course_revisions"
    __table_args__ = (
        UniqueConstraint("course_id", "number"),
        CheckConstraint("state IN ('draft', 'published', 'retired')", name="state"),
        # At most one published and one draft revision per course, enforced by the database.
        Index(
            "uq_course_revisions_one_published",
            "course_id",
            unique=True,
            sqlite_where=text("state = 'published'"),
            postgresql_where=text("state = 'published'"),
        ),
        Index(
            "uq_course_revisions_one_draft",
            "course_id",
            unique=True,
            sqlite_where=text("state = 'draft'"),
            postgresql_where=text("state = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    #: 1, 2, 3… per course; the API calls it the course's "revision".
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(32), index=True)
    audience: Mapped[str] = mapped_column(String(300), default="")
    estimated_hours: Mapped[float] = mapped_column(Float, default=0)
    #: The author's own version label from course.toml ("1.0").
    version_label: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(5), default="vi")
    #: Tool ids shown on the course page, e.g. ["thuong_mai_dien_tu.price_calculator"].
    tools: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Title, summary, audience and lesson titles, lower-case, without diacritics.
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: SHA-256 of the revision written as a package: equal hashes mean equal content.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    course: Mapped[Course] = relationship(back_populates="revisions", lazy="raise")


class Section(db.Model):
    """An ordered group of lessons and quizzes within a revision."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("revision_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))


class Lesson(db.Model):
    """A lesson's stable key: progress points here, so it survives every publish."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LessonVersion(db.Model):
    """One immutable version of a lesson: its source and the HTML rendered from it."""

    __tablename__ = "lesson_versions"
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer, default=5)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    video_url: Mapped[str | None] = mapped_column(String(300), default=None)
    video_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    #: The lesson file as written: Markdown with YAML front matter.
    source: Mapped[str] = mapped_column(Text)
    #: Sanitised HTML rendered from the source, asset links resolved.
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: SHA-256 of the source and the assets it links: the version's identity.
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Who saved this version in the studio (None: from a package, or a deleted account).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class RevisionLesson(db.Model):
    """Where a lesson version sits in a revision."""

    __tablename__ = "revision_lessons"
    __table_args__ = (
        UniqueConstraint("revision_id", "lesson_id"),
        UniqueConstraint("revision_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("lesson_versions.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    #: Order within the course, across sections (1, 2, …).
    position: Mapped[int] = mapped_column(Integer)


class Question(db.Model):
    """A question's stable key in a course's bank (its GIFT ::name::)."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuestionVersion(db.Model):
    """One immutable version of a question; attempts point at the versions they drew."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    qtype: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(120))
    #: The question as structured data (round-trips to GIFT), with its rendered HTML.
    #: Holds the right answers: never sent to a browser as it is.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Who saved this version in the studio (None: from a package, or a deleted account).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class RevisionQuestion(db.Model):
    """A question version in a revision's bank, in bank order."""

    __tablename__ = "revision_questions"
    __table_args__ = (UniqueConstraint("revision_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id", ondelete="CASCADE"), index=True
    )
    #: The bank file the question is written to on export (questions/<bank>.gift).
    bank: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)


class Quiz(db.Model):
    """A quiz's stable key in a course: attempts point here across revisions."""

    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RevisionQuiz(db.Model):
    """A quiz's place and settings in one revision."""

    __tablename__ = "revision_quizzes"
    __table_args__ = (
        UniqueConstraint("revision_id", "quiz_id"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark"),
        CheckConstraint("grading IN ('highest', 'last')", name="grading"),
        CheckConstraint("review IN ('score', 'correctness', 'full')", name="review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    #: 0 means unlimited.
    max_attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: 0 means no time limit.
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=0)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Which attempt counts: the highest score or the last one.
    grading: Mapped[str] = mapped_column(String(8), default="highest")
    #: What the learner sees after submitting: score | correctness | full.
    review: Mapped[str] = mapped_column(String(12), default="full")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Opens only once the required lessons and quizzes before it are done.
    open_after_earlier: Mapped[bool] = mapped_column(Boolean, default=False)
    #: [{"question": name} | {"category": c} | {"category": c, "draw": n}]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Asset(db.Model):
    """An image or attachment, stored once by the SHA-256 of its bytes.

    An uploaded image is kept as it came (for download) and as smaller variants made for
    slow links; each variant is an asset of its own that names its original.
    """

    __tablename__ = "assets"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Pixel size of an image (None: not an image, or not measured).
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    #: For a resized or recompressed variant: the asset it was made from.
    variant_of: Mapped[str | None] = mapped_column(
        ForeignKey("assets.sha256", ondelete="CASCADE"), index=True, default=None
    )


class RevisionAsset(db.Model):
    """The name an asset has in a revision's package (assets/<path>)."""

    __tablename__ = "revision_assets"
    __table_args__ = (UniqueConstraint("revision_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(ForeignKey("assets.sha256"))
