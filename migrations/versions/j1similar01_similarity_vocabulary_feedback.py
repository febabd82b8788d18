"""similarity: an agency's vocabulary (synonyms, umbrella terms) and clerks' feedback on pairs (issue 24)

The signatures' features change shape (periods as intervals, the cleaned text for n-grams): the
similarity index is derived data, so the migration empties it and the daily sweep (or
`caseapp similarity-reindex`) rebuilds it; nothing else changes.

Revision ID: j1similar01
Revises: j1suporder01
Create Date: 2026-12-08 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'j1similar01'
down_revision = 'j1suporder01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'similarity_vocabulary',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('term', sa.String(length=60), nullable=False),
        sa.Column('variants', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('synonym', 'umbrella')", name=op.f('ck_similarity_vocabulary_kind')),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_similarity_vocabulary_agency_id_agencies')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_similarity_vocabulary_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_similarity_vocabulary')),
        sa.UniqueConstraint('agency_id', 'kind', 'term', name='uq_similarity_vocabulary_term'),
    )
    with op.batch_alter_table('similarity_vocabulary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_similarity_vocabulary_agency_id'), ['agency_id'], unique=False)
    op.create_table(
        'similarity_feedback',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('other_case_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('same', sa.Boolean(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_similarity_feedback_agency_id_agencies')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_similarity_feedback_case_id_cases')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_similarity_feedback_decided_by_id_users')),
        sa.ForeignKeyConstraint(['other_case_id'], ['cases.id'], name=op.f('fk_similarity_feedback_other_case_id_cases')),
        sa.PrimaryKeyConstraint('case_id', 'other_case_id', name=op.f('pk_similarity_feedback')),
    )
    with op.batch_alter_table('similarity_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_similarity_feedback_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_similarity_feedback_other_case_id'), ['other_case_id'], unique=False)
    # The index's features change shape: empty it (derived data; the sweep rebuilds it).
    op.execute("DELETE FROM similarity_postings")
    op.execute("DELETE FROM similarity_terms")
    op.execute("DELETE FROM similarity_signatures")


def downgrade():
    with op.batch_alter_table('similarity_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_similarity_feedback_other_case_id'))
        batch_op.drop_index(batch_op.f('ix_similarity_feedback_agency_id'))
    op.drop_table('similarity_feedback')
    with op.batch_alter_table('similarity_vocabulary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_similarity_vocabulary_agency_id'))
    op.drop_table('similarity_vocabulary')
