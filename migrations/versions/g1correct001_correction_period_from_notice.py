"""the correction period counts from the correction notice's issue (Reg. 30, issue 20)

A case's correction has its chosen period (correction_period_days) and the day its notice reached
the applicant (correction_notified_on); its due date exists only from then.

Revision ID: g1correct001
Revises: f3purpose001
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'g1correct001'
down_revision = 'f3purpose001'
branch_labels = None
depends_on = None

ISSUED_NOTICE = ("SELECT MIN(l.issued_on) FROM letters l WHERE l.case_id = cases.id "
                 "AND l.template = 'correction_notice' AND l.status = 'issued'")


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction_period_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('correction_notified_on', sa.Date(), nullable=True))
    # A correction awaited whose notice was issued counts from that notice (its due date, set when
    # the correction was requested, is kept); one whose notice never went out has no due date yet,
    # so it cannot lapse until the notice is issued (its period is then the agency's default).
    op.execute(f"UPDATE cases SET correction_notified_on = ({ISSUED_NOTICE}) "
               "WHERE status = 'correction_requested'")
    op.execute("UPDATE cases SET correction_due_on = NULL "
               "WHERE status = 'correction_requested' AND correction_notified_on IS NULL")


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('correction_notified_on')
        batch_op.drop_column('correction_period_days')
