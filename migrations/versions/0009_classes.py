"""classes: training classes with courses, trainers, members, sessions, attendance, news

The tables of training classes ("lớp tập huấn"), and two columns that tie the rest to them:

- `training_classes`, `class_courses`, `class_trainers`, `class_members`,
  `class_sessions` (+ `class_session_lessons`: the lessons a session covers),
  `class_attendance` (one row per session and learner), `class_announcements`;
- `enrollments.class_id`: the class a learner took the course in (None: on their own);
- `certificates.class_id`: a class certificate, issued when the class's completion rule
  is met, has a class and no course (`certificates.course_id` becomes nullable; exactly
  one of the two is set).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "training_classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("province_code", sa.String(length=5), nullable=True),
        sa.Column("commune_code", sa.String(length=5), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("courses_required", sa.Boolean(), nullable=False),
        sa.Column("attendance_percent", sa.Integer(), nullable=True),
        sa.Column("join_code", sa.String(length=12), nullable=True),
        sa.Column("join_open", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "mode IN ('online', 'in_person', 'blended')", name=op.f("ck_training_classes_mode")
        ),
        sa.CheckConstraint(
            "attendance_percent BETWEEN 0 AND 100",
            name=op.f("ck_training_classes_attendance_percent"),
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_training_classes_capacity")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_training_classes_dates")),
        sa.ForeignKeyConstraint(
            ["commune_code"],
            ["regions.code"],
            name=op.f("fk_training_classes_commune_code_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_training_classes_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["province_code"],
            ["regions.code"],
            name=op.f("fk_training_classes_province_code_regions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_classes")),
        sa.UniqueConstraint("join_code", name=op.f("uq_training_classes_join_code")),
    )
    with op.batch_alter_table("training_classes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_classes_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "class_announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_class_announcements_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_classes.id"],
            name=op.f("fk_class_announcements_class_id_training_classes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_announcements")),
    )
    with op.batch_alter_table("class_announcements") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_class_announcements_class_id"), ["class_id"], unique=False
        )

    op.create_table(
        "class_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_classes.id"],
            name=op.f("fk_class_courses_class_id_training_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_class_courses_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_courses")),
        sa.UniqueConstraint(
            "class_id", "course_id", name=op.f("uq_class_courses_class_id_course_id")
        ),
    )
    with op.batch_alter_table("class_courses") as batch_op:
        batch_op.create_index(batch_op.f("ix_class_courses_course_id"), ["course_id"], unique=False)

    op.create_table(
        "class_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", UTC, nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("rule_met_at", UTC, nullable=True),
        sa.CheckConstraint(
            "source IN ('trainer', 'code', 'roster', 'api')", name=op.f("ck_class_members_source")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_class_members_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_classes.id"],
            name=op.f("fk_class_members_class_id_training_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_class_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_members")),
        sa.UniqueConstraint("class_id", "user_id", name=op.f("uq_class_members_class_id_user_id")),
    )
    with op.batch_alter_table("class_members") as batch_op:
        batch_op.create_index(batch_op.f("ix_class_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "class_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("kind IN ('in_person', 'online')", name=op.f("ck_class_sessions_kind")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_class_sessions_times")),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_classes.id"],
            name=op.f("fk_class_sessions_class_id_training_classes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_sessions")),
    )
    with op.batch_alter_table("class_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_class_sessions_class_id"), ["class_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_class_sessions_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "class_trainers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_classes.id"],
            name=op.f("fk_class_trainers_class_id_training_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_class_trainers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_trainers")),
        sa.UniqueConstraint("class_id", "user_id", name=op.f("uq_class_trainers_class_id_user_id")),
    )
    with op.batch_alter_table("class_trainers") as batch_op:
        batch_op.create_index(batch_op.f("ix_class_trainers_user_id"), ["user_id"], unique=False)

    op.create_table(
        "class_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("checked_in_at", UTC, nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "method IN ('qr', 'rollcall', 'paper', 'api')", name=op.f("ck_class_attendance_method")
        ),
        sa.CheckConstraint(
            "status IN ('present', 'absent', 'excused')", name=op.f("ck_class_attendance_status")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_class_attendance_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_sessions.id"],
            name=op.f("fk_class_attendance_session_id_class_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_class_attendance_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_attendance")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_class_attendance_session_id_user_id")
        ),
    )
    with op.batch_alter_table("class_attendance") as batch_op:
        batch_op.create_index(batch_op.f("ix_class_attendance_user_id"), ["user_id"], unique=False)

    op.create_table(
        "class_session_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_class_session_lessons_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_sessions.id"],
            name=op.f("fk_class_session_lessons_session_id_class_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_session_lessons")),
        sa.UniqueConstraint(
            "session_id", "lesson_id", name=op.f("uq_class_session_lessons_session_id_lesson_id")
        ),
    )
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.add_column(sa.Column("class_id", sa.Integer(), nullable=True))
        batch_op.alter_column("course_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificates_user_id_class_id"), ["user_id", "class_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_certificates_class_id_training_classes"),
            "training_classes",
            ["class_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_certificates_course_or_class"),
            "(course_id IS NULL) <> (class_id IS NULL)",
        )

    with op.batch_alter_table("enrollments") as batch_op:
        batch_op.add_column(sa.Column("class_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_enrollments_class_id"), ["class_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_enrollments_class_id_training_classes"),
            "training_classes",
            ["class_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("enrollments") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_enrollments_class_id_training_classes"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_enrollments_class_id"))
        batch_op.drop_column("class_id")

    # Class certificates have no course: they go with the classes.
    op.execute("DELETE FROM certificates WHERE class_id IS NOT NULL")
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_certificates_course_or_class"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_certificates_class_id_training_classes"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_certificates_user_id_class_id"), type_="unique")
        batch_op.alter_column("course_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("class_id")

    op.drop_table("class_session_lessons")
    with op.batch_alter_table("class_attendance") as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_attendance_user_id"))

    op.drop_table("class_attendance")
    with op.batch_alter_table("class_trainers") as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_trainers_user_id"))

    op.drop_table("class_trainers")
    with op.batch_alter_table("class_sessions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_sessions_starts_at"))
        batch_op.drop_index(batch_op.f("ix_class_sessions_class_id"))

    op.drop_table("class_sessions")
    with op.batch_alter_table("class_members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_members_user_id"))

    op.drop_table("class_members")
    with op.batch_alter_table("class_courses") as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_courses_course_id"))

    op.drop_table("class_courses")
    with op.batch_alter_table("class_announcements") as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_announcements_class_id"))

    op.drop_table("class_announcements")
    with op.batch_alter_table("training_classes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_classes_province_code"))

    op.drop_table("training_classes")
