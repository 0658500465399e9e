"""certificates: learner_name_folded, for the diacritic-insensitive admin search

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:30:00

Branch i7-certs-formats (issue 7, item 16). The column holds the learner's name lower
case and without diacritics ("Nguyễn Thị Hoa" -> "nguyen thi hoa"); existing rows are
filled here, new ones by the model's default.
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _fold(text):
    # A frozen copy of elearn.core.text.fold as of this migration.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learner_name_folded', sa.String(length=120), nullable=True))
    certificates = sa.table(
        'certificates',
        sa.column('id', sa.Integer()),
        sa.column('learner_name', sa.String()),
        sa.column('learner_name_folded', sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(certificates.c.id, certificates.c.learner_name)).all()
    if rows:
        connection.execute(
            certificates.update()
            .where(certificates.c.id == sa.bindparam('row_id'))
            .values(learner_name_folded=sa.bindparam('folded')),
            [{'row_id': row.id, 'folded': _fold(row.learner_name)} for row in rows],
        )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('learner_name_folded', existing_type=sa.String(length=120), nullable=False)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('learner_name_folded')
