"""indexes for the office at a million cases on PostgreSQL

Revision ID: e8pgscale01
Revises: e7consult001
Create Date: 2026-11-30 04:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8pgscale01'
down_revision = 'e7consult001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
