"""letters, time requests (extension, deferral) and fees

Revision ID: d1letters001
Revises: c1office0001
Create Date: 2026-11-27 21:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1letters001'
down_revision = 'c1office0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=True),
    sa.Column('number_year', sa.Integer(), nullable=True),
    sa.Column('number_seq', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pdf_key', sa.String(length=200), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('docx_key', sa.String(length=200), nullable=True),
    sa.Column('docx_sha256', sa.String(length=64), nullable=True),
    sa.Column('delivery_method', sa.String(length=20), nullable=True),
    sa.Column('delivery_on', sa.Date(), nullable=True),
    sa.Column('delivery_reference', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('return_comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("delivery_method IS NULL OR delivery_method IN ('post', 'hand', 'email', 'online')", name=op.f('ck_letters_delivery_method')),
    sa.CheckConstraint("status != 'issued' OR (number IS NOT NULL AND issued_on IS NOT NULL AND pdf_key IS NOT NULL AND pdf_sha256 IS NOT NULL AND docx_key IS NOT NULL AND docx_sha256 IS NOT NULL AND delivery_method IS NOT NULL AND delivery_on IS NOT NULL)", name=op.f('ck_letters_issued_complete')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'issued', 'returned')", name=op.f('ck_letters_status')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_letters_agency_id_agencies')),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_letters_approver_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_letters_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_letters_created_by_id_users')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_letters_issued_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_letters_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('agency_id', 'number', name='uq_letters_agency_number')
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_case_id'), ['case_id'], unique=False)

    op.create_table('time_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('deferred_to', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind != 'deferral' OR deferred_to IS NOT NULL", name=op.f('ck_time_requests_deferral_date')),
    sa.CheckConstraint("kind != 'extension' OR (days >= 1 AND days <= 20)", name=op.f('ck_time_requests_extension_days')),
    sa.CheckConstraint("kind IN ('extension', 'deferral')", name=op.f('ck_time_requests_kind')),
    sa.CheckConstraint("status IN ('requested', 'approved')", name=op.f('ck_time_requests_status')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_time_requests_approved_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_time_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_time_requests_letter_id_letters')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_time_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_requests'))
    )
    with op.batch_alter_table('time_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_time_requests_case_id'), ['case_id'], unique=False)

    op.create_table('fees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.Column('served_on', sa.Date(), nullable=True),
    sa.Column('pay_by', sa.Date(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('lapsed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("basis IN ('requests', 'pages')", name=op.f('ck_fees_basis')),
    sa.CheckConstraint('count >= 0 AND amount >= 0', name=op.f('ck_fees_positive')),
    sa.CheckConstraint("status IN ('proposed', 'approved', 'notified', 'paid', 'lapsed')", name=op.f('ck_fees_status')),
    sa.CheckConstraint("status NOT IN ('notified', 'paid', 'lapsed') OR (served_on IS NOT NULL AND pay_by IS NOT NULL)", name=op.f('ck_fees_served')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_fees_approved_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_fees_case_id_cases')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_fees_letter_id_letters')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_fees_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fees'))
    )
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fees_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fees_case_id'))
    op.drop_table('fees')
    with op.batch_alter_table('time_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_requests_case_id'))
    op.drop_table('time_requests')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letters_case_id'))
    op.drop_table('letters')
