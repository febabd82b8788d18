"""action layer: who last edited a letter (four eyes on approval); fees run from receipt and charge
each request once

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
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
    # Notices served so far counted from their serving day: that is their receipt date.
    op.execute("UPDATE fees SET received_on = served_on WHERE pay_by IS NOT NULL")
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_fees_served'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_fees_served'), "status NOT IN ('notified', 'paid', 'lapsed') OR served_on IS NOT NULL")
        batch_op.create_check_constraint(
            batch_op.f('ck_fees_pay_by_from_receipt'), "(received_on IS NULL) = (pay_by IS NULL)")
    op.create_table('fee_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fee_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_fee_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['fee_id'], ['fees.id'], name=op.f('fk_fee_requests_fee_id_fees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_requests')),
    sa.UniqueConstraint('case_id', name=op.f('uq_fee_requests_case_id'))
    )
    with op.batch_alter_table('fee_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_requests_fee_id'), ['fee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('fee_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_requests_fee_id'))
    op.drop_table('fee_requests')
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_fees_pay_by_from_receipt'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_fees_served'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_fees_served'),
            "status NOT IN ('notified', 'paid', 'lapsed') OR (served_on IS NOT NULL AND pay_by IS NOT NULL)")
        batch_op.drop_column('received_on')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_letters_edited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('edited_by_id')
