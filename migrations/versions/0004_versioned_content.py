"""versioned content: courses with revisions, lesson/question versions, enrolment figures

Every course becomes revision 1 of itself (published, or retired when it was hidden);
every lesson and question gets version 1 with the same id, so lesson completions, attempt
layouts and saved answers keep pointing at what they pointed at. A lesson's Markdown
source was never stored: version 1's source is its front matter over the stored HTML
(valid Markdown that renders to the same page); the next `flask courses sync` publishes
revision 2 from the real files. Enrolments gain the figures reports count and the
learner's province, commune and group. Indexes that a unique index already covers go.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import hashlib
import html
import json

import sqlalchemy as sa
import yaml
from alembic import op
from markupsafe import escape

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def _digest(value) -> str:
    encoded = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _lesson_source(row) -> str:
    meta = {"title": row.title, "minutes": row.minutes}
    if row.video_url:
        meta["video"] = row.video_url
    if row.video_minutes:
        meta["video_minutes"] = row.video_minutes
    if not row.required:
        meta["required"] = False
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n{row.body_html}\n"


def _text(value, fmt):
    return {"text": value or "", "format": fmt, "html": ""}


def convert_question_data(data: dict) -> dict:
    """The question data of schema 0003 in the shape of elearn.quiz.question (sub-texts as
    {text, format, html}); already converted data is returned unchanged."""
    if isinstance(data.get("text"), dict):
        return data
    fmt = data.get("text_format") or "moodle"
    out = {
        "name": data.get("name", ""),
        "qtype": data.get("qtype", ""),
        "text": {"text": data.get("text", ""), "format": fmt, "html": data.get("text_html", "")},
        "category": data.get("category", ""),
        "general_feedback": _text(data.get("general_feedback"), fmt),
        "ignore_diacritics": bool(data.get("ignore_diacritics")),
        "options": [
            {
                "id": o["id"],
                "text": _text(o.get("text"), fmt),
                "fraction": o.get("fraction", 0),
                "feedback": _text(o.get("feedback"), fmt),
            }
            for o in data.get("options", [])
        ],
        "answer": data.get("answer"),
        "feedback_true": _text(data.get("feedback_true"), fmt),
        "feedback_false": _text(data.get("feedback_false"), fmt),
        "answers": [
            {
                "text": a.get("text", ""),
                "fraction": a.get("fraction", 1.0),
                "feedback": _text(a.get("feedback"), fmt),
            }
            for a in data.get("answers", [])
        ],
        "numeric_answers": [
            {
                "min": n["min"],
                "max": n["max"],
                "value": n.get("value"),
                "tolerance": n.get("tolerance"),
                "fraction": n.get("fraction", 1.0),
                "feedback": _text(n.get("feedback"), fmt),
            }
            for n in data.get("numeric_answers", [])
        ],
        "numeric_wrong_feedback": None,
        "pairs": [
            {
                "left_id": p[0],
                "left": _text(p[1], fmt),
                "right_id": p[2],
                "right_text": p[3],
            }
            for p in data.get("pairs", [])
        ],
        "right_choices": [list(c) for c in data.get("right_choices", [])],
    }
    return out


def upgrade():
    bind = op.get_bind()

    # ---------------------------------------------------------------- new tables
    op.create_table(
        "course_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("audience", sa.String(length=300), nullable=False),
        sa.Column("estimated_hours", sa.Float(), nullable=False),
        sa.Column("version_label", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("tools", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", UTC, nullable=True),
        sa.Column("retired_at", UTC, nullable=True),
        sa.CheckConstraint(
            "state IN ('draft', 'published', 'retired')", name=op.f("ck_course_revisions_state")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"],
            name=op.f("fk_course_revisions_course_id_courses"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"],
            name=op.f("fk_course_revisions_created_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_revisions")),
        sa.UniqueConstraint("course_id", "number", name=op.f("uq_course_revisions_course_id_number")),
    )  # fmt: skip
    with op.batch_alter_table("course_revisions") as batch:
        batch.create_index(batch.f("ix_course_revisions_topic"), ["topic"], unique=False)
        batch.create_index(
            "uq_course_revisions_one_published", ["course_id"], unique=True,
            sqlite_where=sa.text("state = 'published'"),
            postgresql_where=sa.text("state = 'published'"),
        )  # fmt: skip
        batch.create_index(
            "uq_course_revisions_one_draft", ["course_id"], unique=True,
            sqlite_where=sa.text("state = 'draft'"),
            postgresql_where=sa.text("state = 'draft'"),
        )  # fmt: skip
    op.create_table(
        "lesson_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("video_url", sa.String(length=300), nullable=True),
        sa.Column("video_minutes", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lessons.id"],
            name=op.f("fk_lesson_versions_lesson_id_lessons"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_versions")),
        sa.UniqueConstraint("lesson_id", "number", name=op.f("uq_lesson_versions_lesson_id_number")),
    )  # fmt: skip
    op.create_table(
        "question_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("qtype", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"],
            name=op.f("fk_question_versions_question_id_questions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_versions")),
        sa.UniqueConstraint(
            "question_id", "number", name=op.f("uq_question_versions_question_id_number")
        ),
    )  # fmt: skip
    op.create_table(
        "assets",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_assets")),
    )
    op.create_table(
        "revision_assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["course_revisions.id"],
            name=op.f("fk_revision_assets_revision_id_course_revisions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["assets.sha256"], name=op.f("fk_revision_assets_sha256_assets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision_assets")),
        sa.UniqueConstraint("revision_id", "path", name=op.f("uq_revision_assets_revision_id_path")),
    )  # fmt: skip

    # ---------------------------------------------------------------- courses -> revision 1
    courses = sa.table(
        "courses", sa.column("id"), sa.column("title"), sa.column("summary"), sa.column("topic"),
        sa.column("audience"), sa.column("estimated_hours"), sa.column("version"),
        sa.column("language"), sa.column("published"), sa.column("search_text"),
        sa.column("synced_at"),
    )  # fmt: skip
    revisions = sa.table(
        "course_revisions", sa.column("id"), sa.column("course_id"), sa.column("number"),
        sa.column("state"), sa.column("title"), sa.column("summary"), sa.column("topic"),
        sa.column("audience"), sa.column("estimated_hours"), sa.column("version_label"),
        sa.column("language"), sa.column("tools", sa.JSON()), sa.column("search_text"),
        sa.column("content_hash"), sa.column("created_at"), sa.column("published_at"),
        sa.column("retired_at"),
    )  # fmt: skip
    revision_of: dict[int, int] = {}
    for row in bind.execute(sa.select(courses)).all():
        bind.execute(
            revisions.insert().values(
                id=row.id,
                course_id=row.id,
                number=1,
                state="published" if row.published else "retired",
                title=row.title,
                summary=row.summary,
                topic=row.topic,
                audience=row.audience,
                estimated_hours=row.estimated_hours,
                version_label=row.version,
                language=row.language,
                tools=[],
                # Differs from any real package's hash: the next sync publishes revision 2.
                search_text=row.search_text,
                content_hash="",
                created_at=row.synced_at,
                published_at=row.synced_at if row.published else None,
                retired_at=None if row.published else row.synced_at,
            )
        )
        revision_of[row.id] = row.id
    if bind.dialect.name == "postgresql" and revision_of:
        bind.exec_driver_sql(
            "SELECT setval('course_revisions_id_seq', (SELECT max(id) FROM course_revisions))"
        )

    # ---------------------------------------------------------------- sections per revision
    with op.batch_alter_table("sections") as batch:
        batch.add_column(sa.Column("revision_id", sa.Integer(), nullable=True))
    bind.exec_driver_sql("UPDATE sections SET revision_id = course_id")
    with op.batch_alter_table("sections") as batch:
        batch.alter_column("revision_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("uq_sections_course_id_position", type_="unique")
        batch.drop_constraint("fk_sections_course_id_courses", type_="foreignkey")
        batch.drop_column("course_id")
        batch.create_unique_constraint(
            batch.f("uq_sections_revision_id_position"), ["revision_id", "position"]
        )
        batch.create_foreign_key(
            batch.f("fk_sections_revision_id_course_revisions"), "course_revisions",
            ["revision_id"], ["id"], ondelete="CASCADE",
        )  # fmt: skip

    # ---------------------------------------------------------------- lessons -> versions
    op.create_table(
        "revision_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], name=op.f("fk_revision_lessons_lesson_id_lessons"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revision_id"], ["course_revisions.id"], name=op.f("fk_revision_lessons_revision_id_course_revisions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], name=op.f("fk_revision_lessons_section_id_sections"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["lesson_versions.id"], name=op.f("fk_revision_lessons_version_id_lesson_versions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision_lessons")),
        sa.UniqueConstraint("revision_id", "lesson_id", name=op.f("uq_revision_lessons_revision_id_lesson_id")),
        sa.UniqueConstraint("revision_id", "position", name=op.f("uq_revision_lessons_revision_id_position")),
    )  # fmt: skip
    with op.batch_alter_table("revision_lessons") as batch:
        batch.create_index(batch.f("ix_revision_lessons_version_id"), ["version_id"], unique=False)
    lessons = sa.table(
        "lessons", sa.column("id"), sa.column("course_id"), sa.column("section_id"),
        sa.column("slug"), sa.column("position"), sa.column("title"), sa.column("minutes"),
        sa.column("required"), sa.column("video_url"), sa.column("video_minutes"),
        sa.column("body_html"), sa.column("archived"), sa.column("updated_at"),
    )  # fmt: skip
    versions = sa.table(
        "lesson_versions", sa.column("id"), sa.column("lesson_id"), sa.column("number"),
        sa.column("title"), sa.column("minutes"), sa.column("required"), sa.column("video_url"),
        sa.column("video_minutes"), sa.column("source"), sa.column("body_html"),
        sa.column("content_hash"), sa.column("created_at"),
    )  # fmt: skip
    placed = sa.table(
        "revision_lessons", sa.column("revision_id"), sa.column("lesson_id"),
        sa.column("version_id"), sa.column("section_id"), sa.column("position"),
    )  # fmt: skip
    rows = bind.execute(sa.select(lessons).order_by(lessons.c.course_id, lessons.c.position)).all()
    for row in rows:
        source = _lesson_source(row)
        bind.execute(
            versions.insert().values(
                id=row.id, lesson_id=row.id, number=1, title=row.title, minutes=row.minutes,
                required=row.required, video_url=row.video_url, video_minutes=row.video_minutes,
                source=source, body_html=row.body_html,
                content_hash=_digest({"source": source, "assets": {}}), created_at=row.updated_at,
            )
        )  # fmt: skip
    position: dict[int, int] = {}
    for row in rows:
        if row.archived or row.section_id is None:
            continue
        position[row.course_id] = position.get(row.course_id, 0) + 1
        bind.execute(
            placed.insert().values(
                revision_id=revision_of[row.course_id], lesson_id=row.id, version_id=row.id,
                section_id=row.section_id, position=position[row.course_id],
            )
        )  # fmt: skip
    if bind.dialect.name == "postgresql" and rows:
        bind.exec_driver_sql(
            "SELECT setval('lesson_versions_id_seq', (SELECT max(id) FROM lesson_versions))"
        )
    with op.batch_alter_table("lessons") as batch:
        batch.add_column(sa.Column("created_at", UTC, nullable=True))
    bind.exec_driver_sql("UPDATE lessons SET created_at = updated_at")
    with op.batch_alter_table("lessons") as batch:
        batch.alter_column("created_at", existing_type=UTC, nullable=False)
        batch.drop_index("ix_lessons_section_id")
        batch.drop_index("ix_lessons_course_id")
        batch.drop_constraint("fk_lessons_section_id_sections", type_="foreignkey")
        for name in ("section_id", "position", "title", "minutes", "required", "video_url",
                     "video_minutes", "body_html", "archived", "updated_at"):  # fmt: skip
            batch.drop_column(name)

    # ---------------------------------------------------------------- questions -> versions
    op.create_table(
        "revision_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("bank", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], name=op.f("fk_revision_questions_question_id_questions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revision_id"], ["course_revisions.id"], name=op.f("fk_revision_questions_revision_id_course_revisions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["question_versions.id"], name=op.f("fk_revision_questions_version_id_question_versions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision_questions")),
        sa.UniqueConstraint("revision_id", "question_id", name=op.f("uq_revision_questions_revision_id_question_id")),
    )  # fmt: skip
    with op.batch_alter_table("revision_questions") as batch:
        batch.create_index(batch.f("ix_revision_questions_version_id"), ["version_id"], unique=False)
    questions = sa.table(
        "questions", sa.column("id"), sa.column("course_id"), sa.column("name"),
        sa.column("category"), sa.column("qtype"), sa.column("position"),
        sa.column("data", sa.JSON()), sa.column("archived"),
    )  # fmt: skip
    qversions = sa.table(
        "question_versions", sa.column("id"), sa.column("question_id"), sa.column("number"),
        sa.column("qtype"), sa.column("category"), sa.column("data", sa.JSON()),
        sa.column("content_hash"), sa.column("created_at", UTC),
    )  # fmt: skip
    bank = sa.table(
        "revision_questions", sa.column("revision_id"), sa.column("question_id"),
        sa.column("version_id"), sa.column("bank"), sa.column("position"),
    )  # fmt: skip
    now = _utcnow(bind)
    qrows = bind.execute(sa.select(questions).order_by(questions.c.course_id, questions.c.position)).all()
    for row in qrows:
        data = convert_question_data(row.data)
        bind.execute(
            qversions.insert().values(
                id=row.id, question_id=row.id, number=1, qtype=row.qtype, category=row.category,
                data=data, content_hash=_digest(data), created_at=now,
            )
        )  # fmt: skip
        if not row.archived:
            bind.execute(
                bank.insert().values(
                    revision_id=revision_of[row.course_id], question_id=row.id, version_id=row.id,
                    bank=row.category, position=row.position,
                )
            )  # fmt: skip
    if bind.dialect.name == "postgresql" and qrows:
        bind.exec_driver_sql(
            "SELECT setval('question_versions_id_seq', (SELECT max(id) FROM question_versions))"
        )
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("created_at", UTC, nullable=True))
    bind.execute(
        sa.text("UPDATE questions SET created_at = :now").bindparams(sa.bindparam("now", type_=UTC)),
        {"now": now},
    )
    with op.batch_alter_table("questions") as batch:
        batch.alter_column("created_at", existing_type=UTC, nullable=False)
        batch.drop_index("ix_questions_category")
        batch.drop_index("ix_questions_course_id")
        for name in ("category", "qtype", "position", "data", "archived"):
            batch.drop_column(name)

    # ---------------------------------------------------------------- quizzes -> settings
    op.create_table(
        "revision_quizzes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("time_limit_minutes", sa.Integer(), nullable=False),
        sa.Column("shuffle_questions", sa.Boolean(), nullable=False),
        sa.Column("shuffle_options", sa.Boolean(), nullable=False),
        sa.Column("grading", sa.String(length=8), nullable=False),
        sa.Column("review", sa.String(length=12), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.CheckConstraint("grading IN ('highest', 'last')", name=op.f("ck_revision_quizzes_grading")),
        sa.CheckConstraint("review IN ('score', 'correctness', 'full')", name=op.f("ck_revision_quizzes_review")),
        sa.CheckConstraint("pass_mark BETWEEN 0 AND 100", name=op.f("ck_revision_quizzes_pass_mark")),
        sa.ForeignKeyConstraint(["quiz_id"], ["quizzes.id"], name=op.f("fk_revision_quizzes_quiz_id_quizzes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revision_id"], ["course_revisions.id"], name=op.f("fk_revision_quizzes_revision_id_course_revisions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], name=op.f("fk_revision_quizzes_section_id_sections"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision_quizzes")),
        sa.UniqueConstraint("revision_id", "quiz_id", name=op.f("uq_revision_quizzes_revision_id_quiz_id")),
    )  # fmt: skip
    bind.exec_driver_sql(
        "INSERT INTO revision_quizzes (revision_id, quiz_id, section_id, position, title, "
        "pass_mark, max_attempts, time_limit_minutes, shuffle_questions, shuffle_options, "
        "grading, review, required, items) "
        "SELECT course_id, id, section_id, position, title, pass_mark, max_attempts, "
        "time_limit_minutes, shuffle_questions, shuffle_options, grading, review, required, items "
        "FROM quizzes WHERE archived = false AND section_id IS NOT NULL"
    )
    with op.batch_alter_table("quizzes") as batch:
        batch.add_column(sa.Column("created_at", UTC, nullable=True))
    bind.execute(
        sa.text("UPDATE quizzes SET created_at = :now").bindparams(sa.bindparam("now", type_=UTC)),
        {"now": _utcnow(bind)},
    )
    with op.batch_alter_table("quizzes") as batch:
        batch.alter_column("created_at", existing_type=UTC, nullable=False)
        batch.drop_index("ix_quizzes_section_id")
        batch.drop_index("ix_quizzes_course_id")
        batch.drop_constraint("fk_quizzes_section_id_sections", type_="foreignkey")
        batch.drop_constraint(op.f("ck_quizzes_grading"), type_="check")
        batch.drop_constraint(op.f("ck_quizzes_review"), type_="check")
        batch.drop_constraint(op.f("ck_quizzes_pass_mark"), type_="check")
        for name in ("section_id", "position", "title", "pass_mark", "max_attempts",
                     "time_limit_minutes", "shuffle_questions", "shuffle_options", "grading",
                     "review", "required", "items", "archived"):  # fmt: skip
            batch.drop_column(name)

    # ---------------------------------------------------------------- attempts and answers
    with op.batch_alter_table("quiz_attempts") as batch:
        batch.add_column(sa.Column("revision_id", sa.Integer(), nullable=True))
    bind.exec_driver_sql(
        "UPDATE quiz_attempts SET revision_id = "
        "(SELECT course_id FROM quizzes WHERE quizzes.id = quiz_attempts.quiz_id)"
    )
    with op.batch_alter_table("quiz_attempts") as batch:
        batch.alter_column("revision_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            batch.f("fk_quiz_attempts_revision_id_course_revisions"), "course_revisions",
            ["revision_id"], ["id"],
        )  # fmt: skip
        batch.create_index(batch.f("ix_quiz_attempts_revision_id"), ["revision_id"], unique=False)
        # Covered by the unique index on (user_id, quiz_id, number).
        batch.drop_index("ix_quiz_attempts_user_id")
        batch.drop_column("passed")
    # Feedback in results is shown as HTML now: escape the plain text graded before.
    attempts = sa.table("quiz_attempts", sa.column("id"), sa.column("result", sa.JSON()))
    for row in bind.execute(sa.select(attempts)).all():
        if not row.result:
            continue
        result = {
            qid: {**r, "feedback": [str(escape(f)) for f in r.get("feedback", [])]}
            for qid, r in row.result.items()
        }
        bind.execute(attempts.update().where(attempts.c.id == row.id).values(result=result))
    with op.batch_alter_table("attempt_answers") as batch:
        batch.drop_constraint("uq_attempt_answers_attempt_id_question_id", type_="unique")
        batch.drop_constraint("fk_attempt_answers_question_id_questions", type_="foreignkey")
        batch.alter_column("question_id", new_column_name="question_version_id",
                           existing_type=sa.Integer(), existing_nullable=False)  # fmt: skip
    # A second pass: SQLite's batch copy must see the renamed column first.
    with op.batch_alter_table("attempt_answers") as batch:
        batch.create_unique_constraint(
            batch.f("uq_attempt_answers_attempt_id_question_version_id"),
            ["attempt_id", "question_version_id"],
        )
        batch.create_foreign_key(
            batch.f("fk_attempt_answers_question_version_id_question_versions"),
            "question_versions", ["question_version_id"], ["id"], ondelete="CASCADE",
        )  # fmt: skip
        # Covered by the unique index on (attempt_id, question_version_id).
        batch.drop_index("ix_attempt_answers_attempt_id")

    # ---------------------------------------------------------------- enrolment figures
    with op.batch_alter_table("enrollments") as batch:
        for name in ("lessons_done", "lessons_total", "quizzes_passed", "quizzes_total", "percent"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("progress_at", UTC, nullable=True))
        batch.add_column(sa.Column("province_code", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("commune_code", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("learner_group", sa.String(length=32), nullable=True))
    required_lessons = (
        "SELECT count(*) FROM revision_lessons rl JOIN lesson_versions lv ON lv.id = rl.version_id "
        "WHERE rl.revision_id = enrollments.course_id AND lv.required = true"
    )
    done_lessons = required_lessons + (
        " AND EXISTS (SELECT 1 FROM lesson_completions lc WHERE lc.lesson_id = rl.lesson_id "
        "AND lc.user_id = enrollments.user_id)"
    )
    required_quizzes = (
        "SELECT count(*) FROM revision_quizzes rq "
        "WHERE rq.revision_id = enrollments.course_id AND rq.required = true"
    )
    # The rule of elearn.quiz.standing: the counted score (highest, or the last attempt's)
    # reaches the pass mark.
    passed_quizzes = required_quizzes + (
        " AND ((rq.grading = 'highest' AND EXISTS (SELECT 1 FROM quiz_attempts qa "
        "WHERE qa.quiz_id = rq.quiz_id AND qa.user_id = enrollments.user_id "
        "AND qa.state = 'submitted' AND qa.score >= rq.pass_mark)) "
        "OR (rq.grading = 'last' AND (SELECT qa.score FROM quiz_attempts qa "
        "WHERE qa.quiz_id = rq.quiz_id AND qa.user_id = enrollments.user_id "
        "AND qa.state = 'submitted' ORDER BY qa.number DESC LIMIT 1) >= rq.pass_mark))"
    )
    bind.exec_driver_sql(
        f"UPDATE enrollments SET lessons_total = ({required_lessons}), "
        f"lessons_done = ({done_lessons}), quizzes_total = ({required_quizzes}), "
        f"quizzes_passed = ({passed_quizzes}), "
        "province_code = (SELECT province_code FROM users WHERE users.id = enrollments.user_id), "
        "commune_code = (SELECT commune_code FROM users WHERE users.id = enrollments.user_id), "
        "learner_group = (SELECT learner_group FROM users WHERE users.id = enrollments.user_id), "
        "progress_at = COALESCE(completed_at, enrolled_at)"
    )
    bind.exec_driver_sql(
        "UPDATE enrollments SET percent = CASE WHEN completed_at IS NOT NULL THEN 100 "
        "WHEN lessons_total + quizzes_total = 0 THEN 0 "
        "ELSE (100 * (lessons_done + quizzes_passed)) / (lessons_total + quizzes_total) END"
    )
    with op.batch_alter_table("enrollments") as batch:
        # Covered by the unique index on (user_id, course_id).
        batch.drop_index("ix_enrollments_user_id")
        batch.create_check_constraint(batch.f("ck_enrollments_percent"), "percent BETWEEN 0 AND 100")
        batch.create_foreign_key(
            batch.f("fk_enrollments_province_code_regions"), "regions", ["province_code"], ["code"]
        )
        batch.create_foreign_key(
            batch.f("fk_enrollments_commune_code_regions"), "regions", ["commune_code"], ["code"]
        )
        batch.create_index(batch.f("ix_enrollments_province_code"), ["province_code"], unique=False)
        batch.create_index(batch.f("ix_enrollments_commune_code"), ["commune_code"], unique=False)
    for name in ("lessons_done", "lessons_total", "quizzes_passed", "quizzes_total", "percent"):
        with op.batch_alter_table("enrollments") as batch:
            batch.alter_column(name, existing_type=sa.Integer(), server_default=None)
    with op.batch_alter_table("lesson_completions") as batch:
        # Covered by the unique index on (user_id, lesson_id).
        batch.drop_index("ix_lesson_completions_user_id")
    with op.batch_alter_table("certificates") as batch:
        # Covered by the unique index on (user_id, course_id).
        batch.drop_index("ix_certificates_user_id")

    # ---------------------------------------------------------------- courses: identity only
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("origin", sa.String(length=16), nullable=False, server_default="package"))
        batch.add_column(sa.Column("created_at", UTC, nullable=True))
        batch.add_column(sa.Column("updated_at", UTC, nullable=True))
    bind.exec_driver_sql("UPDATE courses SET created_at = synced_at, updated_at = synced_at")
    with op.batch_alter_table("courses") as batch:
        batch.alter_column("origin", existing_type=sa.String(length=16), server_default=None)
        batch.alter_column("module", existing_type=sa.String(length=80), nullable=True)
        batch.alter_column("created_at", existing_type=UTC, nullable=False)
        batch.alter_column("updated_at", existing_type=UTC, nullable=False)
        batch.create_check_constraint(
            batch.f("ck_courses_origin"), "origin IN ('package', 'studio', 'import')"
        )
        batch.drop_index("ix_courses_topic")
        for name in ("title", "summary", "topic", "audience", "estimated_hours", "version",
                     "language", "published", "search_text", "synced_at"):  # fmt: skip
            batch.drop_column(name)


def _utcnow(bind):
    """Now in UTC, as each database stores it (SQLite: naive UTC, like elearn's UTCDateTime)."""
    from datetime import UTC as tz
    from datetime import datetime

    now = datetime.now(tz)
    return now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now


def downgrade():
    """Back to one row per course, lesson, question and quiz, from the published revision
    (or the latest one): earlier revisions, versions and assets are dropped."""
    bind = op.get_bind()
    latest = (
        "(SELECT cr.id FROM course_revisions cr WHERE cr.course_id = {course} "
        "ORDER BY (cr.state = 'published') DESC, cr.number DESC LIMIT 1)"
    )

    # courses
    with op.batch_alter_table("courses") as batch:
        for column in (
            sa.Column("title", sa.String(length=200), nullable=True),
            sa.Column("summary", sa.Text(), nullable=True),
            sa.Column("topic", sa.String(length=32), nullable=True),
            sa.Column("audience", sa.String(length=300), nullable=True),
            sa.Column("estimated_hours", sa.Float(), nullable=True),
            sa.Column("version", sa.String(length=32), nullable=True),
            sa.Column("language", sa.String(length=5), nullable=True),
            sa.Column("published", sa.Boolean(), nullable=True),
            sa.Column("search_text", sa.Text(), nullable=True),
            sa.Column("synced_at", UTC, nullable=True),
        ):
            batch.add_column(column)
    rev = latest.format(course="courses.id")
    for new, old in (("title", "title"), ("summary", "summary"), ("topic", "topic"),
                     ("audience", "audience"), ("estimated_hours", "estimated_hours"),
                     ("version", "version_label"), ("language", "language"),
                     ("search_text", "search_text")):  # fmt: skip
        bind.exec_driver_sql(
            f"UPDATE courses SET {new} = (SELECT {old} FROM course_revisions WHERE id = {rev})"
        )
    bind.exec_driver_sql(
        "UPDATE courses SET synced_at = updated_at, published = EXISTS (SELECT 1 FROM "
        "course_revisions cr WHERE cr.course_id = courses.id AND cr.state = 'published')"
    )
    bind.exec_driver_sql("UPDATE courses SET module = slug WHERE module IS NULL")
    with op.batch_alter_table("courses") as batch:
        for name, kind in (("title", sa.String(200)), ("summary", sa.Text()),
                           ("topic", sa.String(32)), ("audience", sa.String(300)),
                           ("estimated_hours", sa.Float()), ("version", sa.String(32)),
                           ("language", sa.String(5)), ("published", sa.Boolean()),
                           ("search_text", sa.Text()), ("synced_at", UTC)):  # fmt: skip
            batch.alter_column(name, existing_type=kind, nullable=False)
        batch.alter_column("module", existing_type=sa.String(length=80), nullable=False)
        batch.create_index("ix_courses_topic", ["topic"], unique=False)
        batch.drop_constraint(op.f("ck_courses_origin"), type_="check")
        batch.drop_column("origin")
        batch.drop_column("created_at")
        batch.drop_column("updated_at")

    with op.batch_alter_table("certificates") as batch:
        batch.create_index("ix_certificates_user_id", ["user_id"], unique=False)
    with op.batch_alter_table("lesson_completions") as batch:
        batch.create_index("ix_lesson_completions_user_id", ["user_id"], unique=False)
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_index("ix_enrollments_commune_code")
        batch.drop_index("ix_enrollments_province_code")
        batch.drop_constraint("fk_enrollments_commune_code_regions", type_="foreignkey")
        batch.drop_constraint("fk_enrollments_province_code_regions", type_="foreignkey")
        batch.drop_constraint(op.f("ck_enrollments_percent"), type_="check")
        batch.create_index("ix_enrollments_user_id", ["user_id"], unique=False)
        for name in ("lessons_done", "lessons_total", "quizzes_passed", "quizzes_total",
                     "percent", "progress_at", "province_code", "commune_code",
                     "learner_group"):  # fmt: skip
            batch.drop_column(name)

    # answers point at questions again: the version's question
    with op.batch_alter_table("attempt_answers") as batch:
        batch.create_index("ix_attempt_answers_attempt_id", ["attempt_id"], unique=False)
        batch.drop_constraint(
            "fk_attempt_answers_question_version_id_question_versions", type_="foreignkey"
        )
        batch.drop_constraint("uq_attempt_answers_attempt_id_question_version_id", type_="unique")
    bind.exec_driver_sql(
        "UPDATE attempt_answers SET question_version_id = (SELECT question_id FROM "
        "question_versions WHERE question_versions.id = attempt_answers.question_version_id)"
    )
    with op.batch_alter_table("attempt_answers") as batch:
        batch.alter_column("question_version_id", new_column_name="question_id",
                           existing_type=sa.Integer(), existing_nullable=False)  # fmt: skip
    with op.batch_alter_table("attempt_answers") as batch:
        batch.create_unique_constraint(
            "uq_attempt_answers_attempt_id_question_id", ["attempt_id", "question_id"]
        )
        batch.create_foreign_key(
            "fk_attempt_answers_question_id_questions", "questions", ["question_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
    attempts = sa.table("quiz_attempts", sa.column("id"), sa.column("result", sa.JSON()))
    for row in bind.execute(sa.select(attempts)).all():
        if not row.result:
            continue
        result = {
            qid: {**r, "feedback": [html.unescape(f) for f in r.get("feedback", [])]}
            for qid, r in row.result.items()
        }
        bind.execute(attempts.update().where(attempts.c.id == row.id).values(result=result))
    with op.batch_alter_table("quiz_attempts") as batch:
        batch.add_column(sa.Column("passed", sa.Boolean(), nullable=True))
    bind.exec_driver_sql(
        "UPDATE quiz_attempts SET passed = (score >= (SELECT rq.pass_mark FROM revision_quizzes rq "
        "WHERE rq.quiz_id = quiz_attempts.quiz_id AND rq.revision_id = quiz_attempts.revision_id)) "
        "WHERE score IS NOT NULL"
    )
    with op.batch_alter_table("quiz_attempts") as batch:
        batch.create_index("ix_quiz_attempts_user_id", ["user_id"], unique=False)
        batch.drop_index("ix_quiz_attempts_revision_id")
        batch.drop_constraint("fk_quiz_attempts_revision_id_course_revisions", type_="foreignkey")
        batch.drop_column("revision_id")

    # quizzes
    with op.batch_alter_table("quizzes") as batch:
        for column in (
            sa.Column("section_id", sa.Integer(), nullable=True),
            sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
            sa.Column("title", sa.String(length=200), nullable=False, server_default=""),
            sa.Column("pass_mark", sa.Integer(), nullable=False, server_default="70"),
            sa.Column("max_attempts", sa.Integer(), nullable=False, server_default="0"),
            sa.Column("time_limit_minutes", sa.Integer(), nullable=False, server_default="0"),
            sa.Column("shuffle_questions", sa.Boolean(), nullable=False, server_default=sa.false()),
            sa.Column("shuffle_options", sa.Boolean(), nullable=False, server_default=sa.false()),
            sa.Column("grading", sa.String(length=8), nullable=False, server_default="highest"),
            sa.Column("review", sa.String(length=12), nullable=False, server_default="full"),
            sa.Column("required", sa.Boolean(), nullable=False, server_default=sa.true()),
            sa.Column("items", sa.JSON(), nullable=True),
            sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.true()),
        ):
            batch.add_column(column)
    rq = (
        "(SELECT {col} FROM revision_quizzes rq WHERE rq.quiz_id = quizzes.id AND rq.revision_id = "
        + latest.format(course="quizzes.course_id") + ")"
    )
    for name in ("section_id", "position", "title", "pass_mark", "max_attempts",
                 "time_limit_minutes", "shuffle_questions", "shuffle_options", "grading",
                 "review", "required", "items"):  # fmt: skip
        bind.exec_driver_sql(
            f"UPDATE quizzes SET {name} = {rq.format(col='rq.' + name)} "
            f"WHERE EXISTS {rq.format(col='1')}"
        )
    bind.exec_driver_sql(
        f"UPDATE quizzes SET archived = NOT EXISTS {rq.format(col='1')}"
    )
    bind.exec_driver_sql("UPDATE quizzes SET items = '[]' WHERE items IS NULL")
    with op.batch_alter_table("quizzes") as batch:
        batch.alter_column("items", existing_type=sa.JSON(), nullable=False)
        batch.create_check_constraint(op.f("ck_quizzes_grading"), "grading IN ('highest', 'last')")
        batch.create_check_constraint(op.f("ck_quizzes_review"), "review IN ('score', 'correctness', 'full')")
        batch.create_check_constraint(op.f("ck_quizzes_pass_mark"), "pass_mark BETWEEN 0 AND 100")
        batch.create_foreign_key(
            "fk_quizzes_section_id_sections", "sections", ["section_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_quizzes_course_id", ["course_id"], unique=False)
        batch.create_index("ix_quizzes_section_id", ["section_id"], unique=False)
        batch.drop_column("created_at")
    op.drop_table("revision_quizzes")

    # questions: the latest version's data
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("category", sa.String(length=120), nullable=False, server_default=""))
        batch.add_column(sa.Column("qtype", sa.String(length=16), nullable=False, server_default=""))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("data", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.true()))
    last_version = (
        "(SELECT {col} FROM question_versions qv WHERE qv.question_id = questions.id "
        "ORDER BY qv.number DESC LIMIT 1)"
    )
    for name in ("category", "qtype", "data"):
        bind.exec_driver_sql(
            f"UPDATE questions SET {name} = {last_version.format(col='qv.' + name)}"
        )
    in_rev = (
        "(SELECT {col} FROM revision_questions rq WHERE rq.question_id = questions.id AND "
        "rq.revision_id = " + latest.format(course="questions.course_id") + ")"
    )
    bind.exec_driver_sql(
        f"UPDATE questions SET position = COALESCE({in_rev.format(col='rq.position')}, 0), "
        f"archived = NOT EXISTS {in_rev.format(col='1')}"
    )
    with op.batch_alter_table("questions") as batch:
        batch.alter_column("data", existing_type=sa.JSON(), nullable=False)
        batch.create_index("ix_questions_category", ["category"], unique=False)
        batch.create_index("ix_questions_course_id", ["course_id"], unique=False)
        batch.drop_column("created_at")
    op.drop_table("revision_questions")
    op.drop_table("question_versions")

    # lessons: the version placed in the latest revision (else the newest version)
    with op.batch_alter_table("lessons") as batch:
        for column in (
            sa.Column("section_id", sa.Integer(), nullable=True),
            sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
            sa.Column("title", sa.String(length=200), nullable=False, server_default=""),
            sa.Column("minutes", sa.Integer(), nullable=False, server_default="5"),
            sa.Column("required", sa.Boolean(), nullable=False, server_default=sa.true()),
            sa.Column("video_url", sa.String(length=300), nullable=True),
            sa.Column("video_minutes", sa.Integer(), nullable=True),
            sa.Column("body_html", sa.Text(), nullable=False, server_default=""),
            sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.true()),
            sa.Column("updated_at", UTC, nullable=True),
        ):
            batch.add_column(column)
    placed = (
        "(SELECT {col} FROM revision_lessons rl WHERE rl.lesson_id = lessons.id AND "
        "rl.revision_id = " + latest.format(course="lessons.course_id") + ")"
    )
    version = (
        "COALESCE(" + placed.format(col="rl.version_id") + ", (SELECT max(lv.id) FROM "
        "lesson_versions lv WHERE lv.lesson_id = lessons.id))"
    )
    for name in ("title", "minutes", "required", "video_url", "video_minutes", "body_html"):
        bind.exec_driver_sql(
            f"UPDATE lessons SET {name} = (SELECT lv.{name} FROM lesson_versions lv "
            f"WHERE lv.id = {version})"
        )
    bind.exec_driver_sql(
        f"UPDATE lessons SET section_id = {placed.format(col='rl.section_id')}, "
        f"position = COALESCE({placed.format(col='rl.position')}, 1000 + id), "
        f"archived = NOT EXISTS {placed.format(col='1')}, updated_at = created_at"
    )
    with op.batch_alter_table("lessons") as batch:
        batch.alter_column("updated_at", existing_type=UTC, nullable=False)
        batch.create_foreign_key(
            "fk_lessons_section_id_sections", "sections", ["section_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_lessons_course_id", ["course_id"], unique=False)
        batch.create_index("ix_lessons_section_id", ["section_id"], unique=False)
        batch.drop_column("created_at")
    op.drop_table("revision_lessons")
    op.drop_table("lesson_versions")

    # sections: keep those of the latest revision, per course again
    with op.batch_alter_table("sections") as batch:
        batch.add_column(sa.Column("course_id", sa.Integer(), nullable=True))
    bind.exec_driver_sql(
        "UPDATE sections SET course_id = (SELECT course_id FROM course_revisions cr "
        "WHERE cr.id = sections.revision_id)"
    )
    bind.exec_driver_sql(
        "UPDATE lessons SET section_id = NULL WHERE section_id IN (SELECT s.id FROM sections s "
        "WHERE s.revision_id <> " + latest.format(course="s.course_id") + ")"
    )
    bind.exec_driver_sql(
        "UPDATE quizzes SET section_id = NULL WHERE section_id IN (SELECT s.id FROM sections s "
        "WHERE s.revision_id <> " + latest.format(course="s.course_id") + ")"
    )
    bind.exec_driver_sql(
        "DELETE FROM sections WHERE revision_id <> "
        + latest.format(course="sections.course_id")
    )
    with op.batch_alter_table("sections") as batch:
        batch.alter_column("course_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("fk_sections_revision_id_course_revisions", type_="foreignkey")
        batch.drop_constraint("uq_sections_revision_id_position", type_="unique")
        batch.drop_column("revision_id")
        batch.create_unique_constraint("uq_sections_course_id_position", ["course_id", "position"])
        batch.create_foreign_key(
            "fk_sections_course_id_courses", "courses", ["course_id"], ["id"], ondelete="CASCADE"
        )
    op.drop_table("revision_assets")
    op.drop_table("assets")
    with op.batch_alter_table("course_revisions") as batch:
        batch.drop_index("uq_course_revisions_one_draft")
        batch.drop_index("uq_course_revisions_one_published")
        batch.drop_index("ix_course_revisions_topic")
    op.drop_table("course_revisions")
