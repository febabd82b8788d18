"""the records found for a request, their release versions and the redaction log (issue 21, SPEC §11)

Revision ID: h1records001
Revises: g3objection1
Create Date: 2026-12-07 22:51:49.676526

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h1records001'
down_revision = 'g3objection1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('pdf_key', sa.String(length=200), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('exemption', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind != 'redacted' OR (exemption IN ('personal_privacy', 'trade_secret', 'state_secret', 'law_prohibited', 'three_safeties', 'internal_affairs', 'process_info', 'enforcement_file') AND reason IS NOT NULL)", name=op.f('ck_records_redacted_ground')),
    sa.CheckConstraint("kind = 'original' OR parent_id IS NOT NULL", name=op.f('ck_records_version_parent')),
    sa.CheckConstraint("kind IN ('original', 'redacted', 'as_is')", name=op.f('ck_records_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_records_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_records_created_by_id_users')),
    sa.ForeignKeyConstraint(['parent_id'], ['records.id'], name=op.f('fk_records_parent_id_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records')),
    sa.UniqueConstraint('pdf_key', name=op.f('uq_records_pdf_key')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_records_storage_key'))
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_parent_id'), ['parent_id'], unique=False)

    op.create_table('redaction_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('term', sa.Text(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('x0', sa.Float(), nullable=True),
    sa.Column('y0', sa.Float(), nullable=True),
    sa.Column('x1', sa.Float(), nullable=True),
    sa.Column('y1', sa.Float(), nullable=True),
    sa.CheckConstraint("(kind = 'term' AND term IS NOT NULL) OR (kind = 'area' AND x0 IS NOT NULL AND y0 IS NOT NULL AND x1 IS NOT NULL AND y1 IS NOT NULL)", name=op.f('ck_redaction_entries_what')),
    sa.CheckConstraint("kind IN ('term', 'area')", name=op.f('ck_redaction_entries_kind')),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_redaction_entries_record_id_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction_entries'))
    )
    with op.batch_alter_table('redaction_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redaction_entries_record_id'), ['record_id'], unique=False)



def downgrade():
    with op.batch_alter_table('redaction_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redaction_entries_record_id'))

    op.drop_table('redaction_entries')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_parent_id'))
        batch_op.drop_index(batch_op.f('ix_records_case_id'))

    op.drop_table('records')
