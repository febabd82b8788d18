"""action layer: who last edited a letter (four eyes on approval)

Revision ID: e1actions001
Revises: d1letters001
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e1actions001'
down_revision = 'd1letters001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_letters_edited_by_id_users'), 'users', ['edited_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_letters_edited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('edited_by_id')
