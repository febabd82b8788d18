"""security hardening: HMAC query codes, session generation

Revision ID: e2security01
Revises: e1actions001
Create Date: 2026-11-30 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2security01'
down_revision = 'e1actions001'
branch_labels = None
depends_on = None


def upgrade():
    # Revocable sessions: each login session stores the user's generation, bumped at logout and
    # when the password changes.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
    # The receipt's fresh query code waits server side, not in the session cookie.
    op.create_table('receipt_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('sealed_code', sa.String(length=128), nullable=False),
    sa.Column('code_shown', sa.Boolean(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_receipt_holds_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_holds')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_receipt_holds_key_hash'))
    )
    with op.batch_alter_table('receipt_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_holds_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipt_holds_expires_at'), ['expires_at'], unique=False)
    # Query codes: new hashes are HMAC-SHA256 ("hmac_sha256$..."); the PBKDF2 ones
    # ("pbkdf2_sha256$...") keep working and are replaced at their next successful lookup, so
    # no data changes here (the codes themselves are not known).


def downgrade():
    with op.batch_alter_table('receipt_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_holds_expires_at'))
        batch_op.drop_index(batch_op.f('ix_receipt_holds_case_id'))
    op.drop_table('receipt_holds')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
