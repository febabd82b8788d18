"""the public column publishes release versions of records (issue 21, items 6 and 7)

A public entry's document is now a sanitised copy of a release version (redacted, or as it is) of
a record of the requests the entry answers: record_id names it. Documents uploaded before keep no
record (NULL).

Revision ID: h3publish001
Revises: h2enclose001
Create Date: 2026-12-09 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h3publish001'
down_revision = 'h2enclose001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('public_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_public_documents_record_id'), ['record_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_public_documents_record_id_records'), 'records', ['record_id'],
                                    ['id'])


def downgrade():
    with op.batch_alter_table('public_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_public_documents_record_id_records'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_public_documents_record_id'))
        batch_op.drop_column('record_id')
