"""a consultation by letter is sent when its letter is issued (Reg. 33, issue 20 H3)

A third party or an agency off the platform is asked by letter: until that letter is issued the
consultation has no sending, receipt or due date (it pauses nothing and cannot lapse), and it keeps
the letter drafted for it (letter_id).

Consultations recorded before keep their dates: they were sent on the day recorded, and issuing
their letter later still moves them to that day, as before.

Revision ID: g2consult001
Revises: g1correct001
Create Date: 2026-12-08 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'g2consult001'
down_revision = 'g1correct001'
branch_labels = None
depends_on = None

OLD_DATES = "delivered_on >= sent_on AND due_on >= delivered_on"
NEW_DATES = ("(sent_on IS NULL AND delivered_on IS NULL AND due_on IS NULL AND status IN ('sent', 'cancelled'))"
             " OR (sent_on IS NOT NULL AND delivered_on IS NOT NULL AND due_on IS NOT NULL"
             " AND delivered_on >= sent_on AND due_on >= delivered_on)")
SENT_UNLESS_BY_LETTER = ("sent_on IS NOT NULL OR kind = 'third_party' "
                         "OR (kind = 'agency' AND addressee_agency_id IS NULL)")


def upgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consultations_letter_id_letters'), 'letters', ['letter_id'], ['id'])
        batch_op.alter_column('sent_on', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('delivered_on', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('due_on', existing_type=sa.Date(), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_consultations_dates'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_consultations_dates'), NEW_DATES)
        batch_op.create_check_constraint(batch_op.f('ck_consultations_sent_unless_by_letter'), SENT_UNLESS_BY_LETTER)


def downgrade():
    # A consultation whose letter never went out was never sent: going back, it was cancelled that day.
    op.execute("UPDATE consultations SET status = 'cancelled', cancel_reason = 'letter never issued', "
               "cancelled_on = CURRENT_DATE WHERE sent_on IS NULL AND status = 'sent'")
    op.execute("UPDATE consultations SET sent_on = cancelled_on, delivered_on = cancelled_on, due_on = cancelled_on "
               "WHERE sent_on IS NULL")
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_consultations_sent_unless_by_letter'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_consultations_dates'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_consultations_dates'), OLD_DATES)
        batch_op.alter_column('due_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('delivered_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('sent_on', existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_consultations_letter_id_letters'), type_='foreignkey')
        batch_op.drop_column('letter_id')
