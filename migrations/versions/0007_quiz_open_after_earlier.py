"""revision quizzes: open_after_earlier (a quiz opens after what comes before it)

Existing revisions get the package default: on for the course's final quiz (the last quiz
of the last section), off for every other quiz.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 13:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "revision_quizzes",
        sa.Column("open_after_earlier", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        """
        UPDATE revision_quizzes SET open_after_earlier = TRUE
        WHERE id IN (
            SELECT rq.id FROM revision_quizzes rq
            JOIN sections s ON s.id = rq.section_id
            WHERE rq.position = (
                SELECT max(r2.position) FROM revision_quizzes r2
                WHERE r2.revision_id = rq.revision_id
            )
            AND s.position = (
                SELECT max(s2.position) FROM sections s2 WHERE s2.revision_id = rq.revision_id
            )
        )
        """
    )


def downgrade():
    with op.batch_alter_table("revision_quizzes") as batch_op:
        batch_op.drop_column("open_after_earlier")
