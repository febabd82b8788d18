"""retention periods and archived dossiers (issue 23, items 3-4)

Each agency keeps closed cases' dossiers for `retention_years` (default 10, 定期10年 of the archive
rules); an archived case has `archived_at` and its frozen dossier in `archived_dossiers`.

Revision ID: i3archive001
Revises: i2search0001
Create Date: 2026-12-08 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i3archive001'
down_revision = 'i2search0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), server_default='10', nullable=False))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'archived_dossiers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('page_count', sa.Integer(), nullable=False),
        sa.Column('document_count', sa.Integer(), nullable=False),
        sa.Column('retention_years', sa.Integer(), nullable=False),
        sa.Column('compiled_by', sa.String(length=200), nullable=False),
        sa.Column('archived_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_archived_dossiers_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_archived_dossiers')),
        sa.UniqueConstraint('case_id', name=op.f('uq_archived_dossiers_case_id')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_archived_dossiers_storage_key')),
    )


def downgrade():
    op.drop_table('archived_dossiers')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('retention_years')
