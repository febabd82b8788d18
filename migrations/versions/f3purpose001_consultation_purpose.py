"""consultations of another agency have a purpose: joint_production (Reg. 34) or opinion

Revision ID: f3purpose001
Revises: f2superv0001
Create Date: 2026-12-07 15:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3purpose001'
down_revision = 'f2superv0001'
branch_labels = None
depends_on = None

CHECK = ("(kind = 'agency' AND purpose IN ('joint_production', 'opinion')) "
         "OR (kind != 'agency' AND purpose IS NULL)")


def upgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=20), nullable=True))
    # Every agency consultation so far was treated as Art. 34 joint production (paused, deemed consent).
    op.execute("UPDATE consultations SET purpose = 'joint_production' WHERE kind = 'agency'")
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_consultations_purpose'), CHECK)


def downgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_consultations_purpose'), type_='check')
        batch_op.drop_column('purpose')
