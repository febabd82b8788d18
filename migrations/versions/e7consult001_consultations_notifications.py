"""consultations, notifications outbox, supervision orders

Schema of issue 10: consultations and their files, in-app notifications, the e-mail outbox,
supervision orders, and the day a clock pause's lapse period counts from.

Revision ID: e7consult001
Revises: e6disclose01
Create Date: 2026-11-30 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7consult001'
down_revision = 'e6disclose01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notifications_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'dedupe_key', name='uq_notifications_user_dedupe')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_messages_status')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outbox_messages_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('supervision_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= opened_on', name=op.f('ck_supervision_orders_order')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_supervision_orders_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_supervision_orders_case_id_cases')),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_supervision_orders_handler_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_orders')),
    sa.UniqueConstraint('case_id', name=op.f('uq_supervision_orders_case_id'))
    )
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_orders_agency_id'), ['agency_id'], unique=False)

    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('addressee_agency_id', sa.Integer(), nullable=True),
    sa.Column('third_party_name', sa.String(length=200), nullable=True),
    sa.Column('third_party_address', sa.String(length=300), nullable=True),
    sa.Column('third_party_phone', sa.String(length=40), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opinion', sa.String(length=20), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answer_channel', sa.String(length=20), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('lapsed_on', sa.Date(), nullable=True),
    sa.Column('escalated_on', sa.Date(), nullable=True),
    sa.Column('pause_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(kind = 'department' AND department_id IS NOT NULL) OR (kind = 'agency' AND (addressee_agency_id IS NOT NULL OR third_party_name IS NOT NULL)) OR (kind = 'third_party' AND third_party_name IS NOT NULL)", name=op.f('ck_consultations_addressee')),
    sa.CheckConstraint("(status = 'answered' AND opinion IS NOT NULL AND answered_on IS NOT NULL) OR (status != 'answered' AND opinion IS NULL)", name=op.f('ck_consultations_answered_has_opinion')),
    sa.CheckConstraint("answer_channel IS NULL OR answer_channel IN ('platform', 'paper')", name=op.f('ck_consultations_answer_channel')),
    sa.CheckConstraint("kind IN ('department', 'agency', 'third_party')", name=op.f('ck_consultations_kind')),
    sa.CheckConstraint("opinion IS NULL OR opinion IN ('agree', 'disagree', 'partial')", name=op.f('ck_consultations_opinion')),
    sa.CheckConstraint("status IN ('sent', 'answered', 'lapsed', 'deemed_consent')", name=op.f('ck_consultations_status')),
    sa.CheckConstraint('delivered_on >= sent_on AND due_on >= delivered_on', name=op.f('ck_consultations_dates')),
    sa.ForeignKeyConstraint(['addressee_agency_id'], ['agencies.id'], name=op.f('fk_consultations_addressee_agency_id_agencies')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_consultations_agency_id_agencies')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_consultations_answered_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_consultations_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_consultations_created_by_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_consultations_department_id_departments')),
    sa.ForeignKeyConstraint(['pause_id'], ['clock_pauses.id'], name=op.f('fk_consultations_pause_id_clock_pauses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultations_addressee_agency_id'), ['addressee_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_consultations_status_due', ['status', 'due_on'], unique=False)

    op.create_table('consultation_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('material', 'answer')", name=op.f('ck_consultation_files_role')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_consultation_files_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_files_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_consultation_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_files'))
    )
    with op.batch_alter_table('consultation_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_files_consultation_id'), ['consultation_id'], unique=False)

    with op.batch_alter_table('clock_pauses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted_from', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('clock_pauses', schema=None) as batch_op:
        batch_op.drop_column('counted_from')

    with op.batch_alter_table('consultation_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_files_consultation_id'))

    op.drop_table('consultation_files')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index('ix_consultations_status_due')
        batch_op.drop_index(batch_op.f('ix_consultations_department_id'))
        batch_op.drop_index(batch_op.f('ix_consultations_case_id'))
        batch_op.drop_index(batch_op.f('ix_consultations_addressee_agency_id'))

    op.drop_table('consultations')
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_orders_agency_id'))

    op.drop_table('supervision_orders')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_next')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_case_id'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')
        batch_op.drop_index(batch_op.f('ix_notifications_case_id'))

    op.drop_table('notifications')
