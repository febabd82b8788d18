"""supervision orders keep the handler's feedback and the supervisor who closed them (issue 26, item 4)

The supervisors' list of orders (督办单) shows each order's state: open, answered (the handler wrote
feedback) or closed. A supervisor may close an answered order while its case still runs;
`closed_by_id` names them (NULL: the case's closing or withdrawal closed it, as before).
Orders opened before keep no feedback (NULL).

Revision ID: j1suporder01
Revises: i1reviews001
Create Date: 2026-12-08 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'j1suporder01'
down_revision = 'i1reviews001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('feedback_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('feedback_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_supervision_orders_feedback_by_id_users'), 'users',
                                    ['feedback_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_supervision_orders_closed_by_id_users'), 'users',
                                    ['closed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_supervision_orders_closed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_supervision_orders_feedback_by_id_users'), type_='foreignkey')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('feedback_by_id')
        batch_op.drop_column('feedback_at')
        batch_op.drop_column('feedback')
