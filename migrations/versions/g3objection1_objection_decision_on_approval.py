"""the approval of a disclosing reply over a third party's objection carries its decision and reasons (Reg. 32, issue 20 H2)

Revision ID: g3objection1
Revises: g2consult001
Create Date: 2026-12-08 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'g3objection1'
down_revision = 'g2consult001'
branch_labels = None
depends_on = None

CHECK = ("objection_decision IS NULL OR (objection_decision IN ('disclose', 'withhold') "
         "AND decision_reasons IS NOT NULL)")


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objection_decision', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('decision_reasons', sa.Text(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_letters_objection_decision'), CHECK)


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_letters_objection_decision'), type_='check')
        batch_op.drop_column('decision_reasons')
        batch_op.drop_column('objection_decision')
