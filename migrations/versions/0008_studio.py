"""studio: course staff, who saved each version, who changed a course last, image variants

Everything the trainer studio needs in the database, in one step:

- `course_staff`: the owner and co-authors of a course (one row per person and course);
  courses written in the browser or imported before this step get the author of their
  first revision as owner, when known;
- `lesson_versions.created_by_id`, `question_versions.created_by_id`: who saved each
  version (when: `created_at`), for the per-item history; versions from packages have none;
- `courses.updated_by_id`: who made the last change (`updated_at` says when), for the
  studio's course list;
- `assets.width`, `assets.height`, `assets.variant_of`: uploaded images are kept as they
  came and as smaller variants for slow links, each variant an asset naming its original.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "course_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("added_at", UTC, nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("role IN ('owner', 'coauthor')", name=op.f("ck_course_staff_role")),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"],
            name=op.f("fk_course_staff_added_by_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"],
            name=op.f("fk_course_staff_course_id_courses"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_course_staff_user_id_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_staff")),
        sa.UniqueConstraint("course_id", "user_id", name=op.f("uq_course_staff_course_id_user_id")),
    )  # fmt: skip
    with op.batch_alter_table("course_staff") as batch:
        batch.create_index(batch.f("ix_course_staff_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("height", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("variant_of", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_assets_variant_of"), ["variant_of"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_assets_variant_of_assets"), "assets", ["variant_of"], ["sha256"],
            ondelete="CASCADE",
        )  # fmt: skip

    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_courses_updated_by_id_users"), "users", ["updated_by_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip

    for table in ("lesson_versions", "question_versions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                batch.f(f"fk_{table}_created_by_id_users"), "users", ["created_by_id"], ["id"],
                ondelete="SET NULL",
            )  # fmt: skip

    # Courses written in the browser or imported so far: whoever made their first revision
    # owns them (without an owner only administrators could edit them).
    op.execute(
        """
        INSERT INTO course_staff (course_id, user_id, role, added_at)
        SELECT c.id, r.created_by_id, 'owner', r.created_at
        FROM courses c
        JOIN course_revisions r ON r.course_id = c.id
        WHERE c.origin IN ('studio', 'import')
          AND r.created_by_id IS NOT NULL
          AND r.number = (
              SELECT min(r2.number) FROM course_revisions r2 WHERE r2.course_id = c.id
          )
        """
    )


def downgrade():
    for table in ("question_versions", "lesson_versions"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(batch.f(f"fk_{table}_created_by_id_users"), type_="foreignkey")
            batch.drop_column("created_by_id")

    with op.batch_alter_table("courses") as batch:
        batch.drop_constraint(batch.f("fk_courses_updated_by_id_users"), type_="foreignkey")
        batch.drop_column("updated_by_id")

    with op.batch_alter_table("assets") as batch:
        batch.drop_constraint(batch.f("fk_assets_variant_of_assets"), type_="foreignkey")
        batch.drop_index(batch.f("ix_assets_variant_of"))
        batch.drop_column("variant_of")
        batch.drop_column("height")
        batch.drop_column("width")

    with op.batch_alter_table("course_staff") as batch:
        batch.drop_index(batch.f("ix_course_staff_user_id"))
    op.drop_table("course_staff")
