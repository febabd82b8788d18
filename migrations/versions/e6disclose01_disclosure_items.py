"""information items, public entries, redaction findings

Revision ID: e6disclose01
Revises: e5stats00001
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e6disclose01'
down_revision = 'e5stats00001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('similarity_terms',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.Column('df', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_similarity_terms_agency_id_agencies')),
    sa.PrimaryKeyConstraint('agency_id', 'term', name=op.f('pk_similarity_terms'))
    )
    op.create_table('info_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_info_items_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_info_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['info_items.id'], name=op.f('fk_info_items_merged_into_id_info_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_items'))
    )
    with op.batch_alter_table('info_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_info_items_agency_id'), ['agency_id'], unique=False)

    op.create_table('info_item_cases',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_info_item_cases_case_id_cases')),
    sa.ForeignKeyConstraint(['item_id'], ['info_items.id'], name=op.f('fk_info_item_cases_item_id_info_items')),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_info_item_cases_linked_by_id_users')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_info_item_cases'))
    )
    with op.batch_alter_table('info_item_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_info_item_cases_item_id'), ['item_id'], unique=False)

    op.create_table('public_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status != 'published' OR (published_on IS NOT NULL AND approved_by_id IS NOT NULL)", name=op.f('ck_public_entries_published_complete')),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_public_entries_status')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_public_entries_agency_id_agencies')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_public_entries_approved_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_public_entries_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_public_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['info_items.id'], name=op.f('fk_public_entries_item_id_info_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_entries'))
    )
    with op.batch_alter_table('public_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_entries_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_entries_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_entries_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_public_entries_status_published', ['status', 'published_on'], unique=False)

    op.create_table('similarity_postings',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_similarity_postings_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_similarity_postings_case_id_cases')),
    sa.PrimaryKeyConstraint('agency_id', 'term', 'case_id', name=op.f('pk_similarity_postings'))
    )
    with op.batch_alter_table('similarity_postings', schema=None) as batch_op:
        batch_op.create_index('ix_similarity_postings_case_id', ['case_id'], unique=False)

    op.create_table('similarity_signatures',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('features', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_similarity_signatures_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_similarity_signatures_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_similarity_signatures'))
    )
    with op.batch_alter_table('similarity_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_similarity_signatures_agency_id'), ['agency_id'], unique=False)

    op.create_table('public_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['public_entries.id'], name=op.f('fk_public_documents_entry_id_public_entries')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_public_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_public_documents_storage_key'))
    )
    with op.batch_alter_table('public_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_documents_entry_id'), ['entry_id'], unique=False)

    op.create_table('suggestion_answers',
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('agree', 'disagree')", name=op.f('ck_suggestion_answers_decision')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_suggestion_answers_answered_by_id_users')),
    sa.ForeignKeyConstraint(['suggestion_id'], ['proactive_suggestions.id'], name=op.f('fk_suggestion_answers_suggestion_id_proactive_suggestions')),
    sa.PrimaryKeyConstraint('suggestion_id', name=op.f('pk_suggestion_answers'))
    )
    op.create_table('redaction_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('id_number', 'mobile', 'landline', 'email', 'bank_card', 'name', 'address')", name=op.f('ck_redaction_findings_kind')),
    sa.CheckConstraint("source IN ('title', 'summary', 'document')", name=op.f('ck_redaction_findings_source')),
    sa.CheckConstraint("status != 'not_personal' OR reason IS NOT NULL", name=op.f('ck_redaction_findings_reason_required')),
    sa.CheckConstraint("status IN ('open', 'removed', 'not_personal')", name=op.f('ck_redaction_findings_status')),
    sa.ForeignKeyConstraint(['document_id'], ['public_documents.id'], name=op.f('fk_redaction_findings_document_id_public_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['public_entries.id'], name=op.f('fk_redaction_findings_entry_id_public_entries')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_redaction_findings_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction_findings'))
    )
    with op.batch_alter_table('redaction_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redaction_findings_entry_id'), ['entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('redaction_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redaction_findings_entry_id'))
    op.drop_table('redaction_findings')
    op.drop_table('suggestion_answers')
    with op.batch_alter_table('public_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_documents_entry_id'))
    op.drop_table('public_documents')
    with op.batch_alter_table('similarity_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_similarity_signatures_agency_id'))
    op.drop_table('similarity_signatures')
    with op.batch_alter_table('similarity_postings', schema=None) as batch_op:
        batch_op.drop_index('ix_similarity_postings_case_id')
    op.drop_table('similarity_postings')
    with op.batch_alter_table('public_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_public_entries_status_published')
        batch_op.drop_index(batch_op.f('ix_public_entries_item_id'))
        batch_op.drop_index(batch_op.f('ix_public_entries_case_id'))
        batch_op.drop_index(batch_op.f('ix_public_entries_agency_id'))
    op.drop_table('public_entries')
    with op.batch_alter_table('info_item_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_info_item_cases_item_id'))
    op.drop_table('info_item_cases')
    with op.batch_alter_table('info_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_info_items_agency_id'))
    op.drop_table('info_items')
    op.drop_table('similarity_terms')
