"""a letter's enclosures (release versions of records, their digests frozen at issue) and the
e-mail attachments of the outbox (issue 21)

Revision ID: h2enclose001
Revises: h1records001
Create Date: 2026-12-07 22:57:14.651012

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h2enclose001'
down_revision = 'h1records001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_enclosures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.CheckConstraint('position >= 1', name=op.f('ck_letter_enclosures_position')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_enclosures_letter_id_letters')),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_letter_enclosures_record_id_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_enclosures')),
    sa.UniqueConstraint('letter_id', 'position', name='uq_letter_enclosures_position'),
    sa.UniqueConstraint('letter_id', 'record_id', name='uq_letter_enclosures_record')
    )
    with op.batch_alter_table('letter_enclosures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_enclosures_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_enclosures_record_id'), ['record_id'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('attachments')

    with op.batch_alter_table('letter_enclosures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_enclosures_record_id'))
        batch_op.drop_index(batch_op.f('ix_letter_enclosures_letter_id'))

    op.drop_table('letter_enclosures')
