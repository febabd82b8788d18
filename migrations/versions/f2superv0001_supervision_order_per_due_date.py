"""supervision orders: one per missed due date instead of one per case ever

Revision ID: f2superv0001
Revises: f1cancel0001
Create Date: 2026-12-07 15:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2superv0001'
down_revision = 'f1cancel0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_supervision_orders_case_id'), type_='unique')
        batch_op.create_unique_constraint('uq_supervision_orders_case_due', ['case_id', 'due_on'])
        batch_op.create_index(batch_op.f('ix_supervision_orders_case_id'), ['case_id'], unique=False)


def downgrade():
    # Keep the latest order of each case: the old schema holds one.
    op.execute("DELETE FROM supervision_orders WHERE id NOT IN "
               "(SELECT MAX(id) FROM supervision_orders GROUP BY case_id)")
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_orders_case_id'))
        batch_op.drop_constraint('uq_supervision_orders_case_due', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_supervision_orders_case_id'), ['case_id'])
