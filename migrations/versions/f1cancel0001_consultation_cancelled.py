"""consultations can be cancelled: status 'cancelled' with its date and reason

Revision ID: f1cancel0001
Revises: e8pgscale01
Create Date: 2026-12-07 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1cancel0001'
down_revision = 'e8pgscale01'
branch_labels = None
depends_on = None

OLD = "status IN ('sent', 'answered', 'lapsed', 'deemed_consent')"
NEW = "status IN ('sent', 'answered', 'lapsed', 'deemed_consent', 'cancelled')"


def upgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_consultations_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_consultations_status'), NEW)


def downgrade():
    # A cancelled consultation had been sent and never answered: that is what it was before.
    op.execute("UPDATE consultations SET status = 'sent' WHERE status = 'cancelled'")
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_consultations_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_consultations_status'), OLD)
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_on')
