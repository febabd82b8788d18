"""search records of a case (issue 23, item 1)

A reply that the information is not held (Reg. 36(4), 36(5)) or needs creation (Reg. 38) rests on a
recorded search: where, with which terms, when, by whom and what was found (SPEC §12).

Revision ID: i2search0001
Revises: i1mailfrom01
Create Date: 2026-12-07 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i2search0001'
down_revision = 'i1mailfrom01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('places', sa.JSON(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('searched_on', sa.Date(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_search_records_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_search_records_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_records'))
    )
    with op.batch_alter_table('search_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_records_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('search_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_records_case_id'))

    op.drop_table('search_records')
